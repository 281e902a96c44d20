"""The library as data (/data/library.json and its schema) and the Atom feed of every term."""

from __future__ import annotations

import copy
import datetime as dt
import html
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import REPO, SITE_YAML, story

from insole.build import build
from insole.environment import default_theme_dir
from insole.options import Options

TODAY = dt.date(2026, 11, 1)
ATOM = "{http://www.w3.org/2005/Atom}"
# RFC 4151: tag:<DNS name or e-mail>,<YYYY[-MM[-DD]]>:<specific>
TAG = re.compile(
    r"tag:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
    r",\d{4}(?:-\d{2}(?:-\d{2})?)?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*"
)
SEGMENTS = """\
groupings:
  segments:
    title: Customer segments
    terms:
      young-families: Young families in rented apartments
"""


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example library built into a temporary folder."""
    output = tmp_path_factory.mktemp("data") / "_site"
    build(Options(root=REPO, output=output, search=False, today=TODAY))
    return output


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    """The schema insole publishes beside the data."""
    return json.loads((default_theme_dir() / "data" / "library.schema.json").read_text(encoding="utf-8"))


def data_of(output: Path) -> dict[str, Any]:
    """The library as a built site publishes it."""
    return json.loads((output / "data" / "library.json").read_text(encoding="utf-8"))


def test_the_example_library_is_valid_against_its_schema(example, schema):
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(data_of(example))


def test_the_schema_is_published_beside_the_data_as_it_is(example):
    published = (example / "data" / "library.schema.json").read_bytes()
    assert published == (default_theme_dir() / "data" / "library.schema.json").read_bytes()


@pytest.mark.parametrize(
    "breaks",
    [
        lambda d: d.pop("stories"),
        lambda d: d["stories"][0].pop("url"),
        lambda d: d["stories"][0].update(date="14 March 2024"),
        lambda d: d["stories"][0]["terms"]["needs"].append("Not A Slug"),
        lambda d: d["groupings"][0]["terms"][0].update(stories="three"),
        lambda d: d["matrix"][0].update(stories=[]),
        lambda d: d["stories"][0].update(colour="blue"),
        lambda d: d["stories"][0].pop("quotes"),
        lambda d: d["findings"][0].update(status="maybe"),
        lambda d: d["findings"][0].update(evidence=[]),
    ],
)
def test_the_schema_rejects_a_broken_document(example, schema, breaks):
    broken = copy.deepcopy(data_of(example))
    breaks(broken)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(broken)


def test_stories_come_newest_first_with_their_front_matter_terms_and_related(example):
    data = data_of(example)
    stories = {s["slug"]: s for s in data["stories"]}
    pages = sorted(p.parent.name for p in (example / "stories").glob("*/index.html"))
    assert sorted(stories) == pages
    dates = [s["date"] for s in data["stories"]]
    assert dates == sorted(dates, reverse=True)
    lunch = stories["lunch-in-customer-service"]
    assert lunch["url"] == "/stories/lunch-in-customer-service/"
    assert lunch["status"] == "published" and lunch["language"] == "en"
    assert lunch["terms"]["needs"] and lunch["terms"]["processes"]
    assert list(lunch["terms"]) == ["needs", "processes", "co_creation", "sources", "segments"]
    assert lunch["terms"]["sources"] == [lunch["source"]]
    shown = (example / "stories" / "lunch-in-customer-service" / "index.html").read_text(encoding="utf-8")
    for link in lunch["related"]:
        assert f'href="../../stories/{link["slug"]}/"' in shown  # the related stories its page shows


def test_stories_carry_their_quotes_and_the_findings_citing_them(example):
    data = data_of(example)
    stories = {s["slug"]: s for s in data["stories"]}
    quoted = [s for s in data["stories"] if s["quotes"]]
    assert quoted
    listed = html.unescape((example / "quotes" / "index.html").read_text(encoding="utf-8"))
    for quoting in quoted:  # each quote is on the quotes page
        assert all(quote[:40] in listed for quote in quoting["quotes"]), quoting["slug"]
    findings = {f["slug"]: f for f in data["findings"]}
    assert len(findings) == len(list((REPO / "content" / "findings").glob("*.md")))
    for slug, finding in findings.items():
        assert finding["url"] == f"/findings/{slug}/"
        assert finding["backing"]["stories"] == len(finding["evidence"])
        for cited in finding["evidence"]:
            assert slug in stories[cited]["findings"]
    assert sum(len(s["findings"]) for s in data["stories"]) == sum(
        len(f["evidence"]) for f in findings.values()
    )


def test_terms_carry_their_counts_and_the_matrix_its_stories(example):
    data = data_of(example)
    by_key = {g["key"]: g for g in data["groupings"]}
    assert list(by_key) == ["needs", "processes", "co_creation", "sources", "segments"]
    stories = data["stories"]
    for grouping in data["groupings"]:
        for term in grouping["terms"]:
            having = [s for s in stories if term["slug"] in s["terms"][grouping["key"]]]
            assert term["stories"] == len(having), (grouping["key"], term["slug"])
            assert term["newest"] == (having[0]["date"] if having else None)
    second = next(t for t in by_key["needs"]["terms"] if t["slug"] == "second-trip")
    assert (second["kind"], second["url"], second["feed"]) == (
        "avoid",
        "/needs/second-trip/",
        "/needs/second-trip/feed.xml",
    )
    cell = next(c for c in data["matrix"] if (c["need"], c["process"]) == ("second-trip", "delivery"))
    listed = (example / "matrix" / "second-trip" / "delivery" / "index.html").read_text(encoding="utf-8")
    assert cell["stories"] and all(f"stories/{slug}/" in listed for slug in cell["stories"])


def test_the_data_is_the_same_bytes_whatever_the_hash_seed(tmp_path):
    made = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        ran = subprocess.run(
            [sys.executable, "-m", "insole", "export", "--no-cache", "--json", "-"],
            cwd=REPO,
            env=env,
            capture_output=True,
            check=True,
        )
        made.append(ran.stdout)
    assert made[0] == made[1]
    assert json.loads(made[0])["stories"]


def test_the_data_follows_a_changed_story_and_stays_when_nothing_changed(site, tmp_path):
    root = site({"content/stories/lunch.md": story("Lunch")})
    build(Options(root=root, search=False))
    written = root / "_site" / "data" / "library.json"
    before = written.stat().st_mtime_ns
    build(Options(root=root, search=False))
    assert written.stat().st_mtime_ns == before
    (root / "content" / "stories" / "lunch.md").write_text(story("Dinner"), encoding="utf-8")
    build(Options(root=root, search=False))
    assert [s["title"] for s in data_of(root / "_site")["stories"]] == ["Dinner"]


def test_a_grouping_cannot_take_the_data_folder(site, run):
    root = site({"content/stories/lunch.md": story()}, SITE_YAML + "groupings:\n  data: {title: Data}\n")
    result = run(root, "build", "--no-search")
    assert result.code == 1
    assert "site.yaml:" in result.err and "'data'" in result.err
    assert not (root / "_site").exists()


def feed_of(path: Path) -> ET.Element:
    """A feed file, parsed as XML."""
    return ET.fromstring(path.read_bytes())


def test_every_term_has_a_feed_of_its_stories_linked_from_its_page(example):
    data = data_of(example)
    for grouping in data["groupings"]:
        for term in grouping["terms"]:
            folder = example / term["url"].strip("/")
            feed = feed_of(folder / "feed.xml")
            having = [s for s in data["stories"] if term["slug"] in s["terms"][grouping["key"]]]
            shown = [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]
            assert shown == [s["title"] for s in having][:50]
            page = (folder / "index.html").read_text(encoding="utf-8")
            link = '<link rel="alternate" type="application/atom+xml" title="Atom feed of new stories about '
            assert link in page and f'href="../..{term["url"]}feed.xml">' in page
    feed = feed_of(example / "needs" / "second-trip" / "feed.xml")
    assert feed.findtext(f"{ATOM}title") == "A second trip to the store · Needs · Customer stories"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "/needs/second-trip/feed.xml"


@pytest.mark.parametrize("feed", ["feed.xml", "needs/second-trip/feed.xml", "segments/first-home/feed.xml"])
def test_feed_ids_are_tag_uris_when_the_site_has_no_host(example, feed):
    parsed = feed_of(example / feed)
    ids = [parsed.findtext(f"{ATOM}id"), *(e.findtext(f"{ATOM}id") for e in parsed.iter(f"{ATOM}entry"))]
    assert len(ids) > 1
    for found in ids:
        assert TAG.fullmatch(found), found
        assert found.startswith("tag:customer-stories,2026:/")
    assert len(set(ids)) == len(ids)


def test_a_hosted_site_keeps_its_addresses_as_ids_and_a_title_without_letters_names_insole(site):
    hosted = SITE_YAML.replace("base_url: /", "base_url: https://stories.example.com/library/")
    root = site({"content/stories/lunch.md": story(extra="segments: [young-families]")}, hosted + SEGMENTS)
    build(Options(root=root, search=False))
    feed = feed_of(root / "_site" / "segments" / "young-families" / "feed.xml")
    assert feed.findtext(f"{ATOM}id") == "https://stories.example.com/library/segments/young-families/"
    entry = feed.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}id") == "https://stories.example.com/library/stories/lunch/"
    (root / "site.yaml").write_text(
        SITE_YAML.replace("title: Sample stories", "title: 顧客の声").replace(
            "base_url: /", "base_url: /lib"
        ),
        encoding="utf-8",
    )
    build(Options(root=root, search=False))
    feed = feed_of(root / "_site" / "feed.xml")
    assert feed.findtext(f"{ATOM}id") == "tag:insole,2026:/lib/"
    assert feed.find(f"{ATOM}entry").findtext(f"{ATOM}id") == "tag:insole,2026:/lib/stories/lunch/"
