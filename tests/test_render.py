"""Templates: the site's own first, then the default theme; escaping; errors with places."""

from __future__ import annotations

import datetime as dt
import shutil
from xml.etree import ElementTree

import jinja2
from conftest import story

from insole import cache, listitems, render
from insole.build import build
from insole.gather import gather
from insole.options import Options

ATOM = "{http://www.w3.org/2005/Atom}"


def test_site_template_overrides_one_file(site, run):
    root = site(
        {
            "content/stories/lunch.md": story(),
            "templates/404.html": '{% extends "base.html" %}{% block main %}<p>Lost in the stories</p>{% endblock %}',
        }
    )
    assert run(root, "build").code == 0
    assert "Lost in the stories" in (root / "_site/404.html").read_text(encoding="utf-8")
    assert "Lunch in the support centre" in (root / "_site/stories/lunch/index.html").read_text(
        encoding="utf-8"
    )


def test_override_can_extend_the_default_it_replaces(site, run):
    override = '{% extends "default/story.html" %}{% block title %}Story: {{ story.title }}{% endblock %}'
    root = site({"content/stories/lunch.md": story(), "templates/story.html": override})
    assert run(root, "build").code == 0
    page = (root / "_site/stories/lunch/index.html").read_text(encoding="utf-8")
    assert "<title>Story: Lunch in the support centre</title>" in page
    assert "The wardrobe stood the same evening." in page


def test_site_stylesheet_replaces_the_default(site, run):
    root = site({"content/stories/lunch.md": story(), "templates/static/style.css": "body { color: red }\n"})
    assert run(root, "build").code == 0
    assert (root / "_site/static/style.css").read_text() == "body { color: red }\n"


def test_undefined_variable_is_an_error_at_the_template_line(site, run):
    root = site(
        {
            "content/stories/lunch.md": story(),
            "templates/story.html": '{% extends "base.html" %}\n{% block main %}\n{{ story.titel }}\n{% endblock %}',
        }
    )
    result = run(root, "build")
    assert result.code == 1
    assert "templates/story.html:3:1: error: template error:" in result.err
    assert "titel" in result.err
    assert "(making stories/lunch/index.html from content/stories/lunch.md)" in result.err
    assert not (root / "_site").exists()


def test_template_syntax_error_names_file_and_line(site, run):
    root = site({"content/stories/lunch.md": story(), "templates/404.html": "line one\n{% if %}\n"})
    result = run(root, "build")
    assert result.code == 1
    assert "templates/404.html:2:1: error: template error:" in result.err


