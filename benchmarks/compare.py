"""Compare two commits of insole on one synthetic library, their builds alternating in one run.

Usage: python benchmarks/compare.py BEFORE AFTER [--stories 10000] [--rounds 3] [--serve-edits 5]

Each commit is exported with git archive and builds its own copy of the same library (no
search index), with its own cache folder. Every round times each step for one commit, then
for the other, so both meet the same load on a shared machine. Then each commit's `insole
serve` is timed from saving a story to the reload event (benchmarks/serve_latency.py of that
commit). Printed: the median wall and CPU seconds and the highest peak memory of each step.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from run import CACHE, Measurement, export, insole_steps, run_child
from synth import make_library, write_library


def prepared(revision: str, work: Path, stories: int) -> tuple[str, Path, Path, list]:
    """A commit exported into `work`, with its own copy of the library and the steps to time on it."""
    insole, commit = export(revision, work / revision.replace("/", "-") / "insole")
    site = insole.parent / "library"
    library = make_library(stories)
    write_library(library, site)
    run_child([sys.executable, "-m", "generator", "--version"], insole)  # compiles its modules once
    return commit, insole, site, insole_steps(library, site, search=False)


def main() -> int:
    """Time both commits' steps alternately and print them side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--stories", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve-edits", type=int, default=5)
    args = parser.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    work = Path(tempfile.mkdtemp(prefix="insole-compare-"))
    try:
        sides = [prepared(revision, work, args.stories) for revision in (args.before, args.after)]
        found: dict[tuple[str, str], list[Measurement]] = defaultdict(list)
        for _ in range(args.rounds):
            for index in range(len(sides[0][3])):
                for commit, insole, site, steps in sides:
                    step, prepare, extra = steps[index]
                    os.environ[CACHE] = str(site.parent / "cache")
                    prepare(0)
                    command = [sys.executable, "-m", "generator", "build", "--site", str(site), "--no-search"]
                    seconds, cpu, peak, _ = run_child(command + extra, insole)
                    found[(commit, step)].append(Measurement(commit, args.stories, step, seconds, cpu, peak))
        report(found, [side[0] for side in sides], [step for step, _, _ in sides[0][3]])
        for commit, insole, _, _ in sides if args.serve_edits else []:
            print(f"serve, {commit}: {serve_latency(insole, args.stories, args.serve_edits)}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def serve_latency(insole: Path, stories: int, edits: int) -> str:
    """The last line of that insole's serve benchmark: its median and slowest edit."""
    command = [sys.executable, "benchmarks/serve_latency.py", "--sizes", str(stories), "--edits", str(edits)]
    done = subprocess.run(command, cwd=insole, text=True, capture_output=True, check=False)
    lines = done.stdout.strip().splitlines() or done.stderr.strip().splitlines() or ["no output"]
    return lines[-1]


def report(found: dict[tuple[str, str], list[Measurement]], commits: list[str], steps: list[str]) -> None:
    """Each step's median wall and CPU seconds and highest peak for both commits, and after/before."""
    print(
        f"{'step':<15}"
        + "".join(f"  {c + ' wall':>12}  {c + ' cpu':>12}  {'MB':>5}" for c in commits)
        + "  ratio"
    )
    for step in steps:
        cells, walls = [], []
        for commit in commits:
            runs = found[(commit, step)]
            wall = statistics.median(m.seconds for m in runs)
            cpu = statistics.median(m.cpu_seconds for m in runs)
            walls.append(wall)
            cells.append(f"  {wall:>12.2f}  {cpu:>12.2f}  {max(m.peak_mb for m in runs):>5.0f}")
        print(f"{step:<15}" + "".join(cells) + f"  {walls[1] / walls[0]:>5.2f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
