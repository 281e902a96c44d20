"""The library as data for other tools: the site's /data/library.json and `insole export`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from .config import SiteConfig
from .finding import Finding
from .groupings import Grouping
from .library import Library
from .pages import cell_url, finding_url, story_url, term_url
from .story import Story

FORMAT = 1  # the version of the document's shape; raised when a key changes meaning or goes
# A cell a spreadsheet would run as a formula starts with one of these (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
STORY_COLUMNS = (
    "slug",
    "url",
    "title",
    "date",
    "status",
    "customer",
    "source",
    "author",
    "achieve",
    "avoid",
    "summary",
    "review_by",
    "language",
)


def library_data(library: Library, config: SiteConfig) -> dict[str, Any]:
    """The whole library as JSON data: settings, stories, every grouping's terms, the matrix, findings."""
    return {
        "format": FORMAT,
        "site": {
            "title": config.title,
            "description": config.description,
            "language": config.language,
            "base_url": config.base_url,
        },
        "stories": [story_data(story, library, config) for story in library.stories.values()],
        "groupings": [grouping_data(grouping, library, config) for grouping in library.groupings],
        "matrix": matrix_data(library, config),
        "findings": [finding_data(finding, library, config) for finding in library.findings.values()],
    }


def story_data(story: Story, library: Library, config: SiteConfig) -> dict[str, Any]:
    """A story's front matter, address, summary, terms in every grouping and related stories."""
    return {
        "slug": story.slug,
        "url": config.base_url + story_url(story.slug),
        "title": story.title,
        "date": story.date.isoformat(),
        "status": "draft" if story.draft else "published",
        "customer": story.customer,
        "source": story.source,
        "author": story.author,
        "achieve": story.achieve,
        "avoid": story.avoid,
        "summary": story.summary,
        "review_by": iso(story.review_by),
        "language": story.language or config.language,
        "terms": {grouping.key: list(story.terms(grouping.key)) for grouping in library.groupings},
        "co_creation": [
            {"opportunity": c.opportunity, "mode": c.mode, "note": c.note} for c in story.co_creation
        ],
        "related": [
            {"slug": link.slug, "url": config.base_url + story_url(link.slug), "declared": link.declared}
            for link in library.related[story.slug]
        ],
        "quotes": list(story.quotes),
        "findings": list(library.cited_by.get(story.slug, ())),
    }


def grouping_data(grouping: Grouping, library: Library, config: SiteConfig) -> dict[str, Any]:
    """A grouping with each of its terms, in declared order, and how many stories back each."""
    declared = config.vocabulary.grouping(grouping.key)
    terms = []
    for slug, term in library.terms[grouping.key].items():
        backing = library.evidence[grouping.key][slug]
        terms.append(
            {
                "slug": slug,
                "title": term.title,
                "kind": term.kind,
                "description": term.description,
                "url": config.base_url + term_url(grouping.key, slug),
                "feed": config.base_url + term_url(grouping.key, slug) + "feed.xml",
                "declared": slug in declared,
                "stories": backing.stories,
                "customers": backing.customers,
                "sources": backing.sources,
                "newest": iso(backing.newest),
            }
        )
    return {
        "key": grouping.key,
        "title": grouping.title(config.language),
        "url": config.base_url + grouping.section + "/",
        "built_in": grouping.built_in,
        "terms": terms,
    }


def matrix_data(library: Library, config: SiteConfig) -> list[dict[str, Any]]:
    """Each cell of the need × process matrix that has stories, in the needs' and processes' order."""
    return [
        {
            "need": need,
            "process": process,
            "url": config.base_url + cell_url(need, process),
            "stories": list(slugs),
        }
        for need, row in library.matrix.items()
        for process, slugs in row.items()
        if slugs
    ]


def finding_data(finding: Finding, library: Library, config: SiteConfig) -> dict[str, Any]:
    """A finding's front matter, address, terms, evidence and how well the evidence backs it."""
    backing = library.backing[finding.slug]
    return {
        "slug": finding.slug,
        "url": config.base_url + finding_url(finding.slug),
        "title": finding.title,
        "date": finding.date.isoformat(),
        "status": finding.status,
        "owner": finding.owner,
        "summary": finding.summary,
        "evidence": list(finding.evidence),
        "terms": {key: list(slugs) for key, slugs in finding.filed},
        "backing": {
            "stories": backing.stories,
            "customers": backing.customers,
            "sources": backing.sources,
            "newest": iso(backing.newest),
        },
    }


def iso(day: dt.date | None) -> str | None:
    """A date as YYYY-MM-DD, or None."""
    return day.isoformat() if day else None


def library_json(library: Library, config: SiteConfig) -> str:
    """The text of /data/library.json but its last newline: the same text for the same library.

    Each story, grouping and cell is one line: the file reads and compares line by line, and
    Python writes JSON without indenting in C, over twice as fast as with (at 10,000 stories).
    """
    found = library_data(library, config)
    return "{\n" + ",\n".join(f"{text(key)}: {listed(value)}" for key, value in found.items()) + "\n}"


def listed(value: object) -> str:
    """A value as JSON: a list with one item a line."""
    if isinstance(value, list) and value:
        return "[\n" + ",\n".join(text(item) for item in value) + "\n]"
    return text(value)


def text(value: object) -> str:
    """A value as JSON on one line, as it is written (not escaped to ASCII)."""
    return json.dumps(value, ensure_ascii=False)


def library_csv(library: Library, config: SiteConfig) -> str:
    """One row per story under a header row, each grouping's terms joined with ';'."""
    # A story's source is its one term of the grouping `sources`, so it has its column already.
    groupings = [grouping.key for grouping in library.groupings if grouping.key != "sources"]
    written = io.StringIO()
    rows = csv.writer(written)
    rows.writerow([*STORY_COLUMNS, *groupings, "modes", "related", "findings"])
    for story in library.stories.values():
        found = story_data(story, library, config)
        cells = [found[column] or "" for column in STORY_COLUMNS]
        cells += [";".join(found["terms"][key]) for key in groupings]
        cells.append(";".join(story.modes))
        cells.append(";".join(link["slug"] for link in found["related"]))
        cells.append(";".join(found["findings"]))
        rows.writerow([inert(str(cell)) for cell in cells])
    return written.getvalue()


def inert(cell: str) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a "'" before it."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell
