"""markdown-it-pyrs, the compiled Markdown engine installed where it has a wheel, and the texts it may render.

It is given only texts whose HTML it is known to make byte for byte as markdown-it-py does,
and none deep or crowded enough to overflow its stack or take minutes.
"""

from __future__ import annotations

import re
import unicodedata

from markdown_it.presets import commonmark

from .sanitize import SAFE_SCHEMES

try:
    from markdown_it_pyrs import MarkdownIt as FastMarkdownIt
except ImportError:  # the "fast" extra is not installed
    FastMarkdownIt = None  # type: ignore[assignment,misc]

__all__ = ("NESTING_LIMIT", "FastMarkdownIt", "fast_can_render", "fast_engine", "shallow")

# Texts the faster engine is not given (see fast_can_render): a tag-like "<", a well-formed
# entity, an unsafe scheme, whitespace other than space, tab and newline, NUL.
TAG_START = re.compile(r"<\\?(?:/?[A-Za-z]|[!?])")  # a tag, comment, declaration, CDATA or instruction
ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
UNSAFE_SCHEMES = ("javascript", "vbscript", "data", "file")
# The scheme of a link's address: inline, an autolink, or a link reference definition.
NAME = r"([A-Za-z][A-Za-z0-9+.-]*):"
LINK_SCHEME = re.compile(rf"\]\(\s*<?{NAME}|<{NAME}|^ {{0,3}}\[[^\]]*\]:\s*<?{NAME}", re.MULTILINE)
ODD_CHARACTERS = "\x00\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000" + "".join(
    chr(code) for code in range(0x2000, 0x200B)
)
DELIMITERS = "*_~"
MIXED_DELIMITERS = ("*_", "_*", "*~", "~*", "_~", "~_")
HOST = re.compile(r"[^/?#\s]*")
SPACES_ONLY_CODE = re.compile(r"` +`")
BACKTICKS = re.compile(r"`+")
FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")  # a fence's marks, then its info string
LIST_MARKER = re.compile(r"(?:[-+*]|[0-9]{1,9}[.)])(?:[ \t]|$)")
EMPTY_ITEM = re.compile(r"[-+*]|[0-9]{1,9}[.)]")
# Markers that open a quote or a list item, after their indentation (see _block_depth).
CONTAINER = re.compile(r"([ \t]*)(?:>|(?:[-+*]|[0-9]{1,9}[.)])(?=[ \t]|$))")
BULLET_ITEM = re.compile(r" {0,3}[-+*][ \t]+\S")  # starts a list item even inside a paragraph
# markdown-it-pyrs 0.4 pairs emphasis delimiters in time growing with the square of their
# number, and nests strong emphasis on its stack: 100,000 delimiters take minutes or crash it.
MAX_FAST_DELIMITERS = 2000
# How deep markdown-it-py nests blocks and links; deeper, it stops and the engines differ.
NESTING_LIMIT: int = commonmark.make()["options"]["maxNesting"]
# A line that may open NESTING_LIMIT levels starts with a quarter as many container characters
# (a tab may indent by four columns, two levels of lists); only such lines are measured.
DEEP_LINE = re.compile(rf"\n[ \t>*+\-0-9.)]{{{NESTING_LIMIT // 4}}}")


def fast_engine() -> FastMarkdownIt:
    """markdown-it-pyrs with make_markdown's rules: CommonMark without raw HTML, tables, strikethrough."""
    return FastMarkdownIt("zero").enable_many(
        [
            *("blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph"),
            *("reference", "autolink", "backticks", "emphasis", "entity", "escape", "image", "link"),
            *("newline", "table", "strikethrough"),
        ]
    )


