"""The ``landguard.scanWorkspace`` command: scan every workspace folder on disk.

The scan runs in a background worker (the server keeps answering meanwhile), reports
``window/workDoneProgress`` when the client supports it, and publishes diagnostics for the
files that are not open (open documents already have live diagnostics from their buffers).
Files that had findings in the previous scan and have none now get an empty list.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from lsprotocol import types
from pygls.uris import from_fs_path

from landguard.engine.document import Document
from landguard.engine.files import Unreadable, read_regular
from landguard.lsp import pull_diagnostics
from landguard.lsp.convert import to_diagnostics
from landguard.lsp.text_sync import uri_to_path
from landguard.workspace import decode, scan_paths

if TYPE_CHECKING:
    from landguard.lsp.server import LandguardServer

log = logging.getLogger("landguard.lsp.workspace_scan")

COMMAND = "landguard.scanWorkspace"
_REPORT_INTERVAL = 0.1


def workspace_folders(ls: LandguardServer) -> list[str]:
    folders = []
    try:
        workspace = ls.workspace
    except RuntimeError:
        return folders
    for folder in workspace.folders.values():
        path = uri_to_path(folder.uri)
        if path:
            folders.append(path)
    if not folders and workspace.root_path:
        folders.append(workspace.root_path)
    return folders


def _diagnostics_for_file(path: str, findings: list) -> list[types.Diagnostic]:
    """Findings of a file on disk -> diagnostics (the file is read again for its lines and tree)."""
    try:
        text, _ = decode(read_regular(path))
    except Unreadable:
        return []
    if text is None:
        return []
    if text.startswith("\ufeff"):
        text = text[1:]
    return to_diagnostics(findings, Document(text, path=path))


def _file_uri(path: str) -> str:
    """``file://`` URI of a path; a name that is not UTF-8 is percent-encoded byte by byte."""
    try:
        return from_fs_path(path)
    except UnicodeEncodeError:
        return "file://" + quote(os.fsencode(path))


def scan_folders(
    ls: LandguardServer, progress: Any = None
) -> tuple[int, int, dict[str, list[types.Diagnostic]]]:
    """Worker: scan every workspace folder; (files, findings, diagnostics of files with findings)."""
    files = findings = 0
    published: dict[str, list[types.Diagnostic]] = {}
    for folder in workspace_folders(ls):
        config = ls.settings.config_for(str(Path(folder) / "_"))
        notices: list[str] = []
        results = scan_paths([folder], config, progress=progress, notices=notices)
        for notice in notices:
            log.warning("workspace scan: %s", notice)
        files += len(results)
        for result in results:
            findings += len(result.findings)
            if result.skipped:
                log.info("workspace scan: %s skipped (%s)", result.path, result.skipped)
            if result.findings:
                path = os.path.abspath(result.fs_path or result.path)
                published[_file_uri(path)] = _diagnostics_for_file(path, result.findings)
    return files, findings, published


def register(server: LandguardServer) -> None:
    @server.command(COMMAND)
    async def scan_workspace(ls, *args: Any) -> dict[str, int]:
        # (``ls`` stays unannotated: pygls resolves command annotations at run time.)
        folders = workspace_folders(ls)
        loop = ls.loop
        token: str | None = None
        if ls.supports_work_done_progress():
            token = f"landguard-scan-{uuid.uuid4()}"
            try:
                await ls.work_done_progress.create_async(token)
                ls.work_done_progress.begin(
                    token, types.WorkDoneProgressBegin(title="Landguard: scanning workspace", percentage=0)
                )
            except Exception:
                log.warning("the client refused a progress token; scanning without progress")
                token = None
        last_report = 0.0

        def progress(done: int, total: int, path: str) -> None:
            nonlocal last_report
            now = time.monotonic()
            if token is None or (now - last_report < _REPORT_INTERVAL and done != total):
                return
            last_report = now
            report = types.WorkDoneProgressReport(
                message=f"{done}/{total} files", percentage=int(done * 100 / total) if total else 100
            )
            loop.call_soon_threadsafe(ls.work_done_progress.report, token, report)

        def scan() -> tuple[int, int, dict[str, list[types.Diagnostic]]]:
            return scan_folders(ls, progress)

        log.info("scanning %d workspace folder(s)", len(folders))
        started = time.perf_counter()
        try:
            files, findings, published = await loop.run_in_executor(ls.scheduler.background, scan)
        finally:
            if token is not None:
                ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message="done"))
        if ls.uses_pull_diagnostics():
            pull_diagnostics.scanned(ls, published)  # the client pulls them (workspace/diagnostic)
            return {"files": files, "findings": findings}
        for uri in ls.scanned_uris - set(published):
            if uri not in ls.documents:
                ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        for uri, diagnostics in published.items():
            if uri not in ls.documents:
                ls.text_document_publish_diagnostics(
                    types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics)
                )
        ls.scanned_uris = set(published)
        log.info(
            "workspace scan: %d files, %d findings in %.1f s", files, findings, time.perf_counter() - started
        )
        return {"files": files, "findings": findings}
