"""Writing the planned site: put together beside the output and exchanged with it in one step."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from .config import SiteConfig
from .digests import digest
from .errors import BuildFailed, Problem, display_path, error, warning
from .files import Refused
from .pages import Copy

MARKER = ".insole-output"
MARKER_TEXT = b"This folder is written by insole and brought up to date by each build.\n"
BUNDLE = "pagefind"  # the search index's folder: a Pagefind bundle for each part
PARTS = f"{BUNDLE}/parts.json"  # the names of the parts, newest first, for the search page
LISTED = b"insole replaces only the files listed here and leaves every other file as it is:\n"
CHECKSUM = b"\nchecksum: "  # after the list: its digest, so that a list changed since is not believed
MARKER_LIMIT = 256 << 20  # bytes; far more than the list of 100,000 stories' files
OLD = "site"  # the old output's name inside the folder it is moved aside to
SPARE = ".spare"  # `.<output>.spare` beside the output: the site before, where the next one is put together
FOLDER = -1  # the inode given to an empty folder among the files of a tree


def check_output(output: Path, config: SiteConfig, force: bool = False) -> list[Problem]:
    """Errors for an output folder insole must not write to or replace."""
    shown = display_path(output)
    out = output.resolve()
    reason = refusal(out, config)
    if reason:
        return [error(shown, 1, 1, reason, "choose another 'output' in site.yaml or --output")]
    if out.exists() and not out.is_dir():
        return [error(shown, 1, 1, "the output path is a file, not a folder")]
    if out.is_dir() and os.path.ismount(out):
        # The new site is put together beside the output and exchanged with it, which a
        # mount point cannot be; writing into it file by file would show a mix of two sites.
        hint = f"give a folder inside it, such as --output {os.path.join(shown, 'site')}"
        return [error(shown, 1, 1, "the output folder is a mount point, which insole cannot replace", hint)]
    spare = spare_of(out)
    if os.path.lexists(spare) and not is_spare(spare):
        hint = "insole puts the new site together there; move it away"
        return [error(display_path(spare), 1, 1, "this is not a folder of insole's spare site", hint)]
    if not force and out.is_dir() and any(out.iterdir()) and read_marker(out) is None:
        hint = f"insole writes only into folders it made (they hold {MARKER}); empty it, choose another,"
        hint += " or give --force to write into it and keep every file it holds"
        return [error(shown, 1, 1, "the output folder holds files insole did not write", hint)]
    return []


def refusal(out: Path, config: SiteConfig) -> str:
    """Why a resolved output folder may never be replaced, even with --force; or ''."""
    guarded = {"content folder": config.content_dir, "templates folder": config.templates_dir}
    for name, folder in {**guarded, "site folder": config.root}.items():
        folder = folder.resolve()
        if out == folder or folder.is_relative_to(out):
            return f"the output folder would replace the {name}"
        if name in guarded and out.is_relative_to(folder):
            return f"the output folder is inside the {name}"
    if out == Path.home().resolve() or out == Path(out.anchor):
        return "the output folder would replace your home folder or the whole disk"
    for home in home_folders():
        if home.is_relative_to(out):
            return f"the output folder contains a home folder ({home})"
    if (out / ".git").exists():
        return "the output folder is a git work tree"
    with contextlib.suppress(OSError):
        # Others may be adding files while the site is put together, and those would be left behind.
        if out.stat().st_mode & (stat.S_IWOTH | stat.S_ISVTX):
            return "the output folder is shared: others can put files in it (like /tmp)"
    return ""


def home_folders() -> set[Path]:
    """Your home folder, as $HOME and the user database give it, and root's."""
    homes = {Path.home()}
    with contextlib.suppress(ImportError, KeyError):
        import pwd  # not on Windows

        homes |= {Path(pwd.getpwuid(os.getuid()).pw_dir), Path(pwd.getpwnam("root").pw_dir)}
    return {home.resolve() for home in homes if home.is_absolute() and home != Path(home.anchor)}


