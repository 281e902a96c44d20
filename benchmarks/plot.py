"""Draw build time against library size from benchmark figures, as a small SVG chart.

Usage: python benchmarks/plot.py results.json [more.json ...] --output docs/build-time.svg
(figures of run.py or of table.py)

Each series is one tool and step (insole cold, Hugo cold, ...); both axes are logarithmic,
so a straight line means the cost grows as a power of the size, and a slope of one
that it grows linearly.
"""

from __future__ import annotations

import argparse
import json
import math
from html import escape
from pathlib import Path

SERIES = {
    ("insole", "cold"): ("insole, cold", "#1d4ed8", ""),
    ("insole", "cold, no search"): ("insole, cold, no search index", "#1d4ed8", "6 4"),
    ("insole", "warm"): ("insole, nothing changed", "#0f766e", ""),
    ("insole", "edit body"): ("insole, one story edited", "#0f766e", "6 4"),
    ("hugo", "cold"): ("Hugo, cold, related content", "#b91c1c", ""),
    ("hugo", "cold, no related"): ("Hugo, cold, no related content", "#b91c1c", "6 4"),
}
WIDTH, HEIGHT = 640, 400
LEFT, RIGHT, TOP, BOTTOM = 64, 240, 24, 48


# table.py names some steps otherwise than run.py; its second body edit is the one plotted,
# as run.py's edit also meets the spare folder of an earlier build.
TABLE_STEPS = {
    ("insole", "nothing changed"): ("insole", "warm"),
    ("insole", "another body edited"): ("insole", "edit body"),
    ("hugo", "cold, related"): ("hugo", "cold"),
}


def load(paths: list[Path]) -> dict[tuple[str, str], dict[int, float]]:
    """The wall seconds of each charted series by library size, from every file given (later files win)."""
    found: dict[tuple[str, str], dict[int, float]] = {key: {} for key in SERIES}
    for path in paths:
        figures = json.loads(path.read_text(encoding="utf-8"))
        if "runs" in figures:  # from table.py
            rows = [{**run, "seconds": run["wall"]} for run in figures["runs"]]
        else:
            rows = figures["results"]
        for row in rows:
            key = TABLE_STEPS.get((row["tool"], row["step"]), (row["tool"], row["step"]))
            if key in found:
                found[key][row["stories"]] = row["seconds"]
    return {key: points for key, points in found.items() if points}


def ticks(low: float, high: float) -> list[float]:
    """Powers of ten, and 2 and 5 times them, from below `low` to above `high`."""
    values = []
    for power in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        values += [m * 10**power for m in (1, 2, 5)]
    return [v for v in values if low / 2 <= v <= high * 2]


def chart(series: dict[tuple[str, str], dict[int, float]]) -> str:
    """The SVG text of the chart."""
    sizes = [n for points in series.values() for n in points]
    times = [t for points in series.values() for t in points.values()]
    x_low, x_high = math.log10(min(sizes)) - 0.1, math.log10(max(sizes)) + 0.1
    y_low, y_high = math.log10(min(times)) - 0.15, math.log10(max(times)) + 0.15

    def x(n: float) -> float:
        return LEFT + (math.log10(n) - x_low) / (x_high - x_low) * (WIDTH - LEFT - RIGHT)

    def y(t: float) -> float:
        return HEIGHT - BOTTOM - (math.log10(t) - y_low) / (y_high - y_low) * (HEIGHT - TOP - BOTTOM)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="#fff"/>',
    ]
    for t in ticks(10**y_low, 10**y_high):
        if y_low <= math.log10(t) <= y_high:
            parts.append(
                f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="#e5e7eb"/>'
            )
            parts.append(f'<text x="{LEFT - 6}" y="{y(t) + 4:.1f}" text-anchor="end">{t:g}</text>')
    for n in sorted(set(sizes)):
        parts.append(f'<text x="{x(n):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{n:,}</text>')
    parts.append(
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2}" y="{HEIGHT - 12}" text-anchor="middle">stories</text>'
    )
    parts.append(f'<text x="14" y="{TOP + 4}" >seconds</text>')
    for row, (key, points) in enumerate(series.items()):
        label, colour, dash = SERIES[key]
        line = " ".join(f"{x(n):.1f},{y(points[n]):.1f}" for n in sorted(points))
        style = f'stroke="{colour}" stroke-width="2" fill="none"' + (
            f' stroke-dasharray="{dash}"' if dash else ""
        )
        parts.append(f'<polyline points="{line}" {style}/>')
        for n in sorted(points):
            parts.append(f'<circle cx="{x(n):.1f}" cy="{y(points[n]):.1f}" r="3" fill="{colour}"/>')
        at, left = TOP + 8 + row * 20, WIDTH - RIGHT + 16
        parts.append(f'<line x1="{left}" x2="{left + 24}" y1="{at}" y2="{at}" {style}/>')
        parts.append(f'<text x="{left + 30}" y="{at + 4}">{escape(label)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main() -> int:
    """Read the figures and write the chart."""
    parser = argparse.ArgumentParser(description="Chart build time against library size.")
    parser.add_argument("results", type=Path, nargs="+", help="JSON files written by run.py --json")
    parser.add_argument("--output", type=Path, required=True, help="the SVG file to write")
    args = parser.parse_args()
    series = load(args.results)
    if not series:
        raise SystemExit("plot.py: no figures to chart")
    args.output.write_text(chart(series), encoding="utf-8")
    print(f"Wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
