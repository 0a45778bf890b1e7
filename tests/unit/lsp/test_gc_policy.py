"""The server's collector policy (``lsp/gc_policy.py``): frozen after an open and at idle, and
cyclic garbage that was frozen is still freed at the next idle collection (memory does not grow)."""

from __future__ import annotations

import gc
import logging
import weakref

import pytest

from landguard.lsp import gc_policy
from landguard.lsp.gc_policy import Collector


class _Cycle:
    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def collector_state():
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


class _Timer:
    def __init__(self, when: float, order: int, callback, args) -> None:
        self.when, self.order, self.callback, self.args = when, order, callback, args
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class _ManualLoop:
    """The two loop calls the collector makes (``call_soon``, ``call_later``) on a clock the test
    moves: when a collection runs is what these tests check, and real sleeps on a loaded machine
    overrun the idle intervals they are measured against."""

    def __init__(self) -> None:
        self.now = 0.0
        self._timers: list[_Timer] = []
        self._made = 0

    def call_soon(self, callback, *args) -> _Timer:
        return self.call_later(0.0, callback, *args)

    def call_later(self, delay: float, callback, *args) -> _Timer:
        self._made += 1
        timer = _Timer(self.now + delay, self._made, callback, args)
        self._timers.append(timer)
        return timer

    def advance(self, seconds: float) -> None:
        """Run, in time order, every callback due by ``now + seconds`` (those they schedule too)."""
        end = self.now + seconds
        while due := [t for t in self._timers if not t.cancelled and t.when <= end]:
            timer = min(due, key=lambda t: (t.when, t.order))
            self._timers.remove(timer)
            self.now = timer.when
            timer.callback(*timer.args)
        self.now = end


def _collector(busy=lambda: False) -> tuple[Collector, _ManualLoop]:
    loop = _ManualLoop()
    return Collector(lambda: loop, busy), loop


def test_an_open_freezes_at_once(collector_state):
    collector, loop = _collector()
    gc.unfreeze()
    collector.analysed(opened=True)
    assert gc.get_freeze_count() == 0  # not inside the publishing callback
    loop.advance(0)
    assert collector.collections == 1
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == gc_policy.YOUNG_THRESHOLD
    collector.cancel()


def test_edits_collect_only_at_idle(collector_state, monkeypatch):
    monkeypatch.setattr(gc_policy, "IDLE_SECONDS", 0.05)

    collector, loop = _collector()
    for _ in range(5):
        collector.analysed(opened=False)
        loop.advance(0.01)  # typing: the idle timer restarts every time
    assert collector.collections == 0
    loop.advance(0.1)
    assert collector.collections == 1
    assert collector.runs == 0
    collector.cancel()


def test_frozen_cyclic_garbage_is_freed_at_the_next_collection(collector_state, monkeypatch):
    monkeypatch.setattr(gc_policy, "IDLE_SECONDS", 0.02)

    collector, loop = _collector()
    held = _Cycle()
    alive = weakref.ref(held)
    collector.analysed(opened=True)
    loop.advance(0.01)
    assert collector.collections == 1  # `held` is frozen now
    del held
    gc.collect()
    assert alive() is not None  # frozen: a collection does not see it
    collector.analysed(opened=False)
    loop.advance(0.06)
    assert collector.collections == 2
    assert alive() is None
    collector.cancel()


def test_a_client_that_never_pauses_still_gets_collections(collector_state, monkeypatch):
    monkeypatch.setattr(gc_policy, "MAX_RUNS", 10)

    collector, loop = _collector()
    for _ in range(25):
        collector.analysed(opened=False)
        loop.advance(0)
    assert collector.collections == 2
    collector.cancel()


def test_no_collection_while_an_analysis_runs(collector_state, monkeypatch):
    monkeypatch.setattr(gc_policy, "_RETRY_SECONDS", 0.01)
    running = [True]

    collector, loop = _collector(lambda: running[0])
    collector.analysed(opened=True)
    loop.advance(0.03)
    assert collector.collections == 0
    running[0] = False
    loop.advance(0.03)
    assert collector.collections == 1
    collector.cancel()


def test_a_close_collects_at_idle(collector_state, monkeypatch):
    monkeypatch.setattr(gc_policy, "IDLE_SECONDS", 0.02)

    collector, loop = _collector()
    collector.closed()
    loop.advance(0.05)
    assert collector.collections == 1
    collector.cancel()


def test_idle_tasks_wait_for_an_idle_moment(collector_state, monkeypatch):
    """One-off work (the server's warm imports) runs at idle, after its collection: not right
    after an open, nor while edits keep coming, nor while an analysis runs."""
    monkeypatch.setattr(gc_policy, "IDLE_SECONDS", 0.05)
    monkeypatch.setattr(gc_policy, "_RETRY_SECONDS", 0.01)
    done: list[int] = []
    running = [False]

    collector, loop = _collector(lambda: running[0])
    collector.when_idle(lambda: done.append(collector.collections))
    collector.analysed(opened=True)
    loop.advance(0.01)
    assert collector.collections == 1 and done == []  # the open's collection is not idle
    for _ in range(5):
        collector.analysed(opened=False)
        loop.advance(0.01)
    assert done == []
    running[0] = True
    loop.advance(0.08)
    assert done == []  # idle by the clock, but an analysis is running
    running[0] = False
    loop.advance(0.03)
    assert done == [2]  # after that idle moment's collection, once
    collector.analysed(opened=False)
    loop.advance(0.08)
    assert done == [2]
    collector.cancel()


def test_a_collection_gives_the_freed_c_heap_back(collector_state, monkeypatch):
    trims = []
    monkeypatch.setattr(gc_policy, "release_free_memory", lambda: trims.append(1) or True)

    collector, loop = _collector()
    collector.analysed(opened=True)
    loop.advance(0.05)
    assert collector.collections == 1
    collector.cancel()
    assert trims == [1]


def test_releasing_free_memory_is_safe_to_call():
    # True on glibc (the C library of the Linux machines this runs on), False elsewhere; never raises.
    assert gc_policy.release_free_memory() in (True, False)


def test_a_collection_counts_the_frozen_objects_only_for_a_debug_log(collector_state, monkeypatch, caplog):
    # ``gc.get_freeze_count`` walks every frozen object: ~10 ms with lodash.js open, on the loop
    # thread, for a debug line nobody reads at the server's default level (INFO).
    counted = []

    def count() -> int:
        counted.append(True)
        return 7

    monkeypatch.setattr(gc, "get_freeze_count", count)
    collector = Collector(lambda: None, lambda: False)  # collect() itself schedules nothing
    caplog.set_level(logging.INFO, logger="landguard.lsp.gc_policy")
    collector.collect()
    assert counted == []
    caplog.set_level(logging.DEBUG, logger="landguard.lsp.gc_policy")
    collector.collect()
    assert counted == [True]
    assert "collected and froze 7 objects" in caplog.text
