"""Builds of one output folder in several processes: they take turns, and a killed one leaves no mess."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import story
from test_output import PERSONS_FILES, beside, put, snapshot

from insole import lock
from insole.build import build
from insole.options import Options

STORIES = {f"content/stories/s{i}.md": story(f"Story {i}") for i in range(6)}


def start(root: Path, *args: str) -> subprocess.Popen[str]:
    """`insole build ARGS...` started in the site's folder, in a session of its own."""
    command = [sys.executable, "-m", "insole", "build", *args]
    return subprocess.Popen(
        command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )


def fresh(root: Path, folder: Path) -> dict[str, bytes]:
    """The site as a build into a new folder, without the cache, makes it."""
    build(Options(root=root, output=folder, search=False, cache=False, workers=1))
    return snapshot(folder)


def staging(root: Path) -> list[Path]:
    """The folders a build puts the new site together in, beside `_site`."""
    return sorted(root.glob("._site.new-*"))


def test_builds_started_together_end_with_the_site_a_fresh_build_makes(site, tmp_path):
    root = site(STORIES)
    assert start(root, "--no-search").wait() == 0
    put(root / "_site", PERSONS_FILES)
    for round_ in range(10):
        (root / f"content/stories/s{round_}.md").write_text(story(f"Story {round_}, round {round_}"), "utf-8")
        (root / f"content/stories/n{round_}.md").write_text(story(f"New in round {round_}"), "utf-8")
        if round_:
            (root / f"content/stories/n{round_ - 1}.md").unlink()
        builds = [start(root, "--no-search") for _ in range(3)]
        assert [b.wait(timeout=120) for b in builds] == [0, 0, 0], [b.communicate()[1] for b in builds]
        expected = {**fresh(root, tmp_path / f"fresh{round_}"), **PERSONS_FILES}
        assert snapshot(root / "_site") == expected, f"round {round_}"
        assert beside(root) == ["_site", "content", "site.yaml"]


def test_a_build_waits_for_another_build_of_the_same_folder_and_says_so(site):
    root = site(STORIES)
    assert start(root, "--no-search").wait() == 0
    (root / "content/stories/s1.md").write_text(story("Story 1, retold"), encoding="utf-8")
    with lock.turn(root / "_site"):
        waiting = start(root, "--no-search")
        time.sleep(3)
        assert waiting.poll() is None, waiting.communicate()
        assert b"Story 1, retold" not in (root / "_site/stories/s1/index.html").read_bytes()
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert err == "insole: waiting for another build of _site/ to finish\n"
    assert out.startswith("Built 6 stories into _site/")
    assert b"Story 1, retold" in (root / "_site/stories/s1/index.html").read_bytes()


def stop_while_staging(root: Path, sent: signal.Signals) -> subprocess.Popen[str]:
    """A build of many stories, sent a signal once it puts the new site together beside the output."""
    for i in range(300):
        (root / f"content/stories/many{i}.md").write_text(story(f"Many {i}", body="Words.\n" * 50), "utf-8")
    build_ = start(root, "--no-search", "--no-cache")
    deadline = time.monotonic() + 60
    while not staging(root) and time.monotonic() < deadline and build_.poll() is None:
        time.sleep(0.005)
    assert staging(root), "the build put no new site together"
    os.killpg(build_.pid, sent)
    build_.wait(timeout=60)
    return build_


def test_ctrl_c_stops_a_build_with_exit_130_one_line_and_the_old_site(site):
    root = site(STORIES)
    assert start(root, "--no-search").wait() == 0
    put(root / "_site", PERSONS_FILES)
    before = snapshot(root / "_site")
    stopped = stop_while_staging(root, signal.SIGINT)
    out, err = stopped.communicate()
    assert stopped.returncode == 130, err
    assert err == "insole: interrupted; the output folder holds the last complete site\n"
    assert out == ""
    assert snapshot(root / "_site") == before
    assert beside(root) == ["_site", "content", "site.yaml"]


def test_the_next_build_clears_what_a_killed_build_left(site):
    root = site(STORIES)
    assert start(root, "--no-search").wait() == 0
    put(root / "_site", PERSONS_FILES)
    before = snapshot(root / "_site")
    killed = stop_while_staging(root, signal.SIGKILL)
    assert killed.returncode == -signal.SIGKILL
    assert snapshot(root / "_site") == before
    assert staging(root), "a killed build leaves the new site it was putting together"
    again = start(root, "--no-search")
    assert again.wait(timeout=120) == 0, again.communicate()
    assert beside(root) == ["_site", "content", "site.yaml"]
    assert (root / "_site/stories/many299/index.html").is_file()
    assert {path: snapshot(root / "_site")[path] for path in PERSONS_FILES} == PERSONS_FILES


def test_sigterm_stops_a_build_with_exit_143_one_line_and_the_old_site(site):
    root = site(STORIES)
    assert start(root, "--no-search").wait() == 0
    put(root / "_site", PERSONS_FILES)
    before = snapshot(root / "_site")
    stopped = stop_while_staging(root, signal.SIGTERM)
    out, err = stopped.communicate()
    assert stopped.returncode == 143, err
    assert err == "insole: stopped by SIGTERM; the output folder holds the last complete site\n"
    assert out == ""
    assert snapshot(root / "_site") == before
    assert beside(root) == ["_site", "content", "site.yaml"]


def test_a_build_with_its_output_closed_builds_and_says_nothing_of_it(site):
    root = site(STORIES)
    command = [sys.executable, "-m", "insole", "build", "--no-search"]
    assert subprocess.run(command, cwd=root, stdout=subprocess.DEVNULL).returncode == 0
    closed = subprocess.run(  # as `insole build >&-`
        [*command, "--output", "closed"],
        cwd=root,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: os.close(1),
    )
    assert (closed.returncode, closed.stderr) == (0, "")
    assert snapshot(root / "closed") == snapshot(root / "_site")
