"""The cyclic garbage collector in the language server: out of the keystrokes' way.

With a large file open the server holds millions of long-lived objects (the file's dataflow IR,
summaries, kept results): with lodash.js (17,000 lines) open, each of CPython's full collections
traverses all of them, ~80-100 ms, and one comes every few keystrokes (lodash's one-line edit
CPU p95 in process: 107 ms with the collector as it is, 40 ms with the open file frozen;
``docs/benchmarks.md``, "Large JavaScript files through the server").

- **Frozen after an open, and at idle.** What is alive then is moved to the permanent
  generation (``gc.freeze``): young and full collections no longer traverse it, so during
  typing they cost what the edits allocate, not what the documents hold.
- **Frozen garbage is collected at idle.** Freezing does not keep anything alive that reference
  counting frees (most garbage), but objects in a reference cycle that become garbage while frozen
  (a replaced tree's IR) are only found by a collection that sees them. So once nothing has been
  analysed for ``IDLE_SECONDS`` (or a document was closed), or after ``MAX_RUNS`` analyses without
  such a pause (a client that never pauses), everything is unfrozen, collected in full and frozen
  again: the one slow pass lands where nobody waits for diagnostics. What can pile up meanwhile is
  bounded by what was frozen: a document's frozen state becomes garbage once (its first edits
  replace it), what replaces it is not frozen and is collected as usual.
- **Freed memory goes back to the system after each full collection** (glibc's ``malloc_trim``, where the C library
  is glibc): what the collection freed in the C heap (source copies, large lists, the parsers'
  buffers) is otherwise kept by the process. pymalloc's arenas are not in that heap; it returns
  an arena itself once it is empty. In process, 45 open documents and 300 soak edits: 156 -> 154
  MB open, 156 -> 144 MB after closing them all (``docs/benchmarks.md``).
- **Young collections run every ``YOUNG_THRESHOLD`` allocations** instead of 700: an analysis
  allocates ~100,000 short-lived objects, and collecting in the middle of it promotes the ones
  still in use into the older generations, which then fill up and are collected again.

The collections run on the event loop thread, never while an analysis runs (that one's
temporaries would be frozen with the rest); ``gc.freeze`` is process-wide, so this is the one
place in the server that sets the collector (``landguard check`` has its own, in ``batch.py``).
"""

from __future__ import annotations

import asyncio
import ctypes
import functools
import gc
import logging
import sys
import time
from collections.abc import Callable

log = logging.getLogger("landguard.lsp.gc_policy")

IDLE_SECONDS = 1.0
MAX_RUNS = 50
YOUNG_THRESHOLD = 5_000
# While an analysis is running, a due collection waits this long and looks again.
_RETRY_SECONDS = 0.1


class Collector:
    """When the server collects and freezes (see the module docstring).

    ``busy()`` says whether an analysis is running or about to (then a collection waits)."""

    def __init__(self, loop: Callable[[], asyncio.AbstractEventLoop], busy: Callable[[], bool]) -> None:
        self._loop = loop
        self._busy = busy
        self._timer: asyncio.TimerHandle | None = None
        self._due: asyncio.TimerHandle | None = None
        self.runs = 0  # analyses since the last collection
        self.collections = 0
        self.last_ms = 0.0
        self._installed = False
        self._idle_tasks: list[Callable[[], object]] = []

    def install(self) -> None:
        """Raise the young generation's threshold (once, at the server's first analysis)."""
        if not self._installed:
            self._installed = True
            gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])

    def analysed(self, opened: bool) -> None:
        """Loop thread, after an analysis was published; ``opened``: it was a document's first."""
        self.install()
        self.runs += 1
        if opened or self.runs >= MAX_RUNS:
            self._collect_soon(0.0)
        else:
            self._collect_soon(IDLE_SECONDS)

    def closed(self) -> None:
        """Loop thread: a document was closed; what it held goes at the next idle moment."""
        self.runs += 1
        self._collect_soon(IDLE_SECONDS)

    def when_idle(self, task: Callable[[], object]) -> None:
        """Loop thread: call ``task`` (once, on the loop thread) at the next idle moment, after that
        moment's collection: one-off work that would otherwise compete with the next keystrokes."""
        self._idle_tasks.append(task)

    def cancel(self) -> None:
        for timer in (self._timer, self._due):
            if timer is not None:
                timer.cancel()
        self._timer = self._due = None

    def _collect_soon(self, delay: float) -> None:
        if delay == 0.0:
            if self._due is None:
                self._due = self._loop().call_soon(self._collect, False)
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self._loop().call_later(delay, self._collect, True)

    def _collect(self, idle: bool) -> None:
        """``idle``: called by the idle timer (not right after an open or at ``MAX_RUNS``)."""
        self._due = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._busy():
            if self.runs or (idle and self._idle_tasks):
                self._timer = self._loop().call_later(_RETRY_SECONDS, self._collect, idle)
            return
        if self.runs:
            self.collect()
        if idle:
            tasks, self._idle_tasks = self._idle_tasks, []
            for task in tasks:
                task()

    def collect(self) -> None:
        """Unfreeze, collect everything, freeze what is alive, give the freed C heap back."""
        started = time.perf_counter()
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        release_free_memory()
        self.runs = 0
        self.collections += 1
        self.last_ms = (time.perf_counter() - started) * 1000
        # Counting the frozen objects walks all of them (~10 ms with lodash.js open, a sixth of
        # the collection itself, on the loop thread): only when someone reads the count.
        if log.isEnabledFor(logging.DEBUG):
            log.debug("collected and froze %d objects in %.1f ms", gc.get_freeze_count(), self.last_ms)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None on another C library or system. Looked up on first use in
    the process's own symbols: ``ctypes.util.find_library`` would run ``ldconfig`` at start-up."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # musl and others have no malloc_trim
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def release_free_memory() -> bool:
    """Give the C heap's free pages back to the system; False where that cannot be done."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
