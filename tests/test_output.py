"""Writing the site: complete or not at all, and never over what insole did not write."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SITE_YAML, story

from insole import build as build_module
from insole import contexts, lock, manifest, render, swap
from insole import output as output_module
from insole.build import build
from insole.errors import BuildFailed
from insole.manifest import MARKER
from insole.options import Options
from insole.output import Index

PERSONS_PATHS = {"CNAME", ".well-known/x", ".well-known/y", "notes/thesis.docx"}
PERSONS_FILES = {
    "CNAME": b"stories.example.com\n",
    ".well-known/x": b"verification token\n",
    "notes/thesis.docx": b"years of work",
}


def beside(root: Path) -> list[str]:
    """What the site's folder holds, but the spare folder a build keeps the site before in."""
    return sorted(p.name for p in root.iterdir() if p.name != "._site.spare")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_build_leaves_marker_and_no_staging_folders(site):
    root = site({"content/stories/lunch.md": story()})
    build(Options(root=root))
    assert (root / "_site" / MARKER).is_file()
    assert beside(root) == ["_site", "content", "site.yaml"]


def test_failure_while_writing_leaves_previous_output_untouched(site, monkeypatch):
    root = site({f"content/stories/s{i}.md": story(f"Story {i}") for i in range(5)})
    build(Options(root=root))
    before = snapshot(root / "_site")
    (root / "content/stories/s9.md").write_text(story("A new story"), encoding="utf-8")

    real_target = output_module._target
    calls = {"n": 0}

    def failing_target(staging: Path, path: str) -> Path:
        calls["n"] += 1
        if calls["n"] == 4:
            raise OSError("disk full")
        return real_target(staging, path)

    monkeypatch.setattr(output_module, "_target", failing_target)
    with pytest.raises(BuildFailed, match="_site:1:1: error: could not write the site: disk full"):
        build(Options(root=root))
    assert snapshot(root / "_site") == before
    assert beside(root) == ["_site", "content", "site.yaml"]


def test_a_page_a_worker_process_cannot_write_fails_the_build_and_leaves_the_old_site(site, monkeypatch):
    monkeypatch.setattr(render, "can_fork", lambda workers: workers > 1)  # other tests' threads may linger
    monkeypatch.setattr(render, "PARALLEL_FROM", 1)
    root = site({f"content/stories/s{i}.md": story(f"Story {i}") for i in range(4)})
    build(Options(root=root, search=False, workers=2))
    before = snapshot(root / "_site")
    (root / "content/stories/s2.md").write_text(story("Story two, retold"), encoding="utf-8")
    real_stage = output_module.Stage.__call__

    def failing_stage(self: output_module.Stage, path: str, data: bytes) -> output_module.Staged:
        if path == "stories/s2/index.html":  # made in a worker process, which raises it there
            raise OSError(28, "No space left on device")
        return real_stage(self, path, data)

    monkeypatch.setattr(output_module.Stage, "__call__", failing_stage)
    with pytest.raises(
        BuildFailed,
        match=r"_site:1:1: error: could not write the site: No space left on device \(free some room on that disk\)$",
    ):
        build(Options(root=root, search=False, workers=2))
    assert snapshot(root / "_site") == before
    assert beside(root) == ["_site", "content", "site.yaml"]


def test_rebuild_replaces_output_and_drops_removed_pages(site):
    root = site({"content/stories/a.md": story("A"), "content/stories/b.md": story("B")})
    build(Options(root=root))
    (root / "content/stories/b.md").unlink()
    build(Options(root=root))
    assert (root / "_site/stories/a/index.html").is_file()
    assert not (root / "_site/stories/b").exists()


@pytest.mark.parametrize("output", ["content", "content/stories/out", ".", "..", "templates", "templates/x"])
def test_output_that_would_swallow_the_sources_is_refused(site, run, output):
    root = site({"content/stories/lunch.md": story(), "templates/static/extra.css": "p {}\n"})
    before = snapshot(root)
    result = run(root, "build", "--output", output)
    assert result.code == 1
    assert "error: the output folder" in result.err
    assert snapshot(root) == before


def test_folder_not_written_by_insole_is_never_replaced(site, run):
    root = site({"content/stories/lunch.md": story()})
    (root / "_site").mkdir()
    (root / "_site" / "thesis.docx").write_bytes(b"years of work")
    result = run(root, "build")
    assert result.code == 1
    assert "_site:1:1: error: the output folder holds files insole did not write" in result.err
    assert (root / "_site" / "thesis.docx").read_bytes() == b"years of work"


