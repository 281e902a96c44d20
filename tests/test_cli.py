"""The insole command: sub-commands, options, messages and exit codes."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from conftest import REPO, story

from insole import __version__


def test_build_writes_site_and_prints_summary(site, run):
    root = site({"content/stories/lunch.md": story()})
    result = run(root, "build")
    assert result.code == 0, result.err
    assert result.out.startswith("Built 1 story into _site/ (")
    assert (root / "_site" / "stories" / "lunch" / "index.html").is_file()


def test_output_option_and_site_option(site, run, tmp_path):
    root = site({"content/stories/lunch.md": story()})
    result = run(tmp_path, "build", "--site", "site", "--output", "elsewhere")
    assert result.code == 0, result.err
    assert (tmp_path / "elsewhere" / "stories" / "lunch" / "index.html").is_file()
    assert not (root / "_site").exists()


def test_drafts_are_left_out_unless_asked_for(site, run):
    root = site(
        {"content/stories/a.md": story("A"), "content/stories/b.md": story("B", extra="status: draft")}
    )
    assert run(root, "build").code == 0
    assert not (root / "_site/stories/b").exists()
    assert run(root, "build", "--drafts").code == 0
    assert (root / "_site/stories/b/index.html").is_file()


def test_strict_turns_warnings_into_errors(site, run):
    root = site({"content/stories/a.md": story(needs="[assemble-without-hlep]")})
    loose = run(root, "build")
    assert loose.code == 0
    assert "1 warning" in loose.out
    strict = run(root, "build", "--strict")
    assert strict.code == 1
    assert "content/stories/a.md:4:9: error: 'assemble-without-hlep' is not declared in needs" in strict.err


def test_missing_site_yaml_is_a_usage_error(run, tmp_path):
    result = run(tmp_path, "build")
    assert result.code == 2
    assert "no site.yaml" in result.err


def test_unknown_command_and_option_are_usage_errors(run, tmp_path):
    assert run(tmp_path, "publish").code == 2
    assert run(tmp_path, "build", "--fast").code == 2


def test_version_and_help(run, tmp_path):
    result = run(tmp_path, "--version")
    assert result.code == 0
    assert result.out.strip() == f"insole {__version__}"
    help_text = run(tmp_path, "--help").out
    assert "build" in help_text and "check" in help_text and "Exit codes" in help_text


def test_help_says_what_drafts_and_serve_do(run, tmp_path):
    build_help = " ".join(run(tmp_path, "build", "--help").out.split())
    assert "include stories with status: draft and stories dated after today" in build_help
    serve_help = " ".join(run(tmp_path, "serve", "--help").out.split())
    assert "Build the site in memory" in serve_help and "the output folder is left alone" in serve_help
    assert "temporary folder" not in serve_help


def test_python_dash_m_runs_the_command(site):
    root = site({"content/stories/lunch.md": story()})
    result = subprocess.run(
        [sys.executable, "-m", "insole", "check"], cwd=root, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "Checked 1 story" in result.stdout


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full, a device that is always full")
@pytest.mark.parametrize(
    "command",
    [["build", "--no-search"], ["report"], ["schema"], ["export", "--csv", "-"], ["export", "--json", "-"]],
)
def test_output_redirected_to_a_full_disk_is_one_line_and_exit_1(site, command):
    root = site({"content/stories/lunch.md": story()})
    with open("/dev/full", "w") as full:
        ran = subprocess.run(
            [sys.executable, "-m", "insole", *command],
            cwd=root,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
        )
    assert (ran.returncode, ran.stderr) == (1, "insole: could not print: No space left on device\n")


def test_the_pre_commit_hook_runs_a_real_insole_command(site, run):
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert (hook["id"], hook["language"], hook["pass_filenames"]) == ("insole-check", "python", False)
    program, *args = shlex.split(hook["entry"])
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert program in scripts
    files = re.compile(hook["files"])
    assert all(files.search(p) for p in ("content/stories/a.md", "templates/story.html", "site.yaml"))
    assert not files.search("README.md")
    root = site({"content/stories/a.md": story(extra="mystery: 1")})
    assert run(root, *args).code == 1, "--strict: a warning stops the commit"
