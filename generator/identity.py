"""Nordic identity numbers: how each is written, and the check digits and dates that make one valid."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable

# Where a number begins and ends: not inside a word, a path, a decimal or a longer number.
START = r"(?<![\w+/.-])"
END = r"(?![\w/-]|[.,+]\d)"
FINNISH = re.compile(START + r"(\d{6})([-+ABCDEFUVWXY])(\d{3})([0-9A-Y])" + END)
SWEDISH_LONG = re.compile(START + r"((?:18|19|20)\d{6})[-+]?(\d{4})" + END)
SWEDISH = re.compile(START + r"(\d{6})([-+]?)(\d{4})" + END)
NORWEGIAN = re.compile(START + r"(\d{6}) ?(\d{5})" + END)
DANISH = re.compile(START + r"(\d{6})-(\d{4})" + END)
FINNISH_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
FINNISH_CENTURY = {"+": 1800, **dict.fromkeys("-UVWXY", 1900), **dict.fromkeys("ABCDEF", 2000)}


def luhn(digits: str) -> bool:
    """True when a string of digits passes the Luhn check."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        n = int(char) * (2 if index % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def is_date(year: int, month: int, day: int) -> bool:
    """True for a date that exists."""
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def any_century(yy: int, month: int, day: int) -> bool:
    """True when a two-digit year, month and day make a date in the 1900s or the 2000s."""
    return is_date(1900 + yy, month, day) or is_date(2000 + yy, month, day)


def swedish_kind(month: int, day: int, valid: Callable[[int, int], bool]) -> str:
    """personnummer or samordningsnummer (day plus 60), or '' when the date does not exist."""
    if valid(month, day):
        return "personnummer"
    if day > 60 and valid(month, day - 60):
        return "samordningsnummer"
    return ""


def swedish(m: re.Match[str]) -> str:
    """The kind of a Swedish number written YYMMDD-NNNC, or '' when it is none."""
    date, _, tail = m.groups()
    if not luhn(date + tail):
        return ""
    yy, month, day = int(date[:2]), int(date[2:4]), int(date[4:])
    return swedish_kind(month, day, lambda mm, dd: any_century(yy, mm, dd))


def swedish_long(m: re.Match[str]) -> str:
    """The kind of a Swedish number written YYYYMMDD-NNNC, or '' when it is none."""
    date, tail = m.groups()
    if not luhn(date[2:] + tail):
        return ""
    year, month, day = int(date[:4]), int(date[4:6]), int(date[6:])
    return swedish_kind(month, day, lambda mm, dd: is_date(year, mm, dd))


def danish_year(yy: int, seventh: int) -> int:
    """The full year of a CPR number from its two-digit year and the first digit after the dash."""
    if seventh <= 3:
        return 1900 + yy
    if seventh in (4, 9):
        return (2000 if yy <= 36 else 1900) + yy
    return (2000 if yy <= 57 else 1800) + yy


def danish(m: re.Match[str]) -> str:
    """'cpr' for DDMMYY-SSSS with a date that exists (CPR numbers have no check digit since 2007)."""
    date, tail = m.groups()
    year = danish_year(int(date[4:]), int(tail[0]))
    return "cpr" if is_date(year, int(date[2:4]), int(date[:2])) else ""


def norwegian_year(yy: int, individual: int) -> int | None:
    """The full year of a fødselsnummer from its two-digit year and individual number."""
    if individual < 500:
        return 1900 + yy
    if individual < 750 and yy >= 54:
        return 1800 + yy
    if yy <= 39:
        return 2000 + yy
    if individual >= 900:
        return 1900 + yy
    return None


def mod11(digits: str, weights: Iterable[int]) -> int | None:
    """The mod-11 check digit of digits with weights; None when no digit fits."""
    rest = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    check = (11 - rest) % 11
    return None if check == 10 else check


def norwegian(m: re.Match[str]) -> str:
    """'fodselsnummer' for DDMMYYIIIKK with both check digits right (D- and H-numbers too)."""
    digits = "".join(m.groups())
    first = mod11(digits[:9], (3, 7, 6, 1, 8, 9, 4, 5, 2))
    second = mod11(digits[:10], (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
    if first is None or second is None or (first, second) != (int(digits[9]), int(digits[10])):
        return ""
    day, month, yy = int(digits[:2]), int(digits[2:4]), int(digits[4:6])
    day, month = day - 40 if day > 40 else day, month - 40 if month > 40 else month
    year = norwegian_year(yy, int(digits[6:9]))
    return "fodselsnummer" if year and is_date(year, month, day) else ""


def finnish(m: re.Match[str]) -> str:
    """'henkilotunnus' for DDMMYYCZZZQ with the right check character and a date that exists."""
    date, century, individual, check = m.groups()
    if FINNISH_CHECK[int(date + individual) % 31] != check or individual in ("000", "001"):
        return ""
    year = FINNISH_CENTURY[century] + int(date[4:])
    return "henkilotunnus" if is_date(year, int(date[2:4]), int(date[:2])) else ""


# Each way of writing an identity number, and what kind a match of it is ('' for none); in order.
CHECKS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (FINNISH, finnish),
    (SWEDISH_LONG, swedish_long),
    (SWEDISH, swedish),
    (NORWEGIAN, norwegian),
    (DANISH, danish),
)
