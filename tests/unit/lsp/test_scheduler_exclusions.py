"""The scheduler asks whether a document is excluded once per configuration, not on every
keystroke (``Exclusions.file`` resolves the path on disk: ~0.4 ms an edit), and again when the
configuration changes."""

from __future__ import annotations

from types import SimpleNamespace

from lsprotocol import types

from landguard.engine.config import Exclusions
from landguard.lsp.documents import OpenDocument, PendingChange
from landguard.lsp.scheduler import Scheduler
from landguard_testing import SchedulerServer

SOURCE = "import os\n\n\ndef view(q):\n    return 1\n"


async def test_the_exclusion_verdict_is_kept_across_edits_and_asked_again_for_a_new_config(
    tmp_path, monkeypatch
):
    (tmp_path / "landguard.toml").write_text('exclude = ["generated/**"]\n', encoding="utf-8")
    asked: list[str] = []
    original = Exclusions.file

    def counting(self, path, root):
        asked.append(path)
        return original(self, path, root)

    monkeypatch.setattr(Exclusions, "file", counting)
    server = SchedulerServer(str(tmp_path))
    scheduler = Scheduler(server=server, debounce=0.0)  # type: ignore[arg-type]
    scheduler._warmed = True
    scheduler.collector = SimpleNamespace(analysed=lambda opened: None, cancel=lambda: None)  # type: ignore[assignment]
    scheduler.publish = lambda doc: None  # type: ignore[method-assign]
    try:
        path = tmp_path / "app.py"
        doc = OpenDocument(uri=path.as_uri(), path=str(path), language_id="python")
        server.documents[doc.uri] = doc
        doc.version = 1
        doc.queue(PendingChange(1, [], open_text=SOURCE))
        scheduler.schedule(doc, delay=0)
        assert await doc.settled(20)
        for column in range(3):
            at = types.Position(4, 12 + column)
            doc.version += 1
            change = types.TextDocumentContentChangePartial(range=types.Range(at, at), text="0")
            doc.queue(PendingChange(doc.version, [change]))
            scheduler.schedule(doc)
            assert await doc.settled(20)
        assert asked == [str(path)]
        server.settings.invalidate()  # the project file changed
        scheduler.schedule(doc, delay=0)
        assert await doc.settled(20)
        assert asked == [str(path), str(path)]
    finally:
        scheduler.shutdown()
