"""Reading story files: bytes to text, front matter and body, YAML with the place of everything."""

from __future__ import annotations

import pytest
import yaml

from insole import yamldoc
from insole.errors import BuildFailed, Problem
from insole.frontmatter import decode, split
from insole.yamldoc import Spot, list_at, parse, text_at

PATH = "content/stories/a.md"


def failure(call, *args, **kwargs) -> Problem:
    """The single problem a call fails with."""
    with pytest.raises(BuildFailed) as failed:
        call(*args, **kwargs)
    assert len(failed.value.problems) == 1, failed.value.problems
    return failed.value.problems[0]


# --- decode -------------------------------------------------------------------------------


def test_decode_turns_crlf_and_cr_into_lf():
    assert decode(b"a\r\nb\rc\n", PATH) == "a\nb\nc\n"


def test_decode_drops_a_byte_order_mark():
    assert decode(b"\xef\xbb\xbf---\n", PATH) == "---\n"


def test_decode_latin1_names_line_and_column():
    problem = failure(decode, "---\ntitle: Sjöbo\n".encode("latin-1"), PATH)
    assert (problem.line, problem.column) == (2, 10)
    assert problem.message == "not UTF-8 text"
    assert problem.hint == "save the file as UTF-8"


def test_decode_column_counts_characters_not_bytes():
    raw = "title: Åsa ".encode() + "ø".encode("latin-1")
    problem = failure(decode, raw, PATH)
    assert (problem.line, problem.column) == (1, 12)


def test_decode_nul_bytes():
    problem = failure(decode, b"---\nab\x00c\n", PATH)
    assert (problem.line, problem.column) == (2, 3)
    assert problem.message.startswith("not UTF-8 text")


# --- split --------------------------------------------------------------------------------


def test_split_front_matter_and_body():
    parts = split("---\ntitle: Lunch\ndate: 2024-03-14\n---\nFirst line\n\nSecond\n", PATH)
    assert parts.meta.data == {"title": "Lunch", "date": "2024-03-14"}
    assert parts.body == "First line\n\nSecond\n"
    assert parts.body_line == 5


def test_split_keeps_horizontal_rules_in_the_body():
    parts = split("---\ntitle: x\n---\nabove\n\n---\n\nbelow\n", PATH)
    assert parts.body == "above\n\n---\n\nbelow\n"


def test_split_accepts_dots_and_trailing_spaces_on_fences():
    parts = split("---  \ntitle: x\n...\nbody\n", PATH)
    assert parts.meta.data == {"title": "x"}
    assert (parts.body, parts.body_line) == ("body\n", 4)


def test_split_empty_front_matter_is_none():
    parts = split("---\n---\nbody\n", PATH)
    assert parts.meta.data is None
    assert parts.meta.start == Spot(2, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("  \n\n", "empty file"),
        ("title: x\n---\nbody\n", "no front matter"),
        ("\n---\ntitle: x\n---\n", "no front matter"),
        ("---\ntitle: x\nbody\n", "front matter is never closed"),
    ],
)
def test_split_refuses_files_without_closed_front_matter(text, message):
    problem = failure(split, text, PATH)
    assert (problem.path, problem.line, problem.column) == (PATH, 1, 1)
    assert problem.message == message
    assert problem.hint


# --- parse: places ------------------------------------------------------------------------

YAML = """\
title: Lunch
needs: [assemble-without-help, second-trip]
co_creation:
  - opportunity: home-panel
    mode: asynchronous
quoted: "text in quotes"
block: |
    Line one

    Line three
"""


def test_parse_places_keys_and_values_in_file_lines():
    doc = parse(YAML, PATH, first_line=2)
    assert doc.key_spot("title") == Spot(2, 1)
    assert doc.spot("title") == Spot(2, 8)
    assert doc.spot("needs", 0) == Spot(3, 9)
    assert doc.spot("needs", 1) == Spot(3, 32)
    assert doc.spot("co_creation", 0) == Spot(5, 5)
    assert doc.key_spot("co_creation", 0, "mode") == Spot(6, 5)
    assert doc.spot("co_creation", 0, "mode") == Spot(6, 11)


def test_parse_falls_back_to_the_nearest_known_place():
    doc = parse(YAML, PATH, first_line=2)
    assert doc.spot("needs", 7) == doc.spot("needs")
    assert doc.spot("missing") == Spot(2, 1)
    assert doc.key_spot("needs", 1) == doc.spot("needs", 1)


