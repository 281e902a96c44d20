"""What `insole serve` or a build over the last output makes after each change equals a full build."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from conftest import SITE_YAML, make_site, story
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insole import build as building
from insole import content, pages, render, unchanged
from insole.build import build
from insole.library import Library
from insole.livesite import LiveSite
from insole.manifest import MARKER
from insole.memo import RACY_NS
from insole.options import Options
from insole.story import Story

NEEDS = ["assemble-without-help", "second-trip", "stay-healthy"]
PROCESSES = ["delivery", "assembly-instructions", "support"]

edit_body = st.tuples(
    st.just("body"), st.integers(0, 5), st.sampled_from(["Short.", "A longer body\n\n> a quote"])
)
edit_needs = st.tuples(
    st.just("needs"), st.integers(0, 5), st.lists(st.sampled_from(NEEDS), min_size=1, max_size=2)
)
rename = st.tuples(st.just("rename"), st.integers(1, 5), st.text("abcxyz", min_size=1, max_size=6))
delete = st.tuples(st.just("delete"), st.integers(1, 5), st.none())
vocabulary = st.tuples(st.just("vocabulary"), st.integers(0, 3), st.sampled_from(["Renamed need", "Another"]))
template = st.tuples(st.just("template"), st.integers(0, 1), st.sampled_from(["<p>A</p>", "<p>B</p>"]))
operations = st.lists(
    st.one_of(edit_body, edit_needs, rename, delete, vocabulary, template), min_size=1, max_size=6
)


def story_file(number: int, body: str = "Body.", needs: list[str] | None = None) -> str:
    """Story number `number`; every later story names the first as related."""
    chosen = needs or [NEEDS[number % 3]]
    extra = f"customer: Segment {number % 2}\nsource: support-call" + ("\nrelated: [s0]" if number else "")
    return story(
        f"Story {number}",
        date=f"2024-03-{10 + number}",
        needs=f"[{', '.join(chosen)}]",
        processes=f"[{PROCESSES[number % 3]}]",
        extra=extra,
        body=body + "\n",
    )


def apply(root: Path, operation: tuple[str, int, object]) -> list[Path]:
    """Change the site on disk as a writer would; the files changed (as a file watcher sees them)."""
    kind, number, value = operation
    stories = sorted((root / "content/stories").glob("*.md"))
    target = next((p for p in stories if f"Story {number}\n" in p.read_text()), None)
    match kind:
        case "body" | "needs":
            if target:
                body = str(value) if kind == "body" else "Body."
                needs = list(value) if kind == "needs" else None  # type: ignore[call-overload]
                target.write_text(story_file(number, body, needs), encoding="utf-8")
                return [target.resolve()]
        case "rename" | "delete":
            if target and kind == "delete":
                target.unlink()
                return [target.resolve()]
            renamed = root / f"content/stories/{value}.md"
            if target and not renamed.exists():
                target.rename(renamed)
                return [target.resolve(), renamed.resolve()]
        case "vocabulary":
            text = (
                SITE_YAML.replace("Assemble furniture without help", str(value)) if number == 1 else SITE_YAML
            )
            if number == 3:
                text = text.replace("Customers want the *wardrobe*", f"{value} wants the *wardrobe*")
            (root / "site.yaml").write_text(
                text + ("" if number != 2 else "  home-visit-2: Home visit two\n")
            )
            return [(root / "site.yaml").resolve()]
        case "template":
            # The site's own not-found page, or its own story page (which shows each story's body).
            (root / "templates").mkdir(exist_ok=True)
            name = ("404.html", "story.html")[number]
            page = f'{{% extends "default/{name}" %}}{{% block title %}}{value}{{% endblock %}}'
            (root / "templates" / name).write_text(page, encoding="utf-8")
            return [(root / "templates" / name).resolve()]
    return []


def full_build(root: Path) -> dict[str, bytes]:
    """Every file of a full build of the site (without the search index, which serve never makes)."""
    output = Path(tempfile.mkdtemp()) / "site"
    try:
        build(Options(root=root, output=output, search=False, cache=False))
        return written(output)
    finally:
        shutil.rmtree(output.parent)


def written(output: Path) -> dict[str, bytes]:
    """Every file of a site written to `output`, but insole's marker."""
    return {
        p.relative_to(output).as_posix(): p.read_bytes()
        for p in output.rglob("*")
        if p.is_file() and p.name != MARKER
    }


