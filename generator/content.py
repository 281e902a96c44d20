"""Story files → checked `Story` values with their body rendered to HTML."""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from markdown_it import MarkdownIt

from .config import SLUG, SLUG_LENGTH, STORY_KEYS, SiteConfig, Term
from .digests import digest
from .errors import BuildFailed, Problem, did_you_mean, display_path, error, warning
from .files import FOLDER, Refused, cannot_read, open_inside, walk_error
from .forked import can_fork, forked
from .frontmatter import StoryFile, decode, split
from .groupings import BUILT_IN_KEYS
from .markup import render_markdown
from .privacy import allowed, masked, scan
from .yamldoc import Document, Spot, kind_name, list_at, text_at

STORIES = "stories"
KEYS = STORY_KEYS
REQUIRED = ("title", "date", "needs", "processes")
MODES = ("synchronous", "asynchronous")
STATUSES = ("published", "draft")
CO_CREATION_KEYS = ("opportunity", "mode", "note")
TRANSLITERATE = str.maketrans(
    {"æ": "ae", "ø": "o", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l", "þ": "th", "ð": "d"}
)
JUNK = re.compile(r"(^\.|^#|~$|\.swp$|\.swx$|\.tmp$|___jb_\w+___$|^4913$|^Thumbs\.db$|^desktop\.ini$)", re.I)
SUMMARY_LENGTH = 280
MAX_STORY_BYTES = 5_000_000  # ten times the longest real story seen, far below what slows a build
# A date with a time as YAML writes one (2024-03-14 10:30, 2024-03-14T10:30:00+01:00): the time is ignored.
DATE_AND_TIME = re.compile(
    r"\d{4}-\d\d-\d\d(?:[Tt]|[ \t]+)(?P<hour>\d\d?):(?P<minute>\d\d)(?::(?P<second>\d\d)(?:\.\d*)?)?"
    r"(?:[ \t]*(?:Z|[+-]\d\d?(?::?\d\d)?))?"
)
# Words in a slug or a file name are apart where these are: "call-070-123-45-67" holds a number.
NAME_SEPARATORS = re.compile(r"[-_/\\]+")
# A BCP 47 tag: a language, then subtags of one to eight letters or digits (x-private, u-ca-...).
LANGUAGE_CODE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
FILE_START = Spot(1, 1)
PARALLEL_FROM = 100  # files to parse before more processes pay for their start


@dataclass(frozen=True)
class CoCreation:
    """A chance to create value together with the customer, named by a story."""

    opportunity: str
    mode: str
    note: str = ""


@dataclass(frozen=True)
class Story:
    """One customer story, checked, with its body as HTML."""

    slug: str
    title: str
    date: dt.date
    source_path: str
    needs: tuple[str, ...]
    processes: tuple[str, ...]
    co_creation: tuple[CoCreation, ...] = ()
    related: tuple[str, ...] = ()
    related_spots: tuple[Spot, ...] = ()
    slug_spot: Spot = FILE_START
    date_spot: Spot = FILE_START
    status_spot: Spot = FILE_START
    review_spot: Spot = FILE_START  # where review_by is, else where the date is
    customer: str = ""
    source: str = ""
    achieve: str = ""
    avoid: str = ""
    author: str = ""
    summary: str = ""
    review_by: dt.date | None = None
    language: str = ""
    draft: bool = False
    folder: Path | None = None
    assets: tuple[str, ...] = ()
    allow_personal_data: tuple[str, ...] = ()
    key: str = ""  # a digest of the file the story was read from, and of its place
    facts: str = ""  # a digest of all the story holds: what a page showing it depends on
    filed: tuple[tuple[str, tuple[str, ...]], ...] = ()  # its terms in each grouping site.yaml declares

    def terms(self, grouping: str) -> tuple[str, ...]:
        """The terms the story has in a grouping, by the grouping's key."""
        if grouping == "needs":
            return self.needs
        if grouping == "processes":
            return self.processes
        if grouping == "co_creation":
            return self.opportunities
        if grouping == "sources":
            return (self.source,) if self.source else ()
        return dict(self.filed).get(grouping, ())

    @property
    def opportunities(self) -> tuple[str, ...]:
        """The co-creation opportunities the story names, each once."""
        return tuple(dict.fromkeys(c.opportunity for c in self.co_creation))

    @property
    def modes(self) -> tuple[str, ...]:
        """The co-creation modes the story names, each once."""
        return tuple(dict.fromkeys(c.mode for c in self.co_creation))


# A story file's story (if it has no errors), its problems, and the slug it claims even when it fails.
# A story file's story (if it has no errors), its problems, the slug it claims even when it
# fails, and its body as HTML. The body is kept apart: only the story's own page shows it.
Read = tuple[Story | None, tuple[Problem, ...], str, str]
Taken = tuple[str, Read]  # a story file's digest ('' if it could not be read) and what was read from it
StoryFiles = list[tuple[Path, Path | None]]  # each story file, with its folder if it is a folder story
Reader = Callable[[StoryFiles, SiteConfig, MarkdownIt, int], list[Read]]


def slugify(text: str) -> str:
    """A URL slug: Nordic letters transliterated, lowercase ASCII words joined by hyphens."""
    # Decomposed, "å" is "a" and a combining ring, which leaves with the rest outside ASCII.
    text = unicodedata.normalize("NFKD", text.lower().translate(TRANSLITERATE))
    return re.sub(r"[^a-z0-9]+", "-", text.encode("ascii", "ignore").decode()).strip("-")


def find_story_files(
    content: Path, problems: list[Problem] | None = None
) -> Iterator[tuple[Path, Path | None]]:
    """Every story file under content/stories, with its folder if it is a folder story.

    A folder that cannot be read is an error in `problems`; without them, it raises BuildFailed.
    """
    top = content / STORIES
    for folder, dirs, files in os.walk(top, onerror=walk_failed(problems)):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not JUNK.search(d))
        if here != top and "index.md" in files:
            dirs[:] = []
            yield here / "index.md", here
            continue
        odd = [d for d in dirs if d.lower().endswith(".md") and not (here / d / "index.md").is_file()]
        noted(problems, linked_folders(here, [d for d in dirs if d not in odd]))
        for name in sorted(files + odd):
            if name.lower().endswith(".md") and not JUNK.search(name):
                yield here / name, None


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


