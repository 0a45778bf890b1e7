"""A small persistent cache of registry and advisory answers, shared by threads and runs.

Lives in ``$LANDGUARD_CACHE_DIR`` or else the user cache folder (``platformdirs``:
``$XDG_CACHE_HOME/landguard``, ``~/.cache/landguard`` on Linux). Entries expire (a missing name is re-asked sooner than an existing
one: someone may register it). Writes are atomic (temporary file + rename), so a crash or a
second process never leaves a broken file; a broken file is simply ignored.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

MAX_ENTRIES = 20_000


def cache_dir() -> Path:
    from landguard.result_cache import cache_root  # one cache folder for the whole tool

    return cache_root()


class ResponseCache:
    """key -> (value, stored at); one JSON file per cache folder."""

    def __init__(self, file_name: str = "registry-cache.json") -> None:
        self.file_name = file_name
        self._lock = threading.Lock()
        self._entries: dict[str, list] | None = None
        self._path: Path | None = None

    @property
    def path(self) -> Path:
        return cache_dir() / self.file_name

    def _load(self) -> dict[str, list]:
        path = self.path
        if self._entries is None or self._path != path:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                self._entries = data if isinstance(data, dict) else {}
            except (OSError, ValueError):
                self._entries = {}
            self._path = path
        return self._entries

    def get(self, key: str, max_age: float) -> Any | None:
        with self._lock:
            entry = self._load().get(key)
        if not isinstance(entry, list) or len(entry) != 2:
            return None
        value, stored = entry
        if not isinstance(stored, (int, float)) or time.time() - stored > max_age:
            return None
        return value

    def put_many(self, items: dict[str, Any]) -> None:
        if not items:
            return
        with self._lock:
            entries = self._load()
            now = time.time()
            for key, value in items.items():
                entries[key] = [value, now]
            if len(entries) > MAX_ENTRIES:
                for key in sorted(entries, key=lambda k: entries[k][1])[: len(entries) - MAX_ENTRIES]:
                    del entries[key]
            self._save(entries)

    def _save(self, entries: dict[str, list]) -> None:
        path = self.path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            temporary.write_text(json.dumps(entries, separators=(",", ":")), encoding="utf-8")
            os.replace(temporary, path)
        except OSError:
            pass  # a read-only home: the answers are simply not kept


RESPONSES = ResponseCache()
