"""YAML read safely into plain values, with the place of every key and value, and typed reading of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import BuildFailed, Problem, error, warning
from .yamlerrors import MAX_DEPTH, MAX_VALUES, compose_problem, too_deep

try:  # the C loader is many times faster; the pure-Python one behaves the same
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader  # type: ignore[assignment]

KeyPath = tuple[str | int, ...]

PLAIN_TAGS = {
    "tag:yaml.org,2002:str": "str",
    "tag:yaml.org,2002:timestamp": "str",
    "tag:yaml.org,2002:int": "int",
    "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:bool": "bool",
    "tag:yaml.org,2002:null": "null",
}
COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


@dataclass(frozen=True)
class Spot:
    """A 1-based line and column in a file."""

    line: int
    column: int


@dataclass(frozen=True)
class Document:
    """Parsed YAML: plain values, with the node each came from, which knows its place and text."""

    path: str
    data: Any
    nodes: dict[KeyPath, yaml.Node] = field(default_factory=dict)  # each value's node
    key_nodes: dict[KeyPath, yaml.Node] = field(default_factory=dict)  # each mapping key's node
    start: Spot = Spot(1, 1)
    source: str = ""  # the YAML text, which starts on line start.line of the file

    def spot(self, *path: str | int) -> Spot:
        """Where the value at `path` is, else where its key or nearest parent is."""
        while path:
            found = self.nodes.get(path) or self.key_nodes.get(path)
            if found:
                return self._at(found)
            path = path[:-1]
        return self.start

    def text(self, path: KeyPath) -> str | None:
        """The text of the scalar at `path` as written (`Yes` for a true), or None."""
        node = self.nodes.get(path)
        return node.value if isinstance(node, yaml.ScalarNode) else None

    def text_spot(self, *path: str | int) -> Spot:
        """Where the first character of the text at `path` is (inside quotes, below a `|`)."""
        node = self.nodes.get(path)
        if not isinstance(node, yaml.ScalarNode):
            return self.spot(*path)
        at = self._at(node)
        if node.style in ("'", '"'):
            return Spot(at.line, at.column + 1)
        if node.style not in ("|", ">"):
            return at
        below = self.source.split("\n")[node.start_mark.line + 1 : node.end_mark.line + 1]
        first = next((t for t in below if t.strip()), "")
        return Spot(at.line + 1, len(first) - len(first.lstrip(" ")) + 1)

    def key_spot(self, *path: str | int) -> Spot:
        """Where the key naming the value at `path` is."""
        node = self.key_nodes.get(path)
        return self._at(node) if node else self.spot(*path)

    def error(self, path: KeyPath, message: str, hint: str = "") -> Problem:
        """An error at the value at `path`."""
        at = self.spot(*path)
        return error(self.path, at.line, at.column, message, hint)

    def _at(self, node: yaml.Node) -> Spot:
        """The 1-based place of a node in the file."""
        return Spot(node.start_mark.line + self.start.line, node.start_mark.column + 1)


def parse(text: str, path: str, first_line: int = 1) -> Document:
    """Parse YAML safely, keeping where each key and value is."""
    try:
        node = yaml.compose(text, Loader=SafeLoader)
    except (yaml.YAMLError, RecursionError) as exc:
        # PyYAML's own limits (libyaml's nesting depth, Python's recursion) vary by version
        # and build, so a value nested deeper than ours is reported as ours first.
        raise BuildFailed(
            [too_deep(text, path, first_line) or compose_problem(exc, text, path, first_line)]
        ) from None
    start = Spot(first_line, 1)
    if node is None:
        return Document(path, None, start=start)
    builder = _Builder(path, first_line - 1)
    data = builder.build(node, ())
    if builder.problems:
        raise BuildFailed(builder.problems)
    return Document(path, data, builder.nodes, builder.key_nodes, start, text)


class _Builder:
    """Turns a YAML node tree into plain values, keeping each value's node; one per parse."""

    def __init__(self, path: str, line_offset: int):
        self.path = path
        self.offset = line_offset
        self.count = 0
        self.problems: list[Problem] = []
        self.nodes: dict[KeyPath, yaml.Node] = {}
        self.key_nodes: dict[KeyPath, yaml.Node] = {}

    def fail(self, node: yaml.Node, message: str, hint: str = "") -> None:
        """Record a problem at a node."""
        line, column = node.start_mark.line + 1 + self.offset, node.start_mark.column + 1
        self.problems.append(error(self.path, line, column, message, hint))

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
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
        self.nodes[path] = node
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if node.tag not in COLLECTION_TAGS:
            self.fail(node, f"unsupported YAML tag {node.tag}", "remove the tag")
            return None
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.MappingNode)
        return self.mapping(node, path)

    def scalar(self, node: yaml.ScalarNode) -> Any:
        """A scalar as str, int, float, bool or None (dates stay text)."""
        kind = PLAIN_TAGS.get(node.tag)
        if kind == "str":
            return node.value
        if kind is None:
            self.fail(node, f"unsupported YAML tag {node.tag}", "remove the tag")
            return None
        if kind == "null":
            return None
        constructor = yaml.constructor.SafeConstructor()
        constructors = {
            "int": constructor.construct_yaml_int,
            "float": constructor.construct_yaml_float,
            "bool": constructor.construct_yaml_bool,
        }
        return constructors[kind](node)

    def mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, Any]:
        """A mapping with text keys; a repeated key is an error naming both lines."""
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                self.fail(key_node, "keys must be plain text")
                continue
            key = key_node.value
            at = (*path, key)
            first = self.key_nodes.get(at)
            if first is not None:
                line = first.start_mark.line + 1 + self.offset
                self.fail(key_node, f"duplicate key '{key}'", f"first given on line {line}")
                continue
            self.key_nodes[at] = key_node
            result[key] = self.build(value_node, at)
        return result


