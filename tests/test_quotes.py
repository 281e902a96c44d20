"""Quotes: a story's blockquotes, found alike by both Markdown engines, listed on /quotes/ and term pages."""

from __future__ import annotations

import datetime as dt
import json
import re
import time

import pytest
from conftest import story

from insole import fastmarkup
from insole.build import build
from insole.markup import Markdown, render_markdown, render_reference
from insole.options import Options
from insole.quotes import chosen, quotes_in, shortened
from insole.story import Story

FAST = Markdown()
REFERENCE = Markdown(fast=False)
needs_fast = pytest.mark.skipif(fastmarkup.FastMarkdownIt is None, reason="the fast extra is not installed")

# Markdown bodies and the quotes a reader sees in them.
BODIES = [
    ("No quote here.\n", ()),
    (
        'Before.\n\n> "I had everything except the eight small screws."\n\nAfter.\n',
        ('"I had everything except the eight small screws."',),
    ),
    ("> One.\n\nBetween.\n\n> Two,\n> on two lines.\n", ("One.", "Two, on two lines.")),
    (
        "> First paragraph.\n>\n> Second *paragraph* with `code` & <more>.\n",
        ("First paragraph. Second paragraph with code & <more>.",),
    ),
    (
        "> Outer.\n>\n> > Inner, quoted again.\n>\n> Outer again.\n",
        ("Outer. Inner, quoted again. Outer again.",),
    ),
    ("> What I need:\n>\n> - a screw\n> - a drawing\n", ("What I need: a screw a drawing",)),
    ("> # Heading in a quote\n> text\n", ("Heading in a quote text",)),
    (">\n\n> \n", ()),  # empty quotes are no quotes
    ("    > indented code, not a quote\n", ()),
    ("```\n> fenced, not a quote\n```\n", ()),
    ("- > a quote in a list item\n", ("a quote in a list item",)),
    ("> a [link](https://example.com/x) and ![a photo](p.png)\n", ("a link and",)),
    ("> line one  \n> line two\n", ("line one line two",)),
    ("> Tschüss, 'Grüße' &amp; \"Anführung\"\n", ("Tschüss, 'Grüße' & \"Anführung\"",)),
]


@pytest.mark.parametrize(("body", "expected"), BODIES)
def test_quotes_are_the_plain_text_of_each_outermost_blockquote(body, expected):
    assert quotes_in(render_reference(REFERENCE, body).html) == expected


@needs_fast
@pytest.mark.parametrize(("body", "expected"), BODIES)
def test_both_engines_find_the_same_quotes(body, expected):
    assert quotes_in(render_markdown(FAST, body).html) == expected
    assert quotes_in(render_markdown(REFERENCE, body).html) == expected


def test_raw_html_quotes_left_open_or_closed_twice_still_give_text():
    assert quotes_in("<blockquote><p>never closed") == ("never closed",)
    assert quotes_in("<p>a</p></blockquote><blockquote class=x>b</blockquote>") == ("b",)
    assert quotes_in("<p>&lt;blockquote&gt; in text</p>") == ()


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Short and whole.", "Short and whole."),
        ("One. Two! Three?", "One. Two! Three?"),
        ("One. Two! Three? Four.", "One. Two! Three? …"),
        ('"One." "Two." "Three." "Four."', '"One." "Two." "Three." …'),
        ("word " * 80, ("word " * 56).strip() + "…"),
    ],
)
def test_a_long_quote_is_shortened_with_an_ellipsis(text, shown):
    assert shortened(text) == shown
    assert len(shortened(text)) <= 281


def quoted(slug: str, day: int, customer: str, *quotes: str) -> Story:
    """A story with quotes, dated in March 2024."""
    return Story(slug, slug, dt.date(2024, 3, day), f"{slug}.md", (), (), customer=customer, quotes=quotes)


def test_a_term_page_prefers_different_customers_then_newer_stories():
    stories = [
        quoted("e", 9, "Families", "e1", "e2"),
        quoted("d", 8, "Families", "d1"),
        quoted("c", 7, "", "c1"),
        quoted("b", 6, "", "b1"),
        quoted("a", 5, "Students", "a1"),
    ]
    assert [q.text for q in chosen(stories)] == ["e1", "c1", "b1"]
    assert [q.text for q in chosen([stories[0], stories[1], stories[4]])] == ["e1", "e2", "a1"]
    assert [q.text for q in chosen(stories[:2])] == ["e1", "e2", "d1"]
    assert chosen([quoted("x", 1, "Families")]) == []


