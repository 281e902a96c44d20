"""Markdown to HTML: markdown-it-py, raw HTML off and unsafe links refused unless allowed.

With the "fast" extra installed, markdown-it-pyrs renders the texts whose HTML it is known
to make byte for byte as markdown-it-py does; every other text goes the markdown-it-py way.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.presets import commonmark
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from .errors import Problem, error, warning

try:
    from markdown_it_pyrs import MarkdownIt as FastMarkdownIt
except ImportError:  # the "fast" extra is not installed
    FastMarkdownIt = None  # type: ignore[assignment,misc]

UNSAFE_SCHEME = re.compile(r"(javascript|vbscript|data|file):", re.IGNORECASE)
RAW_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")

# Texts the faster engine is not given (see fast_can_render): a tag-like "<", a well-formed
# entity, an unsafe scheme, whitespace other than space, tab and newline, NUL.
TAG_START = re.compile(r"<\\?/?[A-Za-z]")
ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
UNSAFE_SCHEMES = ("javascript", "vbscript", "data", "file")
ODD_CHARACTERS = "\x00\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000" + "".join(
    chr(code) for code in range(0x2000, 0x200B)
)
DELIMITERS = "*_~"
MIXED_DELIMITERS = ("*_", "_*", "*~", "~*", "_~", "~_")
HOST = re.compile(r"[^/?#\s]*")
SPACES_ONLY_CODE = re.compile(r"` +`")
LIST_MARKER = re.compile(r"(?:[-+*]|[0-9]{1,9}[.)])(?:[ \t]|$)")
EMPTY_ITEM = re.compile(r"[-+*]|[0-9]{1,9}[.)]")
HEADING_TAG = re.compile(r"<(/?)h([1-6])>")
TAG = re.compile(r"<[^>]*>")
PARAGRAPH_OR_ITEM = re.compile(r"<p>|<li>")
IMAGE_TAG = re.compile(r'<img src="[^"]*" alt="([^"]*)"[^>]*>')
IMAGE = re.compile(r'<img src="([^"]*)" alt="([^"]*)"')
EMPTY_QUOTE = "<blockquote>\n</blockquote>"  # markdown-it-py writes it on one line
# Markers that open a quote or a list item, after their indentation (see _block_depth).
CONTAINER = re.compile(r"([ \t]*)(?:>|(?:[-+*]|[0-9]{1,9}[.)])(?=[ \t]|$))")
BULLET_ITEM = re.compile(r" {0,3}[-+*][ \t]+\S")  # starts a list item even inside a paragraph
# markdown-it-pyrs 0.4 pairs emphasis delimiters in time growing with the square of their
# number, and nests strong emphasis on its stack: 100,000 delimiters take minutes or crash it.
MAX_FAST_DELIMITERS = 2000
# markdown-it-py reads each "[" that a "]" follows, and each run of emphasis marks, in about 50 and
# 15 µs however short; so many take it a few seconds, and a story of 5 MB of them a minute or two.
MAX_OPENERS = 100_000
MAX_DELIMITER_RUNS = 300_000
OPENER = re.compile(r"\[")
DELIMITER_RUN = re.compile(r"[*_~]+")
LAST_BRACKET = -1  # a key that is never a position: where an inline state's last "]" is
InlineRule = Callable[[StateInline, bool], bool]
# How deep markdown-it-py nests blocks and links; deeper, it stops and the engines differ.
NESTING_LIMIT: int = commonmark.make()["options"]["maxNesting"]
# A line that may open NESTING_LIMIT levels starts with a quarter as many container characters
# (a tab may indent by four columns, two levels of lists); only such lines are measured.
DEEP_LINE = re.compile(rf"\n[ \t>*+\-0-9.)]{{{NESTING_LIMIT // 4}}}")


@dataclass(frozen=True)
class Rendered:
    """A Markdown text as HTML, with its first paragraph as plain text."""

    html: str
    first_paragraph: str
    problems: tuple[Problem, ...] = ()
    images: tuple[str, ...] = ()


class Markdown(MarkdownIt):
    """The Markdown engine a site uses: CommonMark, tables, strikethrough; `fast` beside it."""

    def __init__(self, allow_html: bool = False, fast: bool = True) -> None:
        super().__init__("commonmark", {"html": allow_html, "typographer": False, "xhtmlOut": False})
        self.enable(["table", "strikethrough"])
        for name in ("link", "image"):
            rule = self.inline.ruler.__rules__[self.inline.ruler.__find__(name)].fn
            self.inline.ruler.at(name, closed_only(rule))
        # The faster engine never sees raw HTML, so it is not used when a site allows it.
        usable = fast and not allow_html and FastMarkdownIt is not None
        self.fast = fast_engine() if usable else None

    def validateLink(self, url: str) -> bool:
        """Every link reaches the token walk below, which decides and says why."""
        return True


def closed_only(rule: InlineRule) -> InlineRule:
    """A link or image rule that gives up at once when no "]" follows, which it would need.

    Without it, markdown-it-py spends as long on each "[" of "![![![..." as on a line of prose.
    """

    def rule_with_a_bracket(state: StateInline, silent: bool) -> bool:
        last = state.cache.get(LAST_BRACKET)
        if last is None:
            last = state.cache[LAST_BRACKET] = state.src.rfind("]")
        return last > state.pos and rule(state, silent)

    return rule_with_a_bracket


def fast_engine() -> FastMarkdownIt:
    """markdown-it-pyrs with make_markdown's rules: CommonMark without raw HTML, tables, strikethrough."""
    return FastMarkdownIt("zero").enable_many(
        [
            *("blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph"),
            *("reference", "autolink", "backticks", "emphasis", "entity", "escape", "image", "link"),
            *("newline", "table", "strikethrough"),
        ]
    )


