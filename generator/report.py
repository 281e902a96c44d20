"""The evidence and gaps report for the terminal: as lines of text, or as JSON data."""

from __future__ import annotations

from typing import Any

from .config import SiteConfig
from .i18n import count, strings
from .insights import FINDINGS, SECTIONS, STORIES, Insight, Insights, Ref
from .library import Library
from .pages import finding_url, story_url, term_url


def ref_title(library: Library, ref: Ref) -> str:
    """The title of the page a reference names."""
    if ref.grouping == STORIES:
        return library.stories[ref.slug].title
    if ref.grouping == FINDINGS:
        return library.findings[ref.slug].title
    return library.terms[ref.grouping][ref.slug].title


def ref_url(ref: Ref) -> str:
    """Where the page a reference names is, relative to the site root."""
    if ref.grouping == FINDINGS:
        return finding_url(ref.slug)
    return story_url(ref.slug) if ref.grouping == STORIES else term_url(ref.grouping, ref.slug)


def ref_data(library: Library, config: SiteConfig, ref: Ref) -> dict[str, str]:
    """A reference as JSON data, with its page's title and full address."""
    return {
        "kind": ref.grouping,
        "slug": ref.slug,
        "title": ref_title(library, ref),
        "url": config.base_url + ref_url(ref),
    }


def report_data(library: Library, config: SiteConfig, found: Insights) -> dict[str, Any]:
    """The report as JSON data: each kind of gap with its items and the pages they concern."""
    t = strings(config.language)
    return {
        "site": config.title,
        "stories": len(library.stories),
        "sections": [
            {
                "name": name,
                "title": t[f"insight_{name}"],
                "about": t[f"insight_{name}_about"],
                "items": [
                    {
                        **ref_data(library, config, item.subject),
                        "mode": item.mode,
                        "pages": [ref_data(library, config, ref) for ref in item.refs],
                    }
                    for item in found[name]
                ],
            }
            for name in SECTIONS
        ],
    }


def report_lines(library: Library, config: SiteConfig, found: Insights) -> list[str]:
    """The report as lines for a terminal, in the site's language, with each page's address."""
    t = strings(config.language)
    stories = count(config.language, len(library.stories), "story")
    lines = [f"{t['insights_title']}: {config.title} ({stories})"]
    for name in SECTIONS:
        lines += ["", f"{t[f'insight_{name}']} ({len(found[name])})"]
        lines += [line for item in found[name] for line in item_lines(library, name, item, t)]
        if not found[name]:
            lines.append(f"  {t['insight_none']}")
    return lines


def item_lines(library: Library, name: str, item: Insight, t: dict[str, str]) -> list[str]:
    """One insight: its page, then the other pages it concerns, indented."""
    lines = [f"  {ref_title(library, item.subject)}  {ref_url(item.subject)}"]
    if item.mode:
        lines[0] += f"  ({t['insight_mode_' + item.mode]})"
    label = t[f"insight_{name}_refs"] + ": " if item.refs else ""
    for index, ref in enumerate(item.refs):
        lead = label if index == 0 else " " * len(label)
        lines.append(f"      {lead}{ref_title(library, ref)}  {ref_url(ref)}")
    return lines
