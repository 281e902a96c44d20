"""In a real browser: axe-core finds no serious fault, focus shows, and phones never scroll sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from published import AXE_JS, checker, html_pages, serious_violations

PHONE = {"width": 375, "height": 740}
# The home page, a story, each kind of term page, the lists, the matrix and search (with results).
SCANNED = [
    "",
    "stories/",
    "quotes/",
    "stories/lunch-in-customer-service/",
    "stories/ingrid-vill-bo-kvar/",
    "needs/",
    "needs/second-trip/",
    "processes/",
    "processes/delivery/",
    "co-creation/",
    "co-creation/instruction-testing/",
    "sources/support-call/",
    "matrix/",
    "search/?q=screws&need=second-trip",
    "404.html",
]


@pytest.mark.parametrize("width", [1280, PHONE["width"]])
def test_axe_finds_no_serious_violation(page, address, width):
    axe = checker(AXE_JS).read_text(encoding="utf-8")
    page.set_viewport_size({"width": width, "height": 900})
    problems = {}
    for path in SCANNED:
        page.goto(address + path)
        if path.startswith("search/"):
            expect(page.locator("[data-results] li").first).to_be_visible(timeout=10_000)
        # Open every facet (on the search page and the story list), so their check boxes are scanned too.
        page.evaluate("() => document.querySelectorAll('[data-facet]').forEach(f => { f.open = true; })")
        found = serious_violations(page, axe)
        if found:
            problems[path or "/"] = found
    assert problems == {}


def test_axe_sees_faults(page, address):
    axe = checker(AXE_JS).read_text(encoding="utf-8")
    page.goto(address)
    page.evaluate("() => { document.querySelector('main h1').style.color = '#b0b0b0'; }")
    assert any(v.startswith("color-contrast") for v in serious_violations(page, axe))


def test_keyboard_focus_is_visible(page, address):
    for path in ("", "search/", "matrix/"):
        page.goto(address + path)
        for _ in range(12):
            page.keyboard.press("Tab")
            style = page.evaluate(
                """() => {
                  const s = getComputedStyle(document.activeElement);
                  return [document.activeElement.outerHTML.slice(0, 80), s.outlineStyle, s.outlineWidth];
                }"""
            )
            element, outline, width = style
            assert outline != "none" and float(width.removesuffix("px")) >= 2, (path, element, style)


def test_no_page_scrolls_sideways_on_a_phone(browser, published, address):
    page = browser.new_page(viewport=PHONE)
    wide = []
    for path in html_pages(published):
        page.goto(address + path)
        if page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth"):
            wide.append(path)
    assert wide == []
    page.goto(address + "matrix/")
    box = page.locator(".matrix-scroll").first
    assert box.evaluate("b => b.scrollWidth > b.clientWidth"), "the matrix scrolls inside its own box"
    assert box.evaluate("b => b.getBoundingClientRect().right") <= PHONE["width"]
    page.close()


def test_matrix_is_a_table_a_screen_reader_can_read(page, address, published):
    page.goto(address + "matrix/")
    table = page.get_by_role("table", name="Stories by need (rows) and process (columns)")
    expect(table).to_have_count(1)
    expect(table.get_by_role("columnheader").first).to_be_visible()
    rows = table.locator("tbody tr")
    assert rows.count() == table.locator("tbody th[scope=row]").count() > 0
    assert table.locator("thead th[scope=col]").count() > 0
