"""Review dates: stories past review_by, or older than review_after_months, are marked and listed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import SITE_YAML, story

from insole.build import build
from insole.options import Options
from insole.review import AGE, REVIEW_BY, add_months, due, due_for_review
from insole.story import Story

DAY = dt.date(2026, 6, 15)


def make(slug: str, date: dt.date, review_by: dt.date | None = None) -> Story:
    """A story with a date and maybe a review date."""
    return Story(slug, slug.title(), date, f"{slug}.md", ("n",), ("p",), review_by=review_by)


def test_add_months_keeps_the_day_or_takes_the_last_of_a_shorter_month():
    assert add_months(dt.date(2024, 1, 15), 24) == dt.date(2026, 1, 15)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2023, 1, 31), 1) == dt.date(2023, 2, 28)
    assert add_months(dt.date(2024, 11, 30), 3) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 12, 1), 1) == dt.date(2025, 1, 1)


def test_a_story_is_due_the_day_after_its_review_by():
    story = make("a", dt.date(2025, 1, 1), review_by=DAY)
    assert due(story, DAY) is None
    found = due(story, DAY + dt.timedelta(days=1))
    assert found is not None and (found.since, found.reason) == (DAY, REVIEW_BY)


def test_age_counts_only_when_asked_and_only_without_review_by():
    old = make("old", dt.date(2024, 6, 15))
    assert due(old, DAY) is None, "review_after_months is off by default"
    assert due(old, DAY, months=24) is None, "exactly 24 months old is not older than 24 months"
    found = due(old, DAY + dt.timedelta(days=1), months=24)
    assert found is not None and (found.since, found.reason) == (DAY, AGE)
    reviewed = make("reviewed", dt.date(2020, 1, 1), review_by=dt.date(2030, 1, 1))
    assert due(reviewed, DAY, months=24) is None, "a review date in the future overrides the age"


def test_due_for_review_keeps_the_order_given():
    stories = [make("c", dt.date(2020, 1, 1)), make("a", dt.date(2026, 1, 1)), make("b", dt.date(2019, 1, 1))]
    assert list(due_for_review(stories, DAY, months=12)) == ["c", "b"]


def test_the_story_page_says_why_it_is_due(site):
    text = story("Old", date="2020-01-01", extra="review_by: 2021-01-01")
    stories = {"content/stories/old.md": text, "content/stories/aged.md": story("Aged", date="2020-01-01")}
    root = site(stories, site_yaml=SITE_YAML + "review_after_months: 12\n")
    result = build(Options(root=root, output=root / "_site", search=False, today=DAY))
    assert result.problems == []
    pages = (root / "_site/stories/old/index.html").read_text(encoding="utf-8")
    assert "the date to check this story again, 1 January 2021, has passed" in pages
    aged = (root / "_site/stories/aged/index.html").read_text(encoding="utf-8")
    assert "more than 12 months old and has no review date" in aged


def built_pages(root: Path, today: dt.date) -> dict[str, str]:
    """The sample site built on a given day: each page's text by path."""
    build(Options(root=root, output=root / "_site", search=False, today=today))
    return {
        p.relative_to(root / "_site").as_posix(): p.read_text(encoding="utf-8")
        for p in (root / "_site").rglob("*.html")
    }


def test_a_story_past_review_by_is_marked_on_its_page_and_in_lists(site):
    root = site(
        {
            "content/stories/due.md": story("Due story", extra="review_by: 2026-01-01"),
            "content/stories/fresh.md": story("Fresh story", extra="review_by: 2027-01-01"),
        }
    )
    pages = built_pages(root, DAY)
    assert "due-note" in pages["stories/due/index.html"]
    assert "due-note" not in pages["stories/fresh/index.html"]
    listing = pages["stories/index.html"]
    due_item = listing[listing.index(">Due story<") :].split("</li>")[0]
    fresh_item = listing[listing.index(">Fresh story<") :].split("</li>")[0]
    assert '<span class="due">Due for review</span>' in due_item
    assert "Due for review" not in fresh_item
    assert '<span class="due">Due for review</span>' in pages["needs/assemble-without-help/index.html"]


def test_the_same_library_on_another_day_marks_nothing(site):
    root = site({"content/stories/due.md": story("Due story", extra="review_by: 2026-01-01")})
    pages = built_pages(root, dt.date(2025, 12, 31))
    assert not any('<span class="due">' in text or "due-note" in text for text in pages.values())


