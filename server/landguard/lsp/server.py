"""The Landguard language server: construction, capabilities, settings and lifecycle.

The handlers live one concern per module (``text_sync``, ``code_actions``, ``hover``,
``workspace_scan``); this module builds the server, owns the shared state (open documents,
settings, scheduler) and handles initialization, configuration and watched project files.

``serve()`` is what ``landguard lsp`` calls: stdio by default, ``--tcp HOST:PORT`` optionally.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import lsp_method

from landguard import __version__, startup
from landguard.engine.ai_ignore_files import IGNORE_FILES as AI_IGNORE_FILES
from landguard.engine.config import ConfigResult
from landguard.lsp import (
    audit_hooks,
    code_actions,
    debug_info,
    framing,
    generated_code,
    hover,
    pull_diagnostics,
    resolve,
    text_sync,
    workspace_scan,
)
from landguard.lsp.convert import CONVERTER
from landguard.lsp.documents import OpenDocument
from landguard.lsp.logs import LspLogHandler, setup_logging
from landguard.lsp.messages import AnsweringProtocol
from landguard.lsp.scheduler import Scheduler, load_checks
from landguard.lsp.settings import SECTION, Settings, extract_settings
from landguard.lsp.text_sync import uri_to_path

log = logging.getLogger("landguard.lsp.server")

WATCHED_FILES = ("**/landguard.toml", "**/pyproject.toml")
# AI assistants' ignore files: LG604 findings (files with secrets they may read) depend on them.
WATCHED_FILES += tuple(f"**/{name}" for name in AI_IGNORE_FILES)


class LandguardProtocol(AnsweringProtocol):
    """pygls' protocol, answering every request (``messages``), minus its own copy of every document.

    Landguard keeps documents itself (engine ``Document``: text + incremental tree), so pygls'
    text copy would only cost a second O(file) update per keystroke, and its update raises on a
    didChange for a document that was never opened. The handlers below only dispatch.
    """

    def send_serialised(self, body: str) -> None:
        """Write one message that is serialised JSON already (published diagnostics, joined from
        the cached JSON of each diagnostic), framed as pygls frames its own."""
        if self.writer is None:
            log.error("no transport to send a message on")
            return
        data = body.encode(self.CHARSET)
        if self._include_headers:  # not over a websocket
            header = f"Content-Length: {len(data)}\r\nContent-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}\r\n\r\n"
            data = header.encode("ascii") + data
        result = self.writer.write(data)
        if inspect.isawaitable(result):
            asyncio.ensure_future(result)

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams):
        # Every position we send or receive is UTF-16 (the LSP default every client supports);
        # pygls would otherwise pick the client's first preference (Neovim offers utf-8 first).
        general = params.capabilities.general
        if general is not None and general.position_encodings:
            general.position_encodings = [types.PositionEncodingKind.Utf16]
        return (yield from super().lsp_initialize(params))

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


class LandguardServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "landguard",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=LandguardProtocol,
            # The converter ``convert`` serialises diagnostics with (pygls' default configuration):
            # one set of cattrs hooks, generated once per type, for messages and diagnostics alike.
            converter_factory=lambda: CONVERTER,
        )
        self.documents: dict[str, OpenDocument] = {}
        self.settings = Settings()
        self.scheduler = Scheduler(self)
        self.scanned_uris: set[str] = set()
        self.log_handler: LspLogHandler | None = None
        self.pending_init_errors: list[str] = []
        self._loop: asyncio.AbstractEventLoop | None = None

    # pygls' read loops go deaf after one badly framed message; ours resynchronise (``framing``).
    def start_io(self, stdin: Any = None, stdout: Any = None) -> None:
        framing.serve_stdio(self, stdin, stdout)

    def start_tcp(self, host: str, port: int) -> None:
        framing.serve_tcp(self, host, port)

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        return self._loop

    # ------------------------------------------------------------------ client capabilities

    def _capability(self, *path: str) -> Any:
        value: Any = self.client_capabilities
        for name in path:
            value = getattr(value, name, None)
            if value is None:
                return None
        return value

    def supports_document_changes(self) -> bool:
        return bool(self._capability("workspace", "workspace_edit", "document_changes"))

    def supports_create_files(self) -> bool:
        operations = self._capability("workspace", "workspace_edit", "resource_operations") or ()
        return types.ResourceOperationKind.Create in operations

    def supports_work_done_progress(self) -> bool:
        return bool(self._capability("window", "work_done_progress"))

    def supports_configuration_pull(self) -> bool:
        return bool(self._capability("workspace", "configuration"))

    def supports_code_action_resolve(self) -> bool:
        properties = self._capability("text_document", "code_action", "resolve_support", "properties")
        return "edit" in (properties or ())

    def uses_pull_diagnostics(self) -> bool:
        """Clients that pull diagnostics get no publishDiagnostics (they would show them twice)."""
        return self._capability("text_document", "diagnostic") is not None

    def supports_diagnostic_refresh(self) -> bool:
        return bool(self._capability("workspace", "diagnostics", "refresh_support"))

    def supports_watched_files_registration(self) -> bool:
        return bool(self._capability("workspace", "did_change_watched_files", "dynamic_registration"))

    # ------------------------------------------------------------------ settings

    def apply_editor_settings(self, raw: Any) -> None:
        settings, errors = extract_settings(raw)
        self.settings.set_editor_settings(settings)
        self.show_errors(errors)
        self.report_config_errors(self.settings.resolve(None))

    def report_config_errors(self, result: ConfigResult) -> None:
        self.show_errors(self.settings.new_errors(result))

    def show_errors(self, errors: list[str]) -> None:
        if not errors:
            return
        for error in errors:
            log.warning("configuration: %s", error)
        message = "Landguard: invalid settings (the defaults stay in effect for these):\n" + "\n".join(
            f"- {e}" for e in errors
        )
        self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=message))

    def reanalyse_all(self) -> None:
        pull_diagnostics.invalidate_scan(self)
        for doc in self.documents.values():
            self.scheduler.schedule(doc, delay=0)

    def reload_project_config(self) -> None:
        log.info("project configuration changed; re-analysing %d open document(s)", len(self.documents))
        self.settings.invalidate()
        self.report_config_errors(self.settings.resolve(None))
        self.reanalyse_all()

    async def pull_configuration(self) -> dict[str, Any] | None:
        """``workspace/configuration`` section ``landguard``; None if the client did not answer usefully."""
        try:
            result = await self.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
            )
        except Exception:
            log.warning("workspace/configuration failed; keeping the current settings")
            return None
        if not result:
            return None
        return result[0] if isinstance(result[0], dict) else {}


def build_server() -> LandguardServer:
    server = LandguardServer()
    text_sync.register(server)
    code_actions.register(server)
    resolve.register(server)
    debug_info.register(server)
    pull_diagnostics.register(server)
    hover.register(server)
    workspace_scan.register(server)
    audit_hooks.register(server)

    @server.feature(types.INITIALIZE)
    def initialize(ls: LandguardServer, params: types.InitializeParams) -> None:
        if ls.log_handler is not None:
            ls.log_handler.loop = ls.loop
        root = None
        if params.workspace_folders:
            root = uri_to_path(params.workspace_folders[0].uri)
        elif params.root_uri:
            root = uri_to_path(params.root_uri)
        elif params.root_path:
            root = params.root_path
        ls.settings.set_root(root)
        settings, errors = extract_settings(params.initialization_options)
        ls.settings.set_editor_settings(settings)
        ls.pending_init_errors = errors
        client = params.client_info.name if params.client_info else "unknown client"
        log.info("initialize from %s; workspace %s", client, root or "(none)")
        # Discover the checks now rather than on the first keystroke.
        ls.scheduler.background.submit(load_checks)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: LandguardServer, params: types.InitializedParams) -> None:
        ls.show_errors(ls.pending_init_errors)
        ls.report_config_errors(ls.settings.resolve(None))
        # What starting up compiled (pygls' types, the hooks of the first messages), for the next start.
        ls.scheduler.background.submit(generated_code.save)
        if ls.supports_watched_files_registration():
            watchers = [types.FileSystemWatcher(glob_pattern=glob) for glob in WATCHED_FILES]
            try:
                await ls.client_register_capability_async(
                    types.RegistrationParams(
                        registrations=[
                            types.Registration(
                                id="landguard-project-files",
                                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                                register_options=types.DidChangeWatchedFilesRegistrationOptions(
                                    watchers=watchers
                                ),
                            )
                        ]
                    )
                )
            except Exception:
                log.warning("the client refused to watch project files; they are re-read on save")

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: LandguardServer, params: types.DidChangeConfigurationParams
    ) -> None:
        raw: Any = None
        if ls.supports_configuration_pull():
            raw = await ls.pull_configuration()
        if raw is None:
            raw = params.settings
        ls.apply_editor_settings(raw)
        log.info("settings changed; re-analysing %d open document(s)", len(ls.documents))
        ls.reanalyse_all()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: LandguardServer, params: types.DidChangeWatchedFilesParams) -> None:
        ls.reload_project_config()

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: LandguardServer, params: None) -> None:
        log.info("shutdown requested")
        for doc in ls.documents.values():
            doc.cancel_timers()
        ls.scheduler.shutdown()
        generated_code.save()

    return server


def serve(tcp: tuple[str, int] | None = None) -> None:
    """Run the server until the client says exit: on stdio, or on ``tcp=(host, port)``."""
    # Load the checks (grammars, snapshots) while the client is still starting up.
    threading.Thread(target=load_checks, name="landguard-warm-up", daemon=True).start()
    with startup.loading():
        server = build_server()
    startup.release_later()  # the collector's turn comes after the first publish (``startup``)
    server.log_handler = setup_logging(server)
    if tcp is not None:
        log.info("Landguard %s serving on %s:%d", __version__, *tcp)
        server.start_tcp(*tcp)
    else:
        log.info("Landguard %s serving on stdio", __version__)
        server.start_io()
