"""The pipeline from site.yaml to the output folder: gather and check everything, then write."""

from __future__ import annotations

import datetime as dt
import errno
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2

from .cache import (
    ENVIRONMENT,
    CompiledTemplates,
    Store,
    cache_home,
    cache_refusal,
    code_digest,
    compiled_templates,
    open_memo,
)
from .config import SiteConfig, load_config, without_descriptions
from .content import JUNK, Read, load_stories
from .digests import digest
from .errors import BuildFailed, Problem, display_path, error, has_errors, strict, warning
from .files import Refused
from .forked import WorkerFailed, aside
from .guards import check_output, clashes
from .library import Library
from .links import body_links, broken_body_links, broken_links, link_problem
from .lock import turn
from .manifest import Record, as_built
from .markup import make_markdown
from .memo import RECORD, keep_items, key, library_of, list_items, story_reader
from .output import BUNDLE, PARTS, write_site
from .pages import Copy, Page, Plan, check_plan, page_inputs, plan_site, story_url
from .render import (
    Progress,
    Rendered,
    listed_items,
    make_environment,
    page_digests,
    render_changed,
    render_kept,
    render_pages,
    static_files,
    template_stamp,
    theme_only,
)
from .review import Due, due_for_review
from .search import search_index

Waiting = Callable[[Path], None] | None  # told the output folder when another build of it must end first


@dataclass(frozen=True)
class Options:
    """What the person asked the build to do."""

    root: Path = Path(".")
    output: Path | None = None
    drafts: bool = False
    strict: bool = False
    search: bool = True  # make the search index (`--no-search` turns it off)
    force: bool = False  # replace an output folder insole did not write
    today: dt.date | None = None  # stories dated after it are not published; None: the real today
    cache: bool = True  # keep what the next build can reuse in the user's cache folder
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)  # processes to parse and render in
    part_pages: int | None = None  # most story pages in a part of the search index; None: by size


@dataclass(frozen=True)
class Site:
    """A site gathered and checked in memory, ready to render."""

    config: SiteConfig
    library: Library
    plan: Plan
    env: jinja2.Environment
    memo: Store
    problems: list[Problem] = field(default_factory=list)
    reads: dict[Path, Read] = field(default_factory=dict)  # each story file's story and problems


@dataclass(frozen=True)
class Result:
    """What a build or check did."""

    stories: int
    pages: int
    files: int
    output: Path | None
    seconds: float
    problems: list[Problem]
    due: tuple[Due, ...] = ()  # stories due for review
    written: int = 0  # files written; the rest of the site was already as built


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
    today = options.today or dt.date.today()
    memo = memo if memo is not None else open_memo(config.root, options.cache)
    # Problems name files as seen from the working folder, so it is part of what they depend on.
    settings = digest(repr((replace(without_descriptions(config), output=Path()), os.getcwd())))
    md = make_markdown(config.allow_html)
    reads: dict[Path, Read] = {}
    read = story_reader(memo, settings, reads)
    try:
        stories, found = load_stories(config, md, options.drafts, today, options.workers, read)
    except WorkerFailed as exc:
        shown = display_path(config.content_dir)
        raise BuildFailed([error(shown, 1, 1, f"could not read the stories: {exc}")]) from None
    saved = aside(memo.save, options.workers)  # on another core while the model is made
    memo.save(write=False)
    problems += found
    due = due_for_review(stories, today, config.review_after_months)
    try:
        library = library_of(stories, config.vocabulary, due, memo, options.workers)
    finally:
        saved()
    memo.save()
    plan = plan_site(library, config, static_files(config))
    problems += check_plan(plan)
    problems += broken_body_links(library.stories.values(), plan.paths)
    if options.strict:
        problems = strict(problems)
    problems += refused  # about this computer, not the library: --strict leaves it a warning
    if has_errors(problems):
        raise BuildFailed(problems)
    if compiled is None and options.cache:
        compiled = compiled_templates()
    # The story lists' items show their story; all else they show is their basis.
    shown = digest(repr((replace(without_descriptions(config), output=Path()), template_stamp(config))))
    items = list_items(memo, shown, theme_only(config))
    env = make_environment(config, library, compiled, items)
    return Site(config, library, plan, env, memo, sorted(problems), reads)


def cache_warnings(root: Path) -> list[Problem]:
    """A warning that the cache folder is left alone, being open to others than you; or none."""
    reason = cache_refusal(root)
    if not reason:
        return []
    hint = f"what a cache holds runs as code: set {ENVIRONMENT} to a folder only you can write to"
    message = f"the cache folder is not used: {reason}"
    return [warning(display_path(cache_home()), 1, 1, message, hint)]


