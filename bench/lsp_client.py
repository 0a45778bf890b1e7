"""The raw LSP client the stdio benchmarks share (``cold_start.py``, ``edit_curve.py``, ``soak.py``).

Plain JSON-RPC over the server's stdin/stdout with ``json.loads``, no pytest-lsp: decoding
thousands of diagnostics into typed objects would time the client, not the server. Every
message is timestamped on arrival; requests of the server's (registrations, configuration) are
answered with ``null``. ``cpu_seconds`` and ``rss_mb`` read the server's ``/proc`` entries.

    process, client = await start_server(root, capabilities)
    arrived, count = await client.open(uri, text, "python")   # -> (perf_counter, diagnostics)
    ...
    await stop_server(process, client)
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

SERVER = [sys.executable, "-m", "landguard.lsp"]
CLK_TCK = os.sysconf("SC_CLK_TCK")
OFFLINE = {"dependencies": {"online": False}}


def frame(message: Mapping[str, Any]) -> bytes:
    body = json.dumps({"jsonrpc": "2.0", **message}).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process, all its threads (``/proc/PID/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_mb(pid: int) -> float:
    """Resident memory of a process (``VmRSS``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


class Client:
    """A raw JSON-RPC client of one server process.

    ``published`` holds the version of each URI's latest ``publishDiagnostics`` (``wait`` on
    it); ``expect(uri, version)`` is a future of (arrival time, number of diagnostics) of that
    version's publish.
    """

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.versions: dict[str, int] = {}
        self.published: dict[str, int | None] = {}
        self.waiters: dict[tuple[str, int | None], asyncio.Future] = {}
        self.responses: dict[object, asyncio.Future] = {}
        self.arrived = asyncio.Event()
        self.reader = asyncio.ensure_future(self._read())

    def send(self, **message: Any) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(frame(message))

    async def drain(self) -> None:
        assert self.process.stdin is not None
        await self.process.stdin.drain()

    async def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        while True:
            length = 0
            while (line := await stdout.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line:
                return
            body = await stdout.readexactly(length)
            now = time.perf_counter()
            message = json.loads(body)
            if message.get("method") == "textDocument/publishDiagnostics":
                params = message["params"]
                version = params.get("version")
                self.published[params["uri"]] = version
                future = self.waiters.pop((params["uri"], version), None)
                if future is not None and not future.done():
                    future.set_result((now, len(params["diagnostics"])))
            elif "id" in message and "method" in message:
                self.send(id=message["id"], result=None)  # registrations, configuration
            elif "id" in message and message["id"] in self.responses:
                self.responses.pop(message["id"]).set_result(message)
            self.arrived.set()

    def expect(self, uri: str, version: int | None) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        self.waiters[(uri, version)] = future
        return future

    async def wait(self, predicate: Callable[[], bool], timeout: float = 120.0) -> None:
        """Until ``predicate()`` holds, re-checked on every message that arrives."""

        async def loop() -> None:
            while not predicate():
                self.arrived.clear()
                await self.arrived.wait()

        await asyncio.wait_for(loop(), timeout)

    async def request(self, msg_id: object, method: str, params: object, timeout: float = 120.0) -> dict:
        future = asyncio.get_running_loop().create_future()
        self.responses[msg_id] = future
        self.send(id=msg_id, method=method, params=params)
        return await asyncio.wait_for(future, timeout)

    # ------------------------------------------------------------------ documents

    def did_open(self, uri: str, text: str, language_id: str) -> None:
        self.versions[uri] = 1
        self.send(
            method="textDocument/didOpen",
            params={"textDocument": {"uri": uri, "languageId": language_id, "version": 1, "text": text}},
        )

    def did_change(self, uri: str, range_: dict | None, text: str) -> int:
        """One incremental change (``range_`` an LSP range; None replaces the text); the new version."""
        version = self.versions[uri] = self.versions[uri] + 1
        change: dict[str, Any] = {"text": text} if range_ is None else {"range": range_, "text": text}
        self.send(
            method="textDocument/didChange",
            params={"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
        )
        return version

    def did_close(self, uri: str) -> None:
        self.versions.pop(uri, None)
        self.published.pop(uri, None)
        self.send(method="textDocument/didClose", params={"textDocument": {"uri": uri}})

    async def open(self, uri: str, text: str, language_id: str, timeout: float = 120.0) -> tuple[float, int]:
        """Open a document; (seconds until its first diagnostics, how many)."""
        future = self.expect(uri, 1)
        started = time.perf_counter()
        self.did_open(uri, text, language_id)
        arrived, count = await asyncio.wait_for(future, timeout)
        return arrived - started, count


def lsp_range(start: tuple[int, int], end: tuple[int, int]) -> dict:
    return {
        "start": {"line": start[0], "character": start[1]},
        "end": {"line": end[0], "character": end[1]},
    }


def initialize_params(root: Path, capabilities: Mapping[str, Any] | None = None) -> dict:
    return {
        "processId": os.getpid(),
        "rootUri": root.as_uri(),
        "capabilities": dict(capabilities or {}),
        "initializationOptions": OFFLINE,
    }


def every_client_capability() -> dict:
    """A ``ClientCapabilities`` that declares every capability lsprotocol defines (each flag true,
    each list empty), as a full editor's client (VS Code's declares most of them) sends: the
    server structures all of it before it can answer ``initialize``. Except pull diagnostics: a
    client that pulls them is sent no ``publishDiagnostics``, which the benchmarks wait for."""
    import collections.abc
    import typing

    import attrs
    from lsprotocol import converters, types

    def value(annotation: Any, depth: int) -> Any:
        if typing.get_origin(annotation) is typing.Union:
            choices = [a for a in typing.get_args(annotation) if a is not type(None)]
            classes = [a for a in choices if isinstance(a, type) and attrs.has(a)]
            return value(classes[0] if classes else choices[0], depth)
        if typing.get_origin(annotation) in (list, collections.abc.Sequence):
            return []
        if isinstance(annotation, type) and attrs.has(annotation):
            return build(annotation, depth + 1) if depth < 8 else None
        return {bool: True, str: "", int: 0}.get(annotation)

    def build(cls: type, depth: int = 0) -> Any:
        fields = {f.name: value(f.type, depth) for f in attrs.fields(cls)}
        return cls(**{name: v for name, v in fields.items() if v is not None})

    capabilities = converters.get_converter().unstructure(build(types.ClientCapabilities))
    del capabilities["textDocument"]["diagnostic"], capabilities["workspace"]["diagnostics"]
    return capabilities


async def spawn_server(env: Mapping[str, str] | None = None) -> tuple[asyncio.subprocess.Process, Client]:
    """``python -m landguard.lsp`` on stdio (``env``: the server's environment, e.g. its PYTHONPATH)."""
    process = await asyncio.create_subprocess_exec(
        *SERVER,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env=dict(env) if env is not None else None,
    )
    return process, Client(process)


async def start_server(
    root: Path, capabilities: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
) -> tuple[asyncio.subprocess.Process, Client]:
    """A server past ``initialize`` / ``initialized``, with online lookups off."""
    process, client = await spawn_server(env)
    await client.request(0, "initialize", initialize_params(root, capabilities))
    client.send(method="initialized", params={})
    return process, client


async def stop_server(process: asyncio.subprocess.Process, client: Client) -> None:
    try:
        await client.request("bye", "shutdown", None, timeout=30)
        client.send(method="exit")
        await asyncio.wait_for(process.wait(), 30)
    except (asyncio.TimeoutError, ConnectionError):
        process.kill()
        await process.wait()
