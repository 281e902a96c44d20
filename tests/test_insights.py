"""Evidence and gaps: on a sample site with known gaps, the report lists exactly those, and links them."""

from __future__ import annotations

import json

import pytest
from conftest import story

from insole.gather import gather
from insole.insights import SECTIONS, Insight, Ref, insights
from insole.links import page_links, resolve
from insole.options import Options

# Four stories over the sample vocabulary (three needs, three processes, two opportunities,
# two sources), made so that each kind of gap has a known answer.
STORIES = {
    "content/stories/a.md": story(
        "Story A",
        date="2024-03-01",
        needs="[assemble-without-help, second-trip]",
        processes="[delivery]",
        extra="""
        source: support-call
        co_creation:
          - {opportunity: instruction-testing, mode: asynchronous}
        """,
    ),
    "content/stories/b.md": story(
        "Story B",
        date="2024-04-01",
        processes="[delivery, assembly-instructions]",
        extra="""
        source: support-call
        co_creation:
          - {opportunity: instruction-testing, mode: synchronous}
        """,
    ),
    "content/stories/c.md": story(
        "Story C",
        date="2024-05-01",
        processes="[assembly-instructions]",
        extra="""
        source: support-call
        co_creation:
          - {opportunity: home-panel, mode: synchronous}
        """,
    ),
    "content/stories/d.md": story("Story D", date="2024-06-01"),
}

EXPECTED = {
    "single_story": (Insight(Ref("needs", "second-trip"), (Ref("stories", "a"),)),),
    "single_story_finding": (),
    "single_source": (Insight(Ref("needs", "assemble-without-help"), (Ref("sources", "support-call"),)),),
    "no_process": (Insight(Ref("needs", "stay-healthy")),),
    "no_stories": (Insight(Ref("processes", "support")),),
    "one_mode": (Insight(Ref("co_creation", "home-panel"), (Ref("stories", "c"),), "synchronous"),),
    "no_co_creation": (Insight(Ref("stories", "d")),),
    "unused": (Insight(Ref("sources", "home-visit")),),
}


@pytest.fixture
def root(site):
    """The sample site with its four stories."""
    return site(STORIES)


def test_the_model_finds_exactly_the_expected_gaps(root):
    library = gather(Options(root=root), writing=False).library
    assert insights(library) == EXPECTED
    assert tuple(EXPECTED) == SECTIONS


def test_a_library_without_gaps_reports_none(site):
    text = story(
        needs="[assemble-without-help]",
        extra="""
        source: support-call
        co_creation:
          - {opportunity: instruction-testing, mode: synchronous}
          - {opportunity: instruction-testing, mode: asynchronous}
        """,
    )
    site_yaml = """\
title: One story
needs:
  assemble-without-help: {title: Assemble, kind: achieve}
processes:
  delivery: Delivery
co_creation:
  instruction-testing: Testing
sources:
  support-call: Support call
"""
    library = gather(
        Options(root=site({"content/stories/a.md": text}, site_yaml=site_yaml)), writing=False
    ).library
    found = insights(library)
    assert found["single_story"] == (Insight(Ref("needs", "assemble-without-help"), (Ref("stories", "a"),)),)
    assert all(not items for name, items in found.items() if name != "single_story")


def test_report_lists_each_gap_with_the_addresses_of_its_pages(root, run):
    result = run(root, "report")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == "Evidence and gaps: Sample stories (4 stories)"
    section = lines.index("Needs resting on a single story (1)")
    assert lines[section + 1 : section + 3] == [
        "  A second trip to the store  needs/second-trip/",
        "      only in: Story A  stories/a/",
    ]
    assert "  Home panel  co-creation/home-panel/  (only synchronously)" in lines
    assert "      named in: Story C  stories/c/" in lines
    assert "  Story D  stories/d/" in lines
    assert "  Home visit  sources/home-visit/" in lines
    assert "Declared terms nobody uses (1)" in lines


def test_report_as_json_has_every_section_and_full_addresses(root, run):
    result = run(root, "report", "--json")
    assert result.code == 0
    data = json.loads(result.out)
    assert data["stories"] == 4
    sections = {s["name"]: s for s in data["sections"]}
    assert list(sections) == list(SECTIONS)
    got = {name: [(i["kind"], i["slug"], i["mode"]) for i in s["items"]] for name, s in sections.items()}
    want = {
        name: [(i.subject.grouping, i.subject.slug, i.mode) for i in items]
        for name, items in EXPECTED.items()
    }
    assert got == want
    [source] = sections["single_source"]["items"]
    assert source["url"] == "/needs/assemble-without-help/"
    assert source["pages"] == [
        {"kind": "sources", "slug": "support-call", "title": "Support call", "url": "/sources/support-call/"}
    ]


def test_report_fails_like_check_on_content_errors(site, run):
    result = run(site({"content/stories/a.md": "---\ntitle: [\n---\n"}), "report")
    assert result.code == 1
    assert "no report" in result.err


def test_insights_page_links_to_every_page_concerned(root, run):
    assert run(root, "build", "--no-search").code == 0
    page = "insights/index.html"
    html = (root / "_site" / page).read_text(encoding="utf-8")
    targets, ids = page_links(html)
    linked = {resolve(page, target)[0] for target in targets if resolve(page, target)}
    for items in EXPECTED.values():
        for item in items:
            for ref in (item.subject, *item.refs):
                section = {"stories": "stories", "co_creation": "co-creation"}.get(ref.grouping, ref.grouping)
                assert f"{section}/{ref.slug}/index.html" in linked, ref
    for name in SECTIONS:
        assert name.replace("_", "-") in ids
    assert "only synchronously" in html


def test_insights_and_journey_are_linked_from_every_page(root, run):
    assert run(root, "build", "--no-search").code == 0
    for page in ("index.html", "stories/a/index.html", "needs/second-trip/index.html"):
        targets, _ = page_links((root / "_site" / page).read_text(encoding="utf-8"))
        linked = {resolve(page, target)[0] for target in targets if resolve(page, target)}
        assert {"insights/index.html", "journey/index.html"} <= linked, page


def test_interface_words_follow_the_site_language(site, run):
    from conftest import SITE_YAML

    root = site(STORIES, site_yaml=SITE_YAML.replace("language: en", "language: sv"))
    result = run(root, "report")
    assert "Behov som vilar på en enda berättelse (1)" in result.out
    assert run(root, "build", "--no-search").code == 0
    html = (root / "_site/insights/index.html").read_text(encoding="utf-8")
    assert "<h1>Belägg och luckor</h1>" in html


def test_a_long_section_lists_its_first_hundred_and_says_how_many_more(site, run):
    files = {f"content/stories/s{n:03}.md": story(f"Story {n}") for n in range(130)}
    root = site(files)
    assert run(root, "build", "--no-search").code == 0
    page = (root / "_site" / "insights" / "index.html").read_text(encoding="utf-8")
    section = page.split('id="no-co-creation"')[1].split("</section>")[0]
    assert section.count('<a class="story-link"') == 100
    assert "And 30 more; <code>insole report</code> lists every one." in section
    sections = {s["name"]: s for s in json.loads(run(root, "report", "--json").out)["sections"]}
    assert len(sections["no_co_creation"]["items"]) == 130  # the report lists every one
