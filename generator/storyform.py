"""The story form `insole serve` offers: its page, a story being written previewed, and saved as a new file.

Only `serve` uses this module; a build never renders the form, so no built site has it.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message
from http import HTTPStatus
from pathlib import Path
from typing import Any

from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from .build import Live
from .config import SiteConfig
from .content import read_story
from .contexts import Shared
from .crosschecks import check_related, check_slugs, not_published
from .errors import Problem, display_path
from .gather import Site
from .markup import make_markdown, render_markdown
from .pages import Page, story_url
from .privacy import allowed, masked, scan
from .render import template_problem
from .scaffold import Chosen, new_story_slug, story_text, write_new
from .story import MODES
from .storyfiles import STORIES, Source
from .vocabulary import SLUG, SLUG_LENGTH

FORM = "/__insole/form"
PREVIEW = "/__insole/preview"
SAVE = "/__insole/story"
WRITES = (PREVIEW, SAVE)
TOKEN_HEADER = "X-Insole-Token"
MAX_REQUEST = 1_000_000  # bytes of JSON a write may send; a story is far shorter
TEXTS = ("title", "date", "customer", "achieve", "avoid", "source", "body")
SCANNED = ("title", "customer", "achieve", "avoid", "body")  # the texts checked for personal data
FIELDS = frozenset({*TEXTS, "terms", "co_creation", "related"})
TEMPLATE = "default/form.html"  # the theme's own, whatever a site's templates folder holds


class Unusable(Exception):
    """A request the form cannot act on: the status to answer and what to tell the writer."""

    def __init__(self, status: HTTPStatus, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = problems or []

    def answer(self) -> dict[str, Any]:
        """The JSON answer that says why."""
        return {"message": self.message, "problems": self.problems}


@dataclass(frozen=True)
class Draft:
    """A story as the form sends it: its title, date and everything chosen and written."""

    title: str
    date: dt.date
    chosen: Chosen


def new_token() -> str:
    """A secret a server gives its form page, without which no write is taken."""
    return secrets.token_urlsafe(32)


def refusal(headers: Message, client: str, token: str) -> Unusable | None:
    """Why a write request must be refused (its Host already checked), or None to take it."""
    host = (headers.get("Host") or "").lower()
    origin = headers.get("Origin")
    if not loopback(client):
        return Unusable(HTTPStatus.FORBIDDEN, "the form takes writes from this computer only")
    if origin is not None and origin.lower() != f"http://{host}":
        return Unusable(HTTPStatus.FORBIDDEN, "the request comes from another site")
    if origin is None and not (headers.get("Referer") or "").lower().startswith(f"http://{host}/"):
        return Unusable(HTTPStatus.FORBIDDEN, "the request says neither where it comes from nor its page")
    given = (headers.get(TOKEN_HEADER) or "").encode()
    if not secrets.compare_digest(given, token.encode()):
        return Unusable(HTTPStatus.FORBIDDEN, "the form's token is missing or wrong; open the form again")
    if headers.get_content_type() != "application/json":
        return Unusable(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send the story as application/json")
    return size_refusal(headers)


def size_refusal(headers: Message) -> Unusable | None:
    """Why a request's body must not be read: no length given, or too long; None when it may be."""
    length = headers.get("Content-Length") or ""
    if headers.get("Transfer-Encoding") or not length.isdigit():
        return Unusable(HTTPStatus.LENGTH_REQUIRED, "send the length of the story with it")
    if int(length) > MAX_REQUEST:
        return Unusable(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"a story may be at most {MAX_REQUEST:,} bytes")
    return None


