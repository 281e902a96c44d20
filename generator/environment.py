"""The Jinja environment: templates (the site's first, then the default theme), helpers, static files."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import pass_context
from jinja2.loaders import split_template_path
from markupsafe import Markup

from .config import SiteConfig, without_descriptions
from .data import library_json
from .files import Refused, read_inside
from .fragments import Fragments
from .i18n import count, format_date, strings
from .listitems import LISTED, ListedItems
from .pages import cell_url, finding_url, story_url, term_url
from .quotes import shortened
from .story import slugify

THEME_PREFIX = "default"
# The date of the `tag:` URIs that name a feed and its entries when the site has no host name
# (RFC 4151); fixed, so that an entry keeps its id for good.
TAG_DATE = "2026"
TAG_AUTHORITY = "insole"  # a tag's authority for a site whose title makes no slug
DNS_LABEL = 63  # the longest name a tag's authority may have between dots
BASIS = "basis"  # the templates' name for the digest of what every page is made from
# Characters XML 1.0 forbids (a feed with one is not XML at all) and HTML counts as errors.
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


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
    )
    env.globals.update(
        site=without_descriptions(config),
        t=strings(config.language),
        story_url=story_url,
        finding_url=finding_url,
        cell_url=cell_url,
        term_url=term_url,
        url=url,
        absolute=lambda path: config.base_url + path,
        atom_id=lambda path: atom_id(config, path),
        library_json=lambda library: Markup(library_json(library, config)),
        count=lambda n, noun: count(config.language, n, noun),
    )
    env.globals[LISTED] = pass_context(items or ListedItems(theme=theme_only(config)))
    env.globals[BASIS] = basis
    env.globals["fragment"] = Fragments(env)
    env.filters["fill"] = lambda text, **values: text.format(**values)
    env.filters["date"] = lambda day: format_date(day, config.language)
    env.filters["isodate"] = dt.date.isoformat
    env.filters["shortened"] = shortened
    return env


def writable(text: str) -> str:
    """A page or feed as it can be written: characters XML forbids become U+FFFD."""
    # Once a page rather than at each value: a search over the page costs less than a call per value.
    return UNWRITABLE.sub("\ufffd", text) if UNWRITABLE.search(text) else text


def atom_id(config: SiteConfig, path: str) -> str:
    """The id of a feed or entry about the page at `path`: an absolute IRI, as Atom requires.

    A site hosted at an address keeps the page's address as its id. A site whose base_url is a
    path has no address to give, so the id is a `tag:` URI named after the site's title.
    """
    if "://" in config.base_url:
        return config.base_url + path
    authority = slugify(config.title)[:DNS_LABEL].strip("-") or TAG_AUTHORITY
    return f"tag:{authority},{TAG_DATE}:{config.base_url}{path}"


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
