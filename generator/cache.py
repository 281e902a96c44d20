"""Results kept on disk between builds, keyed by digests of everything that made them."""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import markdown_it
import yaml

from .cachetrust import (
    OwnBytecode,
    cache_home,
    cache_refusal,
    make_private,
    open_own,
    path_refusal,
    private_folder,
)
from .digests import digest

try:
    from markdown_it_pyrs import __version__ as FAST_MARKDOWN  # type: ignore[attr-defined]  # where installed
except ImportError:
    FAST_MARKDOWN = ""

MEMO = "memo"
OLD_STORES = ("stories", "related", "tables", "items", "output")
KEEP_UNUSED = 14 * 24 * 3600  # seconds an entry no build asked for is kept


@functools.cache
def code_digest() -> str:
    """A digest of insole's own code and the versions of what it parses with.

    Taken from the source, not the version number, so a changed module never reads
    results an older one made. Taken once a process: the code it runs does not change
    while it runs, even if its files do (an upgrade under a running `insole serve`).
    """
    sources = sorted(Path(__file__).parent.glob("*.py"))
    versions = (markdown_it.__version__, yaml.__version__, FAST_MARKDOWN)
    return digest(*versions, *(p.read_bytes() for p in sources))


SHARD_DIGITS = 2  # each kind of entry is kept in up to 256 files, named by its letter and first hex digits
OTHER_SHARD = "_"  # the file of keys that are not hex digests
HEX = frozenset("0123456789abcdef")


def shard_of(key: str) -> str:
    """The name of the file a key is kept in: its kind's letter and first hex digits, else OTHER_SHARD."""
    head = key[: SHARD_DIGITS + 1]
    return head if len(head) == SHARD_DIGITS + 1 and HEX.issuperset(head[1:]) else OTHER_SHARD


@dataclass
class Store:
    """The memo: results kept by a digest of exactly their inputs, in memory and in the cache folder.

    The entries are spread over files by the first digits of their keys, each read when a
    key of it is first asked for and written again only when its entries changed, so one
    changed story reads and writes what it needs, not the whole memo. An entry no build
    asked for stays for KEEP_UNUSED seconds. The files live in the user's own cache folder,
    never in the site, so a memo can't arrive with a library someone else wrote (unpickling
    runs code). Without a folder, entries live as long as the Store (one `insole serve`).
    """

    folder: Path | None
    basis: str
    loaded: dict[str, dict[str, tuple[float, Any]]] = field(default_factory=dict)  # by shard
    used: dict[str, dict[str, Any]] = field(default_factory=dict)  # what this build used, by shard
    changed: set[str] = field(default_factory=set)  # the shards with a new, changed or dropped entry

    def entries(self, shard: str) -> dict[str, tuple[float, Any]]:
        """The entries kept in one shard with the time each was last used, read the first time."""
        found = self.loaded.get(shard)
        if found is None:
            found = self.loaded[shard] = self.read(shard)
        return found

    def read(self, shard: str) -> dict[str, tuple[float, Any]]:
        """A shard's entries from its file; none when it is missing, unreadable or of another basis."""
        if self.folder is None:
            return {}
        handle = open_own(self.folder / f"{shard}.pickle")
        if handle is None:  # missing, or another user's
            return {}
        try:
            with handle:
                kept_basis, entries = pickle.load(handle)
        except Exception:  # unreadable or from another Python: start afresh
            return {}
        return entries if kept_basis == self.basis and isinstance(entries, dict) else {}

    def get(self, key: str) -> Any | None:
        """The value kept under `key`, or None."""
        shard = shard_of(key)
        value = self.used.get(shard, {}).get(key)
        if value is None:
            value = self.entries(shard).get(key, (0.0, None))[1]
            if value is not None:
                self.used.setdefault(shard, {})[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        """Keep a value under `key`."""
        shard = shard_of(key)
        if self.entries(shard).get(key, (0.0, None))[1] != value:
            self.changed.add(shard)
        self.used.setdefault(shard, {})[key] = value

    def forget(self, key: str) -> None:
        """Keep nothing under `key` after this build."""
        shard = shard_of(key)
        self.used.get(shard, {}).pop(key, None)
        if self.entries(shard).pop(key, None) is not None:
            self.changed.add(shard)

    def save(self, write: bool = True) -> None:
        """Write the shards whose entries changed or grew too old (skipped if they can't be).

        Without `write`, only note that they were: a copy of this process wrote them.
        """
        now = time.time()
        for shard, before in self.loaded.items():
            used = self.used.get(shard, {})
            kept = {k: entry for k, entry in before.items() if k not in used and now - entry[0] < KEEP_UNUSED}
            if shard in self.changed or len(kept) + len(used) != len(before):
                self.loaded[shard] = kept | {key: (now, value) for key, value in used.items()}
                if write:
                    self.write(shard, self.loaded[shard])
        self.used, self.changed = {}, set()

    def write(self, shard: str, entries: dict[str, tuple[float, Any]]) -> None:
        """Replace one shard's file with these entries, or remove it when there are none."""
        if self.folder is None:
            return
        path = self.folder / f"{shard}.pickle"
        try:
            if not entries:
                path.unlink(missing_ok=True)
                return
            make_private(self.folder)
            handle, name = tempfile.mkstemp(prefix=".new-", dir=self.folder)
        except OSError:
            return
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump((self.basis, entries), out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(name, path)
        except OSError:
            return
        finally:
            with contextlib.suppress(OSError):  # what is left of a file the disk had no room for
                os.unlink(name)


def open_memo(root: Path, enabled: bool = True) -> Store:
    """The memo of the site at `root`, kept in the cache folder; kept only in memory when not enabled.

    Also kept only in memory when another user could have written its files.
    """
    site = cache_home() / digest(str(root.resolve()))[:20]
    if not enabled or cache_refusal(root) or path_refusal(site / MEMO):
        return Store(None, "")
    # The memo was once five stores; a changed insole can't read them, so they only take room.
    for old in OLD_STORES:
        with contextlib.suppress(OSError):
            shutil.rmtree(site / old) if (site / old).is_dir() else (site / f"{old}.pickle").unlink()
    return Store(site / MEMO, code_digest())


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory between builds of one process, keyed by their source."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


def compiled_templates() -> jinja2.BytecodeCache | None:
    """Templates compiled by earlier builds of this insole, kept in the cache folder; None if it can't be."""
    folder = private_folder("templates")
    if folder is None:
        return None
    # Each insole keeps its own files, and those of another are never read again.
    mine = f"__jinja2_{code_digest()[:16]}_"
    for other in folder.glob("__jinja2_*.cache"):
        if not other.name.startswith(mine):
            with contextlib.suppress(OSError):  # a cache that can't be tidied still works
                other.unlink()
    return OwnBytecode(str(folder), mine + "%s.cache")
