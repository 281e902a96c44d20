"""The sitemap: one file while the protocol allows it, else an index of files that each stay in its limits."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import make_site, story
from test_incremental import full_build, served, written

from insole import sitemap
from insole.build import build
from insole.livesite import LiveSite
from insole.options import Options
from insole.sitemap import Entry, cut

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
STORIES = 12  # with the sample site's ten lists and ten terms: 32 addresses


def stories(count: int) -> dict[str, str]:
    """Story files, one a day back from 2024-06-30."""
    return {
        f"content/stories/s{i:02d}.md": story(
            f"Story {i}", date=(dt.date(2024, 6, 30) - dt.timedelta(days=i)).isoformat()
        )
        for i in range(count)
    }


def parsed(output: Path, path: str) -> ElementTree.Element:
    """A file of the sitemap, parsed."""
    return ElementTree.fromstring((output / path).read_bytes())


def addresses(root: ElementTree.Element) -> list[str]:
    """Every address a urlset lists, in order."""
    assert root.tag == f"{NS}urlset"
    return [url.findtext(f"{NS}loc", "") for url in root.iter(f"{NS}url")]


def files(output: Path) -> list[str]:
    """The files a sitemap index lists, relative to the site root."""
    index = parsed(output, "sitemap.xml")
    assert index.tag == f"{NS}sitemapindex"
    return [loc.removeprefix("/") for loc in (s.findtext(f"{NS}loc", "") for s in index.iter(f"{NS}sitemap"))]


def built(root: Path) -> Path:
    """The site at `root` built without its search index; its output folder."""
    result = build(Options(root=root, search=False))
    assert [p for p in result.problems if p.severity == "error"] == []
    return root / "_site"


def test_a_site_with_few_addresses_has_one_sitemap(tmp_path):
    output = built(make_site(tmp_path / "site", stories(STORIES)))
    listed = addresses(parsed(output, "sitemap.xml"))
    assert len(listed) == 32 and len(set(listed)) == 32
    assert listed[:3] == ["/", "/stories/", "/quotes/"] and "/stories/s11/" in listed
    assert not list(output.glob("sitemap-*.xml"))


def test_more_addresses_than_a_file_holds_go_into_files_listed_by_an_index(tmp_path, monkeypatch):
    root = make_site(tmp_path / "site", stories(STORIES))
    whole = addresses(parsed(built(root), "sitemap.xml"))
    monkeypatch.setattr(sitemap, "LIMIT", 10)
    output = built(root)
    assert files(output) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap-4.xml"]
    parts = [addresses(parsed(output, path)) for path in files(output)]
    assert [len(part) for part in parts] == [10, 10, 10, 2]
    assert [address for part in parts for address in part] == whole  # each once, in the same order
    assert b"<lastmod>2024-06-30</lastmod>" in (output / "sitemap-2.xml").read_bytes()


def test_no_file_passes_the_size_the_protocol_allows(tmp_path, monkeypatch):
    monkeypatch.setattr(sitemap, "MOST_BYTES", 700)
    output = built(make_site(tmp_path / "site", stories(STORIES)))
    paths = files(output)
    assert len(paths) > 3
    assert all(len((output / path).read_bytes()) <= 700 for path in paths)
    assert sum(len(addresses(parsed(output, path))) for path in paths) == 32


def test_the_index_and_files_use_the_base_url(tmp_path, monkeypatch):
    monkeypatch.setattr(sitemap, "LIMIT", 10)
    root = make_site(tmp_path / "site", stories(STORIES))
    (root / "site.yaml").write_text(
        (root / "site.yaml").read_text().replace("base_url: /", "base_url: https://example.com/lib/")
    )
    index = parsed(built(root), "sitemap.xml")
    assert index.findtext(f"{NS}sitemap/{NS}loc") == "https://example.com/lib/sitemap-1.xml"
    assert addresses(parsed(root / "_site", "sitemap-1.xml"))[0] == "https://example.com/lib/"


@pytest.mark.parametrize("limit", [1, 3, 32, 33])
def test_cut_keeps_every_entry_once_in_order(monkeypatch, limit):
    monkeypatch.setattr(sitemap, "LIMIT", limit)
    entries = [Entry(f"stories/s{i}/") for i in range(32)]
    parts = cut(entries, "/")
    assert [entry for part in parts for entry in part] == entries
    assert all(0 < len(part) <= limit for part in parts)


def test_the_sitemap_follows_the_count_across_the_limit_and_back(tmp_path, monkeypatch):
    monkeypatch.setattr(sitemap, "LIMIT", 25)
    root = make_site(tmp_path / "site", stories(STORIES))
    output = built(root)
    live = LiveSite(Options(root=root))
    assert live.rebuild()[0]
    assert files(output) == ["sitemap-1.xml", "sitemap-2.xml"]
    removed = sorted((root / "content/stories").glob("*.md"))[4:]
    for path in removed:
        path.unlink()
    assert written(built(root)) == full_build(root)  # 24 addresses: one file, the two others gone
    assert not list(output.glob("sitemap-*.xml"))
    live.touch(*removed)
    assert live.rebuild()[0] and served(live) == full_build(root)
    make_site(root, stories(STORIES))
    assert written(built(root)) == full_build(root)
    assert files(output) == ["sitemap-1.xml", "sitemap-2.xml"]
    live.touch(*removed)
    assert live.rebuild()[0] and served(live) == full_build(root)
