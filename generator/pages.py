"""The site plan: every page and file, at which path, from which template and context."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from pathlib import Path
from typing import Any, TypeVar

from .config import CONFIG_FILE, SiteConfig
from .contexts import Shared
from .copies import Allowed, Copy, static_copy
from .errors import Problem, error
from .groupings import BUILT_IN, LIST_TEMPLATE, TERM_TEMPLATE, Grouping, section
from .i18n import format_date, strings
from .insights import insights
from .journey import lanes
from .library import Library
from .story import MODES, Story
from .vocabulary import Term

NEWEST_ON_HOME = 8
STORIES = "stories/"  # the list of every story
CUSTOMER = "customer"  # the facet of the customers the stories name
MODE = "mode"  # the facet of the modes a grouping with modes (co-creation) names its terms in
SOURCE = "source"  # the facet of how the stories were learned, which a story's item shows
# Stories on one page of a list: 100 items weigh about 60 KB, far below 500 KB, whatever the library.
LIST_PAGE = 100
FACET_SHOWN = 15  # a facet with more values shows the most frequent ones and a box to find the others
FACET_INDEX = "stories/facets.json"  # every story's facet values, for filtering a list across its pages

Item = TypeVar("Item")


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

    @property
    def many(self) -> bool:
        """True when the facet has too many values to show them all."""
        return len(self.values) > FACET_SHOWN

    @cached_property
    def shown(self) -> tuple[tuple[str, int], ...]:
        """The values a page shows: all of them, or the most frequent (by count, then name) when many."""
        if not self.many:
            return self.values
        return tuple(
            sorted(self.values, key=lambda pair: (-pair[1], pair[0].casefold(), pair[0]))[:FACET_SHOWN]
        )


@dataclass(frozen=True)
class Plan:
    """Everything the site will hold."""

    pages: tuple[Page, ...]
    copies: tuple[Copy, ...]

    @property
    def paths(self) -> set[str]:
        """Every path the site will hold."""
        return {p.path for p in self.pages} | {c.path for c in self.copies}


@dataclass(frozen=True)
class Pager:
    """One page of a list cut into pages: its number, how many there are, and where the first is."""

    first: str  # the first page's address relative to the site root, such as "stories/"
    number: int
    count: int
    total: int  # items in the whole list
    size: int = LIST_PAGE

    def url(self, number: int) -> str:
        """Where page `number` of the list is: the first at the list's address, the rest under page/."""
        return self.first if number == 1 else f"{self.first}page/{number}/"

    @property
    def path(self) -> str:
        """The file this page is written to."""
        return self.url(self.number) + "index.html"

    def part(self, items: Sequence[Item]) -> Sequence[Item]:
        """This page's items of the whole list."""
        return items[(self.number - 1) * self.size : self.number * self.size]

    def near(self) -> list[int | None]:
        """The page numbers to link to: the first, the last, two either side of this one; None for a gap."""
        wanted = {1, self.count, *range(max(1, self.number - 2), min(self.count, self.number + 2) + 1)}
        shown: list[int | None] = []
        last = 0
        for number in sorted(wanted):
            if number > last + 1:
                shown.append(None)
            shown.append(number)
            last = number
        return shown


