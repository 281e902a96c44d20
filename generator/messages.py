"""What the `insole` command says: the problems found, and lines of text when a command is done."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .build import Result
from .errors import BuildFailed, Problem, display_path, visible
from .gather import Site, gather
from .options import Options
from .review import AGE, REVIEW_BY, Due, Queued


def due_lines(due: Sequence[Due]) -> list[str]:
    """The stories due for review, each at its review_by (or its date), after a heading."""
    lines = [f"{plural(len(due), 'story')} due for review:"] if due else []
    for story in due:
        since = story.since.isoformat()
        why = (
            f"review_by {since} has passed"
            if story.reason == REVIEW_BY
            else f"no review_by, and older than review_after_months since {since}"
        )
        place = f"{story.path}:{story.spot.line}:{story.spot.column}"
        lines.append(visible(f"  {place}: '{story.title}': {why}"))
    return lines


def queue_lines(queue: Sequence[Queued]) -> list[str]:
    """The review queue: each story due at its place, why, who wrote it and its last change; then a count."""
    why = {REVIEW_BY: "review_by has passed", AGE: "older than review_after_months"}
    lines = []
    for item in queue:
        due = item.due
        notes = [why.get(due.reason, "not changed for review_after_months")]
        if item.author:
            notes.append(f"written up by {item.author}")
        if item.changed:
            notes.append(f"last changed {item.changed.date.isoformat()} by {', '.join(item.changed.authors)}")
        place = f"{due.path}:{due.spot.line}:{due.spot.column}"
        lines.append(visible(f"{place}: due for review since {due.since.isoformat()} ({'; '.join(notes)})"))
    if not queue:
        return ["No story is due for review"]
    return [*lines, f"{plural(len(queue), 'story')} due for review, the first since {queue[0].due.since}"]


def plural(n: int, noun: str) -> str:
    """`n` and the noun, in the plural unless n is one."""
    plurals = {"story": "stories"}
    return f"{n} {noun if n == 1 else plurals.get(noun, noun + 's')}"


def summary(command: str, result: Result) -> str:
    """One line saying what was done."""
    tail = f", {plural(len(result.problems), 'warning')}" if result.problems else ""
    stories, pages = plural(result.stories, "story"), plural(result.pages, "page")
    if command == "check":
        return f"Checked {stories} and {pages} in {result.seconds:.2f} s{tail}"
    assert result.output is not None
    return (
        f"Built {stories} into {display_path(result.output)}/ "
        f"({pages}, {plural(result.files, 'file')}, {result.written} written) in {result.seconds:.2f} s{tail}"
    )


def report(problems: Sequence[Problem]) -> None:
    """Print each problem once, in file order."""
    for problem in dict.fromkeys(sorted(problems)):
        print(problem, file=sys.stderr)


def gathered(options: Options, instead: str) -> Site | None:
    """The library read and checked, its problems printed; None, saying what is `instead`, on errors."""
    try:
        site = gather(options, writing=False)
    except BuildFailed as failed:
        report(failed.problems)
        errors = sum(p.is_error for p in failed.problems)
        print(f"insole: {plural(errors, 'error')}; {instead}", file=sys.stderr)
        return None
    report(site.problems)
    return site
