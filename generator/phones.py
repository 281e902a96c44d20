"""Phone numbers: which runs of digits read as one rather than as a date, an amount or an id."""

from __future__ import annotations

import bisect
import re

from .identity import END, START

SEPARATORS = " \u00a0\u2009\u202f\u2011-"
SEPARATOR = f"[{SEPARATORS}]"
PHONE = re.compile(
    START + rf"(?:\+|00)?(?:\(\d{{1,4}}\){SEPARATOR}?)?\d(?:{SEPARATOR}?(?:\(\d{{1,4}}\)|\d))+" + END
)
GAP = re.compile(SEPARATOR + "+")
NON_DIGIT = re.compile(r"\D")
THIN_SPACE = re.compile("[\u00a0\u2009\u202f]")
HYPHEN = re.compile("[-\u2011]")
GROUP_GAP = re.compile("[ ()-]+")
FEWEST_PHONE_DIGITS = 8  # every kind of phone number that is_phone accepts has at least eight
LONGEST_PHONE = 25  # characters, separators included: "+46 (0)8 123 456 78" has 19
# Eight digits without a trunk 0, as Danes and Norwegians group them: 12 34 56 78, 912 34 567.
GROUPED = re.compile(r"[2-9]\d(?: \d\d){3}|[2-9]\d\d \d\d \d\d\d|[2-9]\d{3} \d{4}")
# North American numbers: (555) 123-4567, 555-123-4567.
NORTH_AMERICAN = re.compile(r"\(\d{3}\) ?\d{3}[- ]\d{4}|[2-9]\d\d-\d{3}-\d{4}")
# A national number is a trunk 0 and an area code of two to four digits, then at least five more
# digits: 08-123 45 67, 040 123 4567, (08) 123 45 67. "0 14 044353 0" (an ISBN), "02110-1301" (a US
# postcode) and "0800-1700" (opening hours) are not.
AREA_CODE = re.compile(r"\(?(0[1-9]\d{0,2})\)?")
# Digits with no separator are an id, a hash or a count more often than a phone number, unless they
# begin as a Swedish or Finnish mobile number does or follow a word for a phone.
MOBILE = re.compile(r"07[02369]\d{7}|04\d{6,8}|050\d{5,7}")
PHONE_WORD = re.compile(
    r"(?i)(?<![\w.@/-])(?:tel|tfn|tlf|telefon\w*|phone\w*|mobil\w*|mob|cell|fax|sms|ring\w*|call\w*|puh\w*"
    r"|nummer|number|nr|no)[.:]?\s*[.:]?\s*$"
)
# A word for an id or an amount before the digits makes them that, not a phone number: ISBN 0-14-044353-1,
# order no. 0123 456 789, SEK 12 34 56 78.
ID_WORDS = (
    *("isbn(?:-?1[03])?", "issn", "doi", "pmid", "arxiv", "patent", "commit", r"sha\d*", "hash", "id", "ref"),
    *(r"order\w*", r"beställning\w*", r"invoice\w*", r"faktura\w*", "serial", r"serie\w*", "s/n", r"art\.?"),
    *(r"artikel\w*", "sku", "ean", "gtin", "upc", "zip", "postcode", "postal code", "postnr", "postnummer"),
    *("reference", r"referens\w*", r"ärende\w*", "ticket", "kund(?:nummer|nr|-?id)", "customer (?:no|id)"),
    *("account", r"konto\w*", "bankgiro", "plusgiro", "iban", "ocr", "port", "pid", "uid", "gid", "tracking"),
    *(r"kolli\w*", r"org(?:\.|anisations)? ?nr", "organisationsnummer", "vat", r"moms\w*", "batch"),
    *("sek", "dkk", "nok", "eur", "usd", "kr"),
)
ID_WORD = re.compile(
    r"(?i)(?:(?<![\w.@/-])(?:"
    + "|".join(ID_WORDS)
    + r")|[$€£])[.:]?\s*(?:no|nr|number|nummer|num|n:o|#)?[.:#=]?\s*$"
)
PRICE_AFTER = re.compile(r"(?i)\s?(?:(?:kr|sek|dkk|nok|eur|usd|gbp|kronor|kroner|euro)(?!\w)|[€$£]|:-|,-)")
BEFORE = 40  # characters before a number in which a word for what it is is looked for
YEARS = re.compile(r"(?:19|20)\d\d (?:19|20)\d\d")
DATE_LIKE = re.compile(r"\d{1,4}[-./]\d{1,2}[-./]\d{1,4}")
IDENTITY_LIKE = re.compile(r"\d{6}[-+]\d{4}|\d{8}[-+]\d{4}|\d{6} \d{5}")

