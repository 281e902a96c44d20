"""A site's template that cannot be used is an error at its file and line, as a person types them."""

from __future__ import annotations

import pytest
from conftest import story

STORY = "content/stories/lunch.md"


@pytest.mark.parametrize(
    ("template", "where", "message"),
    [
        ('{% extends "missing.html" %}\n', "templates/story.html:1:1", "template not found: missing.html"),
        (
            "<p>\n\n{% extends 'default/no.html' %}\n",
            "templates/story.html:3:1",
            "not found: default/no.html",
        ),
        ("<p>\n{% include 'part.html' %}\n", "templates/story.html:2:1", "template not found: part.html"),
        ("<p>\n{% from 'macro.html' import x %}\n", "templates/story.html:2:1", "not found: macro.html"),
        ("<p>\n<p>{{ site.title }} caf\xe9\n", "templates/story.html:2:24", "not UTF-8 text"),
    ],
)
def test_a_template_error_names_the_template_file_and_line(site, run, template, where, message):
    files: dict[str, str | bytes] = {STORY: story(), "templates/story.html": template.encode("latin-1")}
    result = run(site(files), "build", "--no-search")
    assert result.code == 1
    assert f"{where}: error: " in result.err and message in result.err
    assert f"from {STORY})" in result.err


def test_an_included_template_that_is_not_utf8_is_named_at_its_byte(site, run):
    files: dict[str, str | bytes] = {
        STORY: story(),
        "templates/story.html": '{% extends "default/story.html" %}\n{% include "part.html" %}\n',
        "templates/part.html": b"<p>ok</p>\n<p>\xff</p>\n",
    }
    result = run(site(files), "build", "--no-search")
    assert "templates/part.html:2:4: error: template error: not UTF-8 text (invalid start byte)" in result.err
