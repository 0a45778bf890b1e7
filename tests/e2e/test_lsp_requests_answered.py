"""End to end on raw bytes: every request gets an answer, whatever its params or timing.

A client waiting on a request the server dropped hangs; JSON-RPC says every request with an id
gets a response: InvalidParams when its params cannot be decoded, MethodNotFound for methods the
server does not have, InvalidRequest after shutdown.
"""

from __future__ import annotations

import pytest
from raw_lsp import RawServer, encode, frame, message

INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS = -32600, -32601, -32602


@pytest.fixture
async def server(tmp_path):
    server = await RawServer.start(tmp_path)
    yield server
    await server.kill()


def position_params(uri, line, character):
    return {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}


async def test_wrongly_typed_params_get_invalid_params(server, tmp_path):
    uri = (tmp_path / "a.py").as_uri()
    server.send(
        message(
            method="textDocument/didOpen",
            params={"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": "x = 1\n"}},
        )
    )
    bad = {
        1: ("textDocument/hover", position_params(uri, "a", 0)),
        2: ("textDocument/hover", None),
        3: ("textDocument/hover", {"textDocument": {"uri": uri}}),
        4: (
            "textDocument/codeAction",
            {"textDocument": {"uri": uri}, "range": "all", "context": {"diagnostics": []}},
        ),
        5: ("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": None, "context": []}),
        6: ("textDocument/hover", [1, 2]),
        7: ("workspace/executeCommand", {"command": 5}),
    }
    for msg_id, (method, params) in bad.items():
        server.send(message(id=msg_id, method=method, params=params))
    for msg_id in bad:
        response = await server.response(msg_id)
        assert response["error"]["code"] == INVALID_PARAMS, (msg_id, response)
    # ... and the server still answers well-formed requests.
    good = await server.request(10, "textDocument/hover", position_params(uri, 0, 0))
    assert "result" in good


async def test_unknown_requests_always_get_method_not_found(server, tmp_path):
    uri = (tmp_path / "a.py").as_uri()
    unknown = [
        ("textDocument/definition", position_params(uri, 0, 0)),
        ("textDocument/definition", None),
        ("textDocument/definition", position_params(uri, "x", [])),
        ("textDocument/references", {"bogus": True}),
        ("textDocument/completion", "nonsense"),
        ("textDocument/formatting", 17),
        ("landguard/noSuchMethod", {}),
        ("$/unknownRequest", None),
        # A notification method sent as a request cannot be answered by its handler.
        ("textDocument/didClose", {"textDocument": {"uri": uri}}),
    ]
    for msg_id, (method, params) in enumerate(unknown, start=100):
        server.send(message(id=msg_id, method=method, params=params))
    for msg_id, (method, _) in enumerate(unknown, start=100):
        response = await server.response(msg_id)
        assert response["error"]["code"] == METHOD_NOT_FOUND, (method, response)


async def test_malformed_requests_get_invalid_request(server):
    server.send(frame(b'{"id": 1, "method": "textDocument/hover", "params": {}}'))  # no "jsonrpc"
    server.send(frame(encode(id=2, method=5, params={})))
    server.send(frame(encode(id={"nested": 1}, method="shutdown")))
    assert (await server.response(1))["error"]["code"] == INVALID_REQUEST
    assert (await server.response(2))["error"]["code"] == INVALID_REQUEST
    by_null = await server.wait_for(lambda m: m.get("id") is None and "error" in m)
    assert by_null["error"]["code"] == INVALID_REQUEST


async def test_requests_after_shutdown_get_invalid_request(server, tmp_path):
    uri = (tmp_path / "a.py").as_uri()
    assert "result" in await server.request("down", "shutdown")
    hover = await server.request(1, "textDocument/hover", position_params(uri, 0, 0))
    assert hover["error"]["code"] == INVALID_REQUEST
    again = await server.request(2, "shutdown")
    assert again["error"]["code"] == INVALID_REQUEST
    server.send(message(method="exit"))
    assert await server.process.wait() == 0