def test_the_same_library_gives_the_same_three_quotes_in_every_build(site, tmp_path):
    files = {
        f"content/stories/s{n}.md": story(
            f"Story {n}",
            date=f"2024-03-{10 + n}",
            extra=f"customer: Customer {'A' if n >= 4 else n}",
            body=f"> Quote {n}a.\n\n> Quote {n}b.\n",
        )
        for n in range(7)
    }
    root = site(files)
    pages = []
    for run in range(2):
        output = tmp_path / f"out{run}"
        build(Options(root=root, output=output, search=False, cache=False))
        pages.append((output / "needs/assemble-without-help/index.html").read_text(encoding="utf-8"))
    assert pages[0] == pages[1]
    shown = re.findall(r'<blockquote class="quote"><p>(.*?)</p>', pages[0])
    assert shown == ["Quote 6a.", "Quote 3a.", "Quote 2a."]  # newest of three customers
    assert (
        '<a href="../../quotes/?need=assemble-without-help">All 14 quotes from these stories</a>' in pages[0]
    )


def test_the_quotes_page_lists_every_quote_newest_first_with_its_story(site, tmp_path):
    long = "First. Second. Third. Fourth, which the list leaves out."
    root = site(
        {
            "content/stories/old.md": story(
                "Old story", date="2023-05-01", extra="customer: Students", body=f"> {long}\n"
            ),
            "content/stories/new.md": story(
                "New story",
                date="2024-06-01",
                needs="[second-trip]",
                processes="[support]",
                body='> It\'s "new" & <loud>.\n\nText.\n\n> And again.\n',
            ),
            "content/stories/none.md": story("No quotes", date="2025-01-01"),
        }
    )
    output = tmp_path / "out"
    build(Options(root=root, output=output, search=False, cache=False))
    page = (output / "quotes/index.html").read_text(encoding="utf-8")
    items = re.findall(r'<li class="quote-item">\s*<blockquote class="quote"><p>(.*?)</p>', page)
    assert items == ["It&#39;s &#34;new&#34; &amp; &lt;loud&gt;.", "And again.", "First. Second. Third. …"]
    # The filters find each story's quotes across the pages: in the stories' order of facets.json.
    index = json.loads((output / "stories/facets.json").read_text(encoding="utf-8"))
    quotes = json.loads((output / "quotes/quotes.json").read_text(encoding="utf-8"))["quotes"]
    assert [row[0] for row in index["stories"]] == ["none", "new", "old"]
    assert quotes == [[], ['It\'s "new" & <loud>.', "And again."], ["First. Second. Third. …"]]
    assert (
        '<a class="story-link" href="../stories/old/">Old story</a> · <span>Students</span> · <time datetime="2023-05-01">1 May 2023</time>'
        in page
    )
    assert (
        '<a class="term term-needs kind-avoid" href="../needs/second-trip/">A second trip to the store</a>'
        in page
    )
    assert "3 quotes." in page and 'data-shown="Showing {shown} of 3 quotes."' in page
    assert "No quotes" not in page
    story_page = (output / "stories/old/index.html").read_text(encoding="utf-8")
    assert f'<blockquote data-pagefind-weight="2">\n<p>{long}</p>' in story_page  # whole, weighed in search
    assert "<loc>/quotes/</loc>" in (output / "sitemap.xml").read_text(encoding="utf-8")


def test_a_library_without_quotes_says_so(site, tmp_path):
    root = site({"content/stories/a.md": story()})
    output = tmp_path / "out"
    build(Options(root=root, output=output, search=False, cache=False))
    assert "No quotes yet." in (output / "quotes/index.html").read_text(encoding="utf-8")
    assert 'id="quotes"' not in (output / "needs/assemble-without-help/index.html").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize(
    "html",
    [
        "<blockquote><p>" + "." * 1_000_000 + "</p></blockquote>",
        "<blockquote>" + "<" * 1_000_000,
        "<blockquote<blockquote" * 100_000,
        "<blockquote><p>" + '.")' * 300_000 + "</p></blockquote>",
    ],
)
def test_hostile_html_is_read_in_linear_time(html):
    started = time.process_time()
    for text in quotes_in(html):
        shortened(text)
    assert time.process_time() - started < 2


def test_a_long_list_of_quotes_goes_on_over_pages_with_links_between_them(site, tmp_path):
    from insole.pages import QUOTE_PAGE

    files = {
        f"content/stories/s{n:03}.md": story(
            f"Story {n}", date=f"2024-01-{1 + n % 28:02}", body=f"> Quote {n}.\n"
        )
        for n in range(QUOTE_PAGE + 1)
    }
    output = tmp_path / "out"
    build(Options(root=site(files), output=output, search=False, cache=False))
    first = (output / "quotes/index.html").read_text(encoding="utf-8")
    second = (output / "quotes/page/2/index.html").read_text(encoding="utf-8")
    assert first.count('<li class="quote-item">') == QUOTE_PAGE
    assert second.count('<li class="quote-item">') == 1
    assert 'href="../quotes/page/2/" rel="next"' in first and 'href="../../../quotes/" rel="prev"' in second
    assert f"{QUOTE_PAGE + 1} quotes." in second
    assert "<loc>/quotes/page/2/</loc>" in (output / "sitemap.xml").read_text(encoding="utf-8")
