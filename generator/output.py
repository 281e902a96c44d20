"""Writing the planned site: put together beside the output and exchanged with it in one step."""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from .copies import Copy
from .digests import digest
from .errors import BuildFailed, display_path
from .files import Refused
from .manifest import MARKER, Record, Written, manifest, owned, read_marker, still_there
from .swap import exchange, is_spare, link, mirror, place, rescue, settle_mode, spare_of, to_keep, walk

BUNDLE = "pagefind"  # the search index's folder: a Pagefind bundle for each part
PARTS = f"{BUNDLE}/parts.json"  # the names of the parts, newest first, for the search page


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
        return _record(_write(target, data), self.planned[path], content), True


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
        fresh = dict(walk(staging))
        kept = to_keep(output, ours or set(), site, [*written, *made])
        spare = spare_of(output)
        if not is_spare(spare):
            if os.path.lexists(spare):  # a link there would have the site written where it leads
                raise FileExistsError(errno.EEXIST, "not a folder of insole's spare site", str(spare))
            os.rename(staging, spare)  # the new files are in place already
        mirror(spare, staging if staging.is_dir() else spare, output, kept, fresh)
        if marked:
            link(output / MARKER, place(spare, MARKER))
        else:
            place(spare, MARKER).write_bytes(manifest(site))  # a new file: the old one is also the output's
        settle_mode(spare, output)
        exchange(spare, output)
        rescue(spare, output, {MARKER, *(ours or ()), *site, *kept})
        return len(written), site
    finally:
        shutil.rmtree(staging, ignore_errors=True)


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
                link(staging / page if page in written else output / page, _target(pages, page))
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
        record[PARTS] = _record(_write(_target(staging, PARTS), data), "", content)
        made.append(PARTS)
    return record, made


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
            info = _write(target, copy.read())
        except Refused as refused:
            raise BuildFailed([refused.problem(display_path(copy.source))]) from None
        written[copy.path] = _record(info, planned[copy.path], "")
    return written, same


def _write(target: Path, data: bytes) -> os.stat_result:
    """Write a new file and return what the system says of it once written."""
    # Through the descriptor: no buffering to set up, and no second walk down the path to stat it.
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        left = memoryview(data)
        while left:
            left = left[os.write(fd, left) :]
        return os.fstat(fd)
    finally:
        os.close(fd)


def _record(info: os.stat_result, inputs: str, content: str) -> Written:
    """What was written, as the record keeps it."""
    return Written(inputs, content, info.st_size, info.st_mtime_ns)


def _target(staging: Path, path: str) -> Path:
    """The file for a site path inside the staging folder, its folder made."""
    site = PurePosixPath(path)
    parts = site.parts
    if not parts or site.is_absolute() or ".." in parts:
        raise ValueError(f"refusing to write outside the output folder: {path!r}")
    target = staging.joinpath(*parts)
    try:
        os.mkdir(target.parent)  # most pages have a folder of their own
    except FileExistsError:
        if not target.parent.is_dir():
            raise
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
    return target


def _marked(output: Path, site: Iterable[str]) -> bool:
    """True when the output's marker lists exactly the paths of the site."""
    return read_marker(output) == manifest(site)
