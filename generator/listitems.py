"""Each story's item in the story lists, made once for what it shows and kept by its key."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import jinja2
from markupsafe import Markup

from .digests import digest
from .story import Story

LISTED = "listed_items"  # the templates' helper that makes and keeps story list items


class ListedItems:
    """Each story's item in the story lists, made once for what it shows, so a long list is mostly joined.

    An item shows only its story (which `Story.facts` digests), whether the story is due
    for review, the way back to the site root and how it is asked for; the rest (settings,
    templates, insole itself) is `basis`. Only the default theme's item is known to show
    nothing else, so with a site's own templates every item is made every time. `known`
    finds items made before by their key.
    """

    def __init__(self, basis: str = "", known: Callable[[str], str | None] | None = None, theme: bool = True):
        self.basis = basis
        self.known = known
        self.theme = theme
        self.found: dict[str, str] = {}
        self.made: dict[str, str] = {}  # items made by this process, for `known` to find another time

    def __call__(
        self,
        context: Any,
        stories: Sequence[Story],
        item: Callable[..., str],
        summary: bool,
        facets_of: Callable[[Story], object] | None,
        facets: object,
        kind: str = "",
    ) -> Markup:
        """The items of a list, each on its own line, made with the `item` macro where not made before.

        `kind` tells lists whose items show other things of a story apart (its quotes, for one).
        """
        root, due = str(context["root"]), context["due"]
        asked = f"{kind}:{root}:{summary}:{'of' if facets_of else repr(facets)}:{self.basis}"
        # A key starts with a digit of how the list asks, then the story's digest: the
        # items of one kind of list fall in a sixteenth of the memo's files.
        lead = digest(asked)[0] if self.theme else ""
        found, texts = self.found, []
        for story in stories:
            key = (
                f"{lead}{story.facts}:{story.slug}:{story.slug in due}:{asked}"
                if lead and story.facts
                else ""
            )
            text = found.get(key) or self.kept(key) if key else None
            if text is None:
                text = str(item(story, summary, facets_of(story) if facets_of else facets))
                if key:
                    self.add({key: text})
            texts.append(text)
        return Markup("\n".join(texts))

    def kept(self, key: str) -> str | None:
        """The item made before under `key`, or None."""
        text = self.known(key) if self.known is not None else None
        if text is not None:
            self.found[key] = text
        return text

    def add(self, made: dict[str, str]) -> None:
        """Note items made here or by a worker process."""
        self.found.update(made)
        self.made.update(made)


def listed_items(env: jinja2.Environment) -> ListedItems | None:
    """The environment's list items."""
    found = env.globals.get(LISTED)
    return found if isinstance(found, ListedItems) else None
