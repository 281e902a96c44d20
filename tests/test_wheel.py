"""insole installed from its wheel builds a site that has no templates of its own."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from conftest import REPO, make_site, story


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built from the checkout."""
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(folder),
            str(REPO),
        ],
        check=True,
    )
    return next(folder.glob("insole-*.whl"))


def test_wheel_carries_the_default_theme(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "insole/theme/base.html" in names
    assert "insole/theme/static/style.css" in names
    assert "insole/theme/static/favicon.svg" in names
    assert "insole/theme/data/library.schema.json" in names
    # Imported as `insole`: another distribution's `generator` module cannot clash with it.
    assert not [name for name in names if name.startswith("generator/")]


def see_the_installed_dependencies(venv: Path) -> None:
    """Let a new venv import what the running interpreter has installed, after its own packages.

    `venv --system-site-packages` would show it the packages of the base interpreter only,
    not those of the virtual environment that may be running the tests.
    """
    folders = [entry for entry in sys.path if Path(entry).name in ("site-packages", "dist-packages")]
    own = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    )
    (Path(own.stdout.strip()) / "running-interpreter.pth").write_text(
        "\n".join(folders) + "\n", encoding="utf-8"
    )


def test_installed_wheel_builds_a_site_without_templates(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    see_the_installed_dependencies(venv)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall"]
    subprocess.run([*pip, str(wheel)], check=True)
    root = make_site(tmp_path / "library", {"content/stories/lunch.md": story()})
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import insole; print(insole.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(venv) in where.stdout
    result = subprocess.run([str(venv / "bin" / "insole"), "build"], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    page = (root / "_site" / "stories" / "lunch" / "index.html").read_text(encoding="utf-8")
    assert "Lunch in the support centre" in page
    schema = (root / "_site" / "data" / "library.schema.json").read_text(encoding="utf-8")
    assert json.loads(schema)["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert (root / "_site" / "static" / "style.css").is_file()


def release(version: str) -> tuple[int, ...]:
    """A version's numbers, with zeros to three places: 8 is 8.0.0."""
    numbers = tuple(int(part) for part in version.split("."))
    return numbers + (0,) * (3 - len(numbers))


def test_the_lowest_constraints_pin_every_lower_bound():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = [requirement for group in project["optional-dependencies"].values() for requirement in group]
    bounds = {}
    for requirement in [*project["dependencies"], *extras]:
        found = re.match(r"([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*(?:>=\s*([0-9.]+))?", requirement)
        assert found, requirement
        if found.group(2):
            bounds[found.group(1).lower()] = found.group(2)
    lines = (REPO / "constraints" / "lowest.txt").read_text(encoding="utf-8").splitlines()
    pins = dict(line.lower().split("==") for line in lines if line and not line.startswith("#"))
    assert {name: release(pins.get(name, "0")) for name in bounds} == {
        name: release(lowest) for name, lowest in bounds.items()
    }
