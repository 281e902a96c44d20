"""The pipeline from site.yaml to the output folder, and its rebuild in memory for `insole serve`."""

from __future__ import annotations

import errno
import gc
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from .cache import CompiledTemplates, Store, open_memo
from .contexts import Shared
from .copies import Copy
from .digests import digest
from .errors import BuildFailed, Problem, display_path, error, has_errors
from .files import Refused
from .forked import WorkerFailed
from .gather import Site, gather
from .guards import clashes
from .links import body_links, broken_links, link_problem
from .listitems import listed_items
from .lock import turn
from .manifest import Record, as_built
from .markup import make_markdown
from .memo import RECORD, keep_items, key, story_reader
from .options import Options
from .output import BUNDLE, PARTS, write_site
from .pages import STORY_TEMPLATE, Page, Plan, story_url
from .render import PageDigests, Progress, Rendered, page_digests, render_changed, render_kept, render_pages
from .review import Due, Queued, review_queue
from .search import search_index
from .story import Read
from .storyfiles import JUNK
from .unchanged import Built, input_digest, remember, unchanged

Waiting = Callable[[Path], None] | None  # told the output folder when another build of it must end first
NOTHING: Read = (None, (), "", "")


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
    queue: tuple[Queued, ...] = ()  # the same, the longest due first, with authors and last changes
    written: int = 0  # files written; the rest of the site was already as built


def build(options: Options, progress: Progress | None = None, waiting: Waiting = None) -> Result:
    """Build the site into its output folder; the previous output stays if anything fails.

    Builds of one output folder take turns; `waiting` is called when this one must wait.
    A build with nothing changed since the last one is answered from that build's record.
    """
    started = time.perf_counter()
    # Taken before any file is read, so that a file changed while the site is built is seen next time.
    inputs = input_digest(options)
    built = unchanged(options, inputs, waiting) if inputs else None
    if built is not None:
        return as_before(built, started)
    site = gather(options)
    # The model lives until the site is written: the collector need not look through it
    # again, and the processes that make the pages share it without copying what it is on.
    gc.freeze()
    # Making pages leaves cycles behind (a third of the memory of a build of 10,000 stories,
    # where the command had paused the collector); with the model frozen, collecting them is cheap.
    collecting = gc.isenabled()
    gc.enable()
    try:
        with turn(site.config.output, lambda: waiting(site.config.output) if waiting else None):
            result = write(site, options, progress, started)
            figures = (result.stories, result.pages, result.files)
            remember(options, inputs, site.config, figures, result.problems, whole_record(site, options))
            return result
    except OSError as exc:
        raise BuildFailed([write_failure(site.config.output, exc)]) from None
    finally:
        gc.unfreeze()
        if not collecting:
            gc.disable()


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
    recorded = key(RECORD, str(config.output.resolve()))
    kept = site.memo.get(recorded)
    record: Record | None = kept[1] if kept else None
    # Files made with other settings or templates are made again, and written if their bytes differ.
    output, before = config.output.resolve(), (record or {}) if kept and kept[0] == site.basis else {}
    model = model_digest(site)
    keys = kept[3] if kept and len(kept) > 3 and model == kept[2] else None
    planned = input_digests(site, before, keys).without(left)
    stale = [
        p for p in site.plan.pages if p.path in planned and not as_built(output, before, planned, p.path)
    ]
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
    site.memo.put(recorded, (site.basis, record, model, story_keys(site)))
    keep_items(site.memo, listed_items(site.env))
    site.memo.save()
    seconds = time.perf_counter() - started
    found = sorted([*site.problems, *problems])
    pages, files = len(site.plan.pages), len(site.plan.paths)
    return Result(len(site.library.stories), pages, files, config.output, seconds, found, written=written)


def as_before(built: Built, started: float) -> Result:
    """The result of a build with nothing changed: the last build's figures and problems, nothing written."""
    output, seconds = built.config.output, time.perf_counter() - started
    return Result(built.stories, built.pages, built.files, output, seconds, list(built.problems))


def whole_record(site: Site, options: Options) -> Record | None:
    """The record of what the build left in the output; None when a file of the site was left out.

    A file insole did not write in the place of one of the site's (kept with --force) or
    a search index not made for it makes each build say so, which only a full build can.
    """
    kept = site.memo.get(key(RECORD, str(site.config.output.resolve())))
    record: Record | None = kept[1] if kept else None
    if record is None or not all(path in record for path in site.plan.paths):
        return None
    searched = options.search and site.library.stories
    return record if not searched or PARTS in record else None


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


def model_digest(site: Site) -> str:
    """A digest of what pages but a story's own are given: settings, stories by facts, due, findings, git."""
    library = site.library
    facts = (f"{slug}:{story.facts}" for slug, story in library.stories.items())
    found = (repr(library.due), repr(library.findings), repr(library.changes))
    return digest(site.basis, repr(site.config), *facts, *found)