def test_output_symlink_to_content_is_refused(site):
    root = site({"content/stories/lunch.md": story()})
    (root / "link").symlink_to(root / "content")
    with pytest.raises(BuildFailed, match="would replace the content folder"):
        build(Options(root=root, output=root / "link"))


def test_write_refuses_paths_outside_the_output(tmp_path):
    with pytest.raises(ValueError, match="outside the output folder"):
        output_module.write_site(
            tmp_path / "out", {"../evil.html": ""}, lambda stage: [("x", stage("../evil.html", b"x"))], []
        )
    assert not (tmp_path / "evil.html").exists()
    assert not (tmp_path / "out").exists()


def test_force_writes_into_a_folder_of_a_persons_files_and_keeps_them_all(site, run):
    root = site({"content/stories/lunch.md": story()})
    theirs = root / "_site"
    for path, data in PERSONS_FILES.items():
        (theirs / path).parent.mkdir(parents=True, exist_ok=True)
        (theirs / path).write_bytes(data)
    (theirs / "empty").mkdir()
    assert run(root, "build").code == 1
    result = run(root, "build", "--force")
    assert result.code == 0, result.err
    assert (theirs / "stories/lunch/index.html").is_file()
    assert {path: snapshot(theirs)[path] for path in PERSONS_FILES} == PERSONS_FILES
    assert (theirs / "empty").is_dir()
    (root / "content/stories/lunch.md").unlink()
    (root / "content/stories/other.md").write_text(story("Other"), encoding="utf-8")
    assert run(root, "build", "--force").code == 0
    assert not (theirs / "stories/lunch").exists()
    assert {path: snapshot(theirs)[path] for path in PERSONS_FILES} == PERSONS_FILES


