"""A raw-bytes LSP client for the real ``landguard lsp`` process: what a broken client can send.

Messages are written as bytes exactly as given (so tests can break the framing); everything the
server writes is read in the background, kept in ``received``, and looked up by predicate.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from conftest import E2E_CACHE_DIR, OFFLINE, SERVER_COMMAND

TIMEOUT = 20.0


def frame(payload: bytes, header: bytes = b"Content-Length: %d\r\n\r\n") -> bytes:
    return header % len(payload) + payload


def encode(**fields: Any) -> bytes:
    return json.dumps({"jsonrpc": "2.0", **fields}).encode()


def message(**fields: Any) -> bytes:
    return frame(encode(**fields))


class RawServer:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.received: list[dict[str, Any]] = []
        self._arrived = asyncio.Event()
        self._reader = asyncio.ensure_future(self._read_all())

    @classmethod
    async def start(cls, root: Path, env: dict[str, str] | None = None) -> RawServer:
        import os

        process = await asyncio.create_subprocess_exec(
            *SERVER_COMMAND,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ, "LANDGUARD_CACHE_DIR": E2E_CACHE_DIR, **(env or {})},
        )
        server = cls(process)
        server.send(
            message(
                id="init",
                method="initialize",
                params={
                    "processId": None,
                    "rootUri": root.as_uri(),
                    "capabilities": {},
                    "initializationOptions": OFFLINE,
                },
            )
        )
        await server.response("init")
        server.send(message(method="initialized", params={}))
        return server

    async def _read_all(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        while True:
            length = 0
            while True:
                line = await stdout.readline()
                if not line:
                    return
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
                elif line == b"\r\n":
                    break
            self.received.append(json.loads(await stdout.readexactly(length)))
            self._arrived.set()

    def send(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)

    async def wait_for(self, predicate, timeout: float = TIMEOUT) -> dict[str, Any]:
        async def loop() -> dict[str, Any]:
            seen = 0
            while True:
                for msg in self.received[seen:]:
                    if predicate(msg):
                        return msg
                seen = len(self.received)
                self._arrived.clear()
                await self._arrived.wait()

        return await asyncio.wait_for(loop(), timeout)

    async def response(self, msg_id: Any, timeout: float = TIMEOUT) -> dict[str, Any]:
        return await self.wait_for(
            lambda m: m.get("id") == msg_id and ("result" in m or "error" in m), timeout
        )

    async def request(self, msg_id: Any, method: str, params: Any = None) -> dict[str, Any]:
        self.send(message(id=msg_id, method=method, params=params))
        return await self.response(msg_id)

    def published(self, uri: str) -> list[dict[str, Any]]:
        return [
            m["params"]
            for m in self.received
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
        ]

    async def diagnostics(self, uri: str, version: int) -> list[dict[str, Any]]:
        found = await self.wait_for(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri
                and m["params"].get("version") == version
            )
        )
        return found["params"]["diagnostics"]

    async def stop(self) -> int:
        """shutdown + exit; the process's exit code."""
        try:
            self.send(message(id="bye", method="shutdown"))
            await self.response("bye")
            self.send(message(method="exit"))
            return await asyncio.wait_for(self.process.wait(), TIMEOUT)
        finally:
            await self.kill()

    async def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        self._reader.cancel()

    async def stderr(self) -> str:
        assert self.process.stderr is not None
        return (await self.process.stderr.read()).decode(errors="replace")
