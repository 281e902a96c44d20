"""The dev server's HTTP side: a handler serving only the site in memory, live reload, bounded connections."""

from __future__ import annotations

import contextlib
import errno
import html
import json
import sys
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .livesite import LiveSite
from .storyform import FORM, SAVE, WRITES, Unusable, form_page, new_token, parsed, preview, refusal, save

EVENTS = "/__insole/events"
KEEPALIVE = 15.0
PORT_TRIES = 20
MAX_CONNECTIONS = 128  # open at once; more are closed at once, so a flood cannot spawn threads without end
MAX_STREAMS = 64  # of them live-reload streams, so pages are still answered
REQUEST_TIMEOUT = 20.0  # seconds a client may take to send its request or to take a part of the answer
MAX_PORT = 65535
WAITING_PAGE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>insole</title></head>'
    "<body><p>The site has not been built yet.</p></body></html>"
)
# Only the served site has it: a built site never links to the form, which `serve` alone answers.
WRITE_LINK = (
    '<nav aria-label="insole serve" style="position:fixed;right:1rem;bottom:1rem;z-index:2147483646">'
    f'<a href="{FORM}" style="display:inline-block;padding:.5rem .9rem;border-radius:.4rem;'
    'background:#0b5d7a;color:#fff;font:600 15px/1.3 system-ui,sans-serif;text-decoration:none">'
    "Write a story</a></nav>\n"
)
RELOAD_SCRIPT = """<script>
(() => {
  const shown = %s;
  const overlay = (problems) => {
    let box = document.getElementById("insole-errors");
    if (!problems.length) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "insole-errors";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
        "background:rgba(24,24,27,.94);color:#fef2f2;white-space:pre-wrap;" +
        "font:15px/1.5 ui-monospace,monospace";
      document.body.append(box);
    }
    box.textContent = "insole could not rebuild the site:\\n\\n" + problems.join("\\n");
  };
  overlay(shown);
  const events = new EventSource("%s");
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("problems", (e) => overlay(JSON.parse(e.data)));
})();
</script>
"""


def allowed_hosts(host: str, port: int) -> set[str]:
    """The Host headers the server answers: the bound address and localhost."""
    names = {host, "localhost", "127.0.0.1", "[::1]"}
    return names | {f"{name}:{port}" for name in names}


