"""Problems found in a site's files: located, collected, never swallowed."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    """How serious a problem is."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, at a place in a file."""

    path: str
    line: int
    column: int
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        text = f"{self.path}:{self.line}:{self.column}: {self.severity.value}: {self.message}{hint}"
        return visible(text)

    @property
    def is_error(self) -> bool:
        """True when the problem stops a build."""
        return self.severity is Severity.ERROR


def visible(text: str) -> str:
    """Text with control characters written as escapes, so that it stays one line and moves no cursor.

    Messages quote what files hold, and a terminal obeys escape sequences in what it prints.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def error(path: str, line: int, column: int, message: str, hint: str = "") -> Problem:
    """An error at a place in a file."""
    return Problem(path, line, column, message, hint, Severity.ERROR)


def warning(path: str, line: int, column: int, message: str, hint: str = "") -> Problem:
    """A warning at a place in a file."""
    return Problem(path, line, column, message, hint, Severity.WARNING)


def strict(problems: Iterable[Problem]) -> list[Problem]:
    """The problems with every warning raised to an error (`--strict`)."""
    return [replace(p, severity=Severity.ERROR) for p in problems]


def has_errors(problems: Iterable[Problem]) -> bool:
    """True when any problem is an error."""
    return any(p.is_error for p in problems)


def did_you_mean(word: str, choices: Iterable[str], count: int = 3) -> str:
    """A hint naming the choices closest to a misspelt word, or ''."""
    likely = difflib.get_close_matches(word, list(choices), n=count, cutoff=0.5)
    # difflib counts shared letters in any order ('colour' and 'source' share "our"); a
    # suggestion must also be a few keystrokes away: two, or a third of a longer word.
    close = [choice for choice in likely if edits(word, choice) <= max(2, len(word) // 3)]
    if not close:
        return ""
    return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"


def edits(first: str, second: str) -> int:
    """How many letters to insert, delete, change or swap with the next to make one word the other."""
    before: list[int] = []
    row = list(range(len(second) + 1))
    for i, letter in enumerate(first, 1):
        current = [i]
        for j, other in enumerate(second, 1):
            cost = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (letter != other))
            if i > 1 and j > 1 and letter == second[j - 2] and first[i - 2] == other:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        before, row = row, current
    return row[-1]


class BuildFailed(Exception):
    """Raised when a step cannot go on; carries every problem found so far."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def display_path(path: Path) -> str:
    """A file's path as a person at this terminal would type it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative
