"""Review dates: which stories should be checked again, since when and why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .story import Story
from .yamldoc import Spot

REVIEW_BY = "review_by"  # the story's own review_by date has passed
AGE = "age"  # the story is older than site.yaml's review_after_months and has no review_by


@dataclass(frozen=True)
class Due:
    """A story due for review: where it is, since when and why."""

    slug: str
    title: str
    path: str
    spot: Spot
    since: dt.date
    reason: str


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it is shorter; at most the last date."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if year > dt.MAXYEAR:  # past the calendar's end, a review never comes
        return dt.date.max
    for last in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("every month has 28 days")  # pragma: no cover


def due(story: Story, today: dt.date, months: int = 0) -> Due | None:
    """Whether a story is due for review on `today`; `months` 0 means age alone never is."""
    if story.review_by is not None:
        since, reason = story.review_by, REVIEW_BY
    elif months:
        since, reason = add_months(story.date, months), AGE
    else:
        return None
    if today <= since:
        return None
    return Due(story.slug, story.title, story.source_path, story.review_spot, since, reason)


def due_for_review(stories: Iterable[Story], today: dt.date, months: int = 0) -> dict[str, Due]:
    """The stories due for review on `today`, by slug, in the order given."""
    return {found.slug: found for story in stories if (found := due(story, today, months))}
