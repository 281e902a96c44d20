"""site.yaml's vocabulary: the declared groupings and their terms, checked."""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

from .errors import Problem, did_you_mean, error, warning
from .groupings import BUILT_IN, PAGE_FOLDERS, Grouping, extra
from .markup import render_markdown
from .yamldoc import Document, KeyPath, text_at

TERM_KEYS = ("title", "description")
GROUPING_KEYS = ("title", "terms")
# The keys of a story's front matter; a grouping declared in site.yaml adds its own.
STORY_KEYS = (
    "title",
    "date",
    "slug",
    "customer",
    "source",
    "needs",
    "achieve",
    "avoid",
    "processes",
    "co_creation",
    "related",
    "status",
    "author",
    "summary",
    "review_by",
    "language",
    "allow_personal_data",
)
# The keys of a finding's front matter besides its terms in each grouping.
FINDING_KEYS = ("title", "date", "status", "owner", "evidence", "summary", "slug", "allow_personal_data")
# Names the search page takes in its address besides the groupings' facets.
FACET_NAMES = ("q", "mode", "customer")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_LENGTH = 200  # a slug names a folder, and most disks allow names of 255 bytes


@dataclass(frozen=True)
class Term:
    """A declared term of the vocabulary: a need, process, opportunity, source or a declared grouping's."""

    grouping: str
    slug: str
    title: str
    description: str = ""
    kind: str = ""


@dataclass(frozen=True)
class Vocabulary:
    """The groupings in order, the built-in ones first, and the declared terms of each in declared order."""

    groupings: tuple[Grouping, ...]
    terms: dict[str, dict[str, Term]]

    def grouping(self, key: str) -> dict[str, Term]:
        """The terms of one grouping by its key."""
        return self.terms.get(key, {})

    def record(self, key: str) -> Grouping:
        """The grouping with this key."""
        return next(grouping for grouping in self.groupings if grouping.key == key)

    @property
    def extra(self) -> tuple[Grouping, ...]:
        """The groupings site.yaml declares."""
        return tuple(grouping for grouping in self.groupings if not grouping.built_in)

    # The built-in groupings by name, for code that names them.
    @property
    def needs(self) -> dict[str, Term]:
        """The declared needs."""
        return self.grouping("needs")

    @property
    def processes(self) -> dict[str, Term]:
        """The declared processes, in journey order."""
        return self.grouping("processes")

    @property
    def co_creation(self) -> dict[str, Term]:
        """The declared co-creation opportunities."""
        return self.grouping("co_creation")

    @property
    def sources(self) -> dict[str, Term]:
        """The declared sources."""
        return self.grouping("sources")


def build_vocabulary(doc: Document, md: MarkdownIt, problems: list[Problem]) -> Vocabulary:
    """The built-in groupings' terms, then each grouping declared under `groupings:` with its terms."""
    groupings = list(BUILT_IN)
    terms = {grouping.key: _terms(doc, (grouping.key,), grouping, md, problems) for grouping in BUILT_IN}
    for key in _declared(doc, problems):
        grouping = _extra(doc, key, problems)
        if grouping:
            groupings.append(grouping)
            terms[key] = _terms(doc, ("groupings", key, "terms"), grouping, md, problems)
    return Vocabulary(tuple(groupings), terms)


def _declared(doc: Document, problems: list[Problem]) -> list[str]:
    """The keys of the groupings under `groupings:`."""
    declared = doc.data.get("groupings")
    if declared is None:
        return []
    if not isinstance(declared, dict):
        message = "'groupings' must map each grouping's key to its title and terms"
        hint = "write groupings: {segments: {title: Customer segments, terms: {young: Young families}}}"
        problems.append(doc.error(("groupings",), message, hint))
        return []
    return list(declared)


def _extra(doc: Document, key: str, problems: list[Problem]) -> Grouping | None:
    """A grouping declared under `groupings:`, or None when it cannot be one (an error says why)."""
    at = doc.key_spot("groupings", key)
    clash = _clash(key)
    if clash:
        problems.append(error(doc.path, at.line, at.column, *clash))
        return None
    value = doc.data["groupings"][key]
    if not isinstance(value, dict):
        message = f"grouping '{key}' must be a mapping with a title and terms"
        hint = f"write {key}: {{title: ..., terms: {{slug: Title}}}}"
        problems.append(doc.error(("groupings", key), message, hint))
        return None
    for name in value:
        if name not in GROUPING_KEYS:
            spot = doc.key_spot("groupings", key, name)
            message = f"unknown key '{name}' in grouping '{key}'"
            hint = did_you_mean(name, GROUPING_KEYS)
            problems.append(warning(doc.path, spot.line, spot.column, message, hint))
    title = text_at(doc, ("groupings", key, "title"), problems)
    if not title:
        if value.get("title") is None or isinstance(value.get("title"), str):  # else already an error
            hint = f"write {key}: {{title: ..., terms: ...}}; the title names its pages"
            problems.append(doc.error(("groupings", key), f"grouping '{key}' has no title", hint))
        return None
    return extra(key, title)


