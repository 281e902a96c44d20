"""Checks between stories, and of what lies beside one: slugs, related stories, images, Markdown files."""

from __future__ import annotations

import datetime as dt

from .errors import Problem, did_you_mean, display_path, error, warning
from .frontmatter import StoryFile
from .story import Story
from .storyfiles import Source


def not_published(story: Story, today: dt.date | None) -> Problem | None:
    """A warning when a story is left out of the site: a draft, or dated after today."""
    if story.draft:
        at, message = story.status_spot, "a draft, so it is not published"
    elif today and story.date > today:
        at, message = (
            story.date_spot,
            f"dated {story.date.isoformat()}, after today, so it is not published yet",
        )
    else:
        return None
    return warning(story.source_path, at.line, at.column, message, "build with --drafts to include it")


def stories_beside(file: Source) -> list[Problem]:
    """Warn about Markdown files in a story's folder: they are copied as they are, drafts too."""
    hint = "move it out of the story's folder to make it a story of its own"
    return [
        warning(
            display_path(file.folder / name), 1, 1, "copied as it is beside the story, not made a story", hint
        )
        for name in file.assets
        if file.folder and name.lower().endswith(".md")
    ]


def check_images(
    shown: str, parts: StoryFile, images: tuple[str, ...], assets: tuple[str, ...]
) -> list[Problem]:
    """Warn about relative images that are not beside the story."""
    problems = []
    lines = parts.body.split("\n")
    for src in images:
        if src.split("#")[0].split("?")[0] in assets:
            continue
        number = next((i for i, line in enumerate(lines) if src in line), 0)
        column = lines[number].find(src) + 1 if lines else 1
        problems.append(
            warning(
                shown,
                parts.body_line + number,
                max(column, 1),
                f"image '{src}' is not beside the story",
                "make the story a folder with index.md and put the file there",
            )
        )
    return problems


def check_slugs(stories: list[Story]) -> list[Problem]:
    """Errors for two stories that would be published at one address."""
    seen: dict[str, Story] = {}
    problems = []
    for story in stories:
        other = seen.setdefault(story.slug, story)
        if other is not story:
            problems.append(
                error(
                    story.source_path,
                    story.slug_spot.line,
                    story.slug_spot.column,
                    f"slug '{story.slug}' is already used",
                    f"also the slug of {other.source_path}; set 'slug:' to tell them apart",
                )
            )
    return problems


def check_related(stories: list[Story], slugs: set[str]) -> list[Problem]:
    """Errors for `related` slugs that name no story file in `slugs`; a warning for a story naming itself.

    A story that failed its checks still exists for the others: its own errors say what is wrong.
    """
    problems = []
    for story in stories:
        for slug, at in zip(story.related, story.related_spots, strict=True):
            if slug == story.slug:
                message = "a story is not related to itself"
                problems.append(warning(story.source_path, at.line, at.column, message, "remove it"))
            elif slug not in slugs:
                problems.append(
                    error(
                        story.source_path,
                        at.line,
                        at.column,
                        f"related story '{slug}' does not exist",
                        did_you_mean(slug, slugs),
                    )
                )
    return problems
