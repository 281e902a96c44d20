"""The story form of `insole serve`: what it writes, what it refuses, and that a built site has none of it."""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import http.client
import json
import re
from email.message import Message

import pytest
from conftest import story
from live import Live, running

from insole.config import load_config
from insole.scaffold import new_story_path
from insole.storyform import MAX_REQUEST, refusal

PREVIEW = "/__insole/preview"
SAVE = "/__insole/story"
LUNCH = {"content/stories/lunch.md": story()}
FILLED = {
    "title": "Ten calls about one sofa",
    "date": "2026-11-02",
    "customer": 'Couples moving in, "first flat"',
    "source": "support-call",
    "terms": {"needs": ["second-trip", "stay-healthy"], "processes": ["delivery"]},
    "achieve": "One call",
    "avoid": "Calling ten times",
    "co_creation": [{"opportunity": "home-panel", "mode": "asynchronous", "note": "Ask the panel"}],
    "related": ["lunch"],
    "body": 'She called ten times.\r\n\r\n> "Nobody knew."\r\n',
}
WRITTEN = """\
---
title: "Ten calls about one sofa"
date: 2026-11-02
customer: "Couples moving in, \\"first flat\\""
source: support-call  # support-call, home-visit
needs: [second-trip, stay-healthy]  # assemble-without-help, second-trip, stay-healthy
achieve: "One call"
avoid: "Calling ten times"
processes: [delivery]  # delivery, assembly-instructions, support
co_creation:  # instruction-testing, home-panel
  - {opportunity: home-panel, mode: asynchronous, note: "Ask the panel"}
#  - {opportunity: ..., mode: synchronous | asynchronous, note: ...}
related: [lunch]
status: published
---
She called ten times.

> "Nobody knew."
"""


def token_of(live: Live) -> str:
    """The secret the served form page holds."""
    status, page = live.get("/__insole/form")
    assert status == 200
    found = re.search(r'const token = "([^"]+)"', page)
    assert found
    return found.group(1)


def post(live: Live, path: str, data: object, **headers: str) -> tuple[int, dict]:
    """The status and JSON answer of a write; headers given as None-like '' are left out."""
    port = int(live.url.rsplit(":", 1)[1])
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    sent = {
        "Host": f"127.0.0.1:{port}",
        "Origin": live.url,
        "Content-Type": "application/json",
        "Content-Length": str(len(body)),
    }
    sent |= {name.replace("_", "-"): value for name, value in headers.items()}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("POST", path, skip_host=True, skip_accept_encoding=True)
        for name, value in sent.items():
            if value:
                connection.putheader(name, value)
        connection.endheaders()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # refused before it was read
            connection.send(body)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def saved(live: Live, data: object, **headers: str) -> tuple[int, dict]:
    """A save with the form's token."""
    return post(live, SAVE, data, X_Insole_Token=token_of(live), **headers)


def test_the_form_writes_the_story_as_insole_new_would_and_its_page_appears(site):
    root = site(LUNCH)
    with running(root) as live:
        status, answer = saved(live, FILLED)
        assert (status, answer["path"], answer["url"]) == (
            201,
            "content/stories/ten-calls-about-one-sofa.md",
            "/stories/ten-calls-about-one-sofa/",
        )
        assert (root / answer["path"]).read_bytes() == WRITTEN.encode()
        live.wait_for(lambda: live.get(answer["url"])[0] == 200)
        assert "She called ten times." in live.get(answer["url"])[1]


def test_the_form_never_writes_over_a_story(site):
    mine = story(title="Mine")
    root = site({**LUNCH, "content/stories/ten-calls-about-one-sofa.md": mine})
    with running(root) as live:
        status, answer = saved(live, FILLED)
        assert status == 409
        assert (
            answer["message"]
            == "content/stories/ten-calls-about-one-sofa.md already exists; choose another title"
        )
        assert (root / "content/stories/ten-calls-about-one-sofa.md").read_text() == mine


@pytest.mark.parametrize(
    ("changed", "said"),
    [
        ({"related": ["nobody"]}, "13:11: error: related story 'nobody' does not exist"),
        ({"body": "Write to anna.berg@mail.se\n"}, "16:10: error: possible personal data: e-mail address"),
    ],
)
def test_a_story_a_build_would_refuse_is_not_written(site, changed, said):
    root = site(LUNCH)
    with running(root) as live:
        status, answer = saved(live, FILLED | changed)
        assert (status, answer["message"]) == (422, "a build would refuse this story")
        shown = "content/stories/ten-calls-about-one-sofa.md"
        assert any(f"{shown}:{said}" in problem for problem in answer["problems"]), answer["problems"]
        assert not (root / shown).exists()


