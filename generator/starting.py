"""The commands that start something to write: a library (`insole init`) and a story (`insole new`)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from .config import SiteConfig, load_config
from .errors import BuildFailed, display_path
from .messages import report
from .scaffold import (
    BEFORE_INIT,
    Chosen,
    ask_terms,
    init_library,
    new_story_path,
    story_text,
    unknown_co_creation,
    unknown_terms,
    write_new,
)
from .shell import CONTENT_ERRORS, OK, USAGE


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
        write_new(path, text)
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
