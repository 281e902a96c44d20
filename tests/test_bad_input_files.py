"""One fixture file a kind of bad input (tests/bad_input/): the message, the exit code, the output.

E: an error at its place, exit 1, the previous site untouched. W: a warning, exit 0, and an
error under --strict. S: builds, and what is published is safe.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import story

FIXTURES = Path(__file__).parent / "bad_input"
S = "content/stories/"

ERRORS = {
    "alias-bomb.md": "2:24: error: more than 20000 values",
    "binary.md": "2:118: error: not UTF-8 text",
    "custom-tag.md": "6:11: error: unsupported YAML tag !secret",
    "customer-yes.md": "6:11: error: 'customer' must be text, but yes reads as bool (quote it: \"yes\")",
    "deep-nesting.md": "3:75: error: nested more than 64 levels deep",
    "duplicate-keys.md": "6:1: error: duplicate key 'title' (first given on line 2)",
    "empty.md": "1:1: error: empty file",
    "free-text-date.md": "3:7: error: 'last Tuesday' is not a date",
    "front-matter-list.md": "2:1: error: front matter must be a mapping of keys, not a list",
    "front-matter-null.md": "2:1: error: front matter must be a mapping of keys, not nothing",
    "front-matter-scalar.md": "2:1: error: front matter must be a mapping of keys, not text",
    "impossible-date.md": "3:7: error: '2024-13-45' is not a date",
    "impossible-time.md": "3:7: error: '2024-01-01 25:00' is not a date",
    "latin1.md": "2:11: error: not UTF-8 text",
    "missing-fields.md": "1:1: error: missing required title, date, needs, processes",
    "needs-number-and-null.md": "4:9: error: 'needs.0' must be text, but 1 reads as int",
    "not-a-leap-day.md": "3:7: error: '2023-02-29' is not a date",
    "nul-bytes.md": "7:7: error: not UTF-8 text: the file holds NUL bytes",
    "python-tag.md": "6:11: error: unsupported YAML tag tag:yaml.org,2002:python/object/apply:os.system",
    "slug-backslash.md": "6:7: error: 'a\\b' is not a valid slug",
    "slug-dotdot.md": "6:7: error: '../../outside' is not a valid slug",
    "slug-nul.md": "6:7: error: 'a\\x00b' is not a valid slug",  # shown escaped, not sent to the terminal
    "slug-percent.md": "6:7: error: 'a%2e%2e' is not a valid slug",
    "slug-query.md": "6:7: error: 'a?b#c' is not a valid slug",
    "slug-slash.md": "6:7: error: 'a/b' is not a valid slug",
    "tabs.md": "7:1: error: invalid YAML: found character that cannot start any token (a tab character) (indent with spaces, not tabs)",
    "title-float.md": "2:8: error: 'title' must be text, but 1.10 reads as float (quote it: \"1.10\")",
    "title-no.md": "2:8: error: 'title' must be text, but NO reads as bool (quote it: \"NO\")",
    "unclosed-front-matter.md": "1:1: error: front matter is never closed",
    "unquoted-colon.md": "2:13: error: invalid YAML: mapping values are not allowed in this context (quote a value that contains ': ')",
    "utf16.md": "1:1: error: not UTF-8 text",
}
WARNINGS = {
    "draft.md": "6:9: warning: a draft, so it is not published",
    "future-date.md": "3:7: warning: dated 2999-01-01, after today, so it is not published yet",
    "needs-a-string.md": "4:8: warning: 'needs' is a list; 'second-trip' is read as one item",
    "raw-html.md": "7:1: warning: raw HTML <script> is shown as text, not as HTML",
    "undeclared-term.md": "4:9: warning: 'secnd-trip' is not declared in needs (did you mean 'second-trip'?)",
    "unknown-key.md": "6:1: warning: unknown key 'proceses' (did you mean 'processes'?)",
    "unsafe-links.md": "7:5: warning: link with a 'javascript:' address left out",
}
SAFE = ["crlf.md", "mixed-line-endings.md", "second-fence-in-body.md", "script-in-fields.md"]


def test_every_fixture_has_an_expectation():
    assert sorted(p.name for p in FIXTURES.iterdir()) == sorted([*ERRORS, *WARNINGS, *SAFE])


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_error(site, run, name):
    root = site({f"{S}good.md": story("A good story")})
    assert run(root, "build", "--no-search").code == 0
    before = snapshot(root / "_site")
    shutil.copyfile(FIXTURES / name, root / S / name)
    result = run(root, "build", "--no-search")
    assert result.code == 1
    assert f"{S}{name}:{ERRORS[name]}" in result.err
    assert snapshot(root / "_site") == before
    assert not (root / "pwned").exists()


@pytest.mark.parametrize("name", sorted(WARNINGS))
def test_warning(site, run, name):
    root = site({f"{S}good.md": story("A good story")})
    shutil.copyfile(FIXTURES / name, root / S / name)
    result = run(root, "build", "--no-search")
    assert result.code == 0, result.err
    assert f"{S}{name}:{WARNINGS[name]}" in result.err
    strict = run(root, "build", "--no-search", "--strict")
    assert strict.code == 1
    assert f"{S}{name}:{WARNINGS[name].replace('warning:', 'error:')}" in strict.err
    published = "".join(p.read_text(encoding="utf-8") for p in (root / "_site").rglob("*.html"))
    for unsafe in (
        "<script>alert",
        "<iframe",
        'href="javascript:',
        'href="vbscript:',
        'href="data:',
        'href="file:',
    ):
        assert unsafe not in published.lower()


@pytest.mark.parametrize("name", SAFE)
def test_safe(site, run, name):
    root = site({})
    shutil.copyfile(FIXTURES / name, root / S / name)
    result = run(root, "build", "--no-search", "--strict")
    assert result.code == 0, result.err
    page = (root / "_site/stories" / name.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "onerror=" not in page.replace("onerror=alert(1)&gt;", "")
    if name == "second-fence-in-body.md":
        assert "More after a rule." in page and "<hr>" in page


def test_line_endings_give_the_same_site_as_lf(site, run, tmp_path):
    lf = (FIXTURES / "crlf.md").read_bytes().replace(b"\r\n", b"\n")
    sites = {}
    for name, data in (("crlf", (FIXTURES / "crlf.md").read_bytes()), ("lf", lf)):
        root = site({}) if name == "crlf" else tmp_path / "lf"
        if name == "lf":
            shutil.copytree(sites["crlf"].parent, root)
            shutil.rmtree(root / "_site")
        (root / S / "story.md").write_bytes(data)
        assert run(root, "build", "--no-search").code == 0
        sites[name] = root / "_site"
    assert snapshot(sites["crlf"]) == snapshot(sites["lf"])
