"""The example library built as it is published, served over HTTP, and the outside checkers' files."""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO

from insole.build import build
from insole.options import Options

# .ci/run installs the npm packages here; INSOLE_VNU_JAR and INSOLE_AXE_JS point elsewhere.
NODE_MODULES = REPO / ".ci" / "node" / "node_modules"
VNU_JAR = ("INSOLE_VNU_JAR", NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar")
AXE_JS = ("INSOLE_AXE_JS", NODE_MODULES / "axe-core" / "axe.min.js")
INSTALL = "npm install --prefix .ci/node vnu-jar axe-core, as .ci/run does"


def checker(found: tuple[str, Path]) -> Path:
    """An outside checker's file; skipped where missing, except in CI, where it must be there."""
    variable, default = found
    path = Path(os.environ.get(variable) or default)
    if not path.is_file():
        missing(f"{path} is missing ({INSTALL}, or set {variable})")
    return path


def program(name: str) -> str:
    """The path of a program on PATH; skipped where missing, except in CI."""
    found = shutil.which(name)
    if not found:
        missing(f"{name} is not installed (.ci/run installs it)")
    return str(found)


def missing(message: str) -> None:
    """Skip a test for want of a tool, or fail it in CI, where every tool must be there."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


PART_PAGES = 6  # story pages in one part of the published example's search index


def build_example(folder: Path, language: str = "en", part_pages: int = PART_PAGES) -> Path:
    """The example library built with its search index into `folder`, in an interface language."""
    root = REPO
    if language != "en":
        root = folder / "library"
        shutil.copytree(REPO / "content", root / "content")
        text = (REPO / "site.yaml").read_text(encoding="utf-8")
        assert "\nlanguage: en\n" in text
        changed = text.replace("\nlanguage: en\n", f"\nlanguage: {language}\n")
        (root / "site.yaml").write_text(changed, encoding="utf-8")
    output = folder / "_site"
    # Parts of a few stories, so the search page searches several parts of the index as one.
    result = build(Options(root=root, output=output, strict=True, part_pages=part_pages))
    assert result.problems == []
    return output


class _Quiet(SimpleHTTPRequestHandler):
    """Serves files without logging each request."""

    def end_headers(self) -> None:
        # linkchecker waits between requests to a host unless the host sends this header.
        self.send_header("LinkChecker", "local test server")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """A folder served as a static site on 127.0.0.1; yields its address, ending in '/'."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def html_pages(output: Path) -> list[str]:
    """Every HTML page of a built site, as paths relative to it, except Pagefind's own files."""
    return sorted(
        p.relative_to(output).as_posix()
        for p in output.rglob("*.html")
        if p.relative_to(output).parts[0] != "pagefind"
    )


def serious_violations(page: Any, axe: str) -> list[str]:
    """What axe-core finds on the open page that is serious or critical, one line per element."""
    page.add_script_tag(content=axe)
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {node['target']}"
        for v in found
        if v["impact"] in ("serious", "critical")
        for node in v["nodes"]
    ]
