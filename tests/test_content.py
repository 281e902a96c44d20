"""Story files to checked stories: slugs, drafts, folders, editor junk and every field."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from conftest import story

from insole.config import load_config
from insole.content import load_stories
from insole.crosschecks import check_related, check_slugs
from insole.errors import Problem
from insole.markup import make_markdown
from insole.story import CoCreation, Story, shorten, slugify
from insole.storyfiles import find_story_files
from insole.yamldoc import Spot

STORY = "content/stories/a.md"
Loaded = tuple[dict[str, Story], list[Problem]]


@pytest.fixture
def load(site, monkeypatch) -> Callable[..., Loaded]:
    """Write a sample site and read its stories, by slug, with the problems found."""

    def loader(files: dict[str, str | bytes], drafts: bool = False) -> Loaded:
        root = site(files)
        monkeypatch.chdir(root)
        config, _ = load_config(root)
        stories, bodies, problems = load_stories(config, make_markdown(), drafts)
        loader.bodies = bodies  # type: ignore[attr-defined]
        return {s.slug: s for s in stories}, problems

    return loader


def places(problems: list[Problem]) -> list[tuple[str, int, int, str]]:
    """Each problem's file, line, column and message."""
    return [(p.path, p.line, p.column, p.message) for p in sorted(problems)]


# --- slugs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Lunch in the support centre", "lunch-in-the-support-centre"),
        ("blå", "bla"),
        ("Ærø", "aero"),
        ("Sjöbo", "sjobo"),
        ("Søndre Ø", "sondre-o"),
        ("Müller", "muller"),
        ("Straße", "strasse"),
        ("Œuvre", "oeuvre"),
        ("Café crème", "cafe-creme"),
        ("  --Two   spaces--  ", "two-spaces"),
        ("2024_03 visit", "2024-03-visit"),
        ("日本", ""),
    ],
)
def test_slugify(name, slug):
    assert slugify(name) == slug


def test_slug_comes_from_the_file_name(load):
    stories, problems = load({"content/stories/Hembesök i Malmö.md": story()})
    assert problems == []
    assert list(stories) == ["hembesok-i-malmo"]


def test_slug_key_overrides_the_file_name(load):
    stories, problems = load({STORY: story(extra="slug: lunch-2024")})
    assert problems == []
    assert list(stories) == ["lunch-2024"]


def test_bad_slug_key_is_an_error_at_its_value(load):
    stories, problems = load({STORY: story(extra="slug: Lunch 2024")})
    assert stories == {}
    assert places(problems) == [(STORY, 6, 7, "'Lunch 2024' is not a valid slug")]


def test_file_name_without_letters_needs_a_slug_key(load):
    stories, problems = load({"content/stories/日本.md": story()})
    assert stories == {}
    assert [p.message for p in problems] == ["no slug can be made from the file name"]


def test_duplicate_slugs_point_at_the_slug_key_when_there_is_one(load):
    _, problems = load({STORY: story(), "content/stories/b.md": story(extra="slug: a")})
    assert places(problems) == [("content/stories/b.md", 6, 7, "slug 'a' is already used")]
    assert "content/stories/a.md" in problems[0].hint


def test_check_slugs_and_check_related_directly():
    first = Story("a", "A", dt.date(2024, 1, 1), "a.md", ("n",), ("p",), related=("b", "zz"))
    first = Story(**{**first.__dict__, "related_spots": (Spot(6, 12), Spot(6, 15))})
    second = Story("a", "B", dt.date(2024, 1, 2), "b.md", ("n",), ("p",))
    third = Story("b", "C", dt.date(2024, 1, 3), "c.md", ("n",), ("p",))
    assert places(check_slugs([first, second, third])) == [("b.md", 1, 1, "slug 'a' is already used")]
    related = check_related([first, third], {"a", "b"})
    assert places(related) == [("a.md", 6, 15, "related story 'zz' does not exist")]


# --- which files are stories --------------------------------------------------------------


def test_editor_junk_is_ignored(load):
    junk = [".#a.md", "a.md~", ".a.md.swp", ".a.swp", "#a.md#", ".hidden.md", "notes.txt", "4913"]
    files = {f"content/stories/{name}": "not a story" for name in junk}
    files[STORY] = story()
    stories, problems = load(files)
    assert problems == []
    assert list(stories) == ["a"]


def test_find_story_files_walks_sub_folders_in_order(tmp_path):
    top = tmp_path / "stories"
    for name in ["b.md", "a.md", "2024/c.md", "visit/index.md", "visit/notes.md", ".git/x.md"]:
        (top / name).parent.mkdir(parents=True, exist_ok=True)
        (top / name).write_text("x", encoding="utf-8")
    found = [(path.relative_to(top).as_posix(), folder) for path, folder in find_story_files(tmp_path)]
    assert found == [
        ("a.md", None),
        ("b.md", None),
        ("2024/c.md", None),
        ("visit/index.md", top / "visit"),
    ]


