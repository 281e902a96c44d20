"""Reading YAML with the place of every key and value, and splitting a story file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import BuildFailed, Problem, error

try:  # the C loader is many times faster; the pure-Python one behaves the same
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader  # type: ignore[assignment]

Path = tuple[str | int, ...]

MAX_DEPTH = 64
MAX_VALUES = 20_000
FENCE = re.compile(r"---[ \t]*")
PLAIN_TAGS = {
    "tag:yaml.org,2002:str": "str",
    "tag:yaml.org,2002:timestamp": "str",
    "tag:yaml.org,2002:int": "int",
    "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:bool": "bool",
    "tag:yaml.org,2002:null": "null",
}
COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
HINTS = {
    "tab": "indent with spaces, not tabs",
    "mapping values are not allowed": "quote a value that contains ': '",
    "undefined alias": "quote a value that starts with '*'",
    "cannot start any token": "quote the value",
}


@dataclass(frozen=True)
class Spot:
    """A 1-based line and column in a file."""

    line: int
    column: int


@dataclass(frozen=True)
class Document:
    """Parsed YAML: plain values, with the place and source text of each."""

    path: str
    data: Any
    spots: dict[Path, Spot] = field(default_factory=dict)
    key_spots: dict[Path, Spot] = field(default_factory=dict)
    texts: dict[Path, str] = field(default_factory=dict)
    start: Spot = Spot(1, 1)

    def spot(self, *path: str | int) -> Spot:
        """Where the value at `path` is, else where its key or nearest parent is."""
        while path:
            found = self.spots.get(path) or self.key_spots.get(path)
            if found:
                return found
            path = path[:-1]
        return self.start

    def key_spot(self, *path: str | int) -> Spot:
        """Where the key naming the value at `path` is."""
        return self.key_spots.get(path) or self.spot(*path)

    def error(self, path: Path, message: str, hint: str = "") -> Problem:
        """An error at the value at `path`."""
        at = self.spot(*path)
        return error(self.path, at.line, at.column, message, hint)


@dataclass(frozen=True)
class StoryFile:
    """A story file split into its front matter and its Markdown body."""

    meta: Document
    body: str
    body_line: int


def decode(raw: bytes, path: str) -> str:
    """Text of a file as UTF-8 with LF line ends; an error names the first bad line."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise BuildFailed([error(path, line, column, "not UTF-8 text", "save the file as UTF-8")]) from None
    if "\x00" in text:
        at = text.index("\x00")
        line = text.count("\n", 0, at) + 1
        raise BuildFailed([error(path, line, 1, "not UTF-8 text: the file holds NUL bytes")])
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split(text: str, path: str) -> StoryFile:
    """Split a story into front matter (between `---` lines) and body."""
    lines = text.split("\n")
    if not text.strip():
        raise BuildFailed([error(path, 1, 1, "empty file", "a story starts with front matter")])
    if not FENCE.fullmatch(lines[0]):
        raise BuildFailed([error(path, 1, 1, "no front matter", "a story starts with a line '---'")])
    for number, line in enumerate(lines[1:], start=1):
        if FENCE.fullmatch(line) or line.rstrip() == "...":
            meta = parse("\n".join(lines[1:number]), path, first_line=2)
            return StoryFile(meta, "\n".join(lines[number + 1 :]), number + 2)
    raise BuildFailed([error(path, 1, 1, "front matter is never closed", "end it with a line '---'")])