def test_home_disk_root_and_git_work_trees_are_refused_even_with_force(site, run, monkeypatch, tmp_path):
    root = site({"content/stories/lunch.md": story()})
    home = tmp_path / "home"
    (home / "work" / ".git").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    for output, reason in [
        (str(home), "would replace your home folder or the whole disk"),
        ("/", "would replace the content folder"),
        (str(home / "work"), "is a git work tree"),
    ]:
        result = run(root, "build", "--force", "--output", output)
        assert result.code == 1
        assert f"error: the output folder {reason}" in result.err
    assert (home / "work" / ".git").is_dir()


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under a folder with its inode and modification time."""
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_build_with_nothing_changed_writes_nothing(site, run):
    root = site({f"content/stories/s{i}.md": story(f"Story {i}") for i in range(3)})
    assert ", 0 written)" not in run(root, "build", "--no-search").out
    before = stamps(root / "_site")
    again = run(root, "build", "--no-search")
    assert ", 0 written)" in again.out
    assert stamps(root / "_site") == before


def test_one_changed_story_rewrites_its_page_and_keeps_the_others(site):
    root = site({f"content/stories/s{i}.md": story(f"Story {i}", body="Start.\n") for i in range(3)})
    build(Options(root=root, search=False))
    before = stamps(root / "_site")
    edited = story("Story 1", body="Start.\n\nNew words.\n")
    (root / "content/stories/s1.md").write_text(edited, encoding="utf-8")
    result = build(Options(root=root, search=False))
    after = stamps(root / "_site")
    changed = sorted(path for path in after if after[path] != before.get(path))
    assert changed == ["stories/s1/index.html"]
    assert result.written == 1
    assert b"New words." in (root / "_site/stories/s1/index.html").read_bytes()


def test_output_file_changed_by_hand_is_written_again(site):
    root = site({"content/stories/a.md": story()})
    build(Options(root=root, search=False))
    page = root / "_site/stories/a/index.html"
    made = page.read_bytes()
    page.write_bytes(b"edited by hand")
    (root / "_site/index.html").unlink()
    build(Options(root=root, search=False))
    assert page.read_bytes() == made
    assert (root / "_site/index.html").is_file()


def test_failure_while_putting_the_new_site_together_leaves_the_old_one(site, monkeypatch):
    root = site({f"content/stories/s{i}.md": story(f"Story {i}") for i in range(4)})
    build(Options(root=root, search=False))
    (root / "_site/CNAME").write_bytes(b"stories.example.com\n")
    before = snapshot(root / "_site")
    (root / "content/stories/s1.md").write_text(story("Story 1 renamed"), encoding="utf-8")
    (root / "content/stories/s2.md").unlink()
    real_link = swap.link
    calls = {"n": 0}

    def failing_link(source: Path, target: Path) -> None:
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError("disk full")
        real_link(source, target)

    monkeypatch.setattr(swap, "link", failing_link)
    with pytest.raises(BuildFailed, match="could not write the site: disk full"):
        build(Options(root=root, search=False))
    assert calls["n"] == 5
    assert snapshot(root / "_site") == before
    assert beside(root) == ["_site", "content", "site.yaml"]


def test_failing_search_index_puts_the_old_site_back(site, monkeypatch):
    root = site({f"content/stories/s{i}.md": story(f"Story {i}") for i in range(3)})
    build(Options(root=root, search=False))
    before = snapshot(root / "_site")
    (root / "content/stories/s1.md").write_text(story("Story 1", body="Changed.\n"), encoding="utf-8")

    def failing(pages: Path, bundle: Path) -> None:
        bundle.mkdir()
        raise BuildFailed([])

    def failing_index(config, library, part_pages, workers):
        return Index({"2024": tuple(f"stories/s{i}/index.html" for i in range(3))}, failing)

    monkeypatch.setattr(build_module, "search_index", failing_index)
    with pytest.raises(BuildFailed):
        build(Options(root=root))
    assert snapshot(root / "_site") == before
    assert not (root / "_site/pagefind").exists()


def test_a_site_story_page_that_asks_for_the_library_is_told_what_it_is_given(site, run):
    count = '{% extends "default/story.html" %}{% block main %}<p>of {{ library.stories | length }}</p>{% endblock %}'
    root = site({"content/stories/a.md": story("A"), "templates/story.html": count})
    result = run(root, "build")
    assert result.code == 1
    assert "templates/story.html:1:1: error: template error: 'library' is undefined" in result.err
    assert "a story's page is given body, changed, due, findings, related, story, terms" in result.err
    assert not (root / "_site").exists()


def made_pages(monkeypatch) -> list[str]:
    """The paths of the pages builds make from now on."""
    made: list[str] = []
    real = build_module.render_kept
    monkeypatch.setattr(
        build_module,
        "render_kept",
        lambda env, plan, *rest: made.extend(page.path for page in plan.pages) or real(env, plan, *rest),
    )
    return made


def test_second_build_after_a_first_into_an_empty_folder_makes_nothing_again(site, monkeypatch):
    root = site({f"content/stories/s{i}.md": story(f"Story {i}") for i in range(3)})
    build(Options(root=root, search=False))
    made = made_pages(monkeypatch)
    build(Options(root=root, search=False))
    assert made == [], "not even the pages about the whole library, which is as it was"


def test_pages_inputs_are_worked_out_again_only_when_the_model_changed(site, monkeypatch):
    root = site({f"content/stories/s{i}.md": story(f"Story {i}") for i in range(3)})
    build(Options(root=root, search=False))
    digested: list[int] = []
    real = contexts.Fingerprints.of
    monkeypatch.setattr(
        contexts.Fingerprints, "of", lambda self, value: digested.append(1) or real(self, value)
    )

    def worked() -> bool:
        """True when the last build digested a page's context."""
        found = bool(digested)
        digested.clear()
        return found

    build(Options(root=root, search=False))
    assert not worked(), "nothing changed, so every page's digest is as recorded"
    (root / "content/stories/s1.md").write_text(story("Story one, retold"), encoding="utf-8")
    assert build(Options(root=root, search=False)).written > 0
    assert worked()
    yaml = SITE_YAML.replace("Customers want the *wardrobe*", "People want the *wardrobe*")
    (root / "site.yaml").write_text(yaml, encoding="utf-8")
    build(Options(root=root, search=False))
    assert worked(), "a description is part of the model"
    assert b"People want the" in (root / "_site/needs/assemble-without-help/index.html").read_bytes()
    (root / "site.yaml").write_text(yaml + "review_after_months: 12\n", encoding="utf-8")
    build(Options(root=root, search=False, today=dt.date(2024, 6, 1)))
    worked()
    later = build(Options(root=root, search=False, today=dt.date(2026, 6, 1)))
    assert worked() and later.written > 0, "stories due for review are part of the model"