def text_at(doc: Document, path: KeyPath, problems: list[Problem]) -> str | None:
    """The text at `path`; a number or yes/no where text belongs is an error."""
    value = _get(doc.data, path)
    if value is None or isinstance(value, str):
        return value.strip() if isinstance(value, str) else None
    name = ".".join(str(p) for p in path)
    if isinstance(value, bool | int | float):
        source = doc.text(path) or str(value)
        problems.append(
            doc.error(
                path,
                f"'{name}' must be text, but {source} reads as {type(value).__name__}",
                f'quote it: "{source}"',
            )
        )
    else:
        problems.append(doc.error(path, f"'{name}' must be text, not {kind_name(value)}"))
    return None


def list_at(doc: Document, path: KeyPath, problems: list[Problem]) -> list[str]:
    """A list of text at `path`; a single text is read as a list of one."""
    value = _get(doc.data, path)
    if value is None:
        return []
    name = ".".join(str(p) for p in path)
    if isinstance(value, str):
        at = doc.spot(*path)
        problems.append(
            warning(
                doc.path,
                at.line,
                at.column,
                f"'{name}' is a list; '{value.strip()}' is read as one item",
                f"write {name}: [{value.strip()}]",
            )
        )
        return [value.strip()]
    if not isinstance(value, list):
        problems.append(doc.error(path, f"'{name}' must be a list, not {kind_name(value)}"))
        return []
    items = [text_at(doc, (*path, i), problems) for i in range(len(value))]
    for i, item in enumerate(value):
        if item is None or (isinstance(item, str) and not item.strip()):
            problems.append(doc.error((*path, i), f"empty item in '{name}'"))
    return [item for item in items if item]


def _get(data: Any, path: KeyPath) -> Any:
    """The value at a path of keys and indexes, or None."""
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def kind_name(value: Any) -> str:
    """A reader's word for a YAML value's type."""
    names: dict[type, str] = {dict: "a mapping", list: "a list", str: "text", type(None): "nothing"}
    return names.get(type(value), f"a {type(value).__name__}")