def make_markdown(allow_html: bool = False) -> Markdown:
    """The Markdown engine a site uses: CommonMark, tables, strikethrough."""
    return Markdown(allow_html)


def is_unsafe(url: str) -> bool:
    """True for links that run code or read local files when followed."""
    return bool(UNSAFE_SCHEME.match(INVISIBLE.sub("", url)))


def render_markdown(
    md: MarkdownIt,
    source: str,
    path: str = "",
    first_line: int = 1,
    allow_unsafe: bool = False,
    first_column: int = 1,
) -> Rendered:
    """Render Markdown; unsafe links are dropped (text kept) with a warning.

    `first_line` and `first_column` say where the source starts in its file, for messages.
    """
    if crowded := _too_crowded(source, path, first_line, first_column):
        return Rendered("", "", (crowded,))
    fast = md.fast if isinstance(md, Markdown) else None
    rendered = render_fast(fast, source) if fast is not None else None
    if rendered is not None:
        return rendered
    return render_reference(md, source, path, first_line, allow_unsafe, first_column)


def _too_crowded(source: str, path: str, first_line: int, first_column: int) -> Problem | None:
    """An error where a text has more link brackets or emphasis marks than can be read in seconds."""
    crowds = (
        (OPENER, source[: source.rfind("]") + 1], MAX_OPENERS, "'[' of links and images"),
        (DELIMITER_RUN, source, MAX_DELIMITER_RUNS, "emphasis marks (*, _ or ~)"),
    )
    for pattern, text, most, what in crowds:
        beyond = next(itertools.islice(pattern.finditer(text), most, None), None)
        if beyond:
            offset = beyond.start()
            line_start = source.rfind("\n", 0, offset) + 1
            line = first_line + source.count("\n", 0, offset)
            column = offset - line_start + 1 + (first_column - 1 if line == first_line else 0)
            message = f"more than {most} {what} in one text"
            return error(path, line, column, message, "split it into several stories")
    return None


def render_reference(
    md: MarkdownIt,
    source: str,
    path: str = "",
    first_line: int = 1,
    allow_unsafe: bool = False,
    first_column: int = 1,
) -> Rendered:
    """Render Markdown with markdown-it-py, whose output is the reference."""
    tokens = md.parse(source)
    lines = source.split("\n")
    problems: list[Problem] = []
    local: list[str] = []
    first = ""
    for index, block in enumerate(tokens):
        if block.type in ("heading_open", "heading_close"):
            # The page's title is the only h1, so a story's own headings start at h2.
            block.tag = f"h{min(int(block.tag[1]) + 1, 6)}"
        if block.type != "inline" or not block.children:
            continue
        if not first and index > 0 and tokens[index - 1].type == "paragraph_open":
            first = plain_text(block.children)
        where = _Where(lines, block.map or [0, 1], path, first_line, first_column)
        block.children = _check_inline(block.children, where, problems, local, allow_unsafe)
    html = md.renderer.render(tokens, md.options, {})
    return Rendered(html, first, tuple(problems), tuple(local))


