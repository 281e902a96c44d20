"""Time from saving a story to `insole serve` announcing the rebuilt page, at several sizes.

Usage: python benchmarks/serve_latency.py [--sizes 1000,10000] [--edits 5]

For each size it writes a synthetic library (benchmarks/synth.py), starts the dev server on a
free port, and for each edit appends a sentence to one story's body, then waits for the
server-sent "reload" event that browsers act on. It prints the median and the slowest edit.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from synth import make_library, write_library

from generator.options import Options
from generator.serve import serve


def start(root: Path) -> str:
    """Start the dev server on a free port; returns its address once the first build is served."""
    ready = threading.Event()
    address: list[str] = []

    def on_ready(server: object) -> None:
        address.append(f"http://127.0.0.1:{server.server_address[1]}")  # type: ignore[attr-defined]
        ready.set()

    args = (Options(root=root), "127.0.0.1", 0, lambda message: None, lambda *report: None, on_ready)
    threading.Thread(target=serve, args=args, daemon=True).start()
    if not ready.wait(900):
        raise SystemExit("the dev server did not start")
    return address[0]


def until_reload(stream: object) -> None:
    """Read server-sent events until a reload."""
    while stream.readline() != b"event: reload\n":  # type: ignore[attr-defined]
        pass


def measure(size: int, edits: int) -> list[float]:
    """Seconds from each save to the reload event, for a library of `size` stories."""
    root = Path(tempfile.mkdtemp(prefix=f"insole-latency-{size}-"))
    write_library(make_library(size), root)
    url = start(root)
    stories = sorted((root / "content" / "stories").rglob("*.md"))
    times = []
    for number in range(edits):
        time.sleep(1.5)  # let the file stamps age, as between real edits
        stream = urllib.request.urlopen(f"{url}/__insole/events", timeout=600)
        stream.readline()  # the first event says which problems the page shows
        path = stories[(number * 7919) % len(stories)]
        started = time.perf_counter()
        with path.open("a", encoding="utf-8") as story_file:
            story_file.write(f"\nOne more sentence, number {number}.\n")
        until_reload(stream)
        times.append(time.perf_counter() - started)
        stream.close()
    return times


def main() -> int:
    """Measure and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    print(f"{'stories':>8}  {'median ms':>10}  {'slowest ms':>10}")
    for size in (int(s) for s in args.sizes.split(",")):
        times = measure(size, args.edits)
        print(f"{size:>8}  {statistics.median(times) * 1000:>10.0f}  {max(times) * 1000:>10.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