def served(live: LiveSite) -> dict[str, bytes]:
    """Every file the dev server would serve."""
    assert live.live.rendered is not None and live.live.site is not None
    return {
        **live.live.rendered.pages,
        **{path: source.read() for path, source in {c.path: c for c in live.live.site.plan.copies}.items()},
    }


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations)
def test_incremental_rebuild_equals_full_build(tmp_path, operations):
    root = make_site(
        Path(tempfile.mkdtemp(dir=tmp_path)), {f"content/stories/s{i}.md": story_file(i) for i in range(6)}
    )
    live = LiveSite(Options(root=root))
    assert live.rebuild()[0]
    for operation in operations:
        live.touch(*apply(root, operation))
        ok, problems, _ = live.rebuild()
        assert ok, problems
        assert served(live) == full_build(root), operation


def holds(value: object, slug: str) -> bool:
    """True when a page's context holds the story `slug` (a library holds every story)."""
    if isinstance(value, Story):
        return value.slug == slug
    if isinstance(value, Library):
        return True
    if isinstance(value, dict):
        return any(holds(item, slug) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(holds(item, slug) for item in value)
    return False


def test_editing_one_story_makes_only_the_pages_given_it(site):
    root = site({f"content/stories/s{i}.md": story_file(i) for i in range(12)})
    live = LiveSite(Options(root=root))
    live.rebuild()
    assert live.live.site is not None
    pages = live.live.site.plan.pages
    showing = [page for page in pages if holds(page.context, "s3")]
    edited = story_file(3).replace("customer: Segment 1", "customer: A new segment")
    (root / "content/stories/s3.md").write_text(edited, encoding="utf-8")
    live.rebuild()
    assert live.live.rendered is not None
    assert 1 < live.live.rendered.made <= len(showing) < len(pages)
    assert b"A new segment" in live.live.rendered.pages["stories/s3/index.html"]


def test_a_site_with_its_own_story_page_makes_one_page_for_one_body(site, run, monkeypatch):
    own = '{% extends "default/story.html" %}{% block title %}Ours: {{ story.title }}{% endblock %}'
    files = {f"content/stories/s{i}.md": story_file(i, "Start.") for i in range(6)}
    root = site({**files, "templates/story.html": own})
    assert run(root, "build").code == 0
    apply(root, ("body", 2, "Start.\n\nA second paragraph."))
    made: list[str] = []
    real = render.make_pages
    monkeypatch.setattr(
        render,
        "make_pages",
        lambda env, pages, *rest: real(env, made.extend(p.path for p in pages) or pages, *rest),
    )
    result = run(root, "build")
    assert result.code == 0 and ", 1 written)" in result.out
    assert made == ["stories/s2/index.html"]
    assert "A second paragraph." in (root / "_site/stories/s2/index.html").read_text(encoding="utf-8")


def test_a_body_edit_works_out_only_its_story_page(site, run, monkeypatch):
    # Every other page's context follows from the stories' facts, which a body edit leaves alone.
    root = site({f"content/stories/s{i}.md": story_file(i, "Start.") for i in range(6)})
    assert run(root, "build", "--no-search").code == 0
    apply(root, ("body", 2, "Start.\n\nA second paragraph."))
    asked: list[str] = []
    real = pages.Page.__dict__["context"].func
    monkeypatch.setattr(pages.Page, "context", property(lambda page: asked.append(page.path) or real(page)))
    result = run(root, "build", "--no-search")
    assert result.code == 0 and ", 1 written)" in result.out
    assert set(asked) == {"stories/s2/index.html"}
    apply(root, ("body", 2, "A new first paragraph, which is the summary."))
    asked.clear()
    assert run(root, "build", "--no-search").code == 0
    assert "stories/index.html" in asked  # the summary is a fact: the list shows it
    assert written(root / "_site") == full_build(root)


def test_stories_read_before_are_not_read_again(site, monkeypatch):
    root = site({f"content/stories/s{i}.md": story_file(i) for i in range(4)})
    old = time.time() - 60
    for path in (root / "content/stories").glob("*.md"):
        os.utime(path, (old, old))
    live = LiveSite(Options(root=root))
    live.rebuild()
    read = []
    real = content.read_story
    monkeypatch.setattr(
        content, "read_story", lambda source, *rest: read.append(source.path.name) or real(source, *rest)
    )
    (root / "content/stories/s2.md").write_text(story_file(2, "Changed."), encoding="utf-8")
    live.rebuild()
    assert read == ["s2.md"]
    assert b"Changed." in live.live.rendered.pages["stories/s2/index.html"]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations)
