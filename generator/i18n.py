"""The interface's words in each language, and dates as each language writes them."""

from __future__ import annotations

import datetime as dt

from .words_da import WORDS as DANISH
from .words_en import WORDS as ENGLISH
from .words_sv import WORDS as SWEDISH

MONTHS = {
    "en": "January February March April May June July August September October November December",
    "sv": "januari februari mars april maj juni juli augusti september oktober november december",
    "da": "januar februar marts april maj juni juli august september oktober november december",
}
DATE_FORMATS = {"en": "{day} {month} {year}", "sv": "{day} {month} {year}", "da": "{day}. {month} {year}"}

STRINGS: dict[str, dict[str, str]] = {"en": ENGLISH, "sv": SWEDISH, "da": DANISH}


def strings(language: str) -> dict[str, str]:
    """The interface's words in a language."""
    return STRINGS[language]


def format_date(day: dt.date, language: str) -> str:
    """A date as the language writes it in running text."""
    month = MONTHS[language].split()[day.month - 1]
    return DATE_FORMATS[language].format(day=day.day, month=month, year=day.year)


def count(language: str, n: int, noun: str) -> str:
    """`n` with the noun in singular or plural (all three languages: one, or other)."""
    return STRINGS[language][f"{noun}_{'one' if n == 1 else 'many'}"].format(n=n)
