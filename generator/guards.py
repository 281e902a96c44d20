"""The output folders insole refuses to write to, and the files that stand where the site puts its own."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from .config import SiteConfig
from .errors import Problem, display_path, error, warning
from .manifest import MARKER, owned, read_marker
from .swap import is_spare, spare_of


def check_output(output: Path, config: SiteConfig, force: bool = False) -> list[Problem]:
    """Errors for an output folder insole must not write to or replace."""
    shown = display_path(output)
    out = output.resolve()
    reason = refusal(out, config)
    if reason:
        return [error(shown, 1, 1, reason, "choose another 'output' in site.yaml or --output")]
    if out.exists() and not out.is_dir():
        return [error(shown, 1, 1, "the output path is a file, not a folder")]
    if out.is_dir() and os.path.ismount(out):
        # The new site is put together beside the output and exchanged with it, which a
        # mount point cannot be; writing into it file by file would show a mix of two sites.
        hint = f"give a folder inside it, such as --output {os.path.join(shown, 'site')}"
        return [error(shown, 1, 1, "the output folder is a mount point, which insole cannot replace", hint)]
    spare = spare_of(out)
    if os.path.lexists(spare) and not is_spare(spare):
        hint = "insole puts the new site together there; move it away"
        return [error(display_path(spare), 1, 1, "this is not a folder of insole's spare site", hint)]
    if not force and out.is_dir() and any(out.iterdir()) and read_marker(out) is None:
        hint = f"insole writes only into folders it made (they hold {MARKER}); empty it, choose another,"
        hint += " or give --force to write into it and keep every file it holds"
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
    for home in home_folders():
        if home.is_relative_to(out):
            return f"the output folder contains a home folder ({home})"
    if (out / ".git").exists():
        return "the output folder is a git work tree"
    with contextlib.suppress(OSError):
        # Others may be adding files while the site is put together, and those would be left behind.
        if out.stat().st_mode & (stat.S_IWOTH | stat.S_ISVTX):
            return "the output folder is shared: others can put files in it (like /tmp)"
    return ""


def home_folders() -> set[Path]:
    """Your home folder, as $HOME and the user database give it, and root's."""
    homes = {Path.home()}
    with contextlib.suppress(ImportError, KeyError):
        import pwd  # not on Windows

        homes |= {Path(pwd.getpwuid(os.getuid()).pw_dir), Path(pwd.getpwnam("root").pw_dir)}
    return {home.resolve() for home in homes if home.is_absolute() and home != Path(home.anchor)}


def clashes(output: Path, paths: Iterable[str], force: bool) -> tuple[list[Problem], set[str]]:
    """Files insole did not write where the site puts its own, and the site's paths left to them.

    They are errors; with `force`, warnings, and the site's own files are left out.
    """
    output = output.resolve()
    site = set(paths)
    ours = owned(output, site) if output.is_dir() else None
    if ours is None and not (force and output.is_dir()):
        return [], set()
    problems: list[Problem] = []
    left: set[str] = set()
    for path in sorted(site - (ours or set())):
        theirs = _in_the_way(output, path)
        if theirs:
            left.add(path)
            problems.append(_clash(output, theirs, path, force))
    return problems, left


def _in_the_way(output: Path, path: str) -> str:
    """What stands where the site puts `path`: a file there, or where a folder of it goes; or ''."""
    parts = path.split("/")
    for end in range(1, len(parts)):
        folder = output.joinpath(*parts[:end])
        if os.path.islink(folder) or (folder.exists() and not folder.is_dir()):
            return "/".join(parts[:end])
    return path if os.path.lexists(output / path) else ""


def _clash(output: Path, path: str, wanted: str, force: bool) -> Problem:
    """The problem of one file insole did not write that stands where the site puts `wanted`."""
    shown = display_path(output / path)
    if force:
        message = f"kept this file insole did not write; the site's '{wanted}' is left out"
        return warning(shown, 1, 1, message, "move the file away to publish the site's own")
    hint = "move it away, or build with --force to keep it and leave the site's own out"
    return error(shown, 1, 1, f"insole did not write this file, and the site puts '{wanted}' here", hint)
