"""Pull diagnostics: ``textDocument/diagnostic`` and ``workspace/diagnostic``.

For clients that advertise ``textDocument.diagnostic`` (``LandguardServer.uses_pull_diagnostics``)
the scheduler publishes nothing: each analysis result (and each later online dependency result)
gets a new result id here, and the client pulls it. A document request waits until the newest
version the client sent is analysed, and answers "unchanged" when the client already has that
result. When results change without the client having asked (settings, online lookups, a
workspace scan) and it supports refresh, the server sends ``workspace/diagnostic/refresh``.

``workspace/diagnostic`` reports the open documents from their live analysis and the files on
disk from a scan of the workspace folders (once, then again after ``landguard.scanWorkspace``
or a change of configuration); reports the client already has come back "unchanged".
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
from typing import TYPE_CHECKING

from lsprotocol import types

from landguard.lsp.convert import CONVERTER, SOURCE

if TYPE_CHECKING:
    from landguard.lsp.documents import OpenDocument
    from landguard.lsp.server import LandguardServer

log = logging.getLogger("landguard.lsp.pull_diagnostics")

_counter = itertools.count(1)


class PullState:
    """Result ids of the open documents, the last workspace scan, and pulls in flight."""

    def __init__(self) -> None:
        self.result_ids: dict[str, str] = {}
        self.waiting: dict[str, int] = {}
        self.scanned: dict[str, list[types.Diagnostic]] | None = None
        self.scanned_ids: dict[str, str] = {}


def _state(ls: LandguardServer) -> PullState:
    state = getattr(ls, "_pull_state", None)
    if state is None:
        state = PullState()
        ls._pull_state = state  # type: ignore[attr-defined]
    return state


def changed(ls: LandguardServer, doc: OpenDocument) -> None:
    """The scheduler has new diagnostics for ``doc``: a new result id; a refresh if nobody is pulling."""
    state = _state(ls)
    state.result_ids[doc.uri] = f"{doc.analysed_version}-{next(_counter)}"
    if not state.waiting.get(doc.uri):
        refresh(ls)


def scanned(ls: LandguardServer, published: dict[str, list[types.Diagnostic]]) -> None:
    """A workspace scan finished: its results are what ``workspace/diagnostic`` reports next."""
    _store_scan(_state(ls), published)
    refresh(ls)


def _store_scan(state: PullState, published: dict[str, list[types.Diagnostic]]) -> None:
    # Result ids once per scan: clients re-ask for workspace diagnostics every few seconds.
    state.scanned = published
    state.scanned_ids = {uri: _result_id(diagnostics) for uri, diagnostics in published.items()}


def invalidate_scan(ls: LandguardServer) -> None:
    _state(ls).scanned = None


def refresh(ls: LandguardServer) -> None:
    if ls.supports_diagnostic_refresh():
        ls.workspace_diagnostic_refresh(None)


def _result_id(diagnostics: list[types.Diagnostic]) -> str:
    payload = json.dumps(CONVERTER.unstructure(diagnostics), sort_keys=True).encode()
    return hashlib.sha256(payload).hexdigest()[:16]


def register(server: LandguardServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier=SOURCE, inter_file_dependencies=True, workspace_diagnostics=True),
    )
    async def document_diagnostic(ls: LandguardServer, params: types.DocumentDiagnosticParams):
        uri = params.text_document.uri
        doc = ls.documents.get(uri)
        if doc is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        state = _state(ls)
        state.waiting[uri] = state.waiting.get(uri, 0) + 1
        try:
            if not await doc.settled():
                log.warning("%s: analysis still running; answering with the last result", uri)
        finally:
            state.waiting[uri] -= 1
        if ls.documents.get(uri) is not doc:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        result_id = state.result_ids.get(uri)
        if result_id is not None and params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        return types.RelatedFullDocumentDiagnosticReport(items=doc.merged_diagnostics(), result_id=result_id)

    @server.feature(types.WORKSPACE_DIAGNOSTIC)
    async def workspace_diagnostic(ls: LandguardServer, params: types.WorkspaceDiagnosticParams):
        from landguard.lsp.workspace_scan import scan_folders

        state = _state(ls)
        if state.scanned is None:
            published = await ls.loop.run_in_executor(ls.scheduler.background, scan_folders, ls)
            _store_scan(state, published[2])
        scanned = state.scanned or {}
        previous = {p.uri: p.value for p in params.previous_result_ids}
        items: list[types.WorkspaceDocumentDiagnosticReport] = []
        reports: dict[str, tuple[int | None, list[types.Diagnostic], str]] = {
            uri: (None, diagnostics, state.scanned_ids[uri]) for uri, diagnostics in scanned.items()
        }
        for uri, doc in ls.documents.items():
            result_id = state.result_ids.get(uri) or _result_id(doc.merged_diagnostics())
            reports[uri] = (doc.analysed_version, doc.merged_diagnostics(), result_id)
        # Files reported before and clean now get an empty report, so the client clears them.
        for uri in previous:
            reports.setdefault(uri, (None, [], "clean"))
        for uri, (version, diagnostics, result_id) in reports.items():
            if previous.get(uri) == result_id:
                items.append(
                    types.WorkspaceUnchangedDocumentDiagnosticReport(
                        uri=uri, version=version, result_id=result_id
                    )
                )
            else:
                items.append(
                    types.WorkspaceFullDocumentDiagnosticReport(
                        uri=uri, version=version, items=diagnostics, result_id=result_id
                    )
                )
        return types.WorkspaceDiagnosticReport(items=items)
