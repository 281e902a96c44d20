"""In a real browser: searching the published example by words and facets, and filtering the story list."""

from __future__ import annotations

import json
import re
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import REPO, story
from live import running
from playwright.sync_api import Page, expect
from published import build_example, serving

from insole.build import build
from insole.facets import FACET_SHOWN, FACETS, story_facets
from insole.gather import gather
from insole.library import Library
from insole.options import Options
from insole.search import PART_PAGES

TIMEOUT = 10_000  # milliseconds for the index to load and answer


@pytest.fixture(scope="module")
def library() -> Library:
    """The example library's model, which says what the pages should show."""
    return gather(Options(root=REPO), writing=False).library


def found(library: Library, chosen: dict[str, list[str]]) -> list[str]:
    """The titles of the stories a choice of facet values gives: OR within a facet, AND across."""
    return [
        story.title
        for story in library.stories.values()
        if all(set(values) & set(story_facets(story)[name]) for name, values in chosen.items())
    ]


def facet_count(library: Library, chosen: dict[str, list[str]], name: str, value: str) -> int:
    """How many stories ticking one more value would give, by the model."""
    others = {n: v for n, v in chosen.items() if n != name}
    return len(found(library, {**others, name: [value]}))


def shown_titles(page: Page) -> list[str]:
    """The titles in the result list, in order."""
    return page.locator("[data-results] .story-link").all_inner_texts()


def shown_counts(page: Page, name: str) -> dict[str, int]:
    """The count next to each value of a facet."""
    pairs = page.locator(f"[data-facet={name}] .choices label").evaluate_all(
        "labels => labels.map(l => [l.querySelector('input').value, l.querySelector('[data-count]').textContent])"
    )
    return {value: int(n) for value, n in pairs}


def tick(page: Page, name: str, value: str) -> None:
    """Open a facet and tick one of its values."""
    facet = page.locator(f"[data-facet={name}]")
    if facet.get_attribute("open") is None:
        facet.locator("summary").click()
    facet.locator(f"input[value='{value}']").check()


def wait_for_results(page: Page, titles: list[str]) -> None:
    """Wait until the result list shows these stories."""
    expect(page.locator("[data-results] .story-link")).to_have_count(len(titles), timeout=TIMEOUT)
    expect(page.locator("[data-status]")).to_have_text(
        re.compile(rf"^{len(titles)} stor(y|ies) found\.$"), timeout=TIMEOUT
    )


def test_a_query_finds_the_story(page, address, library):
    page.goto(address + "search/")
    expect(page.locator("[data-status]")).to_have_text(
        f"{len(library.stories)} stories found.", timeout=TIMEOUT
    )
    page.get_by_label("Words to search for").fill("missing screws")
    expect(page.locator("[data-status]")).not_to_have_text(f"{len(library.stories)} stories found.")
    first = page.locator("[data-results] li").filter(has_text="Lunch in the customer service centre")
    top = page.locator("[data-results] .story-link").all_inner_texts()[:3]
    assert "Lunch in the customer service centre" in top, top
    lunch = library.stories["lunch-in-customer-service"]
    expect(first.locator(".meta")).to_have_text(f"14 March 2024 · {lunch.customer}")
    expect(first.locator("time")).to_have_attribute("datetime", "2024-03-14")
    marked = first.locator(".excerpt mark").all_inner_texts()
    assert marked and all(re.match(r"(missing|screws?)\W*$", m, re.I) for m in marked), marked
    first.locator(".story-link").click()
    expect(page).to_have_url(address + "stories/lunch-in-customer-service/")


def test_facets_widen_within_and_narrow_across_with_the_librarys_counts(page, address, library):
    by_need = library.by_term["needs"]
    one = max(by_need, key=lambda need: len(by_need[need]))
    two = next(need for need in by_need if set(by_need[need]) - set(by_need[one]))
    both = found(library, {"need": [one, two]})
    process = next(
        p
        for p in library.terms["processes"]
        if 0 < len(found(library, {"need": [one, two], "process": [p]})) < len(both)
    )
    page.goto(address + "search/")
    expect(page.locator("[data-status]")).to_have_text(
        f"{len(library.stories)} stories found.", timeout=TIMEOUT
    )

    steps = [("need", one, {"need": [one]}), ("need", two, {"need": [one, two]})]
    steps.append(("process", process, {"need": [one, two], "process": [process]}))
    sizes = []
    for name, value, chosen in steps:
        tick(page, name, value)
        expected = found(library, chosen)
        wait_for_results(page, expected)
        assert sorted(shown_titles(page)) == sorted(expected)
        for facet in FACETS:
            counts = shown_counts(page, facet)
            assert counts == {v: facet_count(library, chosen, facet, v) for v in counts}, (facet, chosen)
        sizes.append(len(expected))
    assert sizes[0] < sizes[1] > sizes[2] > 0, "a second need widens, a process narrows"


