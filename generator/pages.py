"""The site plan: every page and file, at which path, from which template and context."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path, PurePosixPath
from typing import Any

from .config import CONFIG_FILE, SiteConfig
from .content import MODES, Story
from .errors import Problem, display_path, error, warning
from .files import Refused, cannot_read, markup_kind, open_inside, read_inside, script_problems, walk_error
from .groupings import BUILT_IN, LIST_TEMPLATE, TERM_TEMPLATE, Grouping, section
from .insights import insights
from .journey import lanes
from .library import Library
from .privacy import allowed, masked, scan

NEWEST_ON_HOME = 8
STORY_LIST = "stories/index.html"
CUSTOMER = "customer"  # the facet of the customers the stories name
MODE = "mode"  # the facet of the modes a grouping with modes (co-creation) names its terms in


@dataclass(frozen=True)
class Page:
    """One file of the site, made from a template and what it shows."""

    path: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The page's address relative to the site root (folders end in '/')."""
        return self.path.removesuffix("index.html")


@dataclass(frozen=True)
class Facet:
    """A way to narrow the stories down: each value some story has, with its count of stories."""

    name: str
    grouping: str
    values: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Allowed:
    """The personal data a story's files may publish, and whether the rest is an error or a warning."""

    texts: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    warn: bool = False


@dataclass(frozen=True)
class Copy:
    """A file copied into the site as it is."""

    source: Path
    path: str
    within: Path | None = None  # the resolved folder it must resolve inside; None: the folder it is in
    where: str = "its folder"  # that folder, in words
    checked: bool = False  # refused when it can run script (a story's file without allow_html)
    allowed: Allowed | None = None  # read for personal data, if text, when not None (a story's file)

    @property
    def folder(self) -> Path:
        """The resolved folder the file must resolve inside."""
        return self.within or self.source.parent.resolve()

    def read(self) -> bytes:
        """The file's bytes, when it is a regular file inside its folder; raises Refused.

        Checked again as it is read, as the file may have been replaced since the plan was made.
        """
        data = read_inside(self.source, self.folder, self.where)
        found = script_problems(self.source.name, data, display_path(self.source)) if self.checked else []
        if found:
            raise Refused(found[0].message, found[0].hint)
        return data

    def problems(self) -> list[Problem]:
        """Errors that keep the file out of the site: where it leads, what it is, script it can run."""
        shown = display_path(self.source)
        if self.source.is_dir():
            return [folder_problem(self.source)]
        try:
            opened = open_inside(self.source, self.folder, self.where)
            with os.fdopen(opened, "rb") as file:
                head = file.read(1024) if self.checked or self.allowed else b""
                scripted = self.checked and bool(markup_kind(self.source.name, head))
                if not scripted and not (self.allowed and is_text(head)):
                    return []
                data = head + file.read()
        except Refused as refused:
            return [refused.problem(shown)]
        except OSError as exc:
            return [error(shown, 1, 1, cannot_read(exc))]
        found = script_problems(self.source.name, data, shown) if scripted else []
        return found + (personal_data(data, shown, self.allowed) if self.allowed else [])


def is_text(head: bytes) -> bool:
    """True when a file's first bytes read as UTF-8 text (the last character may be cut off)."""
    if b"\0" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as bad:
        return bad.start >= len(head) - 3
    return True


def personal_data(data: bytes, shown: str, allow: Allowed) -> list[Problem]:
    """A problem for each e-mail address, phone or identity number in a text file a story publishes."""
    found = warning if allow.warn else error
    problems = []
    for finding in scan(data.decode("utf-8", "replace")):
        if not allowed(finding, allow.texts, allow.domains):
            message = f"possible personal data: {finding.label} '{masked(finding)}'"
            hint = "remove it, or list it under the story's allow_personal_data if it may be published"
            problems.append(found(shown, finding.line, finding.column, message, hint))
    return problems


def folder_problem(folder: Path) -> Problem:
    """An error for a folder among the files to copy: a linked one, or one that cannot be read."""
    if folder.is_symlink():
        message, hint = (
            "a linked folder, whose files would be left out",
            "copy the folder in instead of linking to it",
        )
        return error(display_path(folder), 1, 1, message, hint)
    try:
        os.listdir(folder)
    except OSError as exc:
        return walk_error(exc)
    return error(display_path(folder), 1, 1, "a folder, not a file")


@dataclass(frozen=True)
class Plan:
    """Everything the site will hold."""

    pages: tuple[Page, ...]
    copies: tuple[Copy, ...]

    @property
    def paths(self) -> set[str]:
        """Every path the site will hold."""
        return {p.path for p in self.pages} | {c.path for c in self.copies}


def term_url(grouping: str, slug: str) -> str:
    """Where a term's page is, relative to the site root."""
    return f"{section(grouping)}/{slug}/"


