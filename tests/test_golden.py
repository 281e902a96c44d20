"""The example library's pages, byte for byte, against the expected output in tests/golden.

After an intended change, rewrite the expected files with `python3 -m pytest tests/test_golden.py
--update-golden` and read the diff before committing it.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from insole.build import build
from insole.options import Options

GOLDEN = Path(__file__).parent / "golden" / "example"
# The day the example is built on: which stories are due for review must not change with the calendar.
TODAY = dt.date(2026, 11, 1)
PAGES = [
    "index.html",
    "stories/index.html",
    "quotes/index.html",
    "stories/lunch-in-customer-service/index.html",
    "stories/ingrid-vill-bo-kvar/index.html",
    "stories/couples-who-measure-with-their-arms/index.html",
    "needs/index.html",
    "needs/second-trip/index.html",
    "processes/index.html",
    "processes/delivery/index.html",
    "co-creation/index.html",
    "co-creation/instruction-testing/index.html",
    "sources/support-call/index.html",
    "matrix/index.html",
    "matrix/second-trip/delivery/index.html",
    "journey/index.html",
    "insights/index.html",
    "review/index.html",
    "findings/index.html",
    "findings/our-job-ends-at-the-wrong-door/index.html",
    "stories/lastkajen-pa-soder/index.html",
    "feed.xml",
    "needs/second-trip/feed.xml",
    "data/library.json",
    "sitemap.xml",
    "404.html",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example library built into a temporary folder, without the search index.

    Pagefind writes the same index with other file names from run to run, so the index is
    left out of the byte-for-byte comparisons; tests/test_search.py covers it.
    """
    output = tmp_path_factory.mktemp("golden") / "_site"
    build(Options(root=REPO, output=output, search=False, today=TODAY))
    return output


@pytest.mark.parametrize("page", PAGES)
def test_page_matches_golden(built, page, request):
    actual = (built / page).read_bytes()
    expected = GOLDEN / page
    if request.config.getoption("--update-golden"):
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_bytes(actual)
    assert expected.is_file(), f"no golden file for {page}; run with --update-golden"
    assert actual == expected.read_bytes(), f"{page} differs from tests/golden; see the module docstring"


def test_build_is_deterministic(built, tmp_path):
    again = tmp_path / "_site"
    build(Options(root=REPO, output=again, search=False, today=TODAY))
    first = {p.relative_to(built): p.read_bytes() for p in built.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first == second


def test_cold_builds_in_processes_hashing_differently_are_byte_identical(tmp_path):
    """Each process hashes text differently, which must not reach the order of anything written."""
    outputs = []
    for seed in ("1", "2"):
        output = tmp_path / f"site-{seed}"
        command = [
            sys.executable,
            "-m",
            "insole",
            "build",
            "--no-search",
            "--no-cache",
            "--output",
            str(output),
        ]
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(command, cwd=REPO, env=env, capture_output=True, check=True)
        outputs.append({p.relative_to(output): p.read_bytes() for p in output.rglob("*") if p.is_file()})
    assert outputs[0] == outputs[1]