def clashes(output: Path, paths: Iterable[str], force: bool) -> tuple[list[Problem], set[str]]:
    """Files insole did not write where the site puts its own, and the site's paths left to them.

    They are errors; with `force`, warnings, and the site's own files are left out.
    """
    output = output.resolve()
    site = set(paths)
    ours = owned(output, site) if output.is_dir() else None
    if ours is None and not (force and output.is_dir()):
        return [], set()
    problems: list[Problem] = []
    left: set[str] = set()
    for path in sorted(site - (ours or set())):
        theirs = _in_the_way(output, path)
        if theirs:
            left.add(path)
            problems.append(_clash(output, theirs, path, force))
    return problems, left


def _in_the_way(output: Path, path: str) -> str:
    """What stands where the site puts `path`: a file there, or where a folder of it goes; or ''."""
    parts = path.split("/")
    for end in range(1, len(parts)):
        folder = output.joinpath(*parts[:end])
        if os.path.islink(folder) or (folder.exists() and not folder.is_dir()):
            return "/".join(parts[:end])
    return path if os.path.lexists(output / path) else ""


def _clash(output: Path, path: str, wanted: str, force: bool) -> Problem:
    """The problem of one file insole did not write that stands where the site puts `wanted`."""
    shown = display_path(output / path)
    if force:
        message = f"kept this file insole did not write; the site's '{wanted}' is left out"
        return warning(shown, 1, 1, message, "move the file away to publish the site's own")
    hint = "move it away, or build with --force to keep it and leave the site's own out"
    return error(shown, 1, 1, f"insole did not write this file, and the site puts '{wanted}' here", hint)


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
    inputs, old = planned.get(path), record.get(path)
    return bool(inputs) and old is not None and old.inputs == inputs and still_there(output, path, old)


@dataclass(frozen=True)
class Index:
    """A search index kept in parts beside the pages: each part's name and pages, newest part first."""

    parts: Mapping[str, tuple[str, ...]]
    make: Callable[[Path, Path], None]  # indexes the pages in a folder into a bundle folder
    # A digest of what the index reads from each page, where known; else the page's bytes count.
    reads: Mapping[str, str] | None = None
    at_once: int = 1  # parts made at the same time


@dataclass(frozen=True)
class Stage:
    """Puts each page made anew into the staging folder, unless the output holds its bytes already."""

    folder: Path
    output: Path
    planned: Mapping[str, str]
    before: Record

    def __call__(self, path: str, data: bytes) -> Staged:
        """The page's record, and whether it was written into the staging folder."""
        content = digest(data)
        old = self.before.get(path)
        if old and old.content == content and still_there(self.output, path, old):
            return replace(old, inputs=self.planned[path]), False
        target = _target(self.folder, path)
        target.write_bytes(data)
        return _written(target, self.planned[path], content), True


Staged = tuple[Written, bool]
# Makes the pages to write and stages each one, perhaps in other processes, as it is made.
MakePages = Callable[[Stage], Iterable[tuple[str, Staged]]]


