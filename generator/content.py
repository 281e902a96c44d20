"""Story files → checked `Story` values with their body rendered to HTML."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from markdown_it import MarkdownIt

from .config import SiteConfig
from .crosschecks import check_images, check_related, check_slugs, not_published, stories_beside
from .digests import digest
from .errors import BuildFailed, Problem, display_path, error
from .forked import can_fork, forked
from .frontmatter import StoryFile, decode, split
from .markup import render_markdown
from .privacy import allowed, masked, scan
from .quotes import quotes_in
from .story import FILE_START, Read, Story, name_slug, shorten
from .storyfields import (
    STATUSES,
    check_keys,
    check_required,
    check_term,
    claimed_slug,
    co_creation_at,
    date_at,
    language_at,
    story_slug,
    terms_at,
)
from .storyfiles import STORIES, Source, find_story_files, read_file
from .yamldoc import Document, Spot, kind_name, list_at, text_at

# Words in a slug or a file name are apart where these are: "call-070-123-45-67" holds a number.
NAME_SEPARATORS = re.compile(r"[-_/\\]+")
PARALLEL_FROM = 100  # files to parse before more processes pay for their start


Taken = tuple[str, Read]  # a story file's digest ('' if it could not be read) and what was read from it
StoryFiles = list[tuple[Path, Path | None]]  # each story file, with its folder if it is a folder story
Reader = Callable[[StoryFiles, SiteConfig, MarkdownIt, int], list[Read]]


def load_stories(
    config: SiteConfig,
    md: MarkdownIt,
    drafts: bool = False,
    today: dt.date | None = None,
    workers: int = 1,
    read: Reader | None = None,
) -> tuple[list[Story], dict[str, str], list[Problem]]:
    """Read, check and render every story, with each one's body by slug; problems of all files are collected.

    `read` reads a list of story files (`read_stories` unless the caller has a better way).
    """
    content = config.content_dir
    if not (content / STORIES).is_dir():
        shown = display_path(content / STORIES)
        return [], {}, [error(shown, 1, 1, "no stories folder", "put stories in content/stories/")]
    problems: list[Problem] = []
    files = list(find_story_files(content, problems))
    reads = (read or read_stories)(files, config, md, workers)
    return collect(reads, problems, drafts, today)


def collect(
    reads: list[Read], problems: list[Problem], drafts: bool, today: dt.date | None
) -> tuple[list[Story], dict[str, str], list[Problem]]:
    """The stories read, their bodies and every problem, with those between stories: slugs, links, drafts."""
    stories = [story for story, _, _, _ in reads if story]
    for _, found, _, _ in reads:
        problems.extend(found)
    problems.extend(check_slugs(stories))
    problems.extend(check_related(stories, {slug for _, _, slug, _ in reads}))
    if not drafts:
        unpublished = {s.slug: problem for s in stories if (problem := not_published(s, today))}
        problems.extend(unpublished.values())
        stories = [s for s in stories if s.slug not in unpublished]
    published = {story.slug for story in stories}
    bodies = {story.slug: html for story, _, _, html in reads if story and story.slug in published}
    return stories, bodies, problems


def read_stories(files: StoryFiles, config: SiteConfig, md: MarkdownIt, workers: int = 1) -> list[Read]:
    """Each story file's story and problems, in as many processes as `workers` for many files."""
    content = config.content_dir.resolve()
    taken = parse_all(files, lambda path, folder: take_story(path, folder, content, config, md), workers)
    return [result for _, result in taken]


def take_story(
    path: Path,
    folder: Path | None,
    content: Path,
    config: SiteConfig,
    md: MarkdownIt,
    known: Callable[[str], Read | None] | None = None,
) -> Taken:
    """A file's digest and story; `known` may know the story by the digest of the file's bytes.

    The digest is '' when the file could not be read in full (folder stories whose folder
    can't be), as the problems are then not its file's alone.
    """
    try:
        source = read_file(path, folder, content)
    except BuildFailed as failed:
        return "", (None, tuple(failed.problems), name_slug(folder or path), "")
    kept = known(source.key) if known else None
    story, found, slug, html = kept if kept is not None else read_story(source, config, md)
    return ("" if source.problems else source.key), (story, found + source.problems, slug, html)


def parse_all(
    files: list[tuple[Path, Path | None]], take: Callable[[Path, Path | None], Taken], workers: int
) -> list[Taken]:
    """`take` of each file, in as many processes as `workers` once there are enough files to pay for them.

    In worker processes, files are read and parsed side by side rather than read here first.
    """
    if len(files) < PARALLEL_FROM or not can_fork(workers):
        return [take(path, folder) for path, folder in files]
    results: list[Taken] = [("", (None, (), "", ""))] * len(files)

    def parse(part: Iterable[tuple[int, tuple[Path, Path | None]]]) -> Iterator[tuple[int, Taken]]:
        """Each file of one worker's share taken, with its place among all the files."""
        return ((index, take(path, folder)) for index, (path, folder) in part)

    for index, result in forked(list(enumerate(files)), parse, workers):
        results[index] = result
    return results


def read_story(source: Source, config: SiteConfig, md: MarkdownIt) -> Read:
    """A story from a file's bytes, or None when it has errors; with the file's problems."""
    try:
        text = decode(source.raw, source.shown)
        parts = split(text, source.shown)
    except BuildFailed as failed:
        return None, tuple(failed.problems), name_slug(source.folder or source.path), ""
    found: list[Problem] = []
    story, html = build_story(parts, source, config, md, found)
    found.extend(personal_data(text, parts.meta, config))
    if story is not None:
        found.extend(personal_data_in_names(story, parts.meta, config))
    if story is not None and not any(p.is_error for p in found):
        return (
            replace(story, key=source.key, facts=facts_of(source, parts, story)),
            tuple(found),
            story.slug,
            html,
        )
    claimed = story.slug if story else claimed_slug(parts.meta, source.folder or source.path)
    return None, tuple(found), claimed, ""


