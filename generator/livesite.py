"""What one `insole serve` shares between its watcher, builder and request threads: the site in memory."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .build import Live, rebuild
from .errors import BuildFailed, Problem
from .options import Options


@dataclass
class LiveSite:
    """The state one `insole serve` shares between its watcher, builder and request threads."""

    options: Options
    live: Live = field(init=False)
    epoch: int = 0
    problems: list[str] = field(default_factory=list)
    changed: threading.Event = field(default_factory=threading.Event)
    last_event: float = 0.0
    news: threading.Condition = field(default_factory=threading.Condition)
    touched: set[Path] = field(default_factory=set)  # files changed since the last rebuild
    guard: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.live = Live(self.options)

    def rebuild(self) -> tuple[bool, list[Problem], float]:
        """Make again what changed, in memory; on failure keep serving the last good site."""
        started = time.perf_counter()
        with self.guard:
            touched, self.touched = self.touched, set()
        try:
            live = rebuild(self.live, touched)
        except BuildFailed as failed:
            with self.news:
                self.problems = [str(p) for p in failed.problems if p.is_error]
                self.news.notify_all()
            return False, failed.problems, time.perf_counter() - started
        with self.news:
            self.live = live
            self.problems = []
            self.epoch += 1
            self.news.notify_all()
        return True, live.problems, time.perf_counter() - started

    def lookup(self, request_path: str) -> tuple[bytes | None, str]:
        """The bytes a request asks for (None if the site has no such file) and the site path."""
        path = site_path(request_path)
        if path is None:
            return None, ""
        return self.live.page(path), path

    def wait(self, epoch: int, problems: list[str], timeout: float) -> tuple[int, list[str]]:
        """The epoch and problems once either differs from what a browser has, or on timeout."""
        with self.news:
            self.news.wait_for(lambda: self.epoch != epoch or self.problems != problems, timeout)
            return self.epoch, list(self.problems)

    def touch(self, *paths: Path) -> None:
        """Note that watched files changed."""
        with self.guard:
            self.touched.update(paths)
        self.last_event = time.monotonic()
        self.changed.set()


def site_path(request_path: str) -> str | None:
    """The site path a request names, or None for anything that tries to leave the site."""
    path = unquote(urlsplit(request_path).path)
    if "\x00" in path or "\\" in path or not path.startswith("/"):
        return None
    parts = path.split("/")[1:]
    if any(part in ("..", ".") for part in parts):
        return None
    path = "/".join(parts)
    return path + "index.html" if path == "" or path.endswith("/") else path