def make_handler(site: LiveSite, hosts: set[str], token: str = "") -> type[SimpleHTTPRequestHandler]:
    """A request handler serving only files inside the current build, and the story form.

    Writes through the form must send `token` (a new one when none is given).
    """
    token = token or new_token()
    writing = threading.Lock()  # one write at a time, so that two saves cannot both find a slug free

    class Handler(SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            self.answer(head=False)

        def do_HEAD(self) -> None:
            self.answer(head=True)

        def answer(self, head: bool) -> None:
            self.head = head
            if not self.host_allowed():
                self.send_error(HTTPStatus.FORBIDDEN, "Host not allowed")
                return
            if urlsplit(self.path).path == EVENTS and not head:
                self.stream_events()
                return
            if urlsplit(self.path).path == FORM:
                self.send_form()
                return
            self.send_file()

        def do_POST(self) -> None:
            """A write of the story form: previewed, or saved as a new story file."""
            address = urlsplit(self.path).path
            if not self.host_allowed():
                self.send_json(HTTPStatus.FORBIDDEN, {"message": "Host not allowed", "problems": []})
                return
            if address not in WRITES:
                self.send_json(HTTPStatus.NOT_FOUND, {"message": "no such address", "problems": []})
                return
            try:
                refused = refusal(self.headers, self.client_address[0], token)
                if refused:
                    raise refused
                data = parsed(self.rfile.read(int(self.headers["Content-Length"])))
                with writing:
                    answer = save(site.live, data) if address == SAVE else preview(site.live, data)
            except Unusable as unusable:
                self.close_connection = True  # what was not read of the request must not be read as the next
                self.send_json(unusable.status, unusable.answer())
                return
            self.send_json(HTTPStatus.CREATED if address == SAVE else HTTPStatus.OK, answer)

        def send_form(self) -> None:
            """The story form's page, without the reload script, which would throw away what is typed."""
            try:
                page = form_page(site.live, token)
            except Unusable as unusable:
                said = WAITING_PAGE.replace("The site has not been built yet.", html.escape(unusable.message))
                self.send_page(unusable.status, said.encode(), "text/html")
                return
            self.send_page(HTTPStatus.OK, page, "text/html; charset=utf-8")

        def send_json(self, status: HTTPStatus, answer: dict[str, Any]) -> None:
            """An answer to a write, as JSON."""
            self.send_page(status, json.dumps(answer).encode(), "application/json")

        def host_allowed(self) -> bool:
            """True for one Host header naming this server, and the same name in an absolute request."""
            named = self.headers.get_all("Host") or []
            asked = urlsplit(self.path).netloc
            if len(named) != 1 or (asked and asked.lower() != named[0].lower()):
                return False
            return named[0].lower() in hosts

        def send_file(self) -> None:
            if site.live.rendered is None:  # no good build yet: show why, and reload once there is one
                self.send_page(HTTPStatus.SERVICE_UNAVAILABLE, WAITING_PAGE.encode(), "text/html")
                return
            body, path = site.lookup(self.path)
            if body is None and path and site.lookup(f"/{path}/")[0] is not None:
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", urlsplit(self.path).path + "/")
                self.end_headers()
                return
            if body is None:
                body, _ = site.lookup("/404.html")
                self.send_page(HTTPStatus.NOT_FOUND, body or b"Not found", "text/html")
                return
            self.send_page(HTTPStatus.OK, body, self.guess_type(path))

        def send_page(self, status: HTTPStatus, body: bytes, kind: str) -> None:
            if kind == "text/html":
                body = inject(body, site.problems, site.epoch)
                kind = "text/html; charset=utf-8"
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if not self.head:
                self.wfile.write(body)

        def stream_events(self) -> None:
            server = self.server
            if not isinstance(server, Server) or not server.streams.acquire(blocking=False):
                self.send_error(HTTPStatus.SERVICE_UNAVAILABLE, "Too many live-reload connections")
                return
            try:
                self.send_events()
            finally:
                server.streams.release()

        def send_events(self) -> None:
            """Tell the browser of each new build and each change in the problems, until it leaves."""
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            # The page says which build it shows, so a rebuild that finished between serving
            # the page and opening this stream still reloads it.
            since = parse_qs(urlsplit(self.path).query).get("epoch", [""])[0]
            with site.news:
                epoch = int(since) if since.isdigit() else site.epoch
                problems = list(site.problems)
            with contextlib.suppress(OSError):
                self.wfile.write(f"event: problems\ndata: {json.dumps(problems)}\n\n".encode())
                self.wfile.flush()
                while True:
                    now_epoch, now_problems = site.wait(epoch, problems, KEEPALIVE)
                    if now_epoch != epoch:
                        message = "event: reload\ndata: {}\n\n"
                    elif now_problems != problems:
                        message = f"event: problems\ndata: {json.dumps(now_problems)}\n\n"
                    else:
                        message = ": keep-alive\n\n"
                    epoch, problems = now_epoch, now_problems
                    self.wfile.write(message.encode())
                    self.wfile.flush()

        head = False
        timeout = REQUEST_TIMEOUT

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the terminal shows builds and errors, not every request

    return Handler


def inject(page: bytes, problems: list[str], epoch: int = 0) -> bytes:
    """An HTML page with the link to the story form and the reload script (and any build errors) added."""
    shown = json.dumps(problems).replace("<", "\\u003c")
    script = (WRITE_LINK + RELOAD_SCRIPT % (shown, html.escape(f"{EVENTS}?epoch={epoch}"))).encode()
    marker = page.rfind(b"</body>")
    return page[:marker] + script + page[marker:] if marker >= 0 else page + script


class Server(ThreadingHTTPServer):
    """The dev server: a reader who closes a page early is no error, and nothing prints a traceback."""

    announce: Callable[[str], None] = staticmethod(lambda message: None)

    def __init__(self, address: tuple[str, int], handler: type[SimpleHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self.connections = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self.streams = threading.BoundedSemaphore(MAX_STREAMS)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Answer in a thread of its own, or close the connection when too many are open."""
        if not self.connections.acquire(blocking=False):
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.connections.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        """Answer one connection, then free its place."""
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.connections.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Say nothing of a lost connection, and one line of anything else."""
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError | TimeoutError):
            self.announce(f"a request from {client_address[0]} failed: {error!r}")


def bind(host: str, port: int, handler: type[SimpleHTTPRequestHandler]) -> Server:
    """A server on the first free port from `port` on."""
    for candidate in range(port, min(port + PORT_TRIES, MAX_PORT + 1)):
        try:
            server = Server((host, candidate), handler)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            continue
        server.daemon_threads = True
        return server
    last = min(port + PORT_TRIES, MAX_PORT + 1) - 1
    raise OSError(errno.EADDRINUSE, f"ports {port} to {last} are all busy")
