"""Each story's last change and the people who made it, from one git log of the library."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest
from conftest import SITE_YAML, story

from insole import history
from insole.build import build
from insole.history import Change, read_history
from insole.options import Options

DAY = dt.date(2026, 6, 15)


def git(root: Path, *args: str, author: str = "Ana", when: str = "2026-03-02T10:00:00+01:00") -> None:
    """Run git in a test repository as `author`, at a fixed time, so that the history is the same each run."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_CONFIG_NOSYSTEM": "1"}
    env |= {"HOME": str(root.parent), "GIT_CONFIG_GLOBAL": os.devnull}
    setup = ["-c", f"user.name={author}", "-c", f"user.email={author.lower()}@example.com"]
    subprocess.run(["git", "-C", str(root), *setup, *args], env=env, check=True, capture_output=True)


def commit(root: Path, author: str, when: str, message: str = "Stories") -> None:
    """Commit everything in the repository as `author` at `when`."""
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message, author=author, when=when)


def repository(root: Path) -> Path:
    """A new git repository in `root` with no commit yet."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q")
    return root


def write(root: Path, name: str, text: str) -> None:
    """Write a file of the repository."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_each_file_has_its_last_change_and_its_authors_first_come_first(tmp_path):
    root = repository(tmp_path / "site")
    write(root, "content/stories/a.md", "one")
    write(root, "content/stories/b.md", "one")
    write(root, "notes.md", "not a story")
    commit(root, "Ana", "2026-01-05T09:00:00+01:00")
    write(root, "content/stories/a.md", "two")
    commit(root, "Bo Ek", "2026-02-10T09:00:00+01:00")
    write(root, "content/stories/a.md", "three")
    commit(root, "Ana", "2026-03-02T23:30:00-05:00")
    found, problems = read_history(root)
    assert problems == []
    assert dict(found) == {
        "content/stories/a.md": Change(dt.date(2026, 3, 2), ("Ana", "Bo Ek")),
        "content/stories/b.md": Change(dt.date(2026, 1, 5), ("Ana",)),
    }


def test_a_renamed_story_keeps_its_history_and_a_deleted_one_does_not(tmp_path):
    root = repository(tmp_path / "site")
    write(root, "content/stories/old-name.md", "a story long enough to be found again when renamed\n" * 5)
    write(root, "content/stories/gone.md", "the first story of this name\n")
    commit(root, "Ana", "2026-01-05T09:00:00+00:00")
    git(root, "mv", "content/stories/old-name.md", "content/stories/new-name.md")
    (root / "content/stories/gone.md").unlink()
    commit(root, "Bo", "2026-02-10T09:00:00+00:00")
    write(root, "content/stories/gone.md", "another story under the same name\n")
    commit(root, "Cy", "2026-03-01T09:00:00+00:00")
    found, _ = read_history(root)
    assert found["content/stories/new-name.md"] == Change(dt.date(2026, 2, 10), ("Ana", "Bo"))
    assert found["content/stories/gone.md"] == Change(dt.date(2026, 3, 1), ("Cy",))
    assert "content/stories/old-name.md" not in found


def test_paths_are_from_the_site_when_the_site_is_a_folder_of_the_repository(tmp_path):
    top = repository(tmp_path / "repo")
    write(top, "library/content/stories/a.md", "one")
    write(top, "content/stories/elsewhere.md", "another library's story")
    commit(top, "Ana", "2026-01-05T09:00:00+00:00")
    found, _ = read_history(top / "library")
    assert dict(found) == {"content/stories/a.md": Change(dt.date(2026, 1, 5), ("Ana",))}


def test_nothing_outside_a_work_tree_or_before_the_first_commit(tmp_path):
    plain = tmp_path / "plain"
    (plain / "content/stories").mkdir(parents=True)
    assert read_history(plain) == ({}, [])
    empty = repository(tmp_path / "empty")
    write(empty, "content/stories/a.md", "not committed yet")
    assert read_history(empty) == ({}, [])


def test_nothing_in_a_shallow_clone_whose_first_commit_would_take_every_file(tmp_path):
    root = repository(tmp_path / "site")
    write(root, "content/stories/a.md", "one")
    commit(root, "Ana", "2026-01-05T09:00:00+00:00")
    write(root, "content/stories/b.md", "two")
    commit(root, "Bo", "2026-02-05T09:00:00+00:00")
    shallow = tmp_path / "shallow"
    url = (root / ".git").as_uri()
    subprocess.run(["git", "clone", "-q", "--depth", "1", url, str(shallow)], check=True, capture_output=True)
    assert read_history(shallow) == ({}, [])


def test_nothing_without_git(tmp_path, monkeypatch):
    root = repository(tmp_path / "site")
    write(root, "content/stories/a.md", "one")
    commit(root, "Ana", "2026-01-05T09:00:00+00:00")
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    assert read_history(root) == ({}, [])


def test_git_settings_of_the_person_running_it_do_not_redirect_it(tmp_path, monkeypatch):
    root = repository(tmp_path / "site")
    write(root, "content/stories/a.md", "one")
    commit(root, "Ana", "2026-01-05T09:00:00+00:00")
    other = repository(tmp_path / "other")
    write(other, "content/stories/a.md", "another")
    commit(other, "Mallory", "2020-01-01T09:00:00+00:00")
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other))
    found, _ = read_history(root)
    assert dict(found) == {"content/stories/a.md": Change(dt.date(2026, 1, 5), ("Ana",))}


