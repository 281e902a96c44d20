"""site.yaml: settings, the vocabulary and what is wrong with them, at their place in the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SITE_YAML

from insole.config import SiteConfig, build_config, load_config
from insole.errors import BuildFailed, Problem
from insole.yamldoc import parse

ROOT = Path("/sites/sample")


def config_of(text: str, output: Path | None = None) -> tuple[SiteConfig, list[Problem]]:
    """The configuration made from a site.yaml text, and its problems."""
    return build_config(parse(text, "site.yaml"), ROOT, output)


def places(problems: list[Problem]) -> list[tuple[int, int, str, str]]:
    """Each problem's line, column, severity and message."""
    return [(p.line, p.column, p.severity.value, p.message) for p in sorted(problems)]


def line_of(text: str, needle: str) -> int:
    """The 1-based number of the first line of a text holding `needle`."""
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


# --- settings -----------------------------------------------------------------------------


def test_sample_site_reads_without_problems():
    config, problems = config_of(SITE_YAML)
    assert problems == []
    assert (config.title, config.description, config.language) == (
        "Sample stories",
        "A small library for tests.",
        "en",
    )
    assert config.output == ROOT / "_site"
    assert config.content_dir == ROOT / "content"
    assert config.templates_dir == ROOT / "templates"
    assert config.allow_html is False


def test_empty_site_yaml_has_defaults():
    config, problems = config_of("")
    assert problems == []
    assert (config.title, config.language, config.base_url) == ("Customer stories", "en", "/")
    assert config.output == ROOT / "_site"
    assert config.vocabulary.needs == {}


def test_base_url_gets_a_trailing_slash_and_output_can_be_overridden():
    config, _ = config_of("base_url: /library\noutput: public\n", output=Path("/tmp/elsewhere"))
    assert config.base_url == "/library/"
    assert config.output == Path("/tmp/elsewhere")


def test_load_config_reads_the_file(tmp_path):
    (tmp_path / "site.yaml").write_text("title: Kundberättelser\nlanguage: sv\n", encoding="utf-8")
    config, problems = load_config(tmp_path)
    assert (config.title, config.language, config.root) == ("Kundberättelser", "sv", tmp_path)
    assert problems == []


def test_load_config_without_site_yaml(tmp_path):
    with pytest.raises(BuildFailed) as failed:
        load_config(tmp_path)
    assert "no site.yaml" in failed.value.problems[0].message


