"""The search index made by `insole build`, the pages' search markup, and the search page's words."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from conftest import REPO, SITE_YAML, story

from insole import search
from insole.build import build
from insole.errors import BuildFailed
from insole.facets import FACETS, facets, story_facets
from insole.gather import gather
from insole.i18n import STRINGS
from insole.options import Options

LUNCH = story(
    "Lunch in the support centre",
    needs="[assemble-without-help, second-trip]",
    processes="[delivery, support]",
    extra="""
        customer: Families furnishing a first home
        source: support-call
        co_creation:
          - opportunity: instruction-testing
            mode: asynchronous
          - opportunity: home-panel
            mode: asynchronous
    """,
    body="Eight small screws were missing from the bag.\n",
)


def parts(output: Path) -> list[str]:
    """The names of the index's parts, as the search page reads them."""
    return json.loads((output / "pagefind" / "parts.json").read_text(encoding="utf-8"))


def entry(output: Path, part: str = "") -> dict:
    """Pagefind's description of one part of the index it wrote (the only one, by default)."""
    part = part or parts(output)[0]
    return json.loads((output / "pagefind" / part / "pagefind-entry.json").read_text(encoding="utf-8"))


def dated(year: int, body: str = "The wardrobe stood the same evening.\n") -> str:
    """A story dated in a year."""
    return story(f"Story of {year}", date=f"{year}-01-14", body=body)


def test_build_indexes_the_stories_in_the_interface_language(site, run):
    root = site({"content/stories/lunch.md": LUNCH, "content/stories/other.md": story("Other")})
    assert run(root, "build").code == 0
    assert parts(root / "_site") == ["2024"]
    index = entry(root / "_site")
    assert list(index["languages"]) == ["en"]
    assert index["languages"]["en"]["page_count"] == 2, "only story pages are indexed"
    assert (root / "_site" / "pagefind" / "2024" / "pagefind.js").is_file()
    assert not list((root / "_site" / "pagefind").rglob("pagefind-ui.*")), "the search page has its own"
    assert (root / "_site" / ".insole-output").is_file()


def test_parts_are_runs_of_years_newest_first():
    pages = [
        (f"s{n}", dt.date(year, 6, 1)) for n, year in enumerate([2019, 2020, 2020, 2021, 2023, 2023, 2023])
    ]
    assert search.parts(pages, size=3) == {
        "2023": ("s4", "s5", "s6"),
        "2021": ("s3",),
        "2019--2020": ("s0", "s1", "s2"),
    }
    assert search.parts(pages, size=100) == {"2019--2023": tuple(f"s{n}" for n in range(7))}
    assert search.parts([], size=3) == {}


def test_a_big_year_is_split_into_runs_of_months():
    pages = [(f"m{month}-{n}", dt.date(2024, month, 1 + n)) for month in (1, 2, 3, 5) for n in range(2)]
    pages += [(f"big-{n}", dt.date(2024, 7, 1 + n)) for n in range(5)]
    assert search.parts(pages, size=4) == {
        "2024-07": tuple(sorted(f"big-{n}" for n in range(5))),
        "2024-03--2024-05": ("m3-0", "m3-1", "m5-0", "m5-1"),
        "2024-01--2024-02": ("m1-0", "m1-1", "m2-0", "m2-1"),
    }, "a month with more pages than a part holds is a part of its own"


