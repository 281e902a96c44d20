"""The `insole` command: runs what was asked, prints its problems and messages, and exits with a code."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import json
import os
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from .arguments import parser
from .build import build, check
from .config import SiteConfig, load_config
from .data import library_csv, library_json
from .errors import BuildFailed, Problem, display_path, has_errors, visible
from .gather import gather
from .insights import insights
from .messages import due_lines, plural, summary
from .options import Options
from .render import Progress
from .report import report_data, report_lines
from .scaffold import (
    BEFORE_INIT,
    Chosen,
    ask_terms,
    init_library,
    new_story_path,
    story_text,
    unknown_co_creation,
    unknown_terms,
)
from .schema import SCHEMA_TITLE, story_schema
from .shell import INTERRUPTED, TERMINATED, Terminated, open_standard_streams, terminated

OK, CONTENT_ERRORS, USAGE = 0, 1, 2
MAX_SCHEMA_BYTES = 10_000_000  # far more than any schema of a vocabulary


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


def run_export(options: Options, as_csv: Path | None, as_json: Path | None) -> int:
    """`insole export`: the stories as CSV, the library as JSON, or both; no site is written."""
    wanted = [(path, kind) for path, kind in ((as_csv, "csv"), (as_json, "json")) if path is not None]
    refused = export_refusal([path for path, _ in wanted])
    if refused:
        print(f"insole: {refused}", file=sys.stderr)
        return USAGE
    try:
        site = gather(options, writing=False)
    except BuildFailed as failed:
        report(failed.problems)
        errors = sum(p.is_error for p in failed.problems)
        print(f"insole: {plural(errors, 'error')}; nothing was exported", file=sys.stderr)
        return CONTENT_ERRORS
    report(site.problems)
    printing = any(str(path) == "-" for path, _ in wanted)  # then the data alone goes to stdout
    for path, kind in wanted:
        if kind == "csv":
            text = library_csv(site.library, site.config)
        else:
            text = library_json(site.library, site.config) + "\n"
        if str(path) == "-":
            sys.stdout.write(text)
            continue
        try:
            # A spreadsheet reads a CSV file as UTF-8 only when it starts with the byte order mark.
            write_whole(path, text.encode("utf-8-sig" if kind == "csv" else "utf-8"))
        except OSError as exc:
            print(f"insole: cannot write {display_path(path)}: {exc.strerror or exc}", file=sys.stderr)
            return USAGE
        print(f"wrote {display_path(path)}", file=sys.stderr if printing else sys.stdout)
    return OK


def export_refusal(paths: list[Path]) -> str:
    """Why files cannot be exported to these paths, or '' when they can."""
    if not paths:
        return "export needs --csv FILE, --json FILE or both ('-' prints it)"
    if len(paths) == 2 and str(paths[0]) == str(paths[1]):
        return f"--csv and --json both name {display_path(paths[0])}; give each its own file"
    for path in paths:
        if str(path) != "-" and path.is_dir():
            return f"{display_path(path)} is a folder; give the name of a file to write"
    return ""


def write_whole(path: Path, data: bytes) -> None:
    """Write a file in one step: a reader sees the old file or the new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(name, 0o644)
        os.replace(name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise


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
    chosen = chosen_terms(args, config)
    if chosen is None:
        return USAGE
    path = new_story_path(config, args.title)
    text = story_text(config, args.title, dt.date.today(), chosen)
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
    if not chosen.complete:
        print(
            f"insole: {display_path(path)} is a draft until it names its needs and processes;"
            " then set status: published",
            file=sys.stderr,
        )
    return OK


def chosen_terms(args: argparse.Namespace, config: SiteConfig) -> Chosen | None:
    """The terms given on the command line, or asked for on a terminal; None if one is not declared."""
    vocabulary = config.vocabulary
    given = {"needs": args.need, "processes": args.process, "sources": [args.source] if args.source else []}
    given |= {grouping.key: getattr(args, f"filed_{grouping.key}", []) for grouping in vocabulary.extra}
    options = {"needs": "--need", "processes": "--process", "sources": "--source"}
    wrong = unknown_co_creation(args.co_creation, vocabulary.co_creation)
    for key, terms in given.items():
        wrong += unknown_terms(terms, vocabulary.grouping(key), key, options.get(key, f"--{key}"))
    for message in wrong:
        print(f"insole: {message}", file=sys.stderr)
    if wrong:
        return None
    if sys.stdin.isatty():
        for key in ("needs", "processes"):
            if not given[key]:
                given[key] = list(ask_terms(key, vocabulary.grouping(key), ask))
    terms = {key: tuple(dict.fromkeys(values)) for key, values in given.items()}
    parts = (entry.partition(":") for entry in args.co_creation)
    return Chosen(terms, tuple(dict.fromkeys((slug, mode) for slug, _, mode in parts)))


def declared_groupings(site: Path) -> list[str]:
    """The keys of the groupings a site declares; none when its site.yaml cannot be read (`new` says why)."""
    try:
        config, _ = load_config(site)
    except (BuildFailed, OSError):
        return []
    return [grouping.key for grouping in config.vocabulary.extra]


def ask(question: str) -> str:
    """A line typed at the terminal; nothing at the end of input."""
    try:
        return input(question)
    except EOFError:
        return ""


def run_init(folder: Path) -> int:
    """`insole init DIR`."""
    if folder.exists() and (not folder.is_dir() or any(p.name not in BEFORE_INIT for p in folder.iterdir())):
        print(f"insole: {display_path(folder)} is not empty; choose a new folder", file=sys.stderr)
        return USAGE
    try:
        written = init_library(folder, dt.date.today())
    except OSError as exc:
        print(f"insole: cannot write {display_path(folder)}: {exc.strerror or exc}", file=sys.stderr)
        return USAGE
    for path in written:
        print(f"wrote {display_path(path)}")
    shown = display_path(folder)
    print("Next: insole serve" if shown == "." else f"Next: cd {shown} && insole serve")
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