def fast_can_render(source: str) -> bool:
    """True when nothing in the text is known to come out differently from the two engines.

    Each reason to say no was found by the differential test, or is a text the reference
    path may warn about or change (raw HTML, unsafe links, decoded entities).
    """
    if "<" in source and TAG_START.search(source):
        return False
    # Footnotes and heading ids are markdown-it-py's plugins', which the other engine lacks.
    if "[^" in source or "{#" in source:
        return False
    if "&" in source and ENTITY.search(source):
        return False
    # markdown-it-py trims Unicode spaces where the other keeps them.
    if any(odd in source for odd in ODD_CHARACTERS):
        return False
    if "`" in source and not _plain_code_spans(source):
        return False
    # Left open at the end of a text without a newline, a fence ends differently.
    if not source.endswith("\n") and ("```" in source or "~~~" in source):
        return False
    # Runs of three tildes or more, and runs of two kinds of delimiter side by side, pair
    # differently around links; a link's label across lines finds its definition in one only.
    if "~~~" in source or "]:" in source or _mixed_delimiters(source):
        return False
    return (
        not _has_unsafe_scheme(source)
        and not _has_wide_host(source)
        and _plain_images(source)
        and _same_emphasis(source)
        and _same_blocks(source)
    )


def shallow(source: str) -> bool:
    """True when no quote, list or link in the text nests NESTING_LIMIT levels deep, and emphasis is short.

    markdown-it-pyrs 0.4 recurses for each level with no limit of its own, so a text of
    100,000 nested quotes or list markers overflows its stack and ends the process.
    """
    if sum(source.count(mark) for mark in DELIMITERS) > MAX_FAST_DELIMITERS:
        return False
    return _shallow_blocks(source) and _shallow_links(source)


def _shallow_blocks(source: str) -> bool:
    """True unless a line may open quotes and lists NESTING_LIMIT levels deep."""
    text = "\n" + source
    for found in DEEP_LINE.finditer(text):
        end = text.find("\n", found.end())
        if _block_depth(text[found.start() + 1 : end if end >= 0 else None]) >= NESTING_LIMIT:
            return False
    return True


def _block_depth(line: str) -> int:
    """At least markdown-it-py's nesting level for the quotes and lists a line opens, up to the limit.

    A quote is one level, a list two (the list and its item); a nested item's indentation
    holds at least two columns for each list around it.
    """
    depth = position = 0
    while depth < NESTING_LIMIT and (found := CONTAINER.match(line, position)):
        indent = len(found.group(1).expandtabs(4)) // 2 * 2
        depth += indent + (1 if line[found.end() - 1] == ">" else 2)
        position = found.end()
    return depth


def _shallow_links(source: str) -> bool:
    """True unless NESTING_LIMIT brackets open in one paragraph (a blank line or a bullet item ends it)."""
    if source.count("[") < NESTING_LIMIT:
        return True
    opened = 0
    for line in source.split("\n"):
        if not line.strip() or BULLET_ITEM.match(line):
            opened = 0
        opened += line.count("[")
        if opened >= NESTING_LIMIT:
            return False
    return True


def _mixed_delimiters(source: str) -> bool:
    """True if two kinds of emphasis delimiter stand side by side ("*_", "~*", ...)."""
    # Looking for one character is many times faster than for two, and most texts use one kind.
    kinds = sum(mark in source for mark in DELIMITERS)
    return kinds > 1 and any(pair in source for pair in MIXED_DELIMITERS)


def _plain_code_spans(source: str) -> bool:
    """False where a code span may run over two lines, or holds spaces alone, or a backtick is escaped.

    markdown-it-py keeps the indentation of a code span's next line, the other drops it, and
    trims a span of three spaces or more; markdown-it-pyrs 0.4 panics on a backtick left open
    in a link's text, such as "[a `b". So every run of backticks outside fenced code must be
    closed by a run of the same length on its own line.
    """
    if "\\`" in source or SPACES_ONLY_CODE.search(source):
        return False
    fence = ""
    for line in source.split("\n"):
        opened = FENCE.match(line)
        if fence:
            if opened and opened[1].startswith(fence) and not opened[2].strip():
                fence = ""
        elif opened and not (opened[1][0] == "`" and "`" in opened[2]):
            fence = opened[1]
        elif "`" in line and not _closed_runs(line):
            return False
    return True


def _closed_runs(line: str) -> bool:
    """True when each run of backticks in the line is closed by the next run of the same length."""
    runs = [len(run) for run in BACKTICKS.findall(line)]
    while runs:
        opening = runs.pop(0)
        if opening not in runs:
            return False
        del runs[: runs.index(opening) + 1]
    return True


