"""Groupings declared in site.yaml: checked like the other settings, used by stories, given pages."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from conftest import SITE_YAML, story

from insole.build import build
from insole.config import build_config, load_config
from insole.content import load_stories
from insole.errors import Problem
from insole.frontmatter import parse
from insole.markup import make_markdown
from insole.options import Options
from insole.scaffold import story_text
from insole.schema import story_schema

SEGMENTS = """\
groupings:
  segments:
    title: Customer segments
    terms:
      young-families: Young families in rented apartments
      living-at-home:
        title: Older people living at home
        description: Who want to *stay* where they are.
"""


def problems_of(groupings: str) -> list[tuple[int, int, str, str, str]]:
    """Each problem of site.yaml holding `groupings`: its line, column, severity, message and hint."""
    _, problems = build_config(parse(groupings, "site.yaml"), Path("."))
    return [(p.line, p.column, p.severity.value, p.message, p.hint) for p in sorted(problems)]


def test_a_declared_grouping_and_its_terms():
    config, problems = build_config(parse(SITE_YAML + SEGMENTS, "site.yaml"), Path("."))
    assert problems == []
    vocabulary = config.vocabulary
    assert [g.key for g in vocabulary.groupings] == [
        "needs",
        "processes",
        "co_creation",
        "sources",
        "segments",
    ]
    segments = vocabulary.record("segments")
    assert (segments.section, segments.facet, segments.title("sv")) == (
        "segments",
        "segments",
        "Customer segments",
    )
    terms = vocabulary.grouping("segments")
    assert [t.title for t in terms.values()] == [
        "Young families in rented apartments",
        "Older people living at home",
    ]
    assert terms["living-at-home"].description == "<p>Who want to <em>stay</em> where they are.</p>\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "groupings: [segments]\n",
            (1, 12, "error", "'groupings' must map each grouping's key to its title and terms"),
        ),
        (
            "groupings:\n  segments: Customer segments\n",
            (2, 13, "error", "grouping 'segments' must be a mapping with a title and terms"),
        ),
        ("groupings:\n  segments:\n    terms: {a: A}\n", (3, 5, "error", "grouping 'segments' has no title")),
        (
            "groupings:\n  segments: {title: [a]}\n",
            (2, 21, "error", "'groupings.segments.title' must be text, not a list"),
        ),
        (
            "groupings:\n  needs: {title: More needs}\n",
            (2, 3, "error", "'needs' is the built-in grouping needs"),
        ),
        (
            "groupings:\n  co-creation: {title: Ideas}\n",
            (2, 3, "error", "'co-creation' is the built-in grouping co_creation"),
        ),
        (
            "groupings:\n  title: {title: Titles}\n",
            (2, 3, "error", "'title' is already a key of a story's front matter"),
        ),
        (
            "groupings:\n  date: {title: Dates}\n",
            (2, 3, "error", "'date' is already a key of a story's front matter"),
        ),
        (
            "groupings:\n  stories: {title: Stories}\n",
            (2, 3, "error", "'stories' is already a folder of the site"),
        ),
        ("groupings:\n  search: {title: S}\n", (2, 3, "error", "'search' is already a folder of the site")),
        ("groupings:\n  matrix: {title: M}\n", (2, 3, "error", "'matrix' is already a folder of the site")),
        ("groupings:\n  static: {title: S}\n", (2, 3, "error", "'static' is already a folder of the site")),
        ("groupings:\n  need: {title: N}\n", (2, 3, "error", "'need' is already a search facet")),
        ("groupings:\n  q: {title: Q}\n", (2, 3, "error", "'q' is already a search facet")),
        ("groupings:\n  Segments: {title: S}\n", (2, 3, "error", "'Segments' is not a valid grouping key")),
        ("groupings:\n  ..: {title: S}\n", (2, 3, "error", "'..' is not a valid grouping key")),
        ("groupings:\n  a/b: {title: S}\n", (2, 3, "error", "'a/b' is not a valid grouping key")),
        (
            "groupings:\n  s: {title: S, terms: [a, b]}\n",
            (2, 24, "error", "'groupings.s.terms' must map each term's slug to its title"),
        ),
        (
            "groupings:\n  s:\n    title: S\n    terms: {..: Up}\n",
            (4, 13, "error", "'..' is not a valid slug"),
        ),
        (
            "groupings:\n  s:\n    title: S\n    terms: {a/b: A}\n",
            (4, 13, "error", "'a/b' is not a valid slug"),
        ),
        (
            "groupings:\n  s:\n    title: S\n    terms: {a: {description: x}}\n",
            (4, 16, "error", "s 'a' has no title"),
        ),
    ],
)
def test_each_mistake_is_an_error_at_its_place(text, expected):
    assert [p[:4] for p in problems_of(text)] == [expected]


def test_unknown_keys_are_warnings_with_the_closest_key():
    found = problems_of(
        "groupings:\n  s:\n    titel: S\n    title: S\n    terms:\n      a: {title: A, kind: avoid}\n"
    )
    assert found == [
        (3, 5, "warning", "unknown key 'titel' in grouping 's'", "did you mean 'title'?"),
        (6, 21, "warning", "unknown key 'kind' in s 'a'", ""),
    ]


def test_a_clash_says_what_to_do():
    hint = problems_of("groupings:\n  sources: {title: S}\n")[0][4]
    assert hint == "declare its terms under sources: at the top"


def test_groupings_is_not_an_unknown_setting():
    assert problems_of(SEGMENTS) == []


def read(site, monkeypatch, extra: str, site_yaml: str = SITE_YAML + SEGMENTS) -> tuple[list, list[Problem]]:
    """The stories of a site with one story whose front matter ends in `extra`, and the problems."""
    root = site({"content/stories/a.md": story(extra=extra)}, site_yaml)
    monkeypatch.chdir(root)
    config, _ = load_config(root)
    stories, _, problems = load_stories(config, make_markdown(), today=dt.date(2026, 1, 1))
    return stories, problems


def shown(problems: list[Problem]) -> list[str]:
    """The problems as printed."""
    return [str(p) for p in sorted(problems)]


def test_a_story_names_its_terms_of_a_declared_grouping(site, monkeypatch):
    stories, problems = read(site, monkeypatch, "segments: [young-families, living-at-home]")
    assert problems == []
    assert stories[0].terms("segments") == ("young-families", "living-at-home")


def test_an_undeclared_term_is_a_warning_naming_the_closest(site, monkeypatch):
    _, problems = read(site, monkeypatch, "segments: [young-family]")
    assert shown(problems) == [
        "content/stories/a.md:6:12: warning: 'young-family' is not declared in segments"
        " (did you mean 'young-families'?)"
    ]


def test_terms_of_the_wrong_type_are_an_error(site, monkeypatch):
    _, problems = read(site, monkeypatch, "segments: {young: families}")
    assert shown(problems) == ["content/stories/a.md:6:11: error: 'segments' must be a list, not a mapping"]


def test_one_term_without_brackets_is_read_as_a_list_with_a_warning(site, monkeypatch):
    stories, problems = read(site, monkeypatch, "segments: young-families")
    assert shown(problems) == [
        "content/stories/a.md:6:11: warning: 'segments' is a list; 'young-families' is read as one item"
        " (write segments: [young-families])"
    ]
    assert stories[0].terms("segments") == ("young-families",)


def test_the_key_is_unknown_where_site_yaml_does_not_declare_it(site, monkeypatch):
    _, problems = read(site, monkeypatch, "segments: [young-families]", SITE_YAML)
    assert shown(problems) == ["content/stories/a.md:6:1: warning: unknown key 'segments'"]


STORIES = {
    "content/stories/a.md": story(
        "Alpha", date="2024-03-14", extra="customer: Anna\nsource: support-call\nsegments: [young-families]"
    ),
    "content/stories/b.md": story(
        "Beta",
        date="2024-05-01",
        processes="[support]",
        extra="customer: Bo\nsource: home-visit\nsegments: [young-families, living-at-home]",
    ),
    "content/stories/c.md": story("Gamma", date="2023-01-02", needs="[second-trip]"),
}


@pytest.fixture
def built(site, monkeypatch) -> Path:
    """The output of a small site with a declared grouping."""
    root = site(STORIES, SITE_YAML + SEGMENTS)
    monkeypatch.chdir(root)
    build(Options(root=root, search=False, today=dt.date(2026, 1, 1), cache=False))
    return root / "_site"


def text(path: Path) -> str:
    """A page's text."""
    return path.read_text(encoding="utf-8")


