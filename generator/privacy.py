"""Personal data in text: e-mail addresses, phone numbers and Nordic identity numbers.

Identity numbers count only when their check digits (or, for Danish CPR numbers, their
dates) are valid, so order numbers and other digit strings rarely look like people.
"""

from __future__ import annotations

import bisect
import datetime as dt
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

KINDS = {
    "email": "e-mail address",
    "phone": "phone number",
    "personnummer": "Swedish personnummer",
    "samordningsnummer": "Swedish samordningsnummer",
    "cpr": "Danish CPR number",
    "fodselsnummer": "Norwegian fødselsnummer",
    "henkilotunnus": "Finnish henkilötunnus",
}
IDENTITY = ("personnummer", "samordningsnummer", "cpr", "fodselsnummer", "henkilotunnus")

# After a "/" it is part of a path or a link (ssh://git@host, a message id in a URL); before ":path"
# it is a remote such as git@github.com:owner/repo.
EMAIL = re.compile(r"(?<![\w.+/-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-]|:[\w~/])")
# Names of files such as logo@2x.png end like an address; these endings are no domains.
FILE_ENDINGS = {
    "png",
    "jpg",
    "jpeg",
    "gif",
    "svg",
    "webp",
    "avif",
    "pdf",
    "heic",
    "txt",
    "html",
    "htm",
    "json",
}
FILE_ENDINGS |= {
    "css",
    "js",
    "yml",
    "yaml",
    "toml",
    "xml",
    "csv",
    "ini",
    "cfg",
    "conf",
    "log",
    "lock",
    "header",
}
START = r"(?<![\w+/.-])"
END = r"(?![\w/-]|[.,+]\d)"
FINNISH = re.compile(START + r"(\d{6})([-+ABCDEFUVWXY])(\d{3})([0-9A-Y])" + END)
SWEDISH_LONG = re.compile(START + r"((?:18|19|20)\d{6})[-+]?(\d{4})" + END)
SWEDISH = re.compile(START + r"(\d{6})([-+]?)(\d{4})" + END)
NORWEGIAN = re.compile(START + r"(\d{6}) ?(\d{5})" + END)
DANISH = re.compile(START + r"(\d{6})-(\d{4})" + END)
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
# Identity and phone numbers begin with a digit, "+" or "(", and phone numbers hold nothing but
# digits, brackets, "+" and separators. Most text has few such runs, so the patterns above, slow
# because they are tried at every position, are tried only where such a run begins or lies.
# The first class is wider than [\d(+] and the lookbehind narrows it again: the engine skips
# faster over a class of plain ranges than over \d, and no character in U+0080-U+00FF (where
# Nordic letters are) is a digit.
NUMBER_RUN = re.compile(rf"[0-9(+\u0100-\U0010ffff](?<=[\d(+])[\d()+{SEPARATORS}]*")
IDENTITY_START = re.compile(START + r"\d{6}")
# What a reader sees differently from what is written: an entity, an escape (Markdown's \@ or
# YAML's \x40, a line continued with \), a %-encoded character in a link, an emphasis or code
# mark beside a digit, "@", "." or "+", an invisible or a full-width character, and "(at)" or
# "[dot]" written for "@" and ".". Each branch starts with a character of its own, so the engine
# skips quickly to where one can begin.
HIDDEN = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
    r"|\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|\n[ \t]*|[!-/:-@\[-`{-~])"
    r"|%[2-7][0-9a-fA-F]"
    r"|[*_~`](?<=[\d@.+][*_~`])[*_~`]*|[*_~`]+(?=[\d@.+])"
    r"|[\u00ad\u200b-\u200d\u2060\ufeff]+"
    r"|[\uff01-\uff5e]"
    r"|[(\[{<][ \t]*(?i:at|snabel-a|dot|punkt)[ \t]*[)\]}>][ \t]*"
)
ESCAPED_CODE = re.compile(r"\\[xuU]([0-9a-fA-F]+)")
FINNISH_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
FINNISH_CENTURY = {"+": 1800, **dict.fromkeys("-UVWXY", 1900), **dict.fromkeys("ABCDEF", 2000)}


@dataclass(frozen=True, order=True)
class Finding:
    """Something in a text that looks like personal data, at a 1-based line and column."""

    line: int
    column: int
    kind: str
    text: str

    @property
    def label(self) -> str:
        """What kind of personal data it is, in words."""
        return KINDS[self.kind]


Match = tuple[int, int, str]  # start, end, kind
Span = tuple[int, int]  # start, end


def scan(text: str) -> list[Finding]:
    """Every e-mail address, phone number and valid identity number in a text, in order.

    Also those a reader sees once entities, escapes and marks are read, at the place they start.
    """
    used = bytearray(len(text))
    taken = [(start, end, kind, text[start:end]) for start, end, kind in matches(text, used)]
    shown, marks = reveal(text)
    if marks:
        for start, end, kind in matches(shown, bytearray(len(shown))):
            at, until = source_offset(marks, start), source_offset(marks, end - 1) + 1
            if not any(used[at:until]):
                used[at:until] = b"\x01" * (until - at)
                taken.append((at, until, kind, shown[start:end]))
    starts = line_starts(text) if taken else []
    findings = []
    for start, _, kind, found in taken:
        line = bisect.bisect_right(starts, start)
        findings.append(Finding(line, start - starts[line - 1] + 1, kind, found))
    return sorted(findings)