def build(options: Options, progress: Progress | None = None, waiting: Waiting = None) -> Result:
    """Build the site into its output folder; the previous output stays if anything fails.

    Builds of one output folder take turns; `waiting` is called when this one must wait.
    """
    started = time.perf_counter()
    site = gather(options)
    try:
        with turn(site.config.output, lambda: waiting(site.config.output) if waiting else None):
            return write(site, options, progress, started)
    except OSError as exc:
        raise BuildFailed([write_failure(site.config.output, exc)]) from None


def write(site: Site, options: Options, progress: Progress | None, started: float) -> Result:
    """Write the site gathered into its output folder, making only what changed."""
    config = site.config
    # Pagefind refuses to make an index of nothing; a library without stories has none.
    wanted = options.search and site.library.stories
    index = search_index(config, site.library, options.part_pages, options.workers) if wanted else None
    indexed = [*(f"{BUNDLE}/{part}" for part in index.parts), PARTS] if index else []
    problems, left = clashes(config.output, [*site.plan.paths, *indexed], options.force)
    if has_errors(problems):
        raise BuildFailed(problems)
    index = None if left & set(indexed) else index
    memo = site.memo
    recorded = key(RECORD, str(config.output.resolve()))
    # A term's description is among its own page's inputs, so editing one remakes one page.
    basis = digest(repr(without_descriptions(config)), repr(template_stamp(config)), code_digest())
    kept = memo.get(recorded)
    record: Record | None = kept[1] if kept else None
    # Files made with other settings or templates are made again, and written if their bytes differ.
    output, before = config.output.resolve(), (record or {}) if kept and kept[0] == basis else {}
    model = model_digest(site, basis)
    planned = input_digests(site, before, kept is not None and model == kept[2])
    planned |= {copy.path: copy_digest(copy) for copy in site.plan.copies}
    planned = {path: inputs for path, inputs in planned.items() if path not in left}
    pages = [page for page in site.plan.pages if page.path in planned]
    stale = [p for p in pages if not as_built(output, before, planned, p.path)]
    copies = [c for c in site.plan.copies if c.path in planned]
    copies = [c for c in copies if not as_built(output, before, planned, c.path)]
    try:
        # Each page is written where it is made, so only what was written comes back.
        make = lambda stage: render_kept(  # noqa: E731
            site.env, Plan(tuple(stale), ()), config, stage, progress, options.workers
        )
        written, record = write_site(config.output, planned, make, copies, record, index)
    except (OSError, WorkerFailed) as exc:
        raise BuildFailed([write_failure(config.output, exc)]) from None
    memo.put(recorded, (basis, record, model))
    keep_items(memo, listed_items(site.env))
    memo.save()
    return Result(
        len(site.library.stories),
        len(site.plan.pages),
        len(site.plan.paths),
        config.output,
        time.perf_counter() - started,
        sorted([*site.problems, *problems]),
        written=written,
    )


def write_failure(output: Path, exc: OSError | WorkerFailed) -> Problem:
    """The error of a site that could not be written: what the system said, about which file."""
    raised = exc.raised if isinstance(exc, WorkerFailed) else exc
    if not isinstance(raised, OSError) or not raised.strerror:
        return error(display_path(output), 1, 1, f"could not write the site: {exc}")
    said = raised.strerror
    if raised.filename:
        said += f": {display_path(Path(os.fsdecode(raised.filename)))}"
    hint = "the new site is put together in the folder that holds the output, which must be writable"
    hints = {errno.ENOSPC: "free some room on that disk", errno.EROFS: hint, errno.EACCES: hint}
    hinted = hints.get(raised.errno or 0, "")
    return error(display_path(output), 1, 1, f"could not write the site: {said}", hinted)


def model_digest(site: Site, basis: str) -> str:
    """A digest of all that pages show: settings with descriptions, every story by its file, due marks.

    `basis` is the digest of the settings, templates and insole's code the pages were made with.
    """
    stories = site.library.stories.values()
    return digest(basis, repr(site.config), *(story.key for story in stories), repr(site.library.due))


def input_digests(site: Site, before: Record, same_model: bool) -> dict[str, str]:
    """Each page's digest of what it shows; as recorded when the model is as it was then.

    Working out every page's inputs is a sixth of a build with nothing changed, and they
    follow from the model alone.
    """
    pages = site.plan.pages
    if same_model and all(page.path in before for page in pages):
        return {page.path: before[page.path].inputs for page in pages}
    return page_digests(site.plan, site.library, site.config)


def copy_digest(copy: Copy) -> str:
    """What tells that a file copied into the site changed: its place, size and time."""
    try:
        info = copy.source.stat()
    except OSError:
        return ""
    return digest(str(copy.source), str(info.st_size), str(info.st_mtime_ns))


