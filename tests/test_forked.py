"""Work spread over forked processes: every result comes back, and errors are raised here."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import threading
import time

import pytest
from conftest import story

from insole.build import build
from insole.forked import WorkerFailed, aside, can_fork, forked
from insole.options import Options
from insole.render import PARALLEL_FROM


def squares(numbers):
    """Each number squared, with the process that squared it."""
    for n in numbers:
        yield n * n, os.getpid()


def test_every_item_is_worked_on_once_in_the_workers():
    results = list(forked(list(range(1000)), squares, 3))
    assert sorted(value for value, _ in results) == [n * n for n in range(1000)]
    assert os.getpid() not in {pid for _, pid in results}


def test_a_worker_held_up_by_a_slow_item_leaves_the_rest_to_the_others():
    def slow_first(numbers):
        for n in numbers:
            if n == 0:
                time.sleep(1)
            yield n, os.getpid()

    results = list(forked(list(range(400)), slow_first, 2))
    assert sorted(n for n, _ in results) == list(range(400))
    held_up = next(pid for n, pid in results if n == 0)
    assert len({pid for _, pid in results}) == 2
    assert sum(pid == held_up for _, pid in results) < 100, "a fixed half each would be 200"


def test_an_error_in_a_worker_is_raised_after_all_workers_stop():
    def failing(numbers):
        for n in numbers:
            if n == 7:
                raise ValueError("seven")
            yield n

    with pytest.raises(ValueError, match="seven"):
        list(forked(list(range(20)), failing, 2))


def test_a_worker_that_dies_is_an_error_not_missing_results():
    def dying(numbers):
        for n in numbers:
            if n == 5:
                os._exit(9)  # as if killed for lack of memory
            yield n

    with pytest.raises(WorkerFailed, match="a worker process stopped unexpectedly"):
        list(forked(list(range(10)), dying, 2))


def test_results_no_longer_wanted_stop_the_workers():
    def endless(numbers):
        for n in numbers:
            while True:
                yield n

    made = forked([1, 2, 3], endless, 2)
    assert next(made) in (1, 2, 3)
    made.close()  # must not hang


def test_no_forking_while_another_thread_runs():
    assert not can_fork(1)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not can_fork(2)
    finally:
        stop.set()
        other.join()


def set_aside(work: str, tmp_path) -> subprocess.CompletedProcess[str]:
    """Run `aside(work, 2)` and its wait in a Python of its own, where no other thread stops forking.

    `work` is the body of a function of `folder`; what the process prints comes back.
    """
    code = "\n".join(
        [
            "import os, signal, sys, time",
            "from pathlib import Path",
            "from insole.forked import aside",
            "folder = Path(sys.argv[1])",
            "def work():",
            *(f"    {line}" for line in work.splitlines()),
            "wait = aside(work, 2)",
            "(folder / 'went-on').write_text(str(os.getpid()))",
            "wait()",
            "wait()",
            "print('waited')",
        ]
    )
    command = [sys.executable, "-c", code, str(tmp_path)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def test_work_set_aside_runs_in_another_process_while_this_one_goes_on(tmp_path):
    ran = set_aside(
        """(folder / "started").write_text(str(os.getpid()))
deadline = time.monotonic() + 30
while not (folder / "went-on").exists() and time.monotonic() < deadline:
    time.sleep(0.01)  # ends once the process that set it aside went on
(folder / "ended").write_text(str((folder / "went-on").exists()))""",
        tmp_path,
    )
    assert ran.stdout == "waited\n", ran.stderr
    assert (tmp_path / "started").read_text() != (tmp_path / "went-on").read_text()
    assert (tmp_path / "ended").read_text() == "True"


def test_an_error_in_work_set_aside_is_raised_by_the_wait(tmp_path):
    ran = set_aside('raise OSError("the cache folder is gone")', tmp_path)
    assert ran.returncode == 1
    assert "WorkerFailed" in ran.stderr and "OSError: the cache folder is gone" in ran.stderr
    assert (tmp_path / "went-on").exists(), "the error waits for the wait"


def test_work_set_aside_is_finished_when_ctrl_c_stops_the_build(tmp_path):
    ran = set_aside(
        """os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C sends it to every process of the build
(folder / "saved").write_text("complete")""",
        tmp_path,
    )
    assert ran.stdout == "waited\n", ran.stderr
    assert (tmp_path / "saved").read_text() == "complete"


def test_work_set_aside_with_one_worker_is_done_at_once(tmp_path):
    done = tmp_path / "done"
    aside(lambda: done.write_text(str(os.getpid())), 1)
    assert int(done.read_text()) == os.getpid()


def site_with_many_pages(site, files=None):
    """A site with more pages than are made in one process."""
    stories = {f"content/stories/s{i:03}.md": story(f"Story {i}") for i in range(PARALLEL_FROM)}
    return site({**stories, **(files or {})})


def insole(*args: str) -> subprocess.CompletedProcess[str]:
    """The insole command in a process of its own, where no other thread runs."""
    command = [sys.executable, "-m", "insole", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


def test_pages_made_in_two_processes_equal_those_made_in_one(site, tmp_path):
    root = site_with_many_pages(site)
    one, two = tmp_path / "one", tmp_path / "two"
    build(Options(root=root, output=one, search=False, workers=1, cache=False))
    made = insole("build", "--site", str(root), "--output", str(two), "--no-search", "--no-cache")
    assert made.returncode == 0, made.stderr
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    assert all((one / f).read_bytes() == (two / f).read_bytes() for f in files)


def test_template_errors_from_every_process_are_reported_once(site):
    broken = '{% extends "default/story.html" %}{% block main %}{{ story.nothing.here }}{% endblock %}'
    root = site_with_many_pages(site, {"templates/story.html": broken})
    checked = insole("check", "--site", str(root))
    assert checked.returncode == 1
    errors = [line for line in checked.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1, errors
    assert "templates/story.html:1:1: error: template error:" in errors[0]
    assert "(making stories/s000/index.html from " in errors[0], "the first page it stopped"


def failing_after(real, calls: int, code: int):
    """A stand-in for `real` that works `calls` times, then fails as the system does at a limit."""
    count = iter(range(calls))

    def call(*args):
        if next(count, None) is None:
            raise OSError(code, os.strerror(code))
        return real(*args)

    return call


@pytest.mark.parametrize(
    ("name", "calls", "code"),
    [
        ("pipe", 0, errno.EMFILE),
        ("pipe", 1, errno.EMFILE),
        ("pipe", 2, errno.EMFILE),
        ("fork", 0, errno.EAGAIN),
        ("fork", 1, errno.EAGAIN),
    ],
)
def test_workers_the_system_cannot_start_leave_their_work_to_the_others_or_to_this_process(
    monkeypatch, name, calls, code
):
    monkeypatch.setattr(os, name, failing_after(getattr(os, name), calls, code))
    results = list(forked(list(range(1000)), squares, 3))
    monkeypatch.undo()
    assert sorted(value for value, _ in results) == [n * n for n in range(1000)]


@pytest.mark.parametrize(("name", "code"), [("pipe", errno.EMFILE), ("fork", errno.EAGAIN)])
def test_work_set_aside_is_done_here_when_the_system_cannot_start_a_process(
    monkeypatch, tmp_path, name, code
):
    monkeypatch.setattr(os, name, failing_after(getattr(os, name), 0, code))
    wait = aside(lambda: (tmp_path / "done").write_text("yes"), 2)
    monkeypatch.undo()
    wait()
    assert (tmp_path / "done").read_text() == "yes"
