"""The site plan: every page and file, at which path, from which template and context."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from pathlib import Path
from typing import Any

from .config import CONFIG_FILE, SiteConfig
from .contexts import Shared
from .copies import Allowed, Copy, static_copy
from .errors import Problem, error
from .groupings import BUILT_IN, LIST_TEMPLATE, TERM_TEMPLATE, Grouping, section
from .insights import insights
from .journey import lanes
from .library import Library
from .story import MODES, Story

NEWEST_ON_HOME = 8
IN_FEED = 50  # the newest stories a feed holds
STORY_LIST = "stories/index.html"
FINDINGS = "findings"  # the folder of the findings' pages
DATA_FILE = "data/library.json"  # the library as data for other tools, made from the template of this name
SCHEMA_FILE = "data/library.schema.json"  # its JSON Schema, a template that is the file as it is
CUSTOMER = "customer"  # the facet of the customers the stories name
MODE = "mode"  # the facet of the modes a grouping with modes (co-creation) names its terms in


@dataclass(frozen=True)
class Page:
    """One file of the site, made from a template and what it shows.

    `given` is the page's context, or what makes it when it is first asked for: a build that
    finds the model as it was needs no page's context at all.
    """

    path: str
    template: str
    given: dict[str, Any] | Callable[[], dict[str, Any]] = field(default_factory=dict, repr=False)

    @cached_property
    def context(self) -> dict[str, Any]:
        """What the page's template is given."""
        return self.given if isinstance(self.given, dict) else self.given()

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


def finding_url(slug: str) -> str:
    """Where a finding's page is, relative to the site root."""
    return f"{FINDINGS}/{slug}/"


def plan_site(
    library: Library, bodies: Mapping[str, str], config: SiteConfig, static: Iterable[tuple[Path, str]]
) -> Plan:
    """Every page and copied file of the site, each page with what it shows."""
    shared = Shared(library)
    shown = LazyFacets(shared.plain)
    facets_of = partial(story_facets, groupings=library.groupings)
    newest = list(library.stories.values())[:NEWEST_ON_HOME]
    pages = [
        Page("index.html", "home.html", shared.whole(newest=newest)),
        Page(STORY_LIST, "stories.html", shared.whole(facets=shown, facets_of=facets_of)),
        Page("quotes/index.html", "quotes.html", partial(quotes_page, shared, facets_of)),
        Page("search/index.html", "search.html", shared.whole(facets=shown)),
        Page("matrix/index.html", "matrix.html", shared.whole()),
        *(
            Page(
                f"{g.section}/index.html",
                own_template(g.list_template, LIST_TEMPLATE, config),
                shared.whole(described=g.key, grouping=g),
            )
            for g in library.groupings
        ),
        Page("journey/index.html", "journey.html", shared.whole(lanes=lanes(shared.plain))),
        Page(f"{FINDINGS}/index.html", "findings.html", shared.whole()),
        Page("insights/index.html", "insights.html", shared.whole(insights=insights(shared.plain))),
        Page("feed.xml", "feed.xml", shared.whole(entries=list(library.stories.values())[:IN_FEED])),
        Page("sitemap.xml", "sitemap.xml", shared.whole()),
        Page("404.html", "404.html", shared.whole()),
        Page(DATA_FILE, DATA_FILE, {"library": library}),
        Page(SCHEMA_FILE, SCHEMA_FILE, {}),
    ]
    for story in library.stories.values():
        pages.append(
            Page(
                story_url(story.slug) + "index.html",
                "story.html",
                partial(shared.story, story, bodies[story.slug]),
            )
        )
    for finding in library.findings.values():
        pages.append(
            Page(finding_url(finding.slug) + "index.html", "finding.html", partial(shared.finding, finding))
        )
    for grouping in library.groupings:
        template = own_template(grouping.term_template, TERM_TEMPLATE, config)
        for slug, term in library.terms[grouping.key].items():
            context = partial(shared.term, grouping, term)
            pages.append(Page(term_url(grouping.key, slug) + "index.html", template, context))
            feed = partial(shared.feed, grouping, term, IN_FEED)
            pages.append(Page(term_url(grouping.key, slug) + "feed.xml", "term_feed.xml", feed))
    for need, row in library.matrix.items():
        for process, slugs in row.items():
            if slugs:
                cell = partial(shared.cell, need, process)
                pages.append(Page(cell_url(need, process) + "index.html", "matrix_cell.html", cell))
    return Plan(tuple(pages), tuple(planned_copies(library, config, static)))


def quotes_page(shared: Shared, facets_of: Callable[[Story], dict[str, tuple[str, ...]]]) -> dict[str, Any]:
    """The quotes page's context: the stories quoting customers, newest first; the facets counted by quote."""
    stories = [story for story in shared.plain.stories.values() if story.quotes]
    counted = facets(shared.plain, [story for story in stories for _ in story.quotes])
    quoted = sum(len(story.quotes) for story in stories)
    return shared.whole(stories=stories, quoted=quoted, facets=counted, facets_of=facets_of)


def planned_copies(library: Library, config: SiteConfig, static: Iterable[tuple[Path, str]]) -> list[Copy]:
    """The static files of the theme and the site, and the files beside each story."""
    copies = [static_copy(source, name, config) for source, name in static]
    content = config.content_dir.resolve()
    allow = Allowed((), config.allow_domains, config.on_finding == "warn")
    for story in library.stories.values():
        if story.folder:
            copies += [
                Copy(
                    story.folder / name,
                    story_url(story.slug) + name,
                    content,
                    "the content folder",
                    not config.allow_html,
                    replace(allow, texts=story.allow_personal_data),
                )
                for name in story.assets
            ]
    return copies


def own_template(name: str, generic: str, config: SiteConfig) -> str:
    """A grouping's own template where the site's templates have it, else the generic one.

    The default theme has only the generic ones, so the site's templates are the only place to look.
    """
    return name if name and (config.templates_dir / name).is_file() else generic


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

    def __reduce__(self) -> tuple[type, tuple[Library]]:
        """Pickled as the library it counts, whether or not it has counted yet."""
        return LazyFacets, (self.library,)

    @cached_property
    def counted(self) -> tuple[Facet, ...]:
        """The facets, counted once."""
        return facets(self.library)

    def __iter__(self) -> Iterator[Facet]:
        """The facets, in the order pages show them."""
        return iter(self.counted)


def facets(library: Library, counted: Iterable[Story] | None = None) -> tuple[Facet, ...]:
    """Every facet with the values stories have, in the vocabulary's order (customers alphabetically).

    Each story in `counted` (each of the library's unless given; a story may come more than once) counts once.
    """
    named = facet_groupings(library.groupings)
    counts: dict[str, Counter[str]] = {name: Counter() for name in named}
    for story in library.stories.values() if counted is None else counted:
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
