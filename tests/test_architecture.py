"""The package's modules import one way only, along the pipeline."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

CHAIN = [
    "__init__",
    "errors",
    "options",
    "files",
    "digests",
    "cachetrust",
    "cache",
    "forked",
    "words_en",
    "words_sv",
    "words_da",
    "i18n",
    "groupings",
    "yamlerrors",
    "yamldoc",
    "frontmatter",
    "sanitize",
    "fastmarkup",
    "markup",
    "identity",
    "phones",
    "privacy",
    "vocabulary",
    "settings",
    "config",
    "story",
    "quotes",
    "finding",
    "storyfields",
    "storyfiles",
    "crosschecks",
    "content",
    "findings",
    "history",
    "review",
    "schema",
    "related",
    "library",
    "insights",
    "journey",
    "contexts",
    "copies",
    "paging",
    "facets",
    "sitemap",
    "pages",
    "report",
    "data",
    "fragments",
    "listitems",
    "environment",
    "render",
    "links",
    "manifest",
    "swap",
    "lock",
    "guards",
    "output",
    "search",
    "memo",
    "unchanged",
    "gather",
    "build",
    "scaffold",
    "livesite",
    "storyform",
    "devserver",
    "serve",
    "shell",
    "arguments",
    "messages",
    "exporting",
    "starting",
    "cli",
    "__main__",
]


def local_imports(path: Path) -> set[str]:
    """The package modules a module imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found.add(node.module or "__init__")
    return found


def test_every_module_is_in_the_chain():
    modules = {p.stem for p in (REPO / "generator").glob("*.py")}
    assert modules == set(CHAIN)


def test_imports_point_one_way():
    for module in CHAIN:
        for imported in local_imports(REPO / "generator" / f"{module}.py"):
            assert CHAIN.index(imported) < CHAIN.index(module), f"{module} imports {imported}"


# The modules of the command line, the last in the chain: only they print.
COMMAND_LINE = ("messages", "exporting", "starting", "cli")


def test_only_the_command_line_prints():
    assert CHAIN[-len(COMMAND_LINE) - 1 : -1] == list(COMMAND_LINE)  # then __main__
    for path in (REPO / "generator").glob("*.py"):
        if path.stem in COMMAND_LINE:
            continue
        calls = [
            node
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "print"
        ]
        assert not calls, f"{path.name} prints"
