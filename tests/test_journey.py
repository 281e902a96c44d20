"""Journey lanes: processes in the declared order as columns, needs above and below, sized by stories."""

from __future__ import annotations

import re

from conftest import SITE_YAML, story

from insole.gather import gather
from insole.journey import lanes, size
from insole.links import page_links, resolve
from insole.options import Options
from insole.pages import cell_url

STORIES = {
    "content/stories/a.md": story(
        "Story A",
        needs="[assemble-without-help, second-trip]",
        processes="[support, delivery]",
        extra="co_creation:\n  - {opportunity: home-panel, mode: synchronous}",
    ),
    "content/stories/b.md": story("Story B", needs="[assemble-without-help]", processes="[support]"),
    "content/stories/c.md": story("Story C", needs="[assemble-without-help]", processes="[support]"),
}
# The sample vocabulary with its processes declared in another order than the file's.
REORDERED = SITE_YAML.replace(
    """processes:
  delivery:
    title: Delivery
    description: From the warehouse to the customer's door.
  assembly-instructions: Assembly instructions
  support: Support
""",
    """processes:
  support: Support
  assembly-instructions: Assembly instructions
  delivery: Delivery
""",
)


def journey_html(root, run) -> str:
    """The built journey page of a sample site."""
    assert run(root, "build", "--no-search").code == 0
    return (root / "_site/journey/index.html").read_text(encoding="utf-8")


def column_titles(html: str) -> list[str]:
    """The process of each column, left to right."""
    return re.findall(r'<h2><span class="step"[^>]*>\d+</span> <a [^>]*>([^<]+)</a></h2>', html)


def test_columns_follow_the_declared_order_of_processes(site, run):
    assert column_titles(journey_html(site(STORIES), run)) == ["Delivery", "Assembly instructions", "Support"]


def test_reordering_processes_in_site_yaml_reorders_the_columns(site, run):
    root = site(STORIES, site_yaml=REORDERED)
    assert column_titles(journey_html(root, run)) == ["Support", "Assembly instructions", "Delivery"]


def test_an_undeclared_process_comes_after_the_declared_ones(site, run):
    stories = {**STORIES, "content/stories/d.md": story("Story D", processes="[installation]")}
    titles = column_titles(journey_html(site(stories), run))
    assert titles == ["Delivery", "Assembly instructions", "Support", "installation"]


def test_achieve_is_above_avoid_and_opportunities_come_last_in_each_lane(site, run):
    html = journey_html(site(STORIES), run)
    lane = html[html.index(">Delivery</a>") : html.index(">Assembly instructions</a>")]
    order = [lane.index(f"lane-part lane-{part}") for part in ("achieve", "avoid", "co-creation")]
    assert order == sorted(order)
    achieve = lane[order[0] : order[1]]
    avoid = lane[order[1] : order[2]]
    assert "Assemble furniture without help" in achieve and "A second trip" not in achieve
    assert "A second trip to the store" in avoid
    assert "Home panel" in lane[order[2] :]


def test_items_are_sized_by_how_many_stories_back_them(site):
    library = gather(Options(root=site(STORIES)), writing=False).library
    by_process = {lane.process.slug: lane for lane in lanes(library)}
    support = by_process["support"]
    assert [(i.term.slug, i.stories, i.size) for i in support.achieve] == [("assemble-without-help", 3, 4)]
    assert [(i.term.slug, i.stories, i.size) for i in support.avoid] == [("second-trip", 1, 2)]
    assert [(i.term.slug, i.stories, i.size) for i in by_process["delivery"].opportunities] == [
        ("home-panel", 1, 4)
    ], "opportunities are sized among opportunities"
    assert by_process["assembly-instructions"].stories == 0
    assert [lane.step for lane in lanes(library)] == [1, 2, 3]


def test_size_grows_with_the_count_up_to_four():
    assert [size(n, 8) for n in (1, 2, 3, 4, 5, 8)] == [1, 1, 2, 2, 3, 4]


def test_every_item_links_to_its_page_and_a_need_count_to_its_stories_in_the_process(site, run):
    root = site(STORIES)
    page = "journey/index.html"
    targets, _ = page_links(journey_html(root, run))
    linked = {resolve(page, t) for t in targets}
    for path in (
        "processes/delivery/index.html",
        "processes/support/index.html",
        "processes/assembly-instructions/index.html",
        "needs/assemble-without-help/index.html",
        "needs/second-trip/index.html",
        "co-creation/home-panel/index.html",
    ):
        assert (path, "") in linked, path
    assert (cell_url("assemble-without-help", "support") + "index.html", "") in linked
    assert run(root, "check").code == 0, "every link and fragment leads somewhere"


def test_a_process_without_stories_stands_out(site, run):
    html = journey_html(site(STORIES), run)
    assert '<li class="lane unused">' in html
    assert html.count('<li class="lane">') == 2