def cell_url(need: str, process: str) -> str:
    """Where the stories of one cell of the need × process matrix are listed."""
    return f"matrix/{need}/{process}/"


def story_url(slug: str) -> str:
    """Where a story's page is, relative to the site root."""
    return f"stories/{slug}/"


def plan_site(library: Library, config: SiteConfig, static: Iterable[tuple[Path, str]]) -> Plan:
    """Every page and copied file of the site."""
    shown = LazyFacets(library)
    facets_of = partial(story_facets, groupings=library.groupings)
    pages = [
        Page("index.html", "home.html", {"newest": list(library.stories.values())[:NEWEST_ON_HOME]}),
        Page(STORY_LIST, "stories.html", {"facets": shown, "facets_of": facets_of}),
        Page("search/index.html", "search.html", {"facets": shown}),
        Page("matrix/index.html", "matrix.html"),
        *(
            Page(
                f"{g.section}/index.html",
                own_template(g.list_template, LIST_TEMPLATE, config),
                {"grouping": g},
            )
            for g in library.groupings
        ),
        Page("journey/index.html", "journey.html", {"lanes": lanes(library)}),
        Page("insights/index.html", "insights.html", {"insights": insights(library)}),
        Page("feed.xml", "feed.xml", {"entries": list(library.stories.values())[:50]}),
        Page("sitemap.xml", "sitemap.xml"),
        Page("404.html", "404.html"),
    ]
    for story in library.stories.values():
        pages.append(Page(story_url(story.slug) + "index.html", "story.html", {"story": story}))
    for grouping in library.groupings:
        template = own_template(grouping.term_template, TERM_TEMPLATE, config)
        for slug, term in library.terms[grouping.key].items():
            context = {"term": term, "grouping": grouping}
            pages.append(Page(term_url(grouping.key, slug) + "index.html", template, context))
    for need, row in library.matrix.items():
        for process, slugs in row.items():
            if slugs:
                cell = {
                    "need": library.terms["needs"][need],
                    "process": library.terms["processes"][process],
                    "stories": [library.stories[slug] for slug in slugs],
                }
                pages.append(Page(cell_url(need, process) + "index.html", "matrix_cell.html", cell))
    copies = [static_copy(source, name, config) for source, name in static]
    content = config.content_dir.resolve()
    for story in library.stories.values():
        if story.folder:
            copies += [
                Copy(
                    story.folder / name,
                    story_url(story.slug) + name,
                    content,
                    "the content folder",
                    not config.allow_html,
                    Allowed(story.allow_personal_data, config.allow_domains, config.on_finding == "warn"),
                )
                for name in story.assets
            ]
    return Plan(tuple(pages), tuple(copies))


def own_template(name: str, generic: str, config: SiteConfig) -> str:
    """A grouping's own template where the site's templates have it, else the generic one.

    The default theme has only the generic ones, so the site's templates are the only place to look.
    """
    return name if name and (config.templates_dir / name).is_file() else generic


def static_copy(source: Path, name: str, config: SiteConfig) -> Copy:
    """A static file of the site's templates or of the theme, which must resolve inside that folder."""
    folder = source.parents[len(PurePosixPath(name).parts)]  # the folder holding static/
    where = "the templates folder" if folder == config.templates_dir else "the theme"
    return Copy(source, f"static/{name}", folder.resolve(), where)


def facet_groupings(groupings: tuple[Grouping, ...]) -> dict[str, str]:
    """Each facet's name (its URL parameter and Pagefind filter), in the order pages show them,
    with the grouping its values are terms of ('' for values that are not terms)."""
    found = {}
    for grouping in groupings:
        found[grouping.facet] = grouping.key
        if grouping.modes:
            found[MODE] = ""
    found[CUSTOMER] = ""
    return found


# The facets of a library with the built-in groupings only.
FACETS = facet_groupings(BUILT_IN)


def story_facets(story: Story, groupings: tuple[Grouping, ...] = BUILT_IN) -> dict[str, tuple[str, ...]]:
    """The values a story has in each facet."""
    found = {}
    for grouping in groupings:
        found[grouping.facet] = story.terms(grouping.key)
        if grouping.modes:
            found[MODE] = story.modes
    found[CUSTOMER] = (story.customer,) if story.customer else ()
    return found


@dataclass(frozen=True)
class LazyFacets:
    """A library's facets, counted when a page first shows them: most builds make no such page."""

    library: Library = field(repr=False)

    @cached_property
    def counted(self) -> tuple[Facet, ...]:
        """The facets, counted once."""
        return facets(self.library)

    def __iter__(self) -> Iterator[Facet]:
        """The facets, in the order pages show them."""
        return iter(self.counted)


