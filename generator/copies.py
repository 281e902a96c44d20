"""Files copied into the site as they are: the theme's static files and the files beside stories."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .config import SiteConfig
from .errors import Problem, display_path, error, warning
from .files import Refused, cannot_read, markup_kind, open_inside, read_inside, script_problems, walk_error
from .privacy import allowed, masked, scan


@dataclass(frozen=True)
class Allowed:
    """The personal data a story's files may publish, and whether the rest is an error or a warning."""

    texts: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    warn: bool = False


@dataclass(frozen=True)
class Copy:
    """A file copied into the site as it is."""

    source: Path
    path: str
    within: Path | None = None  # the resolved folder it must resolve inside; None: the folder it is in
    where: str = "its folder"  # that folder, in words
    checked: bool = False  # refused when it can run script (a story's file without allow_html)
    allowed: Allowed | None = None  # read for personal data, if text, when not None (a story's file)

    @property
    def folder(self) -> Path:
        """The resolved folder the file must resolve inside."""
        return self.within or self.source.parent.resolve()

    def read(self) -> bytes:
        """The file's bytes, when it is a regular file inside its folder; raises Refused.

        Checked again as it is read, as the file may have been replaced since the plan was made.
        """
        data = read_inside(self.source, self.folder, self.where)
        found = script_problems(self.source.name, data, display_path(self.source)) if self.checked else []
        if found:
            raise Refused(found[0].message, found[0].hint)
        return data

    def problems(self) -> list[Problem]:
        """Errors that keep the file out of the site: where it leads, what it is, script it can run."""
        shown = display_path(self.source)
        if self.source.is_dir():
            return [folder_problem(self.source)]
        try:
            opened = open_inside(self.source, self.folder, self.where)
            with os.fdopen(opened, "rb") as file:
                head = file.read(1024) if self.checked or self.allowed else b""
                scripted = self.checked and bool(markup_kind(self.source.name, head))
                if not scripted and not (self.allowed and is_text(head)):
                    return []
                data = head + file.read()
        except Refused as refused:
            return [refused.problem(shown)]
        except OSError as exc:
            return [error(shown, 1, 1, cannot_read(exc))]
        found = script_problems(self.source.name, data, shown) if scripted else []
        return found + (personal_data(data, shown, self.allowed) if self.allowed else [])


def is_text(head: bytes) -> bool:
    """True when a file's first bytes read as UTF-8 text (the last character may be cut off)."""
    if b"\0" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as bad:
        return bad.start >= len(head) - 3
    return True


def personal_data(data: bytes, shown: str, allow: Allowed) -> list[Problem]:
    """A problem for each e-mail address, phone or identity number in a text file a story publishes."""
    found = warning if allow.warn else error
    problems = []
    for finding in scan(data.decode("utf-8", "replace")):
        if not allowed(finding, allow.texts, allow.domains):
            message = f"possible personal data: {finding.label} '{masked(finding)}'"
            hint = "remove it, or list it under the story's allow_personal_data if it may be published"
            problems.append(found(shown, finding.line, finding.column, message, hint))
    return problems


def folder_problem(folder: Path) -> Problem:
    """An error for a folder among the files to copy: a linked one, or one that cannot be read."""
    if folder.is_symlink():
        message, hint = (
            "a linked folder, whose files would be left out",
            "copy the folder in instead of linking to it",
        )
        return error(display_path(folder), 1, 1, message, hint)
    try:
        os.listdir(folder)
    except OSError as exc:
        return walk_error(exc)
    return error(display_path(folder), 1, 1, "a folder, not a file")


def static_copy(source: Path, name: str, config: SiteConfig) -> Copy:
    """A static file of the site's templates or of the theme, which must resolve inside that folder."""
    folder = source.parents[len(PurePosixPath(name).parts)]  # the folder holding static/
    where = "the templates folder" if folder == config.templates_dir else "the theme"
    return Copy(source, f"static/{name}", folder.resolve(), where)
