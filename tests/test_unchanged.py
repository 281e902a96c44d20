"""A build with nothing changed is answered from the last build's record; any change makes a full build."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import SITE_YAML, story

from insole import build as building
from insole import gather as gathering
from insole import unchanged
from insole.build import Result, build
from insole.manifest import MARKER
from insole.memo import RACY_NS
from insole.options import Options

FINDING = """\
---
title: Evening calls
date: 2024-06-01
status: open
evidence: [first]
---
Calls come after dinner.
"""
FILES = {
    "content/stories/first.md": story("First", date="2024-03-01"),
    "content/stories/second.md": story("Second", date="2024-03-02", needs="[second-trip]"),
    "content/stories/visit/index.md": story("Visit", date="2024-03-03", body="![The plan](plan.svg)\n"),
    "content/stories/visit/plan.svg": '<svg xmlns="http://www.w3.org/2000/svg"><rect width="4" height="4"/></svg>',
    "content/stories/later.md": story("Later", date="2024-03-04", extra="status: draft"),  # a warning
    "content/findings/evening-calls.md": FINDING,
}
SECONDS = re.compile(r" in \d+\.\d\d s")


@pytest.fixture(autouse=True)
def later(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every build looks at the files as if a while after they were written, when their stamps can be trusted."""
    monkeypatch.setattr(unchanged, "now_ns", lambda: time.time_ns() + 2 * RACY_NS)


@pytest.fixture
def gathered(monkeypatch: pytest.MonkeyPatch) -> list[Options]:
    """The options of each build that gathered the library, but the fresh builds to compare with."""
    seen: list[Options] = []
    real = building.gather

    def gather(options: Options, *rest: object) -> object:
        if options.cache:
            seen.append(options)
        return real(options, *rest)

    monkeypatch.setattr(building, "gather", gather)
    return seen


def files(output: Path) -> dict[str, bytes]:
    """Every file of a site's output, the marker too."""
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*") if p.is_file()}


def fresh(root: Path, **asked: object) -> tuple[dict[str, bytes], Result]:
    """The files and result of a full build of the site into a new folder, with no cache."""
    output = Path(tempfile.mkdtemp()) / "site"
    try:
        result = build(Options(root=root, output=output, cache=False, **asked))  # type: ignore[arg-type]
        return files(output), result
    finally:
        shutil.rmtree(output.parent)


def same_as_fresh(root: Path, result: Result, output: Path, **asked: object) -> None:
    """Assert that a build's output and result are those of a full build into a new folder."""
    made, expected = fresh(root, **asked)
    # Pagefind names its files by digests of where it ran: only the pages are compared.
    here = {p: d for p, d in files(output).items() if not p.startswith("pagefind/")}
    assert here.pop(MARKER) and {p: d for p, d in made.items() if p != MARKER and p in here} == here
    assert {p for p in made if p != MARKER and not p.startswith("pagefind/")} == set(here)
    assert (result.stories, result.pages, result.files) == (expected.stories, expected.pages, expected.files)
    assert [(p.line, p.message) for p in result.problems] == [(p.line, p.message) for p in expected.problems]


def test_a_second_build_is_answered_without_gathering_and_says_the_same(site, run, monkeypatch):
    root = site(FILES)
    first = run(root, "build", "--no-search")
    assert first.code == 0 and "draft" in first.err
    monkeypatch.setattr(building, "unchanged", lambda *_: None)
    full = run(root, "build", "--no-search")  # what a full build with nothing changed says
    monkeypatch.undo()
    monkeypatch.setattr(unchanged, "now_ns", lambda: time.time_ns() + 2 * RACY_NS)
    monkeypatch.setattr(building, "gather", lambda *_: pytest.fail("the library was gathered"))
    before = files(root / "_site")
    quick = run(root, "build", "--no-search")
    assert quick.code == 0 and quick.err == full.err == first.err
    assert SECONDS.sub("", quick.out) == SECONDS.sub("", full.out)
    assert quick.out.startswith("Built 3 stories into _site/ (") and ", 0 written) in " in quick.out
    assert files(root / "_site") == before