def parse(text: str, path: str, first_line: int = 1) -> Document:
    """Parse YAML safely, keeping where each key and value is."""
    try:
        node = yaml.compose(text, Loader=SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise BuildFailed([_yaml_problem(exc, text, path, first_line)]) from None
    except yaml.YAMLError as exc:
        raise BuildFailed([error(path, first_line, 1, f"invalid YAML: {exc}")]) from None
    except RecursionError:
        raise BuildFailed([error(path, first_line, 1, "YAML nested too deeply")]) from None
    builder = _Builder(path, first_line - 1)
    if node is None:
        return Document(path, None, start=Spot(first_line, 1))
    data = builder.build(node, ())
    if builder.problems:
        raise BuildFailed(builder.problems)
    return Document(path, data, builder.spots, builder.key_spots, builder.texts, Spot(first_line, 1))


def _yaml_problem(exc: yaml.MarkedYAMLError, text: str, path: str, offset: int) -> Problem:
    """A YAML syntax error at its place in the file."""
    mark = exc.problem_mark or exc.context_mark
    line = (mark.line + offset) if mark else offset
    column = (mark.column + 1) if mark else 1
    message = exc.problem or exc.context or "invalid YAML"
    if "tab" not in message and mark and "\t" in text.split("\n")[mark.line][: mark.column + 1]:
        message = f"{message} (a tab character)"
    hint = next((h for k, h in HINTS.items() if k in message), "")
    return error(path, line, column, f"invalid YAML: {message}", hint)


class _Builder:
    """Turns a YAML node tree into plain values, recording places; one per parse."""

    def __init__(self, path: str, line_offset: int):
        self.path = path
        self.offset = line_offset
        self.count = 0
        self.problems: list[Problem] = []
        self.spots: dict[Path, Spot] = {}
        self.key_spots: dict[Path, Spot] = {}
        self.texts: dict[Path, str] = {}
        self.constructor = yaml.constructor.SafeConstructor()

    def spot(self, node: yaml.Node) -> Spot:
        """The 1-based place of a node in the file."""
        return Spot(node.start_mark.line + 1 + self.offset, node.start_mark.column + 1)

    def fail(self, node: yaml.Node, message: str, hint: str = "") -> None:
        """Record a problem at a node."""
        at = self.spot(node)
        self.problems.append(error(self.path, at.line, at.column, message, hint))

    def build(self, node: yaml.Node, path: Path) -> Any:
        """The plain value of a node."""
        self.count += 1
        if self.count > MAX_VALUES:
            if self.count == MAX_VALUES + 1:
                self.fail(node, f"more than {MAX_VALUES} values", "aliases repeat too much")
            return None
        if len(path) > MAX_DEPTH:
            if not self.problems:
                self.fail(node, f"nested more than {MAX_DEPTH} levels deep")
            return None
        self.spots[path] = self.spot(node)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        if node.tag not in COLLECTION_TAGS:
            self.fail(node, f"unsupported YAML tag {node.tag}", "remove the tag")
            return None
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.MappingNode)
        return self.mapping(node, path)

    def scalar(self, node: yaml.ScalarNode, path: Path) -> Any:
        """A scalar as str, int, float, bool or None (dates stay text)."""
        kind = PLAIN_TAGS.get(node.tag)
        if kind is None:
            self.fail(node, f"unsupported YAML tag {node.tag}", "remove the tag")
            return None
        self.texts[path] = node.value
        if kind == "str":
            return node.value
        if kind == "null":
            return None
        constructors = {
            "int": self.constructor.construct_yaml_int,
            "float": self.constructor.construct_yaml_float,
            "bool": self.constructor.construct_yaml_bool,
        }
        return constructors[kind](node)

    def mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        """A mapping with text keys; a repeated key is an error naming both lines."""
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                self.fail(key_node, "keys must be plain text")
                continue
            key = key_node.value
            if key in result or (*path, key) in self.key_spots:
                first = self.key_spots[(*path, key)]
                self.fail(key_node, f"duplicate key '{key}'", f"first given on line {first.line}")
                continue
            self.key_spots[(*path, key)] = self.spot(key_node)
            result[key] = self.build(value_node, (*path, key))
        return result


def text_at(doc: Document, path: Path, problems: list[Problem]) -> str | None:
    """The text at `path`; a number or yes/no where text belongs is an error."""
    value = _get(doc.data, path)
    if value is None or isinstance(value, str):
        return value.strip() if isinstance(value, str) else None
    name = ".".join(str(p) for p in path)
    if isinstance(value, bool | int | float):
        source = doc.texts.get(path, str(value))
        problems.append(
            doc.error(
                path,
                f"'{name}' must be text, but {source} reads as {type(value).__name__}",
                f'quote it: "{source}"',
            )
        )
    else:
        problems.append(doc.error(path, f"'{name}' must be text, not a {_kind(value)}"))
    return None


def list_at(doc: Document, path: Path, problems: list[Problem]) -> list[str]:
    """A list of text at `path`; a single text is read as a list of one."""
    value = _get(doc.data, path)
    if value is None:
        return []
    if isinstance(value, str):
        return [value.strip()]
    name = ".".join(str(p) for p in path)
    if not isinstance(value, list):
        problems.append(doc.error(path, f"'{name}' must be a list, not a {_kind(value)}"))
        return []
    items = [text_at(doc, (*path, i), problems) for i in range(len(value))]
    for i, item in enumerate(value):
        if item is None:
            problems.append(doc.error((*path, i), f"empty item in '{name}'"))
    return [item for item in items if item]


def _get(data: Any, path: Path) -> Any:
    """The value at a path of keys and indexes, or None."""
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def _kind(value: Any) -> str:
    """A reader's word for a YAML value's type."""
    names: dict[type, str] = {dict: "mapping", list: "list", str: "text"}
    return names.get(type(value), type(value).__name__)
