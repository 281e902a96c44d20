"""The `insole` command: arguments, messages and exit codes."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .build import Options, Result, build, check
from .errors import BuildFailed, Problem, display_path
from .render import Progress

OK, CONTENT_ERRORS, USAGE = 0, 1, 2


def parser() -> argparse.ArgumentParser:
    """The command line: one sub-command for each thing insole does."""
    main = argparse.ArgumentParser(
        prog="insole",
        description="Turn a folder of customer stories into a cross-linked website.",
        epilog="Run 'insole COMMAND --help' for a command's options. "
        "Exit codes: 0 success, 1 content errors, 2 usage errors.",
    )
    main.add_argument("--version", action="version", version=f"insole {__version__}")
    commands = main.add_subparsers(dest="command", metavar="COMMAND", required=True)
    site = argparse.ArgumentParser(add_help=False)
    site.add_argument(
        "--site",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the folder with site.yaml and content/ (default: this folder)",
    )
    site.add_argument("--strict", action="store_true", help="treat every warning as an error")
    site.add_argument("--drafts", action="store_true", help="include stories with status: draft")
    run = commands.add_parser(
        "build",
        parents=[site],
        help="build the site into its output folder",
        description="Build the site. The previous output stays as it was if anything is wrong.",
    )
    run.add_argument(
        "--output", type=Path, metavar="DIR", help="write here instead of the 'output' of site.yaml"
    )
    commands.add_parser(
        "check",
        parents=[site],
        help="check stories, vocabulary and links; write nothing",
        description="Check everything a build checks, and every link inside "
        "the site, without writing anything.",
    )
    return main


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code."""
    args = parser().parse_args(argv)
    options = Options(
        root=args.site, output=getattr(args, "output", None), drafts=args.drafts, strict=args.strict
    )
    if not (args.site / "site.yaml").is_file():
        print(
            f"insole: no site.yaml in {display_path(args.site)}"
            " (run insole in a library's folder, or give --site DIR)",
            file=sys.stderr,
        )
        return USAGE
    progress = progress_line(time.perf_counter()) if sys.stderr.isatty() else None
    try:
        result = build(options, progress) if args.command == "build" else check(options, progress)
    except BuildFailed as failed:
        clear_progress()
        report(failed.problems)
        errors = sum(p.is_error for p in failed.problems)
        print(f"insole: {plural(errors, 'error')}; nothing was written", file=sys.stderr)
        return CONTENT_ERRORS
    clear_progress()
    report(result.problems)
    print(summary(args.command, result))
    return OK


def progress_line(started: float) -> Progress:
    """A progress reporter that shows pages made so far once work takes over a second."""

    def show(done: int, total: int) -> None:
        if time.perf_counter() - started > 1:
            print(f"\r  {done}/{total} pages", end="", file=sys.stderr, flush=True)

    return show


def clear_progress() -> None:
    """Remove the progress line from the terminal."""
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr, flush=True)


def report(problems: Sequence[Problem]) -> None:
    """Print each problem once, in file order."""
    for problem in dict.fromkeys(sorted(problems)):
        print(problem, file=sys.stderr)


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
        f"({pages}, {plural(result.files, 'file')}) in {result.seconds:.2f} s{tail}"
    )