def facets(library: Library) -> tuple[Facet, ...]:
    """Every facet with the values stories have, in the vocabulary's order (customers alphabetically)."""
    named = facet_groupings(library.groupings)
    counts: dict[str, Counter[str]] = {name: Counter() for name in named}
    for story in library.stories.values():
        for name, values in story_facets(story, library.groupings).items():
            counts[name].update(set(values))
    found = []
    for name, grouping in named.items():
        if grouping:
            order = list(library.terms[grouping])
        elif name == MODE:
            order = list(MODES)
        else:
            order = sorted(counts[name], key=lambda value: (value.casefold(), value))
        found.append(Facet(name, grouping, tuple((v, counts[name][v]) for v in order if counts[name][v])))
    return tuple(found)


def check_plan(plan: Plan) -> list[Problem]:
    """Errors for two things written to one path, a path leaving its folder, a file not to copy."""
    owners: dict[str, str] = {}
    problems = [problem for copy in plan.copies for problem in copy.problems()]
    for page in plan.pages:
        if not tidy(page.path):
            story = page.context.get("story")
            shown = story.source_path if isinstance(story, Story) else CONFIG_FILE
            problems.append(error(shown, 1, 1, f"'{page.path}' would be written outside its folder"))
    for page in plan.pages:
        owners.setdefault(page.path.lower(), page.template)
    for copy in plan.copies:
        if copy.path.lower() in owners:
            problems.append(
                error(
                    str(copy.source),
                    1,
                    1,
                    f"'{copy.path}' would overwrite a page of the site",
                    "rename the file",
                )
            )
        owners[copy.path.lower()] = str(copy.source)
    return problems


def tidy(path: str) -> bool:
    """True for a path inside the site that names each folder on the way plainly."""
    parts = path.split("/")
    return "\\" not in path and "\0" not in path and all(part not in ("", ".", "..") for part in parts)


def page_inputs(
    page: Page, library: Library, listed: Mapping[str, tuple[Any, ...]] | None = None
) -> tuple[Any, ...]:
    """What a page shows from the model, to tell whether it must be made again.

    The list of all stories shows each story and the facets they make; the other pages
    about the whole library (counts, the matrix, insights, the feed) may show anything of
    its stories and terms. Only plain values (text, numbers, tuples) so that the inputs
    can be marshalled. `listed` is every story's `listing` by slug, made once for many pages.
    """
    shown = listed.__getitem__ if listed is not None else lambda slug: listing(library.stories[slug], library)
    if page.path == STORY_LIST:
        return ("stories", tuple(map(shown, library.stories)))
    story = page.context.get("story")
    if story is not None:
        related = tuple((r.slug, r.declared, r.shared) for r in library.related[story.slug])
        return (
            "story",
            story.key,
            due_mark(story.slug, library),
            related,
            tuple(shown(r[0]) for r in related),
        )
    need, process = page.context.get("need"), page.context.get("process")
    if need is not None and process is not None:
        cell = library.matrix[need.slug][process.slug]
        return ("cell", need.slug, process.slug, tuple(map(shown, cell)))
    term = page.context.get("term")
    if term is not None:
        grouping, slug = term.grouping, term.slug
        together = tuple(
            (pair, tuple(library.together[pair].get(slug, {}).items()))
            for pair in library.together
            if pair[0] == grouping
        )
        backing = library.evidence[grouping][slug]
        newest = backing.newest.toordinal() if backing.newest else None
        return (
            "term",
            grouping,
            slug,
            term.description,
            tuple(map(shown, library.by_term[grouping].get(slug, ()))),
            together,
            (backing.stories, backing.customers, backing.sources, newest),
            tuple((mode, counts.get(slug)) for mode, counts in library.modes.items()),
            tuple(library.terms["processes"]),
        )
    # Settings, templates and insole's code are inputs of every page, except the terms'
    # descriptions (see build), which only the list of a grouping's terms shows.
    grouping = page.context.get("grouping")
    listed_terms = library.terms[grouping.key] if grouping else {}
    described = tuple((slug, term.description) for slug, term in listed_terms.items())
    return ("library", page.template, tuple(map(shown, library.stories)), described)


def listings(library: Library) -> dict[str, tuple[Any, ...]]:
    """Every story's `listing`, by slug."""
    return {slug: listing(story, library) for slug, story in library.stories.items()}


def listing(story: Story, library: Library) -> tuple[Any, ...]:
    """What a list may show of a story: any of it (so its file's digest), and whether it is due."""
    return (story.slug, story.key, due_mark(story.slug, library))


def due_mark(slug: str, library: Library) -> tuple[int, str] | None:
    """Since when and why a story is due for review, or None."""
    due = library.due.get(slug)
    return (due.since.toordinal(), due.reason) if due else None