def fake_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, log: str) -> None:
    """A `git` on the PATH that says it is in a work tree, then runs `log` when asked for the history."""
    programs = tmp_path / "bin"
    programs.mkdir()
    script = programs / "git"
    script.write_text(
        f'#!/bin/sh\ncase "$*" in *rev-parse*) printf "true\\nfalse\\n"; exit 0;; esac\n{log}\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{programs}{os.pathsep}{os.environ['PATH']}")


def test_a_git_that_fails_is_a_warning_with_what_it_said(tmp_path, monkeypatch):
    fake_git(tmp_path, monkeypatch, "echo 'fatal: bad object HEAD' >&2; exit 128")
    found, problems = read_history(tmp_path)
    assert dict(found) == {}
    assert [str(p).split(" (")[0] for p in problems] == [
        f"{tmp_path}/content/stories:1:1: warning: could not read the history from git: fatal: bad object HEAD"
    ]


def test_a_git_that_takes_too_long_is_stopped_with_a_warning(tmp_path, monkeypatch):
    fake_git(tmp_path, monkeypatch, "exec sleep 30")
    monkeypatch.setattr(history, "TIMEOUT", 0.5)
    found, problems = read_history(tmp_path)
    assert dict(found) == {}
    assert len(problems) == 1 and "warning: git took more than 0.5 s" in str(problems[0])


def library(tmp_path: Path, settings: str = "git_history: true\n") -> Path:
    """A site in a git repository: one story by Ana, changed by Bo, and one by Ana alone."""
    root = repository(tmp_path / "site")
    write(root, "site.yaml", SITE_YAML + settings)
    write(root, "content/stories/lunch.md", story("Lunch", date="2024-03-14"))
    write(root, "content/stories/other.md", story("Other", date="2024-03-01"))
    commit(root, "Ana Åberg", "2024-03-15T09:00:00+01:00")
    write(root, "content/stories/lunch.md", story("Lunch", date="2024-03-14", body="Changed.\n"))
    commit(root, "Bo", "2026-03-02T09:00:00+01:00")
    return root


def built(root: Path, page: str) -> str:
    """Build the site on DAY and read one page."""
    build(Options(root=root, output=root / "_site", search=False, today=DAY))
    return (root / "_site" / page).read_text(encoding="utf-8")


def test_the_story_page_says_when_it_last_changed_and_who_changed_it(tmp_path):
    root = library(tmp_path)
    page = built(root, "stories/lunch/index.html")
    assert (
        '<dt>Last changed</dt><dd><time datetime="2026-03-02">2 March 2026</time> by Ana Åberg, Bo</dd>'
        in page
    )
    other = (root / "_site/stories/other/index.html").read_text(encoding="utf-8")
    assert '<time datetime="2024-03-15">15 March 2024</time> by Ana Åberg</dd>' in other


def test_the_story_page_shows_no_history_unless_the_site_asks(tmp_path):
    root = library(tmp_path, settings="")
    assert "Last changed" not in built(root, "stories/lunch/index.html")


def test_a_commit_alone_makes_the_story_page_again(tmp_path):
    root = library(tmp_path)
    assert "by Ana Åberg, Bo</dd>" in built(root, "stories/lunch/index.html")
    git(root, "commit", "-q", "--amend", "--no-edit", "--reset-author", author="Cy")
    page = built(root, "stories/lunch/index.html")
    assert "by Ana Åberg, Cy</dd>" in page, "the history changed, though no story file did"
    assert "Bo</dd>" not in page


def test_git_history_must_be_true_or_false(tmp_path, run):
    root = library(tmp_path, settings="git_history: yes please\n")
    result = run(root, "check")
    line = SITE_YAML.count("\n") + 1
    assert result.code == 1
    assert f"site.yaml:{line}:14: error: 'git_history' must be true or false" in result.err


def test_with_review_from_git_the_last_change_counts_as_a_review(tmp_path, run):
    root = library(tmp_path, settings="git_history: true\nreview_after_months: 24\nreview_from: git\n")
    page = built(root, "stories/other/index.html")
    assert "Due for review: the story has not changed for more than 24 months." in page
    lunch = (root / "_site/stories/lunch/index.html").read_text(encoding="utf-8")
    assert "due-note" not in lunch, "changed three months ago, though written more than two years ago"
    result = run(root, "check", "--review")
    assert result.out.splitlines()[:2] == [
        "content/stories/other.md:3:7: due for review since 2026-03-15 (not changed for review_after_months;"
        " last changed 2024-03-15 by Ana Åberg)",
        "1 story due for review, the first since 2026-03-15",
    ]


def test_without_review_from_git_the_age_counts_from_the_story_date(tmp_path):
    root = library(tmp_path, settings="review_after_months: 24\n")
    page = built(root, "stories/lunch/index.html")
    assert "Due for review: the story is more than 24 months old and has no review date." in page
    assert "Last changed" not in page


def test_review_from_is_date_or_git_and_git_needs_review_after_months(tmp_path, run):
    line = SITE_YAML.count("\n") + 1
    result = run(library(tmp_path / "a", settings="review_from: mtime\n"), "check")
    assert result.code == 1
    assert f"site.yaml:{line}:14: error: 'review_from' must be 'date' or 'git', not 'mtime'" in result.err
    result = run(library(tmp_path / "b", settings="review_from: git\n"), "check")
    assert result.code == 0
    assert (
        f"site.yaml:{line}:14: warning: 'review_from: git' does nothing without review_after_months"
        in result.err
    )
