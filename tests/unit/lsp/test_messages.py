"""The protocol layer in-process: answers to undecodable requests, and nothing kept per notification."""

from __future__ import annotations

import asyncio
import gc
import json

from landguard.lsp.server import build_server

SECRET_TEXT = "api = 'ghp_" + "Z9y8X7w6V5u4T3s2R1q0" + "P9o8N7m6L5k4J3i2'\n"


class Writer:
    def __init__(self) -> None:
        self.messages: list[dict] = []

    def write(self, data: bytes) -> None:
        self.messages.append(json.loads(data.split(b"\r\n\r\n", 1)[1]))

    def close(self) -> None:
        pass


def started():
    server = build_server()
    writer = Writer()
    server.protocol.set_writer(writer)
    server.protocol.receive(
        {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"processId": None, "capabilities": {}}}
    )
    return server, writer


async def test_closed_documents_leave_nothing_behind_in_the_protocol():
    server, _ = started()
    protocol = server.protocol
    for n in range(20):
        uri = f"file:///tmp/soak/d{n}.py"
        protocol.receive(
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didOpen",
                "params": {
                    "textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": SECRET_TEXT}
                },
            }
        )
        protocol.receive(
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didChange",
                "params": {
                    "textDocument": {"uri": uri, "version": 2},
                    "contentChanges": [
                        {
                            "range": {
                                "start": {"line": 0, "character": 0},
                                "end": {"line": 0, "character": 0},
                            },
                            "text": "x",
                        }
                    ],
                },
            }
        )
        protocol.receive(
            {"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}}
        )
    await asyncio.sleep(0.5)
    server.scheduler.shutdown()
    # pygls filed one future per notification (each holding its params, so every text) and never removed it.
    assert protocol._request_futures == {}
    gc.collect()
    assert not [o for o in gc.get_objects() if type(o).__name__ == "DidOpenTextDocumentParams"]


def test_undecodable_requests_are_answered_in_process():
    server, writer = started()
    receive = server.protocol.receive
    receive({"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": None})
    receive({"jsonrpc": "2.0", "id": 2, "method": "textDocument/definition", "params": None})
    receive({"jsonrpc": "2.0", "id": 3, "method": "textDocument/didOpen", "params": {}})
    receive({"jsonrpc": "2.0", "id": True, "method": "shutdown"})
    errors = {m.get("id"): m["error"]["code"] for m in writer.messages if "error" in m}
    assert errors == {1: -32602, 2: -32601, 3: -32601, None: -32600}


def test_messages_and_diagnostics_share_one_converter():
    """pygls' protocol structures and serialises messages with the converter ``convert`` serialises
    diagnostics with: each type's cattrs hooks are generated once per process, not once each."""
    from landguard.lsp.convert import CONVERTER

    server, writer = started()
    assert server.protocol._converter is CONVERTER  # noqa: SLF001 - pygls keeps it there
    assert writer.messages[0]["result"]["capabilities"]["textDocumentSync"]["change"] == 2
