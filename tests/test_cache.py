"""The stories cache: unchanged files are not parsed again, and what comes back equals a fresh parse."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SITE_YAML, story
from markdown_it import MarkdownIt

import insole
from insole import cache, content, library
from insole.cache import KEEP_UNUSED, Store, open_memo
from insole.cachetrust import cache_home
from insole.config import SiteConfig, load_config
from insole.digests import digest
from insole.gather import gather
from insole.markup import make_markdown
from insole.options import Options


def parsed_files(monkeypatch) -> list[str]:
    """The names of the story files parsed from now on."""
    seen: list[str] = []
    real = content.read_story
    monkeypatch.setattr(
        content, "read_story", lambda source, *rest: seen.append(source.path.name) or real(source, *rest)
    )
    return seen


def test_second_build_parses_only_the_changed_story(site, monkeypatch):
    root = site({f"content/stories/s{i}.md": story(f"Story {i}") for i in range(3)})
    gather(Options(root=root), writing=False)
    seen = parsed_files(monkeypatch)
    (root / "content/stories/s1.md").write_text(story("Story 1", body="Changed.\n"), encoding="utf-8")
    again = gather(Options(root=root), writing=False)
    assert seen == ["s1.md"]
    assert "Changed." in again.bodies["s1"]


def test_cached_stories_and_problems_equal_a_fresh_parse(site):
    extra = "customer: Ann Holm\nrelated: [s0]\nunknown_key: 1"
    root = site({f"content/stories/s{i}.md": story(f"Story {i}", extra=extra if i else "") for i in range(3)})
    first = gather(Options(root=root), writing=False)
    cached = gather(Options(root=root), writing=False)
    fresh = gather(Options(root=root, cache=False), writing=False)
    assert cached.library.stories == fresh.library.stories == first.library.stories
    assert cached.problems == fresh.problems
    assert any("unknown key 'unknown_key'" in str(p) for p in cached.problems)


def test_changed_vocabulary_parses_every_story_again(site, monkeypatch):
    root = site({"content/stories/a.md": story(needs="[stay-healthy]")})
    gather(Options(root=root), writing=False)
    seen = parsed_files(monkeypatch)
    (root / "site.yaml").write_text(SITE_YAML.replace("  stay-healthy:", "  stay-well:"), encoding="utf-8")
    again = gather(Options(root=root), writing=False)
    assert seen == ["a.md"]
    assert any("'stay-healthy' is not declared in needs" in str(p) for p in again.problems)


def test_moved_story_is_parsed_again_for_its_new_path(site, monkeypatch):
    root = site({"content/stories/a.md": story()})
    gather(Options(root=root), writing=False)
    seen = parsed_files(monkeypatch)
    (root / "content/stories/2024").mkdir()
    os.replace(root / "content/stories/a.md", root / "content/stories/2024/a.md")
    again = gather(Options(root=root), writing=False)
    assert seen == ["a.md"]
    assert again.library.stories["a"].source_path.endswith("2024/a.md")


def test_unreadable_cache_is_ignored_and_replaced(site):
    root = site({"content/stories/a.md": story()})
    gather(Options(root=root), writing=False)
    kept = list(cache_home().glob(digest(str(root.resolve()))[:20] + "/memo/*.pickle"))
    assert kept
    for path in kept:
        path.write_bytes(b"not a pickle")
    again = gather(Options(root=root), writing=False)
    assert list(again.library.stories) == ["a"]
    assert open_memo(root).folder == kept[0].parent
    assert all(path.read_bytes() != b"not a pickle" for path in kept)


def test_memo_is_kept_in_shards_by_kind_and_the_first_digits_of_the_keys(tmp_path):
    store = Store(tmp_path, "basis")
    for key in ("sa1" + "0" * 30, "sa1" + "1" * 30, "ia1" + "0" * 30, "notes"):
        store.put(key, key.upper())
    store.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_.pickle", "ia1.pickle", "sa1.pickle"]
    again = Store(tmp_path, "basis")
    assert again.get("sa1" + "1" * 30) == "SA1" + "1" * 30
    assert again.get("notes") == "NOTES"
    assert sorted(again.loaded) == ["_", "sa1"]  # ia1 was not asked for, so not read
    assert Store(tmp_path, "other basis").get("notes") is None


def test_store_writes_only_the_shards_that_changed(tmp_path):
    keys = [f"s{n:02x}" + "0" * 30 for n in range(8)]
    first = Store(tmp_path, "basis")
    for key in keys:
        first.put(key, 1)
    first.save()
    old = time.time() - 60
    for path in tmp_path.iterdir():
        os.utime(path, (old, old))
    again = Store(tmp_path, "basis")
    for key in keys:
        again.put(key, 2 if key == keys[3] else again.get(key))
    again.save()
    newer = sorted(p.name for p in tmp_path.iterdir() if p.stat().st_mtime > old + 1)
    assert newer == ["s03.pickle"]
    assert Store(tmp_path, "basis").get(keys[3]) == 2


def test_memo_drops_what_no_build_used_for_a_while(tmp_path, monkeypatch):
    first = Store(tmp_path, "basis")
    for key in ("saa1", "saa2", "saa3"):
        first.put(key, key)
    first.save()
    second = Store(tmp_path, "basis")
    second.get("saa1")
    second.put("saa4", "saa4")
    second.save()
    third = Store(tmp_path, "basis")
    assert [third.get(k) for k in ("saa1", "saa2", "saa3")] == ["saa1", "saa2", "saa3"]
    later = time.time() + KEEP_UNUSED + 1
    monkeypatch.setattr(cache.time, "time", lambda: later)
    fourth = Store(tmp_path, "basis")
    fourth.get("saa1")
    fourth.save()
    fifth = Store(tmp_path, "basis")
    assert [fifth.get(k) for k in ("saa1", "saa2", "saa3", "saa4")] == ["saa1", None, None, None]
    fifth.forget("saa1")
    fifth.save()
    assert Store(tmp_path, "basis").get("saa1") is None


def test_one_edited_story_rewrites_few_shards(site):
    root = site({f"content/stories/s{i}.md": story(f"Story {i}") for i in range(40)})
    old = time.time() - 60
    for path in (root / "content/stories").glob("*.md"):
        os.utime(path, (old, old))
    gather(Options(root=root), writing=False)
    shards = list(cache_home().glob(digest(str(root.resolve()))[:20] + "/memo/*.pickle"))
    for path in shards:
        os.utime(path, (old, old))
    (root / "content/stories/s7.md").write_text(story("Story 7", body="Changed.\n"), encoding="utf-8")
    again = gather(Options(root=root), writing=False)
    assert "Changed." in again.bodies["s7"]
    rewritten = [p for p in shards[0].parent.glob("*.pickle") if p.stat().st_mtime > old + 1]
    assert 1 <= len(rewritten) <= 3 < len(shards)  # the new story, its old one and its stamp


def test_cache_is_kept_outside_the_site(site):
    root = site({"content/stories/a.md": story()})
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    gather(Options(root=root), writing=False)
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before
    assert not Path(cache_home()).resolve().is_relative_to(root.resolve())


def test_no_cache_writes_nothing_to_the_cache_folder(site):
    root = site({"content/stories/a.md": story()})
    gather(Options(root=root, cache=False), writing=False)
    assert not (cache_home() / digest(str(root.resolve()))[:20]).exists()


def test_stories_parsed_in_two_processes_equal_those_parsed_in_one(site, monkeypatch):
    monkeypatch.setattr(content, "can_fork", lambda workers: workers > 1)  # other tests' threads may linger
    files = {
        f"content/stories/s{i:03}.md": story(f"Story {i}", extra="customer: Åsa" if i % 7 else "needs_x: 1")
        for i in range(content.PARALLEL_FROM + 20)
    }
    files["content/stories/bad.md"] = "---\ntitle: [unclosed\n---\n"
    root = site(files)
    one = content.load_stories(*_loading(root), workers=1)
    two = content.load_stories(*_loading(root), workers=2)
    assert one == two
    assert any(p.path.endswith("bad.md") for p in two[2])


def _loading(root: Path) -> tuple[SiteConfig, MarkdownIt]:
    """What load_stories needs for the site at `root`."""
    config, _ = load_config(root, None)
    return config, make_markdown(config.allow_html)


def test_files_with_an_unchanged_stamp_are_not_read_again(site, monkeypatch):
    root = site({f"content/stories/s{i}.md": story(f"Story {i}") for i in range(3)})
    old = time.time() - 60
    for path in (root / "content/stories").glob("*.md"):
        os.utime(path, (old, old))
    gather(Options(root=root), writing=False)
    read: list[str] = []
    real = content.read_file
    monkeypatch.setattr(content, "read_file", lambda path, *rest: read.append(path.name) or real(path, *rest))
    gather(Options(root=root), writing=False)
    assert read == []
    changed = root / "content/stories/s1.md"
    changed.write_text(story("Story 9"), encoding="utf-8")  # same size, and its old time put back
    os.utime(changed, (old, old))
    again = gather(Options(root=root), writing=False)
    assert read == ["s1.md"]
    assert again.library.stories["s1"].title == "Story 9"


def test_files_touched_but_unchanged_are_taken_from_the_cache_by_their_bytes(site, monkeypatch):
    root = site({f"content/stories/s{i:03}.md": story(f"Story {i}") for i in range(content.PARALLEL_FROM)})
    first = gather(Options(root=root, workers=2), writing=False)
    touched = time.time() - 100  # as after a checkout: other times, the same bytes
    for path in (root / "content/stories").glob("*.md"):
        os.utime(path, (touched, touched))

    def parsed(*_):
        raise AssertionError("a story whose bytes are in the cache was parsed again")

    monkeypatch.setattr(content, "read_story", parsed)  # forked workers, where they may be, inherit it
    again = gather(Options(root=root, workers=2), writing=False)
    assert again.library.stories == first.library.stories


def test_a_build_with_no_story_or_term_changed_takes_the_model_tables_from_the_cache(site, monkeypatch):
    root = site({f"content/stories/s{i}.md": story(f"Story {i}") for i in range(3)})
    model = lambda: gather(Options(root=root), writing=False).library  # noqa: E731
    first = model()
    worked_out: list[int] = []
    real = library.co_occurrence
    monkeypatch.setattr(library, "co_occurrence", lambda *args: worked_out.append(1) or real(*args))
    assert model() == first
    assert worked_out == []
    edited = story("Story 1", extra="customer: Ann Holm")
    (root / "content/stories/s1.md").write_text(edited, encoding="utf-8")
    assert model().evidence["needs"]["assemble-without-help"].customers == 1
    assert worked_out == [1]
    site_yaml = (root / "site.yaml").read_text(encoding="utf-8")
    site_yaml = site_yaml.replace("From the warehouse to", "From the store to")
    (root / "site.yaml").write_text(site_yaml, encoding="utf-8")
    assert model().terms["processes"]["delivery"].description.startswith("<p>From the store to")
    assert worked_out == [1, 1]
    (root / "site.yaml").write_text(
        site_yaml.replace("title: Delivery", "title: Home delivery"), encoding="utf-8"
    )
    assert model().terms["processes"]["delivery"].title == "Home delivery"
    assert worked_out == [1, 1, 1]


def test_code_digest_names_the_code_a_process_runs_not_the_files_it_was_loaded_from(tmp_path):
    shutil.copytree(Path(insole.__file__).parent, tmp_path / "generator")
    script = (
        "import pathlib, sys\n"
        "from generator.cache import code_digest\n"
        "first = code_digest()\n"
        "edited = pathlib.Path(sys.argv[1], 'generator', 'pages.py')\n"
        "edited.write_text(edited.read_text() + '# upgraded\\n')\n"
        "print(first, code_digest())\n"
    )
    run = lambda: subprocess.run(  # noqa: E731
        [sys.executable, "-c", script, str(tmp_path)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    first, during = run()
    after, _ = run()
    assert during == first  # results a running insole keeps are named by the code it runs
    assert after != first  # and the next process, running the edited code, names its own


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A folder on a small file system with no room left (skipped where one can't be mounted)."""
    folder = tmp_path / "full"
    folder.mkdir(mode=0o700)
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(folder)])
    if made.returncode:
        pytest.skip("mounting a file system needs root")
    with contextlib.suppress(OSError), (folder / "filler").open("wb") as filler:
        filler.write(bytes(1 << 20))
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk_under_the_cache_costs_time_never_the_build(site, run, monkeypatch, full_disk):
    monkeypatch.setenv("INSOLE_CACHE_DIR", str(full_disk / "cache"))
    root = site({f"content/stories/s{i}.md": story(f"Story {i}") for i in range(3)})
    for _ in range(2):
        result = run(root, "build", "--no-search")
        assert (result.code, result.err) == (0, "")
        assert result.out.startswith("Built 3 stories into _site/")
    left = [p.name for p in (full_disk / "cache").rglob("*") if p.is_file()]
    assert not [name for name in left if name.startswith(".new-")]