def test_front_matter_is_escaped_everywhere(site, run):
    title = "<script>alert(1)</script> & co"
    root = site({"content/stories/lunch.md": story(f'"{title}"', extra='customer: "<b>bold</b>"')})
    assert run(root, "build").code == 0
    for path in (root / "_site").rglob("*"):
        if path.suffix in (".html", ".xml"):
            text = path.read_text(encoding="utf-8")
            assert "<script>" not in text, path
            assert "<b>bold</b>" not in text, path
    page = (root / "_site/stories/lunch/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page


def test_control_characters_in_front_matter_leave_the_feed_and_sitemap_well_formed(site, run):
    # YAML's escapes let a person write characters that XML 1.0 forbids.
    extra = 'author: "Ma\\x01ja"\nsummary: "One\\x0ctwo\\uffff"'
    root = site({"content/stories/lunch.md": story('"Lunch\\e\\0 in the centre"', extra=extra)})
    assert run(root, "build").code == 0
    feed = ElementTree.fromstring((root / "_site/feed.xml").read_bytes())
    entry = feed.find(f"{ATOM}entry")
    assert entry is not None
    assert entry.findtext(f"{ATOM}title") == "Lunch\ufffd\ufffd in the centre"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Ma\ufffdja"
    assert entry.findtext(f"{ATOM}summary") == "One\ufffdtwo\ufffd"
    ElementTree.fromstring((root / "_site/sitemap.xml").read_bytes())
    page = (root / "_site/stories/lunch/index.html").read_text(encoding="utf-8")
    assert '<h1 data-pagefind-meta="title">Lunch\ufffd\ufffd in the centre</h1>' in page


def test_check_reports_a_broken_link_in_a_template(site, run):
    root = site(
        {
            "content/stories/lunch.md": story(),
            "templates/404.html": '{% extends "base.html" %}{% block main %}<a href="{{ url(\'nowhere/\') }}">x</a>{% endblock %}',
            "templates/sources.html": '{% extends "base.html" %}{% block main %}<a href="{{ url(\'nowhere/\') }}">x</a>{% endblock %}',
        }
    )
    result = run(root, "check")
    assert result.code == 1
    assert "sources/index.html:1:1: error: link to '../nowhere/' leads nowhere" in result.err
    assert not (root / "_site").exists()


def test_check_writes_nothing(site, run):
    root = site({"content/stories/lunch.md": story()})
    result = run(root, "check")
    assert result.code == 0
    assert result.out.startswith("Checked 1 story and")
    assert not (root / "_site").exists()


def test_interface_follows_the_language(site, run):
    from conftest import SITE_YAML

    root = site({"content/stories/lunch.md": story()}, SITE_YAML.replace("language: en", "language: sv"))
    assert run(root, "build").code == 0
    page = (root / "_site/stories/lunch/index.html").read_text(encoding="utf-8")
    assert '<html lang="sv">' in page
    assert "14 mars 2024" in page
    assert "Berättelser" in page


def _item_builds(root, monkeypatch, today=None):
    """Build the site without a search index; the keys of the list items made anew."""
    made: list[str] = []
    real = listitems.ListedItems.add
    monkeypatch.setattr(
        listitems.ListedItems, "add", lambda self, items: made.extend(items) or real(self, items)
    )
    build(Options(root=root, search=False, workers=1, today=today))
    monkeypatch.setattr(listitems.ListedItems, "add", real)
    return made


def test_story_list_items_are_kept_between_builds(site, monkeypatch):
    files = {f"content/stories/s{i}.md": story(f"Story {i}", date=f"2024-03-1{i}") for i in range(4)}
    root = site(files)
    assert _item_builds(root, monkeypatch)
    (root / "content/stories/s2.md").write_text(story("Story two", date="2024-03-12"), encoding="utf-8")
    made = _item_builds(root, monkeypatch)
    edited = build_key(root, "s2")
    assert made and all(key[1:].startswith(f"{edited}:s2:") for key in made)
    listed = (root / "_site/stories/index.html").read_bytes()
    shutil.rmtree(root / "_site")
    build(Options(root=root, search=False, cache=False))
    assert (root / "_site/stories/index.html").read_bytes() == listed
    assert b">Story two</a>" in listed


def test_story_list_item_shows_when_a_story_becomes_due(site, monkeypatch):
    root = site({"content/stories/a.md": story("Old story", extra="review_by: 2025-01-01")})
    _item_builds(root, monkeypatch, today=dt.date(2024, 6, 1))
    assert 'class="due"' not in (root / "_site/stories/index.html").read_text(encoding="utf-8")
    made = _item_builds(root, monkeypatch, today=dt.date(2025, 6, 1))
    assert made
    assert 'class="due"' in (root / "_site/stories/index.html").read_text(encoding="utf-8")


def test_items_of_a_sites_own_templates_are_made_every_time(site, monkeypatch):
    override = '{% extends "default/base.html" %}{% block main %}<p>Our own</p>{% endblock %}'
    root = site({"content/stories/a.md": story(), "templates/404.html": override})
    assert _item_builds(root, monkeypatch) == []
    assert _item_builds(root, monkeypatch) == []
    assert ">Lunch in the support centre</a>" in (root / "_site/stories/index.html").read_text(
        encoding="utf-8"
    )


def build_key(root, slug):
    """The digest of a story as the site has it now."""
    return gather(Options(root=root, search=False), writing=False).library.stories[slug].facts


def test_list_items_made_by_worker_processes_are_kept(site, monkeypatch):
    monkeypatch.setattr(render, "can_fork", lambda workers: workers > 1)  # other tests' threads may linger
    monkeypatch.setattr(render, "PARALLEL_FROM", 1)
    root = site({f"content/stories/s{i}.md": story(f"Story {i}", date=f"2024-03-1{i}") for i in range(4)})
    made: list[str] = []
    real = listitems.ListedItems.add
    monkeypatch.setattr(
        listitems.ListedItems, "add", lambda self, items: made.extend(items) or real(self, items)
    )
    build(Options(root=root, search=False, workers=2))
    assert made
    (root / "content/stories/s1.md").write_text(story("Story one", date="2024-03-11"), encoding="utf-8")
    made.clear()
    build(Options(root=root, search=False, workers=2))
    assert made and all(key[1:].startswith(f"{build_key(root, 's1')}:s1:") for key in made)


def test_compiled_templates_are_kept_apart_for_each_insole(monkeypatch, tmp_path):
    # Each insole reads only the templates it compiled itself, with its own Jinja.
    monkeypatch.setenv("INSOLE_CACHE_DIR", str(tmp_path))
    source = "{{ x }}"
    env = jinja2.Environment(
        loader=jinja2.DictLoader({"t": source}), bytecode_cache=cache.compiled_templates()
    )
    env.get_template("t")
    assert cache.compiled_templates().get_bucket(env, "t", None, source).code is not None
    monkeypatch.setattr(cache, "code_digest", lambda: "another insole")
    assert cache.compiled_templates().get_bucket(env, "t", None, source).code is None
    assert [path.name for path in (tmp_path / "templates").iterdir()] == []  # the first insole's are gone
