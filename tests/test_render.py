"""Templates: the site's own first, then the default theme; escaping; errors with places."""

from __future__ import annotations

from conftest import story


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