def test_the_preview_renders_the_body_and_marks_personal_data(site):
    root = site(LUNCH)
    with running(root) as live:
        data = FILLED | {
            "body": "She *called*.\n\nMail anna.berg@mail.se now",
            "terms": {"needs": ["new-need"]},
        }
        status, answer = post(live, PREVIEW, data, X_Insole_Token=token_of(live))
        assert status == 200
        assert answer["html"] == "<p>She <em>called</em>.</p>\n<p>Mail anna.berg@mail.se now</p>\n"
        assert answer["path"] == "content/stories/ten-calls-about-one-sofa.md"
        assert answer["findings"] == [
            {
                "field": "body",
                "line": 3,
                "column": 6,
                "length": 17,
                "label": "e-mail address",
                "text": "anna.berg@mail.se",
            }
        ]
        assert any("'new-need' is not declared in needs" in p for p in answer["problems"])
        assert not list((root / "content/stories").glob("ten-*"))


@pytest.mark.parametrize(
    ("headers", "status", "message"),
    [
        ({"Host": "evil.example"}, 403, "Host not allowed"),
        ({"Origin": "http://evil.example"}, 403, "the request comes from another site"),
        ({"Origin": "null"}, 403, "the request comes from another site"),
        ({"Origin": ""}, 403, "the request says neither where it comes from nor its page"),
        ({"X_Insole_Token": ""}, 403, "the form's token is missing or wrong; open the form again"),
        ({"X_Insole_Token": "guessed"}, 403, "the form's token is missing or wrong; open the form again"),
        ({"Content_Type": "text/plain"}, 415, "send the story as application/json"),
        ({"Content_Length": ""}, 411, "send the length of the story with it"),
    ],
)
def test_writes_from_elsewhere_are_refused(site, headers, status, message):
    root = site(LUNCH)
    with running(root) as live:
        sent = {"X_Insole_Token": token_of(live)} | headers
        assert post(live, SAVE, FILLED, **sent) == (status, {"message": message, "problems": []})
        assert sorted(p.name for p in (root / "content/stories").iterdir()) == ["lunch.md"]


def test_a_referer_of_the_same_site_stands_for_a_missing_origin(site):
    with running(site(LUNCH)) as live:
        token = token_of(live)
        assert (
            post(live, SAVE, FILLED, Origin="", Referer=live.url + "/__insole/form", X_Insole_Token=token)[0]
            == 201
        )


def test_an_oversized_body_is_refused_unread(site):
    root = site(LUNCH)
    with running(root) as live:
        data = json.dumps(FILLED | {"body": "x" * MAX_REQUEST}).encode()
        status, answer = saved(live, data)
        assert (status, answer["message"]) == (413, "a story may be at most 1,000,000 bytes")
        assert not list((root / "content/stories").glob("ten-*"))


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        (b"{not json", 400, "the request is not JSON"),
        (b"[]", 400, "the request is not a JSON object"),
        (FILLED | {"slug": "../../site"}, 400, "the form has no field 'slug'"),
        (FILLED | {"path": "/etc/passwd"}, 400, "the form has no field 'path'"),
        (FILLED | {"title": 7}, 400, "'title' is not text"),
        (FILLED | {"terms": {"status": ["draft"]}}, 400, "the site has no grouping 'status'"),
        (FILLED | {"related": ["../lunch"]}, 422, "related: '../lunch' is not a slug"),
        (
            FILLED | {"terms": {"needs": ["a]\nstatus: draft"]}},
            422,
            "needs: 'a]\nstatus: draft' is not a slug",
        ),
        (FILLED | {"title": "../../"}, 422, "give the story a title with letters or digits"),
        (FILLED | {"date": "2026-13-45"}, 422, "write the date as YYYY-MM-DD"),
    ],
)
def test_what_the_form_does_not_send_is_refused(site, data, status, message):
    root = site(LUNCH)
    with running(root) as live:
        got, answer = saved(live, data)
        assert (got, answer["message"].split(" (")[0]) == (status, message)
        assert sorted(p.name for p in (root / "content/stories").iterdir()) == ["lunch.md"]