def write_site(
    output: Path,
    planned: Mapping[str, str],
    make: MakePages,
    copies: Iterable[Copy],
    record: Record | None = None,
    index: Index | None = None,
) -> tuple[int, Record]:
    """Write the site's changed files; return how many were written and the new record.

    `planned` maps every path of the site to a digest of its inputs; the pages `make`
    stages and `copies` are the files made anew, the other planned paths are as `record`
    says. The new site is put together in the spare folder beside the output, which holds
    the site before: the files made anew and the changed parts of the search `index` move
    in, and hard links to the files kept and to every file insole did not write take the
    place of what changed since. The two folders are then exchanged in one step, so the
    output holds the whole old site or the whole new one at any instant, and the old one
    is the spare of the next build.
    """
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    ours = owned(output, {*planned, *(record or {})})
    before = record if record is not None and ours is not None else {}
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
    try:
        written, same = _stage(make(Stage(staging, output, planned, before)), copies, staging, planned)
        now = {path: before[path] for path in planned if path in before} | same | written
        indexed, made = _index(index, staging, output, now, written, before)
        site = {**now, **indexed}
        marked = _marked(output, site)
        if not [*written, *made] and marked:
            return 0, site  # the output is the new site already
        fresh = dict(_walk(staging))
        kept = _kept(output, ours or set(), site, [*written, *made])
        spare = spare_of(output)
        if not is_spare(spare):
            if os.path.lexists(spare):  # a link there would have the site written where it leads
                raise FileExistsError(errno.EEXIST, "not a folder of insole's spare site", str(spare))
            os.rename(staging, spare)  # the new files are in place already
        _mirror(spare, staging if staging.is_dir() else spare, output, kept, fresh)
        if marked:
            _link(output / MARKER, _place(spare, MARKER))
        else:
            _place(spare, MARKER).write_bytes(manifest(site))  # a new file: the old one is also the output's
        _settle_mode(spare, output)
        exchange(spare, output)
        _rescue(spare, output, {MARKER, *(ours or ()), *site, *kept})
        return len(written), site
    finally:
        shutil.rmtree(staging, ignore_errors=True)


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


def _index(
    index: Index | None, staging: Path, output: Path, now: Record, written: Record, before: Record
) -> tuple[Record, list[str]]:
    """Make the parts of the search index whose pages changed in the staging folder.

    Returns the record of every part and of the list of parts, and the paths made anew.
    """
    if index is None:
        return {}, []
    record: Record = {}
    stale: dict[str, tuple[str, ...]] = {}
    for name, paths in index.parts.items():
        path = f"{BUNDLE}/{name}"
        reads = index.reads or {page: now[page].content if page in now else "" for page in paths}
        inputs = digest(name, *(f"{page}\0{reads[page]}" for page in paths))
        old = before.get(path)
        if old and old.inputs == inputs and (output / path).is_dir():
            record[path] = old
        else:
            record[path] = Written(inputs, "", 0, 0)
            stale[path] = paths

    def make(path: str) -> None:
        """Index one part's pages, gathered from the staging folder and the output."""
        pages = Path(tempfile.mkdtemp(prefix=f".{output.name}.index-", dir=output.parent))
        try:
            for page in stale[path]:
                _link(staging / page if page in written else output / page, _target(pages, page))
            index.make(pages, _target(staging, path))
        finally:
            shutil.rmtree(pages, ignore_errors=True)

    # Each part is another program's run, which leaves part of the cores idle, so a few run at once.
    with ThreadPoolExecutor(max_workers=max(index.at_once, 1)) as pool:
        list(pool.map(make, stale))
    made = list(stale)
    data = json.dumps(list(index.parts)).encode()
    old, content = before.get(PARTS), digest(data)
    if old and old.content == content and still_there(output, PARTS, old):
        record[PARTS] = old
    else:
        target = _target(staging, PARTS)
        target.write_bytes(data)
        record[PARTS] = _written(target, "", content)
        made.append(PARTS)
    return record, made


def _link(source: Path | str, target: Path | str) -> None:
    """Put a file at `target` without copying it where the disk allows; a symbolic link stays one."""
    try:
        os.link(source, target, follow_symlinks=False)
    except (OSError, NotImplementedError):
        if os.path.islink(source):
            os.symlink(os.readlink(source), target)
        else:
            shutil.copy2(source, target)


def _stage(
    pages: Iterable[tuple[str, Staged]], copies: Iterable[Copy], staging: Path, planned: Mapping[str, str]
) -> tuple[Record, Record]:
    """Copy the files into the staging folder beside the staged pages.

    Returns what was written there, and the pages made again with the same bytes.
    """
    written: Record = {}
    same: Record = {}
    for path, (entry, new) in pages:
        (written if new else same)[path] = entry
    for copy in copies:
        target = _target(staging, copy.path)
        try:  # checked again as it is read: the file may have been swapped since the plan was made
            target.write_bytes(copy.read())
        except Refused as refused:
            raise BuildFailed([refused.problem(display_path(copy.source))]) from None
        written[copy.path] = _written(target, planned[copy.path], "")
    return written, same


