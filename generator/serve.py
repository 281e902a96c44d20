"""`insole serve`: build in memory, serve on localhost, rebuild what changed, reload the browser."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

from .build import ignored
from .devserver import Server, allowed_hosts, bind, make_handler
from .errors import Problem
from .livesite import LiveSite
from .options import Options

QUIET = 0.04  # seconds without file events before a burst counts as finished: an editor's save takes a few ms
WATCHED = ("content", "templates")


class _Watcher(FileSystemEventHandler):
    """Passes on changes to the site's sources, skipping editor and OS junk."""

    def __init__(self, site: LiveSite, root: Path, rewatch: Callable[[str], None] = lambda name: None):
        self.site = site
        self.root = root.resolve()
        self.rewatch = rewatch  # watches a source folder made (or made again) while serving

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":  # its files report their own changes
            return
        paths = [event.src_path, getattr(event, "dest_path", "")]
        found = [Path(str(p)) for p in paths if p]
        if event.is_directory and event.event_type in ("created", "moved"):
            for path in found:
                if path.parent.resolve() == self.root and path.name in WATCHED:
                    self.rewatch(path.name)
        if any(self.relevant(p) for p in found):
            self.site.touch(*(p.resolve() for p in found))

    def relevant(self, path: Path) -> bool:
        """True for a change that can alter the site."""
        if ignored(path.name):
            return False
        try:
            # Where the file is, not where it leads: a story swapped for a link is a change too.
            parts = (path.parent.resolve() / path.name).relative_to(self.root).parts
        except (ValueError, OSError, RuntimeError):
            return False
        return parts == ("site.yaml",) or bool(parts and parts[0] in WATCHED)


Report = Callable[[bool, list[Problem], float], None]


def rebuild_loop(site: LiveSite, stop: threading.Event, report: Report) -> None:
    """Rebuild once per burst of changes; a change during a rebuild causes another."""
    while not stop.is_set():
        if not site.changed.wait(0.2):
            continue
        while time.monotonic() - site.last_event < QUIET:
            time.sleep(QUIET / 4)
        site.changed.clear()
        report(*site.rebuild())


def watch(observer: Any, watcher: _Watcher, watches: dict[str, ObservedWatch], name: str) -> None:
    """Watch a source folder of the site anew, if it is there: it may have been removed and made again."""
    with contextlib.suppress(KeyError, OSError):
        if name in watches:
            observer.unschedule(watches.pop(name))
    folder = watcher.root / name
    if folder.is_dir():
        with contextlib.suppress(OSError):
            watches[name] = observer.schedule(watcher, str(folder), recursive=True)


def serve(
    options: Options,
    host: str,
    port: int,
    announce: Callable[[str], None],
    report: Report,
    ready: Callable[[ThreadingHTTPServer], None] | None = None,
) -> None:
    """Serve the site until interrupted."""
    site = LiveSite(options)
    stop = threading.Event()
    observer = Observer()
    server: Server | None = None
    try:
        report(*site.rebuild())
        server = bind(host, port, make_handler(site, allowed_hosts(host, 0)))
        server.announce = announce
        bound_port = server.server_address[1]
        server.RequestHandlerClass = make_handler(site, allowed_hosts(host, bound_port))
        if port and bound_port != port:
            announce(f"port {port} is busy; using {bound_port} instead")
        watches: dict[str, ObservedWatch] = {}
        watcher = _Watcher(site, options.root, lambda name: watch(observer, watcher, watches, name))
        observer.schedule(watcher, str(options.root), recursive=False)
        for folder in WATCHED:
            watch(observer, watcher, watches, folder)
        observer.start()
        builder = threading.Thread(target=rebuild_loop, args=(site, stop, report), daemon=True)
        builder.start()
        shown = "localhost" if host == "127.0.0.1" else host
        announce(f"Serving on http://{shown}:{bound_port}/ (Ctrl-C stops)")
        if ready:
            ready(server)
        server.serve_forever(poll_interval=0.2)
    finally:
        stop.set()
        if server:
            server.server_close()
        observer.stop()
        with contextlib.suppress(RuntimeError):
            observer.join(timeout=2)