def loopback(client: str) -> bool:
    """True for an address of this computer."""
    try:
        address = ipaddress.ip_address(client.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def parsed(body: bytes) -> Mapping[str, Any]:
    """The JSON object a write sends."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Unusable(HTTPStatus.BAD_REQUEST, "the request is not JSON") from None
    if not isinstance(data, dict):
        raise Unusable(HTTPStatus.BAD_REQUEST, "the request is not a JSON object")
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        raise Unusable(HTTPStatus.BAD_REQUEST, f"the form has no field '{unknown[0]}'")
    return data


def draft_of(data: Mapping[str, Any]) -> Draft:
    """The story the form sends; raises Unusable for a field that is not what the form sends."""
    texts = {key: text(data, key) for key in TEXTS}
    try:
        date = dt.date.fromisoformat(texts["date"])
    except ValueError:
        raise Unusable(HTTPStatus.UNPROCESSABLE_ENTITY, "write the date as YYYY-MM-DD") from None
    terms = data.get("terms", {})
    if not isinstance(terms, dict):
        raise Unusable(HTTPStatus.BAD_REQUEST, "'terms' is not a mapping of groupings")
    given = {str(key): slugs(value, str(key)) for key, value in terms.items()}
    given["sources"] = slugs([texts["source"]] if texts["source"] else [], "source")
    co_creation, notes = co_creation_of(data.get("co_creation", []))
    chosen = Chosen(
        terms=given,
        co_creation=co_creation,
        texts={key: texts[key] for key in ("customer", "achieve", "avoid")},
        notes=notes,
        related=slugs(data.get("related", []), "related"),
        body=texts["body"],
    )
    return Draft(texts["title"], date, chosen)


def text(data: Mapping[str, Any], key: str) -> str:
    """A text field of the form, with its line ends as a file has them."""
    value = data.get(key, "")
    if not isinstance(value, str):
        raise Unusable(HTTPStatus.BAD_REQUEST, f"'{key}' is not text")
    return value.replace("\r\n", "\n").replace("\r", "\n")


def slugs(value: object, key: str) -> tuple[str, ...]:
    """A list of terms or stories, each a slug: only a slug is written into the file as it is."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise Unusable(HTTPStatus.BAD_REQUEST, f"'{key}' is not a list of slugs")
    for item in value:
        if not SLUG.fullmatch(item) or len(item) > SLUG_LENGTH:
            hint = "lowercase letters, digits and single hyphens, such as second-trip"
            raise Unusable(HTTPStatus.UNPROCESSABLE_ENTITY, f"{key}: '{item}' is not a slug ({hint})")
    return tuple(dict.fromkeys(value))


def co_creation_of(value: object) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """The co-creation entries the form sends, as (opportunity, mode), and their notes."""
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise Unusable(HTTPStatus.BAD_REQUEST, "'co_creation' is not a list of entries")
    entries = []
    for entry in value:
        (opportunity,) = slugs([entry.get("opportunity", "")], "co_creation")
        if entry.get("mode") not in MODES:
            raise Unusable(HTTPStatus.UNPROCESSABLE_ENTITY, f"co_creation: choose a mode for '{opportunity}'")
        entries.append(((opportunity, str(entry["mode"])), text(entry, "note")))
    return tuple(pair for pair, _ in entries), tuple(note for _, note in entries)


def story_path(site: Site, title: str) -> Path:
    """Where a new story with this title goes: the slug its title makes, as `insole new` makes it."""
    slug = new_story_slug(title)
    if not slug:
        raise Unusable(HTTPStatus.UNPROCESSABLE_ENTITY, "give the story a title with letters or digits")
    return site.config.content_dir / STORIES / f"{slug}.md"


def checked(live: Live, draft: Draft) -> tuple[Path, str, list[Problem], bool]:
    """The new story's file, its text, what a build would say of it, and whether the site shows it.

    The text is read back as a build reads it, then checked against the stories there are.
    """
    site = current(live)
    unknown = sorted(set(draft.chosen.terms) - {g.key for g in site.config.vocabulary.groupings})
    if unknown:
        raise Unusable(HTTPStatus.BAD_REQUEST, f"the site has no grouping '{unknown[0]}'")
    path = story_path(site, draft.title)
    written = story_text(site.config, draft.title, draft.date, draft.chosen)
    source = Source(path, None, display_path(path), written.encode("utf-8"), ())
    story, found, _, _ = read_story(source, site.config, make_markdown(site.config.allow_html))
    problems = list(found)
    if story is None:
        return path, written, problems, False
    reads = site.reads.values()
    others = [other for other, _, _, _ in reads if other and other.source_path != source.shown]
    problems += [p for p in check_slugs([*others, story]) if p.path == source.shown]
    problems += check_related([story], {slug for _, _, slug, _ in reads})
    left_out = None if live.options.drafts else not_published(story, live.options.today or dt.date.today())
    return path, written, problems + ([left_out] if left_out else []), left_out is None


def current(live: Live) -> Site:
    """The last good build, which the form takes the vocabulary and stories from."""
    if live.site is None:
        raise Unusable(HTTPStatus.SERVICE_UNAVAILABLE, "the site has not been built yet")
    return live.site


def preview(live: Live, data: Mapping[str, Any]) -> dict[str, Any]:
    """The body as the site shows it, its personal data, and, once it has a title, its file and problems."""
    config = current(live).config
    body = render_markdown(make_markdown(config.allow_html), text(data, "body"))
    answer = {
        "html": body.html,
        "findings": findings(data, config.allow_domains),
        "path": "",
        "exists": False,
    }
    try:
        path, _, problems, shown = checked(live, draft_of(data))
    except Unusable as unusable:  # what is not there yet to check is said, but the rest is shown
        return answer | {"problems": [unusable.message], "shown": False}
    said = [str(problem) for problem in sorted(problems)]
    return answer | {"path": in_site(path, config), "exists": path.exists(), "problems": said, "shown": shown}


def findings(data: Mapping[str, Any], domains: tuple[str, ...]) -> list[dict[str, Any]]:
    """The personal data in each text of the form, at its line and column in that text."""
    found = []
    for key in SCANNED:
        for finding in scan(text(data, key)):
            if not allowed(finding, (), domains):
                place = {"field": key, "line": finding.line, "column": finding.column}
                said = {"length": len(finding.text), "label": finding.label, "text": masked(finding)}
                found.append(place | said)
    return found


def save(live: Live, data: Mapping[str, Any]) -> dict[str, Any]:
    """Write the new story's file, never over one, if a build would take it; where its page will be."""
    draft = draft_of(data)
    path, written, problems, shown = checked(live, draft)
    said = [str(problem) for problem in sorted(problems)]
    if os.path.lexists(path):  # said before the build's complaint that its slug is taken
        raise exists(path, current(live).config)
    if any(problem.is_error for problem in problems):
        raise Unusable(HTTPStatus.UNPROCESSABLE_ENTITY, "a build would refuse this story", said)
    content = current(live).config.content_dir.resolve()
    if not path.parent.resolve().is_relative_to(content):
        raise Unusable(HTTPStatus.FORBIDDEN, f"{display_path(path.parent)} leads outside the content folder")
    try:
        write_new(path, written)
    except FileExistsError:
        raise exists(path, current(live).config) from None
    except OSError as exc:
        message = f"cannot write {display_path(path)}: {exc.strerror or exc}"
        raise Unusable(HTTPStatus.INTERNAL_SERVER_ERROR, message) from None
    url = "/" + story_url(path.stem) if shown else ""
    return {"path": in_site(path, current(live).config), "url": url, "problems": said}


def exists(path: Path, config: SiteConfig) -> Unusable:
    """The refusal to write a story where there is a file already."""
    return Unusable(HTTPStatus.CONFLICT, f"{in_site(path, config)} already exists; choose another title")


def in_site(path: Path, config: SiteConfig) -> str:
    """A file of the site as its writer names it: from the site's folder."""
    return path.relative_to(config.root).as_posix()


def form_page(live: Live, token: str) -> bytes:
    """The form's page, made with the theme's template inside the site's own base template."""
    site = current(live)
    # Given what every page about the whole library is given, so a site's own base template works here too.
    page = Page("__insole/form/index.html", TEMPLATE, Shared(site.library).whole(**form_context(site, token)))
    try:
        return site.env.get_template(TEMPLATE).render(page.context, page=page, root="/").encode("utf-8")
    except Exception as exc:  # a site's own base template may ask for what the form's page is not given
        raise Unusable(
            HTTPStatus.INTERNAL_SERVER_ERROR, str(template_problem(exc, page, site.config))
        ) from None


def form_context(site: Site, token: str) -> dict[str, Any]:
    """What the form's template is given: the vocabulary to pick from, the stories, the addresses."""
    vocabulary = site.config.vocabulary
    needs = vocabulary.needs.values()
    kinds = [(kind, [term for term in needs if term.kind == kind]) for kind in ("achieve", "avoid", "")]
    stories = sorted((s.title.lower(), s.title, s.slug) for s in site.library.stories.values())
    return {
        "token": token,
        "today": dt.date.today().isoformat(),
        "needs": [(kind, terms) for kind, terms in kinds if terms],
        "lists": [("processes", vocabulary.record("processes").title("en"), vocabulary.processes)]
        + [(g.key, g.title("en"), vocabulary.grouping(g.key)) for g in vocabulary.extra],
        "sources": vocabulary.sources,
        "opportunities": vocabulary.co_creation,
        "modes": MODES,
        "stories": script_json([{"slug": slug, "title": title} for _, title, slug in stories]),
        "endpoints": script_json({"preview": PREVIEW, "save": SAVE, "header": TOKEN_HEADER, "modes": MODES}),
    }


def script_json(value: object) -> Markup:
    """JSON that can stand inside a <script> element: nothing in it can close the element."""
    return htmlsafe_json_dumps(value)
