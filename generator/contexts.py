"""What each page is given to show, and a digest of it that tells when the page must be made again."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import marshal
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Any

from .digests import digest
from .groupings import Grouping
from .library import Library
from .story import Story
from .vocabulary import Term

Context = dict[str, Any]


def plain_terms(library: Library) -> dict[str, dict[str, Term]]:
    """Every term without its description, which only the term's own page and its list show."""
    return {
        g: {slug: replace(t, description="") for slug, t in terms.items()}
        for g, terms in library.terms.items()
    }


@dataclass(frozen=True)
class Shared:
    """What many pages are given alike, made once: the library without descriptions, and its terms."""

    library: Library
    plain: Library = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "plain", replace(self.library, terms=plain_terms(self.library)))

    def due(self, stories: list[Story]) -> dict[str, Any]:
        """Which of these stories are due for review, and since when."""
        due = self.library.due
        return {story.slug: due[story.slug] for story in stories if story.slug in due}

    def whole(self, described: str = "", **more: Any) -> Context:
        """The context of a page about the whole library; the terms of grouping `described` described."""
        library = self.plain
        if described:
            library = replace(library, terms={**library.terms, described: self.library.terms[described]})
        return {"library": library, "terms": library.terms, "due": library.due, **more}

    def story(self, story: Story, body: str) -> Context:
        """A story's page: the story, its body, its related stories and the terms they show."""
        related = [(link, self.library.stories[link.slug]) for link in self.library.related[story.slug]]
        due = self.due([story, *(other for _, other in related)])
        return {"story": story, "body": body, "related": related, "terms": self.plain.terms, "due": due}

    def term(self, grouping: Grouping, term: Term) -> Context:
        """A term's page: the term, its stories, how well it is backed, what it goes together with."""
        key, slug, library = grouping.key, term.slug, self.library
        stories = library.stories_of(key, slug)
        return {
            "grouping": grouping,
            "term": term,
            "stories": stories,
            "backing": library.evidence[key].get(slug) if grouping.backed else None,
            "together": {other: self.plain.with_term(key, slug, other) for other, _, _ in grouping.shows},
            "modes": [(mode, counts.get(slug, 0)) for mode, counts in library.modes.items()],
            "terms": self.plain.terms,
            "due": self.due(stories),
        }

    def cell(self, need: str, process: str) -> Context:
        """A cell of the need × process matrix: the two terms and the stories having both."""
        library = self.library
        stories = [library.stories[slug] for slug in library.matrix[need][process]]
        terms = self.plain.terms
        return {
            "need": terms["needs"][need],
            "process": terms["processes"][process],
            "stories": stories,
            "terms": terms,
            "due": self.due(stories),
        }


class Fingerprints:
    """Digests of page contexts; values that many pages share are digested once."""

    def __init__(self) -> None:
        self.seen: dict[int, tuple[Any, object]] = {}  # by id, with the value to keep its id taken

    def of(self, context: Mapping[str, Any]) -> str:
        """A digest of everything in a page's context."""
        return digest(
            marshal.dumps(self.plain(context), 2)
        )  # version 2 writes no back-references, which follow refcounts

    def plain(self, value: Any) -> Any:
        """The value as plain data (text, numbers, tuples) that marshal can write."""
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if isinstance(value, str):
            return str(value)
        known = self.seen.get(id(value))
        if known is not None:
            return known[0]
        found = self.made(value)
        if isinstance(value, (dict, Library, list)):
            self.seen[id(value)] = (found, value)
        return found

    def made(self, value: Any) -> Any:
        """The plain data of a value that is not text or a number."""
        if isinstance(value, Story) and value.facts:
            return ("story", value.facts)
        if isinstance(value, Library):
            return ("library", model_digest(value))
        if isinstance(value, Mapping):
            return tuple((self.plain(k), self.plain(v)) for k, v in value.items())
        if isinstance(value, (list, tuple)):
            return tuple(self.plain(item) for item in value)
        if isinstance(value, (set, frozenset)):
            return tuple(sorted(map(repr, value)))
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, PurePath):
            return str(value)
        if isinstance(value, functools.partial):
            return ("partial", self.plain(value.func), self.plain(value.args), self.plain(value.keywords))
        if dataclasses.is_dataclass(value):
            fields = dataclasses.fields(value)
            return (type(value).__name__, *(self.plain(getattr(value, f.name)) for f in fields))
        if callable(value):  # code: insole's own is part of every page's basis
            return ("code", getattr(value, "__module__", ""), getattr(value, "__qualname__", repr(value)))
        return ("other", type(value).__name__, repr(value))


def model_digest(library: Library) -> str:
    """A digest of all a library holds: the rest follows from its stories, terms and groupings."""
    stories = (story.facts or repr(story) for story in library.stories.values())
    return digest(*stories, repr(library.terms), repr(library.due), repr(library.groupings))