def facts_of(source: Source, parts: StoryFile, story: Story) -> str:
    """A digest of all a story holds but its body: its file's place and front matter, its summary, its quotes.

    Everything else a story holds follows from those and the settings, which every page depends on.
    """
    return digest(
        source.shown,
        str(source.folder),
        "\n".join(source.assets),
        parts.meta.source,
        story.summary,
        *story.quotes,
    )


def build_story(
    parts: StoryFile, file: Source, config: SiteConfig, md: MarkdownIt, problems: list[Problem]
) -> tuple[Story | None, str]:
    """A Story from a split file, and its body as HTML; every problem goes into `problems`."""
    doc = parts.meta
    if not isinstance(doc.data, dict):
        message = f"front matter must be a mapping of keys, not {kind_name(doc.data)}"
        problems.append(doc.error((), message, "write one 'key: value' a line, a space after the colon"))
        return None, ""
    vocabulary = config.vocabulary
    extra = tuple(grouping.key for grouping in vocabulary.extra)
    check_keys(doc, problems, extra)
    check_required(doc, problems)
    title = text_at(doc, ("title",), problems) or ""
    date = date_at(doc, "date", problems)
    needs = terms_at(doc, "needs", vocabulary.needs, problems)
    processes = terms_at(doc, "processes", vocabulary.processes, problems)
    source = text_at(doc, ("source",), problems) or ""
    if source:
        check_term(doc, ("source",), source, vocabulary.sources, problems)
    folder = file.folder
    slug = story_slug(doc, folder or file.path, problems)
    status = text_at(doc, ("status",), problems) or "published"
    if status not in STATUSES:
        problems.append(doc.error(("status",), f"unknown status '{status}'", "use published or draft"))
    body = render_markdown(md, parts.body, doc.path, parts.body_line, config.allow_html)
    problems.extend(body.problems)
    assets = file.assets
    problems.extend(check_images(doc.path, parts, body.images, assets))
    problems.extend(stories_beside(file))
    related = list_at(doc, ("related",), problems)
    # Every check runs whatever else is wrong, so that one run reports all of a story's problems.
    co_creation = co_creation_at(doc, vocabulary.co_creation, problems)
    filed = tuple((key, terms_at(doc, key, vocabulary.grouping(key), problems)) for key in extra)
    texts = {key: text_at(doc, (key,), problems) or "" for key in ("customer", "achieve", "avoid", "author")}
    summary = text_at(doc, ("summary",), problems) or shorten(body.first_paragraph)
    review_by = date_at(doc, "review_by", problems)
    language = language_at(doc, problems)
    if date is None or not slug:
        return None, ""
    return Story(
        slug=slug,
        title=title,
        date=date,
        source_path=doc.path,
        needs=needs,
        processes=processes,
        related=tuple(related),
        related_spots=tuple(doc.spot("related", i) for i in range(len(related))),
        slug_spot=doc.spot("slug") if "slug" in doc.data else FILE_START,
        date_spot=doc.spot("date"),
        status_spot=doc.spot("status") if "status" in doc.data else FILE_START,
        review_spot=doc.spot("review_by") if "review_by" in doc.data else doc.spot("date"),
        co_creation=co_creation,
        customer=texts["customer"],
        source=source,
        achieve=texts["achieve"],
        avoid=texts["avoid"],
        author=texts["author"],
        summary=summary,
        quotes=quotes_in(body.html),
        review_by=review_by,
        language=language,
        draft=status == "draft",
        folder=folder,
        assets=assets,
        allow_personal_data=tuple(list_at(doc, ("allow_personal_data",), [])),
        filed=filed,
    ), body.html


def personal_data(text: str, doc: Document, config: SiteConfig) -> list[Problem]:
    """A problem for each e-mail address, phone or identity number in a story file it does not allow.

    Each is an error unless site.yaml says `personal_data: {on_finding: warn}`.
    """
    problems: list[Problem] = []
    allow = list_at(doc, ("allow_personal_data",), problems) if isinstance(doc.data, dict) else []
    found = config.finding
    for finding in scan(text):
        if allowed(finding, allow, config.allow_domains):
            continue
        hint = "remove it, or list it under allow_personal_data if it may be published"
        if finding.kind == "email":
            hint += ", or allow its domain under personal_data: allow_domains in site.yaml"
        message = f"possible personal data: {finding.label} '{masked(finding)}'"
        problems.append(found(doc.path, finding.line, finding.column, message, hint))
    return problems


def personal_data_in_names(story: Story, doc: Document, config: SiteConfig) -> list[Problem]:
    """A problem for each e-mail address, phone or identity number in the names a story's addresses show.

    Those are its slug (from `slug:` or the file name) and the names of the files beside it.
    """
    problems: list[Problem] = []
    allow = list_at(doc, ("allow_personal_data",), problems)
    found = config.finding
    by_field = isinstance(doc.data, dict) and "slug" in doc.data
    at = doc.text_spot("slug") if by_field else Spot(1, 1)
    names = [("the slug" if by_field else "the file name", story.slug, at)]
    names += [("the name of a file beside the story", asset, Spot(1, 1)) for asset in story.assets]
    for what, name, spot in names:
        for finding in scan(NAME_SEPARATORS.sub(" ", os.path.splitext(name)[0])):
            if not allowed(finding, allow, config.allow_domains):
                message = f"possible personal data in {what}: {finding.label} '{masked(finding)}'"
                hint = "rename it, or list it under allow_personal_data if it may be published"
                problems.append(found(doc.path, spot.line, spot.column, message, hint))
    return problems
