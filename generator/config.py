"""site.yaml: the site's settings and its vocabulary, checked and frozen."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from markdown_it import MarkdownIt

from .errors import BuildFailed, Problem, did_you_mean, display_path, error, warning
from .files import Refused, read_inside
from .frontmatter import decode
from .groupings import BUILT_IN, BUILT_IN_KEYS, PAGE_FOLDERS, Grouping, extra
from .markup import make_markdown, render_markdown
from .privacy import allowed, masked, scan
from .yamldoc import Document, KeyPath, list_at, parse, text_at

CONFIG_FILE = "site.yaml"
LANGUAGES = ("en", "sv", "da")
SETTINGS = (
    "title",
    "description",
    "language",
    "base_url",
    "output",
    "allow_html",
    "personal_data",
    "review_after_months",
    "groupings",
)
PERSONAL_DATA_KEYS = ("allow_domains", "on_finding")
ON_FINDING = ("error", "warn")
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


@dataclass(frozen=True)
class SiteConfig:
    """Everything site.yaml says, with paths resolved against the site root."""

    root: Path
    title: str
    description: str
    language: str
    base_url: str
    output: Path
    allow_html: bool
    vocabulary: Vocabulary
    allow_domains: tuple[str, ...] = ()  # e-mail domains that are not personal data
    on_finding: str = "error"  # what personal data found in a story is: "error" or "warn"
    review_after_months: int = 0  # flag stories older than this without review_by; 0: never

    @property
    def content_dir(self) -> Path:
        """Where the stories are."""
        return self.root / "content"

    @property
    def finding(self) -> Callable[..., Problem]:
        """How personal data found is reported: an error, or a warning where site.yaml says warn."""
        return warning if self.on_finding == "warn" else error

    @property
    def templates_dir(self) -> Path:
        """Where the site's own templates are, if it has any."""
        return self.root / "templates"


def load_config(root: Path, output: Path | None = None) -> tuple[SiteConfig, list[Problem]]:
    """Read and check `site.yaml` in `root`, with its problems.

    Raises BuildFailed when the file cannot be read as YAML settings at all; any other
    error comes back among the problems (with a usable value in its place), so that the
    stories are checked in the same run.
    """
    path = root / CONFIG_FILE
    shown = display_path(path)
    if not os.path.lexists(path):
        raise BuildFailed(
            [
                error(
                    shown,
                    1,
                    1,
                    f"no {CONFIG_FILE} in {root}",
                    "run insole in the folder that holds it, or give --site DIR",
                )
            ]
        )
    try:
        raw = read_inside(path, root.resolve(), "the site")
    except Refused as refused:
        raise BuildFailed([refused.problem(shown)]) from None
    doc = parse(decode(raw, shown), shown)
    return build_config(doc, root, output)


def build_config(doc: Document, root: Path, output: Path | None = None) -> tuple[SiteConfig, list[Problem]]:
    """A SiteConfig from parsed site.yaml and its problems; raises BuildFailed if it is no mapping."""
    problems: list[Problem] = []
    if doc.data is None:
        doc = Document(doc.path, {}, start=doc.start)
    if not isinstance(doc.data, dict):
        raise BuildFailed([doc.error((), f"{CONFIG_FILE} must be a mapping of settings")])
    _check_settings(doc, problems)
    md = make_markdown()
    language = _language(doc, problems)
    allow_html = doc.data.get("allow_html", False)
    if not isinstance(allow_html, bool):
        problems.append(doc.error(("allow_html",), "'allow_html' must be true or false"))
    base_url = _base_url(doc, problems)
    output_name = text_at(doc, ("output",), problems) or "_site"
    config = SiteConfig(
        root=root,
        title=text_at(doc, ("title",), problems) or "Customer stories",
        description=text_at(doc, ("description",), problems) or "",
        language=language,
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        output=output if output is not None else root / output_name,
        allow_html=allow_html is True,
        vocabulary=_vocabulary(doc, md, problems),
        allow_domains=_allow_domains(doc, problems),
        on_finding=_on_finding(doc, problems),
        review_after_months=_review_after_months(doc, problems),
    )
    problems.extend(_personal_data(doc, config))
    return config, problems


def _personal_data(doc: Document, config: SiteConfig) -> list[Problem]:
    """A problem for each e-mail address, phone or identity number in site.yaml, which pages show too."""
    found = config.finding
    problems = []
    for finding in scan(doc.source):
        if allowed(finding, (), config.allow_domains):
            continue
        hint = "remove it"
        if finding.kind == "email":
            hint += ", or allow its domain under personal_data: allow_domains"
        line = finding.line + doc.start.line - 1
        column = finding.column + (doc.start.column - 1 if finding.line == 1 else 0)
        message = f"possible personal data: {finding.label} '{masked(finding)}'"
        problems.append(found(doc.path, line, column, message, hint))
    return problems


