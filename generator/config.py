"""site.yaml: the site's settings and its vocabulary, checked and frozen."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import BuildFailed, Problem, display_path, error, warning
from .files import Refused, read_inside
from .frontmatter import decode
from .markup import make_markdown
from .privacy import allowed, masked, scan
from .settings import (
    allow_domains_setting,
    base_url_setting,
    check_settings,
    git_history_setting,
    language_setting,
    on_finding_setting,
    review_after_months_setting,
    review_from_setting,
)
from .vocabulary import Vocabulary, build_vocabulary
from .yamldoc import Document, parse, text_at

CONFIG_FILE = "site.yaml"


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
    review_from: str = "date"  # a story's age counts from its "date", or from its last change in "git"
    git_history: bool = False  # story pages show when they last changed in git, and who changed them

    @property
    def reads_history(self) -> bool:
        """Whether a build reads the stories' history from git."""
        return self.git_history or self.review_from == "git"

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
    check_settings(doc, problems)
    md = make_markdown()
    language = language_setting(doc, problems)
    allow_html = doc.data.get("allow_html", False)
    if not isinstance(allow_html, bool):
        problems.append(doc.error(("allow_html",), "'allow_html' must be true or false"))
    base_url = base_url_setting(doc, problems)
    output_name = text_at(doc, ("output",), problems) or "_site"
    months = review_after_months_setting(doc, problems)
    config = SiteConfig(
        root=root,
        title=text_at(doc, ("title",), problems) or "Customer stories",
        description=text_at(doc, ("description",), problems) or "",
        language=language,
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        output=output if output is not None else root / output_name,
        allow_html=allow_html is True,
        vocabulary=build_vocabulary(doc, md, problems),
        allow_domains=allow_domains_setting(doc, problems),
        on_finding=on_finding_setting(doc, problems),
        review_after_months=months,
        review_from=review_from_setting(doc, problems, months),
        git_history=git_history_setting(doc, problems),
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


def without_descriptions(config: SiteConfig) -> SiteConfig:
    """The settings with every term's description left out: only pages about the term show it."""
    vocabulary = config.vocabulary
    plain = {
        key: {slug: replace(term, description="") for slug, term in terms.items()}
        for key, terms in vocabulary.terms.items()
    }
    return replace(config, vocabulary=replace(vocabulary, terms=plain))
