"""Parts of many pages (the header, the footer, links to terms), each made once a build."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import jinja2
from markupsafe import Markup


class Fragments:
    """`fragment(name, **values)` in a template: the template `name` made with exactly `values`.

    A fragment sees only the values it is given (and what every page sees: the settings and
    the interface's words), so one made for some values is the same wherever they come again,
    and is made only the first time. Each build starts with none made.
    """

    def __init__(self, env: jinja2.Environment) -> None:
        self.env = env
        self.made: dict[tuple[str, tuple[tuple[str, Hashable], ...]], Markup] = {}

    def __call__(self, name: str, **values: Any) -> Markup:
        """The fragment made from template `name` with these values."""
        key = (name, tuple(values.items()))  # each template passes its values in one order
        made = self.made.get(key)
        if made is None:
            made = self.made[key] = Markup(self.env.get_template(name).render(values))
        return made
