"""Writing the planned site: into a new folder beside the output, swapped in when complete."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from .config import SiteConfig
from .errors import Problem, display_path, error
from .pages import Copy

MARKER = ".insole-output"
MARKER_TEXT = b"This folder is written by insole and replaced by each build.\n"


def check_output(output: Path, config: SiteConfig, force: bool = False) -> list[Problem]:
    """Errors for an output folder insole must not write to or replace."""
    shown = display_path(output)
    out = output.resolve()
    reason = refusal(out, config)
    if reason:
        return [error(shown, 1, 1, reason, "choose another 'output' in site.yaml or --output")]
    if out.exists() and not out.is_dir():
        return [error(shown, 1, 1, "the output path is a file, not a folder")]
    if not force and out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        hint = (
            f"insole replaces only folders it made (they hold {MARKER}); empty it, choose another, or --force"
        )
        return [error(shown, 1, 1, "the output folder holds files insole did not write", hint)]
    return []


def refusal(out: Path, config: SiteConfig) -> str:
    """Why a resolved output folder may never be replaced, even with --force; or ''."""
    guarded = {"content folder": config.content_dir, "templates folder": config.templates_dir}
    for name, folder in {**guarded, "site folder": config.root}.items():
        folder = folder.resolve()
        if out == folder or folder.is_relative_to(out):
            return f"the output folder would replace the {name}"
        if name in guarded and out.is_relative_to(folder):
            return f"the output folder is inside the {name}"
    if out == Path.home().resolve() or out == Path(out.anchor):
        return "the output folder would replace your home folder or the whole disk"
    if (out / ".git").exists():
        return "the output folder is a git work tree"
    return ""


def write_site(
    output: Path,
    pages: Iterable[tuple[str, bytes]],
    copies: Iterable[Copy],
    finish: Callable[[Path], None] | None = None,
) -> int:
    """Write every page and copy into a new folder, then swap it for the old output.

    `finish`, if given, runs on the new folder once everything is in it, before the swap.
    """
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
    try:
        count = 0
        for path, data in pages:
            _target(staging, path).write_bytes(data)
            count += 1
        for copy in copies:
            shutil.copyfile(copy.source, _target(staging, copy.path))
            count += 1
        if finish:
            finish(staging)
        (staging / MARKER).write_bytes(MARKER_TEXT)
        _swap(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


def _target(staging: Path, path: str) -> Path:
    """The file for a site path inside the staging folder, its folder made."""
    parts = PurePosixPath(path).parts
    if not parts or PurePosixPath(path).is_absolute() or ".." in parts:
        raise ValueError(f"refusing to write outside the output folder: {path!r}")
    target = staging.joinpath(*parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def _swap(staging: Path, output: Path) -> None:
    """Put the new folder in the output's place; remove the old one only if insole made it."""
    if not output.exists():
        os.replace(staging, output)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
    os.replace(output, old / "site")
    try:
        os.replace(staging, output)
    except OSError:
        os.replace(old / "site", output)
        raise
    shutil.rmtree(old)