def test_the_grouping_has_a_list_and_a_page_for_each_term(built):
    listed = text(built / "segments/index.html")
    assert "<h1>Customer segments</h1>" in listed
    assert (
        '<a class="term term-segments" href="../segments/young-families/">Young families in rented apartments</a>'
        in listed
    )
    assert '<p class="meta">2 stories</p>' in listed
    page = text(built / "segments/living-at-home/index.html")
    assert "<title>Older people living at home · Customer segments · Sample stories</title>" in page
    assert "<p>Who want to <em>stay</em> where they are.</p>" in page
    assert 'href="../../stories/b/">Beta</a>' in page and "Alpha" not in page


def test_a_term_page_shows_its_evidence_and_the_needs_and_processes_it_goes_with(built):
    page = text(built / "segments/young-families/index.html")
    numbers = re.findall(r"<dt>([^<]+)</dt><dd>([^<]*)", page)
    assert numbers[:3] == [("Stories", "2"), ("Distinct customers", "2"), ("Distinct sources", "2")]
    assert '<time datetime="2024-05-01">1 May 2024</time>' in page
    assert '<h2 id="needs">Needs it goes with</h2>' in page
    assert (
        'href="../../needs/assemble-without-help/">Assemble furniture without help</a> <span class="count">2 stories'
        in page
    )
    assert '<h2 id="processes">Processes it goes with</h2>' in page
    assert 'href="../../processes/support/">Support</a> <span class="count">1 story' in page
    assert 'href="../../search/?segments=young-families">' in page


