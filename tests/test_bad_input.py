"""Bad input, through the real command: the exit code and the exact place of every message."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml
from conftest import SITE_YAML, Run, story

from insole import yamldoc
from insole.yamlerrors import MAX_VALUES

STORY = "content/stories/a.md"
OTHER = "content/stories/b.md"


def reported(result: Run, where: str, severity: str = "error") -> str:
    """The message printed for a place such as 'content/stories/a.md:2:8', without the prefix."""
    prefix = f"{where}: {severity}: "
    found = [line.removeprefix(prefix) for line in result.err.splitlines() if line.startswith(prefix)]
    assert found, f"nothing reported as {prefix!r} in:\n{result.err}"
    return found[0]


def problem_lines(result: Run) -> list[str]:
    """The lines of stderr that report a problem."""
    return [line for line in result.err.splitlines() if ": error: " in line or ": warning: " in line]


def line_of(text: str, needle: str) -> int:
    """The 1-based number of the first line of a text holding `needle`."""
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def built(root: Path) -> dict[str, str]:
    """Every text file of the built site."""
    return {
        name: data.decode("utf-8")
        for name, data in tree(root / "_site").items()
        if name.endswith((".html", ".xml"))
    }


# --- YAML that does not parse -------------------------------------------------------------


def test_unquoted_colon_in_a_value_points_at_the_colon_and_says_to_quote(site, run):
    root = site({STORY: story("Lunch: the story")})
    result = run(root, "build")
    assert result.code == 1
    message = reported(result, f"{STORY}:2:13")
    assert "invalid YAML: mapping values are not allowed" in message
    assert "quote a value that contains ': '" in message
    assert not (root / "_site").exists()


def test_unclosed_front_matter_points_at_the_opening_line(site, run):
    root = site({STORY: "---\ntitle: Lunch\ndate: 2024-03-14\n\nThe body, never fenced off.\n"})
    result = run(root, "build")
    assert result.code == 1
    assert "front matter is never closed (end it with a line '---')" in reported(result, f"{STORY}:1:1")


def test_tab_indentation_says_to_use_spaces(site, run):
    text = "---\ntitle: Lunch\ndate: 2024-03-14\nneeds:\n\t- second-trip\nprocesses: [delivery]\n---\nBody\n"
    result = run(site({STORY: text}), "build")
    assert result.code == 1
    message = reported(result, f"{STORY}:5:1")
    assert "tab character" in message
    assert message.endswith("(indent with spaces, not tabs)")


def test_tab_inside_a_nested_mapping(site, run):
    extra = "co_creation:\n  - opportunity: home-panel\n  \tmode: synchronous"
    result = run(site({STORY: story(extra=extra)}), "build")
    assert result.code == 1
    assert "(indent with spaces, not tabs)" in reported(result, f"{STORY}:8:3")


def test_duplicate_key_names_both_lines(site, run):
    root = site({STORY: story(extra="customer: Families\ntitle: Another title")})
    result = run(root, "build")
    assert result.code == 1
    assert "duplicate key 'title' (first given on line 2)" in reported(result, f"{STORY}:7:1")


def test_python_tag_is_refused_and_nothing_runs(site, run, tmp_path):
    marker = tmp_path / "ran"
    tagged = f"customer: !!python/object/apply:os.system ['touch {marker}']"
    root = site({STORY: story(extra=tagged)})
    result = run(root, "build")
    assert result.code == 1
    message = reported(result, f"{STORY}:6:11")
    assert "unsupported YAML tag" in message
    assert "python/object/apply" in message
    assert not marker.exists()


def test_yaml_alias_bomb_fails_after_a_bounded_number_of_values(site, run, monkeypatch):
    lines = ["title: Bomb", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for name, previous in zip("bcdefghi", "abcdefgh", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    root = site({STORY: "---\n" + "\n".join(lines) + "\n---\nBody\n"})
    most = MAX_VALUES + 1_000  # the values read before the limit, and the rest of the lists they are in
    visits: Counter[int] = Counter()
    build_value = yamldoc._Builder.build

    def counted(builder: yamldoc._Builder, node: yaml.Node, path: yamldoc.KeyPath) -> object:
        visits[id(builder)] += 1
        # Beyond `most` the test stops the expansion itself: 9 ** 9 values would take minutes.
        return build_value(builder, node, path) if visits[id(builder)] <= most else None

    monkeypatch.setattr(yamldoc._Builder, "build", counted)
    result = run(root, "build")
    assert MAX_VALUES < max(visits.values()) <= most
    assert result.code == 1
    assert [line for line in problem_lines(result) if "aliases repeat too much" in line]
    assert all(line.startswith(f"{STORY}:") for line in problem_lines(result))


def test_unclosed_quote_points_where_the_quote_opens(site, run):
    root = site({STORY: story('"Lunch in the support centre', extra="customer: Families")})
    result = run(root, "build")
    assert result.code == 1
    message = reported(result, f"{STORY}:2:8")
    assert message == "invalid YAML: a quoted value is never closed (end it with the same quote mark)"


def test_unclosed_list_points_where_the_list_opens(site, run):
    root = site({STORY: story(needs="[assemble-without-help, second-trip")})
    result = run(root, "build")
    assert result.code == 1
    assert "a list in [ ] is not closed" in reported(result, f"{STORY}:4:8")


# --- Front matter that parses but is wrong ------------------------------------------------


def test_missing_title(site, run):
    text = "---\ndate: 2024-03-14\nneeds: [second-trip]\nprocesses: [delivery]\n---\nBody\n"
    result = run(site({STORY: text}), "build")
    assert result.code == 1
    assert reported(result, f"{STORY}:1:1").startswith("missing required title (")


def test_several_missing_fields_are_listed_in_one_message(site, run):
    result = run(site({STORY: "---\ncustomer: Families\n---\nBody\n"}), "build")
    assert result.code == 1
    assert reported(result, f"{STORY}:1:1").startswith("missing required title, date, needs, processes")
    assert len([line for line in problem_lines(result) if "missing required" in line]) == 1


def test_front_matter_that_is_a_list(site, run):
    result = run(site({STORY: "---\n- title\n- date\n---\nBody\n"}), "build")
    assert result.code == 1
    assert "front matter must be a mapping of keys, not a list" in reported(result, f"{STORY}:2:1")


def test_impossible_date(site, run):
    result = run(site({STORY: story(date="2024-13-45")}), "build")
    assert result.code == 1
    message = reported(result, f"{STORY}:3:7")
    assert message == "'2024-13-45' is not a date (write a real date as YYYY-MM-DD)"


def test_free_text_date(site, run):
    result = run(site({STORY: story(date="the 14th of March")}), "build")
    assert result.code == 1
    assert "'the 14th of March' is not a date" in reported(result, f"{STORY}:3:7")


def test_date_written_as_a_number(site, run):
    result = run(site({STORY: story(date="20240314")}), "build")
    assert result.code == 1
    assert "'20240314' is not a date" in reported(result, f"{STORY}:3:7")


def test_title_no_reads_as_false_and_says_to_quote_it(site, run):
    result = run(site({STORY: story("NO")}), "build")
    assert result.code == 1
    assert reported(result, f"{STORY}:2:8") == "'title' must be text, but NO reads as bool (quote it: \"NO\")"
    assert len(problem_lines(result)) == 1


def test_unknown_key_typo_is_a_warning_with_did_you_mean(site, run):
    root = site({STORY: story(extra="proceses: [support]")})
    result = run(root, "build")
    assert result.code == 0, result.err
    message = reported(result, f"{STORY}:6:1", "warning")
    assert message == "unknown key 'proceses' (did you mean 'processes'?)"
    strict = run(root, "build", "--strict")
    assert strict.code == 1
    reported(strict, f"{STORY}:6:1", "error")


def test_unknown_co_creation_mode(site, run):
    extra = "co_creation:\n  - opportunity: home-panel\n    mode: sometimes"
    result = run(site({STORY: story(extra=extra)}), "build")
    assert result.code == 1
    message = reported(result, f"{STORY}:8:11")
    assert message == "unknown mode 'sometimes' (use synchronous or asynchronous)"


def test_undeclared_need_warns_naming_the_closest_term(site, run):
    root = site({STORY: story(needs="[assemble-without-hlp]")})
    result = run(root, "build")
    assert result.code == 0, result.err
    message = reported(result, f"{STORY}:4:9", "warning")
    assert "'assemble-without-hlp' is not declared in needs" in message
    assert "did you mean 'assemble-without-help'" in message
    assert (root / "_site" / "stories" / "a" / "index.html").is_file()


def test_undeclared_need_is_an_error_under_strict(site, run):
    root = site({STORY: story(needs="[assemble-without-hlp]")})
    result = run(root, "build", "--strict")
    assert result.code == 1
    assert "did you mean 'assemble-without-help'" in reported(result, f"{STORY}:4:9", "error")
    assert not (root / "_site").exists()


def test_undeclared_need_in_a_block_list_points_at_the_item(site, run):
    root = site({STORY: story(needs="\n  - second-trip\n  - secnd-trip")})
    result = run(root, "build")
    assert result.code == 0, result.err
    assert "did you mean 'second-trip'" in reported(result, f"{STORY}:6:5", "warning")


# --- Slugs and related stories ------------------------------------------------------------


def test_duplicate_slug_from_slug_key_points_at_it(site, run):
    root = site({STORY: story(), OTHER: story(extra="slug: a")})
    result = run(root, "build")
    assert result.code == 1
    message = reported(result, f"{OTHER}:6:7")
    assert message.startswith("slug 'a' is already used")
    assert STORY in message


def test_duplicate_slug_from_names_differing_by_case(site, run):
    upper = "content/stories/Lunch.md"
    lower = "content/stories/lunch.md"
    root = site({upper: story(), lower: story()})
    result = run(root, "build")
    assert result.code == 1
    message = reported(result, f"{lower}:1:1")
    assert message.startswith("slug 'lunch' is already used")
    assert upper in message


def test_duplicate_slug_from_names_differing_by_a_ring(site, run):
    root = site({"content/stories/blå.md": story(), "content/stories/bla.md": story()})
    result = run(root, "build")
    assert result.code == 1
    problems = problem_lines(result)
    assert len(problems) == 1
    assert ":1:1: error: slug 'bla' is already used" in problems[0]


def test_related_slug_that_does_not_exist_points_at_the_item(site, run):
    extra = "related:\n  - b\n  - lunch-in-the-canteen"
    root = site({STORY: story(extra=extra), OTHER: story()})
    result = run(root, "build")
    assert result.code == 1
    assert reported(result, f"{STORY}:8:5") == "related story 'lunch-in-the-canteen' does not exist"


def test_story_related_to_itself_is_a_warning(site, run):
    result = run(site({STORY: story(extra="related: [a]")}), "build")
    assert result.code == 0
    assert "not related to itself" in reported(result, f"{STORY}:6:11", "warning")


# --- Bytes ------------------------------------------------------------------------------


def test_latin1_file_names_the_line(site, run):
    data = story(body="Hej!\nVi åt lunch i København.\n").encode("latin-1")
    result = run(site({STORY: data}), "build")
    assert result.code == 1
    assert reported(result, f"{STORY}:8:4") == "not UTF-8 text (save the file as UTF-8)"


def test_nul_bytes(site, run):
    result = run(site({STORY: story(body="Hej\x00\n")}), "build")
    assert result.code == 1
    assert "not UTF-8 text" in reported(result, f"{STORY}:7:4")


def test_empty_file_and_missing_front_matter(site, run):
    root = site({STORY: "", OTHER: "# Just a heading\n"})
    result = run(root, "build")
    assert result.code == 1
    assert reported(result, f"{STORY}:1:1").startswith("empty file")
    assert reported(result, f"{OTHER}:1:1").startswith("no front matter")


def test_crlf_line_endings_build_the_same_page(site, run):
    text = story(extra="customer: Families", body="First.\n\n> A quote\n> over two lines\n\nLast.\n")
    root = site({STORY: text})
    assert run(root, "build").code == 0
    page = root / "_site" / "stories" / "a" / "index.html"
    unix = page.read_bytes()
    (root / STORY).write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    result = run(root, "build")
    assert result.code == 0, result.err
    assert page.read_bytes() == unix


def test_crlf_file_reports_the_same_places(site, run):
    text = story(body="Hello\n\nSee [this](javascript:alert(1)).\n")
    root = site({STORY: text.replace("\n", "\r\n")})
    result = run(root, "build")
    assert result.code == 0
    reported(result, f"{STORY}:9:12", "warning")


# --- What reaches the page ----------------------------------------------------------------


def test_script_in_title_is_escaped_everywhere(site, run):
    root = site({STORY: story('"<script>alert(1)</script>"', extra='customer: "<script>alert(2)</script>"')})
    result = run(root, "build")
    assert result.code == 0, result.err
    pages = built(root)
    for name, text in pages.items():
        assert "<script>alert" not in text, name
    story_page = pages["stories/a/index.html"]
    title = story_page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in title
    assert "&lt;script&gt;alert(2)" in story_page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages["feed.xml"]


def test_javascript_link_is_left_out_with_a_warning(site, run):
    body = "Hello\n\nSee [the manual](javascript:alert(1)) first.\n"
    root = site({STORY: story(body=body)})
    result = run(root, "build")
    assert result.code == 0, result.err
    message = reported(result, f"{STORY}:9:18", "warning")
    assert "'javascript:' address left out" in message
    page = (root / "_site" / "stories" / "a" / "index.html").read_text(encoding="utf-8")
    assert "javascript:" not in page.lower()
    assert "the manual" in page


def test_javascript_link_is_an_error_under_strict(site, run):
    body = "Hello\n\nSee [the manual](JavaScript:alert(1)) first.\n"
    root = site({STORY: story(body=body)})
    result = run(root, "build", "--strict")
    assert result.code == 1
    assert "'javascript:' address left out" in reported(result, f"{STORY}:9:18")


def test_javascript_reference_link_points_at_its_definition(site, run):
    body = "See [the manual][m] first.\n\n[m]: javascript:alert(1)\n"
    result = run(site({STORY: story(body=body)}), "build")
    assert result.code == 0
    reported(result, f"{STORY}:9:6", "warning")


def test_raw_html_in_the_body_is_escaped(site, run):
    body = "Before.\n\n<script>alert(1)</script>\n\nText <img src=x onerror=alert(2)> here.\n"
    root = site({STORY: story(body=body)})
    result = run(root, "build")
    assert result.code == 0, result.err
    page = (root / "_site" / "stories" / "a" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page


def test_image_without_alt_text_is_a_warning(site, run):
    files = {
        "content/stories/visit/index.md": story(body="At the table.\n\n![](kitchen.jpg)\n"),
        "content/stories/visit/kitchen.jpg": b"\xff\xd8\xff",
    }
    root = site(files)
    result = run(root, "build")
    assert result.code == 0, result.err
    assert "has no alt text" in reported(result, "content/stories/visit/index.md:9:5", "warning")
    assert (root / "_site" / "stories" / "visit" / "kitchen.jpg").read_bytes() == b"\xff\xd8\xff"


# --- site.yaml ----------------------------------------------------------------------------


def test_unknown_setting_typo_in_site_yaml(site, run):
    site_yaml = SITE_YAML + "outptu: public\n"
    result = run(site({STORY: story()}, site_yaml), "build")
    assert result.code == 0
    where = f"site.yaml:{line_of(site_yaml, 'outptu')}:1"
    assert reported(result, where, "warning") == "unknown setting 'outptu' (did you mean 'output'?)"


def test_unsafe_link_in_a_description_points_into_site_yaml(site, run):
    described = "description: |\n      From the warehouse.\n\n      See [x](javascript:alert(1))."
    site_yaml = SITE_YAML.replace("description: From the warehouse to the customer's door.", described)
    result = run(site({STORY: story()}, site_yaml), "build")
    assert result.code == 0
    reported(result, f"site.yaml:{line_of(site_yaml, 'See [x]')}:15", "warning")


def test_config_errors_and_story_errors_are_reported_together(site, run):
    site_yaml = SITE_YAML.replace("language: en", "language: fr")
    result = run(site({STORY: story(date="2024-13-45")}, site_yaml), "build")
    assert result.code == 1
    assert "unknown language 'fr'" in reported(result, f"site.yaml:{line_of(site_yaml, 'language')}:11")
    reported(result, f"{STORY}:3:7")


# --- The run as a whole -------------------------------------------------------------------


def test_all_problems_of_a_run_are_reported_together(site, run):
    root = site({STORY: story("Lunch: the story"), OTHER: story(date="2024-02-30")})
    result = run(root, "build")
    assert result.code == 1
    reported(result, f"{STORY}:2:13")
    reported(result, f"{OTHER}:3:7")
    assert "2 errors" in result.err


def test_check_reports_the_same_problems(site, run):
    root = site({STORY: story(date="2024-13-45")})
    result = run(root, "check")
    assert result.code == 1
    reported(result, f"{STORY}:3:7")


def test_output_equal_to_the_content_folder_is_refused(site, run):
    root = site({STORY: story(), "content/notes.txt": "keep me\n"})
    before = tree(root / "content")
    result = run(root, "build", "--output", "content")
    assert result.code == 1
    assert "would replace the content folder" in reported(result, "content:1:1")
    assert tree(root / "content") == before
    site_yaml = SITE_YAML.replace("output: _site", "output: content")
    (root / "site.yaml").write_text(site_yaml, encoding="utf-8")
    result = run(root, "build")
    assert result.code == 1
    assert tree(root / "content") == before


def test_output_inside_the_content_folder_or_the_site_root_is_refused(site, run):
    root = site({STORY: story()})
    before = tree(root)
    assert run(root, "build", "--output", "content/stories/site").code == 1
    assert run(root, "build", "--output", ".").code == 1
    assert tree(root) == before


def test_failed_build_leaves_the_previous_output_unchanged(site, run):
    root = site({STORY: story(), OTHER: story("Another visit")})
    assert run(root, "build").code == 0
    before = tree(root / "_site")
    (root / OTHER).write_text(story("Another visit", date="2024-13-45"), encoding="utf-8")
    result = run(root, "build")
    assert result.code == 1
    assert "nothing was written" in result.err
    assert tree(root / "_site") == before
    assert sorted(p.name for p in root.iterdir()) == ["_site", "content", "site.yaml"]


def test_story_over_the_size_limit_is_an_error(site, run):
    root = site(
        {"content/stories/huge.md": story(body="x" * 5_000_001), "content/stories/ok.md": story("Fine")}
    )
    result = run(root, "build")
    assert result.code == 1
    assert "content/stories/huge.md:1:1: error: the story is larger than 5 MB" in result.err


def test_a_one_megabyte_line_and_ten_thousand_links_build(site, run):
    links = "\n".join(f"[link {i}](https://example.com/{i})" for i in range(10_000))
    root = site({"content/stories/long.md": story(body="word " * 200_000 + "\n\n" + links)})
    result = run(root, "build", "--no-search")
    assert result.code == 0, result.err
    page = (root / "_site/stories/long/index.html").read_text(encoding="utf-8")
    assert page.count('href="https://example.com/') == 10_000


def test_symlink_loop_and_folder_named_like_a_story_are_errors(site, run):
    root = site({"content/stories/ok.md": story("Fine")})
    stories = root / "content/stories"
    (stories / "a.md").symlink_to("b.md")
    (stories / "b.md").symlink_to("a.md")
    (stories / "folder.md").mkdir()
    result = run(root, "build")
    assert result.code == 1
    assert "content/stories/a.md:1:1: error: symbolic link that leads nowhere or in a loop" in result.err
    assert "content/stories/folder.md:1:1: error: a folder named like a story file" in result.err


def test_drafts_and_future_stories_are_warned_about_and_left_out(site, run):
    root = site(
        {
            "content/stories/now.md": story("Now"),
            "content/stories/draft.md": story("Draft", extra="status: draft"),
            "content/stories/later.md": story("Later", date="2999-01-01"),
        }
    )
    result = run(root, "build")
    assert result.code == 0, result.err
    assert (
        "content/stories/draft.md:6:9: warning: a draft, so it is not published (build with --drafts"
        in result.err
    )
    assert (
        "content/stories/later.md:3:7: warning: dated 2999-01-01, after today, so it is not published yet"
        in result.err
    )
    assert sorted(p.name for p in (root / "_site/stories").iterdir() if p.is_dir()) == ["now"]
    assert run(root, "build", "--strict").code == 1
    included = run(root, "build", "--drafts", "--strict")
    assert included.code == 0, included.err
    assert (root / "_site/stories/later/index.html").is_file()


def test_raw_html_is_shown_as_text_with_a_warning(site, run):
    root = site({"content/stories/html.md": story(body="Hello <b>bold</b>\n\n<div onclick=x>block</div>\n")})
    result = run(root, "build", "--no-search")
    assert result.code == 0
    assert "content/stories/html.md:7:7: warning: raw HTML <b> is shown as text, not as HTML" in result.err
    assert "content/stories/html.md:9:1: warning: raw HTML <div onclick=x> is shown as text" in result.err
    page = (root / "_site/stories/html/index.html").read_text(encoding="utf-8")
    assert "&lt;div onclick=x&gt;block&lt;/div&gt;" in page and "<div onclick" not in page


def test_a_single_term_where_a_list_belongs_is_read_with_a_warning(site, run):
    root = site({"content/stories/one.md": story(needs="second-trip")})
    result = run(root, "build", "--no-search")
    assert result.code == 0
    assert (
        "content/stories/one.md:4:8: warning: 'needs' is a list; 'second-trip' is read as one item"
        in result.err
    )
    assert (root / "_site/needs/second-trip/index.html").read_text(encoding="utf-8").count(
        "stories/one/"
    ) >= 1
