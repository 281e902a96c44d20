"""YAML that cannot be read, as located problems with a hint; values nested deeper than insole reads."""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

from .errors import Problem, error

MAX_DEPTH = 64
MAX_VALUES = 20_000
BLOCK_PREFIX = re.compile(r"^[ \t?-]+", re.MULTILINE)  # block collections opened at a line's start
HINTS = {
    "tab": "indent with spaces, not tabs",
    "mapping values are not allowed": "quote a value that contains ': '",
    "undefined alias": "quote a value that starts with '*'",
    "cannot start any token": "quote the value",
    "expected node content": "a value is missing, or a bracket is not closed",
    "block sequence entries are not allowed": "start the list on the next line, or write it as [a, b]",
    "did not find expected key": "write one 'key: value' a line, indented like its neighbours",
}
NO_SPACE = re.compile(r"\s*(- )?[A-Za-z_][\w-]*:[^\s/]")
QUOTE_HINT = 'a quote inside a quoted value ends it; quote with the other kind: "Kim\'s lunch"'
# Errors better shown where the unclosed thing starts: (message, hint) by YAML's context.
UNCLOSED = {
    "while scanning a quoted scalar": ("a quoted value is never closed", "end it with the same quote mark"),
    "while parsing a flow sequence": ("a list in [ ] is not closed", "put ',' between items, ']' last"),
    "while parsing a flow mapping": ("a mapping in { } is not closed", "put ',' between pairs, '}' last"),
}


def compose_problem(exc: Exception, text: str, path: str, first_line: int) -> Problem:
    """The problem PyYAML found in front matter, at its place when it has one."""
    if isinstance(exc, yaml.MarkedYAMLError):
        return _yaml_problem(exc, text, path, first_line)
    if isinstance(exc, RecursionError):
        return error(path, first_line, 1, "YAML nested too deeply")
    return error(path, first_line, 1, f"invalid YAML: {exc}")


def too_deep(text: str, path: str, first_line: int) -> Problem | None:
    """The error yamldoc's reader gives for the first value nested more than MAX_DEPTH levels, if one is read.

    Read with the pure-Python parser (libyaml's scanner reads ahead and stops at its own
    limit), and only as far as that reader would read values.
    """
    if not _may_nest_deeply(text):
        return None
    counts: list[int] = []  # for each open collection, the nodes begun in it (a mapping's keys too)
    mappings: list[bool] = []  # whether each open collection is a mapping
    try:
        for seen, event in enumerate(_node_events(text)):
            if isinstance(event, yaml.CollectionEndEvent):
                counts.pop()
                mappings.pop()
                continue
            is_key = bool(mappings) and mappings[-1] and counts[-1] % 2 == 0
            if counts:
                counts[-1] += 1
            if len(counts) > MAX_DEPTH and not is_key and event.start_mark:
                mark = event.start_mark
                return error(
                    path, mark.line + first_line, mark.column + 1, f"nested more than {MAX_DEPTH} levels deep"
                )
            if seen > MAX_VALUES:
                return None
            if isinstance(event, yaml.CollectionStartEvent):
                counts.append(0)
                mappings.append(isinstance(event, yaml.MappingStartEvent))
    except yaml.YAMLError:
        return None
    return None


def _may_nest_deeply(text: str) -> bool:
    """False when too few brackets and too short an indentation leave no room for MAX_DEPTH levels."""
    flow = text.count("[") + text.count("{")
    block = max((len(found) for found in BLOCK_PREFIX.findall(text)), default=0)
    return flow + block + 1 > MAX_DEPTH


def _node_events(text: str) -> Iterator[yaml.NodeEvent | yaml.CollectionEndEvent]:
    """The events of a YAML text that begin or end a node, read by the pure-Python parser."""
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.NodeEvent | yaml.CollectionEndEvent):
            yield event


def _yaml_problem(exc: yaml.MarkedYAMLError, text: str, path: str, offset: int) -> Problem:
    """A YAML syntax error at its place in the file."""
    problem = exc.problem or exc.context or "invalid YAML"
    unclosed = UNCLOSED.get(exc.context or "")
    start = exc.context_mark
    if unclosed and start and problem.startswith(("found unexpected end", "did not find")):
        return error(path, start.line + offset, start.column + 1, f"invalid YAML: {unclosed[0]}", unclosed[1])
    mark = exc.problem_mark or exc.context_mark
    line, column = _place(text, mark.line, mark.column, mark.index) if mark else (0, 0)
    if "tab" not in problem and "\t" in text.split("\n")[line][: column + 1]:
        problem = f"{problem} (a tab character)"
    hint = _hint(problem, text.split("\n"), line, column, offset)
    return error(path, line + offset, column + 1, f"invalid YAML: {problem}", hint)


def _hint(problem: str, lines: list[str], line: int, column: int, offset: int) -> str:
    """The likeliest fix for a YAML syntax error at a 0-based place in `lines`."""
    for number in (line - 1, line):
        if number >= 0 and NO_SPACE.match(lines[number]):
            return f"put a space after the colon on line {number + offset}"
    before = lines[line][:column]
    if "expected key" in problem and before.count('"') + before.count("'") >= 2:
        return QUOTE_HINT
    return next((hint for words, hint in HINTS.items() if words in problem), "")


def _place(text: str, line: int, column: int, index: int) -> tuple[int, int]:
    """A 0-based line and column in `text`; past the last text, the end of its last line."""
    if text[index:].strip() and line < text.count("\n") + 1:
        return line, column
    lines = text.rstrip().split("\n")
    return len(lines) - 1, len(lines[-1])