def _written(target: Path, inputs: str, content: str) -> Written:
    """What was written at `target`."""
    info = target.stat()
    return Written(inputs, content, info.st_size, info.st_mtime_ns)


def _target(staging: Path, path: str) -> Path:
    """The file for a site path inside the staging folder, its folder made."""
    parts = PurePosixPath(path).parts
    if not parts or PurePosixPath(path).is_absolute() or ".." in parts:
        raise ValueError(f"refusing to write outside the output folder: {path!r}")
    target = staging.joinpath(*parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


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


def _marked(output: Path, site: Iterable[str]) -> bool:
    """True when the output's marker lists exactly the paths of the site."""
    return read_marker(output) == manifest(site)


def _inside(path: str, paths: Container[str]) -> bool:
    """True when a path, or a folder holding it, is one of `paths`."""
    parts = path.split("/")
    return any("/".join(parts[:end]) in paths for end in range(1, len(parts) + 1))


def _walk(folder: Path) -> Iterator[tuple[str, int]]:
    """Every file (or symbolic link) under a folder with its inode, and every empty folder as FOLDER."""
    stack = [""] if folder.is_dir() else []
    while stack:
        inner = stack.pop()
        with os.scandir(folder / inner) as listing:
            entries = list(listing)
        if inner and not entries:
            yield inner.rstrip("/"), FOLDER
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(f"{inner}{entry.name}/")
            else:
                yield f"{inner}{entry.name}", entry.inode()


def _kept(output: Path, ours: set[str], site: Mapping[str, Written], fresh: Iterable[str]) -> dict[str, int]:
    """The files of the output the new site keeps, by inode: insole's unchanged ones, and all others."""
    anew = set(fresh)
    kept: dict[str, int] = {}
    for path, inode in _walk(output):
        mine = path == MARKER or _inside(path, ours)
        if not mine and _inside(path, anew):
            raise FileExistsError(f"'{path}' in the output is not insole's, and the new site has it too")
        if not mine or (_inside(path, site) and not _inside(path, anew)):
            kept[path] = inode
    return kept


def _mirror(
    spare: Path, staging: Path, output: Path, kept: Mapping[str, int], fresh: Mapping[str, int]
) -> None:
    """Make the spare folder hold the new site: kept files linked from the output, new ones moved in.

    Only what differs from the spare is touched, so a build that changed a few files
    costs a look at every file, not a new folder for each page.
    """
    have = dict(_walk(spare))
    stale = {path for path, inode in have.items() if (fresh if path in fresh else kept).get(path) != inode}
    for path in stale:
        _remove(spare / path)
    for path, inode in kept.items():
        if path in have and path not in stale:
            continue
        target = _place(spare, path)
        if inode == FOLDER:
            target.mkdir()
        else:
            _link(output / path, target)
    for path, inode in fresh.items():
        if staging == spare:
            break
        target = _place(spare, path)
        if inode == FOLDER:
            target.mkdir()
        else:
            os.replace(staging / path, target)
    for folder in sorted({(spare / path).parent for path in stale}, key=lambda f: len(f.parts), reverse=True):
        _prune(spare, folder, kept)


def _rescue(old: Path, output: Path, known: Container[str]) -> None:
    """Link into the output the files someone put in the old one while the new one was put together.

    Left in the old site, the spare, they would be removed by the next build.
    """
    for path, inode in _walk(old):
        if inode == FOLDER or _inside(path, known) or os.path.lexists(output / path):
            continue
        target = output.joinpath(*PurePosixPath(path).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.parent.resolve().is_relative_to(output.resolve()):  # never through a link
            _link(old / path, target)


def _remove(target: Path) -> None:
    """Remove a file, a symbolic link or a whole folder of the spare."""
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    else:
        target.unlink(missing_ok=True)


def _place(spare: Path, path: str) -> Path:
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


def _settle_mode(staging: Path, output: Path) -> None:
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
