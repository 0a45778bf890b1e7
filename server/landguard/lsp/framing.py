"""LSP base protocol framing: ``Content-Length`` headers, then a JSON body.

pygls' read loop matches exactly ``Content-Length: N\\r\\n``, so a client that writes the header
in lower case (header names are case-insensitive), ends header lines with a bare LF, or sends
one frame whose length is wrong leaves the server alive but deaf for good: it never finds a
header again. ``FrameDecoder`` accepts header names in any case and LF or CRLF line ends, and
resynchronises after a bad frame:

- a length too long: a body never contains a header followed by a real line break (JSON
  escapes line breaks inside strings), so one inside the claimed body is where the next frame
  starts; the body is cut there. A body that already is a whole JSON object is not waited on
  either (a client waiting for an answer sends nothing more);
- a length too short: the rest of the body is read as header lines, and the next
  ``Content-Length`` is found anywhere in a line, after that junk.

``serve_stdio`` and ``serve_tcp`` run the server's protocol (``messages.AnsweringProtocol``)
over a decoder; bodies that are not JSON are logged by size only (they may hold secrets).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import sys
import threading
from collections.abc import Awaitable, Callable
from typing import Any, BinaryIO

log = logging.getLogger("landguard.lsp.framing")

_LENGTH = re.compile(rb"content-length[ \t]*:[ \t]*(\d+)", re.IGNORECASE)
# The start of a header block: what cannot appear inside a JSON body.
_NEXT_HEADER = re.compile(rb"content-length[ \t]*:[ \t]*\d+[ \t]*\r?\n", re.IGNORECASE)
# Header lines are short; a "line" longer than this without a line break is junk.
MAX_HEADER_LINE = 64 * 1024
CHUNK = 64 * 1024


class FrameDecoder:
    """Bytes in, message bodies out; tolerant of broken framing (see the module docstring)."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._length: int | None = None  # from the headers read so far
        self._in_body = False
        self._searched = 0  # how much of the pending body was searched for a header already
        self.resynchronised = 0  # frames whose length was wrong (for logs and tests)

    def feed(self, data: bytes) -> list[bytes]:
        self._buffer += data
        bodies: list[bytes] = []
        while True:
            body = self._next_body() if self._in_body else self._read_header_line()
            if body is None:
                return bodies
            if body is not _NO_BODY:
                bodies.append(body)

    def _read_header_line(self) -> bytes | object | None:
        buffer = self._buffer
        newline = buffer.find(b"\n")
        if newline < 0:
            if len(buffer) > MAX_HEADER_LINE:
                # Junk without line breaks: keep only a tail that may hold the start of a header.
                del buffer[:-64]
            return None
        line = bytes(buffer[: newline + 1])
        del buffer[: newline + 1]
        if line.strip():
            match = _LENGTH.search(line)
            if match is not None:
                if match.start() > 0 or self._length is not None:
                    self.resynchronised += 1
                self._length = int(match.group(1))
        elif self._length is not None:
            self._in_body = True
            self._searched = 0
        return _NO_BODY

    def _next_body(self) -> bytes | object | None:
        buffer, length = self._buffer, self._length or 0
        window = min(len(buffer), length)
        cut = _NEXT_HEADER.search(buffer, max(0, self._searched - 64), window + 64)
        if cut is not None and cut.start() < window:
            self.resynchronised += 1
            return self._take(cut.start())
        self._searched = window
        if len(buffer) >= length:
            return self._take(length)
        if buffer[-16:].rstrip().endswith(b"}") and _is_json_object(buffer):
            self.resynchronised += 1
            return self._take(len(buffer))
        return None

    def _take(self, size: int) -> bytes:
        body = bytes(self._buffer[:size])
        del self._buffer[:size]
        self._in_body, self._length, self._searched = False, None, 0
        return body


_NO_BODY = object()


def _is_json_object(data: bytearray) -> bool:
    try:
        return isinstance(json.loads(data), dict)
    except ValueError:
        return False


