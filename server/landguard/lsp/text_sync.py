"""textDocument/didOpen, didChange, didSave, didClose.

Handlers only record what arrived and hand the document to the scheduler: opening analyses
at once, edits are coalesced, closing clears the document's diagnostics.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import to_fs_path

from landguard.lsp.documents import OpenDocument, PendingChange

if TYPE_CHECKING:
    from landguard.lsp.server import LandguardServer

log = logging.getLogger("landguard.lsp.text_sync")

CONFIG_FILE_NAMES = frozenset({"landguard.toml", "pyproject.toml"})


def uri_to_path(uri: str) -> str | None:
    if not uri.startswith("file:"):
        return None  # untitled:, git: ... have no place on disk
    try:
        return to_fs_path(uri)
    except Exception:
        return None


def register(server: LandguardServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LandguardServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        if item.uri in ls.documents:
            ls.documents[item.uri].cancel_timers()
        doc = OpenDocument(uri=item.uri, path=uri_to_path(item.uri), language_id=item.language_id)
        doc.version = item.version
        doc.queue(PendingChange(item.version, [], open_text=item.text))
        ls.documents[item.uri] = doc
        log.info("opened %s (v%s, %d characters)", item.uri, item.version, len(item.text))
        ls.scheduler.schedule(doc, delay=0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: LandguardServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        doc = ls.documents.get(uri)
        if doc is None:
            log.warning("didChange for %s, which is not open; ignored", uri)
            return
        doc.version = params.text_document.version
        doc.queue(PendingChange(params.text_document.version, list(params.content_changes)))
        ls.scheduler.schedule(doc)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: LandguardServer, params: types.DidSaveTextDocumentParams) -> None:
        path = uri_to_path(params.text_document.uri)
        if path and os.path.basename(path) in CONFIG_FILE_NAMES:
            # Clients that cannot watch files still tell us when a project file is saved.
            ls.reload_project_config()
            return
        doc = ls.documents.get(params.text_document.uri)
        if doc is not None:
            ls.scheduler.schedule(doc, delay=0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: LandguardServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        doc = ls.documents.pop(uri, None)
        if doc is None:
            log.warning("didClose for %s, which is not open; ignored", uri)
            return
        doc.cancel_timers()
        log.info("closed %s", uri)
        ls.scheduler.collector.closed()
        if ls.uses_pull_diagnostics():
            return  # a pulling client drops a closed document's diagnostics itself
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