def not_published(story: Story, today: dt.date | None) -> Problem | None:
    """A warning when a story is left out of the site: a draft, or dated after today."""
    if story.draft:
        at, message = story.status_spot, "a draft, so it is not published"
    elif today and story.date > today:
        at, message = (
            story.date_spot,
            f"dated {story.date.isoformat()}, after today, so it is not published yet",
        )
    else:
        return None
    return warning(story.source_path, at.line, at.column, message, "build with --drafts to include it")


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


@dataclass(frozen=True)
class Source:
    """A story file's bytes, with what else decides what the story becomes."""

    path: Path
    folder: Path | None
    shown: str
    raw: bytes
    assets: tuple[str, ...]
    problems: tuple[Problem, ...] = ()  # sub-folders of a folder story that cannot be read

    @cached_property
    def key(self) -> str:
        """A digest of everything in the file and its place that decides what the story becomes."""
        return digest(self.shown, "\n".join(self.assets), self.raw)


def read_file(path: Path, folder: Path | None, content: Path) -> Source:
    """A story file's bytes; raises BuildFailed when it can't or mustn't be read.

    Only a regular file resolving inside the `content` folder is read.
    """
    shown = display_path(path)
    try:
        opened = open_inside(path, content, "the content folder")
    except Refused as refused:
        if refused.kind == FOLDER:
            hint = "rename it, or put index.md in it"
            raise BuildFailed([error(shown, 1, 1, "a folder named like a story file", hint)]) from None
        raise BuildFailed([refused.problem(shown)]) from None
    with os.fdopen(opened, "rb") as file:
        if os.fstat(file.fileno()).st_size > MAX_STORY_BYTES:
            message = f"the story is larger than {MAX_STORY_BYTES // 1_000_000} MB"
            raise BuildFailed([error(shown, 1, 1, message, "move long material into files beside it")])
        try:
            raw = file.read()
        except OSError as exc:
            raise BuildFailed([error(shown, 1, 1, cannot_read(exc))]) from None
    if not folder:
        return Source(path, folder, shown, raw, ())
    problems: list[Problem] = []
    return Source(path, folder, shown, raw, list_assets(folder, problems), tuple(problems))


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
        return replace(story, key=source.key, facts=digest(repr(story))), tuple(found), story.slug, html
    claimed = story.slug if story else claimed_slug(parts.meta, source.folder or source.path)
    return None, tuple(found), claimed, ""


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


