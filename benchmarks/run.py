"""Time insole's builds of synthetic libraries, and Hugo's build of the same stories if it is there.

Usage: python benchmarks/run.py [--sizes 1000,10000] [--big] [--repeat R] [--json FILE]
                                [--commit REV] [--hugo PATH | --no-hugo] [--no-search]

Every build runs `python -m generator build --site DIR` in a child process; the figures are
its wall time, its CPU time (user + system) and its peak resident memory. Writing the
libraries is not timed. After the builds of each size it prints the largest page and the
output's size.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from hugo_site import write_hugo_site, write_layouts
from synth import Library, make_library, write_library, write_site_yaml, write_story

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1000, 10000)
BIG = 50000
OUTPUT = "_site"
CODE = ("generator", "templates")
CACHE = "INSOLE_CACHE_DIR"

Prepare = Callable[[int], None]


@dataclasses.dataclass(frozen=True)
class Measurement:
    """One timed build."""

    tool: str
    stories: int
    step: str
    seconds: float
    cpu_seconds: float
    peak_mb: float
    load: float = 0.0

    @property
    def stories_per_second(self) -> float:
        """Stories built per second of wall time."""
        return self.stories / self.seconds


def run_child(command: list[str], cwd: Path) -> tuple[float, float, float, str]:
    """Run a command; its wall seconds, CPU seconds, peak RSS in MB and standard output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {child.returncode}:\n{stderr}{stdout}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout


def timed(
    tool: str, stories: int, step: str, command: list[str], prepare: Prepare, repeat: int, cwd: Path
) -> Measurement:
    """The fastest of `repeat` runs of a command in `cwd`, each after `prepare(run_number)`."""
    runs = []
    for number in range(repeat):
        prepare(number)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
        seconds, cpu, peak, _ = run_child(command, cwd)
        runs.append(Measurement(tool, stories, step, seconds, cpu, peak, load))
    return min(runs, key=lambda m: m.seconds)


def remove(folder: Path) -> None:
    """Delete a folder the benchmark made, if it is there."""
    shutil.rmtree(folder, ignore_errors=True)


def edit_body(library: Library, site: Path, number: int) -> None:
    """Add a paragraph to the body of the story in the middle of the library."""
    index = len(library.stories) // 2
    story = library.stories[index]
    extra = f"\nA paragraph added to measure a rebuild, edit {number + 1}.\n"
    library.stories[index] = dataclasses.replace(story, body=story.body + extra)
    write_story(library.stories[index], site)


def change_needs(library: Library, site: Path, number: int) -> None:
    """Give the story a third of the way into the library other needs."""
    index = len(library.stories) // 3
    story = library.stories[index]
    others = [need for need in library.popular_needs if need not in story.needs]
    needs = (others[number % len(others)], others[-1 - number % len(others)])
    library.stories[index] = dataclasses.replace(story, needs=tuple(dict.fromkeys(needs)))
    write_story(library.stories[index], site)


def edit_site_yaml(library: Library, site: Path, number: int) -> None:
    """Change the description of the first need in site.yaml."""
    need = library.needs[0]
    library.needs[0] = dataclasses.replace(need, description=f"{need.description} Edited ({number + 1}).")
    write_site_yaml(library, site)


def insole_steps(library: Library, site: Path, search: bool) -> list[tuple[str, Prepare, list[str]]]:
    """The insole builds to time, in order, each with what to do before it and extra arguments."""

    def cold(_: int) -> None:
        """Start from no output and no cache."""
        remove(site / OUTPUT)
        remove(Path(os.environ[CACHE]))

    steps: list[tuple[str, Prepare, list[str]]] = [
        ("cold", cold, []),
        ("warm", lambda _: None, []),
        ("edit body", lambda n: edit_body(library, site, n), []),
        ("change needs", lambda n: change_needs(library, site, n), []),
        ("edit site.yaml", lambda n: edit_site_yaml(library, site, n), []),
    ]
    if search:
        steps.append(("cold, no search", cold, ["--no-search"]))
    return steps


def has_search(insole: Path) -> bool:
    """True when this insole makes a search index that `--no-search` can leave out."""
    return "--no-search" in command_output([sys.executable, "-m", "generator", "build", "--help"], insole)


def bench_insole(
    library: Library, site: Path, repeat: int, insole: Path, search: bool = True
) -> list[Measurement]:
    """Time every insole step on a library written to `site`, running the insole in `insole`.

    Without `search`, every build leaves out the search index.
    """
    command = [sys.executable, "-m", "generator", "build", "--site", str(site)]
    if not search:
        command.append("--no-search")
    os.environ[CACHE] = str(site.parent / f"{site.name}-cache")  # read by every insole build it starts
    # An installed insole has its modules compiled (pip compiles them); where the machine
    # turns writing them off, every build would compile them again, about 0.12 s.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    results = []
    for step, prepare, extra in insole_steps(library, site, search and has_search(insole)):
        results.append(timed("insole", len(library.stories), step, command + extra, prepare, repeat, insole))
        print_row(results[-1])
    return results


