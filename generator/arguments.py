"""The `insole` command's arguments: its sub-commands, their options and their help."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from . import __version__

MAX_PORT = 65535  # the highest TCP port


def parser(groupings: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The command line: one sub-command for each thing insole does; `new` takes the `groupings` too."""
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
    site.add_argument(
        "--drafts",
        action="store_true",
        help="include stories with status: draft and stories dated after today",
    )
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
    checking = commands.add_parser(
        "check",
        parents=[site],
        help="check stories, vocabulary and links; write nothing",
        description="Check everything a build checks, and every link inside "
        "the site, without writing anything.",
    )
    checking.add_argument(
        "--review",
        action="store_true",
        help="list the stories due for review, the longest due first, with who wrote them "
        "and their last change, as the site's /review/ page does",
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
    export = commands.add_parser(
        "export",
        parents=[site],
        help="write the stories as a spreadsheet (CSV) or as data (JSON); build nothing",
        description="Check the library as a build does, then write one row per story to a CSV "
        "file for spreadsheets, or the whole library as JSON, the same as the site's "
        "/data/library.json. In the CSV file (UTF-8 with the byte order mark spreadsheets look "
        "for) each grouping's terms are joined with ';', and a cell starting with = + - or @ "
        "gets an apostrophe before it, so that a spreadsheet shows it instead of running it "
        "as a formula. A FILE that is there is written over; '-' prints to the terminal.",
    )
    export.add_argument("--csv", type=Path, metavar="FILE", help="write one row per story to FILE")
    export.add_argument("--json", type=Path, metavar="FILE", help="write the library as JSON to FILE")
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
        description="Build the site in memory and serve it on 127.0.0.1; the output folder is left "
        "alone. Every saved change rebuilds what it touches and reloads the browser; errors show "
        "in the browser.",
    )
    live.add_argument("--port", type=port_number, default=8000, help="the port to serve on (default: 8000)")
    live.add_argument(
        "--host", default="127.0.0.1", help="the address to serve on (default: 127.0.0.1, this computer only)"
    )
    new = commands.add_parser(
        "new",
        help="write a new story file, dated today",
        description="Write content/stories/<slug>.md with today's date, the given terms filled "
        "in and the vocabulary's choices as comments. On a terminal it asks for the needs and "
        "processes not given; without them the story is a draft.",
        epilog="Each grouping site.yaml declares has its own option too: --KEY SLUG (repeatable).",
    )
    new.add_argument("title", help="the story's title")
    new.add_argument("--site", type=Path, default=Path("."), metavar="DIR", help="the library's folder")
    new.add_argument("--need", action="append", default=[], metavar="SLUG", help="a need (repeatable)")
    new.add_argument("--process", action="append", default=[], metavar="SLUG", help="a process (repeatable)")
    new.add_argument("--source", default="", metavar="SLUG", help="how the story was learned")
    new.add_argument(
        "--co-creation",
        action="append",
        default=[],
        metavar="SLUG:MODE",
        help="a co-creation opportunity and its mode, synchronous or asynchronous (repeatable)",
    )
    for key in groupings:
        if f"--{key}" not in new._option_string_actions:  # a grouping named like an option above
            new.add_argument(f"--{key}", action="append", default=[], metavar="SLUG", dest=f"filed_{key}")
    init = commands.add_parser(
        "init",
        help="start a new library in a folder",
        description="Write site.yaml with a small vocabulary, one example story and a .gitignore "
        "for the built site into a new or empty folder (one holding only .git and .gitignore will do).",
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
