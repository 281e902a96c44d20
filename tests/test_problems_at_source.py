"""Every problem of a run at once, at its source, and never a traceback: through the real command."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import sys
import threading
import urllib.request
from http.server import SimpleHTTPRequestHandler

import pytest
from conftest import SITE_YAML, story
from test_bad_input import problem_lines, reported, tree

from insole.devserver import bind
from insole.review import add_months

STORY = "content/stories/a.md"
OTHER = "content/stories/b.md"


def test_a_bad_date_does_not_hide_the_other_problems_of_the_story(site, run):
    extra = """
        co_creation:
          - {opportunity: home-panel, mode: sometimes}
        review_by: someday
        language: "not a code"
    """
    root = site({STORY: story(date="2024-02-30", extra=extra)})
    result = run(root, "build", "--no-search")
    assert result.code == 1
    assert "'2024-02-30' is not a date" in reported(result, f"{STORY}:3:7")
    assert "unknown mode 'sometimes'" in reported(result, f"{STORY}:7:37")
    assert "'someday' is not a date" in reported(result, f"{STORY}:8:12")
    assert "'not a code' is not a language code" in reported(result, f"{STORY}:9:11")


def test_a_story_that_fails_still_exists_for_the_related_links_of_others(site, run):
    broken = story("Broken", date="2024-13-01", extra="slug: the-broken-one")
    linking = story("Linking", extra="related: [the-broken-one, nowhere-at-all]")
    root = site({STORY: broken, OTHER: linking})
    result = run(root, "build", "--no-search")
    assert result.code == 1
    lines = problem_lines(result)
    assert [line for line in lines if "does not exist" in line] == [
        f"{OTHER}:6:27: error: related story 'nowhere-at-all' does not exist"
    ]
    assert any(line.startswith(f"{STORY}:3:7: error: '2024-13-01' is not a date") for line in lines)


def test_a_story_file_that_cannot_be_parsed_still_exists_by_its_name(site, run):
    root = site({STORY: "---\ntitle: [unclosed\n---\nBody\n", OTHER: story(extra="related: [a]")})
    result = run(root, "build", "--no-search")
    assert result.code == 1
    assert not [line for line in problem_lines(result) if "does not exist" in line]


def test_a_broken_link_in_a_story_stops_the_build_at_its_markdown_line(site, run):
    body = "The first line.\n\nSee [the other story](../b/) and [the plan](../missing-story/#top).\n"
    root = site({STORY: story(body=body), OTHER: story("Other")})
    result = run(root, "build", "--no-search")
    assert result.code == 1
    message = reported(result, f"{STORY}:9:45")
    assert message.startswith("link to '../missing-story/#top' leads nowhere")
    assert not (root / "_site").exists()
    assert len([line for line in problem_lines(result) if "leads nowhere" in line]) == 1


def test_check_reports_a_missing_anchor_in_a_story_at_its_markdown_line(site, run):
    body = "Intro.\n\nSee [the heading](../b/#no-such-heading).\n"
    root = site({STORY: story(body=body), OTHER: story("Other")})
    assert run(root, "build", "--no-search").code == 0  # the page exists; only check knows its anchors
    result = run(root, "check")
    assert result.code == 1
    assert reported(result, f"{STORY}:9:19").startswith("link to '../b/#no-such-heading' leads nowhere")


def test_links_that_work_and_files_beside_a_story_build(site, run):
    body = "![The plan](plan.png)\n\n[Other](../b/), [home](../../), [web](https://example.com/)\n"
    files = {"content/stories/a/index.md": story(body=body), "content/stories/a/plan.png": b"\x89PNG"}
    root = site({**files, OTHER: story("Other")})
    result = run(root, "build", "--no-search")
    assert result.code == 0, result.err


@pytest.mark.parametrize(
    "base_url",
    [
        "javascript:alert(1)//",
        "data:text/html,x",
        "//evil.example/",
        "/\\evil.example/",
        "stories/",
        "http://",
        "ftp://files.example/",
        "https://[broken/",
        "/a b/",
    ],
)
def test_base_url_that_is_no_web_address_or_path_is_refused(site, run, base_url):
    root = site({STORY: story()}, SITE_YAML.replace("base_url: /", f"base_url: '{base_url}'"))
    result = run(root, "build", "--no-search")
    assert result.code == 1
    assert reported(result, "site.yaml:4:11") == (
        "'base_url' must start with http://, https:// or / (write an address such as "
        "https://stories.example.com/ or a path such as /stories/)"
    )
    assert not (root / "_site").exists()


@pytest.mark.parametrize(
    "base_url", ["/", "/stories/", "https://stories.example.com/cs/", "HTTP://x.example"]
)
def test_web_addresses_and_paths_are_fine_as_base_url(site, run, base_url):
    root = site({STORY: story()}, SITE_YAML.replace("base_url: /", f"base_url: '{base_url}'"))
    assert run(root, "build", "--no-search").code == 0


def test_a_huge_review_age_and_a_story_of_year_9999_build(site, run):
    files = {STORY: story(date="9999-12-31", extra="status: draft"), OTHER: story()}
    root = site(files, SITE_YAML + "review_after_months: 100000\n")
    result = run(root, "build", "--no-search", "--drafts")
    assert result.code == 0, result.err
    assert "stories/a/index.html" in tree(root / "_site")
    assert add_months(dt.date(9999, 12, 31), 1) == dt.date.max
    assert add_months(dt.date(2024, 1, 31), 10**30) == dt.date.max


def test_a_slug_too_long_for_a_folder_name_points_at_it(site, run):
    root = site({STORY: story(extra="slug: " + "a" * 5000), f"content/stories/{'b' * 240}.md": story()})
    result = run(root, "build", "--no-search")
    assert result.code == 1
    assert reported(result, f"{STORY}:6:7") == (
        "the slug is 5000 characters long; a folder name takes at most 200 (set a shorter 'slug:')"
    )
    assert "the slug is 240 characters long" in reported(result, f"content/stories/{'b' * 240}.md:1:1")


@pytest.mark.parametrize("port", ["99999", "-1", "eighty", "65536"])
def test_a_port_out_of_range_is_a_usage_error(site, run, port):
    root = site({STORY: story()})
    result = run(root, "serve", "--port", port)
    assert result.code == 2
    assert f"argument --port: '{port}' is not a port number (0 to 65535; 0 takes any free one)" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize("fault", [BrokenPipeError, ConnectionResetError, ValueError])
def test_the_dev_server_prints_no_traceback_when_a_request_fails(capfd, fault):
    said: list[str] = []

    class Failing(SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            raise fault("gone")

        def log_message(self, *args: object) -> None:
            pass

    server = bind("127.0.0.1", 0, Failing)
    server.announce = said.append
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{server.server_address[1]}/", timeout=5)
    finally:
        server.shutdown()
        server.server_close()
    assert "Traceback" not in capfd.readouterr().err
    if fault is ValueError:
        assert said == ["a request from 127.0.0.1 failed: ValueError('gone')"]
    else:
        assert said == []


def test_control_characters_from_a_story_are_shown_as_escapes_never_sent_to_the_terminal(site, run):
    title = '"\\e]0;owned\\a\\e[2J\\u202e"'
    odd = "content/stories/two\nlines.md"
    root = site({STORY: story(title, date='"\\e[31mred"'), odd: story(date="nope")})
    result = run(root, "check")
    assert result.code == 1
    assert "'\\x1b[31mred' is not a date" in reported(result, f"{STORY}:3:7")
    assert "'nope' is not a date" in reported(result, "content/stories/two\\nlines.md:3:7")
    assert not any(c in result.err for c in "\x1b\x07\u202e")
    assert all(line.startswith(("content/", "insole:")) for line in result.err.splitlines())


def test_the_review_list_shows_a_title_with_control_characters_escaped(site, run):
    root = site({STORY: story('"\\e[2JWiped"', extra="review_by: 2020-01-01")})
    result = run(root, "check")
    assert result.code == 0, result.err
    assert f"  {STORY}:6:12: '\\x1b[2JWiped': review_by 2020-01-01 has passed" in result.out
    assert "\x1b" not in result.out


def test_a_link_written_with_entities_that_leads_nowhere_is_reported_at_its_line(site, run):
    body = "First.\n\nSecond [x](jav&#x09;ascript:alert(1)).\n"
    root = site({STORY: story(body=body)})
    result = run(root, "build", "--no-search")
    assert result.code == 1
    assert reported(result, f"{STORY}:9:1").startswith("link to 'jav%09ascript:alert(1)' leads nowhere")


def test_schema_never_writes_over_a_file_it_did_not_write(site, run):
    root = site({STORY: story()})
    before = (root / "site.yaml").read_bytes()
    result = run(root, "schema", "--output", "site.yaml")
    assert result.code == 2
    assert result.err == "insole: site.yaml is there and is not a schema insole wrote; choose another file\n"
    assert (root / "site.yaml").read_bytes() == before
    assert run(root, "schema", "--output", "story.schema.json").code == 0
    assert run(root, "schema", "--output", "story.schema.json").code == 0  # its own schema it may renew


def test_a_terminal_that_takes_no_utf8_gets_escapes_not_a_traceback(site):
    root = site({STORY: story()}, SITE_YAML.replace("title: Sample stories", "title: Kundberättelser"))
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    shown = {}
    for args in (["report"], ["report", "--json"], ["schema"]):
        result = subprocess.run(
            [sys.executable, "-m", "insole", *args], cwd=root, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        shown[args[-1]] = result.stdout
    assert "Kundber\\xe4ttelser" in shown["report"]
    assert "Kundber\\xe4ttelser" in shown["schema"]