def test_a_changed_term_description_makes_only_its_page_and_its_groupings_list(site, monkeypatch):
    root = site({f"content/stories/s{i}.md": story(f"Story {i}") for i in range(3)})
    build(Options(root=root, search=False))
    made = made_pages(monkeypatch)
    yaml = SITE_YAML.replace("From the warehouse to", "From the store to")
    (root / "site.yaml").write_text(yaml, encoding="utf-8")
    build(Options(root=root, search=False))
    # The data file holds every term's description too.
    assert sorted(made) == ["data/library.json", "processes/delivery/index.html", "processes/index.html"]
    assert b"From the store to" in (root / "_site/processes/index.html").read_bytes()


def test_a_changed_term_description_rewrites_only_pages_about_terms(site):
    root = site({f"content/stories/s{i}.md": story(f"Story {i}") for i in range(3)})
    build(Options(root=root, search=False))
    before = stamps(root / "_site")
    yaml = SITE_YAML.replace("Customers want the *wardrobe*", "People want the *wardrobe*")
    (root / "site.yaml").write_text(yaml, encoding="utf-8")
    build(Options(root=root, search=False))
    after = stamps(root / "_site")
    changed = sorted(path for path in after if after[path] != before.get(path))
    assert changed == ["data/library.json", "needs/assemble-without-help/index.html", "needs/index.html"]
    assert b"People want the" in (root / "_site/needs/assemble-without-help/index.html").read_bytes()


def put(folder: Path, files: dict[str, bytes]) -> None:
    """Write files into a folder, making their folders."""
    for path, data in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)


def test_a_persons_files_survive_warm_cold_and_forced_builds(site, run, tmp_path, monkeypatch):
    root = site({f"content/stories/s{i}.md": story(f"Story {i}") for i in range(3)})
    assert run(root, "build", "--no-search").code == 0
    put(root / "_site", PERSONS_FILES)
    cache = tmp_path / "cache"
    monkeypatch.setenv("INSOLE_CACHE_DIR", str(cache))
    for step, args in enumerate([(), ("--no-cache",), (), ("--force",), ("--force", "--no-cache")]):
        (root / f"content/stories/new{step}.md").write_text(story(f"New {step}"), encoding="utf-8")
        (root / "content/stories/s0.md").write_text(story(f"Story 0, take {step}"), encoding="utf-8")
        result = run(root, "build", "--no-search", *args)
        assert result.code == 0, result.err
        assert f"new{step}/index.html" in str(sorted(snapshot(root / "_site")))
        assert {path: snapshot(root / "_site")[path] for path in PERSONS_FILES} == PERSONS_FILES, args
    shutil.rmtree(cache)  # deleting the cache folder is always safe
    (root / "content/stories/s1.md").unlink()
    assert run(root, "build", "--no-search").code == 0
    assert not (root / "_site/stories/s1").exists()
    assert {path: snapshot(root / "_site")[path] for path in PERSONS_FILES} == PERSONS_FILES


def test_a_persons_files_survive_a_build_after_an_older_insoles_marker(site, run):
    root = site({"content/stories/a.md": story("A")})
    put(root / "_site", {**PERSONS_FILES, MARKER: manifest.MARKER_TEXT, "index.html": b"old home"})
    result = run(root, "build", "--no-search")
    assert result.code == 0, result.err
    assert {path: snapshot(root / "_site")[path] for path in PERSONS_FILES} == PERSONS_FILES
    assert (root / "_site/index.html").read_bytes() != b"old home"
    assert b'"CNAME"' not in (root / "_site" / MARKER).read_bytes()
    assert b'"index.html"' in (root / "_site" / MARKER).read_bytes()


