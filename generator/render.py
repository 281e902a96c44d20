"""The Jinja environment (site templates first, then the default theme) and page rendering."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from jinja2 import pass_context
from jinja2.loaders import split_template_path
from markupsafe import Markup

from .config import SiteConfig, without_descriptions
from .contexts import Fingerprints
from .digests import digest
from .errors import BuildFailed, Problem, display_path, error
from .files import Refused, read_inside
from .forked import can_fork, forked
from .fragments import Fragments
from .i18n import count, format_date, strings
from .pages import Page, Plan, cell_url, story_url, term_url
from .story import Story

THEME_PREFIX = "default"
PROGRESS_EVERY = 200
PARALLEL_FROM = 400  # pages to make before more processes pay for their start
BASIS = "basis"  # the templates' name for the digest of what every page is made from
LISTED = "listed_items"  # the templates' helper that makes and keeps story list items
# Characters XML 1.0 forbids (a feed with one is not XML at all) and HTML counts as errors.
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Progress = Callable[[int, int], None]
Kept = TypeVar("Kept")
Keep = Callable[[str, bytes], Kept]  # what is done with a page's path and bytes where it is made
Made = tuple[str, Kept | None, tuple[Problem, str] | None]  # a page: what was kept, or what stopped it


def default_theme_dir() -> Path:
    """The default theme: inside the installed package, or the checkout's templates/."""
    packaged = Path(__file__).parent / "theme"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates"


def template_dirs(config: SiteConfig) -> list[Path]:
    """Where templates are looked for, the site's own first."""
    theme = default_theme_dir()
    own = config.templates_dir
    if own.is_dir() and own.resolve() != theme.resolve():
        return [own, theme]
    return [theme]


class ListedItems:
    """Each story's item in the story lists, made once for what it shows, so a long list is mostly joined.

    An item shows only its story (which `Story.facts` digests), whether the story is due
    for review, the way back to the site root and how it is asked for; the rest (settings,
    templates, insole itself) is `basis`. Only the default theme's item is known to show
    nothing else, so with a site's own templates every item is made every time. `known`
    finds items made before by their key.
    """

    def __init__(self, basis: str = "", known: Callable[[str], str | None] | None = None, theme: bool = True):
        self.basis = basis
        self.known = known
        self.theme = theme
        self.found: dict[str, str] = {}
        self.made: dict[str, str] = {}  # items made by this process, for `known` to find another time

    def __call__(
        self,
        context: Any,
        stories: Sequence[Story],
        item: Callable[..., str],
        summary: bool,
        facets_of: Callable[[Story], object] | None,
        facets: object,
    ) -> Markup:
        """The items of a list, each on its own line, made with the `item` macro where not made before."""
        root, due = str(context["root"]), context["due"]
        asked = f"{root}:{summary}:{'of' if facets_of else repr(facets)}:{self.basis}"
        # A key starts with a digit of how the list asks, then the story's digest: the
        # items of one kind of list fall in a sixteenth of the memo's files.
        lead = digest(asked)[0] if self.theme else ""
        found, texts = self.found, []
        for story in stories:
            key = (
                f"{lead}{story.facts}:{story.slug}:{story.slug in due}:{asked}"
                if lead and story.facts
                else ""
            )
            text = found.get(key) or self.kept(key) if key else None
            if text is None:
                text = str(item(story, summary, facets_of(story) if facets_of else facets))
                if key:
                    self.add({key: text})
            texts.append(text)
        return Markup("\n".join(texts))

    def kept(self, key: str) -> str | None:
        """The item made before under `key`, or None."""
        text = self.known(key) if self.known is not None else None
        if text is not None:
            self.found[key] = text
        return text

    def add(self, made: dict[str, str]) -> None:
        """Note items made here or by a worker process."""
        self.found.update(made)
        self.made.update(made)


def listed_items(env: jinja2.Environment) -> ListedItems | None:
    """The environment's list items."""
    found = env.globals.get(LISTED)
    return found if isinstance(found, ListedItems) else None


def make_environment(
    config: SiteConfig,
    basis: str = "",
    compiled: jinja2.BytecodeCache | None = None,
    items: ListedItems | None = None,
) -> jinja2.Environment:
    """A Jinja environment with autoescaping, strict undefined values and the site's helpers.

    `basis` digests all every page is made from besides its context (settings, templates,
    insole's code); `items` makes the story lists' items (made afresh when not given).
    Templates see the settings without the terms' descriptions: a page is given those it shows.
    """
    dirs = template_dirs(config)
    loader = jinja2.ChoiceLoader(
        [
            InsideLoader(dirs, config),
            # An override can extend the template it replaces: {% extends "default/base.html" %}.
            jinja2.PrefixLoader({THEME_PREFIX: InsideLoader(dirs[-1:], config)}),
        ]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # each build makes a new environment, so a template never changes under it
        bytecode_cache=compiled,
        finalize=writable,
    )
    env.globals.update(
        site=without_descriptions(config),
        t=strings(config.language),
        story_url=story_url,
        cell_url=cell_url,
        term_url=term_url,
        url=url,
        absolute=lambda path: config.base_url + path,
        count=lambda n, noun: count(config.language, n, noun),
    )
    env.globals[LISTED] = pass_context(items or ListedItems(theme=theme_only(config)))
    env.globals[BASIS] = basis
    env.globals["fragment"] = Fragments(env)
    env.filters["fill"] = lambda text, **values: text.format(**values)
    env.filters["date"] = lambda day: format_date(day, config.language)
    env.filters["isodate"] = dt.date.isoformat
    return env


