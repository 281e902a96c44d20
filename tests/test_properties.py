"""Properties over any input: located problems or a safe site, never a crash or an injection."""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

from conftest import make_site, story
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insole.build import build
from insole.errors import BuildFailed
from insole.options import Options

sys.path.insert(0, str(Path(__file__).parent / "fuzz"))
from harness import Harness

HARNESS = Harness()
ALLOWED_SCHEMES = ("http:", "https:", "mailto:", "tel:")
FIELDS = ("title", "customer", "achieve", "avoid", "author", "summary")


class Inspector(HTMLParser):
    """Collects script elements not of the theme, event-handler attributes and link targets."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts = 0
        self.handlers: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        source = dict(attrs).get("src") or ""
        # The theme's own scripts are files under static/; anything else came from content.
        self.scripts += tag == "script" and not source.rsplit("../", 1)[-1].startswith("static/")
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(name)
            if name in ("href", "src") and value is not None:
                self.links.append(value)


def quoted(text: str) -> str:
    """Text as a YAML double-quoted string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else f"\\U{ord(c):08x}" for c in escaped) + '"'


story_bytes = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=400).map(lambda t: ("---\n" + t).encode("utf-8", "surrogatepass")),
    st.builds(
        lambda key, value, body: f"---\ntitle: x\n{key}: {value}\nneeds: [second-trip]\n---\n{body}".encode(
            "utf-8", "surrogatepass"
        ),
        st.sampled_from(["title", "date", "needs", "co_creation", "related", "slug", "x"]),
        st.text(max_size=40),
        st.text(max_size=80),
    ),
)


@settings(max_examples=300, deadline=None)
@given(story_bytes)
def test_any_bytes_give_a_story_or_located_problems(data):
    HARNESS.run(data)


hostile = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "javascript:alert(1)",
            "</title><script>x</script>",
            "{{ 7*7 }}{% raw %}",
            "]]></summary><script>",
        ]
    ),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(FIELDS), text=hostile, body=hostile)
def test_any_text_in_any_field_publishes_no_script(tmp_path_factory, field, text, body):
    values = {"title": "A story"} | {field: text}
    extra = "\n".join(f"{key}: {quoted(value)}" for key, value in values.items() if key != "title")
    link = f"[link]({body.replace(')', '')})"
    root = make_site(
        tmp_path_factory.mktemp("site"),
        {"content/stories/s.md": story(quoted(values["title"]), extra=extra, body=f"{body}\n\n{link}\n")},
    )
    try:
        build(Options(root=root))
    except BuildFailed as failed:
        assert all(p.line >= 1 for p in failed.problems)
        return
    for page in (root / "_site").rglob("*.html"):
        inspector = Inspector()
        inspector.feed(page.read_text(encoding="utf-8"))
        assert inspector.scripts == 0, page
        assert inspector.handlers == [], page
        for target in inspector.links:
            found = re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", target)
            scheme = found.group().lower() if found else ""
            assert not scheme or scheme in ALLOWED_SCHEMES, (page, target)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(slug=st.text(max_size=30))
def test_any_slug_stays_inside_the_output_or_is_refused(tmp_path_factory, slug):
    root = make_site(
        tmp_path_factory.mktemp("site"), {"content/stories/s.md": story(extra=f"slug: {quoted(slug)}")}
    )
    try:
        build(Options(root=root))
    except BuildFailed as failed:
        assert failed.problems and all(p.line >= 1 and p.column >= 1 for p in failed.problems)
        return
    output = (root / "_site").resolve()
    written = [
        p for p in root.rglob("*") if p.is_file() and p.name != "site.yaml" and "content" not in p.parts
    ]
    assert all(p.resolve().is_relative_to(output) for p in written)
    assert (output / "stories" / slug.strip() / "index.html").is_file()