def test_a_persons_file_where_the_site_puts_its_own_is_an_error_and_kept_with_force(site, run):
    root = site({"content/stories/a.md": story("A")})
    assert run(root, "build", "--no-search").code == 0
    theirs = {"stories/b/index.html": b"my own page", "stories/c": b"a file where a folder goes"}
    put(root / "_site", theirs)
    (root / "content/stories/b.md").write_text(story("B"), encoding="utf-8")
    (root / "content/stories/c.md").write_text(story("C"), encoding="utf-8")
    before = snapshot(root / "_site")
    refused = run(root, "build", "--no-search")
    assert refused.code == 1
    clash = "error: insole did not write this file, and the site puts"
    assert f"_site/stories/b/index.html:1:1: {clash} 'stories/b/index.html' here" in refused.err
    assert f"_site/stories/c:1:1: {clash} 'stories/c/index.html' here" in refused.err
    assert snapshot(root / "_site") == before
    forced = run(root, "build", "--no-search", "--force")
    assert forced.code == 0, forced.err
    kept = "warning: kept this file insole did not write; the site's 'stories/b/index.html' is left out"
    assert f"_site/stories/b/index.html:1:1: {kept}" in forced.err
    assert {path: snapshot(root / "_site")[path] for path in theirs} == theirs
    assert b"stories/b/" in (root / "_site/stories/index.html").read_bytes()


def test_a_folder_that_holds_a_home_folder_is_refused_even_with_force(site, run, monkeypatch, tmp_path):
    root = site({"content/stories/lunch.md": story()})
    disk = tmp_path / "disk"
    home = disk / "home" / "maja"
    put(home, {".bashrc": b"export EDITOR=vi\n"})
    monkeypatch.setenv("HOME", str(home))
    before = snapshot(disk)
    for output in [disk / "home", disk]:
        result = run(root, "build", "--force", "--output", str(output))
        assert result.code == 1
        assert f"{output}:1:1: error: the output folder contains a home folder ({home})" in result.err
    assert snapshot(disk) == before
    assert [p.name for p in disk.iterdir()] == ["home"]


