"""Review dates: which stories should be checked again, since when and why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .history import Change
from .story import Story
from .yamldoc import Spot

REVIEW_BY = "review_by"  # the story's own review_by date has passed
AGE = "age"  # the story is older than site.yaml's review_after_months and has no review_by
CHANGED = "changed"  # with review_from: git, the story has not changed for review_after_months


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


@dataclass(frozen=True)
class Queued:
    """A story in the review queue: why it is due, who wrote it up, and its last change if known."""

    due: Due
    author: str
    changed: Change | None


def due(story: Story, today: dt.date, months: int = 0, changed: dt.date | None = None) -> Due | None:
    """Whether a story is due for review on `today`; `months` 0 means age alone never is.

    A last change given counts as a review: the age counts from it when it is after the story's date.
    """
    if story.review_by is not None:
        since, reason = story.review_by, REVIEW_BY
    elif months and changed is not None and changed > story.date:
        since, reason = add_months(changed, months), CHANGED
    elif months:
        since, reason = add_months(story.date, months), AGE
    else:
        return None
    if today <= since:
        return None
    return Due(story.slug, story.title, story.source_path, story.review_spot, since, reason)


def due_for_review(
    stories: Iterable[Story], today: dt.date, months: int = 0, changed: Mapping[str, Change] | None = None
) -> dict[str, Due]:
    """The stories due for review on `today`, by slug, in the order given; a change counts as a review."""
    last = {slug: change.date for slug, change in (changed or {}).items()}
    found = (due(story, today, months, last.get(story.slug)) for story in stories)
    return {each.slug: each for each in found if each}


def review_queue(
    due: Iterable[Due], stories: Mapping[str, Story], changed: Mapping[str, Change]
) -> list[Queued]:
    """The stories due, the longest due first, each with its author and last change."""
    ordered = sorted(due, key=lambda found: (found.since, found.path, found.slug))
    return [Queued(found, stories[found.slug].author, changed.get(found.slug)) for found in ordered]