def bench_hugo(hugo: str, library: Library, site: Path, repeat: int) -> list[Measurement]:
    """Time Hugo's cold and warm builds of the same stories, then a cold one without related stories."""
    write_hugo_site(library, site)
    command = [hugo, "--quiet", "--source", str(site), "--destination", str(site / "public")]
    command += ["--cacheDir", str(site / ".cache")]

    def cold(_: int) -> None:
        """Start from no output and no cache."""
        for name in ("public", "resources", ".cache"):
            remove(site / name)

    def cold_unrelated(number: int) -> None:
        """Start from nothing, with templates that leave out the computed related stories."""
        write_layouts(site, related=False)
        cold(number)

    steps: list[tuple[str, Prepare]] = [("cold", cold), ("warm", lambda _: None)]
    steps.append(("cold, no related", cold_unrelated))
    results = []
    for step, prepare in steps:
        results.append(timed("hugo", len(library.stories), step, command, prepare, repeat, site))
        print_row(results[-1])
    return results


def print_header() -> None:
    """The table's column names."""
    print(
        f"{'N':>7}  {'tool':<6}  {'step':<15}  {'seconds':>8}  {'cpu s':>8}  {'peak MB':>8}  {'stories/s':>9}"
    )


def print_row(m: Measurement) -> None:
    """One line of the table."""
    print(
        f"{m.stories:>7}  {m.tool:<6}  {m.step:<15}  {m.seconds:>8.2f}  {m.cpu_seconds:>8.2f}"
        f"  {m.peak_mb:>8.0f}  {m.stories_per_second:>9.0f}",
        flush=True,
    )


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, or what platform knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gb() -> float | None:
    """Total memory in GB from /proc/meminfo."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def machine() -> dict[str, object]:
    """What the figures were measured on."""
    return {
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": memory_gb(),
        "python": platform.python_version(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def command_output(command: list[str], cwd: Path = ROOT) -> str:
    """A command's standard output, stripped, or '' if it fails."""
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=60, check=True)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip()


def insole_info(insole: Path, commit: str | None) -> dict[str, object]:
    """The version of insole that is measured, its commit and whether it had uncommitted changes."""
    version = command_output([sys.executable, "-c", "import generator; print(generator.__version__)"], insole)
    if commit:
        return {"version": version, "commit": commit, "uncommitted_changes": False}
    commit = command_output(["git", "rev-parse", "--short", "HEAD"])
    changed = command_output(["git", "status", "--porcelain", "--", *CODE])
    return {"version": version, "commit": commit or None, "uncommitted_changes": bool(changed)}


def snapshot(folder: Path) -> Path:
    """Copy insole's code as it is now into `folder`, so edits made meanwhile do not mix in."""
    for name in CODE:
        shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def export(revision: str, folder: Path) -> tuple[Path, str]:
    """Extract a commit of this repository into `folder` (read-only for the repository)."""
    commit = command_output(["git", "rev-parse", "--short", revision])
    if not commit:
        raise SystemExit(f"run.py: '{revision}' is not a commit of {ROOT}")
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit], cwd=ROOT, capture_output=True, check=True
    )
    folder.mkdir(parents=True)
    with tempfile.TemporaryFile() as tar:
        tar.write(archive.stdout)
        tar.seek(0)
        with tarfile.open(fileobj=tar) as opened:
            opened.extractall(folder, filter="data")
    return folder, commit


def prepare_insole(revision: str | None, folder: Path) -> tuple[Path, dict[str, object]]:
    """The insole to measure, copied into `folder`, and what it is; imports are compiled once first."""
    insole, commit = export(revision, folder) if revision else (snapshot(folder), None)
    run_child([sys.executable, "-m", "generator", "--version"], insole)
    return insole, insole_info(insole, commit)


def hugo_version(hugo: str) -> str:
    """The `hugo version` line."""
    lines = command_output([hugo, "version"]).splitlines()
    return next((line for line in lines if line.startswith("hugo v")), lines[-1] if lines else "")


def ratios(results: list[Measurement]) -> list[dict[str, object]]:
    """insole's cold build time over each of Hugo's cold builds, for each size both were measured at."""
    mine = {m.stories: m for m in results if m.tool == "insole" and m.step == "cold"}
    found = []
    for theirs in results:
        if theirs.tool == "hugo" and theirs.step.startswith("cold") and theirs.stories in mine:
            ours = mine[theirs.stories]
            found.append(
                {
                    "stories": theirs.stories,
                    "hugo_step": theirs.step,
                    "wall": round(ours.seconds / theirs.seconds, 2),
                    "cpu": round(ours.cpu_seconds / theirs.cpu_seconds, 2),
                }
            )
    return found