def test_a_crash_before_or_at_the_exchange_leaves_the_whole_old_site(site, monkeypatch):
    root = site({f"content/stories/s{i}.md": story(f"Story {i}") for i in range(3)})
    build(Options(root=root, search=False))
    put(root / "_site", PERSONS_FILES)
    before = snapshot(root / "_site")
    (root / "content/stories/s1.md").write_text(story("Story 1, retold"), encoding="utf-8")

    def crash(new: Path, output: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(output_module, "exchange", crash)
    with pytest.raises(KeyboardInterrupt):
        build(Options(root=root, search=False))
    assert snapshot(root / "_site") == before
    assert beside(root) == ["_site", "content", "site.yaml"]


def test_the_two_step_exchange_puts_the_old_site_back_when_stopped_between_its_steps(site, monkeypatch):
    root = site({f"content/stories/s{i}.md": story(f"Story {i}") for i in range(3)})
    build(Options(root=root, search=False))
    put(root / "_site", PERSONS_FILES)
    before = snapshot(root / "_site")
    (root / "content/stories/s1.md").write_text(story("Story 1, retold"), encoding="utf-8")
    monkeypatch.setattr(swap, "_exchange_at_once", lambda new, output: False)
    real_rename = os.rename
    renames: list[str] = []

    def killed_after_the_first_step(source: Path, target: Path) -> None:
        if renames:  # the process is gone: nothing after the first step runs
            raise SystemExit("killed")
        if Path(source) == root / "_site":
            renames.append(str(target))
        real_rename(source, target)

    monkeypatch.setattr(os, "rename", killed_after_the_first_step)
    with pytest.raises(SystemExit):
        build(Options(root=root, search=False))
    monkeypatch.setattr(os, "rename", real_rename)
    assert not (root / "_site").exists()
    lock.clear_leftovers(root / "_site")
    assert snapshot(root / "_site") == before
    assert beside(root) == ["_site", "content", "site.yaml"]
    build(Options(root=root, search=False))
    assert b"Story 1, retold" in (root / "_site/stories/s1/index.html").read_bytes()
    assert {path: snapshot(root / "_site")[path] for path in PERSONS_FILES} == PERSONS_FILES


def test_both_exchanges_swap_two_folders_whole(tmp_path, monkeypatch):
    for at_once in [True, False]:
        old, new = tmp_path / f"site{at_once}", tmp_path / f"new{at_once}"
        put(old, {"index.html": b"old", "a/b.html": b"old b"})
        put(new, {"index.html": b"new", "c.html": b"new c"})
        if not at_once:
            monkeypatch.setattr(swap, "_exchange_at_once", lambda new, output: False)
        else:
            assert swap._exchange_at_once(new, old), "Linux exchanges folders in one step"
            swap._exchange_at_once(new, old)  # and back
        swap.exchange(new, old)
        assert snapshot(old) == {"index.html": b"new", "c.html": b"new c"}
        assert snapshot(new) == {"index.html": b"old", "a/b.html": b"old b"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["newFalse", "newTrue", "siteFalse", "siteTrue"]


def test_ctrl_c_during_a_build_exits_130_with_one_line_and_leaves_the_old_site(site, run, monkeypatch):
    root = site({f"content/stories/s{i}.md": story(f"Story {i}") for i in range(3)})
    assert run(root, "build", "--no-search").code == 0
    put(root / "_site", PERSONS_FILES)
    before = snapshot(root / "_site")
    (root / "content/stories/s1.md").write_text(story("Story 1, retold"), encoding="utf-8")
    real_stage = output_module.Stage.__call__

    def interrupted(self: output_module.Stage, path: str, data: bytes) -> output_module.Staged:
        if path == "stories/s1/index.html":
            raise KeyboardInterrupt
        return real_stage(self, path, data)

    monkeypatch.setattr(output_module.Stage, "__call__", interrupted)
    result = run(root, "build", "--no-search")
    assert result.code == 130
    assert result.err == "insole: interrupted; the output folder holds the last complete site\n"
    assert result.out == ""
    assert snapshot(root / "_site") == before
    assert beside(root) == ["_site", "content", "site.yaml"]


def test_what_a_stopped_build_left_beside_the_output_is_cleared_and_nothing_else(site, run):
    root = site({"content/stories/a.md": story("A")})
    assert run(root, "build", "--no-search").code == 0
    left = ["._site.new-k2j4_x9q", "._site.old-abcdefgh", "._site.index-0a1b2c3d"]
    for name in left:
        put(root / name, {"site/index.html": b"half a site", "stories/a/index.html": b"x"})
    kept = ["._site.new-mine", "._site.new-abcdefgh.txt", "._other.new-abcdefgh", "._site.lockers"]
    for name in kept:
        put(root / name, {"notes.txt": b"a person's"})
    (root / "._site.old-12345678").write_bytes(b"a file, not a build's folder")
    result = run(root, "build", "--no-search")
    assert result.code == 0, result.err
    assert beside(root) == sorted(["._site.old-12345678", *kept, "_site", "content", "site.yaml"])
    assert all((root / name / "notes.txt").read_bytes() == b"a person's" for name in kept)


def test_builds_after_any_changes_match_a_fresh_build_and_the_spare_folder_may_go(site, tmp_path):
    image = b"<svg xmlns='http://www.w3.org/2000/svg'/>"
    stories = {f"content/stories/s{i}.md": story(f"Story {i}") for i in range(6)}
    folder = story("In a folder", body="![A plan](plan.svg)\n")
    root = site({**stories, "content/stories/f/index.md": folder, "content/stories/f/plan.svg": image})
    output, spare = root / "_site", root / "._site.spare"
    build(Options(root=root, search=False))
    put(output, PERSONS_FILES)
    steps = [
        lambda: (root / "content/stories/s1.md").write_text(story("Story 1, retold"), encoding="utf-8"),
        lambda: (root / "content/stories/s2.md").unlink(),
        lambda: (root / "content/stories/f/plan.svg").write_bytes(image.replace(b"/>", b"><g/></svg>")),
        lambda: put(output, {"CNAME": b"other.example.com\n", ".well-known/y": b"another token\n"}),
        lambda: (
            (root / "content/stories/f/index.md").unlink() or (root / "content/stories/f/plan.svg").unlink()
        ),
        lambda: shutil.rmtree(spare / "stories") or put(spare, {"stray.html": b"x", "index.html": b"stale"}),
        lambda: (output / ".well-known/y").unlink() or (output / "CNAME").open("ab").write(b"# in place\n"),
        lambda: (
            shutil.rmtree(spare)
            or (root / "content/stories/s4.md").write_text(story("Four"), encoding="utf-8")
        ),
    ]
    for number, step in enumerate(steps):
        step()
        theirs = {path: data for path, data in snapshot(output).items() if path in PERSONS_PATHS}
        build(Options(root=root, search=False))
        fresh = tmp_path / f"fresh{number}"
        build(Options(root=root, output=fresh, search=False, cache=False))
        assert snapshot(output) == {**snapshot(fresh), **theirs}, f"step {number}"
        assert sorted(p.name for p in root.iterdir()) == ["._site.spare", "_site", "content", "site.yaml"], (
            number
        )


def test_a_symbolic_link_of_a_persons_where_the_site_puts_a_folder_is_never_written_through(
    site, run, tmp_path
):
    root = site({"content/stories/a.md": story("A")})
    assert run(root, "build", "--no-search").code == 0
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "_site/stories/b").symlink_to(outside)
    (root / "content/stories/b.md").write_text(story("B"), encoding="utf-8")
    refused = run(root, "build", "--no-search")
    assert "_site/stories/b:1:1: error: insole did not write this file, and the site puts" in refused.err
    assert run(root, "build", "--no-search", "--force").code == 0
    assert (root / "_site/stories/b").is_symlink()
    assert list(outside.iterdir()) == []


def test_a_file_swapped_for_a_link_after_the_plan_is_refused_as_it_is_copied(site, monkeypatch, tmp_path):
    root = site({"content/stories/a/index.md": story(), "content/stories/a/plan.txt": "floor plan"})
    build(Options(root=root, search=False))
    before = snapshot(root / "_site")
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"the-secret-password-1234")
    (root / "content/stories/a/plan.txt").write_text("a new floor plan")
    real_gather = build_module.gather

    def gather_then_swap(*args, **kwargs):
        found = real_gather(*args, **kwargs)
        asset = root / "content/stories/a/plan.txt"
        asset.unlink()
        asset.symlink_to(secret)
        return found

    monkeypatch.setattr(build_module, "gather", gather_then_swap)
    with pytest.raises(BuildFailed) as failed:
        build(Options(root=root, search=False))
    assert [str(p) for p in failed.value.problems] == [
        f"{root / 'content/stories/a/plan.txt'}:1:1: error: symbolic link leads outside the content folder (copy the file in instead of linking to it)"
    ]
    assert snapshot(root / "_site") == before
    written = [p for p in root.rglob("*") if p.is_file() and not p.is_symlink()]
    assert all(b"the-secret" not in p.read_bytes() for p in written)