def test_load_config_with_broken_bytes_or_yaml(tmp_path):
    (tmp_path / "site.yaml").write_bytes("title: Kundberättelser\n".encode("latin-1"))
    with pytest.raises(BuildFailed) as failed:
        load_config(tmp_path)
    assert (failed.value.problems[0].line, failed.value.problems[0].message) == (1, "not UTF-8 text")
    (tmp_path / "site.yaml").write_text("title: a: b\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        load_config(tmp_path)
    assert failed.value.problems[0].message.startswith("invalid YAML")


def test_site_yaml_that_is_a_list_is_refused():
    with pytest.raises(BuildFailed) as failed:
        config_of("- title\n- language\n")
    assert "must be a mapping of settings" in failed.value.problems[0].message


def test_unknown_setting_is_a_warning_with_did_you_mean():
    _, problems = config_of("title: x\nlanguag: sv\nneed: {}\n")
    assert places(problems) == [
        (2, 1, "warning", "unknown setting 'languag'"),
        (3, 1, "warning", "unknown setting 'need'"),
    ]
    assert [p.hint for p in sorted(problems)] == ["did you mean 'language'?", "did you mean 'needs'?"]


def test_bad_language_is_an_error_returned_with_a_usable_default():
    config, problems = config_of("title: x\nlanguage: fr\n")
    assert places(problems) == [(2, 11, "error", "unknown language 'fr'")]
    assert problems[0].hint == "choose one of en, sv, da"
    assert config.language == "en"


def test_settings_of_the_wrong_type():
    _, problems = config_of("title: [a, b]\nallow_html: maybe\noutput: 3\n")
    assert places(problems) == [
        (1, 8, "error", "'title' must be text, not a list"),
        (2, 13, "error", "'allow_html' must be true or false"),
        (3, 9, "error", "'output' must be text, but 3 reads as int"),
    ]


# --- the vocabulary -----------------------------------------------------------------------


def test_shorthand_and_full_terms():
    vocabulary = config_of(SITE_YAML)[0].vocabulary
    shorthand = vocabulary.processes["assembly-instructions"]
    assert (shorthand.grouping, shorthand.slug, shorthand.title, shorthand.description, shorthand.kind) == (
        "processes",
        "assembly-instructions",
        "Assembly instructions",
        "",
        "",
    )
    full = vocabulary.needs["assemble-without-help"]
    assert (full.title, full.kind) == ("Assemble furniture without help", "achieve")
    flow = vocabulary.needs["second-trip"]
    assert (flow.title, flow.kind) == ("A second trip to the store", "avoid")
    assert vocabulary.grouping("sources")["home-visit"].title == "Home visit"


def test_processes_keep_the_journeys_order():
    vocabulary = config_of(SITE_YAML)[0].vocabulary
    assert list(vocabulary.processes) == ["delivery", "assembly-instructions", "support"]


def test_descriptions_are_rendered_as_markdown():
    vocabulary = config_of(SITE_YAML)[0].vocabulary
    html = vocabulary.needs["assemble-without-help"].description
    assert html == "<p>Customers want the <em>wardrobe</em> standing the same evening.</p>\n"


def test_descriptions_do_not_pass_raw_html():
    config, _ = config_of("needs:\n  a:\n    title: A\n    description: <b>bold</b>\n")
    assert config.vocabulary.needs["a"].description == "<p>&lt;b&gt;bold&lt;/b&gt;</p>\n"


def test_unsafe_link_in_a_description_warns_at_its_place():
    text = "processes:\n  delivery:\n    title: Delivery\n    description: See [it](javascript:x).\n"
    config, problems = config_of(text)
    assert places(problems) == [(4, 27, "warning", "link with a 'javascript:' address left out")]
    assert "javascript" not in config.vocabulary.processes["delivery"].description


def test_problems_in_a_block_description_point_at_their_line():
    text = (
        "needs:\n"
        "  a:\n"
        "    title: A\n"
        "    description: |\n"
        "      First paragraph.\n"
        "\n"
        "      ![](photo.jpg) and [x](vbscript:y)\n"
    )
    _, problems = config_of(text)
    assert places(problems) == [
        (7, 11, "warning", "image 'photo.jpg' has no alt text"),
        (7, 30, "warning", "link with a 'vbscript:' address left out"),
    ]


def test_unknown_key_in_a_term_is_a_warning():
    _, problems = config_of(
        "needs:\n  a:\n    title: A\n    kidn: avoid\nprocesses:\n  b: {title: B, kind: x}\n"
    )
    assert places(problems) == [
        (4, 5, "warning", "unknown key 'kidn' in needs 'a'"),
        (6, 17, "warning", "unknown key 'kind' in processes 'b'"),
    ]
    assert sorted(problems)[0].hint == "did you mean 'kind'?"


def test_bad_kind_is_an_error():
    _, problems = config_of("needs:\n  a: {title: A, kind: avoided}\n")
    assert places(problems) == [(2, 23, "error", "unknown kind 'avoided'")]
    assert problems[0].hint == "use achieve or avoid"


def test_term_without_title_is_an_error_but_stays_declared():
    config, problems = config_of("processes:\n  support:\n    description: Helping.\n")
    assert places(problems) == [(3, 5, "error", "processes 'support' has no title")]
    assert config.vocabulary.processes["support"].title == "support"


def test_term_title_that_reads_as_yes_says_to_quote_it():
    _, problems = config_of("sources:\n  survey: yes\n")
    assert places(problems) == [(2, 11, "error", "'sources.survey' must be text, but yes reads as bool")]
    assert problems[0].hint == 'quote it: "yes"'


def test_bad_term_slug_is_an_error():
    config, problems = config_of("needs:\n  Second Trip: A second trip\n")
    assert places(problems) == [(2, 3, "error", "'Second Trip' is not a valid slug")]
    assert config.vocabulary.needs == {}


def test_grouping_that_is_not_a_mapping():
    _, problems = config_of("processes: [delivery, support]\n")
    assert places(problems) == [(1, 12, "error", "'processes' must map each term's slug to its title")]


def test_all_config_problems_come_back_together():
    text = SITE_YAML.replace("language: en", "language: no").replace("kind: avoid", "kind: maybe")
    _, problems = config_of(text)
    assert [p.line for p in sorted(problems)] == [line_of(text, "language"), line_of(text, "kind: maybe")]
