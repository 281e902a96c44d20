"""Checking that every link and image inside a rendered site leads somewhere."""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import Problem, error
from .pages import story_url
from .story import Story

# Markdown writes a link or an image the one way: its address is the first attribute.
BODY_LINK = re.compile(r'<(?:a href|img src)="([^"]*)"')
LINK_ATTRIBUTES = {("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"), ("source", "src")}


@dataclass(frozen=True)
class BrokenLink:
    """A link on a page that leads to no file of the site."""

    page: str
    target: str


class _Links(HTMLParser):
    """Collects the link targets and element ids of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.targets: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if (tag, name) in LINK_ATTRIBUTES:
                self.targets.append(value)
            elif name == "id":
                self.ids.add(value)


def page_links(html: str) -> tuple[list[str], set[str]]:
    """The link targets and the ids of a page."""
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser.targets, parser.ids


def resolve(page: str, target: str) -> tuple[str, str] | None:
    """The site path and fragment a relative link leads to, or None if it leaves the site."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("/"):
        return None
    base = posixpath.dirname(page)
    path = posixpath.normpath(posixpath.join(base, unquote(parts.path))) if parts.path else page
    if path.startswith(".."):
        return ("..", "")
    if path == ".":
        path = ""
    if parts.path.endswith("/") or path == "":
        path = posixpath.join(path, "index.html")
    return path, parts.fragment


def broken_links(pages: Iterable[tuple[str, bytes]], files: Iterable[str]) -> list[BrokenLink]:
    """Every relative link of the HTML pages that leads to no file or no anchor of the site."""
    known = set(files)
    targets: dict[str, list[str]] = {}
    ids: dict[str, set[str]] = {}
    for path, data in pages:
        known.add(path)
        if path.endswith(".html") and path != "404.html":
            targets[path], ids[path] = page_links(data.decode("utf-8"))
    broken = []
    for page, links in targets.items():
        for target in links:
            found = resolve(page, target)
            if found is None:
                continue
            path, fragment = found
            if path not in known or (fragment and path in ids and fragment not in ids[path]):
                broken.append(BrokenLink(page, target))
    return broken


def body_links(story: Story, body: str) -> Iterator[tuple[str, str]]:
    """The story page's path and each link or image address in the story's body (its HTML)."""
    page = story_url(story.slug) + "index.html"
    for target in BODY_LINK.findall(body):
        yield page, html.unescape(target)


def broken_body_links(
    stories: Iterable[Story], bodies: Mapping[str, str], files: Iterable[str]
) -> list[Problem]:
    """An error, at its Markdown line, for each relative link of a story's body to no file of the site.

    Anchors inside pages are left to `insole check`, which renders every page to know them.
    """
    known = set(files)
    problems = []
    for story in stories:
        for page, target in body_links(story, bodies[story.slug]):
            found = resolve(page, target)
            if found is not None and found[0] not in known:
                problems.append(link_problem(story, target))
    return problems


def link_problem(story: Story, target: str) -> Problem:
    """The error for a link of a story's body that leads nowhere, where the story's file has it."""
    line, column = 1, 1
    try:
        lines = Path(story.source_path).read_text(encoding="utf-8", errors="replace").split("\n")
    except OSError:
        lines = []
    for needle in dict.fromkeys((target, unquote(target))):
        found = next(((n, text.find(needle)) for n, text in enumerate(lines) if needle in text), None)
        if found:
            line, column = found[0] + 1, found[1] + 1
            break
    else:  # written with entities, such as &#x09;: the line is known, the column less so
        written = unquote(target)
        line = next((n + 1 for n, text in enumerate(lines) if written in html.unescape(text)), 1)
    hint = "links between stories are written ../other-slug/; files beside a story need a story folder"
    return error(story.source_path, line, column, f"link to '{target}' leads nowhere", hint)
