"""The built VS Code extension (.vsix): its manifest, the server wheel it carries, and the
managed-environment bootstrap run under Node outside VS Code, as a first start on a fresh machine does.

Built by `make vscode-package` (part of `make editors-test`). The bootstrap test creates a virtual
environment in a temporary folder, installs the carried wheel (its dependencies come from PyPI), starts
`landguard --version`, then `landguard lsp` and completes an LSP initialize handshake with it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

import landguard

ROOT = Path(__file__).resolve().parents[2]
VSCODE_DIR = ROOT / "clients" / "vscode"
PACKAGE_JSON = json.loads((VSCODE_DIR / "package.json").read_text())
VSIX = VSCODE_DIR / f"landguard-{PACKAGE_JSON['version']}.vsix"
NODE = shutil.which("node")

LANGUAGES = [
    "python", "javascript", "javascriptreact", "typescript", "typescriptreact", "java", "pip-requirements",
    "json", "toml", "yaml", "dotenv", "properties", "ini", "shellscript", "dockerfile", "markdown",
    "vue", "django-html", "jinja-html", "jinja",
]  # fmt: skip
SETTINGS = [
    "enable", "path", "interpreter", "select", "ignore", "severity", "exclude", "aiMarkers", "dependencies.online",
    "dependencies.pypiUrl", "dependencies.npmUrl", "dependencies.osvUrl", "trace.server",
]  # fmt: skip


@pytest.fixture(scope="module")
def vsix() -> zipfile.ZipFile:
    assert VSIX.exists(), f"{VSIX.name} is not built: run `make vscode-package`"
    with zipfile.ZipFile(VSIX) as archive:
        yield archive


@pytest.fixture(scope="module")
def extracted(vsix: zipfile.ZipFile, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("vsix")
    vsix.extractall(folder)
    return folder / "extension"


def test_manifest_declares_languages_commands_and_settings(vsix: zipfile.ZipFile) -> None:
    manifest = json.loads(vsix.read("extension/package.json"))
    assert manifest["name"] == "landguard"
    assert manifest["version"] == landguard.__version__, (
        "the extension and the server it carries share a version"
    )
    assert manifest["engines"]["vscode"].startswith("^1.")
    assert f"extension/{manifest['main'].removeprefix('./')}" in vsix.namelist()
    on_language = [e for e in manifest["activationEvents"] if e.startswith("onLanguage:")]
    assert sorted(e.removeprefix("onLanguage:") for e in on_language) == sorted(LANGUAGES)
    # A workspace holding only AI assistants' files (rules, MCP configs, ignore files) activates it too.
    contains = {e.removeprefix("workspaceContains:") for e in manifest["activationEvents"]} - set(on_language)
    assert {"**/.cursorrules", "**/*.mdc", "**/AGENTS.md", "**/.mcp.json", "**/.cursorignore"} <= contains
    titles = {c["command"]: f"{c['category']}: {c['title']}" for c in manifest["contributes"]["commands"]}
    assert titles == {
        "landguard.restart": "Landguard: Restart Server",
        "landguard.scan": "Landguard: Scan Workspace",
        "landguard.showOutput": "Landguard: Show Output",
        "landguard.showDebugInfo": "Landguard: Show Debug Info",
    }
    # Restricted Mode: it runs, without what a workspace could use to run its own code.
    trust = manifest["capabilities"]["untrustedWorkspaces"]
    assert trust["supported"] == "limited"
    assert {"landguard.path", "landguard.interpreter"} <= set(trust["restrictedConfigurations"])
    properties = manifest["contributes"]["configuration"]["properties"]
    assert sorted(properties) == sorted(f"landguard.{key}" for key in SETTINGS)
    vsix_manifest = vsix.read("extension.vsixmanifest").decode()
    assert re.search(rf'<Identity [^>]*Version="{re.escape(manifest["version"])}"', vsix_manifest)


def test_package_holds_the_bundle_not_the_sources(vsix: zipfile.ZipFile) -> None:
    names = vsix.namelist()
    assert "extension/dist/extension.js" in names
    assert "extension/dist/bootstrapCli.js" in names
    assert "extension/readme.md" in [n.lower() for n in names]
    stray = [
        n
        for n in names
        if n.endswith((".ts", ".map")) or "/src/" in n or "/test/" in n or "node_modules" in n
    ]
    assert stray == []
    bundle = vsix.read("extension/dist/extension.js").decode()
    assert (
        "vscode-languageclient" in bundle or "LanguageClient" in bundle
    )  # bundled, not a runtime dependency
    assert 'require("vscode")' in bundle


# Loads the packaged extension with a stand-in 'vscode' module (a permissive Proxy): catches bundling
# mistakes and import-time errors without a VS Code download.
LOAD_WITH_STUB = r"""
const Module = require("module");
const stubPath = "/landguard-test/vscode-stub.js";
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === "vscode" ? stubPath : resolve.call(this, request, ...rest);
};
const handler = {
  get(target, prop) {
    if (prop === "__esModule") return false;
    if (!(prop in target)) target[prop] = new Proxy(function () {}, handler);
    return target[prop];
  },
  construct() { return new Proxy(function () {}, handler); },
  apply() { return new Proxy(function () {}, handler); },
};
require.cache[stubPath] = { id: stubPath, filename: stubPath, loaded: true, exports: new Proxy(function () {}, handler) };
const extension = require(process.argv[1]);
console.log(JSON.stringify({ activate: typeof extension.activate, deactivate: typeof extension.deactivate }));
"""


def test_bundle_loads_and_exports_activate(extracted: Path) -> None:
    assert NODE, "node is required for the extension's tests"
    result = subprocess.run(
        [NODE, "-e", LOAD_WITH_STUB, str(extracted / "dist" / "extension.js")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"activate": "function", "deactivate": "function"}


def test_carries_the_current_server_wheel(vsix: zipfile.ZipFile, tmp_path: Path) -> None:
    wheels = [n for n in vsix.namelist() if n.startswith("extension/bundled/") and n.endswith(".whl")]
    assert wheels == [f"extension/bundled/landguard-{landguard.__version__}-py3-none-any.whl"]
    wheel_file = tmp_path / Path(wheels[0]).name
    wheel_file.write_bytes(vsix.read(wheels[0]))
    with zipfile.ZipFile(wheel_file) as wheel:
        names = wheel.namelist()
        dist_info = f"landguard-{landguard.__version__}.dist-info"
        assert "landguard/cli.py" in names
        assert "landguard/lsp/server.py" in names
        assert "landguard/engine/analyze.py" in names
        assert any(n.startswith("landguard/checks/secrets/") for n in names)
        assert "landguard = landguard.cli:main" in wheel.read(f"{dist_info}/entry_points.txt").decode()
        metadata = wheel.read(f"{dist_info}/METADATA").decode()
        assert "Requires-Dist: pygls" in metadata
        assert "Requires-Python: >=3.10" in metadata
        # Every server module in the checkout is in the wheel: the .vsix is not stale.
        source = {
            str(p.relative_to(ROOT / "server"))
            for p in (ROOT / "server" / "landguard").rglob("*.py")
            if "__pycache__" not in p.parts
        }
        assert source <= set(names), f"missing from the wheel: {sorted(source - set(names))[:5]}"


def lsp_message(payload: dict) -> bytes:
    body = json.dumps(payload).encode()
    return f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def read_lsp_message(stream) -> dict:
    headers = {}
    while True:
        line = stream.readline()
        assert line, "the server closed its output"
        line = line.decode().strip()
        if not line:
            break
        key, _, value = line.partition(":")
        headers[key.lower()] = value.strip()
    return json.loads(stream.read(int(headers["content-length"])))


def initialize(landguard_exe: str, workspace: Path) -> dict:
    """Starts `landguard lsp`, runs initialize, initialized, shutdown, exit; returns the initialize reply."""
    server = subprocess.Popen(
        [landguard_exe, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        server.stdin.write(
            lsp_message(
                {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "method": "initialize",
                    "params": {
                        "processId": os.getpid(),
                        "rootUri": workspace.as_uri(),
                        "capabilities": {},
                        "initializationOptions": {"dependencies": {"online": False}},
                        "clientInfo": {"name": "landguard-vsix-test"},
                    },
                }
            )
        )
        server.stdin.flush()
        deadline = time.monotonic() + 60
        while True:
            assert time.monotonic() < deadline, "no initialize response"
            message = read_lsp_message(server.stdout)
            if message.get("id") == 1:
                break
        server.stdin.write(lsp_message({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
        server.stdin.write(lsp_message({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
        server.stdin.write(lsp_message({"jsonrpc": "2.0", "method": "exit"}))
        server.stdin.flush()
        server.wait(timeout=30)
        return message
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_bootstrap_creates_the_managed_environment_and_the_server_starts(
    extracted: Path, tmp_path: Path
) -> None:
    assert NODE, "node is required for the extension's tests"
    storage = tmp_path / "global-storage"
    started = time.monotonic()
    first = subprocess.run(
        [
            NODE,
            str(extracted / "dist" / "bootstrapCli.js"),
            "--storage",
            str(storage),
            "--python",
            sys.executable,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    first_seconds = time.monotonic() - started
    assert first.returncode == 0, first.stderr
    landguard_exe = first.stdout.strip()
    assert Path(landguard_exe).is_file()
    assert Path(landguard_exe).is_relative_to(storage)
    assert "Installing Landguard" in first.stderr  # the progress steps the notification shows

    version = subprocess.run([landguard_exe, "--version"], capture_output=True, text=True, timeout=60)
    assert version.returncode == 0, version.stderr
    assert landguard.__version__ in version.stdout + version.stderr

    response = initialize(landguard_exe, tmp_path)
    assert "error" not in response, response
    capabilities = response["result"]["capabilities"]
    assert capabilities.get("textDocumentSync")
    assert capabilities.get("codeActionProvider")

    # A second start reuses the environment: nothing is installed again.
    started = time.monotonic()
    second = subprocess.run(
        [NODE, str(extracted / "dist" / "bootstrapCli.js"), "--storage", str(storage)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == landguard_exe
    assert "Installing" not in second.stderr
    assert time.monotonic() - started < max(5.0, first_seconds / 3)


def test_bootstrap_without_python_explains_the_fix(extracted: Path, tmp_path: Path) -> None:
    assert NODE, "node is required for the extension's tests"
    empty_path = tmp_path / "empty-bin"
    empty_path.mkdir()
    result = subprocess.run(
        [NODE, str(extracted / "dist" / "bootstrapCli.js"), "--storage", str(tmp_path / "storage")],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PATH": str(empty_path)},
    )
    assert result.returncode == 1
    assert "Python 3.10+ not found: install it" in result.stderr
    assert "or set landguard.path" in result.stderr
    assert not (tmp_path / "storage" / "landguard-env").exists()
