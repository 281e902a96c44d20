"""Gather and check everything a site is made from, in memory, before a byte is written."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2

from .cache import Store, code_digest, compiled_templates, open_memo
from .cachetrust import ENVIRONMENT, cache_home, cache_refusal
from .config import SiteConfig, load_config, without_descriptions
from .content import Reader, load_stories
from .digests import digest
from .environment import make_environment, static_files, template_stamp, theme_only
from .errors import BuildFailed, Problem, display_path, error, has_errors, strict, warning
from .findings import UNPUBLISHED, UNREAD, load_findings
from .forked import WorkerFailed, aside
from .guards import check_output
from .history import Change, read_history
from .library import Library, with_findings
from .links import broken_body_links
from .markup import make_markdown
from .memo import library_of, list_items, story_reader
from .options import Options
from .pages import Plan, check_plan, plan_site
from .review import due_for_review
from .story import Read, Story


@dataclass(frozen=True)
class Site:
    """A site gathered and checked in memory, ready to render."""

    config: SiteConfig
    library: Library
    bodies: dict[str, str]  # each story's body as HTML, by slug: only the story's own page shows it
    plan: Plan
    env: jinja2.Environment
    memo: Store
    basis: str  # a digest of all every page is made from besides its context
    settings: str  # a digest of all a story is read with besides its file
    problems: list[Problem] = field(default_factory=list)
    reads: dict[Path, Read] = field(default_factory=dict)  # each story file's story and problems


def gather(
    options: Options,
    writing: bool = True,
    memo: Store | None = None,
    compiled: jinja2.BytecodeCache | None = None,
) -> Site:
    """Read and check everything; raises BuildFailed with every problem if anything is wrong.

    `memo` holds what earlier builds made (by default the site's memo in the cache folder).
    """
    config, problems = load_config(options.root, options.output)
    refused = cache_warnings(config.root) if options.cache else []
    options = replace(options, cache=options.cache and not refused)
    if writing:
        problems += check_output(config.output, config, options.force)
    memo = memo if memo is not None else open_memo(config.root, options.cache)
    # Problems name files as seen from the working folder, so it is part of what they depend on.
    settings = digest(repr((replace(without_descriptions(config), output=Path()), os.getcwd())))
    reads: dict[Path, Read] = {}
    today = options.today or dt.date.today()
    stories, bodies, found = read_all(config, options, today, story_reader(memo, settings, reads))
    saved = aside(memo.save, options.workers)  # on another core while the model is made
    memo.save(write=False)
    problems += found
    changes, found = story_changes(config, reads, stories)
    problems += found
    since = changes if config.review_from == "git" else None
    due = due_for_review(stories, today, config.review_after_months, since)
    try:
        library = library_of(stories, config.vocabulary, due, memo, options.workers)
    finally:
        saved()
    memo.save()
    library = replace(library, changes=changes if config.git_history else {})
    library, found = findings_of(library, config, reads)
    problems += found
    plan = plan_site(library, bodies, config, static_files(config))
    problems += check_plan(plan)
    problems += broken_body_links(library.stories.values(), bodies, plan.paths)
    problems = (strict(problems) if options.strict else problems) + refused  # refused: about this computer
    if has_errors(problems):
        raise BuildFailed(problems)
    if compiled is None and options.cache:
        compiled = compiled_templates()
    basis = digest(repr(without_descriptions(config)), repr(template_stamp(config)), code_digest())
    env = make_environment(config, basis, compiled, list_items(memo, basis, theme_only(config)))
    return Site(config, library, bodies, plan, env, memo, basis, settings, sorted(problems), reads)


def read_all(
    config: SiteConfig, options: Options, today: dt.date, read: Reader
) -> tuple[list[Story], dict[str, str], list[Problem]]:
    """Every story published by `today`, its body and the problems of all story files."""
    md = make_markdown(config.allow_html)
    try:
        return load_stories(config, md, options.drafts, today, options.workers, read)
    except WorkerFailed as exc:
        shown = display_path(config.content_dir)
        raise BuildFailed([error(shown, 1, 1, f"could not read the stories: {exc}")]) from None


def story_changes(
    config: SiteConfig, reads: dict[Path, Read], stories: list[Story]
) -> tuple[dict[str, Change], list[Problem]]:
    """Each published story's last change in git, by slug, when the settings ask for it."""
    if not config.reads_history or not stories:
        return {}, []
    history, problems = read_history(config.root)
    published = {story.slug for story in stories}
    files = {
        story.slug: Path(os.path.relpath(path, config.root)).as_posix()
        for path, (story, _, _, _) in reads.items()
        if story is not None and story.slug in published
    }
    return {slug: history[path] for slug, path in files.items() if path in history}, problems


def findings_of(
    library: Library, config: SiteConfig, reads: dict[Path, Read]
) -> tuple[Library, list[Problem]]:
    """The library with its findings, and the problems of the finding files."""
    published = library.stories
    drafts = {story.slug for story, _, _, _ in reads.values() if story} - published.keys()
    failed = {slug for story, _, slug, _ in reads.values() if not story} - published.keys() - drafts
    unpublished = {slug: UNREAD for slug in failed} | {slug: UNPUBLISHED for slug in drafts}
    md = make_markdown(config.allow_html)
    findings, problems = load_findings(config, md, library.terms, published, unpublished)
    return with_findings(library, findings), problems


def cache_warnings(root: Path) -> list[Problem]:
    """A warning that the cache folder is left alone, being open to others than you; or none."""
    reason = cache_refusal(root)
    if not reason:
        return []
    hint = f"what a cache holds runs as code: set {ENVIRONMENT} to a folder only you can write to"
    message = f"the cache folder is not used: {reason}"
    return [warning(display_path(cache_home()), 1, 1, message, hint)]
