"""Checks of single settings in site.yaml: unknown keys, language, base_url, personal data, review, git."""

from __future__ import annotations

from urllib.parse import urlsplit

from .errors import Problem, did_you_mean, warning
from .groupings import BUILT_IN_KEYS
from .yamldoc import Document, list_at, text_at

LANGUAGES = ("en", "sv", "da")
SETTINGS = (
    "title",
    "description",
    "language",
    "base_url",
    "output",
    "allow_html",
    "personal_data",
    "review_after_months",
    "review_from",
    "git_history",
    "groupings",
)
PERSONAL_DATA_KEYS = ("allow_domains", "on_finding")
ON_FINDING = ("error", "warn")
REVIEW_FROM = ("date", "git")  # what a story's age counts from: its date, or its last change in git


def allow_domains_setting(doc: Document, problems: list[Problem]) -> tuple[str, ...]:
    """The e-mail domains `personal_data: {allow_domains: [...]}` allows, in lowercase."""
    settings = doc.data.get("personal_data")
    if settings is None:
        return ()
    if not isinstance(settings, dict):
        hint = "write personal_data: {allow_domains: [example.com]}"
        problems.append(doc.error(("personal_data",), "'personal_data' must be a mapping", hint))
        return ()
    for key in settings:
        if key not in PERSONAL_DATA_KEYS:
            at = doc.key_spot("personal_data", key)
            hint = did_you_mean(key, PERSONAL_DATA_KEYS)
            problems.append(
                warning(doc.path, at.line, at.column, f"unknown key '{key}' in personal_data", hint)
            )
    domains = list_at(doc, ("personal_data", "allow_domains"), problems)
    return tuple(domain.lower().lstrip("@") for domain in domains)


def base_url_setting(doc: Document, problems: list[Problem]) -> str:
    """Where the site is hosted: an http(s) address or a path from the host's root; '/' when unusable."""
    base_url = text_at(doc, ("base_url",), problems) or "/"
    if hosted_at(base_url):
        return base_url
    hint = "write an address such as https://stories.example.com/ or a path such as /stories/"
    problems.append(doc.error(("base_url",), "'base_url' must start with http://, https:// or /", hint))
    return "/"


def hosted_at(base_url: str) -> bool:
    """True for an http(s) address with a host, or a path from the host's root, with no space in it."""
    if not base_url.isprintable() or any(c.isspace() or c == "\\" for c in base_url):
        return False
    try:
        parts = urlsplit(base_url)
    except ValueError:  # a malformed host, such as an unclosed [
        return False
    if parts.scheme:
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    # Two slashes would name another host: browsers read //host/ as an address.
    return base_url.startswith("/") and not base_url.startswith("//")


def on_finding_setting(doc: Document, problems: list[Problem]) -> str:
    """What `personal_data: {on_finding: ...}` makes of a finding: 'error' (the default) or 'warn'."""
    settings = doc.data.get("personal_data")
    if not isinstance(settings, dict) or "on_finding" not in settings:
        return "error"
    value = settings["on_finding"]
    if value in ON_FINDING:
        return str(value)
    choices = " or ".join(f"'{choice}'" for choice in ON_FINDING)
    message = f"'on_finding' must be {choices}, not '{value}'"
    hint = "error stops the build at personal data in a story; warn publishes it with a warning"
    problems.append(doc.error(("personal_data", "on_finding"), message, hint))
    return "error"


def review_after_months_setting(doc: Document, problems: list[Problem]) -> int:
    """After how many months a story without review_by is due for review; 0 when never."""
    months = doc.data.get("review_after_months")
    if months is None:
        return 0
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        hint = "write a whole number of months, such as 24, or leave the setting out"
        problems.append(
            doc.error(("review_after_months",), "'review_after_months' must be a number of months", hint)
        )
        return 0
    return months


def review_from_setting(doc: Document, problems: list[Problem], months: int) -> str:
    """What a story's age for review counts from: 'date' (the default) or 'git', its last change."""
    value = doc.data.get("review_from", "date")
    if value not in REVIEW_FROM:
        hint = "date counts a story's age from its date; git from its last change in git"
        message = f"'review_from' must be 'date' or 'git', not '{value}'"
        problems.append(doc.error(("review_from",), message, hint))
        return "date"
    if value == "git" and not months:
        at = doc.spot("review_from")
        hint = "add review_after_months: 24, or leave review_from out"
        message = "'review_from: git' does nothing without review_after_months"
        problems.append(warning(doc.path, at.line, at.column, message, hint))
    return str(value)


def git_history_setting(doc: Document, problems: list[Problem]) -> bool:
    """Whether story pages show when they last changed in git, and who changed them."""
    value = doc.data.get("git_history", False)
    if not isinstance(value, bool):
        hint = "true shows each story's last change and the people who made it, from git"
        problems.append(doc.error(("git_history",), "'git_history' must be true or false", hint))
        return False
    return value


def check_settings(doc: Document, problems: list[Problem]) -> None:
    """Warn about settings site.yaml does not have, suggesting the closest one."""
    for key in doc.data:
        if key not in SETTINGS and key not in BUILT_IN_KEYS:
            at = doc.key_spot(key)
            hint = did_you_mean(key, SETTINGS + BUILT_IN_KEYS)
            problems.append(warning(doc.path, at.line, at.column, f"unknown setting '{key}'", hint))


def language_setting(doc: Document, problems: list[Problem]) -> str:
    """The interface language; English when it is missing or unknown (the latter an error)."""
    language = text_at(doc, ("language",), problems) or "en"
    if language in LANGUAGES:
        return language
    hint = "choose one of " + ", ".join(LANGUAGES)
    problems.append(doc.error(("language",), f"unknown language '{language}'", hint))
    return "en"
