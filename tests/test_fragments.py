"""Fragments: parts of many pages made once a build from a small template and exactly what it is given."""

from __future__ import annotations

import re

import jinja2
from conftest import story

from insole.fragments import Fragments


def environment(templates: dict[str, str]) -> tuple[jinja2.Environment, list[int]]:
    """An environment with `fragment`, and the list `made()` counts its calls in."""
    calls: list[int] = []

    def made() -> int:
        calls.append(1)
        return len(calls)

    env = jinja2.Environment(loader=jinja2.DictLoader(templates), autoescape=True)
    env.globals["made"] = made
    env.globals["fragment"] = Fragments(env)
    return env, calls


def test_a_fragment_is_made_once_for_each_set_of_values():
    env, calls = environment(
        {
            "part": "{{ made() }}:{{ x }}",
            "t": "{% for x in [1, 1, 2, 1] %}{{ fragment('part', x=x) }} {% endfor %}",
        }
    )
    assert env.get_template("t").render() == "1:1 1:1 2:2 1:1 "
    assert len(calls) == 2


def test_a_fragment_sees_only_what_it_is_given():
    env, _ = environment({"part": "{{ secret is defined }}", "t": "{{ fragment('part') }}"})
    assert env.get_template("t").render(secret="page") == "False"


def test_fragments_last_across_pages_but_not_across_builds():
    templates = {"part": "{{ made() }}", "t": "{{ fragment('part', page=page) }}"}
    env, _ = environment(templates)
    assert [env.get_template("t").render(page=p) for p in ("a", "b", "a")] == ["1", "2", "1"]
    again, _ = environment(templates)
    assert again.get_template("t").render(page="a") == "1"  # a new build makes its own


def test_a_fragment_shown_again_is_escaped_once():
    env, _ = environment(
        {
            "part": "<b>{{ text }}</b>",
            "t": "{% for _ in [1, 2] %}{{ fragment('part', text=text) }}{% endfor %}",
        }
    )
    assert env.get_template("t").render(text="Fish & <chips>") == "<b>Fish &amp; &lt;chips&gt;</b>" * 2


def test_a_site_can_override_the_header_and_every_page_shows_it(site, run):
    header = '<header class="site-header"><a href="{{ root }}">Our own header</a></header>\n'
    root = site({"content/stories/lunch.md": story(), "templates/header.html": header})
    assert run(root, "build").code == 0
    for page in ("index.html", "stories/lunch/index.html", "needs/index.html", "404.html"):
        assert "Our own header" in (root / "_site" / page).read_text(encoding="utf-8")


def test_the_old_once_tag_is_an_error_at_its_line(site, run):
    page = (
        "{% extends 'base.html' %}{% block main %}\n<p>Lost</p>\n{% once root %}x{% endonce %}{% endblock %}"
    )
    root = site({"content/stories/lunch.md": story(), "templates/404.html": page})
    result = run(root, "build")
    assert result.code == 1
    assert "templates/404.html:3:1: error: template error: Encountered unknown tag 'once'" in result.err
    assert not (root / "_site").exists()


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
    assert current("journey/index.html") == [("../journey/", "page")]
    assert current("insights/index.html") == [("../insights/", "page")]
    assert current("sources/index.html") == []  # in the footer only
