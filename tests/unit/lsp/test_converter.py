"""The server's converter resolves lsprotocol's types lazily and converts exactly as pygls' default."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SERVER = Path(__file__).resolve().parents[3] / "server"
sys.path.insert(0, str(SERVER.parent / "bench"))
from lsp_client import every_client_capability  # noqa: E402 - the benchmarks' client, a full editor's capabilities

# Run in a fresh interpreter: whether a type is resolved is process-wide state of its class.
CONVERT = r"""
import json, sys
if sys.argv[1] == "lazy-types":
    from landguard.lsp import lazy_types
    assert lazy_types.install() is not None
import attrs
from lsprotocol import types

def created_classes():  # the module's dict: with lazy_types, only the classes created so far
    return [c for c in list(vars(types).values()) if isinstance(c, type) and attrs.has(c)]

def resolved_count():
    return sum(1 for c in created_classes() if getattr(c, "__attrs_types_resolved__", None) is c)

if sys.argv[1] in ("lazy", "lazy-types"):
    from landguard.lsp.convert import CONVERTER as converter
else:
    from pygls.protocol import default_converter
    converter = default_converter()
resolved_at_start = resolved_count()
capabilities = json.loads(sys.argv[2])

position = {"line": 3, "character": 4}
span = {"start": position, "end": {"line": 3, "character": 9}}
uri = "file:///tmp/w/a.py"
values = {
    types.InitializeParams: {"processId": 1, "rootUri": "file:///tmp/w", "capabilities": capabilities,
                             "initializationOptions": {"landguard": {"severity": "warning"}}},
    types.PublishDiagnosticsParams: {"uri": uri, "version": 2, "diagnostics": [{
        "range": span, "message": "m", "severity": 2, "code": "LG201", "source": "landguard",
        "codeDescription": {"href": "https://example.invalid/LG201"}, "tags": [1],
        "relatedInformation": [{"location": {"uri": uri, "range": span}, "message": "source"}],
        "data": {"fixes": [1, "x"]}}]},
    types.CodeAction: {"title": "fix", "kind": "quickfix", "isPreferred": True, "edit": {"documentChanges": [
        {"kind": "create", "uri": "file:///tmp/w/b.py", "options": {"ignoreIfExists": True}},
        {"textDocument": {"uri": uri, "version": 2}, "edits": [{"range": span, "newText": "y"}]}]}},
    types.NotebookDocumentSyncOptions: {"notebookSelector": [{"notebook": "jupyter-notebook",
                                                               "cells": [{"language": "python"}]}]},
    types.Hover: {"contents": {"kind": "markdown", "value": "**x**"}, "range": span},
    types.DidChangeTextDocumentParams: {"textDocument": {"uri": uri, "version": 3},
                                        "contentChanges": [{"range": span, "text": "z"}, {"text": "all"}]},
}
out = {cls.__name__: converter.unstructure(converter.structure(raw, cls)) for cls, raw in values.items()}
from landguard.lsp.server import build_server

server = build_server()
server.protocol.set_writer(type("W", (), {"write": lambda self, data: out.setdefault("answer", data.decode())})())
server.protocol.receive({"jsonrpc": "2.0", "id": 0, "method": "initialize",
                         "params": {"processId": None, "capabilities": capabilities}})
touched = resolved_count()
created = len(created_classes())
from pygls.protocol import default_converter
default_converter()  # a converter built later without the lazy hook resolves every type, as before
print(json.dumps({"values": out, "at_start": resolved_at_start, "touched": touched, "created": created,
                  "later": resolved_count(), "all": len(created_classes())}))
"""


def _run(mode: str, capabilities: dict, cache: Path | None = None) -> dict:
    env = {**os.environ, "PYTHONPATH": str(SERVER), "LANDGUARD_NO_CODE_CACHE": "1"}
    if cache is not None:
        env["LANDGUARD_CACHE_DIR"] = str(cache)
    result = subprocess.run(
        [sys.executable, "-c", CONVERT, mode, json.dumps(capabilities)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.splitlines()[-1])


def test_lazily_resolved_types_convert_as_pygls_default_converter_does():
    capabilities = every_client_capability()
    lazy, eager = _run("lazy", capabilities), _run("eager", capabilities)
    assert lazy["values"] == eager["values"]
    answer = json.loads(lazy["values"]["answer"].split("\r\n\r\n", 1)[1])
    assert answer["result"]["capabilities"]["textDocumentSync"]["change"] == 2
    # Only what was met is resolved: a handful at start, the initialize's and these values' later.
    assert lazy["at_start"] < 10 < lazy["touched"] < lazy["all"] / 2
    assert eager["at_start"] == eager["all"]
    # The skip is for this converter only: one built afterwards resolves every type itself.
    assert lazy["later"] == lazy["all"]


def test_classes_created_on_first_use_convert_as_pygls_default_converter_does(tmp_path):
    """``lazy_types``: the same JSON, a minority of the classes created (first start plans and
    stores the module's statements, the second reads them from the cache)."""
    capabilities = every_client_capability()
    eager = _run("eager", capabilities)
    for _ in range(2):
        lazy = _run("lazy-types", capabilities, cache=tmp_path)
        assert lazy["values"] == eager["values"]
        assert lazy["created"] < eager["all"] / 2
        # A converter built later resolves (and so creates) every type, as with the eager module.
        assert lazy["all"] == eager["all"] == lazy["later"]
