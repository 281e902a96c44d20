"""Quotes: the customer's own words, the blockquotes of a story's body, and which of them lists show."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .story import Story, shorten

# No pattern looks past a "<" for a tag's end, nor restarts inside a run of punctuation, so that
# raw HTML a site allows, full of "<", or a quote of a million dots, takes time in proportion.
QUOTE_TAG = re.compile(r"<(/?)blockquote\b[^<>]*>")
# Tags between which a quote's text is apart: paragraphs, list items, nested quotes, breaks, ...
BLOCK_TAG = re.compile(r"</?(?:address|blockquote|br|dd|div|dl|dt|h[1-6]|hr|li|ol|p|pre|t[dhr]|ul)\b[^<>]*>")
TAG = re.compile(r"<[^<>]*>")
SENTENCE_END = re.compile(r"(?<![.!?…])[.!?…]++[\"'”’»)\]]*+\s")
LONGEST = 280  # characters of a quote that a list shows whole
MOST_SENTENCES = 3  # sentences of a quote that a list shows whole
ON_TERM_PAGE = 3  # quotes a term's page shows


def quotes_in(body: str) -> tuple[str, ...]:
    """The text of each outermost blockquote in a body's HTML, as plain text; empty ones left out.

    Read from the HTML, which both Markdown engines make alike, so both find the same quotes.
    A quote inside a quote, and a list inside one, is part of the outer quote's text.
    """
    if "<blockquote" not in body:
        return ()
    found, depth, start = [], 0, 0
    for tag in QUOTE_TAG.finditer(body):
        if not tag.group(1):
            start = tag.end() if depth == 0 else start
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                found.append(body[start : tag.start()])
    if depth:  # raw HTML a site allows may leave one open
        found.append(body[start:])
    return tuple(text for inner in found if (text := plain(inner)))


def plain(inner: str) -> str:
    """HTML as one line of text: tags dropped, blocks apart by a space, entities read."""
    text = TAG.sub("", BLOCK_TAG.sub(" ", inner))
    return " ".join(html.unescape(text).split())


def shortened(text: str) -> str:
    """A quote as a list shows it: its first sentences, at most LONGEST characters, an ellipsis if cut."""
    # Sentences ending past LONGEST characters change nothing: the text is cut there anyway.
    ends = [found.end() for found in SENTENCE_END.finditer(text, 0, LONGEST + 2)]
    if len(ends) >= MOST_SENTENCES:
        text = text[: ends[MOST_SENTENCES - 1]].rstrip() + " …"
    return shorten(text, LONGEST)


@dataclass(frozen=True)
class Quote:
    """One quote, with the story it comes from."""

    story: Story
    text: str


def chosen(stories: list[Story], most: int = ON_TERM_PAGE) -> list[Quote]:
    """Up to `most` quotes of stories in library order (newest first), in that order.

    One a customer first, from the newest story of each; then the others, newest first. A story
    that names no customer counts as a customer of its own.
    """
    picked: dict[tuple[int, int], Quote] = {}  # by the story's place and the quote's
    customers: set[str] = set()
    for place, story in enumerate(stories):
        who = story.customer or "\0" + story.slug
        if len(picked) >= most:
            break
        if story.quotes and who not in customers:
            customers.add(who)
            picked[(place, 0)] = Quote(story, story.quotes[0])
    for place, story in enumerate(stories):
        if len(picked) >= most:
            break
        for index, text in enumerate(story.quotes):
            if len(picked) < most:
                picked.setdefault((place, index), Quote(story, text))
    return [picked[key] for key in sorted(picked)]
