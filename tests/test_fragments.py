"""The `{% once %}` tag: a fragment made once a build for each value of its keys."""

from __future__ import annotations

import re

import jinja2
from conftest import story

from generator.fragments import Once


def environment(templates: dict[str, str]) -> tuple[jinja2.Environment, list[int]]:
    """An environment with the tag, and the list `made()` counts its calls in."""
    calls: list[int] = []

    def made() -> int:
        calls.append(1)
        return len(calls)

    env = jinja2.Environment(loader=jinja2.DictLoader(templates), autoescape=True, extensions=[Once])
    env.globals["made"] = made
    return env, calls


def test_a_fragment_is_made_once_for_each_value_of_its_keys():
    env, calls = environment(
        {"t": "{% for x in [1, 1, 2, 1] %}{% once x %}{{ made() }}{% endonce %}{% endfor %}"}
    )
    assert env.get_template("t").render() == "1121"
    assert len(calls) == 2


def test_all_keys_decide_and_each_tag_has_its_own_fragments():
    source = (
        "{% for a, b in [(1, 1), (1, 2), (1, 1)] %}{% once a, b %}{{ made() }}{% endonce %}{% endfor %};"
        "{% once 1, 1 %}{{ made() }}{% endonce %}"
    )
    env, _ = environment({"t": source})
    assert env.get_template("t").render() == "121;3"


def test_fragments_last_across_pages_but_not_across_builds():
    env, _ = environment({"t": "{% once page %}{{ made() }}{% endonce %}"})
    assert [env.get_template("t").render(page=p) for p in ("a", "b", "a")] == ["1", "2", "1"]
    again, _ = environment({"t": "{% once page %}{{ made() }}{% endonce %}"})
    assert again.get_template("t").render(page="a") == "1"  # a new build makes its own


def test_a_fragment_shown_again_is_escaped_once():
    env, _ = environment({"t": "{% for _ in [1, 2] %}{% once %}<b>{{ text }}</b>{% endonce %}{% endfor %}"})
    assert env.get_template("t").render(text="Fish & <chips>") == "<b>Fish &amp; &lt;chips&gt;</b>" * 2


def test_keys_without_commas_are_an_error_at_their_line(site, run):
    page = "{% extends 'base.html' %}{% block main %}\n<p>Lost</p>\n{% once page.url root %}x{% endonce %}{% endblock %}"
    root = site({"content/stories/lunch.md": story(), "templates/404.html": page})
    result = run(root, "build")
    assert result.code == 1
    assert "templates/404.html:3:1: error: template error: expected token ','" in result.err
    assert not (root / "_site").exists()


def test_a_site_template_can_use_it(site, run):
    page = "{% extends 'base.html' %}{% block main %}{% for n in [1, 2] %}{% once %}<p>{{ n }}</p>{% endonce %}{% endfor %}{% endblock %}"
    root = site({"content/stories/lunch.md": story(), "templates/404.html": page})
    assert run(root, "build").code == 0
    assert "<p>1</p><p>1</p>" in (root / "_site/404.html").read_text(encoding="utf-8")


def test_the_menu_marks_the_section_of_every_kind_of_page(site, run):
    # The theme's header is made once for each root and menu state; each page still gets its own.
    root = site({"content/stories/lunch.md": story()})
    assert run(root, "build").code == 0
    out = root / "_site"

    def current(path: str) -> list[tuple[str, str]]:
        header = (out / path).read_text(encoding="utf-8").split("</header>")[0]
        return re.findall(r'<a[^>]*href="([^"]*)"[^>]*aria-current="(\w+)"', header)

    assert current("index.html") == [("", "page")]  # the site's title
    assert current("stories/index.html") == [("../stories/", "page")]
    assert current("stories/lunch/index.html") == [("../../stories/", "true")]
    assert current("needs/index.html") == [("../needs/", "page")]
    assert current("matrix/index.html") == [("../matrix/", "page")]
    journey = (out / "journey/index.html").read_text(encoding="utf-8")
    assert 'href="../journey/" aria-current="page"' in journey.split("<footer")[1]
    assert not current("journey/index.html")