def test_upper_case_extension_is_a_story_too(load):
    stories, problems = load({"content/stories/Visit.MD": story()})
    assert (list(stories), problems) == (["visit"], [])


def test_stories_in_sub_folders(load):
    stories, problems = load({"content/stories/2024/march/a.md": story()})
    assert problems == []
    assert stories["a"].source_path == "content/stories/2024/march/a.md"


def test_missing_stories_folder(site, monkeypatch):
    root = site()
    (root / "content" / "stories").rmdir()
    monkeypatch.chdir(root)
    config, _ = load_config(root)
    stories, _, problems = load_stories(config, make_markdown())
    assert stories == []
    assert [p.message for p in problems] == ["no stories folder"]


# --- folder stories -----------------------------------------------------------------------


def test_folder_story_with_assets(load):
    files: dict[str, str | bytes] = {
        "content/stories/home-visit/index.md": story(body="In the kitchen.\n\n![The kitchen](kitchen.jpg)\n"),
        "content/stories/home-visit/kitchen.jpg": b"\xff\xd8",
        "content/stories/home-visit/notes/plan.pdf": b"%PDF",
        "content/stories/home-visit/.kitchen.jpg.swp": b"junk",
        "content/stories/home-visit/plan.pdf~": b"junk",
        "content/stories/home-visit/.#index.md": "junk",
        "content/stories/home-visit/Thumbs.db": b"junk",
        "content/stories/home-visit/.DS_Store": b"junk",
    }
    stories, problems = load(files)
    assert problems == []
    visit = stories["home-visit"]
    assert visit.folder is not None and visit.folder.name == "home-visit"
    assert visit.assets == ("kitchen.jpg", "notes/plan.pdf")
    assert 'src="kitchen.jpg"' in load.bodies["home-visit"]


def test_image_not_beside_the_story_is_a_warning(load):
    _, problems = load({STORY: story(body="Look:\n\n![The kitchen](kitchen.jpg)\n")})
    assert places(problems) == [(STORY, 9, 16, "image 'kitchen.jpg' is not beside the story")]


def test_asset_names_with_spaces_and_letters_beyond_ascii(load):
    files: dict[str, str | bytes] = {
        "content/stories/visit/index.md": story(body="![Köket](<kök på bild.jpg>)\n"),
        "content/stories/visit/kök på bild.jpg": b"\xff\xd8",
    }
    stories, problems = load(files)
    assert problems == []
    assert stories["visit"].assets == ("kök på bild.jpg",)


# --- drafts -------------------------------------------------------------------------------


def test_drafts_are_left_out_unless_asked_for(load):
    files = {STORY: story(), "content/stories/b.md": story(extra="status: draft")}
    stories, problems = load(files)
    assert list(stories) == ["a"]
    assert places(problems) == [("content/stories/b.md", 6, 9, "a draft, so it is not published")]
    stories, problems = load(files, drafts=True)
    assert (sorted(stories), problems) == (["a", "b"], [])
    assert stories["b"].draft and not stories["a"].draft


def test_unknown_status(load):
    _, problems = load({STORY: story(extra="status: drfat")})
    assert places(problems) == [(STORY, 6, 9, "unknown status 'drfat'")]


# --- fields -------------------------------------------------------------------------------


def test_every_field_is_read(load):
    extra = """
        customer: Families furnishing a first home
        source: support-call
        achieve: The wardrobe stands the same evening
        avoid: A second trip for missing screws
        author: Kim
        summary: A short summary.
        review_by: 2025-03-14
        co_creation:
          - opportunity: instruction-testing
            mode: asynchronous
            note: First-time buyers annotate the instructions
          - {opportunity: home-panel, mode: synchronous}
        related: [b]
    """
    files = {
        STORY: story(needs="[assemble-without-help, second-trip]", processes="[delivery]", extra=extra),
        "content/stories/b.md": story(),
    }
    stories, problems = load(files)
    assert problems == []
    a = stories["a"]
    assert a.title == "Lunch in the support centre"
    assert a.date == dt.date(2024, 3, 14)
    assert a.needs == ("assemble-without-help", "second-trip")
    assert a.processes == ("delivery",)
    assert (a.customer, a.source, a.author) == ("Families furnishing a first home", "support-call", "Kim")
    assert (a.achieve, a.avoid) == (
        "The wardrobe stands the same evening",
        "A second trip for missing screws",
    )
    assert a.summary == "A short summary."
    assert a.review_by == dt.date(2025, 3, 14)
    assert a.co_creation == (
        CoCreation("instruction-testing", "asynchronous", "First-time buyers annotate the instructions"),
        CoCreation("home-panel", "synchronous"),
    )
    assert a.opportunities == ("instruction-testing", "home-panel")
    assert a.modes == ("asynchronous", "synchronous")
    assert a.related == ("b",)
    assert a.source_path == STORY


