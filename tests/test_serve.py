"""`insole serve`: safe serving, live reload events, one rebuild per burst of changes."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import story
from live import running
from watchdog.events import DirModifiedEvent, FileModifiedEvent

from insole import devserver
from insole.devserver import allowed_hosts, bind, inject
from insole.livesite import LiveSite, site_path
from insole.options import Options
from insole.serve import QUIET, _Watcher

SETTLE = QUIET * 6 + 0.5  # long enough for a burst to end and one rebuild to finish


def test_request_paths_map_inside_the_site_only():
    assert site_path("/stories/a/") == "stories/a/index.html"
    assert site_path("/") == "index.html"
    assert site_path("/static/style.css?v=1") == "static/style.css"
    assert site_path("/st%C3%B6d/") == "stöd/index.html"
    for bad in (
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/stories/%2E%2E/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/a%00b",
        "/..%5csecret.txt",
        "/./index.html",
        "secret.txt",
    ):
        assert site_path(bad) is None, bad


def test_files_outside_the_site_are_never_served(site):
    root = site({"content/stories/lunch.md": story(), "content/notes.txt": "private"})
    with running(root) as live:
        for path in (
            "/content/notes.txt",
            "/../content/notes.txt",
            "/%2e%2e/site.yaml",
            "/site.yaml",
            "/stories/lunch/../../site.yaml",
            "//etc/passwd",
        ):
            assert live.get(path)[0] == 404, path


def test_only_localhost_names_are_allowed_hosts():
    hosts = allowed_hosts("127.0.0.1", 8000)
    assert "localhost:8000" in hosts and "127.0.0.1:8000" in hosts
    assert "evil.example:8000" not in hosts


def test_reload_script_goes_before_body_end_and_escapes_errors():
    page = inject(b"<html><body><p>x</p></body></html>", ["a.md:1:1: error: </script><b>"])
    assert page.count(b"<script>") == 1
    assert b"</script><b>" not in page
    assert page.endswith(b"</script>\n</body></html>")


def test_busy_port_moves_to_the_next(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = bind("127.0.0.1", port, object)  # type: ignore[arg-type]
        assert server.server_address[1] != port
        server.server_close()


def test_serves_pages_with_reload_and_refuses_the_rest(site):
    root = site({"content/stories/lunch.md": story()})
    with running(root) as live:
        status, page = live.get("/stories/lunch/")
        assert status == 200
        assert "Lunch in the support centre" in page and "EventSource" in page
        assert live.get("/stories/lunch")[0] == 200  # redirected to the folder
        assert live.get("/nowhere/")[0] == 404
        assert live.get("/%2e%2e/site.yaml")[0] == 404
        assert live.get("/", host="attacker.example")[0] == 403
        assert not (root / "_site").exists(), "serve leaves the output folder alone"


def test_edit_rebuilds_and_failed_rebuild_keeps_last_good_site(site):
    root = site({"content/stories/lunch.md": story()})
    path = root / "content/stories/lunch.md"
    with running(root) as live:
        path.write_text(story("Dinner in the support centre"), encoding="utf-8")
        live.wait_for(lambda: len(live.builds) == 2)
        assert "Dinner in the support centre" in live.get("/stories/lunch/")[1]
        path.write_text(story(date="2024-13-45"), encoding="utf-8")
        live.wait_for(lambda: len(live.builds) == 3)
        ok, problems = live.builds[-1]
        assert not ok and "lunch.md:3:7: error: '2024-13-45' is not a date" in str(problems[0])
        status, page = live.get("/stories/lunch/")
        assert status == 200 and "Dinner in the support centre" in page
        assert "lunch.md:3:7" in page, "the error is shown in the browser"


def events(stream) -> list[str]:
    """The event names read from a server-sent event stream until a reload."""
    names = []
    while not names or names[-1] != "reload":
        line = stream.readline().decode()
        if line.startswith("event: "):
            names.append(line.removeprefix("event: ").strip())
    return names


def test_events_stream_announces_reload(site):
    root = site({"content/stories/lunch.md": story()})
    with running(root) as live:
        stream = urllib.request.urlopen(live.url + "/__insole/events", timeout=10)
        time.sleep(0.2)
        (root / "content/stories/lunch.md").write_text(story("Changed"), encoding="utf-8")
        assert events(stream) == ["problems", "reload"]
        stream.close()


def test_page_served_before_a_rebuild_still_reloads(site):
    root = site({"content/stories/lunch.md": story()})
    with running(root) as live:
        page = live.get("/stories/lunch/")[1]
        assert "/__insole/events?epoch=1" in page
        (root / "content/stories/lunch.md").write_text(story("Changed"), encoding="utf-8")
        live.wait_for(lambda: len(live.builds) == 2)
        stream = urllib.request.urlopen(live.url + "/__insole/events?epoch=1", timeout=10)
        assert events(stream) == ["problems", "reload"]
        stream.close()


def vim_save(path: Path, text: str) -> None:
    """What vim does on :w with its defaults: probe file, backup by rename, new file."""
    probe = path.parent / "4913"
    probe.write_text("")
    probe.unlink()
    (path.parent / f".{path.name}.swp").write_bytes(b"swap")
    backup = path.with_name(path.name + "~")
    os.replace(path, backup)
    path.write_text(text, encoding="utf-8")
    backup.unlink()


def jetbrains_save(path: Path, text: str) -> None:
    """What JetBrains IDEs do with 'safe write'."""
    temp = path.with_name(path.name + "___jb_tmp___")
    old = path.with_name(path.name + "___jb_old___")
    temp.write_text(text, encoding="utf-8")
    os.replace(path, old)
    os.replace(temp, path)
    old.unlink()


def gedit_save(path: Path, text: str) -> None:
    """What GLib-based editors do: a hidden temporary file renamed over the story."""
    temp = path.parent / ".goutputstream-A1B2C3"
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def test_atomic_saves_give_one_rebuild_and_no_stray_story(site):
    root = site({"content/stories/lunch.md": story()})
    path = root / "content/stories/lunch.md"
    with running(root) as live:
        for number, save in enumerate((vim_save, jetbrains_save, gedit_save), start=2):
            save(path, story(f"Saved by editor {number}"))
            live.wait_for(lambda n=number: len(live.builds) >= n)
            time.sleep(SETTLE)
            assert len(live.builds) == number, (
                f"{save.__name__} gave {len(live.builds) - number + 1} rebuilds"
            )
            assert all(ok for ok, _ in live.builds)
            assert f"Saved by editor {number}" in live.get("/stories/lunch/")[1]
        stories = live.get("/stories/")[1]
        assert "4913" not in stories and "jb_" not in stories and "goutputstream" not in stories


def test_watcher_passes_on_the_changed_story_and_not_its_folder(site):
    root = site({"content/stories/a.md": story()})
    live = LiveSite(Options(root=root))
    watcher = _Watcher(live, root)
    stories = root / "content/stories"
    watcher.on_any_event(DirModifiedEvent(str(stories)))
    assert live.touched == set() and not live.changed.is_set()
    watcher.on_any_event(FileModifiedEvent(str(stories / "a.md")))
    watcher.on_any_event(FileModifiedEvent(str(stories / ".a.md.swp")))
    assert live.touched == {(stories / "a.md").resolve()}
    assert live.changed.is_set()


def ask(live, request: str) -> bytes:
    """The raw answer to a raw HTTP request, `{host}` standing for the server's own Host."""
    host = live.url.removeprefix("http://")
    with socket.create_connection(host.split(":"), timeout=5) as conn:
        conn.sendall(request.replace("{host}", host).encode() + b"\r\n\r\n")
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    return answer


