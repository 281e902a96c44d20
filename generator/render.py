"""Pages made from their templates and contexts, in many processes for many pages; template errors located."""

from __future__ import annotations

import contextlib
import os
import traceback
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import jinja2

from .config import SiteConfig
from .contexts import Fingerprints
from .digests import digest
from .environment import BASIS, template_dirs, writable
from .errors import BuildFailed, Problem, display_path, error
from .forked import can_fork, forked
from .listitems import listed_items
from .pages import STORY_TEMPLATE, Page, Plan

PROGRESS_EVERY = 200
PARALLEL_FROM = 400  # pages to make before more processes pay for their start

Progress = Callable[[int, int], None]
Kept = TypeVar("Kept")
Keep = Callable[[str, bytes], Kept]  # what is done with a page's path and bytes where it is made
Made = tuple[str, Kept | None, tuple[Problem, str] | None]  # a page: what was kept, or what stopped it


def page_root(page: Page, config: SiteConfig) -> str:
    """The relative way from a page back to the site root."""
    if page.path == "404.html":  # shown at any depth, so it links from the site's base
        return config.base_url
    return "../" * page.path.count("/")


def render_pages(
    env: jinja2.Environment,
    plan: Plan,
    config: SiteConfig,
    progress: Progress | None = None,
    workers: int = 1,
) -> Iterator[tuple[str, bytes]]:
    """Each page's path and bytes, made in `workers` processes when there are enough pages.

    Raises BuildFailed with every template error once all pages are made.
    """
    return render_kept(env, plan, config, _page_bytes, progress, workers)


def _page_bytes(path: str, data: bytes) -> bytes:
    """A page's bytes, to be sent back as they are."""
    return data


def render_kept(
    env: jinja2.Environment,
    plan: Plan,
    config: SiteConfig,
    keep: Keep[Kept],
    progress: Progress | None = None,
    workers: int = 1,
) -> Iterator[tuple[str, Kept]]:
    """Each page's path and what `keep` made of its bytes in the process that made the page.

    Pages are made in `workers` processes when there are enough of them, so `keep` can
    write a page where it is made and send back only what it wrote, not the bytes.
    Raises BuildFailed with every template error once all pages are made.
    """
    pages = plan.pages
    if len(pages) >= PARALLEL_FROM and can_fork(workers):
        for name in {page.template for page in pages}:  # compiled once, before the copies are made
            with contextlib.suppress(Exception):  # its error is reported with the page that uses it
                env.get_template(name)
        # The pages about many stories go first, as one share to one worker: the list items
        # they have in common are made once, not once in each worker. The rest come a page a share.
        # Told apart by template: asking each page's context here would make every one in this process.
        lists = tuple(page for page in pages if page.template != STORY_TEMPLATE)
        shares = [lists, *((page,) for page in pages if page.template == STORY_TEMPLATE)]
        made: Iterable[Made[Kept] | dict[str, str]] = forked(
            shares,
            lambda taken: worker_pages(env, (p for share in taken for p in share), config, keep),
            workers,
        )
    else:
        made = make_pages(env, pages, config, keep)
    problems: dict[tuple[str, int, str], tuple[str, Problem]] = {}
    items = listed_items(env)
    number = 0
    for result in made:
        if isinstance(result, dict):  # list items a worker made, kept for later builds
            if items:
                items.add(result)
            continue
        number += 1
        path, kept, failed = result
        if progress and number % PROGRESS_EVERY == 0:
            progress(number, len(pages))
        if failed:  # one template error is reported once, naming the first page it stopped
            problem, why = failed
            key = (problem.path, problem.line, why)
            problems[key] = min(problems.get(key, (path, problem)), (path, problem))
        elif kept is not None:
            yield path, kept
    if problems:
        raise BuildFailed(problem for _, problem in problems.values())


def worker_pages(
    env: jinja2.Environment, pages: Iterable[Page], config: SiteConfig, keep: Keep[Kept]
) -> Iterator[Made[Kept] | dict[str, str]]:
    """make_pages in a worker process, then the list items it made, which the parent keeps."""
    yield from make_pages(env, pages, config, keep)
    items = listed_items(env)
    if items and items.made:
        yield items.made


