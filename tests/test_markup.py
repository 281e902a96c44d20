"""Markdown to HTML: raw HTML off, unsafe addresses refused, images checked, first paragraph."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_inline import StateInline

from insole import markup
from insole.markup import PAGE_IDS, Markdown, Rendered, make_markdown, render_markdown
from insole.sanitize import is_unsafe

PATH = "content/stories/a.md"


def render(source: str, first_line: int = 7, **options: bool) -> Rendered:
    """A body rendered as if it started on `first_line` of a story file."""
    allow_html = options.pop("allow_html", False)
    return render_markdown(make_markdown(allow_html), source, PATH, first_line, **options)


def places(rendered: Rendered) -> list[tuple[int, int, str]]:
    """Each problem's line, column and message."""
    return [(p.line, p.column, p.message) for p in rendered.problems]


# --- HTML ---------------------------------------------------------------------------------


def test_commonmark_tables_and_strikethrough():
    html = render("Some **bold**.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~\n").html
    assert "<strong>bold</strong>" in html
    assert "<td>1</td>" in html
    assert "<s>gone</s>" in html


def test_raw_html_is_escaped():
    html = render("<div onclick=x>block</div>\n\nText <script>alert(1)</script> and <b>b</b>.\n").html
    assert "<div" not in html and "<script" not in html and "<b>" not in html
    assert "&lt;div onclick=x&gt;block&lt;/div&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_raw_html_passes_only_when_the_site_allows_it():
    assert "<b>b</b>" in render("Text <b>b</b>.\n", allow_html=True).html


@pytest.mark.parametrize(
    ("source", "column", "shown", "escaped"),
    [
        ("Text <!-- ask Maja --> more.\n", 6, "<!-- ask Maja -->", "&lt;!-- ask Maja --&gt;"),
        ("<!-- a note\nover lines -->\n", 1, "<!--", "&lt;!-- a note\nover lines --&gt;"),
        ("Run <?php echo 1; ?> here.\n", 5, "<?php echo 1; ?>", "&lt;?php echo 1; ?&gt;"),
        ("<!DOCTYPE html>\n", 1, "<!DOCTYPE html>", "&lt;!DOCTYPE html&gt;"),
        ("Data <![CDATA[ x ]]> end.\n", 6, "<![CDATA[ x ]]>", "&lt;![CDATA[ x ]]&gt;"),
    ],
)
@pytest.mark.parametrize("fast", [True, False])
def test_comments_instructions_cdata_and_declarations_are_raw_html(source, column, shown, escaped, fast):
    rendered = render_markdown(Markdown(fast=fast), source, PATH, 7)
    assert places(rendered) == [(7, column, f"raw HTML {shown} is shown as text, not as HTML")]
    assert escaped in rendered.html and "<!" not in rendered.html and "<?" not in rendered.html


def test_comments_pass_as_comments_when_the_site_allows_html():
    rendered = render("Text <!-- inline --> more.\n\n<!-- a block -->\n", allow_html=True)
    assert rendered.html == "<p>Text <!-- inline --> more.</p>\n<!-- a block -->\n"
    assert rendered.problems == ()


FOOTNOTES = "Seen twice.[^seen] Once more.[^seen]\n\n[^seen]: In the *team's* inbox.\n"


@pytest.mark.parametrize("fast", [True, False])
def test_footnotes_become_notes_at_the_end_linked_both_ways(fast):
    rendered = render_markdown(Markdown(fast=fast), FOOTNOTES, PATH, 7)
    assert rendered.html == (
        '<p>Seen twice.<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup>'
        ' Once more.<sup class="footnote-ref"><a href="#fn1" id="fnref1:1">[1:1]</a></sup></p>\n'
        '<hr class="footnotes-sep">\n<section class="footnotes">\n<ol class="footnotes-list">\n'
        '<li id="fn1" class="footnote-item"><p>In the <em>team\'s</em> inbox.'
        ' <a href="#fnref1" class="footnote-backref">\u21a9\ufe0e</a>'
        ' <a href="#fnref1:1" class="footnote-backref">\u21a9\ufe0e</a></p>\n</li>\n</ol>\n</section>\n'
    )
    assert rendered.first_paragraph == "Seen twice. Once more."
    assert rendered.problems == ()


def test_a_footnote_is_checked_like_the_rest_of_the_body():
    rendered = render("Text.[^1]\n\n[^1]: See [this](javascript:alert(1)) and <b>that</b>.\n")
    assert places(rendered) == [
        (9, 18, "link with a 'javascript:' address left out"),
        (9, 43, "raw HTML <b> is shown as text, not as HTML"),
    ]


@pytest.mark.parametrize("text", ["x^[2] is not a note.\n", "A [^missing] reference.\n"])
def test_inline_notes_and_notes_never_defined_stay_text(text):
    assert render(text).html == f"<p>{text.strip()}</p>\n"


