"""In a real browser: the menu, print, the dark theme, wide story bodies, search on a phone, the favicon."""

from __future__ import annotations

import re

import pytest
from conftest import story
from playwright.sync_api import Page, expect
from published import AXE_JS, checker, html_pages, serious_violations, serving

from insole.build import build
from insole.options import Options

PHONE = {"width": 375, "height": 740}
WIDTHS = [320, 375, 390, 768, 1280]
# A need, a process and a story as a workshop would print them; the home page and the matrix for the theme.
HANDOUTS = ["needs/second-trip/", "processes/delivery/", "stories/lunch-in-customer-service/"]
DARK_PAGES = [
    "",
    "stories/lunch-in-customer-service/",
    "needs/second-trip/",
    "journey/",
    "matrix/",
    "insights/",
]
LONG_URL = "https://intranet.example.com/" + "research/" * 12 + "notes-from-the-customer-service-centre-2024"
WIDE_BODY = f"""\
The customer sent the address of the manual: {LONG_URL}

Or as a link: <{LONG_URL}>

| {" | ".join(f"Column {n}" for n in range(14))} |
| {" | ".join("---" for _ in range(14))} |
| {" | ".join(f"value-{n}-of-the-wide-table" for n in range(14))} |

```
{"assemble(part='side-panel', screws=8, tool='hex-key', then='back-panel', check='level');" * 4}
```

A long word: {"Möbelmonteringsanvisningsgranskning" * 4}.

Inline code: `{"frame.attach(" * 12}`.

![A floor plan wider than any screen](plan.svg)
"""
WIDE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="2400" height="300" viewBox="0 0 2400 300">'
    '<rect width="2400" height="300" fill="#d8d4cc"/></svg>'
)


