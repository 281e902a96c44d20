"""In a real browser: journey lanes are columns on a wide screen and stack on a phone; no sideways scroll."""

from __future__ import annotations

import pytest
from published import AXE_JS, checker

PAGES = ["journey/", "insights/"]


def lane_boxes(page) -> list[dict[str, float]]:
    """The position and size of each lane, in journey order."""
    return page.evaluate(
        "() => [...document.querySelectorAll('.lane')].map(e => {"
        " const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, width: r.width}; })"
    )


def test_lanes_are_columns_in_journey_order_on_a_wide_screen(page, address):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(address + "journey/")
    boxes = lane_boxes(page)
    assert len(boxes) >= 5
    assert len({round(box["y"]) for box in boxes}) == 1, "every lane starts at the same height"
    assert [box["x"] for box in boxes] == sorted(box["x"] for box in boxes)
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= 1280, "the lanes scroll inside their own box, not the page"
    heads = page.evaluate(
        "() => [...document.querySelectorAll('.lane-head')].map(e => Math.round(e.getBoundingClientRect().y))"
    )
    assert len(set(heads)) == 1, "the line of steps runs straight across the lanes"


def test_lanes_stack_on_a_phone_and_nothing_scrolls_sideways(page, address):
    page.set_viewport_size({"width": 375, "height": 740})
    for path in PAGES:
        page.goto(address + path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width} px wide on a 375 px phone"
    page.goto(address + "journey/")
    boxes = lane_boxes(page)
    assert len({round(box["x"]) for box in boxes}) == 1, "lanes stack in one column"
    assert [box["y"] for box in boxes] == sorted(box["y"] for box in boxes)


@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_no_serious_violation_on_the_new_pages(page, address, width):
    axe = checker(AXE_JS).read_text(encoding="utf-8")
    page.set_viewport_size({"width": width, "height": 900})
    problems = {}
    for path in PAGES:
        page.goto(address + path)
        page.add_script_tag(content=axe)
        found = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        )
        serious = [f"{v['id']}: {v['help']}" for v in found if v["impact"] in ("serious", "critical")]
        if serious:
            problems[path] = serious
    assert problems == {}
