"""The memo around the pure steps: stories, the model and list items, reused by a digest of their inputs."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from .cache import Store
from .config import SiteConfig
from .content import Reader, StoryFiles, parse_all, take_story
from .digests import digest
from .library import Library, assemble, in_order, tabulate
from .listitems import ListedItems
from .related import relate_stories, relations
from .review import Due
from .story import Read, Story
from .vocabulary import Vocabulary

RACY_NS = 1_000_000_000
# Each kind of entry is kept in files of its own, so saving one kind writes no other. A story
# file's stamp is kept with the stories, as the two are read and written together.
STORY, TABLES, RELATED, ITEM, RECORD = "s", "m", "r", "i", "w"


def key(kind: str, *parts: bytes | str) -> str:
    """The memo's key for an entry of one kind made from these inputs."""
    return kind + digest(*parts)


def file_stamp(path: Path, folder: Path | None) -> tuple[int, ...]:
    """What tells that a story file changed; empty when it may have changed unnoticed.

    A file changed in the same clock tick as it was read could keep its time and size,
    so files touched in the last second are always read again.
    """
    try:
        info = path.stat()
        around = folder.stat().st_mtime_ns if folder else 0
    except OSError:
        return ()
    if time.time_ns() - max(info.st_mtime_ns, around) < RACY_NS:
        return ()
    return (info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino, around)


def stamp_key(places: Any, path: Path) -> str:
    """The memo's key for a story file's stamp, from a hash of the settings (copied, not redone)."""
    hasher = places.copy()
    hasher.update(os.fsencode(path))
    return STORY + str(hasher.hexdigest())


def story_reader(memo: Store, settings: str, seen: dict[Path, Read] | None = None) -> Reader:
    """`content.read_stories` through the memo: a story is parsed again only when its file changed.

    `settings` digests all else a story depends on. A file whose stamp is as the memo last
    saw it is not even read; a folder story is, as files deep inside it decide its assets.
    `seen` is given each file's story and problems.
    """

    def read(files: StoryFiles, config: SiteConfig, md: MarkdownIt, workers: int) -> list[Read]:
        """Each story file's story and problems, parsed only where the memo has none."""
        results: list[Read | None] = [None] * len(files)
        places = hashlib.blake2b(b"stamp\0" + settings.encode(), digest_size=16)
        unread = []
        for index, (path, folder) in enumerate(files):
            stamp = file_stamp(path, folder) if not folder else ()
            place = stamp_key(places, path)
            known = memo.get(place) if stamp else None
            kept = memo.get(known[1]) if known and known[0] == stamp else None
            if kept is not None:
                results[index] = kept
                continue
            if known:
                memo.forget(place)
            unread.append((index, place, stamp))
        content = config.content_dir.resolve()
        known_story = lambda found: memo.get(key(STORY, settings, found))  # noqa: E731
        todo = [files[index] for index, _, _ in unread]
        taken = parse_all(todo, lambda p, f: take_story(p, f, content, config, md, known_story), workers)
        for (index, place, stamp), (found, result) in zip(unread, taken, strict=True):
            results[index] = result
            if found:
                if stamp:
                    memo.put(place, (stamp, key(STORY, settings, found)))
                memo.put(key(STORY, settings, found), result)
        reads = [result for result in results if result is not None]
        if seen is not None:
            seen.update(zip((path for path, _ in files), reads, strict=True))
        return reads

    return read


def library_of(
    stories: list[Story], vocabulary: Vocabulary, due: dict[str, Due], memo: Store, workers: int
) -> Library:
    """`library.build_library` through the memo, so that a body edited reuses the model.

    The tables are kept by the vocabulary and every story's facts, the related stories by
    what decides them (`related.relations`).
    """
    ordered = in_order(stories)
    keyed = all(story.facts for story in ordered)
    whole = key(TABLES, repr(vocabulary), *(story.facts for story in ordered)) if keyed else ""
    kept = memo.get(whole) if whole else None
    tables, linked = (
        kept if kept else (tabulate(ordered, vocabulary), key(RELATED, repr(relations(ordered, vocabulary))))
    )
    related = memo.get(linked)
    if related is None:
        related = relate_stories(ordered, vocabulary, workers)
        memo.put(linked, related)
    if whole:
        memo.put(whole, (tables, linked))
    return assemble(ordered, tables, related, due)


def list_items(memo: Store, basis: str, theme: bool) -> ListedItems:
    """The story lists' items, found in the memo where they were made before."""
    return ListedItems(basis, lambda found: memo.get(ITEM + found), theme)


def keep_items(memo: Store, items: ListedItems | None) -> None:
    """Put the items made this build in the memo."""
    for made, text in (items.made if items else {}).items():
        memo.put(ITEM + made, text)
