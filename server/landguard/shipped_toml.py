"""Landguard's own TOML data files (``data/models/*.toml``), parsed once per content, not per process.

``tomllib`` is pure Python: the shipped dataflow models (~140 KB) take a fresh process ~25 ms
of CPU to parse before its first diagnostics (issue #15, cold start). ``parse(name, text)``
returns what ``tomllib.loads(text)`` returns, from a cache in the user cache folder when a
file with the same text was parsed before: entries are keyed by the file's name and a BLAKE2b
digest of its whole text, so an edited or upgraded file is parsed again, and the cache file is
``signed_cache``'s (HMAC-authenticated ``marshal`` data: loading it runs no code). Only
Landguard's shipped files come here, never a workspace's or a user's configuration.
"""

from __future__ import annotations

import hashlib
import sys
import threading
from typing import Any

from landguard import signed_cache

FOLDER = "data"
_lock = threading.Lock()
_state: dict[str, Any] = {}  # "entries": {name: (digest, parsed)}, "place": (path, secret) | None


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def _entries() -> dict[str, tuple[bytes, dict]]:
    if "entries" not in _state:
        entries: dict[str, tuple[bytes, dict]] = {}
        place = signed_cache.folder(FOLDER)
        if place is not None:
            folder, secret = place
            path = folder / f"toml-{sys.implementation.cache_tag}.bin"
            place = (path, secret)
            loaded = signed_cache.load(path, secret)
            if isinstance(loaded, dict):
                for name, entry in loaded.items():
                    if (
                        isinstance(name, str)
                        and isinstance(entry, tuple)
                        and len(entry) == 2
                        and isinstance(entry[0], bytes)
                        and isinstance(entry[1], dict)
                    ):
                        entries[name] = entry
        _state["place"] = place
        _state["entries"] = entries
    return _state["entries"]


def parse(name: str, text: str) -> dict[str, Any]:
    """``tomllib.loads(text)`` of the shipped file ``name`` (raises as it does on bad TOML).

    The caller gets its own copy of a cached table only in the sense that each process parses a
    file once: callers must not mutate what they get (the models' readers only read)."""
    digest = _digest(text)
    with _lock:
        entries = _entries()
        entry = entries.get(name)
        if entry is not None and entry[0] == digest:
            return entry[1]
    if sys.version_info >= (3, 11):  # imported here: a cache hit parses nothing
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    parsed = tomllib.loads(text)
    with _lock:
        entries[name] = (digest, parsed)
        place = _state.get("place")
        if place is not None:
            signed_cache.store(place[0], place[1], entries)
    return parsed


def forget() -> None:
    """Read the cache file again on the next ``parse`` (tests)."""
    with _lock:
        _state.clear()