def _plain_images(source: str) -> bool:
    """False when an image's alt text may hold a backslash, a hard break, a link or code.

    markdown-it-pyrs 0.4 leaves the first two out of the alt attribute, and pairs emphasis
    around a link there differently; markdown-it-py before 4.0 leaves code out of it.
    """
    image = source.find("![")
    if image >= 0 and (source.find("\\", image) >= 0 or source.find("  \n", image) >= 0):
        return False
    while image >= 0:
        close, inner = source.find("]", image + 2), source.find("[", image + 2)
        if inner >= 0 and (close < 0 or inner < close):
            return False
        if 0 <= source.find("`", image + 2) < close:
            return False
        image = source.find("![", image + 2)
    return True


def _has_unsafe_scheme(source: str) -> bool:
    """True if an unsafe scheme appears anywhere, or a link leads to a scheme not known to be safe.

    The engines drop such links differently.
    """
    for found in LINK_SCHEME.finditer(source):
        if next(group for group in found.groups() if group).lower() not in SAFE_SCHEMES:
            return True
    colon = source.find(":")
    while colon >= 0:
        if source[max(colon - 11, 0) : colon].lower().rstrip("\\").endswith(UNSAFE_SCHEMES):
            return True
        colon = source.find(":", colon + 1)
    return False


def _has_wide_host(source: str) -> bool:
    """True if a host name may hold letters outside ASCII: markdown-it-py writes it in
    punycode (xn--), the other percent-encodes it."""
    if source.isascii():
        return False
    for marker in ("//", ":"):
        at = source.find(marker)
        while at >= 0:
            if marker == "//" or source[max(at - 6, 0) : at].lower() == "mailto":
                host = HOST.match(source, at + len(marker))
                if host and not host.group().isascii():
                    return True
            at = source.find(marker, at + 1)
    return False


def _same_emphasis(source: str) -> bool:
    """False if a delimiter of emphasis stands beside a character outside ASCII that is not a
    letter or a digit: the engines class Unicode symbols differently there."""
    if source.isascii():
        return True
    for mark in DELIMITERS:
        at = source.find(mark)
        while at >= 0:
            for beside in source[max(at - 1, 0) : at] + source[at + 1 : at + 2]:
                if not beside.isascii() and unicodedata.category(beside)[0] not in "LN":
                    return False
            at = source.find(mark, at + 1)
    return True


def _same_blocks(source: str) -> bool:
    """True unless a line may start a table or an empty list item where the engines disagree.

    markdown-it-py wants a "|" in a table's header line; markdown-it-pyrs makes a table
    without one when the delimiter row has a "|" or a colon, and wants a "|" in the
    delimiter row. Inside quotes and lists, and where a table would interrupt a paragraph,
    they disagree too; and on whether an empty list item, or a list item right after a
    line, ends a quote's paragraph.
    """
    lines = source.split("\n")
    in_quote = False  # in a quote, or a line that may continue one's paragraph
    for number, line in enumerate(lines):
        rule = line.lstrip(" \t>")
        if len(rule) < 12 and EMPTY_ITEM.fullmatch(rule.rstrip(" \t")):
            return False
        flush = line.lstrip(" \t")
        if in_quote and not flush.startswith(">") and LIST_MARKER.match(flush):
            return False
        in_quote = flush.startswith(">") or (in_quote and bool(flush))
        if not number or not rule or rule.strip("|:- \t"):
            continue
        header = lines[number - 1]
        if "|" in rule and "|" in header:
            if not _table_on_its_own(lines, number):
                return False
        elif "|" in rule or ":" in rule or "|" in header:
            return False
    return True


def _table_on_its_own(lines: list[str], rule: int) -> bool:
    """True for a table whose two first lines start flush left after a blank line (or none)."""
    header = lines[rule - 1]
    above = lines[rule - 2] if rule >= 2 else ""
    flush = header[:1] not in " \t>" and lines[rule][:1] not in " \t>"
    return not above.strip() and flush and not LIST_MARKER.match(header)
