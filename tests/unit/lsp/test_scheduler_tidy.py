"""The work a run's diagnostics do not wait for (``Analysis.tidy``) runs once the keystrokes pause
after a publish, never inside a burst (``Scheduler._tidy_later``): in JavaScript, the previous
tree's nodes replaced in the lowerings the current tree reuses, so that tree is freed."""

from __future__ import annotations

import asyncio

from test_scheduler_bursts import _open, _scheduler, _settled, _type

from landguard.engine.analyze import Analysis
from landguard.languages import javascript
from landguard.lsp import scheduler as scheduler_module
from landguard.lsp.documents import OpenDocument

SOURCE = """const cp = require('child_process');

function helper(value) {
  const a = 1;
  return 'echo ' + value;
}

function view(req, res) {
  cp.exec(helper(req.query.name));
}
"""
LINE, COLUMN = 3, 13  # after `const a = 1` in ``helper``


def _open_js(scheduler, tmp_path) -> OpenDocument:
    return _open(scheduler, tmp_path, "app.js", "javascript", SOURCE)


def _recorded_tidies(monkeypatch) -> list[int | None]:
    """The document version of every ``Analysis.tidy`` call."""
    tidied: list[int | None] = []
    original = Analysis.tidy

    def recording(self):
        tidied.append(self.document.version)
        original(self)

    monkeypatch.setattr(Analysis, "tidy", recording)
    return tidied


def _pending_detach(doc: OpenDocument):
    return javascript._file_state(doc.document).pending_detach


async def test_an_edit_is_tidied_once_the_keystrokes_pause(tmp_path, monkeypatch):
    tidied = _recorded_tidies(monkeypatch)
    scheduler, published = _scheduler(debounce=0.03)
    try:
        doc = _open_js(scheduler, tmp_path)
        await _settled(scheduler, doc)
        _type(scheduler, doc, LINE, COLUMN, "2")
        await _settled(scheduler, doc)
        await asyncio.sleep(scheduler_module.TIDY_DELAY * 10)
        with doc.lock:
            pending = _pending_detach(doc)
    finally:
        scheduler.shutdown()
    assert published[-1][0] == 2 and any(code == "LG303" for _, code in published[-1][1])
    assert tidied[-1] == 2
    assert pending is None  # the first tree's nodes are replaced: nothing waits for the next edit


async def test_no_tidy_inside_a_burst(tmp_path, monkeypatch):
    tidied = _recorded_tidies(monkeypatch)
    monkeypatch.setattr(scheduler_module, "TIDY_DELAY", 0.3)
    scheduler, published = _scheduler(debounce=0.03)
    try:
        doc = _open_js(scheduler, tmp_path)
        await _settled(scheduler, doc)
        await asyncio.sleep(0.5)
        before = list(tidied)
        # A keystroke every 20 ms for longer than the tidy delay: the first is analysed and
        # published at once, and its tidy would come mid-burst if the next edit did not cancel it.
        for _ in range(25):
            _type(scheduler, doc, LINE, COLUMN, "0")
            await asyncio.sleep(0.02)
        during = list(tidied)
        await _settled(scheduler, doc)
        await asyncio.sleep(0.6)
    finally:
        scheduler.shutdown()
    assert before == [1]  # the open, once it had paused
    assert during == before
    assert tidied[-1] == doc.version == 26
    assert published[-1][0] == 26