def _allow_domains(doc: Document, problems: list[Problem]) -> tuple[str, ...]:
    """The e-mail domains `personal_data: {allow_domains: [...]}` allows, in lowercase."""
    settings = doc.data.get("personal_data")
    if settings is None:
        return ()
    if not isinstance(settings, dict):
        hint = "write personal_data: {allow_domains: [example.com]}"
        problems.append(doc.error(("personal_data",), "'personal_data' must be a mapping", hint))
        return ()
    for key in settings:
        if key not in PERSONAL_DATA_KEYS:
            at = doc.key_spot("personal_data", key)
            hint = did_you_mean(key, PERSONAL_DATA_KEYS)
            problems.append(
                warning(doc.path, at.line, at.column, f"unknown key '{key}' in personal_data", hint)
            )
    domains = list_at(doc, ("personal_data", "allow_domains"), problems)
    return tuple(domain.lower().lstrip("@") for domain in domains)


def _base_url(doc: Document, problems: list[Problem]) -> str:
    """Where the site is hosted: an http(s) address or a path from the host's root; '/' when unusable."""
    base_url = text_at(doc, ("base_url",), problems) or "/"
    if _hosted_at(base_url):
        return base_url
    hint = "write an address such as https://stories.example.com/ or a path such as /stories/"
    problems.append(doc.error(("base_url",), "'base_url' must start with http://, https:// or /", hint))
    return "/"


def _hosted_at(base_url: str) -> bool:
    """True for an http(s) address with a host, or a path from the host's root, with no space in it."""
    if not base_url.isprintable() or any(c.isspace() or c == "\\" for c in base_url):
        return False
    try:
        parts = urlsplit(base_url)
    except ValueError:  # a malformed host, such as an unclosed [
        return False
    if parts.scheme:
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    # Two slashes would name another host: browsers read //host/ as an address.
    return base_url.startswith("/") and not base_url.startswith("//")


def _on_finding(doc: Document, problems: list[Problem]) -> str:
    """What `personal_data: {on_finding: ...}` makes of a finding: 'error' (the default) or 'warn'."""
    settings = doc.data.get("personal_data")
    if not isinstance(settings, dict) or "on_finding" not in settings:
        return "error"
    value = settings["on_finding"]
    if value in ON_FINDING:
        return str(value)
    choices = " or ".join(f"'{choice}'" for choice in ON_FINDING)
    message = f"'on_finding' must be {choices}, not '{value}'"
    hint = "error stops the build at personal data in a story; warn publishes it with a warning"
    problems.append(doc.error(("personal_data", "on_finding"), message, hint))
    return "error"


def _review_after_months(doc: Document, problems: list[Problem]) -> int:
    """After how many months a story without review_by is due for review; 0 when never."""
    months = doc.data.get("review_after_months")
    if months is None:
        return 0
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        hint = "write a whole number of months, such as 24, or leave the setting out"
        problems.append(
            doc.error(("review_after_months",), "'review_after_months' must be a number of months", hint)
        )
        return 0
    return months


def _check_settings(doc: Document, problems: list[Problem]) -> None:
    """Warn about settings site.yaml does not have, suggesting the closest one."""
    for key in doc.data:
        if key not in SETTINGS and key not in BUILT_IN_KEYS:
            at = doc.key_spot(key)
            hint = did_you_mean(key, SETTINGS + BUILT_IN_KEYS)
            problems.append(warning(doc.path, at.line, at.column, f"unknown setting '{key}'", hint))


def _language(doc: Document, problems: list[Problem]) -> str:
    """The interface language; English when it is missing or unknown (the latter an error)."""
    language = text_at(doc, ("language",), problems) or "en"
    if language in LANGUAGES:
        return language
    hint = "choose one of " + ", ".join(LANGUAGES)
    problems.append(doc.error(("language",), f"unknown language '{language}'", hint))
    return "en"


def _vocabulary(doc: Document, md: MarkdownIt, problems: list[Problem]) -> Vocabulary:
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


def without_descriptions(config: SiteConfig) -> SiteConfig:
    """The settings with every term's description left out: only pages about the term show it."""
    vocabulary = config.vocabulary
    plain = {
        key: {slug: replace(term, description="") for slug, term in terms.items()}
        for key, terms in vocabulary.terms.items()
    }
    return replace(config, vocabulary=replace(vocabulary, terms=plain))
