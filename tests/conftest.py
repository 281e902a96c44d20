"""Sample sites written inline, and running the insole command on them."""

from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from insole.cli import main

REPO = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    """Keep the stories cache of every test run apart from the user's own."""
    os.environ["INSOLE_CACHE_DIR"] = tempfile.mkdtemp(prefix="insole-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the test run's cache folder."""
    shutil.rmtree(os.environ.get("INSOLE_CACHE_DIR", ""), ignore_errors=True)


SITE_YAML = """\
title: Sample stories
description: A small library for tests.
language: en
base_url: /
output: _site
needs:
  assemble-without-help:
    title: Assemble furniture without help
    kind: achieve
    description: Customers want the *wardrobe* standing the same evening.
  second-trip: {title: A second trip to the store, kind: avoid}
  stay-healthy: {title: Stay healthy at home, kind: achieve}
processes:
  delivery:
    title: Delivery
    description: From the warehouse to the customer's door.
  assembly-instructions: Assembly instructions
  support: Support
co_creation:
  instruction-testing:
    title: Testing instructions with first-time buyers
  home-panel: Home panel
sources:
  support-call: Support call
  home-visit: Home visit
"""


def story(
    title: str = "Lunch in the support centre",
    *,
    date: str = "2024-03-14",
    needs: str = "[assemble-without-help]",
    processes: str = "[delivery]",
    extra: str = "",
    body: str = "The wardrobe stood the same evening.\n",
) -> str:
    """The text of a story file with the given front matter."""
    lines = [f"title: {title}", f"date: {date}", f"needs: {needs}", f"processes: {processes}"]
    front = "\n".join(lines) + ("\n" + textwrap.dedent(extra).strip() if extra else "")
    return f"---\n{front}\n---\n{body}"


@dataclass
class Run:
    """What one run of the insole command did."""

    code: int
    out: str
    err: str


def make_site(root: Path, files: dict[str, str | bytes], site_yaml: str = SITE_YAML) -> Path:
    """Write a site: site.yaml and the given files (paths relative to the site)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(site_yaml, encoding="utf-8")
    (root / "content" / "stories").mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return root


def pytest_addoption(parser: pytest.Parser) -> None:
    """`--update-golden` rewrites the expected output of the example library."""
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden from a fresh build")


@pytest.fixture
def site(tmp_path: Path) -> Callable[..., Path]:
    """A factory for sample sites in a temporary folder."""

    def factory(files: dict[str, str | bytes] | None = None, site_yaml: str = SITE_YAML) -> Path:
        return make_site(tmp_path / "site", files or {}, site_yaml)

    return factory


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """Run `insole ARGS...` in a folder and capture what it printed."""

    def runner(folder: Path, *args: str) -> Run:
        monkeypatch.chdir(folder)
        try:
            code = main(list(args))
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return runner


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright; skipped where missing, except in CI where it must be."""
    if not shutil.which(CHROMIUM) and not os.environ.get("CI"):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A new browser tab, closed after the test."""
    tab = browser.new_page()
    yield tab
    tab.close()


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example library built as `insole build` publishes it, with its search index."""
    from published import build_example

    return build_example(tmp_path_factory.mktemp("published"))


@pytest.fixture(scope="session")
def address(published: Path) -> Iterator[str]:
    """Where the published example is served on 127.0.0.1, ending in '/'."""
    from published import serving

    with serving(published) as url:
        yield url