def check_keys(doc: Document, problems: list[Problem], declared: tuple[str, ...] = ()) -> None:
    """Warn about keys a story does not have (but the groupings `declared`), suggesting the closest one."""
    known = KEYS + declared
    for key in doc.data:
        if key not in known:
            at = doc.key_spot(key)
            problems.append(
                warning(doc.path, at.line, at.column, f"unknown key '{key}'", did_you_mean(key, known))
            )


def check_required(doc: Document, problems: list[Problem]) -> None:
    """One error naming every required key that is missing or empty."""
    missing = [key for key in REQUIRED if doc.data.get(key) in (None, [], {}) or _blank(doc.data[key])]
    if missing:
        names = ", ".join(missing)
        hint = "add " + ": ..., ".join(missing) + ": ... to the front matter"
        problems.append(error(doc.path, 1, 1, f"missing required {names}", hint))


def _blank(value: object) -> bool:
    """True for text with nothing but spaces in it."""
    return isinstance(value, str) and not value.strip()


def language_at(doc: Document, problems: list[Problem]) -> str:
    """The language the story is written in, as a language code like sv or da."""
    code = text_at(doc, ("language",), problems) or ""
    if code and not LANGUAGE_CODE.fullmatch(code):
        problems.append(
            doc.error(("language",), f"'{code}' is not a language code", "use a code such as en, sv or da")
        )
        return ""
    return code


def date_at(doc: Document, key: str, problems: list[Problem]) -> dt.date | None:
    """A date written as YYYY-MM-DD (a time after it is ignored)."""
    value = doc.data.get(key)
    if isinstance(value, bool | int | float):
        shown = doc.text((key,)) or str(value)
        problems.append(doc.error((key,), f"'{shown}' is not a date", "write a real date as YYYY-MM-DD"))
        return None
    text = text_at(doc, (key,), problems)
    if not text:
        return None
    timed = DATE_AND_TIME.fullmatch(text)
    try:
        if timed and not is_time(timed):
            raise ValueError(text)
        return dt.date.fromisoformat(text[:10] if timed else text)
    except ValueError:
        problems.append(doc.error((key,), f"'{text}' is not a date", "write a real date as YYYY-MM-DD"))
        return None


def is_time(timed: re.Match[str]) -> bool:
    """True when the time after a date is one a clock shows: 23:59:59 at the latest."""
    hour, minute, second = (int(part or 0) for part in timed.group("hour", "minute", "second"))
    return hour < 24 and minute < 60 and second < 60


def terms_at(doc: Document, key: str, declared: dict[str, Term], problems: list[Problem]) -> tuple[str, ...]:
    """The terms a story lists under `key`, each once, undeclared ones warned about."""
    terms = list_at(doc, (key,), problems)
    for index, term in enumerate(terms):
        check_term(doc, (key, index), term, declared, problems)
    return tuple(dict.fromkeys(terms))


