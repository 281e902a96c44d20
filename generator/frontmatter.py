"""Splitting a story file: bytes to text, then front matter (read by yamldoc) and Markdown body."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import BuildFailed, error
from .yamldoc import Document, parse

FENCE = re.compile(r"---[ \t]*")


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
        before = raw[raw.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8")
        column = len(before) + 1
        raise BuildFailed([error(path, line, column, "not UTF-8 text", "save the file as UTF-8")]) from None
    if "\x00" in text:
        at = text.index("\x00")
        line = text.count("\n", 0, at) + 1
        column = at - text.rfind("\n", 0, at)
        raise BuildFailed([error(path, line, column, "not UTF-8 text: the file holds NUL bytes")])
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