def pagers(first: str, total: int, size: int = LIST_PAGE) -> list[Pager]:
    """The pages of a list of `total` items at `first`, `size` a page; an empty list has one page."""
    count = max(1, -(-total // size))
    return [Pager(first, number, count, total, size) for number in range(1, count + 1)]


def split(first: str, items: Sequence[Item], size: int = LIST_PAGE) -> list[tuple[Pager, Sequence[Item]]]:
    """A list at `first` cut into pages: each page's pager and its items."""
    return [(pager, pager.part(items)) for pager in pagers(first, len(items), size)]


def term_url(grouping: str, slug: str) -> str:
    """Where a term's page is, relative to the site root."""
    return f"{section(grouping)}/{slug}/"


def cell_url(need: str, process: str) -> str:
    """Where the stories of one cell of the need × process matrix are listed."""
    return f"matrix/{need}/{process}/"


def story_url(slug: str) -> str:
    """Where a story's page is, relative to the site root."""
    return f"stories/{slug}/"


def plan_site(
    library: Library, bodies: Mapping[str, str], config: SiteConfig, static: Iterable[tuple[Path, str]]
) -> Plan:
    """Every page and copied file of the site, each page with what it shows."""
    shared = Shared(library)
    shown = LazyFacets(shared.plain)
    stories = list(library.stories.values())
    newest = stories[:NEWEST_ON_HOME]
    term_pages = {
        (grouping, slug): pagers(
            term_url(grouping.key, slug), len(library.by_term[grouping.key].get(slug, ()))
        )
        for grouping in library.groupings
        for slug in library.terms[grouping.key]
    }
    story_pages = split(STORIES, stories)
    later = {
        pages[0].first: [pager.url(pager.number) for pager in pages[1:]] for pages in term_pages.values()
    }
    later[STORIES] = [pager.url(pager.number) for pager, _ in story_pages[1:]]
    pages = [
        Page("index.html", "home.html", shared.whole(newest=newest)),
        *(
            Page(pager.path, "stories.html", shared.whole(facets=shown, stories=part, pager=pager))
            for pager, part in story_pages
        ),
        Page(FACET_INDEX, "facets.json", shared.whole(facets=shown, index=facet_index)),
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
        Page("insights/index.html", "insights.html", shared.whole(insights=insights(shared.plain))),
        Page("feed.xml", "feed.xml", shared.whole(entries=list(library.stories.values())[:50])),
        Page(
            "sitemap.xml",
            "sitemap.xml",
            shared.whole(later={url: urls for url, urls in later.items() if urls}),
        ),
        Page("404.html", "404.html", shared.whole()),
    ]
    for story in library.stories.values():
        pages.append(
            Page(
                story_url(story.slug) + "index.html",
                "story.html",
                partial(shared.story, story, bodies[story.slug]),
            )
        )
    for grouping in library.groupings:
        template = own_template(grouping.term_template, TERM_TEMPLATE, config)
        for slug, term in library.terms[grouping.key].items():
            for pager in term_pages[grouping, slug]:
                pages.append(Page(pager.path, template, partial(term_page, shared, grouping, term, pager)))
    for need, row in library.matrix.items():
        for process, slugs in row.items():
            for pager in pagers(cell_url(need, process), len(slugs)) if slugs else ():
                cell = partial(cell_page, shared, need, process, pager)
                pages.append(Page(pager.path, "matrix_cell.html", cell))
    return Plan(tuple(pages), tuple(planned_copies(library, config, static)))


def term_page(shared: Shared, grouping: Grouping, term: Term, pager: Pager) -> dict[str, Any]:
    """One page of a term's stories: the term's context with this page's stories and its pager."""
    context = shared.term(grouping, term)
    stories = list(pager.part(context["stories"]))
    return {**context, "stories": stories, "due": shared.due(stories), "pager": pager}


def cell_page(shared: Shared, need: str, process: str, pager: Pager) -> dict[str, Any]:
    """One page of the stories of a cell of the matrix, with its pager."""
    context = shared.cell(need, process)
    stories = list(pager.part(context["stories"]))
    return {**context, "stories": stories, "due": shared.due(stories), "pager": pager}


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


def facet_index(library: Library, facets: Iterable[Facet], language: str) -> str:
    """Every story's item and facet values as compact JSON, each value given by its place in its facet.

    `{"facets": [{"name", "values", "labels"}], "dates": [[iso, shown]],
    "stories": [[slug, title, date, summary, lang, due, [[value, ...] for each facet]]]}`,
    stories in library order; a facet whose labels are its values has no labels.
    """
    counted = list(facets)
    places = [{value: n for n, (value, _) in enumerate(facet.values)} for facet in counted]
    dates: dict[Any, int] = {}
    rows = []
    for story in library.stories.values():
        values = story_facets(story, library.groupings)
        # a story's own language only where it differs from the site's, as its item shows it
        shown_lang = story.language if story.language and story.language != language else ""
        rows.append(
            [
                story.slug,
                story.title,
                dates.setdefault(story.date, len(dates)),
                story.summary or "",
                shown_lang,
                int(story.slug in library.due),
                [
                    sorted(place[v] for v in set(values[f.name]))
                    for f, place in zip(counted, places, strict=True)
                ],
            ]
        )
    data = {
        "facets": [
            {"name": f.name, "values": [v for v, _ in f.values], "labels": value_labels(library, f, language)}
            for f in counted
        ],
        "dates": [[day.isoformat(), format_date(day, language)] for day in dates],
        "stories": rows,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def value_labels(library: Library, facet: Facet, language: str) -> list[str] | None:
    """What a page shows for each of a facet's values, or None where that is the value itself."""
    if facet.grouping:
        return [library.terms[facet.grouping][value].title for value, _ in facet.values]
    if facet.name == MODE:
        words = strings(language)
        return [words[f"mode_{value}"] for value, _ in facet.values]
    return None


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
