"""Long lists cut into pages with a pager, the facet data every page filters from, facets with many values."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from conftest import story

from insole import contexts
from insole.build import build
from insole.facets import FACET_SHOWN
from insole.options import Options
from insole.paging import LIST_PAGE, Pager, pagers, split

STORIES = 230  # three pages of the story list: 100, 100 and 30


def test_split_cuts_any_sequence_into_pages_of_the_same_size():
    pages = split("quotes/", list(range(250)))
    assert [(pager.url(pager.number), list(part)) for pager, part in pages] == [
        ("quotes/", list(range(100))),
        ("quotes/page/2/", list(range(100, 200))),
        ("quotes/page/3/", list(range(200, 250))),
    ]
    assert [(pager.number, pager.count, pager.total, pager.path) for pager, _ in pages] == [
        (1, 3, 250, "quotes/index.html"),
        (2, 3, 250, "quotes/page/2/index.html"),
        (3, 3, 250, "quotes/page/3/index.html"),
    ]


@pytest.mark.parametrize("total, count", [(0, 1), (1, 1), (LIST_PAGE, 1), (LIST_PAGE + 1, 2), (50_000, 500)])
def test_a_list_has_as_many_pages_as_its_items_need_and_at_least_one(total, count):
    assert [pager.number for pager in pagers("stories/", total)] == list(range(1, count + 1))
    assert split("stories/", []) == [(Pager("stories/", 1, 1, 0), [])]


def test_the_pager_links_the_ends_and_the_pages_near_this_one():
    assert Pager("stories/", 6, 10, 1000).near() == [1, None, 4, 5, 6, 7, 8, None, 10]
    assert Pager("stories/", 1, 10, 1000).near() == [1, 2, 3, None, 10]
    assert Pager("stories/", 4, 5, 500).near() == [1, 2, 3, 4, 5]


def many_stories(n: int) -> dict[str, str]:
    """Story files, one a day back from 2024-12-31, each with its own customer but for a few."""
    files = {}
    for i in range(n):
        day = dt.date(2024, 12, 31) - dt.timedelta(days=i)
        customer = "Regulars" if i % 10 == 0 else f"Customer {i:03d}"
        needs = "[assemble-without-help, second-trip]" if i % 2 else "[assemble-without-help]"
        extra = f"customer: {customer}\nsource: support-call\nsummary: Summary of story {i:03d} <b>"
        files[f"content/stories/s{i:03d}.md"] = story(
            f"Story {i:03d}", date=day.isoformat(), needs=needs, extra=extra
        )
    return files


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A library of 230 stories built without its search index."""
    from conftest import make_site

    root = make_site(tmp_path_factory.mktemp("lists") / "site", many_stories(STORIES))
    result = build(Options(root=root, search=False))
    assert [p for p in result.problems if p.severity == "error"] == []
    return root / "_site"


def titles(page: str) -> list[str]:
    """The story titles a page lists, in order."""
    return re.findall(r'class="story-link" href="[^"]*">([^<]*)</a>', page)


def read(built: Path, path: str) -> str:
    """A page of the built site."""
    return (built / path).read_text(encoding="utf-8")


def test_the_story_list_is_cut_into_pages_newest_first(built):
    first, second, third = (
        read(built, p)
        for p in ("stories/index.html", "stories/page/2/index.html", "stories/page/3/index.html")
    )
    assert titles(first) == [f"Story {i:03d}" for i in range(100)]
    assert titles(second) == [f"Story {i:03d}" for i in range(100, 200)]
    assert titles(third) == [f"Story {i:03d}" for i in range(200, STORIES)]
    assert not (built / "stories/page/4").exists()
    assert "<title>Stories · Sample stories</title>" in first
    assert "<title>Stories · Page 2 of 3 · Sample stories</title>" in second


def test_each_page_links_to_the_previous_and_next_and_every_page_near(built):
    second = read(built, "stories/page/2/index.html")
    pager = re.search(r'<nav class="pager" aria-label="Pages">.*?</nav>', second, re.S)
    assert pager, second
    links = re.findall(r'<a href="([^"]*)"( aria-current="page")?( rel="\w+")?>', pager.group())
    assert links == [
        ("../../../stories/", "", ' rel="prev"'),
        ("../../../stories/", "", ""),
        ("../../../stories/page/2/", ' aria-current="page"', ""),
        ("../../../stories/page/3/", "", ""),
        ("../../../stories/page/3/", "", ' rel="next"'),
    ]
    assert "Page 2 of 3" in pager.group()
    first = read(built, "stories/index.html")
    assert 'rel="prev"' not in first and '<a href="../stories/page/2/" rel="next">Next page</a>' in first


