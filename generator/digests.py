"""Short digests that tell whether what something was made from has changed."""

from __future__ import annotations

import hashlib


def digest(*parts: bytes | str) -> str:
    """A short hex digest of some bytes and texts, each part kept apart from the next."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()
