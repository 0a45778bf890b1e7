"""End to end on raw bytes: the base protocol's framing, as real (and broken) clients write it.

Header names are case-insensitive, some clients end header lines with a bare LF, and after one
frame with a wrong Content-Length the server must find the next header instead of going deaf.
"""

from __future__ import annotations

import asyncio

import pytest
from raw_lsp import RawServer, encode, frame, message


@pytest.fixture
async def server(tmp_path):
    server = await RawServer.start(tmp_path)
    yield server
    await server.kill()


def hover(msg_id, uri="file:///nowhere.py"):
    return encode(
        id=msg_id,
        method="textDocument/hover",
        params={"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}},
    )


@pytest.mark.parametrize(
    "header",
    [
        b"content-length: %d\r\n\r\n",
        b"CONTENT-LENGTH:%d\r\n\r\n",
        b"Content-Length: %d\n\n",
        b"content-length: %d\nContent-Type: application/vscode-jsonrpc; charset=utf-8\n\n",
        b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: %d\r\n\r\n",
    ],
)
async def test_header_spellings_are_understood(server, header):
    server.send(frame(hover(1), header))
    assert "result" in await server.response(1)
    server.send(frame(hover(2)))
    assert "result" in await server.response(2)


async def test_a_length_too_long_resynchronises_on_the_next_header(server):
    body = hover(1)
    server.send(b"Content-Length: %d\r\n\r\n" % (len(body) + 40) + body)
    server.send(frame(hover(2)))
    # The next frame's header marks where the bad one ended: both are answered.
    assert "result" in await server.response(2)
    assert "result" in await server.response(1)


async def test_a_length_too_long_on_the_last_message_is_still_answered(server):
    body = hover(1)
    server.send(b"Content-Length: %d\r\n\r\n" % (len(body) + 500) + body)
    assert "result" in await server.response(1)
    server.send(frame(hover(2)))
    assert "result" in await server.response(2)


async def test_a_length_too_short_loses_only_that_frame(server):
    body = hover(1)
    server.send(b"Content-Length: %d\r\n\r\n" % (len(body) - 10) + body)
    server.send(frame(hover(2)))
    assert "result" in await server.response(2)
    server.send(frame(hover(3), b"content-length: %d\n\n"))
    assert "result" in await server.response(3)
    assert not any(m.get("id") == 1 for m in server.received)


async def test_junk_between_frames_is_skipped(server):
    server.send(b"garbage without a line end " * 100)
    server.send(b"\r\nX-Header: 1\r\n\r\n")
    server.send(message(id=1, method="textDocument/hover", params=None))
    assert (await server.response(1))["error"]["code"] == -32602
    server.send(frame(hover(2)))
    assert "result" in await server.response(2)
    assert await server.stop() == 0


async def test_messages_in_one_write_then_exit_end_the_process(server, tmp_path):
    # Log records queued by the first messages must not keep the process alive once exit closed stdout.
    uri = (tmp_path / "a.py").as_uri()
    opened = {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": "x = 1\n"}}
    server.send(
        message(method="textDocument/didOpen", params=opened)
        + message(id=1, method="shutdown")
        + message(method="exit")
    )
    assert await asyncio.wait_for(server.process.wait(), 15) == 0