@pytest.mark.parametrize("fast", [True, False])
def test_a_heading_takes_the_id_written_after_it(fast):
    rendered = render_markdown(Markdown(fast=fast), "## What we saw {#saw}\n\nText.\n", PATH, 7)
    assert rendered.html == '<h3 id="saw">What we saw</h3>\n<p>Text.</p>\n'
    assert rendered.problems == ()


def test_heading_ids_are_slugs_once_a_page_and_not_the_pages_own():
    source = (
        "## A {#method}\n\n## B {#method}\n\n## C {#Our Method}\n\n"
        '## D {#related}\n\n## E {#fn1}\n\n## F {#a"onclick="x}\n'
    )
    rendered = render(source)
    assert rendered.html == (
        '<h3 id="method">A</h3>\n<h3>B</h3>\n<h3>C</h3>\n<h3>D</h3>\n<h3>E</h3>\n<h3>F</h3>\n'
    )
    assert places(rendered) == [
        (9, 6, "heading id 'method' is already an id of the page, so left out"),
        (11, 6, "heading id 'Our Method' is not a slug, so left out"),
        (13, 6, "heading id 'related' is already an id of the page, so left out"),
        (15, 6, "heading id 'fn1' is already an id of the page, so left out"),
        (17, 6, "heading id 'a\"onclick=\"x' is not a slug, so left out"),
    ]


def test_the_ids_of_a_story_page_are_kept_from_headings():
    templates = Path(__file__).parent.parent / "templates"
    written = set()
    for name in ("base.html", "story.html", "header.html", "footer.html"):
        if (templates / name).is_file():
            written |= set(re.findall(r'\bid="([a-z0-9-]+)"', (templates / name).read_text(encoding="utf-8")))
    assert written <= PAGE_IDS, written - PAGE_IDS


@pytest.mark.parametrize("source", ["A `<!-- code -->` span.\n", "Is 3 <? 4, or <! at all?\n", "a <!- b\n"])
def test_text_that_only_looks_like_a_comment_is_not_warned_about(source):
    assert render(source).problems == ()


# --- unsafe addresses ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x01javascript:alert(1)",
        "jav\x00ascript:alert(1)",
        "vbscript:msgbox(1)",
        "VBScript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "file:///etc/passwd",
        "ms-msdt:/id PCWDiagnostic",
        "search-ms:query=x",
        "A:",
        "C:\\Users\\kim\\notes.txt",
    ],
)
def test_unsafe_addresses(url):
    assert is_unsafe(url)


@pytest.mark.parametrize(
    "url",
    ["https://example.org", "mailto:kim@example.org", "../other/", "#top", "photo.jpg", "notes/javascript:x"],
)
def test_safe_addresses(url):
    assert not is_unsafe(url)


@pytest.mark.parametrize(
    "link",
    [
        "[the manual](javascript:alert(1))",
        "[the manual](JavaScript:alert(1))",
        "[the manual](<javascript:alert(1)>)",
        "[the manual](&#106;avascript:alert(1))",
        "[the manual](vbscript:x)",
        "[the manual](data:text/html,x)",
        "<javascript:alert(1)>",
    ],
)
def test_unsafe_links_are_dropped_and_their_text_kept(link):
    rendered = render(f"See {link} first.\n")
    assert "<a" not in rendered.html
    assert "href" not in rendered.html
    assert len(rendered.problems) == 1
    problem = rendered.problems[0]
    assert problem.severity == "warning"
    assert "address left out" in problem.message
    assert problem.line == 7


def test_unsafe_link_names_line_and_column():
    rendered = render("Intro.\n\nSee [the manual](javascript:alert(1)) and\n[more](VBScript:x).\n")
    assert places(rendered) == [
        (9, 18, "link with a 'javascript:' address left out"),
        (10, 8, "link with a 'vbscript:' address left out"),
    ]
    assert "<p>See the manual and\nmore.</p>" in rendered.html


def test_unsafe_reference_link_points_at_its_definition():
    rendered = render("See [the manual][m].\n\n[m]: javascript:alert(1)\n")
    assert places(rendered) == [(9, 6, "link with a 'javascript:' address left out")]


def test_unsafe_image_keeps_its_alt_text():
    rendered = render("![A kitchen](javascript:alert(1))\n")
    assert "<img" not in rendered.html
    assert "A kitchen" in rendered.html
    assert places(rendered) == [(7, 14, "image with a 'javascript:' address left out")]


def test_unsafe_links_can_be_allowed():
    rendered = render("[x](javascript:void(0))\n", allow_unsafe=True)
    assert 'href="javascript:void(0)"' in rendered.html
    assert rendered.problems == ()


def test_safe_links_stay():
    html = render("[a](https://example.org) [b](../b/) [c](mailto:kim@example.org)\n").html
    assert '<a href="https://example.org">a</a>' in html
    assert '<a href="../b/">b</a>' in html
    assert '<a href="mailto:kim@example.org">c</a>' in html


