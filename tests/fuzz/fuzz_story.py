"""Coverage-guided fuzzing of the story path (front matter, checks, Markdown) with atheris.

Run it for as long as you like; libFuzzer's options apply, for example half an hour:

    python3 -m pip install atheris
    python3 tests/fuzz/fuzz_story.py -max_total_time=1800 tests/fuzz/corpus

It stops at the first input that raises anything but a located problem, and saves it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

with atheris.instrument_imports():
    from harness import Harness

    import insole.content
    import insole.frontmatter
    import insole.markup  # noqa: F401

HARNESS = Harness()


def test_one_input(data: bytes) -> None:
    """Feed one input to the story path."""
    HARNESS.run(data)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