def test_a_new_story_changes_only_the_newest_part():
    pages = [(f"s{n}", dt.date(2015 + n // 40, 1 + n % 12, 1)) for n in range(400)]
    before = search.parts(pages, size=100)
    after = search.parts([*pages, ("new", dt.date(2025, 12, 31))], size=100)
    assert list(after.items())[1:] == list(before.items())[1:]
    newest, was = next(iter(after.items())), next(iter(before.items()))
    assert newest == ("2023--2025", tuple(sorted((*was[1], "new")))), "the newest part grew, and says so"


def test_parts_grow_with_the_library_only_at_a_few_sizes():
    sizes = {stories: search.part_size(stories) for stories in (1, 1000, 2000, 2001, 4000, 4001, 50_000)}
    assert sizes == {1: 250, 1000: 250, 2000: 250, 2001: 500, 4000: 500, 4001: 1000, 50_000: 1000}
    library = [(f"s{n}", dt.date(2020 + n // 200, 1 + n % 12, 1)) for n in range(1000)]
    assert len(search.parts(library, search.part_size(len(library)))) == 5, "a year a part, not one"


@pytest.mark.parametrize("language", ["sv", "da"])
def test_index_follows_the_language_of_site_yaml(site, run, language):
    yaml = SITE_YAML.replace("language: en", f"language: {language}")
    root = site({"content/stories/lunch.md": LUNCH}, site_yaml=yaml)
    assert run(root, "build").code == 0
    assert list(entry(root / "_site")["languages"]) == [language]


def test_no_search_skips_the_index(site, run):
    root = site({"content/stories/lunch.md": LUNCH})
    result = run(root, "build", "--no-search")
    assert result.code == 0, result.err
    assert (root / "_site" / "search" / "index.html").is_file()
    assert not (root / "_site" / "pagefind").exists()


def test_check_and_build_help_know_no_search(site, run):
    root = site({"content/stories/lunch.md": LUNCH})
    assert "--no-search" in run(root, "build", "--help").out
    assert run(root, "check", "--no-search").code == 2, "check writes nothing, so it has no such option"


def test_failed_indexing_leaves_the_previous_site(site, run, monkeypatch, tmp_path):
    root = site({"content/stories/lunch.md": LUNCH})
    assert run(root, "build").code == 0
    before = (root / "_site" / "stories" / "lunch" / "index.html").read_bytes()
    failing = tmp_path / "pagefind"
    failing.write_text("#!/bin/sh\necho 'Error: the index broke' >&2\nexit 3\n")
    failing.chmod(0o755)
    monkeypatch.setattr(search, "pagefind_binary", lambda: failing)
    (root / "content/stories/lunch.md").write_text(LUNCH.replace("Lunch in", "Dinner in"))
    result = run(root, "build")
    assert result.code == 1
    assert (
        "_site:1:1: error: could not make the search index: Pagefind failed: Error: the index broke"
        in result.err
    )
    assert "--no-search" in result.err
    assert (root / "_site" / "stories" / "lunch" / "index.html").read_bytes() == before
    assert not list(root.glob("._site.new-*")), "the half-made site is removed"


def test_missing_pagefind_is_reported_with_the_way_out(site, monkeypatch):
    root = site({"content/stories/lunch.md": LUNCH})
    monkeypatch.setattr(search, "pagefind_binary", lambda: None)
    with pytest.raises(BuildFailed) as failed:
        build(Options(root=root))
    message = str(failed.value.problems[0])
    assert "Pagefind is not installed" in message
    assert "pip install 'pagefind[bin]'" in message and "--no-search" in message
    assert build(Options(root=root, search=False)).stories == 1


def test_story_page_carries_filters_and_metadata(site, run):
    root = site({"content/stories/lunch.md": LUNCH})
    assert run(root, "build", "--no-search").code == 0
    html = (root / "_site" / "stories" / "lunch" / "index.html").read_text(encoding="utf-8")
    assert html.count("data-pagefind-body") == 1
    filters = re.findall(r'data-pagefind-filter="([^"]+)"', html)
    assert set(filters) == {
        "need:assemble-without-help",
        "need:second-trip",
        "process:delivery",
        "process:support",
        "opportunity:instruction-testing",
        "opportunity:home-panel",
        "mode:asynchronous",
        "source:support-call",
        "customer",
    }
    assert filters.count("mode:asynchronous") == 1, "Pagefind would count the story twice"
    assert (
        'data-pagefind-filter="customer" data-pagefind-meta="customer">Families furnishing a first home<'
        in html
    )
    assert 'data-pagefind-meta="title">Lunch in the support centre</h1>' in html
    assert 'datetime="2024-03-14" data-pagefind-meta="date, datetime[datetime]"' in html
    assert 'data-pagefind-sort="date[datetime]"' in html
    assert 'data-pagefind-meta="summary:Eight small screws were missing from the bag."' in html
    assert re.search(r'<section class="related"[^>]*data-pagefind-ignore', html) or "related" not in html


def test_a_story_in_another_language_says_so_to_search(site, run):
    swedish = story("Lastkajen", extra="language: sv", body="Soffan stod i trapphuset.\n")
    root = site({"content/stories/lastkajen.md": swedish})
    assert run(root, "build", "--no-search").code == 0
    html = (root / "_site" / "stories" / "lastkajen" / "index.html").read_text(encoding="utf-8")
    assert 'data-pagefind-body data-pagefind-meta="lang:sv"' in html


def test_facets_of_the_example_count_its_stories():
    library = gather(Options(root=REPO), writing=False).library
    found = {facet.name: dict(facet.values) for facet in facets(library)}
    assert list(found) == [*list(FACETS)[:-1], "segments", "customer"]
    for name, values in found.items():
        for value, n in values.items():
            had = sum(value in story_facets(s, library.groupings)[name] for s in library.stories.values())
            assert n == had, (name, value)
    assert list(found["process"]) == [
        p for p in library.terms["processes"] if library.by_term["processes"][p]
    ]
    assert set(found["mode"]) == {"synchronous", "asynchronous"}


def test_search_page_and_links_to_it(site, run):
    root = site({"content/stories/lunch.md": LUNCH})
    assert run(root, "build", "--no-search").code == 0
    out = root / "_site"
    page = (out / "search" / "index.html").read_text(encoding="utf-8")
    assert '<form class="search-box" role="search"' in page
    assert 'data-index="../pagefind/parts.json"' in page
    assert 'name="need" value="second-trip"' in page and 'name="mode" value="asynchronous"' in page
    assert '<script type="module" src="../static/search.js">' in page
    assert '<a href="search/">Search</a>' in (out / "index.html").read_text(encoding="utf-8"), "in the menu"
    links = {
        "needs/second-trip": "need=second-trip",
        "processes/delivery": "process=delivery",
        "co-creation/instruction-testing": "opportunity=instruction-testing",
        "sources/support-call": "source=support-call",
        "co-creation": "mode=asynchronous",
    }
    for term_page, query in links.items():
        html = (out / term_page / "index.html").read_text(encoding="utf-8")
        assert f'href="{"../" * (term_page.count("/") + 1)}search/?{query}"' in html, term_page


def test_every_interface_string_is_in_every_language():
    english = set(STRINGS["en"])
    for language, words in STRINGS.items():
        assert set(words) == english, language
        for key, text in words.items():
            assert set(re.findall(r"\{(\w+)\}", text)) == set(re.findall(r"\{(\w+)\}", STRINGS["en"][key])), (
                language,
                key,
            )


def test_scripts_hold_no_interface_words():
    shown = {text for words in STRINGS.values() for text in words.values()}
    for script in (REPO / "templates" / "static").glob("*.js"):
        code = re.sub(r"^\s*(//|/\*\*|\*).*$", "", script.read_text(encoding="utf-8"), flags=re.M)
        code = re.sub(r"\s//.*$", "", code, flags=re.M)
        literals = [a or b for a, b in re.findall(r'"([^"\\]*)"|`([^`]*)`', code)]
        # A sentence or a capitalised phrase is for people to read, so it belongs in the words_*.py tables.
        prose = [text for text in literals if re.search(r"\b[A-Z][a-z]+\s+[a-z]|[a-z][.!?…]$", text)]
        assert prose == [], f"{script.name} has interface words; pass them from the template"
        assert not [text for text in literals if text.strip() in shown], script.name


def test_a_library_without_stories_builds_without_an_index(site, run):
    root = site({})
    result = run(root, "build")
    assert result.code == 0, result.err
    assert not (root / "_site" / "pagefind").exists()
    assert "No stories yet." in (root / "_site" / "search" / "index.html").read_text(encoding="utf-8")


def test_only_the_part_of_the_index_with_a_changed_page_is_made_again(site):
    root = site({f"content/stories/s{year}.md": dated(year) for year in (2022, 2023, 2024)})
    output = root / "_site"

    def made() -> dict[str, int]:
        """Each part of the index, and the inode of its entry file (new when the part is made again)."""
        return {
            name: (output / "pagefind" / name / "pagefind-entry.json").stat().st_ino for name in parts(output)
        }

    build(Options(root=root, part_pages=1))
    first = made()
    assert list(first) == ["2024", "2023", "2022"]
    assert build(Options(root=root, part_pages=1)).written == 0
    assert made() == first, "nothing changed, so the index was kept"
    (root / "content/stories/s2023.md").write_text(dated(2023, body="Tea was served.\n"))
    build(Options(root=root, part_pages=1))
    again = made()
    assert [name for name in first if again[name] != first[name]] == ["2023"]
    (root / "content/stories/s2025.md").write_text(dated(2025))
    build(Options(root=root, part_pages=1))
    assert parts(output) == ["2025", "2024", "2023", "2022"]
    assert {name: n for name, n in made().items() if name != "2025"} == again
    (root / "content/stories/s2022.md").unlink()
    build(Options(root=root, part_pages=1))
    assert parts(output) == ["2025", "2024", "2023"]
    assert not (output / "pagefind" / "2022").exists(), "a part without pages is removed"
    assert sum(entry(output, name)["languages"]["en"]["page_count"] for name in parts(output)) == 3
    build(Options(root=root, search=False))
    assert not (output / "pagefind").exists(), "an index left over from before is removed"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes, and each link with where it leads."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            found[path.relative_to(folder).as_posix()] = str(path.readlink()).encode()
        elif path.is_file():
            found[path.relative_to(folder).as_posix()] = path.read_bytes()
    return found


FAULTS = {
    "link-out": (
        '#!/bin/sh\nwhile [ $# -gt 0 ]; do [ "$1" = --output-path ] && out=$2; shift; done\n'
        'mkdir -p "$out" && echo "{}" > "$out/pagefind-entry.json" && ln -s /etc/passwd "$out/leak"\n',
        "Pagefind wrote no usable index: 'leak' is not a file or folder",
    ),
    "garbage": (
        '#!/bin/sh\nwhile [ $# -gt 0 ]; do [ "$1" = --output-path ] && out=$2; shift; done\n'
        'mkdir -p "$out" && printf "\\377\\376 not an index" > "$out/pagefind-entry.json"\n',
        "Pagefind wrote no usable index: 'pagefind-entry.json' is missing or not JSON",
    ),
    "nothing": (
        "#!/bin/sh\nexit 0\n",
        "Pagefind wrote no usable index: 'pagefind-entry.json' is missing or not JSON",
    ),
    "killed": ("#!/bin/sh\nkill -9 $$\n", "Pagefind failed: stopped by SIGKILL"),
    "hangs": ("#!/bin/sh\nexec sleep 60\n", "Pagefind did not finish in 1 s"),
    "not-executable": ("", "Pagefind did not run: Permission denied: "),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_a_pagefind_that_misbehaves_is_one_located_error_and_the_old_site_stays(
    site, run, monkeypatch, tmp_path, fault
):
    root = site({"content/stories/lunch.md": LUNCH})
    assert run(root, "build").code == 0
    before = snapshot(root / "_site")
    script, said = FAULTS[fault]
    pagefind = tmp_path / "pagefind"
    pagefind.write_text(script)
    pagefind.chmod(0o644 if fault == "not-executable" else 0o755)
    monkeypatch.setattr(search, "pagefind_binary", lambda: pagefind)
    monkeypatch.setattr(search, "TIMEOUT", 1)
    (root / "content/stories/lunch.md").write_text(LUNCH.replace("Lunch in", "Dinner in"))
    result = run(root, "build")
    assert result.code == 1
    lines = result.err.splitlines()
    assert len(lines) == 2 and lines[1] == "insole: 1 error; nothing was written", result.err
    assert lines[0].startswith(f"_site:1:1: error: could not make the search index: {said}")
    assert lines[0].endswith("(build with --no-search to skip it)")
    assert snapshot(root / "_site") == before
    assert sorted(p.name for p in root.iterdir() if p.name != "._site.spare") == [
        "_site",
        "content",
        "site.yaml",
    ]
