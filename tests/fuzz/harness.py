"""One story file's bytes through front matter, checks and Markdown: problems, never a crash."""

from __future__ import annotations

from pathlib import Path

from insole.config import build_config
from insole.content import read_story
from insole.errors import Problem
from insole.markup import make_markdown
from insole.story import Story
from insole.storyfiles import Source
from insole.yamldoc import parse

SITE = """\
needs: {assemble-without-help: {title: Assemble, kind: achieve}, second-trip: Second trip}
processes: {delivery: Delivery, support: Support}
co_creation: {instruction-testing: Testing instructions}
sources: {support-call: Support call}
"""
PATH = Path("content/stories/fuzzed.md")


class Harness:
    """A site configuration and Markdown engine, made once and used for every input."""

    def __init__(self) -> None:
        self.config, _ = build_config(parse(SITE, "site.yaml"), Path("."))
        self.md = make_markdown()

    def run(self, data: bytes) -> tuple[Story | None, list[Problem]]:
        """Read one story file's bytes; every problem must have a place in the file."""
        story, found, _, _ = read_story(Source(PATH, None, str(PATH), data, ()), self.config, self.md)
        problems = list(found)
        lines = data.count(b"\n") + 1 + data.count(b"\r")
        for problem in problems:
            assert problem.path == str(PATH), problem
            assert 1 <= problem.line <= lines + 1, (problem, lines)
            assert problem.column >= 1, problem
            assert problem.message, problem
        if story is None:
            assert any(p.is_error for p in problems), "a story left out without an error"
        return story, problems
