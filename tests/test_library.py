"""The cross-linked model computed from stories and the vocabulary."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

from conftest import REPO

from insole.forked import forked
from insole.groupings import BUILT_IN
from insole.library import build_library
from insole.related import PARALLEL_FROM, RELATED_COUNT
from insole.story import CoCreation, Story
from insole.vocabulary import Term, Vocabulary


def vocabulary() -> Vocabulary:
    """A small vocabulary with two of each grouping."""

    def terms(grouping: str, *slugs: str) -> dict[str, Term]:
        return {s: Term(grouping, s, s.title()) for s in slugs}

    return Vocabulary(
        BUILT_IN,
        {
            "needs": terms("needs", "n1", "n2", "n3", "rare"),
            "processes": terms("processes", "p1", "p2", "p3"),
            "co_creation": terms("co_creation", "o1", "o2"),
            "sources": terms("sources", "call", "visit"),
        },
    )


def make(slug: str, day: int, needs=("n1",), processes=("p1",), **extra) -> Story:
    """A story with just what the model needs."""
    return Story(
        slug, slug.title(), dt.date(2024, 1, day), f"{slug}.md", tuple(needs), tuple(processes), **extra
    )


def test_stories_are_newest_first_and_grouped_by_term():
    library = build_library([make("a", 1), make("b", 3, needs=("n2",)), make("c", 2)], vocabulary())
    assert list(library.stories) == ["b", "c", "a"]
    assert library.by_term["needs"]["n1"] == ("c", "a")
    assert library.by_term["needs"]["n3"] == ()


def test_declared_related_links_go_both_ways():
    stories = [make("a", 1, related=("b",)), make("b", 2, needs=("n2",), processes=("p2",))]
    library = build_library(stories, vocabulary())
    assert [r.slug for r in library.related["a"] if r.declared] == ["b"]
    assert [r.slug for r in library.related["b"] if r.declared] == ["a"]


def test_rarer_shared_term_weighs_more():
    common = [make(f"x{i}", 10 + i, needs=("n1",), processes=("p3",)) for i in range(6)]
    story = make("s", 1, needs=("n1", "rare"), processes=("p3",))
    rare_partner = make("r", 2, needs=("rare",), processes=("p2",))
    library = build_library([story, rare_partner, *common], vocabulary())
    assert library.related["s"][0].slug == "r"


def test_shared_need_weighs_more_than_shared_process():
    story = make("s", 1, needs=("n1",), processes=("p1",))
    by_need = make("need", 2, needs=("n1",), processes=("p2",))
    by_process = make("process", 3, needs=("n2",), processes=("p1",))
    library = build_library([story, by_need, by_process], vocabulary())
    assert [r.slug for r in library.related["s"]] == ["need", "process"]


def test_stories_without_shared_terms_are_not_related():
    library = build_library([make("a", 1), make("b", 2, needs=("n2",), processes=("p2",))], vocabulary())
    assert library.related["a"] == ()


def test_co_occurrence_counts_both_ways():
    stories = [
        make("a", 1, needs=("n1", "n2"), processes=("p1",)),
        make("b", 2, needs=("n1",), processes=("p1", "p2")),
    ]
    library = build_library(stories, vocabulary())
    assert library.together[("needs", "processes")]["n1"] == {"p1": 2, "p2": 1}
    assert library.together[("processes", "needs")]["p1"] == {"n1": 2, "n2": 1}
    assert [(t.slug, n) for t, n in library.with_term("needs", "n1", "processes")] == [("p1", 2), ("p2", 1)]


def test_matrix_cells_hold_stories_with_both_terms():
    stories = [
        make("a", 1, needs=("n1",), processes=("p1", "p2")),
        make("b", 2, needs=("n1",), processes=("p1",)),
    ]
    matrix = build_library(stories, vocabulary()).matrix
    assert matrix["n1"]["p1"] == ("b", "a")
    assert matrix["n1"]["p2"] == ("a",)
    assert matrix["n2"]["p1"] == ()


def test_evidence_counts_distinct_customers_and_sources():
    stories = [
        make("a", 1, customer="Families", source="call"),
        make("b", 5, customer="Families", source="visit"),
        make("c", 3, customer="Students", source="call"),
    ]
    evidence = build_library(stories, vocabulary()).evidence["needs"]["n1"]
    assert (evidence.stories, evidence.customers, evidence.sources) == (3, 2, 2)
    assert evidence.newest == dt.date(2024, 1, 5)


def test_opportunities_grouped_by_mode():
    stories = [
        make("a", 1, co_creation=(CoCreation("o1", "synchronous"), CoCreation("o2", "asynchronous"))),
        make("b", 2, co_creation=(CoCreation("o1", "asynchronous"),)),
    ]
    library = build_library(stories, vocabulary())
    assert library.modes == {"synchronous": {"o1": 1}, "asynchronous": {"o2": 1, "o1": 1}}
    assert [t.slug for t in library.unused("co_creation")] == []


def test_undeclared_terms_get_a_grouping_of_their_own():
    library = build_library([make("a", 1, needs=("n1", "mystery"))], vocabulary())
    assert library.terms["needs"]["mystery"].title == "mystery"
    assert library.by_term["needs"]["mystery"] == ("a",)
    assert list(library.terms["needs"])[-1] == "mystery"


def test_related_stays_bounded_on_a_big_library():
    stories = [make(f"s{i}", 1 + i % 28, needs=("n1",), processes=("p1",)) for i in range(3000)]
    library = build_library(stories, vocabulary())
    assert all(len(links) <= 5 for links in library.related.values())


def test_related_stories_found_in_worker_processes_are_those_found_in_one(monkeypatch):
    # Other tests' threads may linger, which would keep the work in this process.
    monkeypatch.setattr("insole.related.can_fork", lambda workers: workers > 1)
    forks = []
    monkeypatch.setattr("insole.related.forked", lambda *args: (forks.append(args[2]), forked(*args))[1])
    needs, processes = ("n1", "n2", "n3", "rare"), ("p1", "p2", "p3")
    stories = [
        make(
            f"s{i}",
            1 + i % 28,
            needs=(needs[i % 4], needs[i // 7 % 4]),
            processes=(processes[i % 3],),
            related=(f"s{i + 11}",) if i % 5 == 0 else (),
        )
        for i in range(PARALLEL_FROM + 500)
    ]
    two = build_library(stories, vocabulary(), workers=2).related
    assert forks == [2]
    one = build_library(stories, vocabulary()).related
    assert list(two.items()) == list(one.items())
    assert any(link.declared for link in two["s0"]) and len(two["s1"]) == RELATED_COUNT


TIED = """
import datetime as dt, json
from insole.story import Story
from insole.related import relate, story_terms
needs, processes = [f"n{i}" for i in range(7)], [f"p{i}" for i in range(5)]
stories = [
    Story(f"s{i:02}", "t", dt.date(2024, 1, 1), "x.md",
          tuple(n for j, n in enumerate(needs) if (i >> j) & 1 or j == i % 7),
          tuple(p for j, p in enumerate(processes) if (i * 7 >> j) & 1 or j == i % 5))
    for i in range(60)
]
terms_of = {s.slug: story_terms(s) for s in stories}
by_term = {}
for s in stories:
    for g, ts in terms_of[s.slug].items():
        for t in ts:
            by_term.setdefault(g, {})[t] = by_term.get(g, {}).get(t, ()) + (s.slug,)
print(json.dumps({k: [r.slug for r in v] for k, v in relate(stories, terms_of, by_term).items()}))
"""


def test_related_stories_with_equal_scores_come_in_the_same_order_in_every_process():
    """Many stories share terms to the same weight; each process hashes strings differently."""
    runs = {
        subprocess.run(
            [sys.executable, "-c", TIED],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
        ).stdout
        for seed in range(1, 7)
    }
    assert len(runs) == 1