def test_strict_fails_on_the_warnings_alike_every_time(site, run, gathered):
    root = site(FILES)
    assert run(root, "build", "--no-search").code == 0
    strict = [run(root, "build", "--no-search", "--strict") for _ in range(2)]
    assert [r.code for r in strict] == [1, 1] and strict[0].err == strict[1].err
    assert "error: " in strict[0].err and "draft" in strict[0].err
    assert len(gathered) == 3


def test_strict_without_warnings_is_answered_too(site, run, gathered):
    root = site({name: text for name, text in FILES.items() if "later" not in name})
    assert run(root, "build", "--no-search", "--strict").code == 0
    assert run(root, "build", "--no-search", "--strict").code == 0
    assert len(gathered) == 1


def story_edited_in_place(root: Path) -> None:
    """The same size and the same time as before: only the inode's change time tells."""
    path = root / "content/stories/second.md"
    info = path.stat()
    path.write_text(path.read_text().replace("Second", "Sekond"))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


def story_replaced(root: Path) -> None:
    """A new file of the same size and time moved over the story, as editors save."""
    path = root / "content/stories/second.md"
    info = path.stat()
    new = path.with_name("second.md~new")
    new.write_text(path.read_text().replace("Second", "Sekond"))
    os.utime(new, ns=(info.st_atime_ns, info.st_mtime_ns))
    new.replace(path)


def write(name: str, text: str) -> Callable[[Path], None]:
    """A change that writes one file of the site."""
    return lambda root: (
        (root / name).parent.mkdir(parents=True, exist_ok=True) or (root / name).write_text(text)
    )