def test_check_lists_the_stories_due_for_review_at_their_places(site, run):
    stories = {
        "content/stories/due.md": story("Due story", extra="review_by: 2001-02-03"),
        "content/stories/aged.md": story("Aged story", date="2001-01-01"),
        "content/stories/fresh.md": story("Fresh story", extra="review_by: 2999-01-01"),
    }
    root = site(stories, site_yaml=SITE_YAML + "review_after_months: 24\n")
    result = run(root, "check")
    assert result.code == 0
    assert "2 stories due for review:" in result.out
    assert "content/stories/due.md:6:12: 'Due story': review_by 2001-02-03 has passed" in result.out
    assert (
        "content/stories/aged.md:3:7: 'Aged story': no review_by, and older than review_after_months since 2003-01-01"
        in result.out
    )
    assert "Fresh story" not in result.out
    assert result.err == "", "being due for review is no warning, so --strict does not fail on it"
    assert run(root, "check", "--strict").code == 0


def test_review_after_months_must_be_a_number_of_months(site, run):
    for value, column in (("soon", 22), ("0", 22), ("true", 22)):
        root = site(
            {"content/stories/a.md": story()}, site_yaml=SITE_YAML + f"review_after_months: {value}\n"
        )
        result = run(root, "check")
        assert result.code == 1
        line = SITE_YAML.count("\n") + 1
        assert (
            f"site.yaml:{line}:{column}: error: 'review_after_months' must be a number of months"
            in result.err
        )


def test_the_review_page_lists_the_stories_due_the_longest_due_first(site):
    stories = {
        "content/stories/later.md": story("Later", extra="review_by: 2026-02-01\nauthor: Maja"),
        "content/stories/aged.md": story("Aged", date="2020-01-01"),
        "content/stories/fresh.md": story("Fresh", extra="review_by: 2027-01-01"),
    }
    root = site(stories, site_yaml=SITE_YAML + "review_after_months: 12\n")
    pages = built_pages(root, DAY)
    queue = pages["review/index.html"]
    assert queue.index(">Aged</a>") < queue.index(">Later</a>")
    assert "Fresh" not in queue
    assert (
        'Due since <time datetime="2021-01-01">1 January 2021</time>: more than 12 months old.</p>' in queue
    )
    assert (
        'Due since <time datetime="2026-02-01">1 February 2026</time>: its review date has passed.'
        " Written up by Maja.</p>" in queue
    )
    assert (
        '<a href="../review/">Stories due for review</a> <span class="count">2 stories</span>'
        in (pages["insights/index.html"])
    )
    assert "<loc>/review/</loc>" in (root / "_site/sitemap.xml").read_text(encoding="utf-8")


def test_the_review_page_says_when_nothing_is_due(site):
    root = site({"content/stories/fresh.md": story("Fresh", extra="review_by: 2027-01-01")})
    queue = built_pages(root, DAY)["review/index.html"]
    assert '<p class="empty">No story is due for review.</p>' in queue
    assert "<ol" not in queue


def test_a_long_review_queue_goes_on_over_pages_of_a_hundred(site):
    stories = {
        f"content/stories/s{n:03}.md": story(f"Story {n:03}", extra=f"review_by: 2025-{1 + n % 12:02}-01")
        for n in range(101)
    }
    root = site(stories)
    pages = built_pages(root, DAY)
    first, second = pages["review/index.html"], pages["review/page/2/index.html"]
    assert first.count('class="story-link"') == 100 and second.count('class="story-link"') == 1
    assert '<ol class="review-queue" start="101">' in second
    assert ">Story 095</a>" in second, (
        "due the latest (review_by 2025-12-01), and the last of its day by path"
    )
    assert '<a href="../review/page/2/" rel="next">Next page</a>' in first
    assert "<loc>/review/page/2/</loc>" in (root / "_site/sitemap.xml").read_text(encoding="utf-8")


def test_check_review_prints_the_queue_and_a_count_and_exits_as_check_does(site, run):
    stories = {
        "content/stories/due.md": story("Due story", extra="review_by: 2001-02-03\nauthor: Maja"),
        "content/stories/aged.md": story("Aged story", date="2001-01-01"),
        "content/stories/fresh.md": story("Fresh story", extra="review_by: 2999-01-01"),
    }
    root = site(stories, site_yaml=SITE_YAML + "review_after_months: 24\n")
    result = run(root, "check", "--review")
    assert result.code == 0 and result.err == ""
    assert result.out.splitlines()[:3] == [
        "content/stories/due.md:6:12: due for review since 2001-02-03 (review_by has passed; written up by Maja)",
        "content/stories/aged.md:3:7: due for review since 2003-01-01 (older than review_after_months)",
        "2 stories due for review, the first since 2001-02-03",
    ]
    assert run(root, "check", "--review", "--strict").code == 0


def test_check_review_says_when_nothing_is_due(site, run):
    root = site({"content/stories/fresh.md": story("Fresh story")})
    result = run(root, "check", "--review")
    assert result.code == 0
    assert result.out.splitlines()[0] == "No story is due for review"
    assert "--review" in run(root, "check", "--help").out