def decode_body(body: bytes) -> Any:
    """The JSON value of a body, or None (logged by size only) when it is not JSON."""
    try:
        return json.loads(body)
    except ValueError:
        log.warning("dropped a frame of %d bytes that is not JSON", len(body))
        return None


async def pump(
    read_chunk: Callable[[], Awaitable[bytes]],
    receive: Callable[[Any], None],
    stop_event: threading.Event,
) -> None:
    """Read chunks until EOF (or ``stop_event``) and hand each decoded message to ``receive``."""
    decoder = FrameDecoder()
    resynchronised = 0
    while not stop_event.is_set():
        chunk = await read_chunk()
        if not chunk:
            break
        for body in decoder.feed(chunk):
            if decoder.resynchronised != resynchronised:
                resynchronised = decoder.resynchronised
                log.warning("a frame had a wrong Content-Length; resynchronised on the next header")
            message = decode_body(body)
            if message is None:
                continue
            try:
                receive(message)
            except Exception:
                # A handler bug must not stop the read loop; the trace names no message content.
                log.exception("failed to handle a message")
            # Let what the message scheduled run before the next one, as when each is read apart.
            await asyncio.sleep(0)


def _stdin_reader(stdin: BinaryIO) -> Callable[[], Awaitable[bytes]]:
    """Chunks of stdin, read on a daemon thread: a read blocked in the kernel must never keep the
    process alive after ``exit`` (an executor's worker threads are joined at interpreter exit)."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    # The file descriptor, not the buffered file: a daemon thread blocked inside a buffered read
    # holds its lock, and the interpreter aborts when it finds that lock taken at exit.
    try:
        fd = stdin.fileno()
        read: Callable[[], bytes] = lambda: os.read(fd, CHUNK)  # noqa: E731
    except (AttributeError, OSError, ValueError):
        read = lambda: stdin.read1(CHUNK) if hasattr(stdin, "read1") else stdin.read(CHUNK)  # noqa: E731

    def read_forever() -> None:
        while True:
            try:
                chunk = read()
            except (OSError, ValueError):
                chunk = b""
            loop.call_soon_threadsafe(queue.put_nowait, chunk)
            if not chunk:
                return

    threading.Thread(target=read_forever, name="landguard-stdin", daemon=True).start()
    return queue.get


class StdoutWriter:
    def __init__(self, stdout: BinaryIO) -> None:
        self._stdout = stdout
        self._closed = False

    def close(self) -> None:
        self._closed = True
        self._stdout.close()

    def write(self, data: bytes) -> None:
        # After ``exit`` closed stdout, a log record still queued must not fail: pygls reports a
        # failed send with a message, whose send fails, and so on, and the process never exits.
        if self._closed:
            return
        self._stdout.write(data)
        self._stdout.flush()


def serve_stdio(server: Any, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
    """Run ``server`` (a pygls server with an ``AnsweringProtocol``) on stdio until exit or EOF."""
    server._stop_event = stop_event = threading.Event()  # noqa: SLF001 - pygls' own shutdown() sets it
    server.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))

    async def main() -> None:
        await pump(_stdin_reader(stdin or sys.stdin.buffer), server.protocol.receive, stop_event)

    try:
        asyncio.run(main())
    except BrokenPipeError:
        log.error("the connection to the client is lost; shutting down")
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown()


def serve_tcp(server: Any, host: str, port: int) -> None:
    """Run ``server`` on TCP: one client connection at a time, like pygls' ``start_tcp``."""
    server._stop_event = stop_event = threading.Event()  # noqa: SLF001 - pygls' own shutdown() sets it

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        server.protocol.set_writer(writer)
        await pump(lambda: reader.read(CHUNK), server.protocol.receive, stop_event)
        server.shutdown()

    async def main() -> None:
        server._server = await asyncio.start_server(connection, host, port)  # noqa: SLF001 - closed by shutdown()
        async with server._server:  # noqa: SLF001
            await server._server.serve_forever()  # noqa: SLF001

    try:
        asyncio.run(main())
    except (asyncio.CancelledError, KeyboardInterrupt, SystemExit):
        pass