Match = tuple[int, int, str]  # start, end, kind
Span = tuple[int, int]  # start, end


def phones(text: str, runs: list[Span]) -> list[Match]:
    """The phone numbers in a text's number runs, international or written the Nordic way."""
    # The lookahead after a number reads up to two characters past the end of its run, and a
    # match with fewer characters than a phone number has digits cannot hold one.
    found = []
    for start, end in runs:
        last = start + len(text[start:end].rstrip(SEPARATORS + "(+"))
        for m in PHONE.finditer(text, start, end + 2):
            if m.end() - m.start() < FEWEST_PHONE_DIGITS or is_isbn(m.group()):
                continue
            before = text[max(text.rfind("\n", 0, start) + 1, start - BEFORE) : start]
            if ID_WORD.search(before):
                continue
            labelled = bool(PHONE_WORD.search(before))
            found += [
                (begin, stop, kind)
                for begin, stop, kind in phones_in(m.group(), m.start(), last - m.start(), labelled)
                if not PRICE_AFTER.match(text, stop)
            ]
    return found


def is_isbn(run: str) -> bool:
    """True for the 13 digits of an ISBN (978 or 979 and a right check digit), however grouped."""
    digits = NON_DIGIT.sub("", run)
    if len(digits) != 13 or digits[:3] not in ("978", "979"):
        return False
    return sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0


def phones_in(run: str, offset: int, last: int, labelled: bool = False) -> list[Match]:
    """The phone numbers in a run of digit groups: at each group, the longest that reads as one.

    A run can hold two numbers side by side, or a number and a digit after it ("5 times");
    `last` is where the digits of the run end, and `labelled` tells that a word for a phone
    comes before it.
    """
    gaps = list(GAP.finditer(run))
    # Inside a run a number begins after a space, not after a hyphen, which joins one number's parts.
    starts = [0] + [gap.end() for gap in gaps if not HYPHEN.search(gap.group())]
    ends = [gap.start() for gap in gaps] + [len(run)]
    found: list[Match] = []
    reached = 0
    for start in starts:
        if start < reached or (start and run[start] not in "+0"):  # inside a run, only +, 00 or 0 begin one
            continue
        near = ends[bisect.bisect_right(ends, start) : bisect.bisect_right(ends, start + LONGEST_PHONE)]
        fits = (
            end for end in reversed(near) if is_phone(run[start:end], start == 0 and end == last, labelled)
        )
        end = next(fits, None)
        if end is not None:
            found.append((offset + start, offset + end, "phone"))
            reached = end
    return found


def is_phone(text: str, alone: bool = True, labelled: bool = False) -> bool:
    """True for digits written like a phone number rather than a date, an amount or an id.

    Numbers without a trunk 0 or a country code count only when they are the whole run of
    digits (`alone`), not part of a longer list of numbers; digits with no separator only
    when they begin like a mobile number or a word for a phone is before them (`labelled`).
    """
    digits = NON_DIGIT.sub("", text)
    if len(digits) < FEWEST_PHONE_DIGITS:
        return False
    if text.startswith("+"):
        return 8 <= len(digits) <= 15 and digits[0] != "0"
    if text.startswith("00"):
        return 10 <= len(digits) <= 17 and digits[2] != "0"
    if IDENTITY_LIKE.fullmatch(text) or DATE_LIKE.fullmatch(text):
        return False
    plain = HYPHEN.sub("-", THIN_SPACE.sub(" ", text))
    if text.startswith(("0", "(0")):
        return 8 <= len(digits) <= 10 and is_national(plain, digits, labelled)
    if NORTH_AMERICAN.fullmatch(plain):
        return alone
    return alone and bool(GROUPED.fullmatch(plain)) and not YEARS.fullmatch(plain)


def is_national(text: str, digits: str, labelled: bool) -> bool:
    """True for a number written with a trunk 0: an area code, then at least five digits in groups."""
    if digits == text:
        return labelled or bool(MOBILE.fullmatch(digits))
    area = AREA_CODE.match(text)
    if area is None or text[area.end() : area.end() + 1] not in ("", " ", "-"):
        return False
    groups = [group for group in GROUP_GAP.split(text[area.end() :]) if group]
    return len(digits) - len(area.group(1)) >= 5 and all(len(group) >= 2 for group in groups)
