"""In a real browser: a story written in the form of `insole serve` is previewed, checked, saved and shown."""

from __future__ import annotations

import json
import subprocess

from conftest import SITE_YAML, story
from live import running
from playwright.sync_api import expect
from published import AXE_JS, VNU_JAR, checker, program, serious_violations

LUNCH = {"content/stories/lunch.md": story()}


def test_a_story_written_in_the_form_is_saved_and_shown(site, page):
    root = site(LUNCH)
    with running(root) as live:
        page.goto(live.url + "/stories/lunch/")
        page.get_by_role("link", name="Write a story").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Write a story")

        page.get_by_label("Title", exact=True).fill("Nobody knew she had called")
        expect(page.locator("#slug-path")).to_have_text("content/stories/nobody-knew-she-had-called.md")
        page.get_by_label("Customer", exact=True).fill("Small business owners")
        page.get_by_label("A second trip to the store").check()
        page.get_by_label("Delivery", exact=True).check()
        page.get_by_label("Another term, not declared yet").first.fill("pickup")
        page.locator('[data-add="processes"]').click()
        expect(page.locator("#processes .undeclared")).to_have_text("not declared yet")
        expect(page.locator("#problems")).to_contain_text("'pickup' is not declared in processes")
        page.get_by_label("Find a story by its title").fill("lunch")
        page.get_by_role("button", name="Relate: Lunch in the support centre").click()

        body = page.get_by_label("The story, in Markdown")
        body.fill("She called *three* times.\n\nWrite to anna.berg@mail.se for the invoice.")
        expect(page.frame_locator("#preview").locator("em")).to_have_text("three")
        findings = page.locator("#findings")
        expect(findings).to_contain_text("line 3, column 10: e-mail address 'anna.berg@mail.se'")
        expect(findings.locator("mark")).to_have_text("anna.berg@mail.se")
        page.get_by_role("button", name="Save the story").click()
        expect(page.locator("#saved")).to_have_text("a build would refuse this story")
        assert not (root / "content/stories/nobody-knew-she-had-called.md").exists()

        body.fill('She called *three* times.\n\n> "Nobody knew I had called before."')
        expect(findings).to_be_empty()
        page.get_by_role("button", name="Save the story").click()
        page.wait_for_url(live.url + "/stories/nobody-knew-she-had-called/", timeout=10_000)
        expect(page.locator("article")).to_contain_text("Nobody knew I had called before.")
        expect(page.locator("article")).to_contain_text("Lunch in the support centre")
    written = (root / "content/stories/nobody-knew-she-had-called.md").read_text(encoding="utf-8")
    assert "processes: [delivery, pickup]" in written and "related: [lunch]" in written


def test_raw_html_in_the_preview_runs_no_script_on_a_site_that_allows_it(site, page):
    root = site(LUNCH, SITE_YAML + "allow_html: true\n")
    with running(root) as live:
        page.goto(live.url + "/__insole/form")
        page.get_by_label("Title", exact=True).fill("Pasted from a mail")
        body = page.get_by_label("The story, in Markdown")
        body.fill('<b>Bold</b> <img src="nowhere.png" alt="" onerror="parent.document.title = \'ran\'">')
        expect(page.frame_locator("#preview").locator("b")).to_have_text("Bold")
        page.wait_for_timeout(300)  # long enough for the image to fail and its handler to run, were it let
        assert page.title() != "ran"


def test_the_form_page_passes_axe_and_the_nu_html_checker(site, page, tmp_path):
    axe = checker(AXE_JS).read_text(encoding="utf-8")
    with running(site(LUNCH)) as live:
        status, form = live.get("/__insole/form")
        page.goto(live.url + "/__insole/form")
        page.get_by_label("Another need, not declared yet").fill("new-need")
        page.locator('[data-add="needs"]').click()
        page.get_by_label("The story, in Markdown").fill("Mail anna.berg@mail.se\n\n> A quote")
        expect(page.locator("#findings mark")).to_be_visible()
        shown = page.content()  # before axe's own script is added to it
        assert serious_violations(page, axe) == []
        page.goto(live.url + "/stories/lunch/")  # with the link to the form that serve adds
        assert serious_violations(page, axe) == []
    jar = checker(VNU_JAR)
    for name, html in (("form.html", form), ("filled.html", shown)):
        (tmp_path / name).write_text(html, encoding="utf-8")
    command = [program("java"), "-Xss8m", "-jar", str(jar), "--errors-only", "--format", "json"]
    ran = subprocess.run([*command, "form.html", "filled.html"], cwd=tmp_path, capture_output=True, text=True)
    errors = [
        f"{m.get('url')}:{m.get('lastLine')}: {m['message']}" for m in json.loads(ran.stderr)["messages"]
    ]
    assert (status, errors) == (200, [])
