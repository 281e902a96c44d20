"""`insole init` and `insole new`: starting points that build at once."""

from __future__ import annotations

import datetime as dt
import io

import yaml
from conftest import SITE_YAML, story


def test_init_writes_a_library_that_builds_strictly(run, tmp_path):
    result = run(tmp_path, "init", "library")
    assert result.code == 0
    assert "library/site.yaml" in result.out
    assert (tmp_path / "library" / "README.md").read_text().count("insole build") == 1
    built = run(tmp_path / "library", "build", "--strict")
    assert built.code == 0, built.err
    assert built.out.startswith("Built 1 story")


def test_init_refuses_a_folder_that_is_not_empty(run, tmp_path):
    (tmp_path / "library").mkdir()
    (tmp_path / "library" / "notes.txt").write_text("mine")
    result = run(tmp_path, "init", "library")
    assert result.code == 2
    assert "is not empty" in result.err
    assert sorted(p.name for p in (tmp_path / "library").iterdir()) == ["notes.txt"]


def test_new_writes_a_dated_story_from_the_vocabulary(site, run):
    root = site({"content/stories/lunch.md": story()})
    result = run(
        root,
        "new",
        "Bäddsoffan: en andra resa?",
        "--need",
        "second-trip",
        "--process",
        "delivery",
        "--source",
        "home-visit",
    )
    assert result.code == 0, result.err
    path = root / result.out.strip()
    assert path == root / "content/stories/baddsoffan-en-andra-resa.md"
    text = path.read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---")[1])
    assert front["title"] == "Bäddsoffan: en andra resa?"
    assert front["date"] == dt.date.today()
    assert front["needs"] == ["second-trip"] and front["processes"] == ["delivery"]
    assert "# assemble-without-help, second-trip, stay-healthy" in text
    assert run(root, "build", "--strict").code == 0


def test_new_refuses_to_overwrite_and_unknown_terms(site, run):
    root = site({"content/stories/lunch.md": story()})
    (root / "content/stories/same-title.md").write_text("mine", encoding="utf-8")
    result = run(root, "new", "Same title")
    assert result.code == 2 and "already exists" in result.err
    assert (root / "content/stories/same-title.md").read_text() == "mine"
    result = run(root, "new", "Other", "--need", "second-trp")
    assert result.code == 2
    assert "'second-trp' is not declared in needs (did you mean 'second-trip'?)" in result.err


def test_new_cuts_a_very_long_title_to_a_slug_that_fits_a_folder_name(site, run):
    root = site({})
    title = "A call about the invoice " * 60
    result = run(root, "new", title, "--need", "second-trip", "--process", "support")
    assert result.code == 0, result.err
    path = root / result.out.strip()
    assert len(path.stem) <= 200 and path.stem.endswith("invoice")
    built = run(root, "build", "--no-search")
    assert built.code == 0, built.err


def test_init_where_no_folder_can_be_made_is_one_line_not_a_traceback(run, tmp_path):
    (tmp_path / "a-file").write_text("mine")
    result = run(tmp_path, "init", "a-file/library")
    assert result.code == 2
    assert result.err == "insole: cannot write a-file/library: Not a directory\n"
    assert (tmp_path / "a-file").read_text() == "mine"


def test_new_writes_any_title_so_that_it_reads_back_the_same(site, run):
    root = site({})
    titles = ["Line\nbreak", "Bell\x07and\ttab", "Para\u2028graph\u2029end", 'Quote " and \\ back']
    for index, title in enumerate(titles):
        result = run(root, "new", f"{title} {index}", "--need", "second-trip", "--process", "support")
        assert result.code == 0, result.err
        text = (root / result.out.strip()).read_text(encoding="utf-8")
        assert yaml.safe_load(text.split("---")[1])["title"] == f"{title} {index}"
    assert run(root, "check").code == 0


def test_new_with_a_title_that_is_not_utf_8_writes_a_replacement_character(site, run):
    root = site({})
    title = b"Caf\xe9".decode("utf-8", "surrogateescape")  # how Python passes such bytes on
    result = run(root, "new", title, "--need", "second-trip", "--process", "support")
    assert result.code == 0, result.err
    text = (root / "content/stories/caf.md").read_text(encoding="utf-8")
    assert yaml.safe_load(text.split("---")[1])["title"] == "Caf\ufffd"


def test_init_writes_a_gitignore_for_what_a_build_writes(run, tmp_path):
    result = run(tmp_path, "init", "library")
    assert result.code == 0, result.err
    assert "wrote library/.gitignore" in result.out
    assert (tmp_path / "library/.gitignore").read_text() == "# written by insole build\n/_site/\n/._site.*\n"
    assert result.out.endswith("Next: cd library && insole serve\n")


