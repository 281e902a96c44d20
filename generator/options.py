"""What the person asked a build to do."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Options:
    """What the person asked the build to do."""

    root: Path = Path(".")
    output: Path | None = None
    drafts: bool = False
    strict: bool = False
    search: bool = True  # make the search index (`--no-search` turns it off)
    force: bool = False  # replace an output folder insole did not write
    today: dt.date | None = None  # stories dated after it are not published; None: the real today
    cache: bool = True  # keep what the next build can reuse in the user's cache folder
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)  # processes to parse and render in
    part_pages: int | None = None  # most story pages in a part of the search index; None: by size
