"""Finding files under content/findings → checked `Finding` values, their evidence checked against stories."""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from pathlib import Path

from markdown_it import MarkdownIt

from .config import SiteConfig
from .content import NAME_SEPARATORS, personal_data
from .errors import BuildFailed, Problem, did_you_mean, display_path, error, warning
from .finding import STATUSES, Finding
from .frontmatter import StoryFile, decode, split
from .markup import render_markdown
from .privacy import allowed, masked, scan
from .story import FILE_START, name_slug, shorten
from .storyfields import date_at
from .storyfiles import JUNK, linked_folders, read_file, walk_failed
from .vocabulary import FINDING_KEYS, SLUG, Term
from .yamldoc import Document, kind_name, list_at, text_at

FINDINGS = "findings"
REQUIRED = ("title", "date", "status", "evidence")

# Why a story in `evidence` that has a file is not among the published stories.
UNPUBLISHED = "draft"
UNREAD = "failed"
Terms = Mapping[str, Mapping[str, Term]]  # every grouping's terms, declared or used by a story


def load_findings(
    config: SiteConfig,
    md: MarkdownIt,
    terms: Terms,
    stories: Collection[str],
    unpublished: Mapping[str, str],
) -> tuple[list[Finding], list[Problem]]:
    """Every finding under content/findings, newest first, with the problems of all their files.

    `stories` are the slugs of the published stories, `unpublished` why each other story file's is not.
    """
    folder = config.content_dir / FINDINGS
    if not folder.is_dir():
        hint = "put each finding in content/findings/ as a Markdown file"
        return [], [error(display_path(folder), 1, 1, "not a folder", hint)] if folder.exists() else []
    problems: list[Problem] = []
    content = config.content_dir.resolve()
    findings = []
    for path in finding_files(folder, problems):
        try:
            source = read_file(path, None, content)
            text = decode(source.raw, source.shown)
            parts = split(text, source.shown)
        except BuildFailed as failed:
            problems.extend(failed.problems)
            continue
        found: list[Problem] = []
        finding = read_finding(parts, path, config, md, terms, found)
        found.extend(checked_evidence(parts.meta, stories, unpublished))
        found.extend(personal_data(text, parts.meta, config))
        if finding is not None:
            found.extend(personal_data_in_slug(finding.slug, parts.meta, config))
        problems.extend(found)
        if finding is not None and not any(p.is_error for p in found):
            findings.append(finding)
    problems.extend(duplicate_slugs(findings))
    return sorted(findings, key=lambda f: (-f.date.toordinal(), f.slug)), problems


def finding_files(folder: Path, problems: list[Problem]) -> list[Path]:
    """Every Markdown file under the findings folder, sub-folders included, in name order."""
    found = []
    for here, dirs, files in os.walk(folder, onerror=walk_failed(problems)):
        dirs[:] = sorted(d for d in dirs if not JUNK.search(d))
        problems.extend(linked_folders(Path(here), dirs))
        found += [Path(here) / name for name in sorted(files) if name.lower().endswith(".md")]
    return [path for path in found if not JUNK.search(path.name)]


def read_finding(
    parts: StoryFile, path: Path, config: SiteConfig, md: MarkdownIt, terms: Terms, problems: list[Problem]
) -> Finding | None:
    """A Finding from a split file, or None when it cannot make one; its problems go in `problems`."""
    doc = parts.meta
    if not isinstance(doc.data, dict):
        message = f"front matter must be a mapping of keys, not {kind_name(doc.data)}"
        problems.append(doc.error((), message, "write one 'key: value' a line, a space after the colon"))
        return None
    check_keys(doc, tuple(terms), problems)
    check_required(doc, problems)
    title = text_at(doc, ("title",), problems) or ""
    date = date_at(doc, "date", problems)
    status = text_at(doc, ("status",), problems) or ""
    if status and status not in STATUSES:
        hint = did_you_mean(status, STATUSES) or "use open, decided or done"
        problems.append(doc.error(("status",), f"unknown status '{status}'", hint))
    evidence = list_at(doc, ("evidence",), problems)
    filed = tuple((key, terms_of(doc, key, terms[key], problems)) for key in terms)
    body = render_markdown(md, parts.body, doc.path, parts.body_line, config.allow_html)
    problems.extend(body.problems)
    summary = text_at(doc, ("summary",), problems) or shorten(body.first_paragraph)
    slug = finding_slug(doc, path, problems)
    if date is None or not slug or not title or not evidence or status not in STATUSES:
        return None
    return Finding(
        slug=slug,
        title=title,
        date=date,
        status=status,
        source_path=doc.path,
        evidence=tuple(dict.fromkeys(evidence)),
        owner=text_at(doc, ("owner",), problems) or "",
        summary=summary,
        body=body.html,
        filed=tuple((key, slugs) for key, slugs in filed if slugs),
    )