def test_a_long_term_page_keeps_its_description_first_and_lists_on_later_pages(built):
    first = read(built, "needs/assemble-without-help/index.html")
    later = read(built, "needs/assemble-without-help/page/3/index.html")
    assert "<em>wardrobe</em>" in first and "How well it is backed" in first
    assert "<em>wardrobe</em>" not in later and "How well it is backed" not in later
    assert titles(first) == [f"Story {i:03d}" for i in range(100)]
    assert titles(later) == [f"Story {i:03d}" for i in range(200, STORIES)]
    assert '<span class="badge">230</span>' in later
    assert (built / "needs/second-trip/page/2/index.html").exists()  # 115 stories: two pages
    assert not (built / "needs/second-trip/page/3").exists()
    assert titles(read(built, "needs/stay-healthy/index.html")) == []


def test_the_sitemap_lists_every_page_of_a_list(built):
    sitemap = read(built, "sitemap.xml")
    for path in ("stories/", "stories/page/2/", "stories/page/3/", "needs/assemble-without-help/page/3/"):
        assert f"<loc>/{path}</loc>" in sitemap
    assert "stories/page/4/" not in sitemap and "needs/stay-healthy/page/" not in sitemap


def test_facets_json_holds_each_storys_item_and_values_by_place(built):
    data = json.loads(read(built, "stories/facets.json"))
    facets = {facet["name"]: facet for facet in data["facets"]}
    assert list(facets) == ["need", "process", "opportunity", "mode", "source", "customer"]
    assert facets["need"]["labels"] == ["Assemble furniture without help", "A second trip to the store"]
    assert facets["customer"]["labels"] is None
    assert len(data["stories"]) == STORIES
    slug, title, date, summary, lang, due, values = data["stories"][1]
    assert (slug, title, summary, lang, due) == ("s001", "Story 001", "Summary of story 001 <b>", "", 0)
    assert data["dates"][date] == ["2024-12-30", "30 December 2024"]
    named = {
        name: [facets[name]["values"][at] for at in places]
        for name, places in zip(facets, values, strict=True)
    }
    assert named == {
        "need": ["assemble-without-help", "second-trip"],
        "process": ["delivery"],
        "opportunity": [],
        "mode": [],
        "source": ["support-call"],
        "customer": ["Customer 001"],
    }


def test_a_facet_with_many_values_lists_the_most_frequent_and_a_box_to_find_the_rest(built):
    for path in ("stories/index.html", "stories/page/3/index.html", "search/index.html"):
        page = read(built, path)
        customers = re.findall(r'name="customer" value="([^"]*)"', page)
        rare = [f"Customer {i:03d}" for i in range(1, 20) if i % 10]
        assert customers == ["Regulars", *rare[: FACET_SHOWN - 1]], path
        assert re.search(
            r'<label for="find-customer">Find more in Customers</label>\s*<input type="search"', page
        )
        assert len(re.findall(r'name="need" value=', page)) == 2  # few values: every one, no box
        assert "find-need" not in page


def test_a_long_cell_of_the_matrix_is_cut_into_pages_too(built):
    first = read(built, "matrix/assemble-without-help/delivery/index.html")
    last = read(built, "matrix/assemble-without-help/delivery/page/3/index.html")
    assert titles(first) == [f"Story {i:03d}" for i in range(100)]
    assert titles(last) == [f"Story {i:03d}" for i in range(200, STORIES)]
    assert "230 stories" in last and 'rel="prev"' in last and "Page 3 of 3" in last


def test_the_pages_of_a_long_term_share_one_context_of_the_term(tmp_path, monkeypatch):
    # Made again for each page, a term of n stories would cost n²/100 steps.
    from conftest import make_site

    made: list[tuple[str, ...]] = []
    real_term, real_cell = contexts.Shared.made_term, contexts.Shared.made_cell
    monkeypatch.setattr(
        contexts.Shared, "made_term", lambda self, g, t: made.append((g.key, t.slug)) or real_term(self, g, t)
    )
    monkeypatch.setattr(
        contexts.Shared, "made_cell", lambda self, n, p: made.append((n, p)) or real_cell(self, n, p)
    )
    root = make_site(tmp_path / "site", many_stories(STORIES))
    build(Options(root=root, search=False, workers=1))
    assert (root / "_site/needs/assemble-without-help/page/3/index.html").is_file()
    assert ("needs", "assemble-without-help") in made
    assert len(made) == len(set(made))
