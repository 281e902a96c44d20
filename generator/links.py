"""Checking that every link and image inside a rendered site leads somewhere."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

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
