"""A build with nothing changed since the last one, answered from a small record instead of the library."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import pickle
import stat
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2

from .cache import code_digest
from .cachetrust import cache_home, cache_refusal, make_private, open_own, path_refusal
from .config import CONFIG_FILE, SiteConfig
from .digests import digest
from .environment import default_theme_dir
from .errors import Problem
from .guards import check_output
from .lock import turn
from .manifest import Record, read_marker
from .memo import RACY_NS
from .options import Options
from .output import BUNDLE, PARTS

FOLDER = "built"  # beside the memo: one record a site and output folder
FORMAT = 1  # the record's layout; a record of another is not read
# The variables a build reads: where the cache is, and the home folder it never writes over.
VARIABLES = ("HOME", "INSOLE_CACHE_DIR", "XDG_CACHE_HOME")
Sizes = dict[str, tuple[int, int] | None]  # each file written by its size and time; a folder as None


@dataclass(frozen=True)
class Built:
    """What the last build that wrote its output read, made and said."""

    inputs: str  # `input_digest` as the build began
    config: SiteConfig
    stories: int
    pages: int
    files: int
    problems: list[Problem]
    written: Sizes  # every file of the output the build left, as it left it
    marker: str  # a digest of the output's marker


def now_ns() -> int:
    """The time now, in nanoseconds."""
    return time.time_ns()


def input_digest(options: Options) -> str | None:
    """A digest of everything a build reads; None when any of it changed in the last second or is a link.

    The files are known by their stamps (times, size, inode), the folders by their own
    and their entries', so an edited, added, removed or renamed file changes the digest.
    A file changed in the clock tick it was looked at could keep its stamp, so files
    touched in the last second make no digest.
    """
    root, stamps = options.root, list[str]()
    since = now_ns() - RACY_NS
    places = (root / CONFIG_FILE, root / "content", root / "templates", default_theme_dir())
    try:
        if not all(stamp_tree(str(place), since, stamps) for place in places):
            return None
        output = options.output.resolve() if options.output else None
        where = (os.getcwd(), str(root.resolve()), str(output), *(os.environ.get(v, "") for v in VARIABLES))
    except (OSError, RuntimeError):  # unreadable, or links in a loop: the build says what is wrong
        return None
    asked = replace(options, today=options.today or dt.date.today())
    versions = (sys.version, jinja2.__version__, code_digest())
    return digest(repr(asked), *versions, *where, *stamps)


def stamp_tree(path: str, since: int, stamps: list[str]) -> bool:
    """Add the stamps of a file or folder and of all under it; False if any is a link or changed `since`."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        stamps.append(f"{path}\0none")
        return True
    if stat.S_ISLNK(info.st_mode) or max(info.st_mtime_ns, info.st_ctime_ns) >= since:
        return False
    stamps.append(
        f"{path}\0{info.st_mode}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\0{info.st_size}\0{info.st_ino}"
    )
    if not stat.S_ISDIR(info.st_mode):
        return True
    with os.scandir(path) as listing:
        names = sorted(entry.name for entry in listing)
    return all(stamp_tree(os.path.join(path, name), since, stamps) for name in names)


def record_file(options: Options) -> Path | None:
    """The record of the last build of this site into this output; None when the cache can't be trusted."""
    root = options.root.resolve()
    if not options.cache or cache_refusal(root):
        return None
    folder = cache_home() / digest(str(root))[:20] / FOLDER
    if path_refusal(folder):
        return None
    output = str(options.output.resolve()) if options.output else ""
    return folder / f"{digest(output)}.pickle"


def unchanged(options: Options, inputs: str, waiting: Callable[[Path], None] | None) -> Built | None:
    """The last build's record when nothing it read changed and its output is as it left it; else None."""
    try:
        path = record_file(options)
        built = recorded(path) if path else None
        if built is None or built.inputs != inputs:
            return None
        output = built.config.output
        with turn(output, lambda: waiting(output) if waiting else None):
            return built if intact(built, options.force) else None
    except OSError:
        return None


def recorded(path: Path) -> Built | None:
    """The record in a file of the cache; None when it is missing, unreadable or of another layout."""
    handle = open_own(path)
    if handle is None:
        return None
    try:
        with handle:
            kept, built = pickle.load(handle)
    except Exception:  # unreadable, or from another insole or Python: a full build then
        return None
    return built if kept == FORMAT and isinstance(built, Built) else None


def intact(built: Built, force: bool) -> bool:
    """True when the output holds exactly what the last build left there, and may still be written to."""
    output = built.config.output.resolve()
    if check_output(built.config.output, built.config, force):
        return False
    marker = read_marker(output)
    if marker is None or digest(marker) != built.marker:
        return False
    base = os.path.join(output, "")
    for path, sizes in built.written.items():
        info = os.lstat(base + path)
        same = stat.S_ISDIR(info.st_mode) if sizes is None else (info.st_size, info.st_mtime_ns) == sizes
        if not same or stat.S_ISLNK(info.st_mode):
            return False
    return True


def remember(
    options: Options,
    inputs: str | None,
    config: SiteConfig,
    figures: tuple[int, int, int],
    problems: list[Problem],
    record: Record | None,
) -> None:
    """Keep what a build that wrote its output read and left, for the next build; or forget the last one.

    Nothing is kept when the inputs were touched in the last second, when the build read
    git (whose history has no cheap stamp) or when the site's files were not all written.
    """
    with contextlib.suppress(OSError):  # a record not kept costs the next build time, no more
        path = record_file(options)
        if path is None:
            return
        marker = read_marker(config.output.resolve())
        if not inputs or record is None or marker is None or config.reads_history:
            path.unlink(missing_ok=True)
            return
        written = {p: None if folder(p) else (w.size, w.mtime_ns) for p, w in record.items()}
        save(path, Built(inputs, config, *figures, problems, written, digest(marker)))


def folder(path: str) -> bool:
    """True for a part of the search index, which is written as a folder."""
    return path.startswith(f"{BUNDLE}/") and path != PARTS


def save(path: Path, built: Built) -> None:
    """Replace the record's file, readable by no one else."""
    make_private(path.parent)
    handle, name = tempfile.mkstemp(prefix=".new-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump((FORMAT, built), out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(name, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)
