"""Builds of one output take turns, and each clears what a stopped build left beside the output."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from .manifest import MARKER
from .swap import OLD


@contextlib.contextmanager
def turn(output: Path, waiting: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Hold the output folder for one build; while another holds it, call `waiting` once and wait.

    The lock is a file beside the output, removed when the build is done; a build that
    was waiting for a lock file removed meanwhile takes the new one. Once the folder is
    held, and again when the build ends, whatever a stopped build left beside it is cleared.
    """
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    lock = output.parent / f".{output.name}.lock"
    told = False
    while True:
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
        handle = os.open(lock, flags, 0o644)  # never through a link, which could make a file anywhere
        try:
            _hold(handle, told or waiting)
            told = True
            if os.fstat(handle).st_ino == _inode(lock):
                break
        except BaseException:
            os.close(handle)
            raise
        os.close(handle)
    try:
        clear_leftovers(output)
        yield
    finally:
        try:
            clear_leftovers(output)  # also what a build stopped by Ctrl-C had no time to remove
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(lock)
            os.close(handle)


def _hold(handle: int, waiting: Callable[[], None] | bool) -> None:
    """Lock an open file, calling `waiting` first if another process holds it."""
    try:
        import fcntl
    except ImportError:  # Windows: builds do not take turns there
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        if callable(waiting):
            waiting()
    fcntl.flock(handle, fcntl.LOCK_EX)


def _inode(path: Path) -> int:
    """A file's inode number, or -1 if it is gone."""
    try:
        return os.stat(path).st_ino
    except FileNotFoundError:
        return -1


def leftovers(output: Path) -> list[Path]:
    """The folders a stopped build of this output left beside it."""
    pattern = re.compile(rf"\.{re.escape(output.name)}\.(new|old|index)-[a-z0-9_]{{8}}")
    with os.scandir(output.parent) as listing:
        found = [entry for entry in listing if pattern.fullmatch(entry.name)]
    return sorted(Path(entry.path) for entry in found if entry.is_dir(follow_symlinks=False))


def clear_leftovers(output: Path) -> None:
    """Remove what stopped builds left beside the output, after putting back a site left moved aside."""
    for folder in leftovers(output):
        if not output.exists() and (folder / OLD / MARKER).is_file():
            os.rename(folder / OLD, output)
        shutil.rmtree(folder)
