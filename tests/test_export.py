"""`insole export`: the stories as CSV for spreadsheets and the library as JSON, with no site written."""

from __future__ import annotations

import csv
import io
import json

from conftest import story

FORMULAS = """\
customer: "=HYPERLINK(\\"http://evil.example\\")"
author: "@SUM(A1:A9)"
achieve: "+1 more shelf"
avoid: "-2 screws short"
source: support-call
co_creation:
  - {opportunity: home-panel, mode: synchronous}
  - {opportunity: instruction-testing, mode: asynchronous}
"""


def rows_of(text: str) -> list[dict[str, str]]:
    """The rows of a CSV text, each by its header."""
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_a_header_and_one_row_per_story_with_terms_joined(site, run):
    root = site(
        {
            "content/stories/lunch.md": story("Lunch", needs="[assemble-without-help, second-trip]"),
            "content/stories/råd.md": story(
                "Råd från Åre", date="2024-05-01", processes="[delivery, support]"
            ),
        }
    )
    result = run(root, "export", "--csv", "stories.csv")
    assert (result.code, result.out, result.err) == (0, "wrote stories.csv\n", "")
    data = (root / "stories.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfslug,url,title,date,")  # the mark spreadsheets read UTF-8 by
    rows = rows_of(data.decode("utf-8-sig"))
    assert [(r["slug"], r["title"], r["date"]) for r in rows] == [
        ("rad", "Råd från Åre", "2024-05-01"),
        ("lunch", "Lunch", "2024-03-14"),
    ]
    assert rows[1]["needs"] == "assemble-without-help;second-trip"
    assert rows[0]["processes"] == "delivery;support"
    assert rows[1]["url"] == "/stories/lunch/"
    assert not (root / "_site").exists()


def test_csv_cells_that_would_run_as_formulas_start_with_an_apostrophe(site, run):
    root = site({"content/stories/lunch.md": story(extra=FORMULAS)})
    result = run(root, "export", "--csv", "-")
    assert result.code == 0, result.err
    [row] = rows_of(result.out)
    assert row["customer"] == '\'=HYPERLINK("http://evil.example")'
    assert row["author"] == "'@SUM(A1:A9)"
    assert row["achieve"] == "'+1 more shelf"
    assert row["avoid"] == "'-2 screws short"
    assert (row["source"], row["co_creation"], row["modes"]) == (
        "support-call",
        "home-panel;instruction-testing",
        "synchronous;asynchronous",
    )
    assert not result.out.startswith("\ufeff")  # no mark in what is printed


def test_json_is_the_sites_data_file_byte_for_byte(site, run):
    root = site({"content/stories/lunch.md": story(extra=FORMULAS)})
    assert run(root, "build", "--no-search").code == 0
    result = run(root, "export", "--json", "library.json")
    assert result.code == 0, result.err
    published = (root / "_site" / "data" / "library.json").read_bytes()
    assert (root / "library.json").read_bytes() == published
    printed = run(root, "export", "--json", "-")
    assert printed.out.encode("utf-8") == published
    assert json.loads(published)["stories"][0]["customer"] == '=HYPERLINK("http://evil.example")'


def test_bad_input_gives_the_builds_located_errors_and_writes_nothing(site, run):
    root = site({"content/stories/lunch.md": story(needs="[no-such-need]", processes="[]")})
    (root / "old.csv").write_text("kept\n", encoding="utf-8")
    built = run(root, "build", "--no-search")
    result = run(root, "export", "--csv", "old.csv", "--json", "new.json")
    assert (result.code, built.code) == (1, 1)
    located = [line for line in result.err.splitlines() if line.startswith("content/stories/lunch.md:")]
    assert located and located == [line for line in built.err.splitlines() if line.startswith("content/")]
    assert result.err.endswith("insole: 1 error; nothing was exported\n")
    assert (root / "old.csv").read_text(encoding="utf-8") == "kept\n"
    assert not (root / "new.json").exists()


def test_a_file_there_is_written_over_and_a_folder_is_refused(site, run):
    root = site({"content/stories/lunch.md": story()})
    (root / "out.csv").write_text("old\n", encoding="utf-8")
    assert run(root, "export", "--csv", "out.csv").code == 0
    assert rows_of((root / "out.csv").read_text(encoding="utf-8-sig"))[0]["slug"] == "lunch"
    (root / "folder").mkdir()
    result = run(root, "export", "--json", "folder")
    assert (result.code, result.err) == (2, "insole: folder is a folder; give the name of a file to write\n")
    assert list((root / "folder").iterdir()) == []


def test_export_asks_for_a_file_and_explains_itself(site, run):
    root = site({"content/stories/lunch.md": story()})
    result = run(root, "export")
    assert (result.code, result.err) == (
        2,
        "insole: export needs --csv FILE, --json FILE or both ('-' prints it)\n",
    )
    both = run(root, "export", "--csv", "-", "--json", "-")
    assert both.code == 2 and "give each its own file" in both.err
    helped = run(root, "export", "--help")
    assert helped.code == 0
    assert "--csv FILE" in helped.out and "/data/library.json" in helped.out and "formula" in helped.out


def test_drafts_are_exported_only_with_drafts_and_say_so(site, run):
    root = site(
        {"content/stories/lunch.md": story(), "content/stories/plan.md": story("Plan", extra="status: draft")}
    )
    assert [r["slug"] for r in rows_of(run(root, "export", "--csv", "-").out)] == ["lunch"]
    rows = rows_of(run(root, "export", "--drafts", "--csv", "-").out)
    assert sorted((r["slug"], r["status"]) for r in rows) == [("lunch", "published"), ("plan", "draft")]


def test_what_is_printed_is_the_data_alone_when_a_file_is_written_too(site, run):
    root = site({"content/stories/lunch.md": story()})
    result = run(root, "export", "--json", "-", "--csv", "stories.csv")
    assert result.code == 0
    assert json.loads(result.out)["stories"][0]["slug"] == "lunch"
    assert result.err == "wrote stories.csv\n"
