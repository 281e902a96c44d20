"""The `insole` command: arguments, messages and exit codes."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import json
import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .build import Options, Result, build, check, gather
from .config import load_config
from .errors import BuildFailed, Problem, display_path, has_errors, visible
from .insights import insights
from .render import Progress
from .report import report_data, report_lines
from .review import REVIEW_BY, Due
from .scaffold import init_library, new_story_path, story_text, unknown_terms
from .schema import SCHEMA_TITLE, story_schema

OK, CONTENT_ERRORS, USAGE = 0, 1, 2
MAX_PORT = 65535  # the highest TCP port
MAX_SCHEMA_BYTES = 10_000_000  # far more than any schema of a vocabulary
INTERRUPTED = 130  # what shells report for a program ended by Ctrl-C
TERMINATED = 143  # what shells report for a program ended by SIGTERM
STANDARD_STREAMS = 3  # standard input, output and error


def parser() -> argparse.ArgumentParser:
    """The command line: one sub-command for each thing insole does."""
    main = argparse.ArgumentParser(
        prog="insole",
        description="Turn a folder of customer stories into a cross-linked website.",
        epilog="Run 'insole COMMAND --help' for a command's options. "
        "Exit codes: 0 success, 1 content errors, 2 usage errors, 130 stopped by Ctrl-C, 143 by SIGTERM.",
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
    site.add_argument(
        "--no-cache",
        dest="cache",
        action="store_false",
        help="parse every story again instead of taking unchanged ones from the cache folder "
        "($INSOLE_CACHE_DIR, else ~/.cache/insole)",
    )
    run = commands.add_parser(
        "build",
        parents=[site],
        help="build the site into its output folder",
        description="Build the site. The previous output stays as it was if anything is wrong.",
    )
    run.add_argument(
        "--output", type=Path, metavar="DIR", help="write here instead of the 'output' of site.yaml"
    )
    run.add_argument(
        "--force",
        action="store_true",
        help="write into an output folder that holds files insole did not write, keeping every one of them",
    )
    run.add_argument(
        "--no-search",
        dest="search",
        action="store_false",
        help="skip the search index (the search page then says search is not available)",
    )
    commands.add_parser(
        "check",
        parents=[site],
        help="check stories, vocabulary and links; write nothing",
        description="Check everything a build checks, and every link inside "
        "the site, without writing anything.",
    )
    gaps = commands.add_parser(
        "report",
        parents=[site],
        help="show what the stories do not tell yet: thin evidence and gaps",
        description="List needs backed by one story or one kind of source, needs and processes "
        "no story shows, co-creation tried in one mode only, stories without co-creation and "
        "declared terms nobody uses, each with the address of its page.",
    )
    gaps.add_argument("--json", action="store_true", help="write the report as JSON")
    schema = commands.add_parser(
        "schema",
        help="write a JSON Schema of story front matter, for editors",
        description="Write a JSON Schema (draft 2020-12) of story front matter with the site's "
        "vocabulary as the allowed terms, so that editors complete and check them.",
    )
    schema.add_argument("--site", type=Path, default=Path("."), metavar="DIR", help="the library's folder")
    schema.add_argument(
        "--output", type=Path, metavar="FILE", help="write it to this file instead of printing it"
    )
    live = commands.add_parser(
        "serve",
        parents=[site],
        help="build, serve on this computer, rebuild and reload on every change",
        description="Build the site into a temporary folder and serve it on 127.0.0.1. Every "
        "saved change rebuilds the site and reloads the browser; errors show in the browser.",
    )
    live.add_argument("--port", type=port_number, default=8000, help="the port to serve on (default: 8000)")
    live.add_argument(
        "--host", default="127.0.0.1", help="the address to serve on (default: 127.0.0.1, this computer only)"
    )
    new = commands.add_parser(
        "new",
        help="write a new story file, dated today",
        description="Write content/stories/<slug>.md with today's date, the given terms filled "
        "in and the vocabulary's choices as comments.",
    )
    new.add_argument("title", help="the story's title")
    new.add_argument("--site", type=Path, default=Path("."), metavar="DIR", help="the library's folder")
    new.add_argument("--need", action="append", default=[], metavar="SLUG", help="a need (repeatable)")
    new.add_argument("--process", action="append", default=[], metavar="SLUG", help="a process (repeatable)")
    new.add_argument("--source", default="", metavar="SLUG", help="how the story was learned")
    init = commands.add_parser(
        "init",
        help="start a new library in a folder",
        description="Write site.yaml with a small vocabulary and one example story into a new "
        "or empty folder.",
    )
    init.add_argument("folder", type=Path, metavar="DIR", help="the folder to create")
    return main


def port_number(text: str) -> int:
    """A TCP port from the command line: a whole number from 0 (any free port) to 65535."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= MAX_PORT:
        message = f"'{text}' is not a port number (0 to {MAX_PORT}; 0 takes any free one)"
        raise argparse.ArgumentTypeError(message)
    return port


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: the build stops the way Ctrl-C stops it."""


def terminated(signum: int, frame: object) -> None:
    """Stop the command where it is, so that it cleans up as after Ctrl-C."""
    raise Terminated()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code."""
    for stream in (sys.stdout, sys.stderr):  # a terminal that takes no UTF-8 gets escapes, not a traceback
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    try:
        return run(parser().parse_args(argv))
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


