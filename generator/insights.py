"""Evidence and gaps: what the library's stories do not tell yet, each with the pages concerned."""

from __future__ import annotations

from dataclasses import dataclass

from .library import Library
from .story import MODES

STORIES = "stories"  # the grouping name of a reference to a story
FINDINGS = "findings"  # the grouping name of a reference to a finding
# Each kind of gap, in the order the report shows them.
SECTIONS = (
    "single_story",
    "single_story_finding",
    "single_source",
    "no_process",
    "no_stories",
    "one_mode",
    "no_co_creation",
    "unused",
)
# Declared terms nobody uses, beyond the needs and processes their own sections show.
UNUSED_GROUPINGS = ("co_creation", "sources")


@dataclass(frozen=True)
class Ref:
    """A page an insight concerns: a story (grouping 'stories'), a finding ('findings') or a term."""

    grouping: str
    slug: str


@dataclass(frozen=True)
class Insight:
    """One gap: the page it is about, the other pages concerned, and the mode it is seen in."""

    subject: Ref
    refs: tuple[Ref, ...] = ()
    mode: str = ""


Insights = dict[str, tuple[Insight, ...]]


def insights(library: Library) -> Insights:
    """Every kind of gap in the library, each a tuple of insights in the vocabulary's order."""
    return {
        "single_story": single_story(library),
        "single_story_finding": single_story_finding(library),
        "single_source": single_source(library),
        "no_process": no_process(library),
        "no_stories": no_stories(library),
        "one_mode": one_mode(library),
        "no_co_creation": no_co_creation(library),
        "unused": unused(library),
    }


def stories(slugs: tuple[str, ...]) -> tuple[Ref, ...]:
    """References to stories by slug."""
    return tuple(Ref(STORIES, slug) for slug in slugs)


def single_story(library: Library) -> tuple[Insight, ...]:
    """Needs that rest on one story only."""
    return tuple(
        Insight(Ref("needs", need), stories(slugs))
        for need, slugs in library.by_term["needs"].items()
        if len(slugs) == 1
    )


def single_story_finding(library: Library) -> tuple[Insight, ...]:
    """Findings that rest on one story only, newest first."""
    return tuple(
        Insight(Ref(FINDINGS, finding.slug), stories(finding.evidence))
        for finding in library.findings.values()
        if len(finding.evidence) == 1
    )


def single_source(library: Library) -> tuple[Insight, ...]:
    """Needs with more than one story whose stories name one kind of source between them."""
    found = []
    for need, slugs in library.by_term["needs"].items():
        sources = {library.stories[slug].source for slug in slugs} - {""}
        if len(slugs) > 1 and len(sources) == 1:
            found.append(Insight(Ref("needs", need), (Ref("sources", sources.pop()),)))
    return tuple(found)


def no_process(library: Library) -> tuple[Insight, ...]:
    """Needs that no story shows in any process: the empty rows of the need × process matrix."""
    return tuple(Insight(Ref("needs", need)) for need, row in library.matrix.items() if not any(row.values()))


def no_stories(library: Library) -> tuple[Insight, ...]:
    """Declared processes that no story touches."""
    return tuple(Insight(Ref("processes", term.slug)) for term in library.unused("processes"))


def one_mode(library: Library) -> tuple[Insight, ...]:
    """Co-creation opportunities tried in one mode only, with the stories that name them."""
    found = []
    for opportunity, slugs in library.by_term["co_creation"].items():
        used = [mode for mode in MODES if library.modes[mode].get(opportunity)]
        if len(used) == 1:
            found.append(Insight(Ref("co_creation", opportunity), stories(slugs), used[0]))
    return tuple(found)


def no_co_creation(library: Library) -> tuple[Insight, ...]:
    """Stories that name no co-creation opportunity, newest first."""
    return tuple(Insight(Ref(STORIES, s.slug)) for s in library.stories.values() if not s.co_creation)


def unused(library: Library) -> tuple[Insight, ...]:
    """Declared co-creation opportunities and sources that no story names."""
    return tuple(
        Insight(Ref(grouping, term.slug))
        for grouping in UNUSED_GROUPINGS
        for term in library.unused(grouping)
    )
