"""The faster Markdown engine (the "fast" extra) gives what markdown-it-py gives, or is not used.

Each text is rendered twice, once as a site renders it and once by the reference path
alone, and all four fields of the result must be equal.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_site, story

from insole import fastmarkup, markup
from insole.frontmatter import split
from insole.markup import Markdown, make_markdown, render_fast, render_markdown, render_reference

ROOT = Path(__file__).resolve().parent.parent
# CommonMark's examples (CC-BY-SA 4.0); no installed package ships them.
SPEC = json.loads((Path(__file__).parent / "commonmark" / "spec.json").read_text(encoding="utf-8"))[
    "examples"
]
FAST = Markdown()
REFERENCE = Markdown(fast=False)
# Without the "fast" extra (on Python 3.13, which it has no wheel for) only the tests that
# render with markdown-it-py alone run.
needs_fast = pytest.mark.skipif(fastmarkup.FastMarkdownIt is None, reason="the fast extra is not installed")

# Texts on which the two engines once differed or markdown-it-pyrs 0.4 panicked; each must
# now go the reference way or come out the same.
FOUND = [
    "[`",
    "[a `b c](x)",
    "`a` [b`",
    "Table\n:---|\n",
    "a\n:---\nx\n",
    "a|\n---\n",
    "a \\| b\n---\n",
    "> a\n> ---|\n",
    "> a | b\n| - | - |\n",
    "+ |   |\n   --- | --- \n  | **\n",
    "para\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    "\xa0*x*\xa0 *x*\u3000 「*x*」",
    "*$*alpha.\n\n*£*bravo.\n\n*€*charlie.\n",
    ">\n",
    "[foo]\n\n> [foo]: /url\n",
    "[a](http://ö.se/p) and <http://ö.se>",
    "[a](mailto:å@ö.se)",
    "x1 ! ![alt](p.png) ![+ \n](q.png) ~",
    "![a ![ b ](x.png) c](y.png)\n\nnext",
    "![\\| + ](x.png)",
    "![\\ €](a_b.png)",
    "![a  \nb](x.png)",
    "![**[a](p) b* c](x.png)",
    "`   ` and `     `",
    "   `\n  ` Ω",
    "```py\n[ Löst \\\n\n#### x",
    "~~~\ncode",
    "> a\n1)\n",
    "> a   \n1)\n",
    "> a\n2) b\n",
    "> a\n-\n",
    "~~@~~~~)\n",
    "~~a~~~~b",
    "__x [a](b)* x__*y*",
    "**x [a](b)_ x**_y_",
    "[a\nb](\n\n[a b]:g",
    "![a\nb](a b.png)\n\n[a b]: c.png\n",
    "foo&#10;&#10;bar",
    "See [x](java\\script:x) and [y](&#106;avascript:y) and [z](JaVaScRiPt\\:z).",
    "![](data:image/png;base64,xyz)",
    "A <b>bold</b> claim, \\<i>escaped\\</i>, &lt;span&gt; decoded.",
    "text\r\nwith CRLF\r\n",
    "nul \x00 here",
    "- a\n- b\n\nThen a paragraph.",
    "- a\n\n  b\n",
    "![Only a picture](p.png)\n\nThen the text.",
    "![](p.png)\n\nNo alt text above.",
    "# One\n\n## Two\n\n###### Six\n",
    "| a | b |\n|---|:-:|\n| 1 | 2 |\n| 3 |\n| 4 | 5 | 6 |\n",
    "line  \nbreak\\\nagain",
    "**_bold italic_** and *~x~*",
]

# Pieces for deterministic random texts: the constructs above, mixed.
WORDS = [
    *("a", "foo", "Löst", "ÅÄÖ", "ß", "ẞ", "日本", "2", "*", "**", "_", "__", "~", "~~", "`", "\\"),
    *("\\*", "\\|", "|", ":", "-", "(", ")", "[", "]", "!", "#", ">", '"', "&", "R&D", "£", "€", "«"),
    *("—", "😀", "Σ", "ς", "İ", "K", " ", "\t", "\\\n", "  \n", "\n", "\n\n", "http://x.y", "a@b.c"),
]
URLS = [
    *("x.png", "a b.png", "<a b.png>", "ö.png", "/abs.png", "#frag", "http://ex.com/ö?q=1&r=2"),
    *("http://ö.se/p", "mailto:a@b.c", "a%20b.png", "(paren)", "a\\)b", "", "dir/f.jpg", "../up.png"),
    *('x.png "title"', "x.png (t)", "HTTP://X.Y", "a\\_b.png", "ｆｕｌｌ.png", "a]b.png", 'x.png\n"t"'),
]
MARKERS = ["*", "**", "_", "__", "~~", "~"]


def inline(rng: random.Random, count: int = 0) -> str:
    """A few inline pieces: words, emphasis, links, images, code spans, references."""
    parts = []
    for _ in range(count or rng.randint(1, 8)):
        kind = rng.random()
        if kind < 0.45:
            parts.append(rng.choice(WORDS))
        elif kind < 0.55:
            parts.append(rng.choice(MARKERS) + inline(rng, 2) + rng.choice(MARKERS))
        elif kind < 0.63:
            parts.append(f"[{inline(rng, 2)}]({rng.choice(URLS)})")
        elif kind < 0.70:
            alt = rng.choice(["", "alt", inline(rng, 2), "`c`", " ", "a\nb"])
            parts.append(f"![{alt}]({rng.choice(URLS)})")
        elif kind < 0.76:
            parts.append(f"`{inline(rng, 2)}`")
        elif kind < 0.82:
            parts.append(
                f"[{rng.choice(['ref', 'REF', 'ẞ', 'ss', 'Σ', 'ς', 'a  b'])}]{rng.choice(['', '[]', '[ref]'])}"
            )
        else:
            parts.append(rng.choice([" ", "", "  ", "\n"]))
    return " ".join(parts)


def block(rng: random.Random, depth: int = 0) -> str:
    """One block: a paragraph, heading, table, list, quote, code, rule or definition."""
    kind = rng.random()
    if kind < 0.25:
        return inline(rng)
    if kind < 0.32:
        return "#" * rng.randint(1, 7) + " " + inline(rng, 3)
    if kind < 0.36:
        return inline(rng, 3) + "\n" + rng.choice(["===", "---", ":---", "|---|", "--|--"])
    if kind < 0.48:
        cells = [inline(rng, 1).replace("\n", " ") for _ in range(rng.randint(1, 3))]
        head = rng.choice(["| ", "", "|"]) + " | ".join(cells) + rng.choice([" |", "", "|"])
        rule = "|".join(rng.choice(["---", ":--", "--:", ":-:", "-", ""]) for _ in range(rng.randint(1, 3)))
        rows = [" | ".join(inline(rng, 1).replace("\n", " ") for _ in range(rng.randint(0, 4)))]
        return "\n".join([head, rng.choice(["|", ""]) + rule + rng.choice(["|", ""]), *rows])
    if kind < 0.58 and depth < 3:
        marker = rng.choice(["- ", "* ", "1. ", "2) ", "+ "])
        items = [marker + block(rng, depth + 1).replace("\n", "\n" + " " * len(marker)) for _ in range(3)]
        return rng.choice(["\n", "\n\n"]).join(items[: rng.randint(1, 3)])
    if kind < 0.66 and depth < 3:
        return "\n".join(rng.choice(["> ", ">", ""]) + line for line in block(rng, depth + 1).split("\n"))
    if kind < 0.71:
        return (
            rng.choice(["```", "~~~", "```py"]) + "\n" + inline(rng) + "\n" + rng.choice(["```", "~~~", ""])
        )
    if kind < 0.74:
        return "    " + inline(rng, 3)
    if kind < 0.78:
        return rng.choice(["***", "---", "___", "* * *"])
    if kind < 0.86:
        return f"[{rng.choice(['ref', 'Ref', 'ẞ', 'SS', 'Σ', 'a b'])}]: {rng.choice(URLS)}"
    return inline(rng)


def generated(seed: int) -> str:
    """A random text made of the pieces above, the same for the same seed."""
    rng = random.Random(seed)
    return rng.choice(["\n\n", "\n"]).join(block(rng) for _ in range(rng.randint(1, 6))) + rng.choice(
        ["", "\n"]
    )


def synthetic_bodies(count: int) -> list[str]:
    """The story bodies of a synthetic library (benchmarks/synth.py)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import synth
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return [story.body for story in synth.make_library(count).stories]


