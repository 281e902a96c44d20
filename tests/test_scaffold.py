"""`insole init` and `insole new`: starting points that build at once."""

from __future__ import annotations

import datetime as dt

import yaml
from conftest import story


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