def story_keys(site: Site) -> dict[str, str]:
    """Each story's digest of its file, which its own page (the one that shows its body) is made from."""
    return {slug: story.key for slug, story in site.library.stories.items()}


def input_digests(site: Site, before: Record, keys: Mapping[str, str] | None) -> PageDigests:
    """Each file's digest of what it is made from; for pages, as recorded when the model is as it was.

    Digesting every page's context is most of a build that changed one story's body, and
    contexts follow from the model, which holds stories by their facts, and from the bodies,
    which only their own story's page shows. `keys` are the stories' file digests when the
    model was last as it is now. Other pages' digests are worked out when first asked for:
    where the page is made, when every page is made anyway.
    """
    pages = site.plan.pages
    known = {copy.path: copy_digest(copy) for copy in site.plan.copies}
    if keys is not None and all(page.path in before for page in pages):
        stories = site.library.stories.values()
        edited = {
            story_url(story.slug) + "index.html" for story in stories if keys.get(story.slug) != story.key
        }
        known |= {page.path: before[page.path].inputs for page in pages if page.path not in edited}
    return PageDigests(pages, site.basis, known)


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
    stories = site.library.stories.values()
    written = {link: story for story in stories for link in body_links(story, site.bodies[story.slug])}
    for link in broken_links(pages, site.plan.paths):
        story = written.get((link.page, link.target))
        if story is not None:
            problems.append(link_problem(story, link.target))
        else:
            problems.append(error(link.page, 1, 1, f"link to '{link.target}' leads nowhere"))
    if has_errors(problems):
        raise BuildFailed(problems)
    seconds = time.perf_counter() - started
    library = site.library
    queue = tuple(review_queue(library.due.values(), library.stories, library.changes))
    due = tuple(library.due.values())
    return Result(len(library.stories), len(pages), 0, None, seconds, problems, due, queue)


def ignored(name: str) -> bool:
    """True for the editor's and the system's files beside the sources, which no build reads."""
    return bool(JUNK.search(name))


@dataclass(frozen=True)
class Live:
    """A site kept in memory by `insole serve`, made again by `rebuild` as its files change."""

    options: Options
    memo: Store | None = None  # what earlier builds made: the cache folder's memo, then kept here
    compiled: CompiledTemplates = field(default_factory=CompiledTemplates)
    site: Site | None = None  # the last good build's model and plan
    rendered: Rendered | None = None  # its pages
    files: dict[Path, Path] = field(default_factory=dict)  # each story file, by where it really is

    @cached_property
    def copies(self) -> dict[str, Copy]:
        """The files the site copies as they are, by their path in the site."""
        return {copy.path: copy for copy in self.site.plan.copies} if self.site else {}

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
        copy = self.copies.get(path)
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
    rendered = render_changed(site.env, site.plan, site.config, live.rendered)
    keep_items(memo, listed_items(site.env))
    files = {path.resolve(): path for path in site.reads}  # the watcher names files by where they are
    return replace(live, memo=memo, site=site, rendered=rendered, files=files)


def new_bodies(live: Live, touched: set[Path]) -> tuple[Site, Rendered] | None:
    """The site made again by making only the pages of stories whose body alone changed.

    None when anything else changed (a new or removed file, another field, a problem,
    settings or templates): the whole site is gathered again then. Only a story's own page
    is given its body, so no other page can show it.
    """
    site, rendered = live.site, live.rendered
    if not touched or site is None or rendered is None:
        return None
    reads, bodies, changed = dict(site.reads), dict(site.bodies), []
    read, md = story_reader(site.memo, site.settings), make_markdown(site.config.allow_html)
    for real in touched:
        path = live.files.get(real)
        old, old_problems, _, _ = reads.get(path, NOTHING) if path else NOTHING
        if path is None or old is None or site.library.stories.get(old.slug) is not old:
            return None  # a new file, one that failed, or a draft
        [(story, problems, slug, html)] = read([(path, old.folder)], site.config, md, 1)
        if story is None or problems != old_problems or replace(story, key=old.key) != old:
            return None
        reads[path], bodies[slug] = (story, problems, slug, html), html
        context = Shared(site.library).story(story, html)
        changed.append(Page(story_url(slug) + "index.html", STORY_TEMPLATE, context))
    where = {page.path: index for index, page in enumerate(site.plan.pages)}
    pages = list(site.plan.pages)
    for page in changed:
        pages[where[page.path]] = page
    plan = replace(site.plan, pages=tuple(pages))
    made = dict(render_pages(site.env, Plan(tuple(changed), ()), site.config))
    inputs = rendered.inputs | page_digests(Plan(tuple(changed), ()), site.basis)
    quick = Rendered(rendered.pages | made, inputs, len(changed))
    return replace(site, plan=plan, bodies=bodies, reads=reads), quick