def test_the_address_keeps_and_restores_the_search(browser, page, address, library):
    page.goto(address + "search/")
    page.get_by_label("Words to search for").fill("delivery")
    tick(page, "source", "support-call")
    tick(page, "source", "home-visit")
    expect(page).to_have_url(re.compile(r"source=home-visit"), timeout=TIMEOUT)
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"q": ["delivery"], "source": ["support-call", "home-visit"]}
    expect(page.locator("[data-results] li").first).to_be_visible(timeout=TIMEOUT)
    titles = shown_titles(page)
    assert titles

    shared = browser.new_page()
    shared.goto(page.url)
    expect(shared.get_by_label("Words to search for")).to_have_value("delivery")
    for value in ("support-call", "home-visit"):
        expect(shared.locator(f"[data-facet=source] input[value={value}]")).to_be_checked()
    expect(shared.locator("[data-facet=source]")).to_have_attribute("open", "")
    expect(shared.locator("[data-results] .story-link")).to_have_count(len(titles), timeout=TIMEOUT)
    assert shown_titles(shared) == titles
    shared.close()


def test_filters_work_without_words_and_clear(page, address, library):
    page.goto(address + "search/?mode=synchronous")
    expected = found(library, {"mode": ["synchronous"]})
    wait_for_results(page, expected)
    dates = page.locator("[data-results] time").evaluate_all("times => times.map(t => t.dateTime)")
    assert dates == sorted(dates, reverse=True), "without words the newest story comes first"
    page.get_by_role("button", name="Clear the search").click()
    wait_for_results(page, list(library.stories))
    assert urlsplit(page.url).query == ""


def test_without_words_the_parts_of_the_index_list_every_story_newest_first(page, address, library):
    parts = page.request.get(address + "pagefind/parts.json").json()
    assert len(parts) > 2, "the published example's index comes in parts"
    page.goto(address + "search/")
    wait_for_results(page, list(library.stories))
    assert shown_titles(page) == [story.title for story in library.stories.values()]


def test_more_results_continue_newest_first_through_the_parts_of_the_index(site, page):
    stories = {
        f"content/stories/s{n:02d}.md": story(
            f"Story {n:02d}", date=f"{2016 + n // 5}-{1 + n % 5 * 2:02d}-{1 + n % 28:02d}"
        )
        for n in range(45)
    }
    root = site(stories)
    build(Options(root=root, part_pages=8))
    assert len(json.loads((root / "_site/pagefind/parts.json").read_text(encoding="utf-8"))) > 4
    newest_first = [f"Story {n:02d}" for n in reversed(range(45))]
    with serving(root / "_site") as url:
        page.goto(url + "search/")
        expect(page.locator("[data-status]")).to_have_text("45 stories found.", timeout=TIMEOUT)
        for shown in (20, 40, 45):
            expect(page.locator("[data-results] .story-link")).to_have_count(shown, timeout=TIMEOUT)
            if shown < 45:
                page.get_by_role("button", name="Show more results").click()
        expect(page.get_by_role("button", name="Show more results")).to_be_hidden()
        assert shown_titles(page) == newest_first


def test_each_term_page_links_to_the_search_filtered_by_it(page, address, library):
    for section, grouping, facet in (
        ("needs", "needs", "need"),
        ("processes", "processes", "process"),
        ("co-creation", "co_creation", "opportunity"),
        ("sources", "sources", "source"),
    ):
        slug = next(s for s, stories in library.by_term[grouping].items() if stories)
        page.goto(f"{address}{section}/{slug}/")
        page.get_by_role("link", name="Search within these stories").click()
        expect(page.locator(f"[data-facet={facet}] input[value='{slug}']")).to_be_checked()
        wait_for_results(page, found(library, {facet: [slug]}))


