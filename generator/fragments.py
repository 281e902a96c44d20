"""The templates' `{% once %}` tag: a fragment made once a build for each value of its keys."""

from __future__ import annotations

from collections.abc import Callable, Hashable

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser


class Once(Extension):
    """`{% once key, ... %}...{% endonce %}`: the fragment is made where a build first meets its keys.

    Wherever else the same keys come, the fragment made then is shown again. It suits a part
    of many pages that shows only what its keys name (and what is the same on every page),
    such as a link to a term from pages at the same depth: the keys are then the term and
    `root`. Each environment, so each build, starts with none made.
    """

    tags = {"once"}  # noqa: RUF012 (Jinja reads the set from the class)

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        self.made: dict[tuple[Hashable, ...], str] = {}

    def parse(self, parser: Parser) -> nodes.Node:
        """The tag's keys, led by a name for the tag, and the fragment up to `endonce`."""
        lineno = next(parser.stream).lineno
        # The template's name and a name the parser gives only this tag in it tell tags apart.
        tag = f"{parser.name}:{lineno}:{parser.free_identifier(lineno).name}"
        keys: list[nodes.Expr] = [nodes.Const(tag)]
        while parser.stream.current.type != "block_end":
            if len(keys) > 1:
                parser.stream.expect("comma")
            keys.append(parser.parse_expression())
        body = parser.parse_statements(("name:endonce",), drop_needle=True)
        call = self.call_method("_once", [nodes.Tuple(keys, "load")])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _once(self, keys: tuple[Hashable, ...], caller: Callable[[], str]) -> str:
        """The fragment made for these keys, made now if it is the first time."""
        made = self.made.get(keys)
        if made is None:
            made = self.made[keys] = caller()
        return made
