"""insole installed from its wheel builds a site that has no templates of its own."""

from __future__ import annotations

import subprocess
import sys
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
    assert "generator/theme/base.html" in names
    assert "generator/theme/static/style.css" in names


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
        [str(venv / "bin" / "python"), "-c", "import generator; print(generator.__file__)"],
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
    assert (root / "_site" / "static" / "style.css").is_file()