def test_story_list_filters_in_the_page(page, address, library):
    page.goto(address + "stories/")
    expect(page.locator("[data-story-filter]")).to_be_visible()
    expect(page.locator("[data-browse]")).to_be_hidden()
    need = next(s for s, stories in library.by_term["needs"].items() if len(stories) > 2)
    tick(page, "need", need)
    chosen = {"need": [need]}
    items = page.locator(".story-years .story-item:visible .story-link")
    expect(items).to_have_count(len(found(library, chosen)))
    assert sorted(items.all_inner_texts()) == sorted(found(library, chosen))
    expect(page.locator("[data-status]")).to_have_text(
        f"Showing {len(found(library, chosen))} of {len(library.stories)} stories."
    )
    source = next(s for s in library.terms["sources"] if found(library, {**chosen, "source": [s]}))
    tick(page, "source", source)
    chosen["source"] = [source]
    expect(items).to_have_count(len(found(library, chosen)))
    assert shown_counts(page, "process") == {
        v: facet_count(library, chosen, "process", v) for v in shown_counts(page, "process")
    }
    assert parse_qs(urlsplit(page.url).query) == chosen
    page.reload()
    expect(items).to_have_count(len(found(library, chosen)))


def test_story_list_without_javascript_lists_every_story(browser, address, library):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(address + "stories/?need=second-trip")
    expect(page.locator(".story-years .story-item")).to_have_count(len(library.stories))
    expect(page.locator("[data-story-filter]")).to_be_hidden()
    expect(page.locator("[data-browse]")).to_be_visible()
    page.goto(address + "search/")
    expect(page.get_by_text("Search needs JavaScript")).to_be_visible()
    context.close()


def test_search_says_it_is_not_available_while_serving(site, page):
    root = site({"content/stories/lunch.md": story()})
    with running(root) as live:
        page.goto(live.url + "/search/")
        expect(page.get_by_text("Search is not available here")).to_be_visible(timeout=TIMEOUT)
        expect(page.locator("[data-search]")).to_be_hidden()


def test_swedish_site_speaks_swedish_and_stems_swedish_words(page, tmp_path_factory):
    # In one part: Pagefind looks for a shorter word in a part that lacks the one searched for.
    output = build_example(tmp_path_factory.mktemp("svenska"), language="sv", part_pages=PART_PAGES)
    with serving(output) as url:
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", "sv")
        menu = page.get_by_role("navigation", name="Webbplats")
        for word in ("Berättelser", "Behov", "Processer", "Samskapande", "Matris", "Sök"):
            expect(menu.get_by_role("link", name=word, exact=True)).to_be_visible()
        page.goto(url + "stories/lastkajen-pa-soder/")
        expect(page.locator(".facts")).to_contain_text("17 oktober 2023")
        page.goto(url + "search/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Sök bland berättelserna")
        # The story says "trapphuset" (the stairwell); "trapphusen" (the stairwells) is found by its stem.
        page.get_by_label("Ord att söka efter").fill("trapphusen")
        expect(page.locator("[data-status]")).to_have_text("1 berättelse hittades.", timeout=TIMEOUT)
        expect(page.locator("[data-results] .story-link")).to_have_text(["Lastkajen på Söder"])
        expect(page.locator("[data-results] mark").first).to_have_text(re.compile("trapphus", re.I))


def test_a_customer_beyond_the_most_frequent_is_found_by_its_box_and_kept_in_the_address(
    page, address, library
):
    counts = Counter(story.customer for story in library.stories.values() if story.customer)
    listed = sorted(counts, key=lambda name: (-counts[name], name.casefold(), name))[:FACET_SHOWN]
    rare = next(name for name in sorted(counts) if name not in listed)
    page.goto(address + "search/")
    facet = page.locator("[data-facet=customer]")
    facet.locator("summary").click()
    expect(facet.locator("input[type=checkbox]")).to_have_count(FACET_SHOWN)
    facet.get_by_label("Find more in Customers").fill(rare[:6])
    facet.locator(f"input[value='{rare}']").check()
    wait_for_results(page, found(library, {"customer": [rare]}))
    page.reload()
    expect(facet.locator(f"input[value='{rare}']")).to_be_checked()
    wait_for_results(page, found(library, {"customer": [rare]}))
