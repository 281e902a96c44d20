"""Markdown to HTML: the engine a site uses, and which of the two renders each text.

markdown-it-py, with raw HTML off and unsafe links refused unless allowed, is the reference.
Where markdown-it-pyrs is installed (by default, on the platforms it has a wheel for), it
renders the texts whose HTML it is known to make byte for byte as markdown-it-py does; every
other text goes the markdown-it-py way.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from .errors import Problem, error, warning
from .fastmarkup import FastMarkdownIt, fast_can_render, fast_engine, shallow
from .sanitize import Where, check_inline, note_local, plain_text

HEADING_TAG = re.compile(r"<(/?)h([1-6])>")
TAG = re.compile(r"<[^>]*>")
PARAGRAPH_OR_ITEM = re.compile(r"<p>|<li>")
IMAGE_TAG = re.compile(r'<img src="[^"]*" alt="([^"]*)"[^>]*>')
IMAGE = re.compile(r'<img src="([^"]*)" alt="([^"]*)"')
EMPTY_QUOTE = "<blockquote>\n</blockquote>"  # markdown-it-py writes it on one line
# markdown-it-py reads each "[" that a "]" follows, and each run of emphasis marks, in about 50 and
# 15 µs however short; so many take it a few seconds, and a story of 5 MB of them a minute or two.
MAX_OPENERS = 100_000
MAX_DELIMITER_RUNS = 300_000
OPENER = re.compile(r"\[")
DELIMITER_RUN = re.compile(r"[*_~]+")
# `## Method {#method}`: the heading's id, written after it. An id is a slug, as in a page's address.
HEADING_ID = re.compile(r"[ \t]*\{#([^{}]*)\}[ \t]*$")
ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
FOOTNOTE_ID = re.compile(r"fn(?:ref)?[0-9]+(?::[0-9]+)?")  # the footnotes' own ids: fn1, fnref1, fnref1:1
# The ids of the page around a story's body (templates/base.html, story.html, term.html, ...),
# and a few more a page may come to have, which a heading's id must not take.
PAGE_IDS = frozenset(
    {
        *("main", "title", "about", "filed", "related", "quotes", "findings", "footnotes"),
        *("backing", "modes", "stories", "contents", "results", "narrow", "filters", "search-words"),
    }
)
LAST_BRACKET = -1  # a key that is never a position: where an inline state's last "]" is
InlineRule = Callable[[StateInline, bool], bool]


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
        # Footnotes as pandoc writes them ([^1] and [^1]: ...); not inline ones (^[...]), which
        # would make ordinary text such as "x^[2]" a footnote.
        self.use(footnote_plugin, inline=False)
        rule = self.inline.ruler.__rules__[self.inline.ruler.__find__("footnote_ref")].fn
        self.inline.ruler.at("footnote_ref", footnote_only(rule))
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


def footnote_only(rule: InlineRule) -> InlineRule:
    """The footnote reference rule, tried only where "[^" starts: it reads its tables first, at every "["."""

    def rule_at_a_caret(state: StateInline, silent: bool) -> bool:
        return state.src.startswith("[^", state.pos) and rule(state, silent)

    return rule_at_a_caret


def make_markdown(allow_html: bool = False) -> Markdown:
    """The Markdown engine a site uses: CommonMark, tables, strikethrough."""
    return Markdown(allow_html)


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
    taken: set[str] = set(PAGE_IDS)
    for index, block in enumerate(tokens):
        if block.type in ("heading_open", "heading_close"):
            # The page's title is the only h1, so a story's own headings start at h2.
            block.tag = f"h{min(int(block.tag[1]) + 1, 6)}"
        if block.type != "inline" or not block.children:
            continue
        if not first and index > 0 and tokens[index - 1].type == "paragraph_open":
            first = plain_text(block.children)
        where = Where(lines, block.map or [0, 1], path, first_line, first_column)
        if index > 0 and tokens[index - 1].type == "heading_open":
            take_heading_id(tokens[index - 1], block.children, where, problems, taken)
        block.children = check_inline(block.children, where, problems, local, allow_unsafe)
    html = md.renderer.render(tokens, md.options, {})
    return Rendered(html, first, tuple(problems), tuple(local))


def take_heading_id(
    heading: Token, children: list[Token], where: Where, problems: list[Problem], taken: set[str]
) -> None:
    """Give a heading the id written after it as `{#id}`, if it is a slug no other id of the page has."""
    last = children[-1]
    found = HEADING_ID.search(last.content) if last.type == "text" else None
    if not found:
        return
    last.content = last.content[: found.start()]
    wanted = found.group(1)
    line, column = where.find(found.group().strip())
    if not ID.fullmatch(wanted):
        hint = "an id is a slug: lowercase letters, digits and hyphens, such as {#method}"
        message = f"heading id '{wanted}' is not a slug, so left out"
        problems.append(warning(where.path, line, column, message, hint))
        return
    if wanted in taken or FOOTNOTE_ID.fullmatch(wanted):
        message = f"heading id '{wanted}' is already an id of the page, so left out"
        problems.append(warning(where.path, line, column, message, "give each heading an id of its own"))
        return
    taken.add(wanted)
    heading.attrSet("id", wanted)


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
        note_local(_unescape(src), local)
    return tuple(local)


def _unescape(text: str) -> str:
    """Undo markdown-it-py's escaping of text and attributes."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


def _shift_heading(found: re.Match[str]) -> str:
    """A heading tag one level down, as the reference path shifts them."""
    return f"<{found.group(1)}h{min(int(found.group(2)) + 1, 6)}>"
