"""The spare folder beside the output: the new site is put together there, then exchanged with the output."""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Container, Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath

from .manifest import MARKER, Written

OLD = "site"  # the old output's name inside the folder it is moved aside to
SPARE = ".spare"  # `.<output>.spare` beside the output: the site before, where the next one is put together
FOLDER = -1  # the inode given to an empty folder among the files of a tree


def spare_of(output: Path) -> Path:
    """The folder beside the output where the next site is put together: the site before."""
    return output.parent / f".{output.name}{SPARE}"


def is_spare(spare: Path) -> bool:
    """True when `spare` is a folder of yours, not a link to one (whose files a build would replace)."""
    try:
        info = os.lstat(spare)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == getattr(os, "geteuid", lambda: info.st_uid)()


def link(source: Path | str, target: Path | str) -> None:
    """Put a file at `target` without copying it where the disk allows; a symbolic link stays one."""
    try:
        os.link(source, target, follow_symlinks=False)
    except (OSError, NotImplementedError):
        if os.path.islink(source):
            os.symlink(os.readlink(source), target)
        else:
            shutil.copy2(source, target)


def _inside(path: str, paths: Container[str]) -> bool:
    """True when a path, or a folder holding it, is one of `paths`."""
    end = len(path)
    while end > 0:
        if path[:end] in paths:
            return True
        end = path.rfind("/", 0, end)
    return False


def walk(folder: Path) -> Iterator[tuple[str, int]]:
    """Every file (or symbolic link) under a folder with its inode, and every empty folder as FOLDER."""
    root = os.path.join(folder, "")  # text, not Path: joining paths was half of a walk's time
    stack = [""] if folder.is_dir() else []
    while stack:
        inner = stack.pop()
        with os.scandir(root + inner) as listing:
            entries = list(listing)
        if inner and not entries:
            yield inner.rstrip("/"), FOLDER
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(f"{inner}{entry.name}/")
            else:
                yield f"{inner}{entry.name}", entry.inode()


def to_keep(
    output: Path, ours: set[str], site: Mapping[str, Written], fresh: Iterable[str]
) -> dict[str, int]:
    """The files of the output the new site keeps, by inode: insole's unchanged ones, and all others."""
    anew = set(fresh)
    kept: dict[str, int] = {}
    for path, inode in walk(output):
        mine = path == MARKER or _inside(path, ours)
        if not mine and _inside(path, anew):
            raise FileExistsError(f"'{path}' in the output is not insole's, and the new site has it too")
        if not mine or (_inside(path, site) and not _inside(path, anew)):
            kept[path] = inode
    return kept


def mirror(
    spare: Path, staging: Path, output: Path, kept: Mapping[str, int], fresh: Mapping[str, int]
) -> None:
    """Make the spare folder hold the new site: kept files linked from the output, new ones moved in.

    Only what differs from the spare is touched, so a build that changed a few files
    costs a look at every file, not a new folder for each page.
    """
    # A staging folder just moved into the spare's place holds what `fresh` lists: no second walk.
    have = dict(fresh) if staging == spare else dict(walk(spare))
    stale = {path for path, inode in have.items() if (fresh if path in fresh else kept).get(path) != inode}
    for path in stale:
        _remove(spare / path)
    for path, inode in kept.items():
        if path in have and path not in stale:
            continue
        # A page deleted by hand leaves its folder empty, and the new site may hold that page there already.
        if inode == FOLDER and os.path.isdir(spare / path) and not os.path.islink(spare / path):
            continue
        target = place(spare, path)
        if inode == FOLDER:
            target.mkdir()
        else:
            link(output / path, target)
    for path, inode in fresh.items():
        if staging == spare:
            break
        target = place(spare, path)
        if inode == FOLDER:
            target.mkdir()
        else:
            os.replace(staging / path, target)
    for folder in sorted({(spare / path).parent for path in stale}, key=lambda f: len(f.parts), reverse=True):
        _prune(spare, folder, kept)


def rescue(old: Path, output: Path, known: Container[str]) -> None:
    """Link into the output the files someone put in the old one while the new one was put together.

    Left in the old site, the spare, they would be removed by the next build.
    """
    for path, inode in walk(old):
        if inode == FOLDER or _inside(path, known) or os.path.lexists(output / path):
            continue
        target = output.joinpath(*PurePosixPath(path).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.parent.resolve().is_relative_to(output.resolve()):  # never through a link
            link(old / path, target)


def _remove(target: Path) -> None:
    """Remove a file, a symbolic link or a whole folder of the spare."""
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    else:
        target.unlink(missing_ok=True)


def place(spare: Path, path: str) -> Path:
    """The spare's file for a site path, with its folder made and nothing left in its place."""
    target = spare.joinpath(*PurePosixPath(path).parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.parent.resolve().is_relative_to(spare.resolve()):  # a symbolic link on the way
        raise FileExistsError(f"refusing to write through a symbolic link in the output: {path!r}")
    if os.path.lexists(target):
        _remove(target)
    return target


def _prune(spare: Path, folder: Path, kept: Mapping[str, int]) -> None:
    """Remove a folder of the spare and its parents while they are empty and not kept empty."""
    while folder != spare and folder.is_relative_to(spare):
        if kept.get(folder.relative_to(spare).as_posix()) == FOLDER:
            return
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def settle_mode(staging: Path, output: Path) -> None:
    """Give the new folder the old one's permissions, or a new folder's (a temporary one's are private)."""
    try:
        mode = stat.S_IMODE(output.stat().st_mode)
    except FileNotFoundError:
        mask = os.umask(0o022)
        os.umask(mask)
        mode = 0o777 & ~mask
    os.chmod(staging, mode)


def exchange(new: Path, output: Path) -> None:
    """Put the folder `new` in the output's place in one step; the old site is left at `new`."""
    if not output.exists():
        os.rename(new, output)
        return
    if not _exchange_at_once(new, output):
        _exchange_in_two_steps(new, output)


def _exchange_at_once(new: Path, output: Path) -> bool:
    """Exchange two folders atomically (Linux's renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_cwd, exchange_flag = -100, 2  # AT_FDCWD, RENAME_EXCHANGE
    if renameat2(at_cwd, os.fsencode(new), at_cwd, os.fsencode(output), exchange_flag) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):  # an old kernel, or a disk that cannot
        return False
    raise OSError(code, os.strerror(code), str(output))


def _exchange_in_two_steps(new: Path, output: Path) -> None:
    """Move the output aside and the new folder in; if stopped between, the next build puts it back."""
    aside = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
    os.rename(output, aside / OLD)
    try:
        os.rename(new, output)
    except BaseException:
        os.rename(aside / OLD, output)
        os.rmdir(aside)
        raise
    os.rename(aside / OLD, new)
    os.rmdir(aside)
