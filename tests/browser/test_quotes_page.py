"""In a real browser: the quotes of the published example, filtered in the page and without JavaScript."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import REPO
from playwright.sync_api import expect

from insole.gather import gather
from insole.library import Library
from insole.options import Options
from insole.quotes import shortened


@pytest.fixture(scope="module")
def library() -> Library:
    """The example library's model, which says what the pages should show."""
    return gather(Options(root=REPO), writing=False).library


def quoted(library: Library, need: str = "") -> list[str]:
    """The quotes, as the list shows them, of the stories with a need (of every story if none)."""
    stories = library.stories_of("needs", need) if need else list(library.stories.values())
    return [shortened(text) for story in stories for text in story.quotes]


def test_the_quotes_filter_by_a_need_in_the_page_and_keep_it_in_the_address(page, address, library):
    need = next(
        slug for slug in library.terms["needs"] if 0 < len(quoted(library, slug)) < len(quoted(library))
    )
    page.goto(address + "quotes/")
    items = page.locator(".story-years .quote-item:visible blockquote")
    expect(items).to_have_count(len(quoted(library)))
    page.locator("[data-facet=need] summary").click()
    page.locator(f"[data-facet=need] input[value='{need}']").check()
    expect(items).to_have_count(len(quoted(library, need)))
    assert items.all_inner_texts() == quoted(library, need)
    expect(page.locator("[data-status]")).to_have_text(
        f"Showing {len(quoted(library, need))} of {len(quoted(library))} quotes."
    )
    assert parse_qs(urlsplit(page.url).query) == {"need": [need]}
    count = page.locator(f"[data-facet=need] input[value='{need}'] ~ [data-count]")
    expect(count).to_have_text(str(len(quoted(library, need))))


def test_a_need_page_links_to_its_quotes_filtered(page, address, library):
    need = next(slug for slug in library.terms["needs"] if len(quoted(library, slug)) > 3)
    page.goto(address + f"needs/{need}/")
    expect(page.locator("#quotes ~ ul blockquote")).to_have_count(3)
    page.get_by_role("link", name=f"All {len(quoted(library, need))} quotes from these stories").click()
    expect(page.locator(f"[data-facet=need] input[value='{need}']")).to_be_checked()
    expect(page.locator(".story-years .quote-item:visible")).to_have_count(len(quoted(library, need)))


def test_without_javascript_every_quote_is_listed(browser, address, library):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(address + "quotes/?need=second-trip")
    expect(tab.locator(".story-years .quote-item")).to_have_count(len(quoted(library)))
    expect(tab.locator("[data-story-filter]")).to_be_hidden()
    context.close()