CHANGES: dict[str, Callable[[Path], None]] = {
    "a story edited in place": story_edited_in_place,
    "a story replaced": story_replaced,
    "a story added": write("content/stories/third.md", story("Third", date="2024-03-05")),
    "a story removed": lambda root: (root / "content/stories/second.md").unlink(),
    "a story renamed": lambda root: (root / "content/stories/second.md").rename(
        root / "content/stories/zwei.md"
    ),
    "a finding edited": write("content/findings/evening-calls.md", FINDING.replace("open", "decided")),
    "a finding removed": lambda root: (root / "content/findings/evening-calls.md").unlink(),
    "an asset edited": write(
        "content/stories/visit/plan.svg", '<svg xmlns="http://www.w3.org/2000/svg"><rect width="8"/></svg>'
    ),
    "site.yaml edited": write("site.yaml", SITE_YAML.replace("Sample stories", "Other stories")),
    "a template added": write(
        "templates/404.html", '{% extends "default/404.html" %}{% block title %}A{% endblock %}'
    ),
    "a static file added": write("templates/static/extra.css", "p { color: red }"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_any_change_makes_a_full_build_equal_to_a_fresh_one(site, gathered, change):
    root = site(FILES)
    options = Options(root=root, search=False)
    build(options)
    assert build(options).written == 0 and len(gathered) == 1  # answered from the record
    CHANGES[change](root)
    result = build(options)
    assert len(gathered) == 2
    same_as_fresh(root, result, root / "_site", search=False)
    build(options)
    assert len(gathered) == 2  # and the next build is answered again


def test_a_site_template_edited_then_removed(site, gathered):
    page = '{% extends "default/404.html" %}{% block title %}X{% endblock %}'
    root = site({**FILES, "templates/404.html": page})
    options = Options(root=root, search=False)
    build(options)
    (root / "templates/404.html").write_text(page.replace("X", "Y"))
    same_as_fresh(root, build(options), root / "_site", search=False)
    (root / "templates/404.html").unlink()
    same_as_fresh(root, build(options), root / "_site", search=False)
    assert len(gathered) == 3


@pytest.mark.parametrize(
    "other",
    [
        {"drafts": True},
        {"search": True},
        {"today": dt.date(2024, 3, 3)},  # the stories dated after it are left out
        {"force": True},
    ],
)
def test_other_options_make_a_full_build(site, gathered, other):
    root = site(FILES)
    build(Options(root=root, search=False))
    asked = {"search": False, **other}
    result = build(Options(root=root, **asked))  # type: ignore[arg-type]
    assert len(gathered) == 2
    same_as_fresh(root, result, root / "_site", **asked)
    again = build(Options(root=root, **asked))  # type: ignore[arg-type]
    assert len(gathered) == 2 and again.problems == result.problems  # answered from its own record
    build(Options(root=root, search=False))
    assert len(gathered) == 3


def test_the_date_moving_on_makes_a_full_build(site, gathered, monkeypatch):
    root = site({**FILES, "content/stories/soon.md": story("Soon", date="2031-01-02")})
    build(Options(root=root, search=False))
    build(Options(root=root, search=False))
    assert len(gathered) == 1

    clock = SimpleNamespace(date=SimpleNamespace(today=lambda: dt.date(2031, 1, 2)))
    monkeypatch.setattr(gathering, "dt", clock)
    monkeypatch.setattr(unchanged, "dt", clock)
    result = build(Options(root=root, search=False))
    assert len(gathered) == 2 and result.stories == 4  # the story dated that day is published


def test_another_output_folder_is_built_in_full(site, gathered):
    root = site(FILES)
    build(Options(root=root, search=False))
    other = root / "elsewhere"
    result = build(Options(root=root, output=other, search=False))
    assert len(gathered) == 2 and result.written == result.files
    same_as_fresh(root, result, other, search=False)
    build(Options(root=root, search=False))
    build(Options(root=root, output=other, search=False))
    assert len(gathered) == 2  # each output folder has its own record


@pytest.mark.parametrize("how", ["deleted", "edited", "replaced by a folder"])
def test_an_output_file_changed_by_hand_is_put_back(site, gathered, how):
    root = site(FILES)
    options = Options(root=root, search=False)
    build(options)
    page = root / "_site/stories/first/index.html"
    if how == "deleted":
        page.unlink()
    elif how == "edited":
        page.write_bytes(page.read_bytes().replace(b"First", b"Forst"))
    else:
        page.unlink()
        page.mkdir()
    result = build(options)
    assert len(gathered) == 2 and result.written == 1
    same_as_fresh(root, result, root / "_site", search=False)


def test_a_file_in_the_way_of_the_site_is_reported_every_time(site, gathered):
    root = site(FILES)
    build(Options(root=root, search=False))
    (root / "_site/stories/third").mkdir()
    (root / "_site/stories/third/index.html").write_text("mine")
    write("content/stories/third.md", story("Third", date="2024-03-05"))(root)
    options = Options(root=root, search=False, force=True)
    for _ in range(2):
        result = build(options)
        assert any("kept this file insole did not write" in p.message for p in result.problems)
    assert len(gathered) == 3


def test_a_file_touched_within_the_second_is_looked_at(site, gathered, monkeypatch):
    root = site(FILES)
    monkeypatch.setattr(unchanged, "now_ns", time.time_ns)
    build(Options(root=root, search=False))
    build(Options(root=root, search=False))
    assert len(gathered) == 2


def test_a_site_that_reads_git_is_always_gathered(site, gathered):
    root = site(FILES, SITE_YAML + "git_history: true\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for _ in range(3):
        build(Options(root=root, search=False))
    assert len(gathered) == 3


def test_a_symbolic_link_among_the_sources_makes_a_full_build(site, gathered):
    root = site(FILES)
    (root / "content/stories/visit/same-plan.svg").symlink_to("plan.svg")
    for _ in range(2):
        assert build(Options(root=root, search=False)).stories == 3
    assert len(gathered) == 2


def test_an_unreadable_record_makes_a_full_build(site, gathered):
    root = site(FILES)
    options = Options(root=root, search=False)
    build(options)
    record = unchanged.record_file(options)
    assert record is not None and record.is_file()
    record.write_bytes(b"not a record")
    build(options)
    build(options)
    assert len(gathered) == 2


def test_no_cache_keeps_no_record(site, monkeypatch):
    root = site(FILES)
    answered = []
    monkeypatch.setattr(building, "as_before", lambda *args: answered.append(args))
    for _ in range(2):
        build(Options(root=root, search=False, cache=False))
    assert answered == []
