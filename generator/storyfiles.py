"""Finding story files under content/stories and reading their bytes, and the files beside a folder story."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .digests import digest
from .errors import BuildFailed, Problem, display_path, error
from .files import FOLDER, Refused, cannot_read, open_inside, walk_error

STORIES = "stories"
JUNK = re.compile(r"(^\.|^#|~$|\.swp$|\.swx$|\.tmp$|___jb_\w+___$|^4913$|^Thumbs\.db$|^desktop\.ini$)", re.I)
MAX_STORY_BYTES = 5_000_000  # ten times the longest real story seen, far below what slows a build


def find_story_files(
    content: Path, problems: list[Problem] | None = None
) -> Iterator[tuple[Path, Path | None]]:
    """Every story file under content/stories, with its folder if it is a folder story.

    A folder that cannot be read is an error in `problems`; without them, it raises BuildFailed.
    """
    top = content / STORIES
    for folder, dirs, files in os.walk(top, onerror=walk_failed(problems)):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not JUNK.search(d))
        if here != top and "index.md" in files:
            dirs[:] = []
            yield here / "index.md", here
            continue
        odd = [d for d in dirs if d.lower().endswith(".md") and not (here / d / "index.md").is_file()]
        noted(problems, linked_folders(here, [d for d in dirs if d not in odd]))
        for name in sorted(files + odd):
            if name.lower().endswith(".md") and not JUNK.search(name):
                yield here / name, None


@dataclass(frozen=True)
class Source:
    """A story file's bytes, with what else decides what the story becomes."""

    path: Path
    folder: Path | None
    shown: str
    raw: bytes
    assets: tuple[str, ...]
    problems: tuple[Problem, ...] = ()  # sub-folders of a folder story that cannot be read

    @cached_property
    def key(self) -> str:
        """A digest of everything in the file and its place that decides what the story becomes."""
        return digest(self.shown, "\n".join(self.assets), self.raw)


def read_file(path: Path, folder: Path | None, content: Path) -> Source:
    """A story file's bytes; raises BuildFailed when it can't or mustn't be read.

    Only a regular file resolving inside the `content` folder is read.
    """
    shown = display_path(path)
    try:
        opened = open_inside(path, content, "the content folder")
    except Refused as refused:
        if refused.kind == FOLDER:
            hint = "rename it, or put index.md in it"
            raise BuildFailed([error(shown, 1, 1, "a folder named like a story file", hint)]) from None
        raise BuildFailed([refused.problem(shown)]) from None
    with os.fdopen(opened, "rb") as file:
        if os.fstat(file.fileno()).st_size > MAX_STORY_BYTES:
            message = f"the story is larger than {MAX_STORY_BYTES // 1_000_000} MB"
            raise BuildFailed([error(shown, 1, 1, message, "move long material into files beside it")])
        try:
            raw = file.read()
        except OSError as exc:
            raise BuildFailed([error(shown, 1, 1, cannot_read(exc))]) from None
    if not folder:
        return Source(path, folder, shown, raw, ())
    problems: list[Problem] = []
    return Source(path, folder, shown, raw, list_assets(folder, problems), tuple(problems))


def walk_failed(problems: list[Problem] | None) -> Callable[[OSError], None]:
    """What to do with a folder os.walk cannot read: note the error, or raise it."""
    return lambda exc: noted(problems, [walk_error(exc)])


def noted(problems: list[Problem] | None, found: list[Problem]) -> None:
    """Add what was found to `problems`, or raise it when there is no list to add to."""
    if problems is not None:
        problems.extend(found)
    elif found:
        raise BuildFailed(found)


def linked_folders(here: Path, dirs: list[str]) -> list[Problem]:
    """An error for each linked folder among `dirs`: a walk does not follow it, so its files would be lost."""
    hint = "copy the folder in instead of linking to it"
    message = "a linked folder, whose files would be left out"
    return [error(display_path(here / d), 1, 1, message, hint) for d in dirs if (here / d).is_symlink()]


def list_assets(folder: Path, problems: list[Problem] | None = None) -> tuple[str, ...]:
    """Files beside a folder story's index.md, relative to the folder; unreadable folders go in `problems`."""
    found = []
    for here, dirs, files in os.walk(folder, onerror=walk_failed(problems)):
        dirs[:] = sorted(d for d in dirs if not JUNK.search(d))
        noted(problems, linked_folders(Path(here), dirs))
        for name in sorted(files):
            if not JUNK.search(name) and not (Path(here) == folder and name == "index.md"):
                found.append((Path(here) / name).relative_to(folder).as_posix())
    return tuple(found)