def make_pages(
    env: jinja2.Environment, pages: Iterable[Page], config: SiteConfig, keep: Keep[Kept]
) -> Iterator[Made[Kept]]:
    """Each page's path and what `keep` made of its bytes, or the template error that stopped it."""
    templates: dict[str, jinja2.Template] = {}
    for page in pages:
        try:
            template = templates.get(page.template) or env.get_template(page.template)
            templates[page.template] = template
            text = writable(template.render(page.context, page=page, root=page_root(page, config)))
        except Exception as exc:  # any failure inside a template is the template's error
            yield page.path, None, (template_problem(exc, page, config), str(exc))
            continue
        kept = keep(page.path, text.encode("utf-8"))
        # Made and digested: kept, the contexts of all pages made would stay in memory to the end.
        page.__dict__.pop("context", None)
        yield page.path, kept, None


@dataclass(frozen=True)
class Rendered:
    """A site's pages made in memory, with a digest of what each page was made from."""

    pages: dict[str, bytes]
    inputs: dict[str, str]
    made: int


def render_changed(
    env: jinja2.Environment, plan: Plan, config: SiteConfig, previous: Rendered | None
) -> Rendered:
    """Make the pages whose inputs changed since `previous`; reuse the bytes of the rest.

    The inputs of a page are its context, its template and the settings and templates
    (`env.globals["basis"]`), which every page is made from.
    """
    inputs = page_digests(plan, str(env.globals.get(BASIS, "")))
    before = previous.inputs if previous else {}
    stale = [page for page in plan.pages if before.get(page.path) != inputs[page.path]]
    made = dict(render_pages(env, Plan(tuple(stale), ()), config))
    kept = previous.pages if previous else {}
    pages = {page.path: made[page.path] if page.path in made else kept[page.path] for page in plan.pages}
    return Rendered(pages, inputs, len(made))


def page_digests(plan: Plan, basis: str) -> dict[str, str]:
    """For each page, a digest of what it is made from: its context, its template and `basis`."""
    return dict(PageDigests(plan.pages, basis))


class PageDigests(Mapping[str, str]):
    """Each page's digest of what it is made from, worked out when first asked for.

    A build that makes every page asks for them where each page is made, so that they are
    worked out in as many processes as the pages. `known` holds digests found already,
    and those of the files that are not pages.
    """

    def __init__(self, pages: Iterable[Page], basis: str, known: Mapping[str, str] | None = None) -> None:
        self.pages = {page.path: page for page in pages}
        self.basis = basis
        self.found = dict(known or {})
        self.paths = [*self.pages, *(path for path in self.found if path not in self.pages)]
        self.prints: Fingerprints | None = None

    def __getitem__(self, path: str) -> str:
        found = self.found.get(path)
        if found is None:
            page = self.pages[path]
            self.prints = self.prints or Fingerprints()
            found = self.found[path] = digest(self.basis, page.template, self.prints.of(page.context))
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __contains__(self, path: object) -> bool:
        return path in self.pages or path in self.found

    def __len__(self) -> int:
        return len(self.paths)

    def without(self, left: Container[str]) -> PageDigests:
        """The same digests but for the paths in `left`."""
        kept = PageDigests((page for path, page in self.pages.items() if path not in left), self.basis)
        kept.found = {path: found for path, found in self.found.items() if path not in left}
        kept.paths = [path for path in self.paths if path not in left]
        kept.prints = self.prints
        return kept


def template_problem(exc: Exception, page: Page, config: SiteConfig) -> Problem:
    """A template error at its place in the template file, naming the page being made."""
    source = page.context.get("story")
    making = f" (making {page.path}" + (f" from {source.source_path})" if source else ")")
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = exc.filename or exc.name or page.template
        column = getattr(exc, "column", 1)
        return error(display_path(Path(where)), exc.lineno, column, f"template error: {exc.message}{making}")
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"template not found: {exc.name}{making}"
    else:
        message = f"template error: {exc}{making}"
    hint = given(page) if isinstance(exc, jinja2.UndefinedError) else ""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if not frame.filename.endswith(".py") and os.path.isfile(frame.filename):  # a template's own line
            return error(display_path(Path(frame.filename)), frame.lineno or 1, 1, message, hint)
    return error(template_file(page.template, config), 1, 1, message, hint)


def given(page: Page) -> str:
    """What a page's template is given, for a template that asks for something else."""
    kind = "a story's page" if page.template == STORY_TEMPLATE else "this page"
    return f"{kind} is given {', '.join(sorted(page.context))}, besides site, t and the helpers"


def template_file(name: str, config: SiteConfig) -> str:
    """The file a template name stands for, as a person types it."""
    for folder in template_dirs(config):
        path = folder / name
        if os.path.lexists(path):
            return display_path(path)
    return display_path(template_dirs(config)[0] / name)
