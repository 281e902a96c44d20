"""The commands that write the library as data for other tools: `insole export` and `insole schema`."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from pathlib import Path

from .config import load_config
from .data import library_csv, library_json
from .errors import BuildFailed, display_path, has_errors
from .messages import gathered, report
from .options import Options
from .schema import SCHEMA_TITLE, story_schema
from .shell import CONTENT_ERRORS, OK, USAGE

MAX_SCHEMA_BYTES = 10_000_000  # far more than any schema of a vocabulary


def run_export(options: Options, as_csv: Path | None, as_json: Path | None) -> int:
    """`insole export`: the stories as CSV, the library as JSON, or both; no site is written."""
    wanted = [(path, kind) for path, kind in ((as_csv, "csv"), (as_json, "json")) if path is not None]
    refused = export_refusal([path for path, _ in wanted])
    if refused:
        print(f"insole: {refused}", file=sys.stderr)
        return USAGE
    site = gathered(options, "nothing was exported")
    if site is None:
        return CONTENT_ERRORS
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
