"""Checks of a story's front-matter fields: keys, dates, terms, co-creation, slug, language."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .errors import Problem, did_you_mean, error, warning
from .groupings import BUILT_IN_KEYS
from .story import FILE_START, MODES, CoCreation, name_slug
from .vocabulary import SLUG, SLUG_LENGTH, STORY_KEYS, Term
from .yamldoc import Document, list_at, text_at

KEYS = STORY_KEYS
REQUIRED = ("title", "date", "needs", "processes")
LISTED = ("needs", "processes")
STATUSES = ("published", "draft")
CO_CREATION_KEYS = ("opportunity", "mode", "note")
# A date with a time as YAML writes one (2024-03-14 10:30, 2024-03-14T10:30:00+01:00): the time is ignored.
DATE_AND_TIME = re.compile(
    r"\d{4}-\d\d-\d\d(?:[Tt]|[ \t]+)(?P<hour>\d\d?):(?P<minute>\d\d)(?::(?P<second>\d\d)(?:\.\d*)?)?"
    r"(?:[ \t]*(?:Z|[+-]\d\d?(?::?\d\d)?))?"
)
# A BCP 47 tag: a language, then subtags of one to eight letters or digits (x-private, u-ca-...).
LANGUAGE_CODE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


def check_keys(doc: Document, problems: list[Problem], declared: tuple[str, ...] = ()) -> None:
    """Warn about keys a story does not have (but the groupings `declared`), suggesting the closest one."""
    known = KEYS + declared
    for key in doc.data:
        if key not in known:
            at = doc.key_spot(key)
            problems.append(
                warning(doc.path, at.line, at.column, f"unknown key '{key}'", did_you_mean(key, known))
            )


def check_required(doc: Document, problems: list[Problem]) -> None:
    """One error naming every required key that is missing, and one at each that is there but empty."""
    missing = [key for key in REQUIRED if key not in doc.data]
    if missing:
        names = ", ".join(missing)
        hint = "add " + ": ..., ".join(missing) + ": ... to the front matter"
        problems.append(error(doc.path, 1, 1, f"missing required {names}", hint))
    # A draft is not published, so it may leave its terms for later (`insole new` writes such drafts).
    draft = doc.data.get("status") == "draft"
    for key in REQUIRED:
        if draft and key in LISTED:
            continue
        if key in doc.data and (doc.data[key] in (None, [], {}) or _blank(doc.data[key])):
            at = doc.key_spot(key)
            hint = "list at least one term declared in site.yaml" if key in LISTED else "fill it in"
            problems.append(error(doc.path, at.line, at.column, f"required '{key}' is empty", hint))


def _blank(value: object) -> bool:
    """True for text with nothing but spaces in it."""
    return isinstance(value, str) and not value.strip()


def language_at(doc: Document, problems: list[Problem]) -> str:
    """The language the story is written in, as a language code like sv or da."""
    code = text_at(doc, ("language",), problems) or ""
    if code and not LANGUAGE_CODE.fullmatch(code):
        problems.append(
            doc.error(("language",), f"'{code}' is not a language code", "use a code such as en, sv or da")
        )
        return ""
    return code


def date_at(doc: Document, key: str, problems: list[Problem]) -> dt.date | None:
    """A date written as YYYY-MM-DD (a time after it is ignored)."""
    value = doc.data.get(key)
    if isinstance(value, bool | int | float):
        shown = doc.text((key,)) or str(value)
        problems.append(doc.error((key,), f"'{shown}' is not a date", "write a real date as YYYY-MM-DD"))
        return None
    text = text_at(doc, (key,), problems)
    if not text:
        return None
    timed = DATE_AND_TIME.fullmatch(text)
    try:
        if timed and not is_time(timed):
            raise ValueError(text)
        return dt.date.fromisoformat(text[:10] if timed else text)
    except ValueError:
        problems.append(doc.error((key,), f"'{text}' is not a date", "write a real date as YYYY-MM-DD"))
        return None


def is_time(timed: re.Match[str]) -> bool:
    """True when the time after a date is one a clock shows: 23:59:59 at the latest."""
    hour, minute, second = (int(part or 0) for part in timed.group("hour", "minute", "second"))
    return hour < 24 and minute < 60 and second < 60


def terms_at(doc: Document, key: str, declared: dict[str, Term], problems: list[Problem]) -> tuple[str, ...]:
    """The terms a story lists under `key`, each once, undeclared ones warned about."""
    terms = list_at(doc, (key,), problems)
    for index, term in enumerate(terms):
        check_term(doc, (key, index), term, declared, problems)
    return tuple(dict.fromkeys(terms))


def check_term(
    doc: Document,
    path: tuple[str | int, ...],
    term: str,
    declared: dict[str, Term],
    problems: list[Problem],
) -> None:
    """Warn when a term is not declared in site.yaml; a term that cannot be a slug is an error."""
    if term in declared:
        return
    at = doc.spot(*path) if doc.text(path) is not None else doc.spot(path[0])
    grouping = path[0] if path[0] != "source" else "sources"
    if not SLUG.fullmatch(term):  # its page would be at a path made of it
        hint = "a term is a slug: lowercase letters, digits and hyphens"
        problems.append(error(doc.path, at.line, at.column, f"'{term}' cannot be a term", hint))
        return
    where = grouping if grouping in BUILT_IN_KEYS else f"groupings: {grouping}: terms"
    hint = did_you_mean(term, declared) or f"declare it under '{where}' in site.yaml"
    problems.append(warning(doc.path, at.line, at.column, f"'{term}' is not declared in {grouping}", hint))


def co_creation_at(
    doc: Document, declared: dict[str, Term], problems: list[Problem]
) -> tuple[CoCreation, ...]:
    """The co-creation entries of a story."""
    entries = doc.data.get("co_creation") or []
    if not isinstance(entries, list):
        problems.append(doc.error(("co_creation",), "'co_creation' must be a list of entries"))
        return ()
    found = []
    for index, entry in enumerate(entries):
        path = ("co_creation", index)
        if isinstance(entry, str):
            problems.append(doc.error(path, "a co-creation entry needs 'opportunity' and 'mode'"))
            continue
        if not isinstance(entry, dict):
            problems.append(doc.error(path, "a co-creation entry must be a mapping"))
            continue
        for key in entry:
            if key not in CO_CREATION_KEYS:
                at = doc.key_spot(*path, key)
                problems.append(
                    warning(
                        doc.path,
                        at.line,
                        at.column,
                        f"unknown key '{key}'",
                        did_you_mean(key, CO_CREATION_KEYS),
                    )
                )
        opportunity = text_at(doc, (*path, "opportunity"), problems)
        mode = text_at(doc, (*path, "mode"), problems)
        if not opportunity:
            problems.append(doc.error(path, "co-creation entry without 'opportunity'"))
            continue
        check_term(doc, (*path, "opportunity"), opportunity, declared, problems)
        if mode not in MODES:
            shown = f"unknown mode '{mode}'" if mode else "co-creation entry without 'mode'"
            problems.append(
                doc.error((*path, "mode") if mode else path, shown, "use synchronous or asynchronous")
            )
            continue
        found.append(CoCreation(opportunity, mode, text_at(doc, (*path, "note"), problems) or ""))
    return tuple(found)


def story_slug(doc: Document, path: Path, problems: list[Problem]) -> str:
    """The story's slug: `slug:` if given, else from the file or folder name."""
    given = text_at(doc, ("slug",), problems)
    at = doc.spot("slug") if given is not None else FILE_START
    if given is not None and not SLUG.fullmatch(given):
        hint = "use lowercase letters, digits and hyphens"
        problems.append(doc.error(("slug",), f"'{given}' is not a valid slug", hint))
        return ""
    slug = given if given is not None else name_slug(path)
    if not slug:
        hint = "add 'slug:' to the front matter"
        problems.append(error(doc.path, 1, 1, "no slug can be made from the file name", hint))
    elif len(slug) > SLUG_LENGTH:
        message = f"the slug is {len(slug)} characters long; a folder name takes at most {SLUG_LENGTH}"
        problems.append(error(doc.path, at.line, at.column, message, "set a shorter 'slug:'"))
        return ""
    return slug


def claimed_slug(doc: Document, path: Path) -> str:
    """The slug a story that failed claims: its valid `slug:`, else its name's; '' when neither."""
    given = doc.data.get("slug") if isinstance(doc.data, dict) else None
    return given if isinstance(given, str) and SLUG.fullmatch(given) else name_slug(path)
