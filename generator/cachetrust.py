"""Whether the cache folder can be trusted (yours alone, outside the library), made private, read safely."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from typing import BinaryIO

import jinja2

ENVIRONMENT = "INSOLE_CACHE_DIR"
SHARED = stat.S_IWGRP | stat.S_IWOTH  # others than the owner may write


def cache_home() -> Path:
    """The folder for insole's caches: $INSOLE_CACHE_DIR, else the user's cache folder."""
    chosen = os.environ.get(ENVIRONMENT)
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "insole"


def cache_refusal(root: Path | None = None) -> str:
    """Why the cache folder may hold what another user wrote, or '' when only you can write there.

    Reading a cache runs code (unpickled objects, compiled templates), so the folder must be
    yours and none of the folders on the way to it (nor those its links lead through) may let
    another user swap it for one of theirs; nor may it be inside the library at `root`, whose
    files may come from anyone (a clone makes them yours).
    """
    home = cache_home()
    if root is not None and home.resolve().is_relative_to(root.resolve()):
        return "it is inside the library, whose files may come from anyone"
    if not hasattr(os, "geteuid"):  # Windows: folders are guarded by access lists, not modes
        return ""
    for path in (Path(os.path.abspath(home)), home.resolve()):
        reason = path_refusal(path)
        if reason:
            return reason
    return ""


def path_refusal(path: Path) -> str:
    """Why another user could change what `path` holds, looking at it and each folder above it; or ''."""
    for step in [*reversed(path.parents), path]:
        try:
            info = os.lstat(step)
        except FileNotFoundError:
            return ""  # insole makes the rest, private
        except OSError as exc:
            return f"{step} cannot be looked at ({exc.strerror})"
        reason = _own_refusal(step, info, last=step == path)
        if reason:
            return reason
    return ""


def _own_refusal(path: Path, info: os.stat_result, last: bool) -> str:
    """Why a file or folder of the cache, or one above it, is not safe from other users; or ''.

    A folder above may be root's, and may be writable by all if only owners can remove
    what is in it (the sticky bit, as on /tmp).
    """
    if info.st_uid != os.geteuid() and (last or info.st_uid != 0):
        return f"{path} belongs to another user"
    sticky = not last and stat.S_ISDIR(info.st_mode) and info.st_mode & stat.S_ISVTX
    if info.st_mode & SHARED and not stat.S_ISLNK(info.st_mode) and not sticky:
        return f"others can write to {path}"
    return ""


def private_folder(name: str) -> Path | None:
    """A folder of the cache only this user can write to, made if needed; None if it can't be."""
    folder = cache_home() / name
    if cache_refusal():
        return None
    try:
        make_private(folder)
        info = os.lstat(folder)
    except OSError:
        return None
    return None if not stat.S_ISDIR(info.st_mode) or _own_refusal(folder, info, last=True) else folder


def make_private(folder: Path) -> None:
    """Make a folder and any missing above it, each one only you can use."""
    missing = [path for path in [folder, *folder.parents] if not os.path.lexists(path)]
    for path in reversed(missing):  # one by one: `parents=True` gives the folders above the umask's mode
        path.mkdir(mode=0o700, exist_ok=True)


def open_own(path: Path) -> BinaryIO | None:
    """A file of the cache opened for reading, if it is yours and only you can write to it; else None.

    Checked on the file opened, so a file swapped in after a look at its name is not read.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        handle = os.open(path, flags)
    except OSError:
        return None
    info = os.fstat(handle)
    if not stat.S_ISREG(info.st_mode) or (hasattr(os, "geteuid") and _own_refusal(path, info, last=True)):
        os.close(handle)
        return None
    return os.fdopen(handle, "rb")


class OwnBytecode(jinja2.FileSystemBytecodeCache):
    """Compiled templates in a folder of the cache, each file read only if `open_own` accepts it."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        handle = open_own(Path(self._get_cache_filename(bucket)))
        if handle is not None:
            with handle:
                bucket.load_bytecode(handle)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):  # a full or read-only disk costs the next build time, no more
            super().dump_bytecode(bucket)