def test_summary_defaults_to_the_first_paragraph(load):
    body = "# A heading\n\nThe *first* paragraph,\nover two lines.\n\nThe second.\n"
    stories, _ = load({STORY: story(body=body)})
    assert stories["a"].summary == "The first paragraph, over two lines."


def test_shorten_cuts_at_a_word():
    assert shorten("short") == "short"
    assert shorten("one two three four", limit=12) == "one two…"


def test_date_with_a_time_keeps_the_day(load):
    stories, problems = load({STORY: story(date="2024-03-14 10:30")})
    assert problems == []
    assert stories["a"].date == dt.date(2024, 3, 14)


@pytest.mark.parametrize(
    "date", ["2024-03-14T10:30:00+05:00", "2024-03-14 23:59:59.5 -5", "2024-03-14t09:00Z", "2024-03-14 0:00"]
)
def test_date_with_any_time_yaml_writes_keeps_the_day(load, date):
    stories, problems = load({STORY: story(date=date)})
    assert problems == []
    assert stories["a"].date == dt.date(2024, 3, 14)


@pytest.mark.parametrize(
    "date",
    ["2024-03-14 25:00", "2024-03-14 10:60", "2024-03-14 10:30:61", "2024-03-14 banana", "2024-03-14T"],
)
def test_date_with_an_impossible_or_no_time_after_it_is_an_error_at_the_date(load, date):
    stories, problems = load({STORY: story(date=date)})
    assert stories == {}
    assert places(problems) == [(STORY, 3, 7, f"'{date}' is not a date")]


def test_terms_are_deduplicated_and_undeclared_ones_warned(load):
    stories, problems = load({STORY: story(needs="[second-trip, second-trip, stay-helthy]")})
    assert stories["a"].needs == ("second-trip", "stay-helthy")
    assert places(problems) == [(STORY, 4, 35, "'stay-helthy' is not declared in needs")]
    assert problems[0].hint == "did you mean 'stay-healthy'?"


def test_undeclared_source_and_opportunity(load):
    extra = "source: suport-call\nco_creation:\n  - {opportunity: home-panl, mode: synchronous}"
    _, problems = load({STORY: story(extra=extra)})
    assert places(problems) == [
        (STORY, 6, 9, "'suport-call' is not declared in sources"),
        (STORY, 8, 19, "'home-panl' is not declared in co_creation"),
    ]


def test_unknown_keys_warn_with_did_you_mean(load):
    extra = (
        "proceses: [support]\nco_creation:\n  - opportunity: home-panel\n    mode: synchronous\n    notes: x"
    )
    _, problems = load({STORY: story(extra=extra)})
    assert places(problems) == [
        (STORY, 6, 1, "unknown key 'proceses'"),
        (STORY, 10, 5, "unknown key 'notes'"),
    ]
    assert [p.hint for p in sorted(problems)] == ["did you mean 'processes'?", "did you mean 'note'?"]


@pytest.mark.parametrize(
    ("extra", "line", "column", "message"),
    [
        ("co_creation: home-panel", 6, 14, "'co_creation' must be a list of entries"),
        ("co_creation:\n  - home-panel", 7, 5, "a co-creation entry needs 'opportunity' and 'mode'"),
        ("co_creation:\n  - mode: synchronous", 7, 5, "co-creation entry without 'opportunity'"),
        ("co_creation:\n  - opportunity: home-panel", 7, 5, "co-creation entry without 'mode'"),
        ("co_creation:\n  - {opportunity: home-panel, mode: live}", 7, 37, "unknown mode 'live'"),
    ],
)
def test_bad_co_creation_entries(load, extra, line, column, message):
    stories, problems = load({STORY: story(extra=extra)})
    assert stories == {}
    assert places(problems) == [(STORY, line, column, message)]


def test_required_fields_missing_or_empty(load):
    _, problems = load({STORY: story(title='""', needs="[]", processes="")})
    assert places(problems) == [
        (STORY, 2, 1, "required 'title' is empty"),
        (STORY, 4, 1, "required 'needs' is empty"),
        (STORY, 5, 1, "required 'processes' is empty"),
    ]
    assert [p.hint for p in problems][1:] == ["list at least one term declared in site.yaml"] * 2


def test_an_empty_required_list_is_reported_at_its_key_and_a_missing_one_at_the_start(load):
    text = "---\ntitle: T\ndate: 2024-03-14\nprocesses:\n  []\n---\nBody\n"
    _, problems = load({STORY: text})
    assert places(problems) == [
        (STORY, 1, 1, "missing required needs"),
        (STORY, 4, 1, "required 'processes' is empty"),
    ]


