"""The facets that narrow the stories down, and their data for the filters of the lists."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .groupings import BUILT_IN, Grouping
from .i18n import format_date, strings
from .library import Library
from .quotes import shortened
from .story import MODES, Story

CUSTOMER = "customer"  # the facet of the customers the stories name
MODE = "mode"  # the facet of the modes a grouping with modes (co-creation) names its terms in
SOURCE = "source"  # the facet of how the stories were learned, which a story's item shows
FACET_SHOWN = 15  # a facet with more values shows the most frequent ones and a box to find the others


@dataclass(frozen=True)
class Facet:
    """A way to narrow the stories down: each value some story has, with its count of stories."""

    name: str
    grouping: str
    values: tuple[tuple[str, int], ...]

    @property
    def many(self) -> bool:
        """True when the facet has too many values to show them all."""
        return len(self.values) > FACET_SHOWN

    @cached_property
    def shown(self) -> tuple[tuple[str, int], ...]:
        """The values a page shows: all of them, or the most frequent (by count, then name) when many."""
        if not self.many:
            return self.values
        return tuple(
            sorted(self.values, key=lambda pair: (-pair[1], pair[0].casefold(), pair[0]))[:FACET_SHOWN]
        )


def facet_groupings(groupings: tuple[Grouping, ...]) -> dict[str, str]:
    """Each facet's name (its URL parameter and Pagefind filter), in the order pages show them,
    with the grouping its values are terms of ('' for values that are not terms)."""
    found = {}
    for grouping in groupings:
        found[grouping.facet] = grouping.key
        if grouping.modes:
            found[MODE] = ""
    found[CUSTOMER] = ""
    return found


# The facets of a library with the built-in groupings only.
FACETS = facet_groupings(BUILT_IN)


def story_facets(story: Story, groupings: tuple[Grouping, ...] = BUILT_IN) -> dict[str, tuple[str, ...]]:
    """The values a story has in each facet."""
    found = {}
    for grouping in groupings:
        found[grouping.facet] = story.terms(grouping.key)
        if grouping.modes:
            found[MODE] = story.modes
    found[CUSTOMER] = (story.customer,) if story.customer else ()
    return found


@dataclass(frozen=True)
class LazyFacets:
    """A library's facets, counted when a page first shows them: most builds make no such page."""

    library: Library = field(repr=False)
    by_quote: bool = False  # each story counts once for each of its quotes (the quotes page)

    def __reduce__(self) -> tuple[type, tuple[Library, bool]]:
        """Pickled as the library it counts, whether or not it has counted yet."""
        return LazyFacets, (self.library, self.by_quote)

    @cached_property
    def counted(self) -> tuple[Facet, ...]:
        """The facets, counted once."""
        if self.by_quote:
            return facets(self.library, [s for s in self.library.stories.values() for _ in s.quotes])
        return facets(self.library)

    def __iter__(self) -> Iterator[Facet]:
        """The facets, in the order pages show them."""
        return iter(self.counted)


def facets(library: Library, counted: Iterable[Story] | None = None) -> tuple[Facet, ...]:
    """Every facet with the values stories have, in the vocabulary's order (customers alphabetically).

    Each story in `counted` (each of the library's unless given; a story may come more than once) counts once.
    """
    named = facet_groupings(library.groupings)
    counts: dict[str, Counter[str]] = {name: Counter() for name in named}
    for story in library.stories.values() if counted is None else counted:
        for name, values in story_facets(story, library.groupings).items():
            counts[name].update(set(values))
    found = []
    for name, grouping in named.items():
        if grouping:
            order = list(library.terms[grouping])
        elif name == MODE:
            order = list(MODES)
        else:
            order = sorted(counts[name], key=lambda value: (value.casefold(), value))
        found.append(Facet(name, grouping, tuple((v, counts[name][v]) for v in order if counts[name][v])))
    return tuple(found)


def facet_index(library: Library, facets: Iterable[Facet], language: str) -> str:
    """Every story's item and facet values as compact JSON, each value given by its place in its facet.

    `{"facets": [{"name", "values", "labels"}], "dates": [[iso, shown]],
    "stories": [[slug, title, date, summary, lang, due, [[value, ...] for each facet]]]}`,
    stories in library order; a facet whose labels are its values has no labels.
    """
    counted = list(facets)
    places = [{value: n for n, (value, _) in enumerate(facet.values)} for facet in counted]
    dates: dict[Any, int] = {}
    rows = []
    for story in library.stories.values():
        values = story_facets(story, library.groupings)
        # a story's own language only where it differs from the site's, as its item shows it
        shown_lang = story.language if story.language and story.language != language else ""
        rows.append(
            [
                story.slug,
                story.title,
                dates.setdefault(story.date, len(dates)),
                story.summary or "",
                shown_lang,
                int(story.slug in library.due),
                [
                    sorted(place[v] for v in set(values[f.name]))
                    for f, place in zip(counted, places, strict=True)
                ],
            ]
        )
    data = {
        "facets": [
            {"name": f.name, "values": [v for v, _ in f.values], "labels": value_labels(library, f, language)}
            for f in counted
        ],
        "dates": [[day.isoformat(), format_date(day, language)] for day in dates],
        "stories": rows,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def quote_index(library: Library) -> str:
    """Each story's quotes as lists show them, in the stories' order in facets.json, as compact JSON."""
    quotes = [[shortened(text) for text in story.quotes] for story in library.stories.values()]
    return json.dumps({"quotes": quotes}, ensure_ascii=False, separators=(",", ":"))


def value_labels(library: Library, facet: Facet, language: str) -> list[str] | None:
    """What a page shows for each of a facet's values, or None where that is the value itself."""
    if facet.grouping:
        return [library.terms[facet.grouping][value].title for value, _ in facet.values]
    if facet.name == MODE:
        words = strings(language)
        return [words[f"mode_{value}"] for value, _ in facet.values]
    return None
