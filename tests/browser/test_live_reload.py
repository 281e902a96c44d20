"""In a real browser: a served story follows edits on disk, and errors show as an overlay."""

from __future__ import annotations

from conftest import story
from live import running
from playwright.sync_api import expect


def test_page_follows_edits_and_shows_errors(site, browser):
    root = site({"content/stories/lunch.md": story(body="The first version of the story.\n")})
    path = root / "content/stories/lunch.md"
    with running(root) as live:
        page = browser.new_page()
        page.goto(live.url + "/stories/lunch/")
        expect(page.locator("article")).to_contain_text("The first version of the story.")

        path.write_text(story(body="The second version, saved in an editor.\n"), encoding="utf-8")
        expect(page.locator("article")).to_contain_text(
            "The second version, saved in an editor.", timeout=10_000
        )

        path.write_text(story(date="2024-13-45", body="Broken.\n"), encoding="utf-8")
        overlay = page.locator("#insole-errors")
        expect(overlay).to_be_visible(timeout=10_000)
        expect(overlay).to_contain_text("content/stories/lunch.md:3:7")
        expect(overlay).to_contain_text("is not a date")

        path.write_text(story(body="The third version, fixed.\n"), encoding="utf-8")
        expect(page.locator("article")).to_contain_text("The third version, fixed.", timeout=10_000)
        expect(overlay).to_have_count(0)
        page.close()
