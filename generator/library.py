"""The cross-linked model: stories by term, related stories, co-occurrence, matrix, evidence."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from .finding import STATUSES, Finding
from .groupings import BUILT_IN, Grouping
from .history import Change
from .related import Related, group_by_term, relate_stories, story_terms
from .review import Due
from .story import MODES, Story
from .vocabulary import Term, Vocabulary


@dataclass(frozen=True)
class Evidence:
    """How well a term is backed by the library."""

    stories: int
    customers: int
    sources: int
    newest: dt.date | None


@dataclass(frozen=True)
class Library:
    """Every story and every grouping, computed once; pages only read it."""

    stories: dict[str, Story]
    terms: dict[str, dict[str, Term]]
    by_term: dict[str, dict[str, tuple[str, ...]]]
    related: dict[str, tuple[Related, ...]]
    together: dict[tuple[str, str], dict[str, dict[str, int]]]
    matrix: dict[str, dict[str, tuple[str, ...]]]
    evidence: dict[str, dict[str, Evidence]]
    modes: dict[str, dict[str, int]]
    due: dict[str, Due] = field(default_factory=dict)  # stories due for review, by slug
    groupings: tuple[Grouping, ...] = BUILT_IN  # in order, the built-in ones first
    findings: dict[str, Finding] = field(default_factory=dict)  # newest first, by slug
    backing: dict[str, Evidence] = field(default_factory=dict)  # how well each finding is backed, by slug
    cited_by: dict[str, tuple[str, ...]] = field(default_factory=dict)  # the findings citing each story
    changes: dict[str, Change] = field(default_factory=dict)  # each story's last change in git, by slug

    def grouping(self, key: str) -> Grouping:
        """The grouping with this key."""
        return next(grouping for grouping in self.groupings if grouping.key == key)

    def stories_of(self, grouping: str, slug: str) -> list[Story]:
        """The stories with a term, newest first."""
        return [self.stories[s] for s in self.by_term[grouping].get(slug, ())]

    def citing(self, story: str) -> list[Finding]:
        """The findings that cite a story, newest first."""
        return [self.findings[slug] for slug in self.cited_by.get(story, ())]

    def findings_of(self, grouping: str, slug: str) -> list[Finding]:
        """The findings that list a term, newest first."""
        return [finding for finding in self.findings.values() if slug in finding.terms(grouping)]

    def by_status(self) -> dict[str, list[Finding]]:
        """The findings under each status, in the statuses' order, newest first."""
        return {status: [f for f in self.findings.values() if f.status == status] for status in STATUSES}

    def unused(self, grouping: str) -> list[Term]:
        """The declared terms of a grouping that no story names."""
        return [term for slug, term in self.terms[grouping].items() if not self.by_term[grouping][slug]]

    def with_term(self, grouping: str, slug: str, other: str) -> list[tuple[Term, int]]:
        """Terms of another grouping seen with a term, most often first."""
        counts = self.together[(grouping, other)].get(slug, {})
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return [(self.terms[other][term], count) for term, count in ranked]


@dataclass(frozen=True)
class Tables:
    """What the model derives from the stories and the vocabulary, but for the related stories."""

    terms: dict[str, dict[str, Term]]
    by_term: dict[str, dict[str, tuple[str, ...]]]
    together: dict[tuple[str, str], dict[str, dict[str, int]]]
    matrix: dict[str, dict[str, tuple[str, ...]]]
    evidence: dict[str, dict[str, Evidence]]
    modes: dict[str, dict[str, int]]
    groupings: tuple[Grouping, ...] = BUILT_IN


def build_library(
    stories: Iterable[Story], vocabulary: Vocabulary, due: Mapping[str, Due] | None = None, workers: int = 1
) -> Library:
    """The whole model from checked stories, the declared vocabulary and the stories due for review."""
    ordered = in_order(stories)
    return assemble(ordered, tabulate(ordered, vocabulary), relate_stories(ordered, vocabulary, workers), due)


def in_order(stories: Iterable[Story]) -> list[Story]:
    """The stories in library order: newest first, then by slug."""
    return sorted(stories, key=lambda s: (-s.date.toordinal(), s.slug))


def assemble(
    ordered: list[Story],
    tables: Tables,
    related: dict[str, tuple[Related, ...]],
    due: Mapping[str, Due] | None = None,
) -> Library:
    """The model from stories in library order, their tables, related stories and those due."""
    by_slug = {story.slug: story for story in ordered}
    return Library(
        stories=by_slug,
        terms=tables.terms,
        by_term=tables.by_term,
        related=related,
        together=tables.together,
        matrix=tables.matrix,
        evidence=tables.evidence,
        modes=tables.modes,
        due={slug: due[slug] for slug in by_slug if slug in due} if due else {},
        groupings=tables.groupings,
    )


