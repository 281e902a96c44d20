"""What insole wrote in the output: each file's digests, and the marker that lists them with a checksum."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .digests import digest

MARKER = ".insole-output"
MARKER_TEXT = b"This folder is written by insole and brought up to date by each build.\n"
LISTED = b"insole replaces only the files listed here and leaves every other file as it is:\n"
CHECKSUM = b"\nchecksum: "  # after the list: its digest, so that a list changed since is not believed
MARKER_LIMIT = 256 << 20  # bytes; far more than the list of 100,000 stories' files


@dataclass(frozen=True)
class Written:
    """A file insole wrote: digests of what it was made from ('' if unknown) and of its bytes; its stat."""

    inputs: str
    content: str
    size: int
    mtime_ns: int


Record = dict[str, Written]  # every file of the output insole wrote, by site path


def still_there(output: Path, path: str, written: Written | None) -> bool:
    """True when the file written at `path` is on disk with the size and time it was written with."""
    if written is None:
        return False
    try:
        info = os.stat(output / path)
    except OSError:
        return False
    return (info.st_size, info.st_mtime_ns) == (written.size, written.mtime_ns)


def as_built(output: Path, record: Record, planned: Mapping[str, str], path: str) -> bool:
    """True when `path` was written from the inputs planned now and is on disk as it was written."""
    old = record.get(path)
    if old is None:  # asked first: the inputs of a page never made may not be worked out yet
        return False
    inputs = planned.get(path)
    return bool(inputs) and old.inputs == inputs and still_there(output, path, old)


def manifest(site: Iterable[str]) -> bytes:
    """The marker's text: what it is, every path of the output insole wrote, and their checksum."""
    listed = json.dumps(sorted(site), ensure_ascii=False, indent=0).encode()
    return MARKER_TEXT + LISTED + listed + CHECKSUM + digest(listed).encode() + b"\n"


def read_marker(output: Path) -> bytes | None:
    """The text of the output's marker; None when there is none, or no regular file of a sane size."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:  # not followed if a link, and never waited on if a named pipe
        handle = os.open(output / MARKER, flags)
    except OSError:
        return None
    with os.fdopen(handle, "rb") as marker:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return None
        text = marker.read(MARKER_LIMIT + 1)
    return text if len(text) <= MARKER_LIMIT else None


def owned(output: Path, site: Iterable[str]) -> set[str] | None:
    """The paths of the output insole wrote, as its marker lists them; None if insole did not make it.

    A marker from before the list was kept names none: the paths of the `site` count as
    insole's then, so every other file stays.
    """
    text = read_marker(output)
    if text is None:
        return None
    _, found, listed = text.partition(LISTED)
    listed, checked, checksum = listed.rpartition(CHECKSUM) if CHECKSUM in listed else (listed, b"", b"")
    try:  # a list changed since insole wrote it may name files that are not insole's
        sound = found and (not checked or checksum.strip() == digest(listed).encode())
        paths = json.loads(listed) if sound else None
    except ValueError:
        paths = None
    if not isinstance(paths, list) or not all(isinstance(path, str) for path in paths):
        return set(site)
    return set(paths)