def test_the_grouping_is_a_facet_of_the_story_list_and_the_search_page(built):
    data = json.loads(text(built / "stories/facets.json"))
    at, segments = next((n, f) for n, f in enumerate(data["facets"]) if f["name"] == "segments")
    assert segments["labels"] == ["Young families in rented apartments", "Older people living at home"]
    listed = [[segments["values"][value] for value in story[6][at]] for story in data["stories"]]
    assert listed == [["young-families", "living-at-home"], ["young-families"], []]
    assert '<details class="facet" data-facet="segments">' in text(built / "stories/index.html")
    search = text(built / "search/index.html")
    assert '<details class="facet" data-facet="segments">\n  <summary>Customer segments</summary>' in search
    assert (
        '<input type="checkbox" name="segments" value="young-families"> <span class="choice">Young families in rented apartments</span> <span class="count" data-count>2</span>'
        in search
    )
    assert (
        'value="living-at-home"> <span class="choice">Older people living at home</span> <span class="count" data-count>1</span>'
        in search
    )


def test_a_story_page_lists_its_terms_as_search_filters(built):
    page = text(built / "stories/b/index.html")
    assert "<h3 data-pagefind-ignore>Customer segments</h3>" in page
    assert 'href="../../segments/living-at-home/" data-pagefind-filter="segments:living-at-home">' in page


def test_the_home_page_offers_the_grouping_as_a_way_in(built):
    home = text(built / "index.html")
    assert '<h2 id="ways">Ways in</h2>' in home
    assert '<h3 id="way-segments"><a href="segments/">Customer segments</a></h3>' in home
    assert "<loc>/segments/</loc>" in text(built / "sitemap.xml")


def test_a_site_template_for_one_grouping_replaces_the_generic_one(site, monkeypatch):
    files = {
        **STORIES,
        "templates/segments_term.html": "{{ term.title }} of {{ grouping.key }}\n",
        "templates/need.html": '{% extends "default/term.html" %}{% block title %}Need: {{ term.title }}{% endblock %}',
    }
    root = site(files, SITE_YAML + SEGMENTS)
    monkeypatch.chdir(root)
    build(Options(root=root, search=False, today=dt.date(2026, 1, 1), cache=False))
    assert (
        text(root / "_site/segments/young-families/index.html")
        == "Young families in rented apartments of segments\n"
    )
    need = text(root / "_site/needs/second-trip/index.html")
    assert "<title>Need: A second trip to the store</title>" in need and 'class="kind-avoid"' in need
    assert "<h1>Customer segments</h1>" in text(root / "_site/segments/index.html")


def test_a_new_story_and_the_editors_schema_offer_the_grouping(site):
    config, _ = load_config(site({}, SITE_YAML + SEGMENTS))
    text_ = story_text(config, "A visit", dt.date(2026, 1, 1))
    assert "\nsegments: []  # young-families, living-at-home\n" in text_
    property_ = story_schema(config)["properties"]["segments"]
    assert property_["items"] == {"enum": ["young-families", "living-at-home"]}
    assert property_["minItems"] == 0
    assert "segments" not in story_schema(load_config(site({}))[0])["properties"]
