"""The sitemap: the site's addresses in files the sitemap protocol allows, and an index of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape
from typing import Any, NamedTuple

SITEMAP = "sitemap.xml"  # the sitemap, or the index of its files when one file cannot hold it
INDEX_TEMPLATE = "sitemap_index.xml"
LIMIT = 50_000  # addresses in one file, as the sitemap protocol allows
MOST_BYTES = 50 * 1024 * 1024  # bytes of one file, uncompressed, as the protocol allows
# The bytes of a file around its addresses, and of an address's line around the address itself.
AROUND_FILE = 200
AROUND_ENTRY = len("  <url><loc></loc><lastmod>0000-00-00</lastmod></url>\n")


class Entry(NamedTuple):
    """An address of the sitemap, relative to the site root, and when its page last changed (if it says)."""

    path: str
    lastmod: dt.date | None = None


def part_path(number: int) -> str:
    """Where file `number` of a sitemap cut into files is.

    Beside the index, at the site root: a sitemap may only list addresses under its own folder.
    """
    return f"sitemap-{number}.xml"


def cut(entries: Sequence[Entry], base_url: str) -> list[Sequence[Entry]]:
    """The entries in order, in runs of at most LIMIT addresses and MOST_BYTES bytes written out."""
    base = len(escape(base_url).encode())
    parts: list[Sequence[Entry]] = []
    start, size = 0, AROUND_FILE
    for at, entry in enumerate(entries):
        grown = size + AROUND_ENTRY + base + len(escape(entry.path).encode())
        if at > start and (at - start >= LIMIT or grown > MOST_BYTES):
            parts.append(entries[start:at])
            start, grown = at, grown - size + AROUND_FILE
        size = grown
    return [*parts, entries[start:]]


def sitemap_files(entries: Sequence[Entry], base_url: str) -> list[tuple[str, str, dict[str, Any]]]:
    """Each file of the sitemap: its path, its template and what it is given.

    One file when it can hold every address; else an index at the same place and the files it lists.
    """
    parts = cut(entries, base_url)
    if len(parts) == 1:
        return [(SITEMAP, SITEMAP, {"entries": entries})]
    files = [part_path(number) for number in range(1, len(parts) + 1)]
    index = (SITEMAP, INDEX_TEMPLATE, {"files": files})
    return [index, *((path, SITEMAP, {"entries": part}) for path, part in zip(files, parts, strict=True))]