def test_places_shift_by_the_first_column():
    rendered = render_markdown(make_markdown(), "See [x](javascript:x).", "site.yaml", 4, first_column=18)
    assert places(rendered) == [(4, 26, "link with a 'javascript:' address left out")]


# --- images -------------------------------------------------------------------------------


def test_image_without_alt_text_is_a_warning():
    rendered = render("Intro.\n\nLook: ![](kitchen.jpg)\n")
    assert places(rendered) == [(9, 11, "image 'kitchen.jpg' has no alt text")]
    assert rendered.problems[0].severity == "warning"
    assert '<img src="kitchen.jpg" alt="">' in rendered.html


def test_image_with_alt_text_is_fine():
    assert render("![The kitchen](kitchen.jpg)\n").problems == ()


def test_local_images_are_collected_decoded():
    source = "![a](a.jpg) ![b](<kök på bild.png>) ![c](https://x.org/c.png) ![d](/d.png) ![e](sub/e.jpg#x)\n"
    assert render(source).images == ("a.jpg", "kök på bild.png", "sub/e.jpg#x")


# --- the first paragraph ------------------------------------------------------------------


def test_first_paragraph_is_plain_text_after_headings():
    rendered = render("# Title\n\nThe *first* `paragraph`,\nover two lines.\n\nThe second.\n")
    assert rendered.first_paragraph == "The first paragraph, over two lines."


def test_first_paragraph_keeps_link_text_and_image_alt():
    rendered = render("See [the manual](https://x.org) and ![the box](box.jpg).\n")
    assert rendered.first_paragraph == "See the manual and the box."


def test_first_paragraph_of_a_body_without_paragraphs_is_empty():
    assert render("# Only a heading\n").first_paragraph == ""
    assert render("").first_paragraph == ""


def test_headings_move_down_one_level_below_the_page_title():
    from insole.markup import make_markdown, render_markdown

    html = render_markdown(make_markdown(), "# One\n\n## Two\n\n###### Six\n").html
    assert html == "<h2>One</h2>\n<h3>Two</h3>\n<h6>Six</h6>\n"


def test_html_output_is_not_xhtml():
    from insole.markup import make_markdown, render_markdown

    html = render_markdown(make_markdown(), "![A photo](p.png)\n\nline  \nbreak\n").html
    assert '<img src="p.png" alt="A photo">' in html and "<br>" in html and "/>" not in html


def texts_rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text either Markdown engine (the compiled one or markdown-it-py) is given from now on."""
    given: list[str] = []
    for name in ("render_fast", "render_reference"):
        engine = getattr(markup, name)

        def recorded(*args: Any, engine: Callable[..., Any] = engine) -> Any:
            given.append(args[1])  # each engine's function takes the engine, then the text
            return engine(*args)

        monkeypatch.setattr(markup, name, recorded)
    return given


def counting_steps(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the tokens markdown-it-py skips over, as it does scanning a link's text for its "]"."""
    steps = [0]
    skip = ParserInline.skipToken

    def counted(self: ParserInline, state: StateInline) -> None:
        steps[0] += 1
        skip(self, state)

    monkeypatch.setattr(ParserInline, "skipToken", counted)
    return steps


@pytest.mark.parametrize("opener", ["![", "[", "[a](b ", "![x"])
def test_a_story_of_unclosed_brackets_renders_as_text_in_a_step_a_bracket(opener, monkeypatch):
    source = opener * (400_000 // len(opener))
    steps = counting_steps(monkeypatch)
    rendered = render_markdown(make_markdown(), source)
    # markdown-it-py alone scans on from each "[" of "![![..." for its "]": about 80 tokens each.
    assert steps[0] <= source.count("[")
    assert rendered.html == f"<p>{source.rstrip()}</p>\n"


@pytest.mark.parametrize(
    ("source", "column", "what"),
    [
        ("Intro " + "![a" * 100_001 + "]", 6 + 300_002, "100000 '[' of links and images"),
        ("Intro " + "[" * 100_001 + "]", 6 + 100_001, "100000 '[' of links and images"),
        ("Intro " + "*a" * 300_001, 6 + 600_001, "300000 emphasis marks (*, _ or ~)"),
    ],
)
def test_a_text_crowded_with_brackets_or_emphasis_is_an_error_at_the_first_too_many(
    source, column, what, monkeypatch
):
    rendered = texts_rendered(monkeypatch)
    crowded = render_markdown(make_markdown(), "Some text\n" + source, "s.md", first_line=7)
    assert rendered == []  # no engine reads it: markdown-it-py alone takes 5 to 10 s on these
    assert [str(problem) for problem in crowded.problems] == [
        f"s.md:8:{column}: error: more than {what} in one text (split it into several stories)"
    ]
