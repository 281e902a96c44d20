"""Results kept on disk between builds, keyed by digests of everything that made them."""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown_it
import yaml

ENVIRONMENT = "INSOLE_CACHE_DIR"


def cache_home() -> Path:
    """The folder for insole's caches: $INSOLE_CACHE_DIR, else the user's cache folder."""
    chosen = os.environ.get(ENVIRONMENT)
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "insole"


def digest(*parts: bytes | str) -> str:
    """A short hex digest of some bytes and texts, each part kept apart from the next."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def private_folder(name: str) -> Path | None:
    """A folder of the cache only this user can read, made if needed; None if it can't be."""
    folder = cache_home() / name
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


def code_digest() -> str:
    """A digest of insole's own code and the versions of what it parses with.

    Taken from the source, not the version number, so a changed module never reads
    results an older one made.
    """
    sources = sorted(Path(__file__).parent.glob("*.py"))
    return digest(markdown_it.__version__, yaml.__version__, *(p.read_bytes() for p in sources))


@dataclass
class Store:
    """One site's cached results of one kind; kept only if `basis` is unchanged next time.

    The file lives in the user's own cache folder, never in the site, so a cache can't
    arrive with a library someone else wrote (unpickling runs code).
    """

    path: Path | None
    basis: str
    entries: dict[str, Any] = field(default_factory=dict)
    used: dict[str, Any] = field(default_factory=dict)
    changed: bool = False

    def get(self, key: str) -> Any | None:
        """The value kept under `key`, or None."""
        value = self.entries.get(key)
        if value is not None:
            self.used[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        """Keep a value under `key`."""
        self.used[key] = value
        self.changed = self.changed or self.entries.get(key) != value

    def save(self) -> None:
        """Write what this build used, if anything is new or was dropped (skipped if it can't be)."""
        if self.path is None or not (self.changed or len(self.used) != len(self.entries)):
            return
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=".new-", dir=self.path.parent)
            with os.fdopen(handle, "wb") as out:
                pickle.dump((self.basis, self.used), out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(name, self.path)
        except OSError:
            return


def open_store(root: Path, kind: str, basis: str, enabled: bool = True) -> Store:
    """The store of one kind for the site at `root`, empty when its basis or insole changed."""
    if not enabled:
        return Store(None, basis)
    path = cache_home() / digest(str(root.resolve()))[:20] / f"{kind}.pickle"
    basis = digest(code_digest(), basis)
    try:
        with path.open("rb") as handle:
            kept_basis, entries = pickle.load(handle)
    except Exception:  # missing, unreadable or from another Python: start afresh
        return Store(path, basis)
    if kept_basis != basis or not isinstance(entries, dict):
        return Store(path, basis)
    return Store(path, basis, entries)
