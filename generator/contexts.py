"""What each page is given to show, and a digest of it that tells when the page must be made again."""

from __future__ import annotations

import io
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from .digests import digest
from .finding import Finding
from .groupings import Grouping
from .library import Library
from .quotes import chosen
from .story import Story
from .vocabulary import Term

Context = dict[str, Any]


class Common(dict[str, Any]):
    """A mapping many pages are given as one object, such as every term: digested once for all."""


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
    all_due: Common = field(init=False)
    # Each term's and each matrix cell's context, made once for all the pages of its stories:
    # made again for each page, n stories cost n²/100 steps (half of a build of 50,000 stories).
    made: dict[tuple[str, str, str], Context] = field(init=False, default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "plain", replace(self.library, terms=Common(plain_terms(self.library))))
        object.__setattr__(self, "all_due", Common(self.library.due))

    def due(self, stories: list[Story]) -> dict[str, Any]:
        """Which of these stories are due for review, and since when."""
        due = self.library.due
        return {story.slug: due[story.slug] for story in stories if story.slug in due} if due else {}

    def whole(self, described: str = "", **more: Any) -> Context:
        """The context of a page about the whole library; the terms of grouping `described` described."""
        library = self.plain
        if described:
            library = replace(library, terms={**library.terms, described: self.library.terms[described]})
        return {"library": library, "terms": library.terms, "due": self.all_due, **more}

    def story(self, story: Story, body: str) -> Context:
        """A story's page: the story, its body, its related stories and the terms they show."""
        related = [(link, self.library.stories[link.slug]) for link in self.library.related[story.slug]]
        due = self.due([story, *(other for _, other in related)])
        findings = self.library.citing(story.slug)
        return {
            "story": story,
            "body": body,
            "related": related,
            "findings": findings,
            "terms": self.plain.terms,
            "due": due,
            "changed": self.library.changes.get(story.slug),
        }

    def finding(self, finding: Finding) -> Context:
        """A finding's page: the finding, the stories it rests on, how well they back it, the terms."""
        stories = [self.library.stories[slug] for slug in finding.evidence]
        backing = self.library.backing[finding.slug]
        return {
            "finding": finding,
            "stories": stories,
            "backing": backing,
            "terms": self.plain.terms,
            "due": self.due(stories),
        }

    def term(self, grouping: Grouping, term: Term) -> Context:
        """A term's pages: the term, all its stories, how well it is backed, what goes with it, quotes."""
        return self.once(("term", grouping.key, term.slug), lambda: self.made_term(grouping, term))

    def once(self, key: tuple[str, str, str], make: Callable[[], Context]) -> Context:
        """The context made for `key` before, or made now by `make` and kept."""
        made = self.made.get(key)
        if made is None:
            made = self.made[key] = make()
        return made

    def made_term(self, grouping: Grouping, term: Term) -> Context:
        """What every page of a term's stories is given, made anew."""
        key, slug, library = grouping.key, term.slug, self.library
        stories = library.stories_of(key, slug)
        return {
            "grouping": grouping,
            "term": term,
            "stories": stories,
            "backing": library.evidence[key].get(slug) if grouping.backed else None,
            "together": {other: self.plain.with_term(key, slug, other) for other, _, _ in grouping.shows},
            "modes": [(mode, counts.get(slug, 0)) for mode, counts in library.modes.items()],
            "findings": library.findings_of(key, slug),
            "quotes": chosen(stories),
            "quoted": sum(len(story.quotes) for story in stories),
            "terms": self.plain.terms,
        }

    def feed(self, grouping: Grouping, term: Term, newest: int) -> Context:
        """A term's feed: the term without the description it does not show, and its `newest` stories."""
        stories = self.library.stories_of(grouping.key, term.slug)[:newest]
        plain = self.plain.terms[grouping.key][term.slug]
        return {"grouping": grouping, "term": plain, "entries": stories, "terms": self.plain.terms}

    def cell(self, need: str, process: str) -> Context:
        """A cell of the need × process matrix: the two terms and the stories having both."""
        return self.once(("cell", need, process), lambda: self.made_cell(need, process))

    def made_cell(self, need: str, process: str) -> Context:
        """What every page of a matrix cell's stories is given, made anew."""
        library = self.library
        stories = [library.stories[slug] for slug in library.matrix[need][process]]
        terms = self.plain.terms
        return {
            "need": terms["needs"][need],
            "process": terms["processes"][process],
            "stories": stories,
            "terms": terms,
        }


class Fingerprints:
    """Digests of page contexts; a container many pages share is digested once."""

    def __init__(self) -> None:
        self.known: dict[int, tuple[str, object]] = {}  # by id, with the value to keep its id taken

    def of(self, context: object) -> str:
        """A digest of everything in a page's context, as pickle writes it."""
        written = io.BytesIO()
        Digesting(written, self, context).dump(context)
        return digest(written.getvalue())

    def shared(self, value: object) -> str:
        """The digest of a value that is the same object wherever it comes, made the first time."""
        known = self.known.get(id(value))
        if known is None:
            known = self.known[id(value)] = (self.of(value), value)
        return known[0]

    def library(self, library: Library) -> str:
        """A library's digest: the rest follows from its stories, terms, due dates, groupings and so on."""
        parts = (library.stories, library.terms, library.due, library.groupings)
        return digest(*(self.shared(part) for part in (*parts, library.findings, library.changes)))


class Digesting(pickle.Pickler):
    """Writes a context as pickle does, with stories by their facts and shared containers by digest."""

    def __init__(self, file: io.BytesIO, prints: Fingerprints, root: object) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.fast = True  # no memo: what is written must not depend on which objects are shared
        self.prints, self.root = prints, root

    def reducer_override(self, obj: object) -> Any:
        """What stands for a story, a library or a common mapping: its digest."""
        # Text, numbers and plain containers never come here, so pickle writes them at C speed.
        kind = type(obj)
        if kind is Story and obj.facts:  # type: ignore[attr-defined]
            return digested, ("story", obj.facts)  # type: ignore[attr-defined]
        if kind is Library:
            return digested, ("library", self.prints.library(obj))  # type: ignore[arg-type]
        if kind is Common and obj is not self.root:
            return digested, ("shared", self.prints.shared(obj))
        return NotImplemented


def digested(kind: str, value: str) -> None:
    """Stands in a digested context for a value known by its digest; never called."""
