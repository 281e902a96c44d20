"""The site plan: every page and file, at which path, from which template and context."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from pathlib import Path
from typing import Any

from .config import CONFIG_FILE, SiteConfig
from .contexts import Shared
from .copies import Allowed, Copy, static_copy
from .errors import Problem, error
from .facets import LazyFacets, facet_index, quote_index
from .groupings import LIST_TEMPLATE, TERM_TEMPLATE, Grouping, section
from .insights import insights
from .journey import lanes
from .library import Library
from .paging import Pager, pagers, split
from .review import review_queue
from .sitemap import Entry, sitemap_files
from .story import Story
from .vocabulary import Term

NEWEST_ON_HOME = 8
IN_FEED = 50  # the newest stories a feed holds
STORIES = "stories/"  # the list of every story
QUOTES = "quotes/"  # the list of every quote
QUOTE_INDEX = "quotes/quotes.json"  # every story's quotes, for filtering the quotes across their pages
QUOTE_PAGE = 50  # stories a page of quotes lists, each with all its quotes
FINDINGS = "findings"  # the folder of the findings' pages
REVIEW = "review/"  # the stories due for review, the longest due first
DATA_FILE = "data/library.json"  # the library as data for other tools, made from the template of this name
SCHEMA_FILE = "data/library.schema.json"  # its JSON Schema, a template that is the file as it is
STORY_TEMPLATE = "story.html"  # the template of every story's own page
FACET_INDEX = "stories/facets.json"  # every story's facet values, for filtering a list across its pages


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
    quote_pages = split(QUOTES, [story for story in stories if story.quotes], QUOTE_PAGE)
    quoted = sum(len(story.quotes) for story in stories)
    by_quote = LazyFacets(shared.plain, by_quote=True)
    later = {
        pages[0].first: [pager.url(pager.number) for pager in pages[1:]] for pages in term_pages.values()
    }
    later[STORIES] = [pager.url(pager.number) for pager, _ in story_pages[1:]]
    later[QUOTES] = [pager.url(pager.number) for pager, _ in quote_pages[1:]]
    review_pages = split(REVIEW, review_queue(library.due.values(), library.stories, library.changes))
    later[REVIEW] = [pager.url(pager.number) for pager, _ in review_pages[1:]]
    pages = [
        Page("index.html", "home.html", shared.whole(newest=newest)),
        *(
            Page(pager.path, "stories.html", shared.whole(facets=shown, stories=part, pager=pager))
            for pager, part in story_pages
        ),
        Page(FACET_INDEX, "facets.json", shared.whole(facets=shown, index=facet_index)),
        *(
            Page(
                pager.path,
                "quotes.html",
                shared.whole(facets=by_quote, stories=part, pager=pager, quoted=quoted),
            )
            for pager, part in quote_pages
        ),
        Page(QUOTE_INDEX, "quotes.json", shared.whole(index=quote_index)),
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
        *(
            Page(pager.path, "review.html", shared.whole(queue=part, pager=pager))
            for pager, part in review_pages
        ),
        Page("feed.xml", "feed.xml", shared.whole(entries=list(library.stories.values())[:IN_FEED])),
        *(Page(*file) for file in sitemap_files(sitemap_entries(library, later), config.base_url)),
        Page("404.html", "404.html", shared.whole()),
        Page(DATA_FILE, DATA_FILE, {"library": library}),
        Page(SCHEMA_FILE, SCHEMA_FILE, {}),
    ]
    for story in library.stories.values():
        pages.append(
            Page(
                story_url(story.slug) + "index.html",
                STORY_TEMPLATE,
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
            for pager in term_pages[grouping, slug]:
                pages.append(Page(pager.path, template, partial(term_page, shared, grouping, term, pager)))
            feed = partial(shared.feed, grouping, term, IN_FEED)
            pages.append(Page(term_url(grouping.key, slug) + "feed.xml", "term_feed.xml", feed))
    for need, row in library.matrix.items():
        for process, slugs in row.items():
            for pager in pagers(cell_url(need, process), len(slugs)) if slugs else ():
                cell = partial(cell_page, shared, need, process, pager)
                pages.append(Page(pager.path, "matrix_cell.html", cell))
    return Plan(tuple(pages), tuple(planned_copies(library, config, static)))


def sitemap_entries(library: Library, later: Mapping[str, list[str]]) -> list[Entry]:
    """Every address the sitemap lists, in its order, with every page of a long list."""
    # The first pages, each grouping's list, the matrix, the findings and the review queue; then the rest.
    first = ["", STORIES, *later[STORIES], QUOTES, *later[QUOTES]]
    first += [f"{grouping.section}/" for grouping in library.groupings]
    first += ["matrix/", f"{FINDINGS}/", REVIEW, *later[REVIEW]]
    entries = [Entry(path) for path in first]
    entries += [Entry(story_url(story.slug), story.date) for story in library.stories.values()]
    entries += [Entry(finding_url(finding.slug), finding.date) for finding in library.findings.values()]
    for grouping, terms in library.terms.items():
        for slug in terms:
            url = term_url(grouping, slug)
            entries += [Entry(path) for path in (url, *later.get(url, ()))]
    return entries


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