def open_standard_streams() -> None:
    """Give a closed standard stream /dev/null, so no file insole opens takes its number."""
    for number in range(STANDARD_STREAMS):
        try:
            os.fstat(number)
        except OSError:
            os.dup2(os.open(os.devnull, os.O_RDWR), number)  # a program writing there writes nowhere
    if sys.stdout is None:
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115 - it lives as long as the process
    if sys.stderr is None:
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115 - it lives as long as the process


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
        return run_build(args.command, options)
    finally:
        if collecting:
            gc.enable()


def run_build(command: str, options: Options) -> int:
    """`insole build` and `insole check`."""
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
    for line in due_lines(result.due):
        print(line)
    print(summary(command, result))
    return OK


def waiting(output: Path) -> None:
    """Say that this build waits for another build of the same output folder."""
    clear_progress()
    shown = display_path(output)
    print(f"insole: waiting for another build of {shown}/ to finish", file=sys.stderr, flush=True)


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


def run_report(options: Options, as_json: bool) -> int:
    """`insole report`: the evidence and gaps, as text or as JSON."""
    try:
        site = gather(options, writing=False)
    except BuildFailed as failed:
        report(failed.problems)
        errors = sum(p.is_error for p in failed.problems)
        print(f"insole: {plural(errors, 'error')}; no report", file=sys.stderr)
        return CONTENT_ERRORS
    report(site.problems)
    found = insights(site.library)
    if as_json:
        print(json.dumps(report_data(site.library, site.config, found), ensure_ascii=False, indent=2))
    else:
        print("\n".join(visible(line) for line in report_lines(site.library, site.config, found)))
    return OK


def run_schema(root: Path, output: Path | None) -> int:
    """`insole schema`: the JSON Schema of story front matter, printed or written to a file."""
    try:
        config, problems = load_config(root)
    except BuildFailed as failed:
        report(failed.problems)
        return CONTENT_ERRORS
    report(problems)
    if has_errors(problems):
        return CONTENT_ERRORS
    text = json.dumps(story_schema(config), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        print(text, end="")
        return OK
    if os.path.lexists(output) and not is_story_schema(output):
        shown = display_path(output)
        print(
            f"insole: {shown} is there and is not a schema insole wrote; choose another file", file=sys.stderr
        )
        return USAGE
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"insole: cannot write {display_path(output)}: {exc.strerror or exc}", file=sys.stderr)
        return USAGE
    print(f"wrote {display_path(output)}")
    return OK


def is_story_schema(path: Path) -> bool:
    """True for a regular file holding a schema `insole schema` wrote, which it may write over."""
    try:
        if not path.is_file() or path.is_symlink() or path.stat().st_size > MAX_SCHEMA_BYTES:
            return False
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(found, dict) and str(found.get("title", "")).startswith(SCHEMA_TITLE)


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


def run_new(args: argparse.Namespace) -> int:
    """`insole new "Title"`."""
    try:
        config, _ = load_config(args.site)
    except BuildFailed as failed:
        report(failed.problems)
        return CONTENT_ERRORS
    vocabulary = config.vocabulary
    wrong = unknown_terms(args.need, vocabulary.needs, "needs")
    wrong += unknown_terms(args.process, vocabulary.processes, "processes")
    wrong += unknown_terms([args.source] if args.source else [], vocabulary.sources, "sources")
    for message in wrong:
        print(f"insole: {message}", file=sys.stderr)
    if wrong:
        return USAGE
    path = new_story_path(config, args.title)
    text = story_text(config, args.title, dt.date.today(), args.need, args.process, args.source)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as file:  # "x": never over a file that is there
            try:
                file.write(text)
            except BaseException:
                path.unlink()  # the empty file just made, not a story
                raise
    except FileExistsError:
        print(f"insole: {display_path(path)} already exists; choose another title", file=sys.stderr)
        return USAGE
    except OSError as exc:
        print(f"insole: cannot write {display_path(path)}: {exc.strerror or exc}", file=sys.stderr)
        return USAGE
    print(display_path(path))
    return OK


def run_init(folder: Path) -> int:
    """`insole init DIR`."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        print(f"insole: {display_path(folder)} is not empty; choose a new folder", file=sys.stderr)
        return USAGE
    try:
        written = init_library(folder, dt.date.today())
    except OSError as exc:
        print(f"insole: cannot write {display_path(folder)}: {exc.strerror or exc}", file=sys.stderr)
        return USAGE
    for path in written:
        print(f"wrote {display_path(path)}")
    print(f"Next: cd {display_path(folder)} && insole serve")
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
        f"({pages}, {plural(result.files, 'file')}, {result.written} written) in {result.seconds:.2f} s{tail}"
    )
