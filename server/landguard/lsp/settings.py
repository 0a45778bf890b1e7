"""Editor settings merged over the project file, with one validated ``Config`` per project.

Sources (``engine.config.load_config`` does the merging): defaults < ``landguard.toml`` /
``[tool.landguard]`` < editor settings (``initializationOptions``, then
``workspace/didChangeConfiguration`` / ``workspace/configuration`` section ``landguard``).
Invalid values never stop the server: the problems are shown once with
``window/showMessage`` and the defaults stay in effect for those keys.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from typing import Any

from landguard.engine.config import Config, ConfigResult, load_config

log = logging.getLogger("landguard.lsp.settings")

SECTION = "landguard"


def extract_settings(value: Any) -> tuple[dict[str, Any], list[str]]:
    """The Landguard settings object inside what a client sent (initializationOptions or a push).

    Clients send either the settings themselves or wrap them under ``settings`` / ``landguard``.
    """
    if value is None:
        return {}, []
    if not isinstance(value, Mapping):
        return {}, [f"editor settings must be an object, got {type(value).__name__}; using the defaults"]
    for key in (SECTION, "settings"):
        inner = value.get(key)
        if isinstance(inner, Mapping):
            # {"settings": {"landguard": {...}}} (VS Code's didChangeConfiguration push shape)
            nested = inner.get(SECTION)
            return dict(nested if isinstance(nested, Mapping) else inner), []
    return dict(value), []


class Settings:
    """The editor settings and the configs derived from them, shared by all documents.

    Thread-safe: workers resolve configs while the event loop may replace the settings.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.editor: dict[str, Any] = {}
        self.root: str | None = None
        self.generation = 0
        self._configs: dict[str | None, ConfigResult] = {}
        self._shown_errors: set[str] = set()

    def set_root(self, root: str | None) -> None:
        with self._lock:
            self.root = root
            self._invalidate_locked()

    def set_editor_settings(self, settings: dict[str, Any]) -> None:
        with self._lock:
            self.editor = settings
            self._shown_errors.clear()
            self._invalidate_locked()

    def invalidate(self) -> None:
        """Project files changed on disk: resolve every config again."""
        with self._lock:
            self._shown_errors.clear()
            self._invalidate_locked()

    def _invalidate_locked(self) -> None:
        self._configs.clear()
        self.generation += 1

    def resolve(self, path: str | None) -> ConfigResult:
        """The effective config for a document path (None: an unsaved buffer -> the workspace's)."""
        start = _existing_folder(os.path.dirname(path)) if path else self.root
        with self._lock:
            editor = self.editor
            cached = self._configs.get(start)
        if cached is not None:
            return cached
        result = load_config(start if start and os.path.isdir(start) else None, editor)
        with self._lock:
            self._configs[start] = result
        return result

    def config_for(self, path: str | None) -> Config:
        return self.resolve(path).config

    def new_errors(self, result: ConfigResult) -> list[str]:
        """The errors of ``result`` not shown to the user yet (each is shown once per settings change)."""
        with self._lock:
            fresh = [e for e in result.errors if e not in self._shown_errors]
            self._shown_errors.update(fresh)
        return fresh


def _existing_folder(folder: str) -> str | None:
    """``folder`` or its nearest existing parent (a new file's folder may not exist on disk yet)."""
    current = folder
    while current and not os.path.isdir(current):
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent
    return current or None