def test_build_over_the_last_output_equals_full_build(tmp_path, operations):
    root = make_site(
        Path(tempfile.mkdtemp(dir=tmp_path)), {f"content/stories/s{i}.md": story_file(i) for i in range(6)}
    )
    real = building.as_before
    output = root / "out"
    options = Options(root=root, output=output, search=False)
    answered: list[object] = []
    with pytest.MonkeyPatch.context() as later:
        # Each build looks as if a while after the change, when the files' stamps can be trusted.
        later.setattr(unchanged, "now_ns", lambda: time.time_ns() + 2 * RACY_NS)
        later.setattr(building, "as_before", lambda *made: answered.append(made) or real(*made))
        build(options)
        for operation in operations:
            apply(root, operation)
            build(options)
            full = full_build(root)
            assert written(output) == full, operation
            told = len(answered)
            build(options)  # nothing changed since: answered from the last build's record
            assert len(answered) == told + 1 and written(output) == full, operation


def test_a_changed_body_makes_only_its_story_page(site):
    root = site({f"content/stories/s{i}.md": story_file(i, "Start.") for i in range(6)})
    live = LiveSite(Options(root=root))
    live.rebuild()
    live.touch(*apply(root, ("body", 2, "Start.\n\nA second paragraph.")))
    ok, _, _ = live.rebuild()
    assert ok and live.live.rendered is not None
    assert live.live.rendered.made == 1
    assert served(live) == full_build(root)
    live.touch(*apply(root, ("needs", 3, ["second-trip"])))  # more than the body: the site is gathered
    live.rebuild()
    assert live.live.rendered.made > 1
    assert served(live) == full_build(root)


def test_a_body_edit_that_changes_a_quote_makes_the_pages_showing_it_again(site):
    # A site's own home page shows every quote of the library, which it is given whole.
    every_quote = '{% extends "default/home.html" %}{% block main %}{{ library.stories.values() | map(attribute="quotes") | list }}{% endblock %}'
    files = {f"content/stories/s{i}.md": story_file(i, "The summary.\n\n> Said before.") for i in range(3)}
    root = site({**files, "templates/home.html": every_quote})
    live = LiveSite(Options(root=root))
    live.rebuild()
    live.touch(*apply(root, ("body", 1, "The summary.\n\n> Said before.\n\nMore words around the quote.")))
    ok, _, _ = live.rebuild()
    assert ok and live.live.rendered is not None and live.live.rendered.made == 1  # its quotes unchanged
    live.touch(*apply(root, ("body", 1, "The summary.\n\n> Said after.")))
    ok, _, _ = live.rebuild()
    assert ok and live.live.rendered is not None and live.live.rendered.made > 1
    pages = served(live)
    for shown in ("quotes/index.html", "needs/second-trip/index.html", "index.html"):
        assert b"Said after." in pages[shown], shown
    assert pages == full_build(root)
