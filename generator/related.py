"""Related stories: declared links both ways, then the stories sharing the most telling terms."""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from .forked import can_fork, forked
from .groupings import BUILT_IN, Grouping
from .story import Story
from .vocabulary import Vocabulary

RELATED_COUNT = 5
# Related stories are found among the newest stories of each shared term, this many a term,
# so the cost grows with the library's size, not with its square. A rare term's stories are
# all seen; a common term weighs little, so its older stories matter little.
PER_TERM = 40
PARALLEL_FROM = 2000  # stories to relate before more processes pay for their start

Key = tuple[str, str]


@dataclass(frozen=True)
class Related:
    """A story related to another: declared in front matter, or computed from shared terms."""

    slug: str
    declared: bool
    shared: tuple[Key, ...] = ()


def story_terms(story: Story, groupings: tuple[Grouping, ...] = BUILT_IN) -> dict[str, tuple[str, ...]]:
    """The terms a story has in each grouping."""
    return {grouping.key: story.terms(grouping.key) for grouping in groupings}


def relations(ordered: list[Story], vocabulary: Vocabulary) -> tuple[object, ...]:
    """All that decides the related stories: the groupings' weights, each story's slug, terms and links."""
    groupings = vocabulary.groupings
    weights = tuple((grouping.key, grouping.weight) for grouping in groupings)
    return weights, *((story.slug, story_terms(story, groupings), story.related) for story in ordered)


def relate_stories(
    ordered: list[Story], vocabulary: Vocabulary, workers: int = 1
) -> dict[str, tuple[Related, ...]]:
    """Each story's related stories, found in `workers` processes for a big library."""
    groupings = vocabulary.groupings
    terms_of = {story.slug: story_terms(story, groupings) for story in ordered}
    by_term = group_by_term(ordered, terms_of, [grouping.key for grouping in groupings])
    return relate(
        ordered, terms_of, by_term, workers, {grouping.key: grouping.weight for grouping in groupings}
    )


def group_by_term(
    stories: list[Story], terms_of: dict[str, dict[str, tuple[str, ...]]], keys: Iterable[str]
) -> dict[str, dict[str, tuple[str, ...]]]:
    """For each grouping (by its key), each term's stories in library order."""
    groups: dict[str, dict[str, list[str]]] = {g: defaultdict(list) for g in keys}
    for story in stories:
        for grouping, terms in terms_of[story.slug].items():
            for term in terms:
                groups[grouping][term].append(story.slug)
    return {g: {t: tuple(s) for t, s in found.items()} for g, found in groups.items()}


def relate(
    stories: list[Story],
    terms_of: dict[str, dict[str, tuple[str, ...]]],
    by_term: dict[str, dict[str, tuple[str, ...]]],
    workers: int = 1,
    weights: Mapping[str, float] | None = None,
) -> dict[str, tuple[Related, ...]]:
    """Declared links both ways, then the stories sharing the most telling terms.

    A shared term weighs its grouping's weight (by key; the built-in groupings' when None),
    more for a rarer term. Found in `workers` processes for a library big enough to pay for them.
    """
    weight_of = weights or {grouping.key: grouping.weight for grouping in BUILT_IN}
    declared: dict[str, dict[str, None]] = {story.slug: {} for story in stories}
    for story in stories:
        for other in story.related:
            if other in declared and other != story.slug:
                declared[story.slug][other] = None
                declared[other][story.slug] = None
    total = max(len(stories), 1)
    weighed = {
        (g, t): (weight_of[g] * math.log(1 + total / len(slugs)), slugs[:PER_TERM])
        for g, group in by_term.items()
        for t, slugs in group.items()
    }
    keys = {
        slug: frozenset((g, t) for g, ts in terms.items() for t in ts) for slug, terms in terms_of.items()
    }
    order = {story.slug: index for index, story in enumerate(stories)}

    def links(story: Story) -> tuple[Related, ...]:
        """One story's declared links, then its computed ones."""
        mine = declared[story.slug]
        found = [
            Related(s, True, tuple(sorted(keys[story.slug] & keys[s])))
            for s in sorted(mine, key=order.__getitem__)
        ]
        found += computed_related(story.slug, keys, weighed, {story.slug, *mine}, order)
        return tuple(found)

    def some(part: Iterable[Story]) -> Iterator[dict[str, tuple[Related, ...]]]:
        """The links of a worker's stories, sent back together."""
        yield {story.slug: links(story) for story in part}

    if len(stories) < PARALLEL_FROM or not can_fork(workers):
        return {story.slug: links(story) for story in stories}
    found: dict[str, tuple[Related, ...]] = {}
    for part in forked(stories, some, workers):
        found.update(part)
    return {story.slug: found[story.slug] for story in stories}


def computed_related(
    slug: str,
    keys: dict[str, frozenset[Key]],
    weighed: dict[Key, tuple[float, tuple[str, ...]]],
    skip: set[str],
    order: dict[str, int],
) -> list[Related]:
    """The stories sharing the heaviest terms with one story, heaviest first.

    `weighed` holds each term's weight and its first stories, the only ones it counts for.
    """
    mine = keys[slug]
    scores: dict[str, float] = {}
    # Summed in one fixed order: floats added in another order can differ in their last bit,
    # which would break ties differently from one process to the next.
    for key in sorted(mine):
        weight, others = weighed[key]
        for other in others:
            scores[other] = scores.get(other, 0.0) + weight
    for other in skip:
        scores.pop(other, None)
    # Ties go to the newer story: stories are in library order, newest first.
    ranked = ((-score, order[other], other) for other, score in scores.items())
    best = heapq.nsmallest(RELATED_COUNT, ranked)
    return [Related(other, False, tuple(sorted(mine & keys[other]))) for _, _, other in best]
