"""pytest-lsp fixtures driving the real ``landguard`` language server over stdio.

``lsp`` is parametrised over real clients' capability profiles (VS Code, Neovim): tests
initialise the session themselves (each with its own workspace folder and settings) through
``LspSession``, which also records every ``publishDiagnostics`` with its version.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest_asyncio
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

# The installed `landguard lsp` command, as editors start it (``python -m landguard.lsp`` if not installed).
_SCRIPT = Path(sys.executable).with_name("landguard")
SERVER_COMMAND = [str(_SCRIPT), "lsp"] if _SCRIPT.exists() else [sys.executable, "-m", "landguard.lsp"]
CLIENT_PROFILES = ["visual-studio-code", "neovim"]
# Tests never touch the network: online dependency lookups are off unless a test turns them on.
OFFLINE = {"dependencies": {"online": False}}
TIMEOUT = 30.0
# The registry-answer cache of the servers under test stays out of the user's cache folder.
E2E_CACHE_DIR = tempfile.mkdtemp(prefix="landguard-e2e-cache-")


def make_client() -> LanguageClient:
    """pytest-lsp's test client, also keeping every published diagnostics set and registration."""
    client = LanguageClient()
    client.published = []  # type: ignore[attr-defined]
    client.registrations = []  # type: ignore[attr-defined]
    features = dict(DEFAULT_CLIENT_FEATURES)

    def publish(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)  # type: ignore[attr-defined]

    def register_capability(client: LanguageClient, params: types.RegistrationParams) -> None:
        client.registrations.extend(params.registrations)  # type: ignore[attr-defined]

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    features[types.CLIENT_REGISTER_CAPABILITY] = register_capability
    register_lsp_features(client, features)
    return client


def server_config(env: dict[str, str] | None = None) -> ClientServerConfig:
    return ClientServerConfig(
        server_command=SERVER_COMMAND,
        client_factory=make_client,
        server_env={**os.environ, "LANDGUARD_CACHE_DIR": E2E_CACHE_DIR, **(env or {})},
    )


class LspSession:
    """One client <-> server session against a workspace folder."""

    def __init__(self, client: LanguageClient, profile: str, root: Path) -> None:
        self.client = client
        self.profile = profile
        self.root = root
        self.versions: dict[str, int] = {}
        # Pull diagnostics (textDocument/diagnostic) only for tests that ask: the rest watch
        # publishDiagnostics, which the server sends only to clients that do not pull.
        self.pull = False
        # Whether the client resolves code actions (both profiles do; tests may turn it off).
        self.resolve = True

    @property
    def capabilities(self) -> types.ClientCapabilities:
        capabilities = client_capabilities(self.profile)
        text_document = capabilities.text_document
        if self.pull:
            text_document.diagnostic = types.DiagnosticClientCapabilities()
            capabilities.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(
                refresh_support=True
            )
        else:
            text_document.diagnostic = None
        if not self.resolve:
            text_document.code_action.resolve_support = None
        return capabilities

    async def initialize(self, init_options: Any = None) -> types.InitializeResult:
        options = OFFLINE if init_options is None else init_options
        return await self.client.initialize_session(
            types.InitializeParams(
                capabilities=self.capabilities,
                root_uri=self.root.as_uri(),
                workspace_folders=[types.WorkspaceFolder(uri=self.root.as_uri(), name=self.root.name)],
                initialization_options=options,
            )
        )

    def uri(self, name: str) -> str:
        return (self.root / name).as_uri()

    def open(self, name: str, text: str, language_id: str = "python", *, write: bool = False) -> str:
        path = self.root / name
        if write:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        uri = path.as_uri()
        self.versions[uri] = 1
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id=language_id, version=1, text=text)
            )
        )
        return uri

    def change(self, uri: str, *changes: types.TextDocumentContentChangeEvent) -> int:
        self.versions[uri] = version = self.versions.get(uri, 0) + 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=list(changes),
            )
        )
        return version

    def edit(self, uri: str, start: tuple[int, int], end: tuple[int, int], text: str) -> int:
        return self.change(
            uri,
            types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(*start), types.Position(*end)), text=text
            ),
        )

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )

    def published(self, uri: str) -> list[types.PublishDiagnosticsParams]:
        return [p for p in self.client.published if p.uri == uri]  # type: ignore[attr-defined]

    async def wait_for(self, condition: Callable[[], Any], timeout: float = TIMEOUT, what: str = "condition"):
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            value = condition()
            if value:
                return value
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.01)

    async def diagnostics(
        self,
        uri: str,
        version: int | None = None,
        where: Callable[[list[types.Diagnostic]], bool] | None = None,
        timeout: float = TIMEOUT,
    ) -> list[types.Diagnostic]:
        """The newest diagnostics published for ``uri`` (for ``version`` if given) matching ``where``."""

        def newest():
            for params in reversed(self.published(uri)):
                if version is not None and params.version != version:
                    continue
                if where is None or where(list(params.diagnostics)):
                    return params
                return None
            return None

        params = await self.wait_for(newest, timeout, f"diagnostics for {uri} v{version}")
        return list(params.diagnostics)

    async def messages(self, where: Callable[[types.ShowMessageParams], bool], timeout: float = TIMEOUT):
        return await self.wait_for(
            lambda: [m for m in self.client.messages if where(m)], timeout, "window/showMessage"
        )