def library_bodies() -> list[str]:
    """The body of every story in the example library."""
    bodies = []
    for path in sorted((ROOT / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---"):
            bodies.append(split(text, str(path)).body)
    return bodies


SYNTHETIC = synthetic_bodies(300)


def assert_same(source: str, allow_unsafe: bool = False) -> None:
    """Both paths give the same HTML, first paragraph, problems and images."""
    fast = render_markdown(FAST, source, "s.md", 7, allow_unsafe, first_column=3)
    reference = render_reference(REFERENCE, source, "s.md", 7, allow_unsafe, first_column=3)
    assert fast == reference, source


@needs_fast
@pytest.mark.parametrize("example", SPEC, ids=lambda example: str(example["example"]))
def test_every_commonmark_example_comes_out_the_same(example):
    assert_same(example["markdown"])
    assert_same(example["markdown"], allow_unsafe=True)


@needs_fast
def test_every_story_in_the_example_library_comes_out_the_same():
    bodies = library_bodies()
    assert len(bodies) >= 10
    for body in bodies:
        assert_same(body)


@needs_fast
def test_synthetic_stories_come_out_the_same_and_all_take_the_fast_path():
    for body in SYNTHETIC:
        assert_same(body)
        assert render_fast(FAST.fast, body) is not None, body


@needs_fast
@pytest.mark.parametrize("source", FOUND)
def test_texts_where_the_engines_once_differed_come_out_the_same(source):
    assert_same(source)


@needs_fast
@pytest.mark.parametrize("first", range(0, 1500, 250))
def test_random_texts_come_out_the_same(first):
    for seed in range(first, first + 250):
        assert_same(generated(seed))


@needs_fast
def test_an_ordinary_story_takes_the_fast_path(monkeypatch):
    body = SYNTHETIC[0]
    expected = render_reference(REFERENCE, body, "s.md", 7)

    def refuse(*args, **kwargs):
        raise AssertionError("the markdown-it-py path ran")

    monkeypatch.setattr(markup, "render_reference", refuse)
    assert render_markdown(make_markdown(), body, "s.md", 7) == expected


@needs_fast
def test_an_unsafe_link_still_warns_at_its_place():
    source = "A first paragraph.\n\nSee [the form](javascript:alert(1)) now.\n"
    rendered = render_markdown(make_markdown(), source, "s.md", 10)
    assert rendered.html == "<p>A first paragraph.</p>\n<p>See the form now.</p>\n"
    [problem] = rendered.problems
    assert (problem.line, problem.column) == (12, 16)
    assert "'javascript:'" in problem.message
    assert rendered == render_reference(REFERENCE, source, "s.md", 10)


@needs_fast
def test_a_site_that_allows_html_never_uses_the_faster_engine():
    assert make_markdown(allow_html=True).fast is None
    assert make_markdown().fast is not None


# Nesting of every kind, as deep as a story file allows; markdown-it-pyrs 0.4 once crashed on
# the first ones (exit -11) and took minutes on emphasis, so each is rendered in a process of its own.
DEEP = {
    "quotes": "'> ' * n + 'x'",
    "quotes without spaces": "'>' * n + 'x'",
    "list markers": "'- ' * n + 'x'",
    "ordered list markers": "'1. ' * n + 'x'",
    "mixed list markers": "'- * + 1. ' * (n // 4) + 'x'",
    "quotes and lists": "'> - ' * (n // 2) + 'x'",
    "strong emphasis": "'**' * n + 'x' + '**' * n",
    "emphasis": "'*a ' * n + 'x' + ' b*' * n",
    "underscores": "'_a ' * (n // 10) + 'x' + ' b_' * (n // 10)",
    "strikethrough": "'~~' * (n // 10) + 'x' + '~~' * (n // 10)",
    "brackets": "'[' * (n // 10) + 'x' + ']' * (n // 10)",
    "links": "'[' * (n // 10) + 'x' + '](u)' * (n // 10)",
    "images": "'![' * (n // 10) + 'x' + '](u)' * (n // 10)",
    "backtick runs": "'`' * n + 'x'",
    "indented quotes across lines": "''.join(' ' * (i % 4) + '>' * i + ' x\\n' for i in range(1, 2000))",
    "indented lists across lines": "''.join('  ' * i + '- x\\n' for i in range(2000))",
}
RENDER_DEEP = """
import sys
from insole.markup import Markdown, render_markdown
n = 100_000
rendered = render_markdown(Markdown(fast=sys.argv[1] == "fast"), eval(sys.argv[2]), "s.md", 5)
print(len(rendered.html))
"""


@pytest.mark.parametrize("engine", [pytest.param("fast", marks=needs_fast), "reference"])
@pytest.mark.parametrize("name", sorted(DEEP))
def test_deep_nesting_is_rendered_without_a_crash(name, engine):
    done = subprocess.run(
        [sys.executable, "-c", RENDER_DEEP, engine, DEEP[name]], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 0


@needs_fast
def test_a_story_of_100000_nested_quotes_builds(tmp_path):
    root = make_site(tmp_path / "site", {"content/stories/deep.md": story(body="> " * 100_000 + "x\n")})
    build = [
        sys.executable,
        "-c",
        "from insole.cli import entry; entry()",
        "build",
        "--no-search",
        "--no-cache",
    ]
    done = subprocess.run(build, cwd=root, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "<blockquote" in (root / "_site/stories/deep/index.html").read_text(encoding="utf-8")


@needs_fast
@pytest.mark.parametrize("depth", range(1, 2 * fastmarkup.NESTING_LIMIT))
def test_texts_nested_near_markdown_it_pys_limit_come_out_the_same(depth):
    for source in (
        "> " * depth + "x\n",
        "- " * depth + "x\n",
        "1. " * depth + "x\n",
        "> - " * depth + "x\n",
        "".join("  " * i + "- x\n" for i in range(depth)),
        "".join("\t" * i + "- x\n" for i in range(depth)),
        "".join(">" * (i + 1) + " x\n" for i in range(depth)),
        "> " * (depth // 2) + "[" * depth + "x" + "](u)" * depth + "\n",
        "- [" + "[" * depth + "x" + "](u)" * depth + "\n",
        "**" * depth + "x" + "**" * depth + "\n",
    ):
        assert_same(source)


CODE_ON_ITS_LINE = [
    "A `code` span.\n\nAnother `one` two paragraphs later.\n",
    "See [the log](https://example.com/cases/1) for `E123`.\n",
    "[a `b`](x) and ``c ` d``\n",
    "```\nan open ` inside a fence\n```\n\nThen `code`.\n",
    "````\n```\nnot the end\n````\n\n`x`\n",
]
CODE_READ_APART = [
    "[a `b\n",
    "a `b\nc` d\n",
    "an escaped \\`x` tick\n",
    "> ```\n> `a\n",
    "```a`b\n`c\n",
    "![`code` in alt text](x.png)\n",  # markdown-it-py 3 leaves it out of the alt attribute
]


@needs_fast
@pytest.mark.parametrize("source", CODE_ON_ITS_LINE)
def test_code_spans_closed_on_their_own_line_take_the_fast_path(source):
    assert_same(source)
    assert render_fast(FAST.fast, source) is not None


@needs_fast
@pytest.mark.parametrize("source", CODE_READ_APART)
def test_code_spans_the_engines_may_read_apart_take_the_reference_path(source):
    assert_same(source)
    assert render_fast(FAST.fast, source) is None
