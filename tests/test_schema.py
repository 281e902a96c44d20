"""The JSON Schema for editors: it accepts every example story and rejects an undeclared term."""

from __future__ import annotations

import json

import pytest
from conftest import REPO, story
from jsonschema import Draft202012Validator

from insole.config import load_config
from insole.frontmatter import decode, split
from insole.schema import DRAFT, story_schema
from insole.storyfields import KEYS
from insole.storyfiles import find_story_files


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    """A validator for the example library's schema, itself checked against draft 2020-12."""
    config, _ = load_config(REPO)
    schema = story_schema(config)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def front_matter(text: str) -> object:
    """A story's front matter as insole reads it (dates stay text, as in an editor)."""
    return split(decode(text.encode("utf-8"), "story.md"), "story.md").meta.data


def errors(validator: Draft202012Validator, text: str) -> list[str]:
    """What the schema says is wrong with a story's front matter."""
    return [e.message for e in validator.iter_errors(front_matter(text))]


def test_every_example_story_meets_the_schema(validator):
    paths = [path for path, _ in find_story_files(REPO / "content")]
    assert len(paths) >= 15
    for path in paths:
        assert errors(validator, path.read_text(encoding="utf-8")) == [], path


def test_an_undeclared_term_fails(validator):
    assert errors(validator, story(needs="[assemble-without-help]", processes="[delivery]")) == []
    for wrong in (
        story(needs="[assemble-without-hlp]", processes="[delivery]"),
        story(processes="[deliveries]"),
        story(extra="source: phone"),
        story(extra="co_creation:\n  - {opportunity: instruction-testing, mode: live}"),
        story(extra="co_creation:\n  - {opportunity: testing, mode: synchronous}"),
    ):
        assert errors(validator, wrong), wrong


def test_missing_keys_and_unknown_keys_fail(validator):
    assert errors(validator, "---\ntitle: Only a title\n---\n")
    assert errors(validator, story(extra="sumary: a typo"))
    assert errors(validator, story(date="14 March 2024"))


def test_the_schema_knows_every_front_matter_key_and_the_vocabulary():
    config, _ = load_config(REPO)
    schema = story_schema(config)
    assert schema["$schema"] == DRAFT
    assert set(schema["properties"]) == set(KEYS) | {grouping.key for grouping in config.vocabulary.extra}
    assert schema["properties"]["needs"]["items"]["enum"] == list(config.vocabulary.needs)
    assert schema["properties"]["processes"]["items"]["enum"] == list(config.vocabulary.processes)
    assert schema["properties"]["source"]["enum"] == list(config.vocabulary.sources)
    entry = schema["properties"]["co_creation"]["items"]
    assert entry["properties"]["opportunity"]["enum"] == list(config.vocabulary.co_creation)
    assert entry["properties"]["mode"]["enum"] == ["synchronous", "asynchronous"]


def test_insole_schema_prints_it_or_writes_a_file(site, run):
    root = site({"content/stories/a.md": story()})
    printed = run(root, "schema")
    assert printed.code == 0
    schema = json.loads(printed.out)
    assert schema["properties"]["needs"]["items"]["enum"] == [
        "assemble-without-help",
        "second-trip",
        "stay-healthy",
    ]
    written = run(root, "schema", "--output", ".vscode/story.schema.json")
    assert written.code == 0
    assert json.loads((root / ".vscode/story.schema.json").read_text(encoding="utf-8")) == schema


def test_a_grouping_without_terms_accepts_any_text(site):
    root = site({}, site_yaml="title: Empty\n")
    config, _ = load_config(root)
    validator = Draft202012Validator(story_schema(config))
    assert errors(validator, story(extra="source: anything")) == []


def test_schema_of_a_broken_site_yaml_is_an_error(site, run):
    result = run(site({}, site_yaml="title: [\n"), "schema")
    assert result.code == 1
    assert "site.yaml:" in result.err
