"""Writing the planned site: into a new folder beside the output, swapped in when complete."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from .cache import digest
from .config import SiteConfig
from .errors import Problem, display_path, error
from .pages import Copy

MARKER = ".insole-output"
MARKER_TEXT = b"This folder is written by insole and brought up to date by each build.\n"
BUNDLE = "pagefind"  # the search index's folder: a Pagefind bundle for each part
PARTS = f"{BUNDLE}/parts.json"  # the names of the parts, newest first, for the search page


def check_output(output: Path, config: SiteConfig, force: bool = False) -> list[Problem]:
    """Errors for an output folder insole must not write to or replace."""
    shown = display_path(output)
    out = output.resolve()
    reason = refusal(out, config)
    if reason:
        return [error(shown, 1, 1, reason, "choose another 'output' in site.yaml or --output")]
    if out.exists() and not out.is_dir():
        return [error(shown, 1, 1, "the output path is a file, not a folder")]
    if not force and out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        hint = (
            f"insole replaces only folders it made (they hold {MARKER}); empty it, choose another, or --force"
        )
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
    if (out / ".git").exists():
        return "the output folder is a git work tree"
    return ""


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
    says. Without a record, everything goes into a new folder that is swapped in when
    complete. With one, the changed files and the changed parts of the search `index` are
    made beside the output and moved in, the files they replace moved aside, so a failure
    at any step puts the old site back.
    """
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    incremental = record is not None and (output / MARKER).is_file()
    before = record if record is not None and incremental else {}
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
    try:
        written, same = _stage(make(Stage(staging, output, planned, before)), copies, staging, planned)
        if not incremental:
            (staging / MARKER).write_bytes(MARKER_TEXT)
            indexed, _ = _index(index, staging, staging, written, written, {})
            _swap(staging, output)
            return len(written), {**written, **indexed}
        now = {path: before[path] for path in planned if path in before} | same | written
        indexed, made = _index(index, staging, output, now, written, before)
        gone = [path for path in before if path not in planned and path not in indexed]
        _move_in(staging, output, [*written, *made], gone)
        return len(written), {**now, **indexed}
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
        reads = index.reads or {page: now[page].content for page in paths}
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


def _link(source: Path, target: Path) -> None:
    """Put a file at `target` without copying it where the disk allows."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


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
        shutil.copyfile(copy.source, target)
        written[copy.path] = _written(target, planned[copy.path], "")
    return written, same


def _written(target: Path, inputs: str, content: str) -> Written:
    """What was written at `target`."""
    info = target.stat()
    return Written(inputs, content, info.st_size, info.st_mtime_ns)


def _move_in(staging: Path, output: Path, written: list[str], gone: list[str]) -> None:
    """Move the staged files into the output and the gone ones out; undo it all if anything fails."""
    aside = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
    done: list[tuple[str, bool]] = []  # each path moved in, and whether an old file was moved aside
    try:
        for path in gone:
            if (output / path).exists():
                _move(output / path, aside / path)
                done.append((path, True))
        for path in written:
            replaced = (output / path).exists()
            if replaced:
                _move(output / path, aside / path)
            done.append((path, replaced))
            _move(staging / path, output / path)
    except BaseException:
        for path, replaced in reversed(done):
            with contextlib.suppress(FileNotFoundError):
                os.remove(output / path) if (output / path).is_file() else shutil.rmtree(output / path)
            if replaced:
                _move(aside / path, output / path)
        shutil.rmtree(aside, ignore_errors=True)
        raise
    shutil.rmtree(aside, ignore_errors=True)
    for path in gone:
        _prune(output, PurePosixPath(path).parent)


def _move(source: Path, target: Path) -> None:
    """Move a file or folder within one disk, making the target's folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)


def _prune(output: Path, folder: PurePosixPath) -> None:
    """Remove a folder of the output and its parents as long as they are empty."""
    while folder.parts:
        try:
            os.rmdir(output.joinpath(*folder.parts))
        except OSError:
            return
        folder = folder.parent


def _target(staging: Path, path: str) -> Path:
    """The file for a site path inside the staging folder, its folder made."""
    parts = PurePosixPath(path).parts
    if not parts or PurePosixPath(path).is_absolute() or ".." in parts:
        raise ValueError(f"refusing to write outside the output folder: {path!r}")
    target = staging.joinpath(*parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def _swap(staging: Path, output: Path) -> None:
    """Put the new folder in the output's place; remove the old one only if insole made it."""
    if not output.exists():
        os.replace(staging, output)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
    os.replace(output, old / "site")
    try:
        os.replace(staging, output)
    except OSError:
        os.replace(old / "site", output)
        raise
    shutil.rmtree(old)
