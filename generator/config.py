"""site.yaml: the site's settings and its vocabulary, checked and frozen."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

from .errors import BuildFailed, Problem, did_you_mean, display_path, error, warning
from .frontmatter import Document, decode, parse, text_at
from .markup import make_markdown, render_markdown

CONFIG_FILE = "site.yaml"
LANGUAGES = ("en", "sv", "da")
GROUPINGS = ("needs", "processes", "co_creation", "sources")
NEED_KINDS = ("achieve", "avoid")
SETTINGS = ("title", "description", "language", "base_url", "output", "allow_html")
TERM_KEYS = {"needs": ("title", "description", "kind")}
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Term:
    """A declared term of the vocabulary: a need, process, opportunity or source."""

    grouping: str
    slug: str
    title: str
    description: str = ""
    kind: str = ""


@dataclass(frozen=True)
class Vocabulary:
    """The declared terms of each grouping, in declared order."""

    needs: dict[str, Term]
    processes: dict[str, Term]
    co_creation: dict[str, Term]
    sources: dict[str, Term]

    def grouping(self, name: str) -> dict[str, Term]:
        """The terms of one grouping by name."""
        terms: dict[str, Term] = getattr(self, name)
        return terms


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

    @property
    def content_dir(self) -> Path:
        """Where the stories are."""
        return self.root / "content"

    @property
    def templates_dir(self) -> Path:
        """Where the site's own templates are, if it has any."""
        return self.root / "templates"


def load_config(root: Path, output: Path | None = None) -> tuple[SiteConfig, list[Problem]]:
    """Read and check `site.yaml` in `root`; raises BuildFailed with every error."""
    path = root / CONFIG_FILE
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
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
        ) from None
    doc = parse(decode(raw, shown), shown)
    return build_config(doc, root, output)


def build_config(doc: Document, root: Path, output: Path | None = None) -> tuple[SiteConfig, list[Problem]]:
    """A SiteConfig from parsed site.yaml; raises BuildFailed when anything is wrong."""
    problems: list[Problem] = []
    if doc.data is None:
        doc = Document(doc.path, {}, start=doc.start)
    if not isinstance(doc.data, dict):
        raise BuildFailed([doc.error((), f"{CONFIG_FILE} must be a mapping of settings")])
    for key in doc.data:
        if key not in SETTINGS and key not in GROUPINGS:
            at = doc.key_spot(key)
            problems.append(
                warning(
                    doc.path,
                    at.line,
                    at.column,
                    f"unknown setting '{key}'",
                    did_you_mean(key, SETTINGS + GROUPINGS),
                )
            )
    md = make_markdown()
    language = text_at(doc, ("language",), problems) or "en"
    if language not in LANGUAGES:
        problems.append(
            doc.error(
                ("language",), f"unknown language '{language}'", "choose one of " + ", ".join(LANGUAGES)
            )
        )
    allow_html = doc.data.get("allow_html", False)
    if not isinstance(allow_html, bool):
        problems.append(doc.error(("allow_html",), "'allow_html' must be true or false"))
    base_url = text_at(doc, ("base_url",), problems) or "/"
    output_name = text_at(doc, ("output",), problems) or "_site"
    config = SiteConfig(
        root=root,
        title=text_at(doc, ("title",), problems) or "Customer stories",
        description=text_at(doc, ("description",), problems) or "",
        language=language,
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        output=output if output is not None else root / output_name,
        allow_html=allow_html is True,
        vocabulary=Vocabulary(**{g: _terms(doc, g, md, problems) for g in GROUPINGS}),
    )
    if any(p.is_error for p in problems):
        raise BuildFailed(problems)
    return config, problems


def _terms(doc: Document, grouping: str, md: MarkdownIt, problems: list[Problem]) -> dict[str, Term]:
    """The terms declared under one grouping."""
    declared = doc.data.get(grouping)
    if declared is None:
        return {}
    if not isinstance(declared, dict):
        problems.append(doc.error((grouping,), f"'{grouping}' must map each term's slug to its title"))
        return {}
    terms = {}
    for slug in declared:
        term = _term(doc, grouping, slug, md, problems)
        if term:
            terms[slug] = term
    return terms


def _term(doc: Document, grouping: str, slug: str, md: MarkdownIt, problems: list[Problem]) -> Term | None:
    """One declared term, in shorthand (`slug: Title`) or full form."""
    path = (grouping, slug)
    if not SLUG.fullmatch(slug):
        at = doc.key_spot(*path)
        problems.append(
            error(
                doc.path,
                at.line,
                at.column,
                f"'{slug}' is not a valid slug",
                "use lowercase letters, digits and hyphens",
            )
        )
        return None
    value = doc.data[grouping][slug]
    if isinstance(value, dict):
        allowed = TERM_KEYS.get(grouping, ("title", "description"))
        for key in value:
            if key not in allowed:
                at = doc.key_spot(*path, key)
                problems.append(
                    warning(
                        doc.path,
                        at.line,
                        at.column,
                        f"unknown key '{key}' in {grouping} '{slug}'",
                        did_you_mean(key, allowed),
                    )
                )
        title = text_at(doc, (*path, "title"), problems)
        description = text_at(doc, (*path, "description"), problems) or ""
        kind = text_at(doc, (*path, "kind"), problems) or ""
        if kind and kind not in NEED_KINDS:
            problems.append(doc.error((*path, "kind"), f"unknown kind '{kind}'", "use achieve or avoid"))
    else:
        title, description, kind = text_at(doc, path, problems), "", ""
    if not title:
        problems.append(doc.error(path, f"{grouping} '{slug}' has no title"))
        return None
    first = doc.spot(*path, "description").line if description else 1
    html = render_markdown(md, description, doc.path, first).html if description else ""
    return Term(grouping, slug, title, html, kind)