@pytest.fixture
def mounted(tmp_path: Path) -> Iterator[Path]:
    """An empty folder with a small file system of its own mounted on it (skipped where that can't be)."""
    folder = tmp_path / "mounted"
    folder.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", str(folder)], capture_output=True
    )
    if made.returncode:
        pytest.skip("mounting a file system needs root")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def test_an_output_folder_that_is_a_mount_point_is_refused_with_a_hint(site, run, mounted):
    root = site({"content/stories/lunch.md": story()})
    (mounted / "CNAME").write_bytes(b"stories.example.com\n")
    for args in [(), ("--force",)]:
        result = run(root, "build", "--no-search", "--output", str(mounted), *args)
        assert result.code == 1
        assert (
            f"{mounted}:1:1: error: the output folder is a mount point, which insole cannot replace"
            in result.err
        )
        assert f"(give a folder inside it, such as --output {mounted}/site)" in result.err
    assert snapshot(mounted) == {"CNAME": b"stories.example.com\n"}
    assert sorted(p.name for p in mounted.parent.iterdir()) == ["mounted", "site"]
    assert run(root, "build", "--no-search", "--output", str(mounted / "site")).code == 0


def test_a_read_only_disk_under_the_output_is_one_error_naming_the_file_and_the_site_stays(
    site, run, mounted
):
    root = site({"content/stories/lunch.md": story()})
    assert run(root, "build", "--no-search", "--output", str(mounted / "site")).code == 0
    before = snapshot(mounted)
    (root / "content/stories/lunch.md").write_text(story("Lunch, retold"), encoding="utf-8")
    subprocess.run(["mount", "-o", "remount,ro", str(mounted)], check=True)
    try:
        result = run(root, "build", "--no-search", "--output", str(mounted / "site"))
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(mounted)], check=True)
    assert result.code == 1
    assert result.err == (
        f"{mounted}/site:1:1: error: could not write the site: Read-only file system: {mounted}/.site.lock"
        " (the new site is put together in the folder that holds the output, which must be writable)\n"
        "insole: 1 error; nothing was written\n"
    )
    assert snapshot(mounted) == before


