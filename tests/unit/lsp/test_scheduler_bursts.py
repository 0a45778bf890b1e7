"""Keystroke bursts through the scheduler (``lsp/scheduler.py``, issue #15): the last keystroke
waits for the burst to pause, not for a fixed debounce; a run for a version the client replaced
is pre-empted and never published; versions are published in order, the newest last."""

from __future__ import annotations

import asyncio
import threading
import time
from types import SimpleNamespace

import pytest
from lsprotocol import types

from landguard.engine.analyze import Analysis
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard.lsp import scheduler as scheduler_module
from landguard.lsp.documents import OpenDocument, PendingChange
from landguard.lsp.scheduler import Scheduler
from landguard_testing import SchedulerServer

CONFIG = Config(dependencies=DependencySettings(online=False))
SOURCE = "import os\nfrom flask import request\n\n\ndef view():\n    return 1\n"
FLAGGED = "    os.system(request.args['q'])\n"  # LG202 when typed into ``view``


def _scheduler(debounce: float) -> tuple[Scheduler, list[tuple[int | None, list[tuple[int, str]]]]]:
    server = SchedulerServer()
    scheduler = Scheduler(server=server, debounce=debounce)  # type: ignore[arg-type]
    scheduler._warmed = True  # no one-off warm imports in the background of a unit test
    scheduler.collector = SimpleNamespace(analysed=lambda opened: None, cancel=lambda: None)  # type: ignore[assignment]
    published: list[tuple[int | None, list[tuple[int, str]]]] = []

    def publish(doc: OpenDocument) -> None:
        diagnostics = doc.merged_diagnostics()
        published.append(
            (doc.analysed_version, sorted((d.range.start.line, str(d.code)) for d in diagnostics))
        )

    scheduler.publish = publish  # type: ignore[method-assign]
    return scheduler, published


def _open(
    scheduler: Scheduler, tmp_path, name: str = "app.py", language_id: str = "python", text: str = SOURCE
) -> OpenDocument:
    path = tmp_path / name
    doc = OpenDocument(uri=path.as_uri(), path=str(path), language_id=language_id)
    doc.version = 1
    doc.queue(PendingChange(1, [], open_text=text))
    scheduler.server.documents[doc.uri] = doc
    scheduler.schedule(doc, delay=0)
    return doc


def _type(scheduler: Scheduler, doc: OpenDocument, line: int, column: int, text: str) -> int:
    """What ``text_sync.did_change`` does with one inserted piece of text."""
    position = types.Position(line, column)
    change = types.TextDocumentContentChangePartial(range=types.Range(position, position), text=text)
    doc.version = (doc.version or 0) + 1
    doc.queue(PendingChange(doc.version, [change]))
    scheduler.schedule(doc)
    return doc.version


def _expected(doc: OpenDocument) -> list[tuple[int, str]]:
    text = doc.document.text
    found = Analysis(Document(text, path=doc.path), CONFIG, incremental=False).run()
    return sorted((f.span.start_line, f.rule_id) for f in found)


async def _settled(scheduler: Scheduler, doc: OpenDocument, timeout: float = 20.0) -> None:
    assert await doc.settled(timeout), "the newest version was never analysed"


def _hold_version(
    monkeypatch, version: int, method: str = "_run", *, after: bool = False
) -> tuple[threading.Event, threading.Event]:
    """From now on, a run of ``version`` waits in ``Analysis.<method>`` until released: on entering
    it, or once it has returned (``after``). Returns (set once it waits, set to release it)."""
    inside = threading.Event()
    release = threading.Event()
    original = getattr(Analysis, method)

    def held(self, *args):
        if self.document.version != version:
            return original(self, *args)
        if after:
            result = original(self, *args)
        inside.set()
        assert release.wait(10)
        return result if after else original(self, *args)

    monkeypatch.setattr(Analysis, method, held)
    return inside, release