def check_term(
    doc: Document,
    path: tuple[str | int, ...],
    term: str,
    declared: dict[str, Term],
    problems: list[Problem],
) -> None:
    """Warn when a term is not declared in site.yaml; a term that cannot be a slug is an error."""
    if term in declared:
        return
    at = doc.spot(*path) if doc.text(path) is not None else doc.spot(path[0])
    grouping = path[0] if path[0] != "source" else "sources"
    if not SLUG.fullmatch(term):  # its page would be at a path made of it
        hint = "a term is a slug: lowercase letters, digits and hyphens"
        problems.append(error(doc.path, at.line, at.column, f"'{term}' cannot be a term", hint))
        return
    where = grouping if grouping in BUILT_IN_KEYS else f"groupings: {grouping}: terms"
    hint = did_you_mean(term, declared) or f"declare it under '{where}' in site.yaml"
    problems.append(warning(doc.path, at.line, at.column, f"'{term}' is not declared in {grouping}", hint))


def co_creation_at(
    doc: Document, declared: dict[str, Term], problems: list[Problem]
) -> tuple[CoCreation, ...]:
    """The co-creation entries of a story."""
    entries = doc.data.get("co_creation") or []
    if not isinstance(entries, list):
        problems.append(doc.error(("co_creation",), "'co_creation' must be a list of entries"))
        return ()
    found = []
    for index, entry in enumerate(entries):
        path = ("co_creation", index)
        if isinstance(entry, str):
            problems.append(doc.error(path, "a co-creation entry needs 'opportunity' and 'mode'"))
            continue
        if not isinstance(entry, dict):
            problems.append(doc.error(path, "a co-creation entry must be a mapping"))
            continue
        for key in entry:
            if key not in CO_CREATION_KEYS:
                at = doc.key_spot(*path, key)
                problems.append(
                    warning(
                        doc.path,
                        at.line,
                        at.column,
                        f"unknown key '{key}'",
                        did_you_mean(key, CO_CREATION_KEYS),
                    )
                )
        opportunity = text_at(doc, (*path, "opportunity"), problems)
        mode = text_at(doc, (*path, "mode"), problems)
        if not opportunity:
            problems.append(doc.error(path, "co-creation entry without 'opportunity'"))
            continue
        check_term(doc, (*path, "opportunity"), opportunity, declared, problems)
        if mode not in MODES:
            shown = f"unknown mode '{mode}'" if mode else "co-creation entry without 'mode'"
            problems.append(
                doc.error((*path, "mode") if mode else path, shown, "use synchronous or asynchronous")
            )
            continue
        found.append(CoCreation(opportunity, mode, text_at(doc, (*path, "note"), problems) or ""))
    return tuple(found)


def story_slug(doc: Document, path: Path, problems: list[Problem]) -> str:
    """The story's slug: `slug:` if given, else from the file or folder name."""
    given = text_at(doc, ("slug",), problems)
    at = doc.spot("slug") if given is not None else FILE_START
    if given is not None and not SLUG.fullmatch(given):
        hint = "use lowercase letters, digits and hyphens"
        problems.append(doc.error(("slug",), f"'{given}' is not a valid slug", hint))
        return ""
    slug = given if given is not None else name_slug(path)
    if not slug:
        hint = "add 'slug:' to the front matter"
        problems.append(error(doc.path, 1, 1, "no slug can be made from the file name", hint))
    elif len(slug) > SLUG_LENGTH:
        message = f"the slug is {len(slug)} characters long; a folder name takes at most {SLUG_LENGTH}"
        problems.append(error(doc.path, at.line, at.column, message, "set a shorter 'slug:'"))
        return ""
    return slug


def name_slug(path: Path) -> str:
    """The slug a story file or folder's name makes."""
    return slugify(path.stem if path.suffix.lower() == ".md" else path.name)


def claimed_slug(doc: Document, path: Path) -> str:
    """The slug a story that failed claims: its valid `slug:`, else its name's; '' when neither."""
    given = doc.data.get("slug") if isinstance(doc.data, dict) else None
    return given if isinstance(given, str) and SLUG.fullmatch(given) else name_slug(path)