def writable(value: Any) -> Any:
    """A value as it can stand in a page or feed: characters XML forbids become U+FFFD."""
    if not isinstance(value, str) or not UNWRITABLE.search(value):
        return value
    cleaned = UNWRITABLE.sub("\ufffd", str(value))
    return Markup(cleaned) if isinstance(value, Markup) else cleaned


@pass_context
def url(context: Any, path: str) -> str:
    """A link from the page being rendered to `path` (relative to the site root)."""
    return str(context["root"]) + path


def static_files(config: SiteConfig) -> list[tuple[Path, str]]:
    """The theme's static files, each replaced by the site's file of the same name.

    Every file but a folder is listed, links and special files too, and so are linked folders
    and folders that cannot be read: planning the copies refuses them, each at its path.
    """
    found: dict[str, Path] = {}
    for folder in reversed(template_dirs(config)):
        static = folder / "static"
        unread: list[OSError] = []
        for here, dirs, files in os.walk(static, onerror=unread.append):
            dirs.sort()
            linked = [name for name in dirs if os.path.islink(os.path.join(here, name))]
            for name in files + linked:
                path = Path(here) / name
                found[path.relative_to(static).as_posix()] = path
        for exc in unread:
            if exc.filename and Path(exc.filename) != static:
                found[Path(exc.filename).relative_to(static).as_posix()] = Path(exc.filename)
    return sorted((path, name) for name, path in found.items())


class InsideLoader(jinja2.BaseLoader):
    """Templates read from folders, each only a regular file that resolves inside its folder."""

    def __init__(self, folders: list[Path], config: SiteConfig) -> None:
        self.folders = [(folder, folder.resolve(), folder_name(folder, config)) for folder in folders]

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        """The template's text and file; a template that must not be read is a syntax error at its file."""
        pieces = split_template_path(template)
        for folder, real, where in self.folders:
            path = folder.joinpath(*pieces)
            if not os.path.lexists(path):
                continue
            try:
                text = read_inside(path, real, where).decode("utf-8")
            except Refused as refused:
                raise jinja2.TemplateSyntaxError(refused.message, 1, template, str(path)) from None
            except UnicodeDecodeError as exc:
                raise not_utf8(exc, template, path) from None
            return text, str(path), lambda: False
        raise jinja2.TemplateNotFound(template)


def not_utf8(exc: UnicodeDecodeError, template: str, path: Path) -> jinja2.TemplateSyntaxError:
    """A template that is not UTF-8, as a syntax error at its first wrong byte."""
    data = bytes(exc.object)
    start = data.rfind(b"\n", 0, exc.start) + 1
    line = data.count(b"\n", 0, exc.start) + 1
    failed = jinja2.TemplateSyntaxError(f"not UTF-8 text ({exc.reason})", line, template, str(path))
    failed.column = len(data[start : exc.start].decode("utf-8", "replace")) + 1  # type: ignore[attr-defined]
    return failed


def folder_name(folder: Path, config: SiteConfig) -> str:
    """A folder of templates, in words."""
    return "the templates folder" if folder == config.templates_dir else "the theme"


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
        # Pages about many stories first, so that the last runs the workers take are short.
        ordered = sorted(pages, key=lambda page: "story" in page.context)
        made: Iterable[Made[Kept] | dict[str, str]] = forked(
            ordered, lambda share: worker_pages(env, share, config, keep), workers
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
            text = template.render(page.context, page=page, root=page_root(page, config))
        except Exception as exc:  # any failure inside a template is the template's error
            yield page.path, None, (template_problem(exc, page, config), str(exc))
            continue
        yield page.path, keep(page.path, text.encode("utf-8")), None


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
    prints = Fingerprints()
    return {page.path: digest(basis, page.template, prints.of(page.context)) for page in plan.pages}


def theme_only(config: SiteConfig) -> bool:
    """True when every template is the default theme's, whose pages are known to show only their inputs.

    A site's own template may show anything from the library, so with one every page is made.
    """
    own = template_dirs(config)[:-1]
    return not any(
        path.suffix in (".html", ".xml") and path.relative_to(folder).parts[0] != "static"
        for folder in own
        for path in folder.rglob("*")
    )


def template_stamp(config: SiteConfig) -> tuple[tuple[str, str], ...]:
    """Every template file with a digest of its bytes, to notice any change."""
    return tuple(
        (str(path), hashlib.blake2b(readable(path, folder, config), digest_size=16).hexdigest())
        for folder in template_dirs(config)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    )


def readable(path: Path, folder: Path, config: SiteConfig) -> bytes:
    """A template file's bytes, or none when it must not be read (the build says why where it is used)."""
    try:
        return read_inside(path, folder.resolve(), folder_name(folder, config))
    except Refused as refused:
        return refused.message.encode()


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
    kind = {"story.html": "a story's page"}.get(page.template, "this page")
    return f"{kind} is given {', '.join(sorted(page.context))}, besides site, t and the helpers"


def template_file(name: str, config: SiteConfig) -> str:
    """The file a template name stands for, as a person types it."""
    for folder in template_dirs(config):
        path = folder / name
        if os.path.lexists(path):
            return display_path(path)
    return display_path(template_dirs(config)[0] / name)