def find_hugo(given: str | None, wanted: bool) -> str | None:
    """The Hugo command to compare with: --hugo, else `hugo` on PATH; None says why."""
    if not wanted:
        return None
    hugo = given or shutil.which("hugo")
    if hugo and hugo_version(hugo):
        return hugo
    print("Hugo was not found (give --hugo PATH or put hugo on PATH); skipping the comparison.")
    return None


def arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description="Time insole builds of synthetic libraries.")
    parser.add_argument(
        "--sizes", default=",".join(map(str, SIZES)), help="numbers of stories, e.g. 200,1000"
    )
    parser.add_argument("--big", action="store_true", help=f"also {BIG} stories")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each step; the fastest counts")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    parser.add_argument(
        "--commit",
        metavar="REV",
        help="measure this commit, exported with git archive (default: the code as the run starts)",
    )
    parser.add_argument("--hugo", metavar="PATH", help="the hugo command (default: hugo on PATH)")
    parser.add_argument("--no-hugo", action="store_true", help="skip the Hugo comparison")
    parser.add_argument(
        "--no-search", dest="search", action="store_false", help="leave the search index out of every build"
    )
    parser.add_argument("--workdir", type=Path, help="where to write the libraries (default: a temp folder)")
    parser.add_argument("--keep", action="store_true", help="keep the libraries afterwards")
    args = parser.parse_args(argv)
    args.sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    if args.big and BIG not in args.sizes:
        args.sizes.append(BIG)
    return args


def output_sizes(site: Path, stories: int) -> dict[str, object]:
    """Sizes in bytes of a built site: its largest page, its story list, facets.json, the whole."""
    output = site / OUTPUT
    files = [path for path in output.rglob("*") if path.is_file()]
    pages = [
        path for path in files if path.suffix == ".html" and path.relative_to(output).parts[0] != "pagefind"
    ]
    largest = max(pages, key=lambda path: path.stat().st_size)
    facets = output / "stories" / "facets.json"
    return {
        "stories": stories,
        "largest_page": largest.relative_to(output).as_posix(),
        "largest_page_bytes": largest.stat().st_size,
        "story_list_bytes": (output / "stories" / "index.html").stat().st_size,
        "facets_json_bytes": facets.stat().st_size if facets.is_file() else None,
        "total_bytes": sum(path.stat().st_size for path in files),
        "files": len(files),
    }


def print_sizes(sizes: dict[str, object]) -> None:
    """One line with the output's sizes."""
    print(
        f"{sizes['stories']:>7}  largest page {sizes['largest_page']} {sizes['largest_page_bytes']:,} B,"
        f" /stories/ {sizes['story_list_bytes']:,} B, facets.json {sizes['facets_json_bytes'] or 0:,} B,"
        f" output {sizes['total_bytes']:,} B in {sizes['files']:,} files",
        flush=True,
    )


def report(
    args: argparse.Namespace,
    results: list[Measurement],
    hugo: str | None,
    insole: dict[str, object],
    outputs: list[dict[str, object]],
) -> None:
    """Print the Hugo ratios and write the JSON file if asked."""
    found = ratios(results)
    for ratio in found:
        print(
            f"insole cold / Hugo {ratio['hugo_step']}, {ratio['stories']} stories: "
            f"{ratio['wall']}× wall time, {ratio['cpu']}× CPU time"
        )
    if not args.json:
        return
    data = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "insole": insole,
        "hugo": {"command": hugo, "version": hugo_version(hugo)} if hugo else None,
        "repeat": args.repeat,
        "results": [
            {**dataclasses.asdict(m), "stories_per_second": round(m.stories_per_second, 1)} for m in results
        ],
        "insole_over_hugo_cold": found,
        "output": outputs,
    }
    args.json.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Wrote {args.json}")


def main(argv: list[str] | None = None) -> int:
    """Write each library, time its builds and print the table."""
    args = arguments(argv)
    hugo = find_hugo(args.hugo, not args.no_hugo)
    work = Path(tempfile.mkdtemp(prefix="insole-bench-", dir=args.workdir))
    results: list[Measurement] = []
    outputs: list[dict[str, object]] = []
    try:
        insole, info = prepare_insole(args.commit, work / "insole")
        print_header()
        for size in args.sizes:
            library = make_library(size)
            write_library(library, work / f"library-{size}")
            results += bench_insole(library, work / f"library-{size}", args.repeat, insole, args.search)
            outputs.append(output_sizes(work / f"library-{size}", size))
            print_sizes(outputs[-1])
            if hugo:  # a fresh library: the insole steps edited the first one
                results += bench_hugo(hugo, make_library(size), work / f"hugo-{size}", args.repeat)
    finally:
        if args.keep:
            print(f"Libraries kept in {work}")
        else:
            remove(work)
    report(args, results, hugo, info, outputs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