@pytest.fixture
def runs(monkeypatch):
    """Every ``Analysis.run`` the scheduler starts: (document version, whether it was stopped)."""
    started: list[list[object]] = []
    original = Analysis.run

    def recording(self, changes=(), stop=None):
        entry: list[object] = [self.document.version, False]
        if self.incremental:  # not a scan from scratch made by the test
            started.append(entry)
        try:
            return original(self, changes, stop)
        except Exception:
            entry[1] = True
            raise

    monkeypatch.setattr(Analysis, "run", recording)
    return started


async def test_the_last_keystroke_of_a_fast_burst_waits_for_the_pause_not_the_debounce(tmp_path, runs):
    scheduler, published = _scheduler(debounce=1.0)
    try:
        doc = _open(scheduler, tmp_path)
        await _settled(scheduler, doc)
        for _ in range(9):
            _type(scheduler, doc, 5, 12, "0")
            await asyncio.sleep(0.005)
        last = _type(scheduler, doc, 5, 12, "0")
        typed = time.perf_counter()
        await _settled(scheduler, doc)
        waited = time.perf_counter() - typed
    finally:
        scheduler.shutdown()
    # A fixed debounce would hold the last keystroke for the whole second.
    assert waited < 0.5, f"the last keystroke waited {waited * 1000:.0f} ms"
    assert published[-1] == (last, _expected(doc))
    # The first keystroke after the open is analysed at once, the rest of the burst once more (or
    # a few times more, where the load stretched a gap between keystrokes past the pause).
    assert len(runs) <= 5, runs


async def test_a_burst_over_a_slow_analysis_restarts_it_when_the_keystrokes_pause(
    tmp_path, monkeypatch, runs
):
    """Each run takes 30 ms before its first check point: a keystroke 5 ms after the last stops the
    running one, and a new one starts only when the burst pauses, not after every stop."""
    scheduler, published = _scheduler(debounce=0.2)
    # A pause is 80 ms or more here, so the test does not depend on the machine's load.
    monkeypatch.setattr(scheduler_module, "MIN_BURST_PAUSE", 0.08, raising=False)
    original = Analysis._run

    def slow(self, changes, stop):
        time.sleep(0.03)
        return original(self, changes, stop)

    try:
        doc = _open(scheduler, tmp_path)
        await _settled(scheduler, doc)
        monkeypatch.setattr(Analysis, "_run", slow)
        before = len(runs)
        for _ in range(15):
            _type(scheduler, doc, 5, 12, "0")
            await asyncio.sleep(0.005)
        await _settled(scheduler, doc)
    finally:
        scheduler.shutdown()
    burst = runs[before:]
    # The first keystroke's run (stopped by the second) and the one after the pause.
    assert len(burst) <= 2, burst
    assert burst[-1] == [doc.version, False]
    assert [version for version, _ in published] == [1, doc.version]


async def test_a_pre_empted_run_publishes_nothing_and_the_newer_version_its_own(tmp_path, monkeypatch, runs):
    """Version 2 (a dangerous call typed) is being analysed - held where its node checks start,
    after its line checks ran - when version 3 (the call removed again) arrives: version 2's run
    stops at its next check point, its findings are never published, and the run for version 3
    publishes that version's findings (fails without the pre-emption). That a stopped run leaves
    its caches exact is tested on the engine, in ``tests/unit/engine/test_stopped_runs.py``."""
    scheduler, published = _scheduler(debounce=0.03)
    inside, release = _hold_version(monkeypatch, 2, "_run_node_check")  # the open (version 1) runs on
    try:
        doc = _open(scheduler, tmp_path)
        await _settled(scheduler, doc)
        _type(scheduler, doc, 5, 0, FLAGGED)
        assert await asyncio.get_running_loop().run_in_executor(None, inside.wait, 10)
        # Version 3 arrives while version 2's run is inside: the line typed is undone.
        change = types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(5, 0), types.Position(6, 0)), text=""
        )
        doc.version = 3
        doc.queue(PendingChange(3, [change]))
        scheduler.schedule(doc)
        release.set()
        await _settled(scheduler, doc)
    finally:
        release.set()
        scheduler.shutdown()
    assert [entry for entry in runs if entry[0] == 2] == [[2, True]]
    assert [version for version, _ in published] == [1, 3]
    assert published[-1][1] == _expected(doc)
    assert "LG202" not in {code for _, code in published[-1][1]}


