"""Work spread over forked copies of this process, each result streamed back as it is made."""

from __future__ import annotations

import contextlib
import os
import pickle
import selectors
import signal
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item")
LENGTH = 8  # bytes of the length before each pickled result
TICKET = 4  # bytes of the number of the first item of a run of items, handed to one worker
SMALLEST_RUN = 8  # items a worker takes at a time, at the least
MOST_RUNS = 1000  # runs at most, so that all their tickets fit in the smallest pipe at once


class WorkerFailed(RuntimeError):
    """A forked worker stopped with an error; carries what the worker raised."""

    def __init__(self, raised: BaseException | str):
        super().__init__(str(raised))
        self.raised = raised


def can_fork(workers: int) -> bool:
    """True when work may be forked: more than one worker, fork exists, and no other thread runs."""
    return workers > 1 and hasattr(os, "fork") and threading.active_count() == 1


def forked(
    items: Sequence[Item], work: Callable[[Iterable[Item]], Iterable[Any]], workers: int
) -> Iterator[Any]:
    """What `work` yields for every item, from `workers` forked processes, in the order results arrive.

    A forked process starts with everything this one has (templates, the model), so only
    results travel. Each worker takes the next run of items whenever it is ready for more,
    so one that meets slow items leaves the rest to the others rather than holding up the
    end. An exception raised by `work` is raised here again once every worker has stopped;
    if it can't be pickled, WorkerFailed carries its traceback.
    """
    size = max(SMALLEST_RUN, -(-len(items) // MOST_RUNS))
    try:
        runs, handed = os.pipe()
    except OSError:  # no file descriptor left (a low `ulimit -n`): the work is done here
        yield from work(items)
        return
    # Every run's ticket is written before any worker starts; a pipe holds at least 4 KB.
    with os.fdopen(handed, "wb") as tickets:
        tickets.write(b"".join(start.to_bytes(TICKET, "little") for start in range(0, len(items), size)))
    pipes: dict[int, int] = {}
    try:
        for _ in range(workers):
            started = _worker(items, size, runs, work)
            if started is None:  # the workers started take every run; with none, this process does
                break
            pipes[started[0]] = started[1]
    finally:
        os.close(runs)
    yield from _gather(pipes) if pipes else work(items)


def _worker(
    items: Sequence[Item], size: int, runs: int, work: Callable[[Iterable[Item]], Iterable[Any]]
) -> tuple[int, int] | None:
    """Start a worker on the runs of items; its pipe and process id, or None if the system can't."""
    try:
        reader, writer = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:  # too many processes, or no memory for one more
        os.close(reader)
        os.close(writer)
        return None
    if pid == 0:  # the child: take runs until none is left, send each result, never return
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent ends a worker it no longer needs
        os.close(reader)
        _child(_taken(items, size, runs), work, writer)
    os.close(writer)
    return reader, pid


def _taken(items: Sequence[Item], size: int, runs: int) -> Iterator[Item]:
    """The items of each run this worker takes from the pipe of runs, until it is empty."""
    while ticket := os.read(runs, TICKET):  # a pipe hands each ticket to one reader, whole
        start = int.from_bytes(ticket, "little")
        yield from items[start : start + size]


def aside(work: Callable[[], object], workers: int) -> Callable[[], None]:
    """Start `work` in a forked copy of this process and go on; returns the wait for it to end.

    For work whose only effects are files, such as saving a cache, done while this process
    does the next step on another core; the copy finishes it even when Ctrl-C stops this
    one. The wait raises WorkerFailed with the traceback if the work raised. Without fork,
    or with one worker, the work is done here and now.
    """
    if not can_fork(workers):
        work()
        return lambda: None
    try:
        reader, writer = os.pipe()
    except OSError:  # no file descriptor left: done here
        work()
        return lambda: None
    try:
        pid = os.fork()
    except OSError:  # too many processes: done here
        os.close(reader)
        os.close(writer)
        work()
        return lambda: None
    if pid == 0:
        os.close(reader)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the build, once this is done
        code = 0
        try:
            work()
        except BaseException:
            code = 1
            with contextlib.suppress(BaseException), os.fdopen(writer, "w") as out:
                out.write(traceback.format_exc())
        finally:
            os._exit(code)
    os.close(writer)
    waited: list[str] = []

    def wait() -> None:
        """Wait for the work to end, once; raise what it raised."""
        if waited:
            return
        with os.fdopen(reader) as failed:
            waited.append(failed.read())
        _, status = os.waitpid(pid, 0)
        if waited[0] or status:
            raise WorkerFailed(waited[0] or f"exit status {os.waitstatus_to_exitcode(status)}")

    return wait


def _child(items: Iterable[Item], work: Callable[[Iterable[Item]], Iterable[Any]], writer: int) -> None:
    """Run the work on this worker's items, writing each result to the pipe, then exit."""
    code = 0
    try:
        with os.fdopen(writer, "wb") as out:
            try:
                for result in work(items):
                    _send(out, ("result", result))
            except BaseException as exc:  # everything goes back to the parent, which raises it
                try:
                    _send(out, ("raised", exc))
                except Exception:
                    _send(out, ("raised", traceback.format_exc()))
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _send(out: Any, message: tuple[str, Any]) -> None:
    """Write one pickled message with its length in front."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(len(data).to_bytes(LENGTH, "little"))
    out.write(data)


def _gather(pipes: dict[int, int]) -> Iterator[Any]:
    """Every result the workers send, as it arrives; raises what a worker raised once all have stopped."""
    raised: list[BaseException | str] = []
    buffers = {reader: bytearray() for reader in pipes}
    finished = False
    with selectors.DefaultSelector() as selector:
        for reader in pipes:
            selector.register(reader, selectors.EVENT_READ)
        try:
            while buffers:
                for key, _ in selector.select():
                    reader = int(key.fd)
                    chunk = os.read(reader, 1 << 20)
                    if not chunk:
                        selector.unregister(reader)
                        os.close(reader)
                        del buffers[reader]
                        continue
                    buffers[reader] += chunk
                    for kind, value in _messages(buffers[reader]):
                        if kind == "result":
                            yield value
                        else:
                            raised.append(value)
            finished = True
        finally:
            for reader in buffers:
                selector.unregister(reader)
                os.close(reader)
            for pid in pipes.values():
                if not finished:  # the results are no longer wanted
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGTERM)
                _, status = os.waitpid(pid, 0)
                if finished and status and not raised:  # killed, or out of memory: results are missing
                    code = os.waitstatus_to_exitcode(status)  # below zero: the signal that ended it
                    raised.append(f"a worker process stopped unexpectedly (exit code {code})")
    if raised:
        first = raised[0]
        raise first if isinstance(first, BaseException) else WorkerFailed(first)


def _messages(buffer: bytearray) -> Iterator[tuple[str, Any]]:
    """The complete messages at the start of a buffer, removed from it as they are read."""
    while len(buffer) >= LENGTH:
        size = int.from_bytes(buffer[:LENGTH], "little")
        if len(buffer) < LENGTH + size:
            return
        message = pickle.loads(buffer[LENGTH : LENGTH + size])
        del buffer[: LENGTH + size]
        yield message
