"""Every comparison of the speed issue's table, insole and Hugo alternating in each round.

Usage: python benchmarks/table.py [--sizes 1000,10000] [--big] [--rounds 2] [--commit REV]
                                  [--hugo PATH] [--serve-edits 5] [--json FILE]

For each size one synthetic library is written (benchmarks/synth.py) for insole and, as Hugo
sites, once with Hugo's related content and once without. Each round then runs, one after the
other: insole cold without search, Hugo cold without related content, insole cold with search,
insole with nothing changed, insole with one body edited, Hugo then `pagefind --site public`
(Pagefind's own binary from the pagefind PyPI package insole uses), and Hugo with related
content. Each run's wall time, CPU time (its whole process tree) and the peak memory of its
whole process tree (the sum of each process's proportional set size, sampled every 20 ms)
are taken; a step's figure is the median over the rounds. The ratios the issue names are
printed, with the largest page, the output's size, the share of story bodies the compiled
Markdown engine renders, and `insole serve`'s latency.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hugo_site import write_hugo_site, write_layouts
from run import CACHE, OUTPUT, ROOT, edit_body, find_hugo, output_sizes, prepare_insole, remove
from synth import make_library, write_library

SIZES = (1000, 10000)
BIG = 50000
SAMPLE = 0.02  # seconds between two looks at the process tree's memory


@dataclass(frozen=True)
class Run:
    """One timed command."""

    tool: str
    step: str
    stories: int
    wall: float
    cpu: float
    peak_mb: float


def descendants(pid: int) -> list[int]:
    """The process and every process below it, found from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, ()))
    return found


def tree_rss(pid: int) -> int:
    """The memory of a process tree, in bytes: each process's proportional share (PSS).

    Forked workers share most of their pages with the process that started them; adding up
    their resident sizes would count those pages once a process.
    """
    total = 0
    for member in descendants(pid):
        try:
            with open(f"/proc/{member}/smaps_rollup", "rb") as rollup:
                for line in rollup:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            continue
    return total


def measured(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """Run a command; its wall seconds, the CPU seconds of its process tree and the tree's peak MB."""
    peak = 0
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.wait(SAMPLE):
                peak = max(peak, tree_rss(child.pid))

        watcher = threading.Thread(target=sample, daemon=True)
        watcher.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        watcher.join()
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            raise RuntimeError(f"{' '.join(command)} failed:\n{err.read().decode(errors='replace')}")
    # wait4's usage counts the child and every descendant it waited for.
    return wall, usage.ru_utime + usage.ru_stime, peak / 2**20


def rounds_of(
    size: int, work: Path, insole: Path, hugo: str, pagefind: str
) -> list[tuple[str, Callable[[int], Run]]]:
    """The steps of one round at one size, in the order they run, by name."""
    library = make_library(size)
    site = work / f"library-{size}"
    write_library(library, site)
    fast, related = work / f"hugo-{size}", work / f"hugo-related-{size}"
    write_hugo_site(make_library(size), fast)
    write_layouts(fast, related=False)
    write_hugo_site(make_library(size), related)
    env = {**os.environ, CACHE: str(work / f"cache-{size}")}
    build = [sys.executable, "-m", "generator", "build", "--site", str(site)]

    def insole_run(
        step: str, extra: list[str], before: Callable[[int], None]
    ) -> tuple[str, Callable[[int], Run]]:
        def go(number: int) -> Run:
            before(number)
            return Run("insole", step, size, *measured(build + extra, insole, env))

        return step, go

    def cold(_: int) -> None:
        remove(site / OUTPUT)
        remove(Path(env[CACHE]))

    def hugo_run(step: str, root: Path, then_pagefind: bool = False) -> tuple[str, Callable[[int], Run]]:
        command = [hugo, "--quiet", "--source", str(root), "--destination", str(root / "public")]
        command += ["--cacheDir", str(root / ".cache")]
        if then_pagefind:
            quoted = " ".join(f"'{part}'" for part in command)
            command = ["sh", "-c", f"{quoted} && '{pagefind}' --site '{root / 'public'}' --silent"]

        def go(_: int) -> Run:
            for name in ("public", "resources", ".cache"):
                remove(root / name)
            return Run("hugo", step, size, *measured(command, root))

        return step, go

    return [
        insole_run("cold, no search", ["--no-search"], cold),
        hugo_run("cold, no related", fast),
        insole_run("cold", [], cold),
        insole_run("nothing changed", [], lambda _: None),
        insole_run("one body edited", [], lambda n: edit_body(library, site, n)),
        # The first edit after a cold build puts the spare folder together (a link for each
        # file); from the second on, the spare differs from the site by the last build's files.
        insole_run("another body edited", [], lambda n: edit_body(library, site, n + 1000)),
        hugo_run("cold, no related, then pagefind", fast, then_pagefind=True),
        hugo_run("cold, related", related),
    ]


def compiled_share(site: Path, insole: Path) -> float:
    """The share of story bodies the insole in `insole` renders with its compiled Markdown engine."""
    code = (
        "import sys, pathlib\n"
        "from generator.fastmarkup import fast_can_render, fast_engine\n"
        "from generator.frontmatter import split\n"
        "if fast_engine() is None: print(0.0); sys.exit()\n"
        "paths = sorted(pathlib.Path(sys.argv[1]).rglob('*.md'))\n"
        "bodies = [split(p.read_text(encoding='utf-8'), str(p)).body for p in paths]\n"
        "print(sum(map(fast_can_render, bodies)) / len(bodies))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(site / "content")], cwd=insole, capture_output=True, text=True
    )
    return float(done.stdout.strip() or 0)


def serve_latency(size: int, insole: Path, edits: int) -> str:
    """What benchmarks/serve_latency.py of the insole measured prints for one size."""
    script = insole / "benchmarks" / "serve_latency.py"
    if not script.is_file():  # a copy of the working tree holds insole's code only
        script = ROOT / "benchmarks" / "serve_latency.py"
    if not edits:
        return ""
    command = [sys.executable, str(script), "--sizes", str(size), "--edits", str(edits)]
    done = subprocess.run(command, cwd=insole, capture_output=True, text=True)
    last = done.stdout.split()[-2:] if done.returncode == 0 else []
    return f"median {last[0]} ms, slowest {last[1]} ms" if len(last) == 2 else done.stderr.strip()[-200:]


def median(runs: list[Run], tool: str, step: str, size: int) -> Run:
    """The median figures of a step over the rounds."""
    mine = [r for r in runs if (r.tool, r.step, r.stories) == (tool, step, size)]
    return Run(
        tool,
        step,
        size,
        statistics.median(r.wall for r in mine),
        statistics.median(r.cpu for r in mine),
        max(r.peak_mb for r in mine),
    )


COMPARISONS = (
    (
        "insole build --no-search / Hugo, related off",
        ("insole", "cold, no search"),
        ("hugo", "cold, no related"),
    ),
    ("insole build / Hugo then pagefind", ("insole", "cold"), ("hugo", "cold, no related, then pagefind")),
    ("insole build / Hugo with related content", ("insole", "cold"), ("hugo", "cold, related")),
    ("nothing changed / Hugo cold, related off", ("insole", "nothing changed"), ("hugo", "cold, no related")),
    ("one body edited / Hugo cold, related off", ("insole", "one body edited"), ("hugo", "cold, no related")),
    (
        "another body edited / Hugo cold, related off",
        ("insole", "another body edited"),
        ("hugo", "cold, no related"),
    ),
)


def ratios(runs: list[Run], size: int) -> list[dict[str, object]]:
    """Each comparison of the issue at one size: wall and CPU ratios."""
    found = []
    done = {(r.tool, r.step) for r in runs if r.stories == size}
    for name, mine, theirs in COMPARISONS:
        if mine not in done or theirs not in done:  # a step left out with --skip
            continue
        a, b = median(runs, *mine, size), median(runs, *theirs, size)
        found.append({"comparison": name, "stories": size, "wall": a.wall / b.wall, "cpu": a.cpu / b.cpu})
    return found


def arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default=",".join(map(str, SIZES)), help="library sizes (default 1000,10000)"
    )
    parser.add_argument("--big", action="store_true", help=f"add {BIG:,} stories")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of every step (default 2)")
    parser.add_argument("--commit", help="the commit of insole to measure (default: the working tree)")
    parser.add_argument("--hugo", metavar="PATH", help="the hugo command (default: hugo on PATH)")
    parser.add_argument("--serve-edits", type=int, default=5, help="story edits timed in serve (0: none)")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="STEP",
        help="leave out a step, such as 'cold, related' (Hugo's related content takes minutes at 50,000)",
    )
    parser.add_argument(
        "--workdir", type=Path, help="where to write the libraries (default: a temporary folder)"
    )
    args = parser.parse_args(argv)
    args.sizes = [int(size) for size in args.sizes.split(",")] + ([BIG] if args.big else [])
    return args


