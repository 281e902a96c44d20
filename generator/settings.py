"""Checks of single settings in site.yaml: unknown keys, language, base_url, personal data, review."""

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
    "groupings",
)
PERSONAL_DATA_KEYS = ("allow_domains", "on_finding")
ON_FINDING = ("error", "warn")


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
