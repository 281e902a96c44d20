"""The stories' history from git: when each story file last changed, and who changed it."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from .errors import Problem, display_path, warning

STORIES = "content/stories"  # the folder whose history is read, relative to the site
TIMEOUT = 60  # seconds git may take; a history that takes longer is left out
COMMIT = b"@"  # the token that starts a commit in the log: no status is written so
# Settings a repository or the person could give git that change what it shows or where it looks.
LOG = (
    "-c",
    "log.showSignature=false",
    "-c",
    "core.fsmonitor=false",
    "log",
    "--no-ext-diff",
    "--no-textconv",
    "--no-color",
    "--relative",
    "--name-status",
    "-M",
    "-z",
    "--format=%x00@%x00%aI%x00%aN",
)


@dataclass(frozen=True)
class Change:
    """When a story file last changed, and who changed it, the first author first."""

    date: dt.date
    authors: tuple[str, ...]


History = Mapping[str, Change]  # by the story file's path from the site, such as content/stories/a.md


def read_history(root: Path) -> tuple[History, list[Problem]]:
    """Each story file's last change, from one `git log` of the stories folder.

    Nothing when git is missing, the site is in no git work tree, or its history is
    empty or cut short (a shallow clone would credit its first commit with every file);
    a warning when git fails or takes too long in a work tree.
    """
    shown = display_path(root / STORIES)
    try:
        asked = git(root, "rev-parse", "--is-inside-work-tree", "--is-shallow-repository")
        if asked.returncode != 0 or asked.stdout.split() != [b"true", b"false"]:
            return MappingProxyType({}), []
        logged = git(root, *LOG, "--", STORIES)
    except OSError:  # no git on this computer
        return MappingProxyType({}), []
    except subprocess.TimeoutExpired:
        hint = "the story pages are made without their history"
        return MappingProxyType({}), [warning(shown, 1, 1, f"git took more than {TIMEOUT} s", hint)]
    if logged.returncode != 0:
        said = logged.stderr.decode("utf-8", "replace").strip().splitlines()
        if said and "does not have any commits" in said[0]:
            return MappingProxyType({}), []
        message = "could not read the history from git" + (f": {said[0]}" if said else "")
        return MappingProxyType({}), [warning(shown, 1, 1, message)]
    return MappingProxyType(changes(logged.stdout)), []


def git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Run git on the site's folder, with none of the person's GIT_ settings and no prompt."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    env |= {"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
    return subprocess.run(
        ["git", "-C", str(root), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=env,
        timeout=TIMEOUT,
        check=False,
    )


def changes(log: bytes) -> dict[str, Change]:
    """Each file's last change from `git log -z --name-status -M`, newest commit first, following renames."""
    now: dict[str, str | None] = {}  # a path in an older commit: what the file is called now, or None if gone
    dates: dict[str, dt.date] = {}
    authors: dict[str, list[str]] = {}
    for date, author, status, paths in entries(log):
        latest = now.get(paths[-1], paths[-1])
        if status.startswith(b"D"):  # what had this path before is another file
            now[paths[-1]] = None
            continue
        if latest is None:
            continue
        if status.startswith(b"R"):
            now[paths[0]] = latest
        if date is not None:
            dates[latest] = max(date, dates.get(latest, date))
        authors.setdefault(latest, []).append(author)
    return {
        path: Change(dates[path], tuple(dict.fromkeys(reversed(names))))
        for path, names in authors.items()
        if path in dates
    }


def entries(log: bytes) -> Iterator[tuple[dt.date | None, str, bytes, tuple[str, ...]]]:
    """Each file a commit changed: the commit's date and author, the status and the paths it names."""
    tokens = iter(log.split(b"\0"))
    date: dt.date | None = None
    author = ""
    for token in tokens:
        token = token.lstrip(b"\n")
        if not token:
            continue
        if token == COMMIT:
            date = day(next(tokens, b""))
            author = next(tokens, b"").decode("utf-8", "replace")
            continue
        named = 2 if token[:1] in (b"R", b"C") else 1
        paths = tuple(os.fsdecode(next(tokens, b"")) for _ in range(named))
        yield date, author, token, paths


def day(stamp: bytes) -> dt.date | None:
    """The day of a strict ISO 8601 time as git writes it; None if it is none."""
    try:
        return dt.date.fromisoformat(stamp[:10].decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return None