def walk_failed(problems: list[Problem] | None) -> Callable[[OSError], None]:
    """What to do with a folder os.walk cannot read: note the error, or raise it."""
    return lambda exc: noted(problems, [walk_error(exc)])


def noted(problems: list[Problem] | None, found: list[Problem]) -> None:
    """Add what was found to `problems`, or raise it when there is no list to add to."""
    if problems is not None:
        problems.extend(found)
    elif found:
        raise BuildFailed(found)


def linked_folders(here: Path, dirs: list[str]) -> list[Problem]:
    """An error for each linked folder among `dirs`: a walk does not follow it, so its files would be lost."""
    hint = "copy the folder in instead of linking to it"
    message = "a linked folder, whose files would be left out"
    return [error(display_path(here / d), 1, 1, message, hint) for d in dirs if (here / d).is_symlink()]


def list_assets(folder: Path, problems: list[Problem] | None = None) -> tuple[str, ...]:
    """Files beside a folder story's index.md, relative to the folder; unreadable folders go in `problems`."""
    found = []
    for here, dirs, files in os.walk(folder, onerror=walk_failed(problems)):
        dirs[:] = sorted(d for d in dirs if not JUNK.search(d))
        noted(problems, linked_folders(Path(here), dirs))
        for name in sorted(files):
            if not JUNK.search(name) and not (Path(here) == folder and name == "index.md"):
                found.append((Path(here) / name).relative_to(folder).as_posix())
    return tuple(found)


def stories_beside(file: Source) -> list[Problem]:
    """Warn about Markdown files in a story's folder: they are copied as they are, drafts too."""
    hint = "move it out of the story's folder to make it a story of its own"
    return [
        warning(
            display_path(file.folder / name), 1, 1, "copied as it is beside the story, not made a story", hint
        )
        for name in file.assets
        if file.folder and name.lower().endswith(".md")
    ]


def check_images(
    shown: str, parts: StoryFile, images: tuple[str, ...], assets: tuple[str, ...]
) -> list[Problem]:
    """Warn about relative images that are not beside the story."""
    problems = []
    lines = parts.body.split("\n")
    for src in images:
        if src.split("#")[0].split("?")[0] in assets:
            continue
        number = next((i for i, line in enumerate(lines) if src in line), 0)
        column = lines[number].find(src) + 1 if lines else 1
        problems.append(
            warning(
                shown,
                parts.body_line + number,
                max(column, 1),
                f"image '{src}' is not beside the story",
                "make the story a folder with index.md and put the file there",
            )
        )
    return problems


def check_slugs(stories: list[Story]) -> list[Problem]:
    """Errors for two stories that would be published at one address."""
    seen: dict[str, Story] = {}
    problems = []
    for story in stories:
        other = seen.setdefault(story.slug, story)
        if other is not story:
            problems.append(
                error(
                    story.source_path,
                    story.slug_spot.line,
                    story.slug_spot.column,
                    f"slug '{story.slug}' is already used",
                    f"also the slug of {other.source_path}; set 'slug:' to tell them apart",
                )
            )
    return problems


def check_related(stories: list[Story], slugs: set[str]) -> list[Problem]:
    """Errors for `related` slugs that name no story file in `slugs`; a warning for a story naming itself.

    A story that failed its checks still exists for the others: its own errors say what is wrong.
    """
    problems = []
    for story in stories:
        for slug, at in zip(story.related, story.related_spots, strict=True):
            if slug == story.slug:
                message = "a story is not related to itself"
                problems.append(warning(story.source_path, at.line, at.column, message, "remove it"))
            elif slug not in slugs:
                problems.append(
                    error(
                        story.source_path,
                        at.line,
                        at.column,
                        f"related story '{slug}' does not exist",
                        did_you_mean(slug, slugs),
                    )
                )
    return problems


def shorten(text: str, limit: int = SUMMARY_LENGTH) -> str:
    """Text cut at a word boundary to at most `limit` characters."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"
