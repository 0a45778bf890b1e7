"""What the server keeps per open document.

The engine's ``Document`` (text + incremental tree) and ``Analysis`` (incremental findings)
are owned by one ``OpenDocument``. Edits arriving on the event loop are only queued
(``pending``); a worker applies them and analyses under ``lock``, so a document is never
mutated while it is being analysed, and the event loop never waits for an analysis.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from typing import Any

from lsprotocol import types

from landguard.engine.analyze import Analysis
from landguard.engine.config import Config
from landguard.engine.document import Document, LineChange
from landguard.lsp.convert import DiagnosticCache

ENGINE = "engine"
ONLINE_DEPS = "online-deps"


@dataclass
class PendingChange:
    version: int | None
    # LSP content changes (partial or whole-document), or the text of a didOpen.
    changes: list[Any]
    open_text: str | None = None


@dataclass(eq=False)
class OpenDocument:
    uri: str
    path: str | None
    language_id: str | None
    # Newest version the client sent (event loop only).
    version: int | None = None
    # Guards document/analysis/config_generation: held by whoever reads or mutates them.
    lock: threading.Lock = field(default_factory=threading.Lock)
    document: Document | None = None
    analysis: Analysis | None = None
    config_generation: int = -1
    # Queued edits, appended on the event loop and drained by the worker.
    pending: list[PendingChange] = field(default_factory=list)
    pending_lock: threading.Lock = field(default_factory=threading.Lock)
    # Scheduling (event loop only).
    timer: asyncio.TimerHandle | None = None
    last_edit: float = float("-inf")
    # The recent gaps between the edits of a burst, decaying (``Scheduler._edit_delay``).
    burst_gap: float = 0.0
    running: bool = False
    rerun: bool = False
    applying: bool = False  # a worker task to apply the queued edits is queued (``Scheduler._apply_soon``)
    deps_timer: asyncio.TimerHandle | None = None
    # Starts ``Analysis.tidy`` once the keystrokes pause after a publish (``Scheduler._tidy_later``).
    tidy_timer: asyncio.TimerHandle | None = None
    tidying: bool = False  # a worker is in ``Analysis.tidy`` (read by the collector's ``busy``)
    # Diagnostics per source, merged at publish (event loop only).
    diagnostics: dict[str, list[types.Diagnostic]] = field(default_factory=dict)
    # Local findings the online answers replace, as (code, range) (event loop only).
    retracted: frozenset[tuple[str, tuple[int, int, int, int]]] = frozenset()
    analysed_version: int | None = None
    # Converted diagnostics of the last analysis, reused for unchanged findings (worker, under ``lock``).
    diagnostic_cache: DiagnosticCache = field(default_factory=DiagnosticCache)
    # Line changes applied to ``document`` since the diagnostics were last converted (worker, under ``lock``).
    unconverted_changes: list[LineChange] = field(default_factory=list)
    # Line changes applied to ``document`` and not analysed yet: those of an analysis stopped for a
    # newer version, and edits applied while the keystrokes went on (worker, under ``lock``).
    carried_changes: list[LineChange] = field(default_factory=list)
    # The document was (re)opened since its last analysis (worker, under ``lock``).
    opened: bool = False
    # Whether the document is excluded, with the config and root that said so (worker, under ``lock``).
    exclusion: tuple[Config, str | None, bool] | None = None

    def queue(self, change: PendingChange) -> None:
        with self.pending_lock:
            self.pending.append(change)

    def take_pending(self) -> list[PendingChange]:
        with self.pending_lock:
            pending, self.pending = self.pending, []
        return pending

    def merged_diagnostics(self) -> list[types.Diagnostic]:
        local = self.diagnostics.get(ENGINE, [])
        online = self.diagnostics.get(ONLINE_DEPS, [])
        if self.retracted and online:
            local = [d for d in local if diagnostic_key(d) not in self.retracted]
        return [*local, *online]

    def is_settled(self) -> bool:
        """Whether the newest version the client sent has been analysed and nothing is queued."""
        return self.analysed_version == self.version and not self.running and self.timer is None

    async def settled(self, timeout: float = 10.0) -> bool:
        """Wait (on the event loop) until ``is_settled``; False if the analysis took too long."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self.is_settled():
            if loop.time() > deadline:
                return False
            await asyncio.sleep(0.005)
        return True

    def cancel_timers(self) -> None:
        for timer in (self.timer, self.deps_timer, self.tidy_timer):
            if timer is not None:
                timer.cancel()
        self.timer = self.deps_timer = self.tidy_timer = None


def diagnostic_key(diagnostic: types.Diagnostic) -> tuple[str, tuple[int, int, int, int]]:
    r = diagnostic.range
    return str(diagnostic.code), (r.start.line, r.start.character, r.end.line, r.end.character)