def main(argv: list[str] | None = None) -> int:
    """Run every round at every size and print the comparisons."""
    args = arguments(argv)
    hugo = find_hugo(args.hugo, True)
    from pagefind_bin import get_executable  # type: ignore[import-untyped]

    pagefind = str(get_executable())
    if hugo is None:
        return 2
    work = Path(tempfile.mkdtemp(prefix="insole-table-", dir=args.workdir))
    runs: list[Run] = []
    found: dict[str, object] = {"sizes": {}}
    try:
        insole, info = prepare_insole(args.commit, work / "insole")
        found["insole"] = info
        for size in args.sizes:
            steps = [
                step for name, step in rounds_of(size, work, insole, hugo, pagefind) if name not in args.skip
            ]
            for number in range(args.rounds):
                for step in steps:
                    runs.append(step(number))
                    r = runs[-1]
                    figures = f"{r.wall:8.2f} s {r.cpu:8.2f} CPU s {r.peak_mb:7.0f} MB"
                    print(f"{size:>6} {r.tool:6} {r.step:34} {figures}", flush=True)
            sizes = output_sizes(work / f"library-{size}", size)
            sizes["compiled_markdown_share"] = compiled_share(work / f"library-{size}", insole)
            sizes["serve"] = serve_latency(size, insole, args.serve_edits)
            found["sizes"][str(size)] = {"ratios": ratios(runs, size), "output": sizes}  # type: ignore[index]
            for ratio in ratios(runs, size):
                print(f"{size:>6} {ratio['comparison']:45} {ratio['wall']:.2f}× wall {ratio['cpu']:.2f}× CPU")
            print(f"{size:>6} {json.dumps(sizes, ensure_ascii=False)}", flush=True)
        for small, large in zip(args.sizes, args.sizes[1:], strict=False):
            for step in ("cold", "cold, no search"):
                if step in args.skip:
                    continue
                a, b = median(runs, "insole", step, large), median(runs, "insole", step, small)
                growth = f"{a.wall / b.wall:.2f}× wall, {a.cpu / b.cpu:.2f}× CPU"
                print(f"insole {step}, {large:,} / {small:,} stories: {growth}")
    finally:
        remove(work)
    found["runs"] = [r.__dict__ for r in runs]
    if args.json:
        args.json.write_text(json.dumps(found, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