def test_init_here_after_git_init_keeps_the_gitignore_and_prints_no_cd(run, tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("*.pyc\n/_site/")
    result = run(tmp_path, "init", ".")
    assert result.code == 0, result.err
    assert (tmp_path / ".gitignore").read_text() == "*.pyc\n/_site/\n/._site.*\n"
    assert result.out.endswith("\nNext: insole serve\n")
    assert "cd ." not in result.out
    again = tmp_path / "again"
    again.mkdir()
    (again / ".gitignore").write_text("/_site/\n/._site.*\n")
    result = run(again, "init", ".")
    assert result.code == 0, result.err
    assert ".gitignore" not in result.out
    assert (again / ".gitignore").read_text() == "/_site/\n/._site.*\n"


SEGMENTS = "groupings:\n  segments:\n    title: Segments\n    terms:\n      young-families: Young families\n"


class Terminal(io.StringIO):
    """Typed answers on standard input, as on a terminal."""

    def isatty(self) -> bool:
        return True


def front_of(path):
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])


def test_new_takes_co_creation_and_each_declared_grouping(site, run):
    root = site({"content/stories/lunch.md": story()}, site_yaml=SITE_YAML + SEGMENTS)
    args = ["--need", "second-trip", "--process", "delivery", "--co-creation", "home-panel:asynchronous"]
    result = run(root, "new", "--segments", "young-families", "Moving in", *args)
    assert result.code == 0, result.err
    front = front_of(root / result.out.strip())
    assert front["co_creation"] == [{"opportunity": "home-panel", "mode": "asynchronous"}]
    assert front["segments"] == ["young-families"] and front["status"] == "published"
    assert run(root, "build", "--strict", "--no-search").code == 0


def test_new_names_the_option_of_each_term_not_declared(site, run):
    root = site({}, site_yaml=SITE_YAML + SEGMENTS)
    wrong = ["--segments", "yung-families", "--co-creation", "home-panl:sync", "--source", "x"]
    wrong += ["--co-creation", "home-panel", "--co-creation", "home-panel:asynchronus"]
    result = run(root, "new", "T", *wrong)
    assert result.code == 2
    assert result.err.splitlines() == [
        "insole: --co-creation: 'home-panl' is not declared in co_creation (did you mean 'home-panel'?)",
        "insole: --co-creation: 'sync' is not a mode"
        " (write OPPORTUNITY:synchronous or OPPORTUNITY:asynchronous)",
        "insole: --co-creation: 'home-panel' has no mode"
        " (write OPPORTUNITY:synchronous or OPPORTUNITY:asynchronous)",
        "insole: --co-creation: 'asynchronus' is not a mode (did you mean 'asynchronous' or 'synchronous'?)",
        "insole: --source: 'x' is not declared in sources (choose one of: support-call, home-visit)",
        "insole: --segments: 'yung-families' is not declared in segments (did you mean 'young-families'?)",
    ]
    assert not (root / "content/stories/t.md").exists()


def test_new_without_terms_off_a_terminal_writes_a_draft_the_build_passes(site, run):
    root = site({"content/stories/lunch.md": story()})
    result = run(root, "new", "Half remembered")
    assert result.code == 0, result.err
    path = root / "content/stories/half-remembered.md"
    assert front_of(path)["status"] == "draft" and front_of(path)["needs"] == []
    assert result.err == (
        "insole: content/stories/half-remembered.md is a draft until it names its needs"
        " and processes; then set status: published\n"
    )
    built = run(root, "build", "--no-search")
    assert built.code == 0, built.err
    assert "half-remembered.md:13:9: warning: a draft, so it is not published" in built.err


def test_new_on_a_terminal_asks_for_needs_and_processes_by_number_or_slug(site, run, monkeypatch):
    root = site({"content/stories/lunch.md": story()})
    monkeypatch.setattr("sys.stdin", Terminal("9 second-trp\n2, stay-healthy\nsupport\n"))
    result = run(root, "new", "Asked")
    assert result.code == 0, result.err
    assert "  1. assemble-without-help: Assemble furniture without help (Customers want" in result.out
    assert "needs: '9' is not declared in needs" in result.out
    assert "needs: 'second-trp' is not declared in needs (did you mean 'second-trip'?)" in result.out
    front = front_of(root / "content/stories/asked.md")
    assert front["needs"] == ["second-trip", "stay-healthy"] and front["processes"] == ["support"]
    assert front["status"] == "published"
    assert run(root, "build", "--strict", "--no-search").code == 0


def test_new_on_a_terminal_with_nothing_typed_writes_a_draft(site, run, monkeypatch):
    root = site({})
    monkeypatch.setattr("sys.stdin", Terminal("\n"))  # then the end of input
    result = run(root, "new", "Later", "--need", "second-trip")
    assert result.code == 0, result.err
    front = front_of(root / "content/stories/later.md")
    assert front["needs"] == ["second-trip"] and front["processes"] == [] and front["status"] == "draft"