def with_findings(library: Library, findings: Iterable[Finding]) -> Library:
    """The library with its findings, each with how well its evidence backs it."""
    by_slug = {finding.slug: finding for finding in findings}
    backing = {slug: evidence(library.stories, finding.evidence) for slug, finding in by_slug.items()}
    cited_by: dict[str, list[str]] = defaultdict(list)
    for slug, finding in by_slug.items():
        for story in finding.evidence:
            cited_by[story].append(slug)
    cited = {story: tuple(slugs) for story, slugs in cited_by.items()}
    return replace(library, findings=by_slug, backing=backing, cited_by=cited)


def tabulate(ordered: list[Story], vocabulary: Vocabulary) -> Tables:
    """The tables of stories in library order."""
    by_slug = {story.slug: story for story in ordered}
    groupings = vocabulary.groupings
    keys = [grouping.key for grouping in groupings]
    terms_of = {story.slug: story_terms(story, groupings) for story in ordered}
    by_term = group_by_term(ordered, terms_of, keys)
    terms = all_terms(vocabulary, by_term)
    return Tables(
        terms=terms,
        by_term={g: {t: by_term[g].get(t, ()) for t in terms[g]} for g in keys},
        together=co_occurrence(ordered, terms_of, pairs(groupings)),
        matrix=need_process_matrix(ordered, terms),
        evidence={g: {t: evidence(by_slug, by_term[g].get(t, ())) for t in terms[g]} for g in keys},
        modes=opportunities_by_mode(ordered),
        groupings=groupings,
    )


def all_terms(
    vocabulary: Vocabulary, by_term: dict[str, dict[str, tuple[str, ...]]]
) -> dict[str, dict[str, Term]]:
    """Declared terms in declared order, then terms used but not declared."""
    terms = {}
    for grouping in by_term:
        declared = dict(vocabulary.grouping(grouping))
        for slug in sorted(by_term[grouping]):
            declared.setdefault(slug, Term(grouping, slug, slug))
        terms[grouping] = declared
    return terms


def pairs(groupings: Iterable[Grouping]) -> tuple[tuple[str, str], ...]:
    """Each pair of groupings a term's page counts together, once, in the groupings' order."""
    found: list[tuple[str, str]] = []
    for grouping in groupings:
        for other, _, _ in grouping.shows:
            if (other, grouping.key) not in found:
                found.append((grouping.key, other))
    return tuple(found)


def co_occurrence(
    stories: list[Story],
    terms_of: dict[str, dict[str, tuple[str, ...]]],
    paired: Iterable[tuple[str, str]] = pairs(BUILT_IN),
) -> dict[tuple[str, str], dict[str, dict[str, int]]]:
    """For each pair of groupings, how many stories have each pair of terms (both ways)."""
    counts: dict[tuple[str, str], dict[str, Counter[str]]] = {}
    both = tuple(paired)
    for a, b in both:
        counts[(a, b)] = defaultdict(Counter)
        counts[(b, a)] = defaultdict(Counter)
    for story in stories:
        terms = terms_of[story.slug]
        for a, b in both:
            for x in terms[a]:
                for y in terms[b]:
                    counts[(a, b)][x][y] += 1
                    counts[(b, a)][y][x] += 1
    return {pair: {t: dict(c) for t, c in table.items()} for pair, table in counts.items()}


def need_process_matrix(
    stories: list[Story], terms: dict[str, dict[str, Term]]
) -> dict[str, dict[str, tuple[str, ...]]]:
    """For each need and process, the stories having both, newest first."""
    cells: dict[str, dict[str, list[str]]] = {n: {p: [] for p in terms["processes"]} for n in terms["needs"]}
    for story in stories:
        for need in story.needs:
            for process in story.processes:
                cells[need][process].append(story.slug)
    return {n: {p: tuple(s) for p, s in row.items()} for n, row in cells.items()}


def evidence(stories: dict[str, Story], slugs: tuple[str, ...]) -> Evidence:
    """How many stories, customers and sources back a term, and how recent it is."""
    chosen = [stories[s] for s in slugs]
    return Evidence(
        stories=len(chosen),
        customers=len({s.customer for s in chosen if s.customer}),
        sources=len({s.source for s in chosen if s.source}),
        newest=max((s.date for s in chosen), default=None),
    )


def opportunities_by_mode(stories: list[Story]) -> dict[str, dict[str, int]]:
    """For each co-creation mode, the opportunities named in it and how many stories do."""
    modes: dict[str, Counter[str]] = {mode: Counter() for mode in MODES}
    for story in stories:
        for opportunity, mode in dict.fromkeys((c.opportunity, c.mode) for c in story.co_creation):
            modes[mode][opportunity] += 1
    return {mode: dict(counts) for mode, counts in modes.items()}
