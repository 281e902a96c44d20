"""Markdown's inline tokens checked: unsafe links left out, raw HTML and missing alt text warned about."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from markdown_it.token import Token

from .errors import Problem, warning

# Addresses a story may link to: the web, e-mail, the phone, and the site itself (no scheme).
# Any other scheme is left out: some run code or open local files (javascript:, file:), and
# others start programs the reader's computer has registered (ms-msdt:, search-ms:).
SAFE_SCHEMES = ("http", "https", "mailto", "tel")
SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
# What CommonMark reads as raw HTML: a tag, a comment, a processing instruction, CDATA, a
# declaration (`<!DOCTYPE html>`); each found by its opening alone when it goes on past the line.
RAW_TAG = re.compile(
    r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"
    r"|<!--(?:.*?-->)?"
    r"|<\?(?:.*?\?>|[A-Za-z][^\s<>]*)"
    r"|<!\[CDATA\[(?:.*?\]\]>)?"
    r"|<![A-Za-z][^<>]*>?"
)
INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


def is_unsafe(url: str) -> bool:
    """True for addresses with a scheme other than the web's, e-mail's and the phone's."""
    scheme = SCHEME.match(INVISIBLE.sub("", url))
    return scheme is not None and scheme.group(1).lower() not in SAFE_SCHEMES


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
class Where:
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


def check_inline(
    children: list[Token],
    where: Where,
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
            note_local(src, local)
        elif token.type == "text" and not allow_unsafe and not raw_seen:
            raw_seen = _report_raw_html(token.content, where, problems)
        kept.append(token)
    return kept


def _report_raw_html(text: str, where: Where, problems: list[Problem]) -> bool:
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


def _report_unsafe(url: str, where: Where, problems: list[Problem], kind: str) -> None:
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


def note_local(url: str, local: list[str]) -> None:
    """Remember a relative link to a file beside the story."""
    if url and not re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:|/|#", url):
        local.append(unquote(url))


def _text(content: str) -> Token:
    """A plain text token."""
    token = Token("text", "", 0)
    token.content = content
    return token