def luminance(colour: str) -> float:
    """The relative luminance of a computed `rgb(...)` colour, as WCAG defines it."""
    channels = [int(c) / 255 for c in re.findall(r"\d+", colour)[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    """The contrast ratio of two computed colours."""
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def sideways(page: Page) -> int:
    """How far the page is wider than the window, in pixels (0 when it does not scroll sideways)."""
    return int(page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth"))


def test_the_menu_leads_to_the_journey_and_the_evidence_and_marks_the_section(page, address):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(address + "journey/")
    menu = page.get_by_role("navigation", name="Site")
    expect(menu.get_by_role("link")).to_have_text(
        [
            "Stories",
            "Quotes",
            "Needs",
            "Processes",
            "Journey",
            "Co-creation",
            "Matrix",
            "Evidence and gaps",
            "Findings",
            "Search",
        ]
    )
    current = menu.locator("[aria-current]")
    expect(current).to_have_text("Journey")
    expect(current).to_have_attribute("aria-current", "page")
    underline = current.evaluate("a => getComputedStyle(a).borderBottomColor")
    plain = menu.get_by_role("link", name="Matrix").evaluate("a => getComputedStyle(a).borderBottomColor")
    assert underline != plain, "the current section is marked where it shows"
    menu.get_by_role("link", name="Evidence and gaps").click()
    expect(page).to_have_url(address + "insights/")
    expect(menu.locator("[aria-current=page]")).to_have_text("Evidence and gaps")


def test_the_menu_wraps_on_a_phone_with_ten_sections(page, address):
    page.set_viewport_size(PHONE)
    page.goto(address + "journey/")
    links = page.locator(".site-header nav a")
    expect(links).to_have_count(10)
    assert sideways(page) == 0
    for box in (links.nth(i).bounding_box() for i in range(10)):
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    header = page.locator(".site-header").bounding_box()
    assert header and header["height"] < 240, "the menu takes no more than a third of the phone's screen"


def test_a_page_prints_as_a_handout(browser, site):
    body = (
        f"The instructions are online at [the manual]({LONG_URL}).\n\n> I had everything except the screws.\n"
    )
    files = {f"content/stories/s{n}.md": story(f"Story {n}", body=body) for n in range(12)}
    root = site(files)
    assert build(Options(root=root, search=False)).problems == []
    page = browser.new_page()
    with serving(root / "_site") as address:
        page.goto(address + "needs/assemble-without-help/")
        page.emulate_media(media="print")
        expect(page.locator(".site-header nav")).to_be_hidden()
        expect(page.locator(".site-footer")).to_be_hidden()
        expect(page.locator(".search-these")).to_be_hidden()
        expect(page.locator("h1")).to_be_visible()
        items = page.locator(".stories > li")
        assert items.count() == 12
        breaks = items.evaluate_all("items => items.map(li => getComputedStyle(li).breakInside)")
        assert set(breaks) == {"avoid"}, "no story is split over two pages"
        page.goto(address + "stories/s0/")
        link = page.get_by_role("link", name="the manual")
        after = link.evaluate("a => getComputedStyle(a, '::after').content")
        assert LONG_URL in after, "the address of a link that leaves the site is written out"
        quote = page.locator(".body blockquote").evaluate("q => getComputedStyle(q).breakInside")
        assert quote == "avoid"
        colours = page.evaluate(
            "() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]"
        )
        assert colours == ["rgb(255, 255, 255)", "rgb(0, 0, 0)"], "black on white"
        page.emulate_media(media="screen")
        expect(page.locator(".site-header nav")).to_be_visible()
        assert LONG_URL not in link.evaluate("a => getComputedStyle(a, '::after').content")
    page.close()


def test_print_hides_the_menu_on_the_example_and_keeps_cards_whole(page, address):
    page.emulate_media(media="print")
    for path in HANDOUTS:
        page.goto(address + path)
        expect(page.locator(".site-header nav")).to_be_hidden()
        cards = page.locator(".panel, .evidence div, .stories > li, .counted li")
        assert cards.count() > 0, path
        assert set(cards.evaluate_all("cs => cs.map(c => getComputedStyle(c).breakInside)")) == {"avoid"}, (
            path
        )


@pytest.mark.parametrize("width", [1280, PHONE["width"]])
def test_the_dark_theme_is_dark_readable_and_axe_finds_no_serious_fault(page, address, width):
    axe = checker(AXE_JS).read_text(encoding="utf-8")
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme="dark")
    problems = {}
    for path in [*DARK_PAGES, "search/?q=screws"]:
        page.goto(address + path)
        if path.startswith("search/"):
            expect(page.locator("[data-results] li").first).to_be_visible(timeout=10_000)
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        background, ink = page.evaluate(
            "() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]"
        )
        assert luminance(background) < 0.02, (path, background)
        assert contrast(background, ink) >= 7, (path, background, ink)
        found = serious_violations(page, axe)
        if found:
            problems[path or "/"] = found
    assert problems == {}


@pytest.mark.parametrize("width", [1280, PHONE["width"]])
def test_axe_finds_no_serious_fault_in_print_even_when_the_screen_is_dark(page, address, width):
    axe = checker(AXE_JS).read_text(encoding="utf-8")
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(media="print", color_scheme="dark")
    problems = {}
    for path in [*HANDOUTS, "journey/", "matrix/", "insights/"]:
        page.goto(address + path)
        found = serious_violations(page, axe)
        if found:
            problems[path] = found
        background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(255, 255, 255)", (path, background)
    assert problems == {}


def test_no_page_scrolls_sideways_whatever_a_story_holds(browser, site):
    # A title, customer and wishes of unbreakable words show on lists, term pages and the journey too.
    word = "Möbelmonteringsanvisningsgranskningsprotokoll" * 2
    extra = f"""
        customer: {word}
        achieve: {word}
        avoid: {LONG_URL}
        source: support-call
        co_creation: [{{opportunity: instruction-testing, mode: synchronous, note: {LONG_URL}}}]
        """
    files = {
        "content/stories/wide/index.md": story(f"Wide {word}", body=WIDE_BODY, extra=extra),
        "content/stories/wide/plan.svg": WIDE_SVG,
        "content/stories/other.md": story("Other", needs="[second-trip]", extra="related: [wide]"),
    }
    root = site(files)
    assert build(Options(root=root, search=False)).problems == []
    page = browser.new_page()
    with serving(root / "_site") as address:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            wide = {}
            for path in html_pages(root / "_site"):
                page.goto(address + path)
                if sideways(page):
                    wide[path] = sideways(page)
            assert wide == {}, f"pages wider than the window at {width} px, by so many px"
            page.goto(address + "stories/wide/")
            for box in ("table", "pre"):
                scrolls = page.locator(f".body {box}").evaluate("b => b.scrollWidth > b.clientWidth")
                assert scrolls, f"the {box} scrolls inside its own box at {width} px"
            image = page.get_by_role("img", name="A floor plan wider than any screen").bounding_box()
            assert image and image["x"] + image["width"] <= width
    page.close()


def test_search_results_come_into_view_on_a_phone(page, address):
    page.set_viewport_size(PHONE)
    page.goto(address + "search/")
    expect(page.locator("[data-results] li").first).to_be_visible(timeout=10_000)
    page.get_by_label("Words to search for").fill("screws")
    page.get_by_role("button", name="Search", exact=True).click()
    first = page.locator("[data-results] li").first
    expect(page.locator("[data-status]")).to_have_text(
        re.compile(r"^\d+ stor(y|ies) found\.$"), timeout=10_000
    )
    expect(first).to_contain_text("screw")
    expect(first.locator(".story-link")).to_be_in_viewport()
    # The facets are folded, one tap away, and a search they narrow opens them again.
    facets = page.locator("[data-fold]")
    expect(facets).not_to_have_attribute("open", "")
    facets.locator("summary").first.click()
    expect(page.locator("[data-facet=need] summary")).to_be_visible()
    page.goto(address + "search/?need=second-trip")
    expect(facets).to_have_attribute("open", "")


def test_the_facets_stay_open_on_a_wide_screen(page, address):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(address + "search/")
    expect(page.locator("[data-results] li").first).to_be_visible(timeout=10_000)
    expect(page.locator("[data-facet=need] summary")).to_be_visible()


def test_an_excerpt_for_a_title_shows_the_storys_words_not_its_facts(page, address):
    page.goto(address + "search/?q=lunch")
    result = page.locator("[data-results] li").filter(has_text="Lunch in the customer service centre")
    # The title, what the customer wanted to achieve and avoid, then the story's first words.
    expect(result.locator(".excerpt")).to_contain_text("missing screws. Every Thursday", timeout=10_000)
    excerpt = result.locator(".excerpt").inner_text()
    for fact in ("Written up by", "Support call", "Families furnishing", "Customer", "Source"):
        assert fact not in excerpt, excerpt


def test_every_page_has_a_favicon_and_asks_for_nothing_missing(page, address):
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    for path in ["", "stories/lunch-in-customer-service/", "search/?q=screws", "journey/"]:
        page.goto(address + path)
        page.wait_for_load_state("networkidle")
        icon = page.locator("link[rel=icon]").get_attribute("href")
        assert icon and page.request.get(page.url.split("?")[0] + icon).ok, (path, icon)
    assert missing == []


def test_the_ways_in_are_as_tall_as_their_lists_and_the_counts_are_exact(page, address):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(address)
    heights = [box["height"] for box in (w.bounding_box() for w in page.locator(".way").all()) if box]
    assert len(set(round(h) for h in heights)) > 1, heights
    expect(page.locator(".counts")).not_to_contain_text("about")


def test_the_focus_ring_of_the_search_box_is_not_the_colour_of_a_warning(page, address):
    page.goto(address + "search/")
    words = page.get_by_label("Words to search for")
    words.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    ring, style = words.evaluate("i => [getComputedStyle(i).outlineColor, getComputedStyle(i).outlineStyle]")
    assert style == "solid"
    # Not the orange it had, nor the colour that marks what customers want to avoid and stories due.
    warnings = page.locator(".due, .kind-avoid, .wish.avoid dd").evaluate_all(
        "es => es.map(e => getComputedStyle(e).color)"
    )
    assert ring not in {"rgb(194, 65, 12)", "rgb(154, 52, 18)", *warnings}, ring
    paper = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert contrast(ring, paper) >= 3, "the ring stands out from the page"


def test_the_journey_shows_whole_lanes_and_says_the_rest_scrolls(page, address):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(address + "journey/")
    expect(page.locator(".scroll-note")).to_be_visible()
    expect(page.locator(".scroll-note")).to_contain_text("All 10 steps")
    box = page.locator(".lanes-scroll").bounding_box()
    assert box
    right = box["x"] + box["width"]
    lanes = [b for b in (lane.bounding_box() for lane in page.locator(".lane").all()) if b]
    cut = [b for b in lanes if b["x"] < right < b["x"] + b["width"]]
    whole = [b for b in lanes if b["x"] + b["width"] <= right]
    assert len(whole) == 5
    assert len(cut) == 1 and right - cut[0]["x"] <= 16, "the next lane's edge shows, none of its words"
    page.set_viewport_size({"width": 900, "height": 900})
    expect(page.locator(".scroll-note")).to_be_hidden()


def test_a_drawing_in_a_story_stays_on_white_in_the_dark_theme(page, address):
    page.emulate_media(color_scheme="dark")
    page.goto(address + "stories/kitchen-over-video/")
    plan = page.locator(".body img").first
    assert plan.evaluate("i => getComputedStyle(i).backgroundColor") == "rgb(255, 255, 255)"
    assert luminance(page.evaluate("() => getComputedStyle(document.body).backgroundColor")) < 0.02
