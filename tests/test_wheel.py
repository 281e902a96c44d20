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


def test_installed_wheel_builds_a_site_without_templates(wheel, tmp_path):
    venv = tmp_path / "venv"
    # The venv sees the already installed dependencies but gets its own copy of insole.
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
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