def test_parse_text_spot_is_inside_quotes_and_below_a_block_indicator():
    doc = parse(YAML, PATH, first_line=2)
    assert doc.spot("quoted") == Spot(7, 9)
    assert doc.text_spot("quoted") == Spot(7, 10)
    assert doc.spot("block") == Spot(8, 8)
    assert doc.text_spot("block") == Spot(9, 5)
    assert doc.text_spot("title") == doc.spot("title")


def test_parse_keeps_dates_and_source_text():
    doc = parse("date: 2024-03-14\ncount: 0x10\nflag: Yes\n", PATH)
    assert doc.data == {"date": "2024-03-14", "count": 16, "flag": True}
    assert doc.text(("flag",)) == "Yes"
    assert doc.text(("count",)) == "0x10"


def test_parse_empty_text_is_none():
    assert parse("", PATH).data is None
    assert parse("# only a comment\n", PATH).data is None


# --- parse: refusals ----------------------------------------------------------------------


def test_parse_duplicate_key_names_both_lines():
    problem = failure(parse, "title: a\nneeds: []\ntitle: b\n", PATH, first_line=2)
    assert (problem.line, problem.column) == (4, 1)
    assert problem.message == "duplicate key 'title'"
    assert problem.hint == "first given on line 2"


def test_parse_duplicate_key_in_a_nested_mapping():
    problem = failure(parse, "co:\n  - a: 1\n    a: 2\n", PATH)
    assert (problem.line, problem.column) == (3, 5)


@pytest.mark.parametrize(
    "text",
    [
        "x: !!python/object/apply:os.system ['echo hi']\n",
        "x: !!python/name:os.system\n",
        "x: !!python/object/new:dict {}\n",
        "x: !custom 1\n",
        "x: !!binary aGVsbG8=\n",
        "x: !!set {a, b}\n",
    ],
)
def test_parse_refuses_tags(text):
    problem = failure(parse, text, PATH)
    assert problem.message.startswith("unsupported YAML tag")
    assert (problem.line, problem.column) == (1, 4)


def test_parse_refuses_merge_keys_and_complex_keys():
    assert failure(parse, "a: &a {b: 1}\nc:\n  <<: *a\n", PATH).message == "keys must be plain text"
    assert failure(parse, "? [a, b]\n: c\n", PATH).message == "keys must be plain text"