def render_fast(engine: FastMarkdownIt, source: str) -> Rendered | None:
    """The faster engine's rendering, or None when the text must go the markdown-it-py way.

    Taken only for texts on which the reference path has nothing to warn about or drop,
    so there are no problems; the first paragraph and the images are read from the HTML.
    """
    if not fast_can_render(source) or not shallow(source):
        return None
    try:
        html = engine.render(source, xhtml=False)
    except BaseException as failed:  # a panic in its Rust code arrives as a BaseException
        if isinstance(failed, (KeyboardInterrupt, SystemExit)):
            raise
        return None
    if EMPTY_QUOTE in html:
        return None
    first = _first_paragraph(html, source)
    images = _images(html)
    if first is None or images is None:
        return None
    return Rendered(HEADING_TAG.sub(_shift_heading, html), first, (), images)


def fast_can_render(source: str) -> bool:
    """True when nothing in the text is known to come out differently from the two engines.

    Each reason to say no was found by the differential test, or is a text the reference
    path may warn about or change (raw HTML, unsafe links, decoded entities).
    """
    if "<" in source and TAG_START.search(source):
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
    """False for backticks on more than one line, after a "[", or around spaces alone.

    markdown-it-py keeps the indentation of a code span's next line, the other drops it;
    markdown-it-pyrs 0.4 panics on some code spans in a link's text, such as "[a `b", and
    trims a span of three spaces or more.
    """
    first, last = source.find("`"), source.rfind("`")
    bracket = source.find("[")
    return "\n" not in source[first:last] and not 0 <= bracket < last and not SPACES_ONLY_CODE.search(source)


def _plain_images(source: str) -> bool:
    """False when an image's alt text may hold a backslash, a hard break or a link.

    markdown-it-pyrs 0.4 leaves the first two out of the alt attribute, and pairs emphasis
    around a link there differently.
    """
    image = source.find("![")
    if image >= 0 and (source.find("\\", image) >= 0 or source.find("  \n", image) >= 0):
        return False
    while image >= 0:
        close, inner = source.find("]", image + 2), source.find("[", image + 2)
        if inner >= 0 and (close < 0 or inner < close):
            return False
        image = source.find("![", image + 2)
    return True


def _has_unsafe_scheme(source: str) -> bool:
    """True if an unsafe scheme appears anywhere; the engines drop such links differently."""
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


def _first_paragraph(html: str, source: str) -> str | None:
    """The first paragraph's plain text as the reference path finds it; None when unsure.

    A tight list's paragraphs leave no <p> in the HTML, so a list item first means unsure.
    """
    for found in PARAGRAPH_OR_ITEM.finditer(html):
        if found.group() == "<li>":
            return None
        inner = html[found.end() : html.index("</p>", found.end())]
        if "<img" in inner and source.count("![") != html.count("<img"):
            return None  # perhaps an image in another's alt text, which plain_text trims
        text = _plain(inner)
        if text:
            return text
    return ""


def _plain(inner: str) -> str:
    """A paragraph's HTML as plain_text reads its tokens: text, code, trimmed alt, a space a break."""
    text = TAG.sub("", IMAGE_TAG.sub(lambda image: image.group(1).replace("\n", " ").strip(), inner))
    return _unescape(text).replace("\n", " ").strip()


def _images(html: str) -> tuple[str, ...] | None:
    """The local images in the HTML, as the reference path notes them; None if one has no alt text."""
    local: list[str] = []
    for src, alt in IMAGE.findall(html):
        if not _unescape(alt).strip():
            return None
        _note_local(_unescape(src), local)
    return tuple(local)


