"""Running `insole serve` in a thread for tests, and talking to it over HTTP."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path

from insole.errors import Problem
from insole.options import Options
from insole.serve import serve


@dataclass
class Live:
    """A running dev server and what it reported."""

    root: Path
    url: str = ""
    builds: list[tuple[bool, list[Problem]]] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    def get(self, path: str, host: str | None = None) -> tuple[int, str]:
        """The status and text of a GET request."""
        request = urllib.request.Request(self.url + path)
        if host:
            request.add_header("Host", host)
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    def wait_for(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until a condition holds, or fail."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; builds so far: {self.builds}")
            time.sleep(0.02)


@contextmanager
def running(root: Path) -> Iterator[Live]:
    """`insole serve` on a free port for the duration of a with-block."""
    live = Live(root)
    started = threading.Event()
    holder: list[ThreadingHTTPServer] = []

    def ready(server: ThreadingHTTPServer) -> None:
        holder.append(server)
        live.url = f"http://127.0.0.1:{server.server_address[1]}"
        started.set()

    def report(ok: bool, problems: list[Problem], seconds: float) -> None:
        live.builds.append((ok, problems))

    thread = threading.Thread(
        target=serve,
        args=(Options(root=root), "127.0.0.1", 0, live.messages.append, report, ready),
        daemon=True,
    )
    thread.start()
    assert started.wait(20), "the server did not start"
    try:
        yield live
    finally:
        holder[0].shutdown()
        thread.join(10)