def _clash(key: str) -> tuple[str, str] | None:
    """Why a grouping cannot be declared under this key, with a hint; None when it can."""
    if not SLUG.fullmatch(key) or len(key) > SLUG_LENGTH:
        return f"'{key}' is not a valid grouping key", "use lowercase letters, digits and hyphens"
    built_in = next((g for g in BUILT_IN if key in (g.key, g.section)), None)
    if built_in:
        hint = f"declare its terms under {built_in.key}: at the top"
        return f"'{key}' is the built-in grouping {built_in.key}", hint
    if key in STORY_KEYS:
        return f"'{key}' is already a key of a story's front matter", "choose another key"
    if key in FINDING_KEYS:
        return f"'{key}' is already a key of a finding's front matter", "choose another key"
    if key in PAGE_FOLDERS:
        return f"'{key}' is already a folder of the site", "choose another key"
    if key in FACET_NAMES or key in {grouping.facet for grouping in BUILT_IN}:
        return f"'{key}' is already a search facet", "choose another key"
    return None


def _terms(
    doc: Document, path: KeyPath, grouping: Grouping, md: MarkdownIt, problems: list[Problem]
) -> dict[str, Term]:
    """The terms declared at `path` for one grouping."""
    declared = _value(doc, path)
    if declared is None:
        return {}
    if not isinstance(declared, dict):
        name = ".".join(map(str, path))
        problems.append(doc.error(path, f"'{name}' must map each term's slug to its title"))
        return {}
    terms = {}
    for slug in declared:
        term = _term(doc, (*path, slug), grouping, md, problems)
        if term:
            terms[slug] = term
    return terms


def _value(doc: Document, path: KeyPath) -> object:
    """The value at `path` in site.yaml, or None."""
    value: object = doc.data
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _term(
    doc: Document, path: KeyPath, grouping: Grouping, md: MarkdownIt, problems: list[Problem]
) -> Term | None:
    """One declared term, in shorthand (`slug: Title`) or full form."""
    slug = str(path[-1])
    if not SLUG.fullmatch(slug) or len(slug) > SLUG_LENGTH:
        at = doc.key_spot(*path)
        hint = "use lowercase letters, digits and hyphens"
        if len(slug) > SLUG_LENGTH:
            hint = f"a folder name takes at most {SLUG_LENGTH} characters"
        problems.append(error(doc.path, at.line, at.column, f"'{slug}' is not a valid slug", hint))
        return None
    value = _value(doc, path)
    full = isinstance(value, dict)
    if full:
        _check_term_keys(doc, path, grouping, problems)
    title = text_at(doc, (*path, "title") if full else path, problems)
    given = value.get("title") if isinstance(value, dict) else value
    if not title and (given is None or isinstance(given, str)):  # other values are already errors
        problems.append(doc.error(path, f"{grouping.key} '{slug}' has no title"))
    kind = (text_at(doc, (*path, "kind"), problems) or "") if full and grouping.kinds else ""
    if kind and kind not in grouping.kinds:
        hint = "use " + " or ".join(grouping.kinds)
        problems.append(doc.error((*path, "kind"), f"unknown kind '{kind}'", hint))
    description = _describe(doc, (*path, "description"), md, problems) if full else ""
    return Term(grouping.key, slug, title or slug, description, kind)


def _check_term_keys(doc: Document, path: KeyPath, grouping: Grouping, problems: list[Problem]) -> None:
    """Warn about keys a term of this grouping does not have."""
    allowed = TERM_KEYS + (("kind",) if grouping.kinds else ())
    value = _value(doc, path)
    for key in value if isinstance(value, dict) else ():
        if key not in allowed:
            at = doc.key_spot(*path, key)
            message = f"unknown key '{key}' in {grouping.key} '{path[-1]}'"
            problems.append(warning(doc.path, at.line, at.column, message, did_you_mean(key, allowed)))


def _describe(doc: Document, path: KeyPath, md: MarkdownIt, problems: list[Problem]) -> str:
    """A term's description as HTML; its Markdown's problems point into site.yaml."""
    if not text_at(doc, path, problems):
        return ""
    at = doc.text_spot(*path)
    rendered = render_markdown(md, doc.text(path) or "", doc.path, at.line, first_column=at.column)
    problems.extend(rendered.problems)
    return rendered.html
