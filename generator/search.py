"""Full-text search: the Pagefind index of the story pages, made in parts by date."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import stat
import subprocess
from collections.abc import Iterable
from pathlib import Path

from .config import SiteConfig
from .environment import theme_only
from .errors import BuildFailed, Problem, display_path, error
from .library import Library
from .output import Index
from .pages import story_url

TIMEOUT = 600  # seconds
SHOWN_LINES = 5
# Pagefind has no way to update an index, and its time and memory grow with the pages it
# reads (about 3 GB for 10,000 stories), so the index is made in parts of at most this many
# story pages, each made again only when one of its pages changed.
PART_PAGES = 1000
# A smaller library has smaller parts, so an edit re-indexes fewer pages, but not so small
# that the search page has many to open: about eight parts until parts reach PART_PAGES.
SMALLEST_PART = 250
PARTS_WANTED = 8
# Pagefind leaves part of two cores idle (it compresses its files on one), so two parts are
# made at once where there are the cores; each run holds about 270 MB for 1,000 pages.
PARTS_AT_ONCE = 2
ENTRY = "pagefind-entry.json"  # what the search page reads first: the bundle's languages and their files
UNUSED = ("pagefind-ui.*", "pagefind-component-ui.*", "pagefind-modular-ui.*", "pagefind-highlight.js")


def search_index(
    config: SiteConfig, library: Library, part_pages: int | None = None, workers: int = 1
) -> Index:
    """The search index of a library's story pages, in parts by date, made by up to `workers` at once.

    A part holds at most `part_pages` story pages; None chooses by the library's size.
    """
    stories = {story_url(story.slug) + "index.html": story for story in library.stories.values()}
    shown = display_path(config.output)
    make = lambda pages, bundle: index_pages(pages, bundle, config.language, shown)  # noqa: E731
    # The theme's story page shows Pagefind only the story (related stories and review notes
    # are left out of the index), so a part is made again only when one of its stories changed.
    reads = {path: story.key for path, story in stories.items()} if theme_only(config) else None
    size = part_pages or part_size(len(stories))
    grouped = parts(((path, story.date) for path, story in stories.items()), size)
    return Index(grouped, make, reads, min(workers, PARTS_AT_ONCE))


def part_size(stories: int) -> int:
    """The most story pages in a part for a library of this many stories: 250, 500 or 1,000.

    The size doubles only as the library passes 2,000 and 4,000 stories, the points where
    every part is made again.
    """
    size = SMALLEST_PART
    while size < PART_PAGES and stories > size * PARTS_WANTED:
        size *= 2
    return min(size, PART_PAGES)


def parts(dated: Iterable[tuple[str, dt.date]], size: int = PART_PAGES) -> dict[str, tuple[str, ...]]:
    """Pages grouped into parts of the index by their dates, each part's name, newest part first.

    A part is a run of whole years, or whole months of a year with more than `size` pages,
    so a page moves to another part only when its date or its year's count changes, and
    a new story touches only the newest part. Within a part, pages are in path order.
    """
    years: dict[int, list[tuple[dt.date, str]]] = {}
    for path, date in dated:
        years.setdefault(date.year, []).append((date, path))
    groups: list[tuple[str, str, list[str]]] = []  # first period, last period, pages
    small = False  # whether the last group is a run of whole years that may grow
    for year in sorted(years):
        pages = years[year]
        if len(pages) > size:
            groups += _months(year, pages, size)
            small = False
        elif small and len(groups[-1][2]) + len(pages) <= size:
            groups[-1] = (groups[-1][0], str(year), groups[-1][2] + [path for _, path in pages])
        else:
            groups.append((str(year), str(year), [path for _, path in pages]))
            small = True
    named = {_name(first, last): tuple(sorted(pages)) for first, last, pages in groups}
    return dict(reversed(named.items()))


def _name(first: str, last: str) -> str:
    """A part's name: the year or month it holds, or its first and last."""
    return first if first == last else f"{first}--{last}"


def _months(year: int, pages: list[tuple[dt.date, str]], size: int) -> list[tuple[str, str, list[str]]]:
    """A big year's pages in runs of whole months of at most `size` pages (or one month, if more)."""
    months: dict[int, list[str]] = {}
    for date, path in pages:
        months.setdefault(date.month, []).append(path)
    groups: list[tuple[str, str, list[str]]] = []
    for month in sorted(months):
        period = f"{year}-{month:02d}"
        if groups and len(groups[-1][2]) + len(months[month]) <= size:
            groups[-1] = (groups[-1][0], period, groups[-1][2] + months[month])
        else:
            groups.append((period, period, list(months[month])))
    return groups


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


def index_pages(pages: Path, bundle: Path, language: str, shown: str) -> None:
    """Write the search index of the pages in the folder `pages` into the folder `bundle`.

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
        str(pages),
        "--output-path",
        str(bundle),
        "--force-language",
        language,
        "--quiet",
    ]
    try:
        ran = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise BuildFailed([failure(shown, f"Pagefind did not finish in {TIMEOUT} s")]) from None
    except OSError as exc:
        raise BuildFailed(
            [failure(shown, f"Pagefind did not run: {exc.strerror or exc}: {binary}")]
        ) from None
    if ran.returncode != 0:
        said = (ran.stderr.strip() or ran.stdout.strip()).splitlines()[-SHOWN_LINES:]
        if ran.returncode < 0:  # ended by a signal: the kernel's out-of-memory killer, or a person
            said.append(f"stopped by {signal.Signals(-ran.returncode).name}")
        raise BuildFailed([failure(shown, "Pagefind failed: " + " / ".join(said or ["no output"]))])
    wrong = unsound_bundle(bundle)
    if wrong:
        raise BuildFailed([failure(shown, f"Pagefind wrote no usable index: {wrong}")])
    # The search page brings its own interface; Pagefind's would be copied into every part.
    for pattern in UNUSED:
        for unused in bundle.glob(pattern):
            unused.unlink()


def unsound_bundle(bundle: Path) -> str:
    """What is wrong with a bundle Pagefind wrote, for the site to publish it; or ''.

    It must hold only folders and regular files (a link could publish any file of this
    computer), and the entry file the search page starts from, as JSON.
    """
    for folder, folders, files in os.walk(bundle):
        for name in [*folders, *files]:
            mode = os.lstat(Path(folder, name)).st_mode
            if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
                return f"'{Path(folder, name).relative_to(bundle).as_posix()}' is not a file or folder"
    try:
        json.loads((bundle / ENTRY).read_bytes())
    except (OSError, ValueError):
        return f"'{ENTRY}' is missing or not JSON"
    return ""


def failure(shown: str, message: str, hint: str = "build with --no-search to skip it") -> Problem:
    """An error about the search index, naming the output folder."""
    return error(shown, 1, 1, f"could not make the search index: {message}", hint)