def matches(text: str, used: bytearray) -> list[Match]:
    """The personal data written plainly in a text, each claimed in `used`."""
    runs = number_runs(text)
    return claim(emails(text), used) + claim(identities(text, runs), used) + claim(phones(text, runs), used)


Mark = tuple[int, int, int]  # offset in the text as read, offset in the text as written, length written


def reveal(text: str) -> tuple[str, list[Mark]]:
    """The text as a reader sees it, and where each part read differently was written; no marks if none."""
    pieces: list[str] = []
    marks: list[Mark] = []
    last = shown = 0
    for m in HIDDEN.finditer(text):
        read, start = read_as(m.group()), m.start()
        if read == m.group():
            continue
        while read in ("@", ".") and start > last and text[start - 1] in " \t":
            start -= 1  # "anna (at) example" is read without the spaces around "(at)"
        pieces.append(text[last:start])
        shown += start - last
        marks.append((shown, start, m.end() - start))
        pieces.append(read)
        shown += len(read)
        marks.append((shown, m.end(), 0))
        last = m.end()
    if not marks:
        return text, []
    pieces.append(text[last:])
    return "".join(pieces), [(0, 0, 0), *marks]


def read_as(written: str) -> str:
    """What a reader sees for a piece HIDDEN matched."""
    if written.startswith("&"):
        return html.unescape(written)
    if code := ESCAPED_CODE.fullmatch(written):
        number = int(code.group(1), 16)
        return chr(number) if number < 0x110000 else written
    if written.startswith("\\"):
        return written[1] if written[1] != "\n" else ""
    if written.startswith("%"):
        return chr(int(written[1:], 16))
    if "\uff01" <= written <= "\uff5e":
        return chr(ord(written) - 0xFEE0)
    if written[0] in "([{<":
        return "@" if written.rstrip(" \t")[1:-1].strip(" \t").lower() in ("at", "snabel-a") else "."
    return ""


def source_offset(marks: list[Mark], offset: int) -> int:
    """Where a character of the text as read was written: a piece read differently, at its start."""
    shown, written, length = marks[bisect.bisect_right(marks, (offset, len(marks) + 2**62, 0)) - 1]
    return written if length else written + offset - shown


def claim(found: list[Match], used: bytearray) -> list[Match]:
    """The matches that overlap no match claimed before, now claimed in `used` too."""
    kept = []
    for start, end, kind in found:
        if not any(used[start:end]):
            used[start:end] = b"\x01" * (end - start)
            kept.append((start, end, kind))
    return kept


def line_starts(text: str) -> list[int]:
    """The offset where each line of a text begins."""
    return [0] + [m.end() for m in re.finditer("\n", text)]


def number_runs(text: str) -> list[Span]:
    """Where each run of digits, brackets, "+" and separators begins (at a digit, "+" or "(") and ends."""
    return [m.span() for m in NUMBER_RUN.finditer(text)]


def emails(text: str) -> list[Match]:
    """The e-mail addresses in a text."""
    if "@" not in text:
        return []
    return [
        (m.start(), m.end(), "email")
        for m in EMAIL.finditer(text)
        if m.group().rsplit(".", 1)[1].lower() not in FILE_ENDINGS
    ]


def identities(text: str, runs: list[Span]) -> list[Match]:
    """The identity numbers in a text, within its number runs, whose check digits or dates are valid."""
    starts = [m.start() for start, end in runs for m in IDENTITY_START.finditer(text, start, end)]
    if not starts:
        return []
    found: list[Match] = []
    used = bytearray(len(text))
    checks: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
        (FINNISH, finnish),
        (SWEDISH_LONG, swedish_long),
        (SWEDISH, swedish),
        (NORWEGIAN, norwegian),
        (DANISH, danish),
    )
    for pattern, check in checks:
        valid = [(m.start(), m.end(), kind) for m in matches_at(pattern, text, starts) if (kind := check(m))]
        found += claim(valid, used)
    return found


def matches_at(pattern: re.Pattern[str], text: str, starts: list[int]) -> list[re.Match[str]]:
    """The matches `pattern.finditer(text)` gives when every match must begin at one of `starts`."""
    found = []
    reached = 0
    for start in starts:
        # A match with `pos` still sees the text before it, so lookbehinds work as in finditer.
        if start >= reached and (m := pattern.match(text, start)):
            found.append(m)
            reached = m.end()
    return found


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


def allowed(finding: Finding, allow: Iterable[str], domains: Iterable[str]) -> bool:
    """True when a story allows a finding, or site.yaml allows its e-mail domain."""
    shown = normalise(finding.text)
    if any(normalise(text) == shown for text in allow):
        return True
    if finding.kind != "email":
        return False
    domain = finding.text.rsplit("@", 1)[1].lower()
    return any(domain == d or domain.endswith("." + d) for d in (d.lower().lstrip("@") for d in domains))


def normalise(text: str) -> str:
    """A match as compared with an allowed one: case and separators do not matter."""
    return re.sub(r"[\s\u00a0\u2009\u202f\u2011()-]", "", text).casefold()


def masked(finding: Finding) -> str:
    """The finding as shown in a message: identity numbers with their last four characters hidden."""
    if finding.kind in IDENTITY:
        return finding.text[:-4] + "****"
    return finding.text