def _unescape(text: str) -> str:
    """Undo markdown-it-py's escaping of text and attributes."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


def _shift_heading(found: re.Match[str]) -> str:
    """A heading tag one level down, as the reference path shifts them."""
    return f"<{found.group(1)}h{min(int(found.group(2)) + 1, 6)}>"


def plain_text(children: list[Token]) -> str:
    """The text of inline tokens without markup."""
    parts = []
    for token in children:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type == "image":
            parts.append(plain_text(token.children or []))
    return "".join(parts).strip()


@dataclass(frozen=True)
class _Where:
    """Finds the line and column of a URL inside one block of a story's body."""

    lines: list[str]
    span: list[int]
    path: str
    first_line: int
    first_column: int = 1

    def find(self, needle: str) -> tuple[int, int]:
        """The 1-based line and column in the file where `needle` first appears.

        Looks in the block first, then anywhere (a reference link's address is defined
        elsewhere), then ignoring case; else the block's first line.
        """
        start, end = self.span
        inside = range(start, min(end, len(self.lines)))
        everywhere = range(len(self.lines))
        for text in dict.fromkeys((needle, unquote(needle))):
            for numbers, fold in ((inside, False), (everywhere, False), (everywhere, True)):
                found = self._search(text, numbers, fold)
                if found:
                    return found
        return self._place(start, 1)

    def _search(self, needle: str, numbers: range, fold: bool) -> tuple[int, int] | None:
        """The first place of `needle` in some lines, ignoring case if `fold`."""
        for number in numbers:
            line = self.lines[number].lower() if fold else self.lines[number]
            column = line.find(needle.lower() if fold else needle)
            if column >= 0:
                return self._place(number, column + 1)
        return None

    def _place(self, number: int, column: int) -> tuple[int, int]:
        """A 0-based line of the source and a column in it, as a place in the file."""
        return self.first_line + number, column + self.first_column - 1


def _check_inline(
    children: list[Token],
    where: _Where,
    problems: list[Problem],
    local: list[str],
    allow_unsafe: bool,
) -> list[Token]:
    """Inline tokens with unsafe links removed; records problems and local links."""
    kept: list[Token] = []
    dropping = 0
    raw_seen = False
    for token in children:
        if token.type == "link_open":
            href = str(token.attrs.get("href", ""))
            if not allow_unsafe and is_unsafe(href):
                _report_unsafe(href, where, problems, "link")
                dropping += 1
                continue
        elif token.type == "link_close" and dropping:
            dropping -= 1
            continue
        elif token.type == "image":
            src = str(token.attrs.get("src", ""))
            alt = plain_text(token.children or [])
            if not allow_unsafe and is_unsafe(src):
                _report_unsafe(src, where, problems, "image")
                kept.append(_text(alt))
                continue
            if not alt:
                line, column = where.find(src)
                problems.append(
                    warning(
                        where.path,
                        line,
                        column,
                        f"image '{src}' has no alt text",
                        "describe the picture in the brackets: ![what it shows](...)",
                    )
                )
            _note_local(src, local)
        elif token.type == "text" and not allow_unsafe and not raw_seen:
            raw_seen = _report_raw_html(token.content, where, problems)
        kept.append(token)
    return kept


def _report_raw_html(text: str, where: _Where, problems: list[Problem]) -> bool:
    """Warn (once a block) that HTML written in the text is shown as text; True if it was."""
    found = RAW_TAG.search(text)
    if not found:
        return False
    line, column = where.find(found.group())
    problems.append(
        warning(
            where.path,
            line,
            column,
            f"raw HTML {found.group()} is shown as text, not as HTML",
            "write it in Markdown, or set allow_html: true in site.yaml",
        )
    )
    return True


def _report_unsafe(url: str, where: _Where, problems: list[Problem], kind: str) -> None:
    """Warn that an unsafe link was left out."""
    line, column = where.find(url.strip())
    scheme = INVISIBLE.sub("", url).split(":", 1)[0].lower()
    problems.append(
        warning(
            where.path,
            line,
            column,
            f"{kind} with a '{scheme}:' address left out",
            "such addresses can run code or open files on a reader's computer",
        )
    )


def _note_local(url: str, local: list[str]) -> None:
    """Remember a relative link to a file beside the story."""
    if url and not re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:|/|#", url):
        local.append(unquote(url))


def _text(content: str) -> Token:
    """A plain text token."""
    token = Token("text", "", 0)
    token.content = content
    return token
