"""The example library in the repository: builds cleanly, and its pages link as they should."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REPO

from insole.build import build
from insole.gather import gather
from insole.links import page_links, resolve
from insole.options import Options


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example library built under --strict into a temporary folder."""
    output = tmp_path_factory.mktemp("example") / "_site"
    result = build(Options(root=REPO, output=output, strict=True))
    assert result.problems == []
    return output


@pytest.fixture(scope="module")
def model():
    """The example library's model."""
    return gather(Options(root=REPO), writing=False).library


def links_of(output: Path, page: str) -> set[str]:
    """The site paths a page links to."""
    targets, _ = page_links((output / page).read_text(encoding="utf-8"))
    found = set()
    for target in targets:
        resolved = resolve(page, target)
        if resolved:
            found.add(resolved[0])
    return found


def test_example_is_big_enough(model):
    assert len(model.stories) >= 15
    assert sum(1 for slugs in model.by_term["needs"].values() if slugs) >= 8
    assert sum(1 for slugs in model.by_term["processes"].values() if slugs) >= 6
    assert sum(1 for slugs in model.by_term["co_creation"].values() if slugs) >= 5
    assert all(model.by_term["sources"].values()), "every source kind is used"


def test_example_has_swedish_and_danish_stories(example):
    bodies = [p.read_text(encoding="utf-8") for p in (example / "stories").glob("*/index.html")]
    assert any(" och " in b and " att " in b for b in bodies), "a story in Swedish"
    assert any(" og " in b and " ikke " in b for b in bodies), "a story in Danish"


def test_every_story_links_to_its_terms_and_back(example, model):
    for story in model.stories.values():
        page = f"stories/{story.slug}/index.html"
        links = links_of(example, page)
        for grouping, section in (
            ("needs", "needs"),
            ("processes", "processes"),
            ("co_creation", "co-creation"),
        ):
            terms = story.opportunities if grouping == "co_creation" else getattr(story, grouping)
            for term in terms:
                term_page = f"{section}/{term}/index.html"
                assert term_page in links, f"{page} links to {term_page}"
                assert page in links_of(example, term_page), f"{term_page} links back to {page}"


def test_declared_related_link_shows_on_both_stories(example, model):
    pairs = [(s.slug, other) for s in model.stories.values() for other in s.related]
    assert pairs
    for one, other in pairs:
        assert f"stories/{other}/index.html" in links_of(example, f"stories/{one}/index.html")
        assert f"stories/{one}/index.html" in links_of(example, f"stories/{other}/index.html")


def test_matrix_counts_equal_stories_with_both_terms(example, model):
    html = (example / "matrix" / "index.html").read_text(encoding="utf-8")
    cells = {
        (need, process): int(n)
        for need, process, n in re.findall(
            r'href="[^"]*matrix/([a-z0-9-]+)/([a-z0-9-]+)/"[^>]*>(\d+)</a>', html
        )
    }
    for need in model.terms["needs"]:
        for process in model.terms["processes"]:
            expected = {s.slug for s in model.stories.values() if need in s.needs and process in s.processes}
            assert cells.get((need, process), 0) == len(expected), (need, process)
            if expected:
                page = f"matrix/{need}/{process}/index.html"
                listed = {
                    target.split("/")[-2]
                    for target in links_of(example, page)
                    if target.startswith("stories/")
                }
                assert expected <= listed, page


def test_no_dangling_internal_link(example):
    files = {p.relative_to(example).as_posix() for p in example.rglob("*") if p.is_file()}
    for page in sorted(f for f in files if f.endswith(".html") and f != "404.html"):
        for target in page_links((example / page).read_text(encoding="utf-8"))[0]:
            resolved = resolve(page, target)
            if resolved is None:
                continue
            assert resolved[0] in files, f"{page} links to missing {target}"


def test_links_are_relative(example):
    for page in example.rglob("*.html"):
        if page.name == "404.html":
            continue
        html = page.read_text(encoding="utf-8")
        assert not re.search(r'(href|src)="/', html), f"{page} has a root-absolute link"


def test_folder_story_assets_are_copied(example, model):
    folder_stories = [s for s in model.stories.values() if s.folder]
    assert folder_stories
    for story in folder_stories:
        for asset in story.assets:
            assert (example / "stories" / story.slug / asset).is_file()