def test_a_title_that_climbs_out_stays_in_the_stories_folder(site, tmp_path):
    root = site(LUNCH)
    with running(root) as live:
        status, answer = saved(live, FILLED | {"title": "../../../etc/passwd"})
        assert (status, answer["path"]) == (201, "content/stories/etc-passwd.md")
    assert (root / "content/stories/etc-passwd.md").is_file()
    assert sorted(p.name for p in root.iterdir()) == ["content", "site.yaml"]


def test_only_this_computer_may_write():
    headers = Message()
    for name, value in {
        "Host": "localhost:8000",
        "Origin": "http://localhost:8000",
        "X-Insole-Token": "t",
        "Content-Type": "application/json",
        "Content-Length": "2",
    }.items():
        headers[name] = value
    assert refusal(headers, "127.0.0.1", "t") is None
    assert refusal(headers, "::1", "t") is None
    assert refusal(headers, "::ffff:127.0.0.1", "t") is None
    refused = refusal(headers, "192.0.2.7", "t")
    assert refused and refused.message == "the form takes writes from this computer only"


def test_the_served_site_links_to_the_form_and_the_built_site_does_not(site, run):
    root = site(LUNCH)
    with running(root) as live:
        served = live.get("/stories/lunch/")[1]
        assert re.search(
            r'<nav aria-label="insole serve"[^>]*><a href="/__insole/form"[^>]*>Write a story</a>', served
        )
        status, form = live.get("/__insole/form")
        assert status == 200 and "<h1>Write a story</h1>" in form
        assert "/__insole/events" not in form  # a rebuild must not reload what is being typed
    assert run(root, "build").code == 0
    built = [p for p in (root / "_site").rglob("*") if p.is_file()]
    assert not any("__insole" in str(p) or "form" in p.name for p in built)
    assert not any(b"Write a story" in p.read_bytes() or b"__insole" in p.read_bytes() for p in built)


def test_the_form_offers_the_vocabulary_in_order_with_descriptions(site):
    with running(site(LUNCH)) as live:
        form = live.get("/__insole/form")[1]
    achieve, avoid = form.index(">To achieve<"), form.index(">To avoid<")
    assert achieve < form.index('value="assemble-without-help"') < form.index('value="stay-healthy"') < avoid
    assert avoid < form.index('value="second-trip"')
    places = [
        form.index(f'name="processes" value="{slug}"')
        for slug in ("delivery", "assembly-instructions", "support")
    ]
    assert places == sorted(places)
    assert "Customers want the <em>wardrobe</em> standing the same evening." in form
    assert f'value="{dt.date.today().isoformat()}"' in form
    assert '{"slug": "lunch", "title": "Lunch in the support centre"}' in form


def test_the_story_list_for_related_cannot_end_its_script(site):
    files = {"content/stories/x.md": story(title='"</script><script>alert(1)</script>"')}
    with running(site(files)) as live:
        form = live.get("/__insole/form")[1]
    assert form.count("</script>") == 3  # the two JSON blocks and the form's own script
    assert "\\u003c/script\\u003e" in form


def test_a_base_template_the_form_cannot_fill_is_an_error_at_its_line(site):
    shown = '{{ story.title if page.template.endswith("form.html") else terms | length }}'
    own = '{% extends "default/base.html" %}\n{% block description %}' + shown + "{% endblock %}\n"
    files = {**LUNCH, "templates/base.html": own}
    with running(site(files)) as live:
        status, page = live.get("/__insole/form")
    assert status == 500
    said = "templates/base.html:2:1: error: template error: 'story' is undefined (making __insole/form/index.html)"
    assert said in html.unescape(page)


def test_the_file_is_named_as_insole_new_names_it(site):
    title = "Lastkajen på Söder " + "and the long wait " * 15
    root = site(LUNCH)
    with running(root) as live:
        status, answer = post(live, PREVIEW, FILLED | {"title": title}, X_Insole_Token=token_of(live))
    config, _ = load_config(root)
    assert (status, answer["path"]) == (200, new_story_path(config, title).relative_to(root).as_posix())
    assert answer["path"].startswith("content/stories/lastkajen-pa-soder-and-the-long-wait-")
