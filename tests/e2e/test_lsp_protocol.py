"""End to end on raw bytes: malformed JSON-RPC does not stop the server; clean shutdown/exit."""

from __future__ import annotations

import asyncio
import json
import sys

from conftest import SERVER_COMMAND


def frame(payload: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(payload) + payload


def message(**fields) -> bytes:
    return frame(json.dumps({"jsonrpc": "2.0", **fields}).encode())


async def read_message(stdout: asyncio.StreamReader) -> dict:
    length = 0
    while True:
        line = await stdout.readline()
        if not line:
            raise EOFError("server closed stdout")
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
        elif line == b"\r\n":
            return json.loads(await stdout.readexactly(length))


async def read_until(stdout: asyncio.StreamReader, predicate, timeout: float = 15.0) -> dict:
    async def loop():
        while True:
            msg = await read_message(stdout)
            if predicate(msg):
                return msg

    return await asyncio.wait_for(loop(), timeout)


async def test_malformed_messages_keep_the_server_serving(tmp_path):
    process = await asyncio.create_subprocess_exec(
        *SERVER_COMMAND,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdin, stdout = process.stdin, process.stdout
    try:
        stdin.write(
            message(
                id=1,
                method="initialize",
                params={
                    "processId": None,
                    "rootUri": tmp_path.as_uri(),
                    "capabilities": {},
                    "initializationOptions": {"dependencies": {"online": False}},
                },
            )
        )
        await stdin.drain()
        init = await read_until(stdout, lambda m: m.get("id") == 1)
        assert init["result"]["capabilities"]["textDocumentSync"]["change"] == 2
        stdin.write(message(method="initialized", params={}))

        # Not JSON at all; JSON that is not an object; a notification with missing fields;
        # a request for a method that does not exist; a header without a body length.
        stdin.write(frame(b"{this is not json"))
        stdin.write(frame(b"[1, 2, 3]"))
        stdin.write(message(method="textDocument/didOpen", params={"textDocument": {"uri": 5}}))
        stdin.write(message(id=2, method="landguard/noSuchMethod", params={}))
        stdin.write(b"X-Garbage: yes\r\n\r\n")
        await stdin.drain()
        unknown = await read_until(stdout, lambda m: m.get("id") == 2)
        assert unknown["error"]["code"] == -32601

        uri = (tmp_path / "blob.py").as_uri()
        stdin.write(
            message(
                method="textDocument/didOpen",
                params={
                    "textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": "a\x00\n"}
                },
            )
        )
        await stdin.drain()
        published = await read_until(stdout, lambda m: m.get("method") == "textDocument/publishDiagnostics")
        assert published["params"]["version"] == 1
        assert [d["code"] for d in published["params"]["diagnostics"]] == ["LG002"]

        stdin.write(message(id=3, method="shutdown"))
        await stdin.drain()
        await read_until(stdout, lambda m: m.get("id") == 3)
        stdin.write(message(method="exit"))
        await stdin.drain()
        assert await asyncio.wait_for(process.wait(), 15) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    stderr = (await process.stderr.read()).decode(errors="replace")
    assert "a\x00" not in stderr


async def test_tcp_mode(tmp_path, unused_tcp_port):
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        f"from landguard.lsp.server import serve; serve(('127.0.0.1', {unused_tcp_port}))",
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        for _ in range(100):
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", unused_tcp_port)
                break
            except OSError:
                await asyncio.sleep(0.1)
        else:
            raise AssertionError("the TCP server did not start")
        writer.write(message(id=1, method="initialize", params={"processId": None, "capabilities": {}}))
        await writer.drain()
        init = await read_until(reader, lambda m: m.get("id") == 1)
        assert init["result"]["serverInfo"]["name"] == "landguard"
        writer.write(message(id=2, method="shutdown"))
        writer.write(message(method="exit"))
        await writer.drain()
        writer.close()
    finally:
        process.kill()
        await process.wait()