def test_problems_of_all_files_are_collected(load):
    files = {
        STORY: story(date="2024-02-30"),
        "content/stories/b.md": "---\ntitle: [\n---\n",
        "content/stories/c.md": story(extra="related: [nowhere]"),
    }
    stories, problems = load(files)
    assert list(stories) == ["c"]
    assert [(p.path, p.line) for p in sorted(problems)] == [
        (STORY, 3),
        ("content/stories/b.md", 2),
        ("content/stories/c.md", 6),
    ]


def test_symbolic_link_leading_outside_the_content_is_refused(load, tmp_path):
    outside = tmp_path / "secret.md"
    outside.write_text(story(), encoding="utf-8")
    root = tmp_path / "site"
    (root / "content" / "stories").mkdir(parents=True)
    (root / "content" / "stories" / "a.md").symlink_to(outside)
    stories, problems = load({})
    assert stories == {}
    assert [p.message for p in problems] == ["symbolic link leads outside the content folder"]


def test_story_language_is_read_and_checked(site, run):
    from conftest import story

    root = site(
        {
            "content/stories/sv.md": story("Ingrid vill bo kvar", extra="language: sv"),
            "content/stories/bad.md": story("Bad", extra="language: Swedish!"),
        }
    )
    result = run(root, "build")
    assert result.code == 1
    assert "content/stories/bad.md:6:11: error: 'Swedish!' is not a language code" in result.err
    (root / "content/stories/bad.md").unlink()
    assert run(root, "build").code == 0
    page = (root / "_site/stories/sv/index.html").read_text(encoding="utf-8")
    assert re.search(r'<h1[^>]* lang="sv"[^>]*>Ingrid vill bo kvar</h1>', page)


@pytest.mark.parametrize(
    "tag", ["zh-Hant-TW-x-private-long", "en-US-u-ca-gregory", "de-CH-1901", "sgn-BE-FR", "SV"]
)
def test_a_language_tag_with_any_valid_subtags_is_published(site, run, tag):
    from conftest import story

    root = site({"content/stories/a.md": story("Tagged", extra=f"language: {tag}")})
    result = run(root, "build", "--no-search")
    assert result.code == 0, result.err
    page = (root / "_site/stories/a/index.html").read_text(encoding="utf-8")
    assert f'lang="{tag}"' in page


@pytest.mark.parametrize("tag", ["en_US", "en--us", "e", "en-", "en-abcdefghi"])
def test_a_language_tag_that_is_no_bcp_47_tag_is_an_error_at_its_place(site, run, tag):
    from conftest import story

    result = run(site({"content/stories/a.md": story("Tagged", extra=f"language: {tag}")}), "check")
    assert result.code == 1
    assert f"content/stories/a.md:6:11: error: '{tag}' is not a language code" in result.err


def test_a_story_crowded_with_brackets_is_an_error_at_its_place_before_it_is_rendered(site, run, monkeypatch):
    from conftest import story
    from test_markup import texts_rendered

    body = "A customer called.\n\n" + "![" * 100_001 + "]\n"
    root = site({"content/stories/a.md": story("Crowded", body=body)})
    rendered = texts_rendered(monkeypatch)
    result = run(root, "build", "--no-search")
    assert rendered and not [text for text in rendered if "![![" in text]  # markdown-it-py takes 5 to 10 s
    assert result.code == 1
    assert (
        "content/stories/a.md:9:200002: error: more than 100000 '[' of links and images in one text"
    ) in result.err
    assert not (root / "_site").exists()


def test_a_markdown_file_in_a_story_folder_is_a_warning_at_that_file(site, run):
    from conftest import story

    files = {
        "content/stories/a/index.md": story("A"),
        "content/stories/a/other.md": story("Other", extra="status: draft"),
        "content/stories/a/b/index.md": story("B"),
    }
    result = run(site(files), "build", "--no-search", "--strict")
    assert result.code == 1
    hint = "(move it out of the story's folder to make it a story of its own)"
    for name in ("a/b/index.md", "a/other.md"):
        assert (
            f"content/stories/{name}:1:1: error: copied as it is beside the story, not made a story {hint}"
            in (result.err)
        )


def test_unknown_keys_suggest_only_keys_a_few_keystrokes_away(load):
    extra = "colour: blue\nsorce: support-call\ntitel: x\nrelatd: []\nxyz: 1"
    _, problems = load({STORY: story(extra=extra)})
    hints = {p.message: p.hint for p in problems}
    assert hints == {
        "unknown key 'colour'": "",
        "unknown key 'sorce'": "did you mean 'source'?",
        "unknown key 'titel'": "did you mean 'title'?",
        "unknown key 'relatd'": "did you mean 'related'?",
        "unknown key 'xyz'": "",
    }
