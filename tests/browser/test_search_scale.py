"""In a real browser, on a synthetic library of 3,000 stories: what the search page loads, and how it counts."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO
from playwright.sync_api import Page, Route, expect
from published import serving

from insole.build import build
from insole.options import Options

STORIES = 3_000
RARE = "zeppelinhangar"  # a word three stories hold, in two parts of the index
TIMEOUT = 20_000  # milliseconds


def synthetic(root: Path) -> None:
    """Write a synthetic library of STORIES stories into `root`, three of them holding RARE."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import synth
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    synth.write_library(synth.make_library(STORIES), root)
    files = sorted((root / "content" / "stories").rglob("*.md"))
    for path in (files[0], files[1], files[-1]):  # file names start with the date
        path.write_text(
            path.read_text(encoding="utf-8") + f"\nThey met in the {RARE} at last.\n", encoding="utf-8"
        )


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The library built with its index in parts, and with one index of every page; both served."""
    root = tmp_path_factory.mktemp("synthetic")
    synthetic(root)
    build(Options(root=root))
    build(Options(root=root, output=root / "one", part_pages=STORIES))
    assert len(json.loads((root / "_site/pagefind/parts.json").read_text(encoding="utf-8"))) > 3
    assert len(json.loads((root / "one/pagefind/parts.json").read_text(encoding="utf-8"))) == 1
    with serving(root / "_site") as parts, serving(root / "one") as one:
        yield parts, one


def status(page: Page) -> str:
    """The number of stories found, once the status says it."""
    expect(page.locator("[data-status]")).to_have_text(
        re.compile(r"stor(y|ies) found|No stories"), timeout=TIMEOUT
    )
    return page.locator("[data-status]").inner_text()


def searched(page: Page, address: str, words: str) -> tuple[str, list[str]]:
    """The status and the titles shown after typing words into the search page."""
    page.goto(address + "search/")
    before = page.locator("[data-status]").inner_text()
    page.get_by_label("Words to search for").fill(words)
    expect(page.locator("[data-status]")).not_to_have_text(before, timeout=TIMEOUT)
    return status(page), sorted(page.locator("[data-results] .story-link").all_inner_texts())


def counts(page: Page) -> dict[str, str]:
    """Every facet value's count, by facet and value."""
    return dict(
        page.locator("[data-facet] .choices label").evaluate_all(
            "labels => labels.map(l => [l.querySelector('input').name + '=' + l.querySelector('input').value,"
            " l.querySelector('[data-count]').textContent])"
        )
    )


def test_before_the_first_query_the_page_loads_little_and_no_index(sites, page):
    parts, _ = sites
    sizes: dict[str, int] = {}
    page.on(
        "requestfinished", lambda request: sizes.__setitem__(request.url, request.sizes()["responseBodySize"])
    )
    page.goto(parts + "search/")
    expect(page.locator("[data-results] .story-link")).to_have_count(20)
    expect(page.locator("[data-status]")).to_have_text(f"{STORIES} stories found.")
    page.wait_for_load_state("networkidle")
    assert len(sizes) < 50, sorted(sizes)
    assert sum(sizes.values()) < 300_000, sizes
    assert [url for url in sizes if "/pagefind/" in url] == [parts + "pagefind/parts.json"]


def test_without_words_the_facet_counts_are_the_story_lists(sites, page):
    parts, _ = sites
    page.goto(parts + "stories/")
    need = page.locator("[data-facet=need] input").nth(1).get_attribute("value")
    page.locator("[data-facet=need] summary").click()
    page.locator(f"[data-facet=need] input[value='{need}']").check()
    expect(page.locator("[data-status]")).not_to_be_empty()
    listed = counts(page)
    page.goto(parts + f"search/?need={need}")
    shown = page.locator("[data-status]")
    expect(shown).to_have_text(f"{listed[f'need={need}']} stories found.", timeout=TIMEOUT)
    assert counts(page) == listed


def test_a_rare_words_count_is_one_indexs(sites, page):
    parts, one = sites
    for words in (RARE, RARE[:8], f"met {RARE}"):
        in_parts = searched(page, parts, words)
        assert in_parts == searched(page, one, words), words
    assert in_parts[0] == "3 stories found."


def test_enter_before_the_index_is_there_keeps_the_query(sites, page):
    parts, _ = sites
    held: list[Route] = []
    page.route("**/pagefind/parts.json", lambda route: held.append(route))
    page.goto(parts + "search/")
    page.evaluate("window.stayed = true")
    page.get_by_label("Words to search for").fill(RARE)
    page.keyboard.press("Enter")
    assert held, "the list of the index's parts is still on its way"
    for route in held:
        route.continue_()
    expect(page.locator("[data-status]")).to_have_text("3 stories found.", timeout=TIMEOUT)
    assert page.evaluate("window.stayed === true"), "the page was not loaded again"
    assert page.url.endswith(f"search/?q={RARE}")
    page.unroute("**/pagefind/parts.json")
    page.goto(parts + f"search/?q={RARE}")  # where the form sends the words without the script
    expect(page.locator("[data-status]")).to_have_text("3 stories found.", timeout=TIMEOUT)