def test_parse_alias_bomb_is_cut_short():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for name, previous in zip("bcdefghij", "abcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    problem = failure(parse, "\n".join(lines), PATH)
    assert "more than" in problem.message
    assert problem.hint == "aliases repeat too much"


def test_parse_deep_nesting_is_refused():
    problem = failure(parse, "x: " + "[" * 500 + "]" * 500, PATH)
    assert "nested more than" in problem.message


DEEP = {
    "flow lists": ("title: x\nx: " + "[" * 1500 + "]" * 1500, (2, 68)),
    "unclosed flow lists": ("x: " + "[" * 1500, (1, 68)),
    "flow mappings": ("x: " + "{a: " * 1500 + "}" * 1500, (1, 260)),
    "block mappings": (
        "x:\n" + "".join(" " * i + "k:\n" for i in range(1, 1500)) + " " * 1500 + "v",
        (66, 66),
    ),
    "block lists": ("x:\n" + "".join(" " * i + "-\n" for i in range(1, 1500)), (66, 66)),
}


@pytest.mark.parametrize("loader", ["C", "pure Python"])
@pytest.mark.parametrize("name", sorted(DEEP))
def test_parse_deep_nesting_gives_the_same_error_whatever_yaml_reads_it(name, loader, monkeypatch):
    # libyaml stops at its own depth in PyYAML 6.0.4 and not before; the pure-Python composer
    # runs out of Python's recursion.
    if loader == "pure Python":
        monkeypatch.setattr(yamldoc, "SafeLoader", yaml.SafeLoader)
    text, (line, column) = DEEP[name]
    problem = failure(parse, text, PATH, first_line=2)
    assert str(problem) == f"{PATH}:{line + 1}:{column}: error: nested more than 64 levels deep"


def test_parse_small_aliases_are_fine():
    doc = parse("base: &b [delivery]\nprocesses: *b\n", PATH)
    assert doc.data["processes"] == ["delivery"]


@pytest.mark.parametrize(
    ("text", "line", "column", "words", "hint"),
    [
        (
            "title: Lunch: at noon\n",
            2,
            13,
            "mapping values are not allowed",
            "quote a value that contains ': '",
        ),
        ("needs:\n\t- a\n", 3, 1, "tab character", "indent with spaces, not tabs"),
        (
            'title: "Lunch\nneeds: []\n',
            2,
            8,
            "a quoted value is never closed",
            "end it with the same quote mark",
        ),
        (
            "needs: [a, b\nprocesses: []\n",
            2,
            8,
            "a list in [ ] is not closed",
            "put ',' between items, ']' last",
        ),
        ("needs: {a: 1\n", 2, 8, "a mapping in { } is not closed", "put ',' between pairs, '}' last"),
        ("title: *lunch\n", 2, 8, "undefined alias", "quote a value that starts with '*'"),
        ("title: @lunch\n", 2, 8, "cannot start any token", "quote the value"),
        ("title: a\n  b: c\n", 3, 4, "mapping values are not allowed", "quote a value that contains ': '"),
        ("title: [\n", 2, 9, "expected node content", "a value is missing, or a bracket is not closed"),
        (
            "title: 'Kim's lunch'\n",
            2,
            13,
            "did not find expected key",
            "a quote inside a quoted value ends it",
        ),
        ("title:Lunch\ndate: x\n", 3, 5, "mapping values", "put a space after the colon on line 2"),
        ("needs: - a\n", 2, 8, "block sequence entries", "start the list on the next line"),
    ],
)
def test_parse_syntax_errors_point_at_the_file_line_with_a_hint(text, line, column, words, hint):
    problem = failure(parse, text, PATH, first_line=2)
    assert (problem.path, problem.line, problem.column) == (PATH, line, column)
    assert problem.message.startswith("invalid YAML: ")
    assert words in problem.message
    assert problem.hint.startswith(hint)


def test_split_syntax_error_is_counted_from_the_top_of_the_file():
    problem = failure(split, "---\ntitle: a\ncustomer: Families: first home\n---\n", PATH)
    assert (problem.line, problem.column) == (3, 19)


# --- text_at and list_at ------------------------------------------------------------------


def test_text_at_strips_and_reads_missing_as_none():
    doc = parse("title: '  Lunch  '\n", PATH)
    problems: list[Problem] = []
    assert text_at(doc, ("title",), problems) == "Lunch"
    assert text_at(doc, ("customer",), problems) is None
    assert problems == []


@pytest.mark.parametrize(
    ("value", "message", "hint"),
    [
        ("NO", "'title' must be text, but NO reads as bool", 'quote it: "NO"'),
        ("on", "'title' must be text, but on reads as bool", 'quote it: "on"'),
        ("1.0", "'title' must be text, but 1.0 reads as float", 'quote it: "1.0"'),
        ("[a]", "'title' must be text, not a list", ""),
        ("{a: b}", "'title' must be text, not a mapping", ""),
    ],
)
def test_text_at_refuses_values_that_are_not_text(value, message, hint):
    doc = parse(f"title: {value}\n", PATH, first_line=2)
    problems: list[Problem] = []
    assert text_at(doc, ("title",), problems) is None
    assert [(p.line, p.column, p.message, p.hint) for p in problems] == [(2, 8, message, hint)]


def test_list_at_reads_one_text_as_a_list_of_one():
    doc = parse("needs: second-trip\n", PATH)
    assert list_at(doc, ("needs",), []) == ["second-trip"]


def test_list_at_reports_bad_items_at_their_place():
    doc = parse("needs:\n  - a\n  -\n  - 3\n  - ''\n", PATH)
    problems: list[Problem] = []
    assert list_at(doc, ("needs",), problems) == ["a"]
    assert sorted((p.line, p.message) for p in problems) == [
        (3, "empty item in 'needs'"),
        (4, "'needs.2' must be text, but 3 reads as int"),
        (5, "empty item in 'needs'"),
    ]


def test_list_at_refuses_a_mapping():
    doc = parse("needs: {a: b}\n", PATH)
    problems: list[Problem] = []
    assert list_at(doc, ("needs",), problems) == []
    assert problems[0].message == "'needs' must be a list, not a mapping"
