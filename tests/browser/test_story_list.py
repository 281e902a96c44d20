"""In a real browser: the story list of a library of thousands of stories, cut into pages and filtered whole."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO
from playwright.sync_api import Page, expect
from published import serving

from insole.build import build
from insole.facets import FACET_SHOWN
from insole.gather import gather
from insole.library import Library
from insole.options import Options
from insole.paging import LIST_PAGE

STORIES = 3000
LONG_TASK = 200  # milliseconds: a longer task is a freeze a person notices
TIMEOUT = 10_000  # milliseconds
# Collects the long tasks of a page from its start, for the test to read.
WATCH_LONG_TASKS = """
window.longTasks = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.longTasks.push(entry.duration);
}).observe({ type: "longtask", buffered: true });
"""


def synthetic(folder: Path) -> Path:
    """A synthetic library where every other story's customer is a household of its own."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    import synth

    root = folder / "library"
    synth.write_library(synth.make_library(STORIES, synth.SEED), root)
    for n, path in enumerate(sorted((root / "content" / "stories").rglob("*.md"))):
        if n % 2:
            text = path.read_text(encoding="utf-8")
            path.write_text(
                re.sub(r"(?m)^customer: .*$", f"customer: Household {n:04d}", text), encoding="utf-8"
            )
    return root


@pytest.fixture(scope="module")
def library_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic library, built without its search index."""
    root = synthetic(tmp_path_factory.mktemp("many"))
    assert build(Options(root=root, search=False)).problems == []
    return root


@pytest.fixture(scope="module")
def library(library_root: Path) -> Library:
    """The synthetic library's model."""
    return gather(Options(root=library_root), writing=False).library


@pytest.fixture(scope="module")
def address(library_root: Path) -> Iterator[str]:
    """Where the built library is served."""
    with serving(library_root / "_site") as url:
        yield url


@pytest.fixture
def page(browser) -> Iterator[Page]:
    """A new tab that notes every long task."""
    tab = browser.new_page()
    tab.add_init_script(WATCH_LONG_TASKS)
    yield tab
    tab.close()


def longest_task(page: Page) -> float:
    """The longest task the page has run so far, in milliseconds."""
    return float(page.evaluate("Math.max(0, ...window.longTasks)"))


def test_a_need_lists_its_stories_from_the_whole_library_with_counts_that_match(page, address, library):
    page.goto(address + "stories/")
    expect(page.locator("[data-story-filter]")).to_be_visible(timeout=TIMEOUT)
    listed = page.locator("[data-year] .story-link").all_inner_texts()
    assert len(listed) == LIST_PAGE
    first_page = set(listed)
    need = max(library.by_term["needs"], key=lambda slug: len(library.by_term["needs"][slug]))
    expected = [library.stories[slug].title for slug in library.by_term["needs"][need]]
    facet = page.locator("[data-facet=need]")
    facet.locator("summary").click()
    count = int(facet.locator(f"label:has(input[value='{need}']) [data-count]").inner_text())
    facet.locator(f"input[value='{need}']").check()
    found = page.locator("[data-found] .story-link")
    expect(found).to_have_count(LIST_PAGE)
    expect(page.locator("[data-status]")).to_have_text(f"Showing {len(expected)} of {STORIES} stories.")
    assert count == len(expected) > 2 * LIST_PAGE
    page.get_by_role("button", name="Show more stories").click()
    expect(found).to_have_count(2 * LIST_PAGE)
    assert found.all_inner_texts() == expected[: 2 * LIST_PAGE]
    assert set(expected[: 2 * LIST_PAGE]) - first_page, "only stories of the first page were found"
    expect(page.locator("[data-year]").first).to_be_hidden()
    assert re.search(rf"need={need}$", page.url)
    assert longest_task(page) < LONG_TASK


def test_the_customer_facet_shows_a_few_values_and_finds_a_rare_one(page, address, library):
    page.goto(address + "stories/")
    facet = page.locator("[data-facet=customer]")
    facet.locator("summary").click()
    expect(facet.locator("input[type=checkbox]")).to_have_count(FACET_SHOWN)
    rare = "Household 0777"
    titles = [story.title for story in library.stories.values() if story.customer == rare]
    assert len(titles) == 1
    facet.get_by_label("Find more in Customers").fill("0777")
    box = facet.get_by_label(rare)
    box.check()
    expect(page.locator("[data-found] .story-link")).to_have_text(titles)
    expect(page.locator("[data-found] .meta span").first).to_have_text(rare)
    page.reload()  # the address keeps the value, and the page shows its box though it is rare
    expect(page.get_by_label(rare)).to_be_checked(timeout=TIMEOUT)
    expect(page.locator("[data-found] .story-link")).to_have_text(titles)
    assert longest_task(page) < LONG_TASK


def test_without_javascript_the_pager_leads_through_the_list(browser, address, library):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(address + "stories/")
    expect(page.locator("[data-story-filter]")).to_be_hidden()
    titles = [story.title for story in library.stories.values()]
    expect(page.locator(".story-years .story-item .story-link")).to_have_text(titles[:LIST_PAGE])
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Next page").click()
    expect(page).to_have_url(address + "stories/page/2/")
    expect(page.locator(".story-years .story-item .story-link")).to_have_text(
        titles[LIST_PAGE : 2 * LIST_PAGE]
    )
    last = (STORIES + LIST_PAGE - 1) // LIST_PAGE
    page.get_by_role("link", name=str(last), exact=True).click()
    expect(page).to_have_url(f"{address}stories/page/{last}/")
    context.close()
