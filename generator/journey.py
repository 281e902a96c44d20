"""Journey lanes: each process in journey order with the needs met there and its opportunities."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from .library import Library
from .vocabulary import Term

SIZES = 4  # how many sizes an item can have, by how many stories back it


@dataclass(frozen=True)
class Item:
    """A need or opportunity in a lane, with its count of stories and its size from 1 to SIZES."""

    term: Term
    stories: int
    size: int


@dataclass(frozen=True)
class Lane:
    """A step of the journey: what customers want to achieve and avoid there, and how to co-create."""

    process: Term
    step: int
    stories: int
    achieve: tuple[Item, ...]
    avoid: tuple[Item, ...]
    other: tuple[Item, ...]
    opportunities: tuple[Item, ...]


def lanes(library: Library) -> tuple[Lane, ...]:
    """Every process in journey order as a lane; needs are sized among needs, opportunities among theirs."""
    needs = {p: library.with_term("processes", p, "needs") for p in library.terms["processes"]}
    ideas = {p: library.with_term("processes", p, "co_creation") for p in library.terms["processes"]}
    need_peak = peak(n for pairs in needs.values() for _, n in pairs)
    idea_peak = peak(n for pairs in ideas.values() for _, n in pairs)
    found = []
    for step, (slug, process) in enumerate(library.terms["processes"].items(), start=1):
        sized = [Item(term, n, size(n, need_peak)) for term, n in needs[slug]]
        found.append(
            Lane(
                process=process,
                step=step,
                stories=len(library.by_term["processes"][slug]),
                achieve=tuple(i for i in sized if i.term.kind == "achieve"),
                avoid=tuple(i for i in sized if i.term.kind == "avoid"),
                other=tuple(i for i in sized if i.term.kind not in ("achieve", "avoid")),
                opportunities=tuple(Item(term, n, size(n, idea_peak)) for term, n in ideas[slug]),
            )
        )
    return tuple(found)


def peak(counts: Iterable[int]) -> int:
    """The largest count, at least one."""
    return max(counts, default=1) or 1


def size(count: int, most: int) -> int:
    """A size from 1 to SIZES, in proportion to the largest count."""
    return max(1, min(SIZES, math.ceil(SIZES * count / most)))
