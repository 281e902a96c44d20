"""Personal data in text: e-mail addresses, phone numbers and Nordic identity numbers; the allow rules.

Identity numbers count only when their check digits (or, for Danish CPR numbers, their
dates) are valid (see identity), so order numbers and other digit strings rarely look like
people; which digits read as a phone number is phones' to say.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .identity import CHECKS, START
from .phones import SEPARATORS, Match, Span, phones

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
# Every match of HIDDEN begins with one of these; finding them first skips the plain text fast.
HIDDEN_START = re.compile("[&\\\\%*_~`\u00ad\u200b-\u200d\u2060\ufeff\uff01-\uff5e(\\[{<]")
ESCAPED_CODE = re.compile(r"\\[xuU]([0-9a-fA-F]+)")


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
    for m in hidden(text):
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


def hidden(text: str) -> Iterator[re.Match[str]]:
    """The matches `HIDDEN.finditer(text)` gives, tried only where one can begin."""
    at = 0
    while found := HIDDEN_START.search(text, at):
        # A match with `pos` still sees the text before it, so the lookbehind works as in finditer.
        m = HIDDEN.match(text, found.start())
        if m:
            yield m
        at = m.end() if m else found.start() + 1


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
    for pattern, check in CHECKS:
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
