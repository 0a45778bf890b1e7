"""Files of the start-up caches: ``marshal`` data in the user's cache folder, under an HMAC.

A fresh process recomputes things that only depend on Landguard's own files and the
interpreter: the regular expressions its modules compile (``regex_cache``), the shipped
dataflow models' TOML (``dataflow/models.py``), the code attrs and cattrs generate
(``lsp/generated_code.py``). Each cache keeps its result in one file here, with the protection
of the CLI's result cache (``landguard.result_cache``): a private folder outside any repository
(``~/.cache/landguard/<folder>/``, created 0700, never a symlink), each file written 0600 through
a temporary file renamed into place, and authenticated with an HMAC-SHA256 under the per-user
secret. A file that is missing, does not verify, is malformed or too large is ignored (the caller
computes and rewrites it), never a crash. ``marshal`` only: loading one never runs code, and what
is stored is plain data (no source, no secrets: the callers store only what they derive from
shipped files).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import marshal
import os
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger("landguard.signed_cache")

_MAC_BYTES = 32
MAX_FILE = 32 * 1024 * 1024


def folder(name: str) -> tuple[Path, bytes] | None:
    """Our private folder ``name`` in the user cache and the per-user secret; None if unusable.

    ``LANDGUARD_NO_STARTUP_CACHE`` turns every start-up cache off (benchmarks' "before")."""
    if os.environ.get("LANDGUARD_NO_STARTUP_CACHE"):
        return None
    from landguard.result_cache import CacheUnavailable, _private_folder, cache_root, user_secret

    try:
        root = _private_folder(cache_root())
        return _private_folder(root / name), user_secret(root)
    except (CacheUnavailable, OSError) as error:
        log.debug("no %s cache: %s", name, error)
        return None


def _mac(secret: bytes, payload: bytes) -> bytes:
    return hmac.new(secret, payload, hashlib.sha256).digest()


def _no_follow(path: str, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NOFOLLOW", 0))


def load(path: Path, secret: bytes) -> Any:
    """The value stored at ``path``, or None if it is missing or not ours and intact."""
    try:
        with open(path, "rb", opener=_no_follow) as handle:
            data = handle.read(MAX_FILE + 1)
    except FileNotFoundError:
        return None
    except OSError as error:
        log.debug("cache file %s unreadable: %s", path, error)
        return None
    mac, payload = data[:_MAC_BYTES], data[_MAC_BYTES:]
    if len(data) > MAX_FILE or not hmac.compare_digest(mac, _mac(secret, payload)):
        log.debug("cache file %s does not verify; ignored", path)
        return None
    try:
        return marshal.loads(payload)  # noqa: S302 - our own file, its HMAC verified above
    except (ValueError, EOFError, TypeError):
        return None


def store(path: Path, secret: bytes, value: Any, *, others: str | None = None) -> bool:
    """Write ``value`` to ``path`` (atomically, 0600); False if it cannot be written.

    ``others``: a glob of this cache's files for other versions, removed once this one is written."""
    try:
        payload = marshal.dumps(value)
    except ValueError:  # something marshal cannot hold: nothing is cached
        return False
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")  # created 0600
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(_mac(secret, payload) + payload)
        os.replace(temporary, path)
    except OSError as error:
        log.debug("cannot write the cache file %s: %s", path, error)
        try:
            os.unlink(temporary)
        except OSError:
            pass
        return False
    if others is not None:
        for other in path.parent.glob(others):
            if other != path:
                try:
                    other.unlink()
                except OSError:
                    pass
    return True
