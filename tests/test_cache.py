"""The stories cache: unchanged files are not parsed again, and what comes back equals a fresh parse."""

from __future__ import annotations

import os
import time
from pathlib import Path

from conftest import SITE_YAML, story
from markdown_it import MarkdownIt

from generator import content
from generator.build import Options, gather
from generator.cache import cache_home, digest, open_store
from generator.config import SiteConfig, load_config
from generator.markup import make_markdown


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
    assert "Changed." in again.library.stories["s1"].html


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
    (kept,) = cache_home().glob(digest(str(root.resolve()))[:20] + "/stories.pickle")
    kept.write_bytes(b"not a pickle")
    again = gather(Options(root=root), writing=False)
    assert list(again.library.stories) == ["a"]
    assert open_store(root, "stories", "x").path == kept


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
    assert any(p.path.endswith("bad.md") for p in two[1])


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