async def test_a_run_that_finishes_after_a_newer_version_arrived_is_not_published(
    tmp_path, monkeypatch, runs
):
    """Version 3 arrives when version 2's run has passed its last check point: that run completes,
    but its findings (for a text the client has replaced) are never published; version 3's are,
    and every publish is for a newer version than the one before."""
    scheduler, published = _scheduler(debounce=0.03)
    inside, release = _hold_version(monkeypatch, 2, after=True)
    try:
        doc = _open(scheduler, tmp_path)
        await _settled(scheduler, doc)
        _type(scheduler, doc, 5, 0, FLAGGED)
        assert await asyncio.get_running_loop().run_in_executor(None, inside.wait, 10)
        _type(scheduler, doc, 6, 0, "\n")
        release.set()
        await _settled(scheduler, doc)
    finally:
        release.set()
        scheduler.shutdown()
    assert [entry for entry in runs if entry[0] == 2] == [[2, False]]  # not stopped: it completed
    assert [version for version, _ in published] == [1, 3]
    assert published[-1] == (3, _expected(doc))


async def test_edits_are_applied_as_they_arrive_and_analysed_once_after_the_pause(
    tmp_path, monkeypatch, runs
):
    """While the keystrokes go on, each is applied to the document's text on a worker, its tree
    edited but not reparsed (a reparse holds the GIL), so the run after the pause starts with
    every change applied and reparses once; it analyses them all at once."""
    scheduler, published = _scheduler(debounce=1.0)
    monkeypatch.setattr(scheduler_module, "MIN_BURST_PAUSE", 0.5, raising=False)
    try:
        doc = _open(scheduler, tmp_path)
        await _settled(scheduler, doc)
        before = len(runs)
        for _ in range(3):
            _type(scheduler, doc, 5, 12, "0")
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.2)  # inside the pause: only the first keystroke was analysed (at once)
        assert len(runs) == before + 1
        with doc.lock:
            assert doc.document.lines[5] == "    return 1000"
            assert doc.document.version == doc.version
            assert len(doc.carried_changes) == 2
            assert doc.document.parse_deferred
            generation = doc.document.tree_generation
        await _settled(scheduler, doc)
        with doc.lock:
            assert not doc.document.parse_deferred
            assert doc.document.tree_generation == generation + 1  # one reparse for both keystrokes
    finally:
        scheduler.shutdown()
    assert runs[before + 1 :] == [[doc.version, False]]
    assert published[-1] == (doc.version, _expected(doc))


async def test_edits_typed_during_a_stopped_run_are_applied_when_it_stops(tmp_path, monkeypatch, runs):
    """Keystrokes that arrive while a run holds the document are applied as soon as that run has
    stopped for them, not only by the run after the pause."""
    scheduler, published = _scheduler(debounce=1.0)
    monkeypatch.setattr(scheduler_module, "MIN_BURST_PAUSE", 0.5, raising=False)
    inside, release = _hold_version(monkeypatch, 2)  # the open (version 1) runs on
    try:
        doc = _open(scheduler, tmp_path)
        await _settled(scheduler, doc)
        _type(scheduler, doc, 5, 12, "0")  # analysed at once, and held there
        assert await asyncio.get_running_loop().run_in_executor(None, inside.wait, 10)
        for _ in range(2):
            _type(scheduler, doc, 5, 12, "0")
            await asyncio.sleep(0.005)
        release.set()
        await asyncio.sleep(0.2)  # version 2's run has stopped; the pause has not ended
        with doc.lock:
            assert doc.document.lines[5] == "    return 1000"
            assert len(doc.carried_changes) == 3  # version 2's, carried, and the two applied since
        await _settled(scheduler, doc)
    finally:
        release.set()
        scheduler.shutdown()
    assert [entry for entry in runs if entry[0] != 1] == [[2, True], [doc.version, False]]
    assert published[-1] == (doc.version, _expected(doc))