def check(options: Options, progress: Progress | None = None) -> Result:
    """Everything a build checks, plus every link inside the site, without writing."""
    started = time.perf_counter()
    site = gather(options, writing=False)
    pages = list(render_pages(site.env, site.plan, site.config, progress, options.workers))
    problems = list(site.problems)
    # A story's own links are reported where its file has them (gather found those to no file).
    written = {link: story for story in site.library.stories.values() for link in body_links(story)}
    for link in broken_links(pages, site.plan.paths):
        story = written.get((link.page, link.target))
        if story is not None:
            problems.append(link_problem(story, link.target))
        else:
            problems.append(error(link.page, 1, 1, f"link to '{link.target}' leads nowhere"))
    if has_errors(problems):
        raise BuildFailed(problems)
    seconds = time.perf_counter() - started
    due = tuple(site.library.due.values())
    return Result(len(site.library.stories), len(pages), 0, None, seconds, problems, due)


def ignored(name: str) -> bool:
    """True for the editor's and the system's files beside the sources, which no build reads."""
    return bool(JUNK.search(name))


@dataclass
class Live:
    """A site kept in memory by `insole serve`, made again by `rebuild` as its files change."""

    options: Options
    memo: Store | None = None  # what earlier builds made: the cache folder's memo, then kept here
    compiled: CompiledTemplates = field(default_factory=CompiledTemplates)
    site: Site | None = None  # the last good build's model and plan
    rendered: Rendered | None = None  # its pages

    @property
    def problems(self) -> list[Problem]:
        """The warnings of the last good build."""
        return self.site.problems if self.site else []

    def page(self, path: str) -> bytes | None:
        """The bytes of a page or file of the site, or None if it has none (or must not be read)."""
        if self.rendered is None or self.site is None:
            return None
        if path in self.rendered.pages:
            return self.rendered.pages[path]
        copy = next((c for c in self.site.plan.copies if c.path == path), None)
        try:  # checked as it is read: the file may have been replaced since the build
            return copy.read() if copy else None
        except (Refused, OSError):
            return None


def rebuild(live: Live, touched: set[Path]) -> Live:
    """The site made again in memory for the files changed since `live` was made.

    Raises BuildFailed when anything is wrong; `live` stays as it was.
    """
    quick = new_bodies(live, touched)
    if quick:
        return replace(live, site=quick[0], rendered=quick[1])
    # The first build takes what earlier builds kept in the cache folder; later ones keep it here.
    memo = live.memo if live.memo is not None else open_memo(live.options.root, live.options.cache)
    site = gather(live.options, False, memo, live.compiled)
    rendered = render_changed(site.env, site.plan, site.config, site.library, live.rendered)
    keep_items(memo, listed_items(site.env))
    return replace(live, memo=memo, site=site, rendered=rendered)


def new_bodies(live: Live, touched: set[Path]) -> tuple[Site, Rendered] | None:
    """The site made again by rendering only the pages of stories whose body alone changed.

    None when anything else changed: a new or removed file, another field, a warning,
    settings or templates; the whole site is gathered again then. In the default theme
    only a story's own page shows its body.
    """
    site, rendered = live.site, live.rendered
    if not touched or site is None or rendered is None or not theme_only(site.config):
        return None
    files = {path.resolve(): path for path in site.reads}
    reads = dict(site.reads)
    stories, pages = dict(site.library.stories), list(site.plan.pages)
    where = {page.path: index for index, page in enumerate(pages)}
    changed = []
    settings = digest(repr((replace(without_descriptions(site.config), output=Path()), os.getcwd())))
    read = story_reader(site.memo, settings)
    for real in touched:
        path = files.get(real)
        old, old_problems, _ = site.reads.get(path, (None, (), "")) if path else (None, (), "")
        if path is None or old is None or stories.get(old.slug) is not old:  # new, failed, a draft
            return None
        [(story, problems, _)] = read(
            [(path, old.folder)], site.config, make_markdown(site.config.allow_html), 1
        )
        if story is None or problems != old_problems or replace(story, html=old.html, key=old.key) != old:
            return None
        reads[path] = (story, problems, story.slug)
        stories[story.slug] = story
        url = story_url(story.slug) + "index.html"
        pages[where[url]] = changed_page = Page(url, "story.html", {"story": story})
        changed.append(changed_page)
    model = replace(site.library, stories=stories)
    site.env.globals["library"] = model
    plan = replace(site.plan, pages=tuple(pages))
    made = {**rendered.pages, **dict(render_pages(site.env, Plan(tuple(changed), ()), site.config))}
    inputs = {**rendered.inputs}
    for page in changed:
        inputs[page.path] = page_inputs(page, model)
    return replace(site, library=model, plan=plan, reads=reads), Rendered(
        made, inputs, rendered.basis, len(changed)
    )