def check_keys(doc: Document, groupings: tuple[str, ...], problems: list[Problem]) -> None:
    """Warn about keys a finding does not have, suggesting the closest one."""
    known = FINDING_KEYS + groupings
    for key in doc.data:
        if key not in known:
            at = doc.key_spot(key)
            hint = did_you_mean(key, known)
            problems.append(warning(doc.path, at.line, at.column, f"unknown key '{key}'", hint))


def check_required(doc: Document, problems: list[Problem]) -> None:
    """An error naming every required key that is missing, and one at each required key left empty."""
    missing = [key for key in REQUIRED if key not in doc.data]
    if missing:
        hint = "add " + ": ..., ".join(missing) + ": ... to the front matter"
        problems.append(error(doc.path, 1, 1, f"missing required {', '.join(missing)}", hint))
    for key in REQUIRED:
        value = doc.data.get(key, "missing")
        if value in (None, [], {}) or (isinstance(value, str) and not value.strip()):
            hint = (
                "list at least one story's slug" if key == "evidence" else f"write the {key} after '{key}:'"
            )
            problems.append(doc.error((key,), f"'{key}' is empty", hint))


def terms_of(
    doc: Document, key: str, declared: Mapping[str, Term], problems: list[Problem]
) -> tuple[str, ...]:
    """The terms a finding lists under `key`, each once; one that has no page is an error."""
    listed = list_at(doc, (key,), problems)
    for index, term in enumerate(listed):
        if term not in declared:
            hint = did_you_mean(term, declared) or f"use a term declared under '{key}' in site.yaml"
            problems.append(doc.error((key, index), f"'{term}' is not a term of {key}", hint))
    return tuple(dict.fromkeys(term for term in listed if term in declared))


def checked_evidence(
    doc: Document, stories: Collection[str], unpublished: Mapping[str, str]
) -> list[Problem]:
    """An error for each story in `evidence` that the site does not publish, naming the closest slugs."""
    problems: list[Problem] = []
    if not isinstance(doc.data, dict):
        return problems
    for index, slug in enumerate(list_at(doc, ("evidence",), [])):
        if slug in stories:
            continue
        if unpublished.get(slug) == UNREAD:
            message = f"the story '{slug}' could not be read"
            hint = "fix the problems reported in its file"
        elif slug in unpublished:
            message = f"the story '{slug}' is a draft or dated after today"
            hint = "publish it, or build with --drafts"
        else:
            message = f"no story '{slug}'"
            hint = did_you_mean(slug, stories) or "use a story's slug: its file name without .md"
        problems.append(doc.error(("evidence", index), message, hint))
    return problems


def finding_slug(doc: Document, path: Path, problems: list[Problem]) -> str:
    """The finding's slug: `slug:` if given, else from the file name."""
    given = text_at(doc, ("slug",), problems)
    if given is not None and not SLUG.fullmatch(given):
        problems.append(
            doc.error(
                ("slug",), f"'{given}' is not a valid slug", "use lowercase letters, digits and hyphens"
            )
        )
        return ""
    slug = given or name_slug(path)
    if not slug:
        problems.append(
            error(doc.path, 1, 1, "no slug can be made from the file name", "add 'slug:' to the front matter")
        )
    return slug


def personal_data_in_slug(slug: str, doc: Document, config: SiteConfig) -> list[Problem]:
    """A problem for each e-mail address, phone or identity number in the slug a finding's address shows."""
    by_field = "slug" in doc.data
    at = doc.text_spot("slug") if by_field else FILE_START
    allow = list_at(doc, ("allow_personal_data",), [])
    what = "the slug" if by_field else "the file name"
    hint = "rename it, or list it under allow_personal_data if it may be published"
    return [
        config.finding(
            doc.path, at.line, at.column, f"possible personal data in {what}: {f.label} '{masked(f)}'", hint
        )
        for f in scan(NAME_SEPARATORS.sub(" ", slug))
        if not allowed(f, allow, config.allow_domains)
    ]


def duplicate_slugs(findings: list[Finding]) -> list[Problem]:
    """An error at each finding whose slug an earlier file already has."""
    first: dict[str, Finding] = {}
    problems = []
    for finding in findings:
        if finding.slug in first:
            hint = f"{first[finding.slug].source_path} has it too; rename one"
            message = f"another finding has the slug '{finding.slug}'"
            problems.append(error(finding.source_path, FILE_START.line, FILE_START.column, message, hint))
        first.setdefault(finding.slug, finding)
    return problems
