"""A cache folder another user could write to is never read: what it holds would run as code."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import jinja2
import pytest
from conftest import story

from insole.build import build
from insole.options import Options

NOT_ROOT = os.geteuid() != 0
ANOTHER_USER = os.geteuid() + 1000
WARNING = "warning: the cache folder is not used: "


class Planted:
    """Unpickled, it makes a folder: what a file another user put in the cache could do."""

    def __init__(self, mark: Path):
        self.mark = str(mark)

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.mkdir, (self.mark,)


def plant(cache: Path, mark: Path) -> list[Path]:
    """Replace every file of a filled cache with one that runs code as it is read."""
    payload = pickle.dumps(Planted(mark))
    files = sorted(cache.rglob("*.pickle")) + sorted(cache.rglob("__jinja2_*.cache"))
    assert any(f.suffix == ".cache" for f in files) and any(f.suffix == ".pickle" for f in files)
    for file in files:
        magic = jinja2.bccache.bc_magic if file.suffix == ".cache" else b""
        file.write_bytes(magic + payload)
    return files


@pytest.fixture
def filled(site, monkeypatch, tmp_path):
    """A site and a cache folder a first build filled, the cache's folder given by INSOLE_CACHE_DIR."""

    def make(cache: Path) -> Path:
        monkeypatch.setenv("INSOLE_CACHE_DIR", str(cache))
        root = site({f"content/stories/s{i}.md": story(f"Story {i}") for i in range(3)})
        build(Options(root=root, search=False))
        return root

    return make


def test_a_cache_folder_others_can_write_to_is_not_read_and_a_warning_says_so(filled, run, tmp_path):
    cache = tmp_path / "cache"
    root = filled(cache)
    plant(cache, tmp_path / "ran")
    cache.chmod(0o777)
    result = run(root, "build", "--no-search", "--strict")
    assert result.code == 0, result.err
    assert not (tmp_path / "ran").exists()
    hint = "(what a cache holds runs as code: set INSOLE_CACHE_DIR to a folder only you can write to)"
    assert result.err == f"{cache}:1:1: {WARNING}others can write to {cache} {hint}\n"


def test_a_cache_inside_a_folder_others_can_write_to_is_not_read(filled, run, tmp_path):
    shared = tmp_path / "shared"
    root = filled(shared / "insole")
    plant(shared, tmp_path / "ran")
    shared.chmod(0o777)  # another user could put a folder of theirs in the cache's place
    result = run(root, "build", "--no-search")
    assert result.code == 0, result.err
    assert not (tmp_path / "ran").exists()
    assert f"{WARNING}others can write to {shared} " in result.err


def test_a_folder_writable_by_all_that_only_owners_may_empty_can_hold_the_cache(filled, run, tmp_path):
    public = tmp_path / "public"
    root = filled(public / "insole")
    public.chmod(0o1777)  # like /tmp
    result = run(root, "build", "--no-search")
    assert result.code == 0 and WARNING not in result.err


@pytest.mark.skipif(NOT_ROOT, reason="giving a file to another user needs root")
def test_files_of_another_user_or_writable_by_others_in_your_cache_are_not_read(filled, run, tmp_path):
    cache = tmp_path / "cache"
    root = filled(cache)
    for file in plant(cache, tmp_path / "ran"):
        os.chown(file, ANOTHER_USER, ANOTHER_USER)
    assert run(root, "build", "--no-search").code == 0
    assert not (tmp_path / "ran").exists()
    for file in plant(cache, tmp_path / "ran"):
        file.chmod(0o666)
    result = run(root, "build", "--no-search")
    assert result.code == 0 and WARNING not in result.err
    assert not (tmp_path / "ran").exists()


@pytest.mark.skipif(NOT_ROOT, reason="giving a file to another user needs root")
def test_a_link_another_user_planted_at_the_cache_path_is_not_followed(filled, run, monkeypatch, tmp_path):
    theirs = tmp_path / "theirs"
    root = filled(theirs)
    plant(theirs, tmp_path / "ran")
    for path in [theirs, *theirs.rglob("*")]:
        os.chown(path, ANOTHER_USER, ANOTHER_USER)
    public = tmp_path / "public"
    public.mkdir(mode=0o1777)
    (public / "insole").symlink_to(theirs)
    os.lchown(public / "insole", ANOTHER_USER, ANOTHER_USER)
    monkeypatch.setenv("INSOLE_CACHE_DIR", str(public / "insole"))
    result = run(root, "build", "--no-search")
    assert result.code == 0, result.err
    assert not (tmp_path / "ran").exists()
    assert f"{WARNING}{public / 'insole'} belongs to another user" in result.err


def test_a_cache_made_under_a_group_sharing_umask_is_private_and_used(site, run, monkeypatch, tmp_path):
    monkeypatch.setenv("INSOLE_CACHE_DIR", str(tmp_path / "new" / "cache"))
    root = site({"content/stories/a.md": story()})
    before = os.umask(0o002)
    try:
        assert run(root, "build", "--no-search").code == 0
        result = run(root, "build", "--no-search")
    finally:
        os.umask(before)
    assert result.code == 0 and WARNING not in result.err
    assert "0 written" in result.out


def test_a_cache_folder_inside_the_library_is_not_read_for_it_may_come_with_a_clone(
    filled, run, monkeypatch, tmp_path
):
    root = filled(tmp_path / "cache")
    shipped = root / ".cache" / "insole"
    shutil.copytree(tmp_path / "cache", shipped)  # as a clone of someone's library would bring it
    plant(shipped, tmp_path / "ran")
    monkeypatch.setenv("INSOLE_CACHE_DIR", str(shipped))
    result = run(root, "build", "--no-search")
    assert result.code == 0, result.err
    assert not (tmp_path / "ran").exists()
    assert result.err.startswith(
        f".cache/insole:1:1: {WARNING}it is inside the library, whose files may come from anyone"
    )
