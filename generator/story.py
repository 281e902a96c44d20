"""The `Story` value a story file becomes, and the slugs made from names."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem
from .yamldoc import Spot

MODES = ("synchronous", "asynchronous")
TRANSLITERATE = str.maketrans(
    {"æ": "ae", "ø": "o", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l", "þ": "th", "ð": "d"}
)
SUMMARY_LENGTH = 280
FILE_START = Spot(1, 1)


@dataclass(frozen=True)
class CoCreation:
    """A chance to create value together with the customer, named by a story."""

    opportunity: str
    mode: str
    note: str = ""


@dataclass(frozen=True)
class Story:
    """One customer story, checked, with its body as HTML."""

    slug: str
    title: str
    date: dt.date
    source_path: str
    needs: tuple[str, ...]
    processes: tuple[str, ...]
    co_creation: tuple[CoCreation, ...] = ()
    related: tuple[str, ...] = ()
    related_spots: tuple[Spot, ...] = ()
    slug_spot: Spot = FILE_START
    date_spot: Spot = FILE_START
    status_spot: Spot = FILE_START
    review_spot: Spot = FILE_START  # where review_by is, else where the date is
    customer: str = ""
    source: str = ""
    achieve: str = ""
    avoid: str = ""
    author: str = ""
    summary: str = ""
    quotes: tuple[str, ...] = ()  # the text of each blockquote of its body: the customer's own words
    review_by: dt.date | None = None
    language: str = ""
    draft: bool = False
    folder: Path | None = None
    assets: tuple[str, ...] = ()
    allow_personal_data: tuple[str, ...] = ()
    key: str = ""  # a digest of the file the story was read from, and of its place
    facts: str = ""  # a digest of all the story holds: what a page showing it depends on
    filed: tuple[tuple[str, tuple[str, ...]], ...] = ()  # its terms in each grouping site.yaml declares

    def terms(self, grouping: str) -> tuple[str, ...]:
        """The terms the story has in a grouping, by the grouping's key."""
        if grouping == "needs":
            return self.needs
        if grouping == "processes":
            return self.processes
        if grouping == "co_creation":
            return self.opportunities
        if grouping == "sources":
            return (self.source,) if self.source else ()
        return dict(self.filed).get(grouping, ())

    def __hash__(self) -> int:
        """Known by its slug and facts, which equal stories share: hashing every field is slow."""
        return hash((self.slug, self.facts))

    @property
    def opportunities(self) -> tuple[str, ...]:
        """The co-creation opportunities the story names, each once."""
        return tuple(dict.fromkeys(c.opportunity for c in self.co_creation))

    @property
    def modes(self) -> tuple[str, ...]:
        """The co-creation modes the story names, each once."""
        return tuple(dict.fromkeys(c.mode for c in self.co_creation))


# A story file's story (if it has no errors), its problems, the slug it claims even when it
# fails, and its body as HTML. The body is kept apart: only the story's own page shows it.
Read = tuple[Story | None, tuple[Problem, ...], str, str]


def slugify(text: str) -> str:
    """A URL slug: Nordic letters transliterated, lowercase ASCII words joined by hyphens."""
    # Decomposed, "å" is "a" and a combining ring, which leaves with the rest outside ASCII.
    text = unicodedata.normalize("NFKD", text.lower().translate(TRANSLITERATE))
    return re.sub(r"[^a-z0-9]+", "-", text.encode("ascii", "ignore").decode()).strip("-")


def name_slug(path: Path) -> str:
    """The slug a story file or folder's name makes."""
    return slugify(path.stem if path.suffix.lower() == ".md" else path.name)


def shorten(text: str, limit: int = SUMMARY_LENGTH) -> str:
    """Text cut at a word boundary to at most `limit` characters."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"