def test_requests_name_this_server_only_and_head_has_no_body(site):
    root = site({"content/stories/lunch.md": story()})
    with running(root) as live:
        assert ask(live, "GET http://evil.example/ HTTP/1.1\r\nHost: {host}").startswith(b"HTTP/1.0 403")
        assert ask(live, "GET / HTTP/1.1\r\nHost: {host}\r\nHost: evil.example").startswith(b"HTTP/1.0 403")
        assert ask(live, "GET http://{host}/ HTTP/1.1\r\nHost: {host}").startswith(b"HTTP/1.0 200")
        port = live.url.rpartition(":")[2]
        assert ask(live, f"GET / HTTP/1.1\r\nHost: LocalHost:{port}").startswith(b"HTTP/1.0 200")
        head = ask(live, "HEAD /stories/lunch/ HTTP/1.1\r\nHost: {host}")
        assert head.startswith(b"HTTP/1.0 200") and head.endswith(b"\r\n\r\n")
        assert b"Content-Length: " in head and b"text/html" in head


def answered_within(live, path: str, seconds: float) -> bool:
    """True once the server answers `path` with 200, tried until `seconds` have passed."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with contextlib.suppress(OSError):
            if live.get(path)[0] == 200:
                return True
        time.sleep(0.2)
    return False


def test_idle_connections_and_reload_streams_are_bounded(site, monkeypatch):
    monkeypatch.setattr(devserver, "MAX_CONNECTIONS", 6)
    monkeypatch.setattr(devserver, "MAX_STREAMS", 2)
    monkeypatch.setattr(devserver, "REQUEST_TIMEOUT", 2.0)
    root = site({"content/stories/lunch.md": story()})
    with running(root) as live:
        streams = [urllib.request.urlopen(live.url + "/__insole/events", timeout=10) for _ in range(2)]
        assert live.get("/__insole/events")[0] == 503
        before = threading.active_count()
        idle = [socket.create_connection(live.url.removeprefix("http://").split(":")) for _ in range(10)]
        time.sleep(0.3)
        assert threading.active_count() <= before + 4, "a thread for each open connection up to the bound"
        with pytest.raises(OSError):  # every place is taken: the connection is closed at once
            urllib.request.urlopen(live.url + "/", timeout=5)
        assert answered_within(live, "/", 30), "the idle ones time out and free their places"
        for conn in idle + streams:
            conn.close()
        assert not live.messages[1:], "no failure is reported"


def test_a_story_swapped_for_a_link_to_a_secret_rebuilds_and_is_refused(site, tmp_path):
    root = site({"content/stories/lunch.md": story()})
    secret = tmp_path / "secret.md"
    secret.write_text(story("The secret plan"), encoding="utf-8")
    with running(root) as live:
        link = root / "content/stories/.lunch.md.new"
        link.symlink_to(secret)
        os.replace(link, root / "content/stories/lunch.md")  # as an editor or a checkout swaps it in
        live.wait_for(lambda: len(live.builds) >= 2)
        ok, problems = live.builds[-1]
        assert not ok and "lunch.md:1:1: error: symbolic link leads outside the content folder" in str(
            problems[0]
        )
        assert "The secret plan" not in live.get("/stories/lunch/")[1]


def test_a_templates_folder_made_while_serving_is_watched(site):
    root = site({"content/stories/lunch.md": story()})
    with running(root) as live:
        (root / "templates").mkdir()
        time.sleep(SETTLE)
        done = len(live.builds)
        (root / "templates/story.html").write_text("<p>\n{{ oops }\n", encoding="utf-8")
        live.wait_for(lambda: len(live.builds) > done and not live.builds[-1][0])
        assert "templates/story.html:2:1: error: template error" in str(live.builds[-1][1][0])
        (root / "templates/story.html").write_text('{% extends "default/story.html" %}\n', encoding="utf-8")
        live.wait_for(lambda: live.builds[-1][0])
        assert "Lunch in the support centre" in live.get("/stories/lunch/")[1]