@pytest.mark.parametrize(
    "change",
    [
        lambda text: text.replace(
            b'[\n"', b'[\n"CNAME",\n".well-known/x",\n"notes",\n"../../outside.txt",\n"/etc/x",\n"'
        ),
        lambda text: text[: len(text) // 2],
        lambda text: bytes(range(256)) * 64,
    ],
    ids=["list-naming-their-files", "cut-short", "binary-junk"],
)
def test_a_changed_or_broken_marker_never_costs_a_person_their_files(site, change, tmp_path):
    root = site({"content/stories/lunch.md": story()})
    build(Options(root=root, search=False))
    put(root / "_site", PERSONS_FILES)
    (tmp_path / "outside.txt").write_bytes(b"not the site's")
    marker = root / "_site" / MARKER
    marker.write_bytes(change(marker.read_bytes()))
    (root / "content/stories/lunch.md").write_text(story("Lunch, retold"), encoding="utf-8")
    build(Options(root=root, search=False))
    assert {path: snapshot(root / "_site").get(path) for path in PERSONS_FILES} == PERSONS_FILES
    assert (tmp_path / "outside.txt").read_bytes() == b"not the site's"
    assert b"Lunch, retold" in (root / "_site/stories/lunch/index.html").read_bytes()


def test_a_named_pipe_in_the_markers_place_is_never_waited_on(site):
    root = site({"content/stories/lunch.md": story()})
    build(Options(root=root, search=False))
    (root / "_site" / MARKER).unlink()
    os.mkfifo(root / "_site" / MARKER)
    command = [sys.executable, "-m", "insole", "build", "--no-search"]
    refused = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1
    assert "_site:1:1: error: the output folder holds files insole did not write" in refused.stderr
    forced = subprocess.run([*command, "--force"], cwd=root, capture_output=True, text=True, timeout=60)
    assert forced.returncode == 0, forced.stderr


def test_a_folder_others_can_write_to_is_refused_even_with_force(site, run, tmp_path):
    root = site({"content/stories/lunch.md": story()})
    shared = tmp_path / "shared"
    put(shared, PERSONS_FILES)
    shared.chmod(0o1777)
    before = stamps(shared)
    for args in [(), ("--force",)]:
        result = run(root, "build", "--no-search", "--output", str(shared), *args)
        assert result.code == 1
        assert (
            f"{shared}:1:1: error: the output folder is shared: others can put files in it (like /tmp)"
            in result.err
        )
    assert stamps(shared) == before and snapshot(shared) == PERSONS_FILES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared", "site"]


def test_a_file_put_in_the_output_while_a_build_runs_stays_through_the_next_builds(site, monkeypatch):
    root = site({"content/stories/lunch.md": story()})
    build(Options(root=root, search=False))
    real_exchange = output_module.exchange

    def late_save(new: Path, output: Path) -> None:
        put(output, {"notes/late.txt": b"saved while the site was put together"})
        real_exchange(new, output)

    monkeypatch.setattr(output_module, "exchange", late_save)
    (root / "content/stories/lunch.md").write_text(story("Lunch, retold"), encoding="utf-8")
    build(Options(root=root, search=False))
    monkeypatch.setattr(output_module, "exchange", real_exchange)
    for title in ["Lunch, told again", "Lunch, once more"]:
        (root / "content/stories/lunch.md").write_text(story(title), encoding="utf-8")
        build(Options(root=root, search=False))
        assert snapshot(root / "_site")["notes/late.txt"] == b"saved while the site was put together"


@pytest.mark.parametrize("planted", ["spare", "lock"])
def test_a_link_planted_beside_the_output_never_has_insole_write_where_it_leads(site, run, tmp_path, planted):
    root = site({"content/stories/lunch.md": story()})
    assert run(root, "build", "--no-search").code == 0
    before = snapshot(root / "_site")
    elsewhere = tmp_path / "elsewhere"
    put(elsewhere, PERSONS_FILES)
    name = {"spare": "._site.spare", "lock": "._site.lock"}[planted]
    shutil.rmtree(root / "._site.spare", ignore_errors=True)
    (root / name).symlink_to(elsewhere / ("notes" if planted == "spare" else "new-file"))
    (root / "content/stories/lunch.md").write_text(story("Lunch, retold"), encoding="utf-8")
    result = run(root, "build", "--no-search")
    assert result.code == 1
    assert result.err.startswith(
        "._site.spare:1:1: error: this is not a folder of insole's spare site"
        if planted == "spare"
        else "_site:1:1: error: could not write the site: Too many levels of symbolic links: ._site.lock"
    ), result.err
    assert snapshot(elsewhere) == PERSONS_FILES
    assert snapshot(root / "_site") == before and not (root / "_site").is_symlink()
