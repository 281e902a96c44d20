"""The `Finding` value a finding file becomes: what the team concluded, and the stories it rests on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

STATUSES = ("open", "decided", "done")


@dataclass(frozen=True)
class Finding:
    """One finding, checked, with its body as HTML."""

    slug: str
    title: str
    date: dt.date
    status: str
    source_path: str
    evidence: tuple[str, ...]  # the slugs of the stories it rests on, each once, as listed
    owner: str = ""
    summary: str = ""
    body: str = ""
    filed: tuple[tuple[str, tuple[str, ...]], ...] = ()  # its terms in each grouping that lists some

    def terms(self, grouping: str) -> tuple[str, ...]:
        """The terms the finding lists in a grouping, by the grouping's key."""
        return dict(self.filed).get(grouping, ())
