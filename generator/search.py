"""Full-text search: the Pagefind index, made from a site's written pages."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from .config import SiteConfig
from .errors import BuildFailed, Problem, display_path, error
from .output import BUNDLE  # the index's folder inside the site; search.html loads pagefind.js from it

TIMEOUT = 600  # seconds
SHOWN_LINES = 5


def pagefind_binary() -> Path | None:
    """The Pagefind program installed with insole (the `pagefind[bin]` package), or None."""
    try:
        from pagefind_bin import get_executable  # type: ignore[import-untyped]
    except ImportError:
        return None
    try:
        return Path(get_executable())
    except FileNotFoundError:
        return None


def index_site(folder: Path, language: str, shown: str) -> None:
    """Write the search index of the site in `folder` into its pagefind/ folder.

    The whole index is in the interface language, so words are stemmed as that language
    inflects them. Raises BuildFailed, naming `shown`, when Pagefind is missing or fails.
    """
    binary = pagefind_binary()
    if binary is None:
        hint = "install it with pip install 'pagefind[bin]', or build with --no-search"
        raise BuildFailed([failure(shown, "Pagefind is not installed", hint)])
    command = [
        str(binary),
        "--site",
        str(folder),
        "--output-subdir",
        BUNDLE,
        "--force-language",
        language,
        "--quiet",
    ]
    try:
        ran = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BuildFailed([failure(shown, f"Pagefind did not run: {exc}")]) from None
    if ran.returncode != 0:
        said = (ran.stderr.strip() or ran.stdout.strip()).splitlines()[-SHOWN_LINES:]
        raise BuildFailed([failure(shown, "Pagefind failed: " + " / ".join(said or ["no output"]))])


def failure(shown: str, message: str, hint: str = "build with --no-search to skip it") -> Problem:
    """An error about the search index, naming the output folder."""
    return error(shown, 1, 1, f"could not make the search index: {message}", hint)


def indexer(config: SiteConfig) -> Callable[[Path], None]:
    """The step that indexes a site written for `config`, given the folder it was written to."""
    shown = display_path(config.output)
    return lambda folder: index_site(folder, config.language, shown)
