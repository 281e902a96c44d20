"""The `insole` command: runs what was asked, prints its problems and messages, and exits with a code."""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .arguments import parser
from .build import build, check
from .errors import BuildFailed, Problem, display_path, visible
from .exporting import run_export, run_schema
from .insights import insights
from .messages import due_lines, gathered, plural, queue_lines, report, summary
from .options import Options
from .render import Progress
from .report import report_data, report_lines
from .shell import (
    CONTENT_ERRORS,
    INTERRUPTED,
    OK,
    TERMINATED,
    USAGE,
    Terminated,
    open_standard_streams,
    terminated,
)
from .starting import declared_groupings, run_init, run_new


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code."""
    for stream in (sys.stdout, sys.stderr):  # a terminal that takes no UTF-8 gets escapes, not a traceback
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    try:
        args, _ = parser().parse_known_args(argv)
        # `new` has an option for each grouping the site declares, so its command line is read again.
        return run(parser(declared_groupings(args.site) if args.command == "new" else ()).parse_args(argv))
    except BrokenPipeError:  # `insole report | head` closed the pipe; that is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return OK
    except OSError as exc:  # mostly what insole prints could not be written: a full disk under `> file`
        about = f"{display_path(Path(os.fsdecode(exc.filename)))}" if exc.filename else "could not print"
        with contextlib.suppress(OSError):
            print(f"insole: {about}: {exc.strerror or exc}", file=sys.stderr)
        return CONTENT_ERRORS
    except KeyboardInterrupt as stopped:
        clear_progress()
        how = "stopped by SIGTERM" if isinstance(stopped, Terminated) else "interrupted"
        print(f"insole: {how}; the output folder holds the last complete site", file=sys.stderr)
        return TERMINATED if isinstance(stopped, Terminated) else INTERRUPTED


def entry() -> None:
    """The `insole` program: run the command, then end the process at once.

    Freeing every story and page one by one at exit takes a tenth of a build with
    nothing changed; the files are written and closed by then, so nothing is lost.
    """
    open_standard_streams()
    signal.signal(signal.SIGTERM, terminated)
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:
            pass
        except OSError:  # what was printed is lost, so the run did not do all it was asked
            code = code or CONTENT_ERRORS
    os._exit(code)


def run(args: argparse.Namespace) -> int:
    """Run the parsed command."""
    if args.command == "init":
        return run_init(args.folder)
    if not (args.site / "site.yaml").is_file():
        print(
            f"insole: no site.yaml in {display_path(args.site)}"
            " (run insole in a library's folder, give --site DIR, or start one with insole init DIR)",
            file=sys.stderr,
        )
        return USAGE
    if args.command == "new":
        return run_new(args)
    if args.command == "schema":
        return run_schema(args.site, args.output)
    options = Options(
        root=args.site,
        output=getattr(args, "output", None),
        drafts=args.drafts,
        strict=args.strict,
        search=getattr(args, "search", True),
        force=getattr(args, "force", False),
        cache=args.cache,
    )
    if args.command == "serve":
        return run_serve(options, args.host, args.port)
    # One build makes few reference cycles, and the cycle collector would walk every
    # parsed story again and again (a third of a build with nothing changed). `serve`
    # runs for hours, so it keeps collecting.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if args.command == "report":
            return run_report(options, args.json)
        if args.command == "export":
            return run_export(options, args.csv, args.json)
        return run_build(args.command, options, getattr(args, "review", False))
    finally:
        if collecting:
            gc.enable()


def run_build(command: str, options: Options, review: bool = False) -> int:
    """`insole build` and `insole check`; `review` lists the review queue instead of the stories due."""
    progress = progress_line(time.perf_counter()) if sys.stderr.isatty() else None
    try:
        result = build(options, progress, waiting) if command == "build" else check(options, progress)
    except BuildFailed as failed:
        clear_progress()
        report(failed.problems)
        errors = sum(p.is_error for p in failed.problems)
        print(f"insole: {plural(errors, 'error')}; nothing was written", file=sys.stderr)
        return CONTENT_ERRORS
    clear_progress()
    report(result.problems)
    for line in queue_lines(result.queue) if review else due_lines(result.due):
        print(line)
    print(summary(command, result))
    return OK


def waiting(output: Path) -> None:
    """Say that this build waits for another build of the same output folder."""
    clear_progress()
    shown = display_path(output)
    print(f"insole: waiting for another build of {shown}/ to finish", file=sys.stderr, flush=True)


def run_report(options: Options, as_json: bool) -> int:
    """`insole report`: the evidence and gaps, as text or as JSON."""
    site = gathered(options, "no report")
    if site is None:
        return CONTENT_ERRORS
    found = insights(site.library)
    if as_json:
        print(json.dumps(report_data(site.library, site.config, found), ensure_ascii=False, indent=2))
    else:
        print("\n".join(visible(line) for line in report_lines(site.library, site.config, found)))
    return OK


def run_serve(options: Options, host: str, port: int) -> int:
    """`insole serve`: runs until Ctrl-C."""
    # Imported here: the web server and the file watcher take a while to load, and only
    # this command needs them.
    from .serve import serve

    def announce(message: str) -> None:
        print(message, flush=True)

    def rebuilt(ok: bool, problems: list[Problem], seconds: float) -> None:
        report(problems)
        stamp = time.strftime("%H:%M:%S")
        if ok:
            print(f"{stamp} built in {seconds * 1000:.0f} ms", flush=True)
        else:
            errors = sum(p.is_error for p in problems)
            print(f"{stamp} {plural(errors, 'error')}; still serving the last good build", flush=True)

    try:
        serve(options, host, port, announce, rebuilt)
    except KeyboardInterrupt:
        print("\nStopped.")
    except OSError as exc:
        print(f"insole: cannot serve on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return USAGE
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
