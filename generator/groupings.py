"""The ways stories are grouped: four built in, more declared in site.yaml, each one record."""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import STRINGS


@dataclass(frozen=True)
class Grouping:
    """One way to group stories: where its terms come from, where its pages go, how it is shown."""

    key: str  # its key in site.yaml and in a story's front matter
    section: str  # the folder of the site its pages are in
    titles: tuple[tuple[str, str], ...]  # its title in each interface language
    facet: str  # the search facet, URL parameter and Pagefind filter its terms are
    weight: float  # how much a shared term of it says about two stories being related
    ordered: bool = False  # its terms in declared order are the steps of the customer's journey
    kinds: tuple[str, ...] = ()  # the kinds a term may be (needs: achieve, avoid)
    modes: tuple[str, ...] = ()  # the modes a story names a term in (co-creation)
    # The groupings a term's page counts together with it: each one's key, the id of its
    # section of the page and the interface string of its heading.
    shows: tuple[tuple[str, str, str], ...] = ()
    backed: bool = False  # a term's page shows how well the term is backed
    way_in: bool = True  # the home page offers it as a way into the library
    term_template: str = ""  # its own template of a term's page, used where a site or theme has it
    list_template: str = ""  # its own template of the list of its terms, likewise
    built_in: bool = False

    def title(self, language: str) -> str:
        """Its title in an interface language."""
        return dict(self.titles).get(language, self.titles[0][1])


def translated(key: str) -> tuple[tuple[str, str], ...]:
    """A built-in grouping's title in every interface language, from the interface's words."""
    return tuple((language, words[key]) for language, words in STRINGS.items())


def extra(key: str, title: str) -> Grouping:
    """A grouping site.yaml declares: its pages under its key, its title in every language.

    A shared term of it weighs as much as a shared process: a declared grouping is a way the
    library's editors chose to tell stories apart, like the journey, but not as telling as a need.
    """
    return Grouping(
        key=key,
        section=key,
        titles=tuple((language, title) for language in STRINGS),
        facet=key,
        weight=1.5,
        shows=(("needs", "needs", "term_needs"), ("processes", "processes", "term_processes")),
        backed=True,
        term_template=f"{key}_term.html",
        list_template=f"{key}_terms.html",
    )


BUILT_IN = (
    Grouping(
        "needs",
        "needs",
        translated("needs"),
        "need",
        3.0,
        kinds=("achieve", "avoid"),
        shows=(
            ("processes", "in-processes", "need_processes"),
            ("co_creation", "opportunities", "need_opportunities"),
        ),
        backed=True,
        term_template="need.html",
        list_template="needs.html",
        built_in=True,
    ),
    Grouping(
        "processes",
        "processes",
        translated("processes"),
        "process",
        1.5,
        ordered=True,
        shows=(
            ("needs", "needs-met", "process_needs"),
            ("co_creation", "opportunities", "process_opportunities"),
        ),
        term_template="process.html",
        list_template="processes.html",
        built_in=True,
    ),
    Grouping(
        "co_creation",
        "co-creation",
        translated("co_creation"),
        "opportunity",
        2.0,
        modes=("synchronous", "asynchronous"),
        shows=(("needs", "needs", "opportunity_needs"), ("processes", "processes", "opportunity_processes")),
        term_template="opportunity.html",
        list_template="co_creation.html",
        built_in=True,
    ),
    Grouping(
        "sources",
        "sources",
        translated("sources"),
        "source",
        0.5,
        way_in=False,
        term_template="source.html",
        list_template="sources.html",
        built_in=True,
    ),
)
BUILT_IN_KEYS = tuple(grouping.key for grouping in BUILT_IN)

# The folders of the site's own pages and files, which no grouping's pages may take.
PAGE_FOLDERS = (
    "stories",
    "search",
    "matrix",
    "journey",
    "insights",
    "findings",
    "review",
    "static",
    "pagefind",
    "data",
)
TERM_TEMPLATE = "term.html"  # the page of a term of any grouping without a template of its own
LIST_TEMPLATE = "terms.html"  # the list of a grouping's terms, likewise


def section(key: str) -> str:
    """The folder of a grouping's pages: a built-in's own, else the key a declared one is under."""
    for grouping in BUILT_IN:
        if grouping.key == key:
            return grouping.section
    return key
