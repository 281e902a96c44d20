"""Long lists cut into pages: which items each page holds and where the others are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

# Stories on one page of a list: 100 items weigh about 60 KB, far below 500 KB, whatever the library.
LIST_PAGE = 100

Item = TypeVar("Item")


@dataclass(frozen=True)
class Pager:
    """One page of a list cut into pages: its number, how many there are, and where the first is."""

    first: str  # the first page's address relative to the site root, such as "stories/"
    number: int
    count: int
    total: int  # items in the whole list
    size: int = LIST_PAGE

    def url(self, number: int) -> str:
        """Where page `number` of the list is: the first at the list's address, the rest under page/."""
        return self.first if number == 1 else f"{self.first}page/{number}/"

    @property
    def path(self) -> str:
        """The file this page is written to."""
        return self.url(self.number) + "index.html"

    def part(self, items: Sequence[Item]) -> Sequence[Item]:
        """This page's items of the whole list."""
        return items[(self.number - 1) * self.size : self.number * self.size]

    def near(self) -> list[int | None]:
        """The page numbers to link to: the first, the last, two either side of this one; None for a gap."""
        wanted = {1, self.count, *range(max(1, self.number - 2), min(self.count, self.number + 2) + 1)}
        shown: list[int | None] = []
        last = 0
        for number in sorted(wanted):
            if number > last + 1:
                shown.append(None)
            shown.append(number)
            last = number
        return shown


def pagers(first: str, total: int, size: int = LIST_PAGE) -> list[Pager]:
    """The pages of a list of `total` items at `first`, `size` a page; an empty list has one page."""
    count = max(1, -(-total // size))
    return [Pager(first, number, count, total, size) for number in range(1, count + 1)]


def split(first: str, items: Sequence[Item], size: int = LIST_PAGE) -> list[tuple[Pager, Sequence[Item]]]:
    """A list at `first` cut into pages: each page's pager and its items."""
    return [(pager, pager.part(items)) for pager in pagers(first, len(items), size)]