@pytest_lsp.fixture(config=server_config(), params=CLIENT_PROFILES)
async def lsp_client(request, client: LanguageClient):
    client.profile = request.param  # type: ignore[attr-defined]
    yield
    await client.shutdown_session()


@pytest_asyncio.fixture
async def session(lsp_client: LanguageClient, tmp_path: Path) -> LspSession:
    """A session against a fresh workspace folder; the test initialises it (with its own settings)."""
    root = tmp_path / "workspace"
    root.mkdir()
    return LspSession(lsp_client, lsp_client.profile, root)  # type: ignore[attr-defined]


def _offset(text: str, position: types.Position) -> int:
    """UTF-16 (line, character) -> str index, the way an editor resolves it."""
    lines = text.split("\n")
    line = min(position.line, len(lines) - 1)
    start = sum(len(x) + 1 for x in lines[:line])
    units = lines[line].encode("utf-16-le")[: position.character * 2]
    return start + len(units.decode("utf-16-le", errors="ignore"))


def bottom_up(edits: list[types.TextEdit]) -> list[types.TextEdit]:
    """Edits in an order that can be applied one after the other (LSP: all are relative to the
    original text; of edits starting at the same place, the earlier one in the list comes first)."""
    indexed = sorted(
        enumerate(edits), key=lambda item: (item[1].range.start.line, item[1].range.start.character, item[0])
    )
    return [edit for _, edit in reversed(indexed)]


def apply_text_edits(text: str, edits: list[types.TextEdit]) -> str:
    """What an editor does with a WorkspaceEdit's TextEdits."""
    for edit in bottom_up(edits):
        start, end = _offset(text, edit.range.start), _offset(text, edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text


async def code_actions(
    session: LspSession, uri: str, diagnostic: types.Diagnostic | None = None, only=None, range=None
) -> list[types.CodeAction]:
    """``textDocument/codeAction`` for one diagnostic (or a range), each action resolved as an
    editor does when the action comes without its edit."""
    actions = await session.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=range
            or (diagnostic.range if diagnostic else types.Range(types.Position(0, 0), types.Position(0, 0))),
            context=types.CodeActionContext(diagnostics=[diagnostic] if diagnostic else [], only=only),
        )
    )
    resolved = []
    for action in actions or []:
        # (lsprotocol's client reads a CodeAction with a command as a Command: nothing to resolve.)
        if isinstance(action, types.CodeAction) and action.edit is None and action.data is not None:
            assert session.resolve, "an action without its edit for a client that does not resolve"
            action = await session.client.code_action_resolve_async(action)
        resolved.append(action)
    return resolved


def edits_for(action: types.CodeAction, uri: str) -> list[types.TextEdit]:
    """The TextEdits a code action makes to ``uri``, from either WorkspaceEdit shape."""
    edit = action.edit
    assert edit is not None
    if edit.document_changes:
        return [
            e for change in edit.document_changes if change.text_document.uri == uri for e in change.edits
        ]
    return list((edit.changes or {}).get(uri, []))


def send_edits(session: LspSession, uri: str, edits: list[types.TextEdit]) -> int:
    """Send the edits as the client would after applying them: one didChange, bottom-up."""
    return session.change(
        uri,
        *(types.TextDocumentContentChangePartial(range=e.range, text=e.new_text) for e in bottom_up(edits)),
    )
