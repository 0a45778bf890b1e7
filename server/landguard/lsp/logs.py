"""Logging for the server: stderr and ``window/logMessage``, never source text.

pygls logs whole message bodies at info level (document text included) and request params
when a handler fails, so its loggers are kept at WARNING and a filter replaces structured
arguments (LSP params objects, which can hold document text) by their type name. Only our
own ``landguard`` records are forwarded to the editor.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import threading
from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

_LSP_LEVELS = {
    logging.ERROR: types.MessageType.Error,
    logging.WARNING: types.MessageType.Warning,
    logging.INFO: types.MessageType.Info,
}
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactParams(logging.Filter):
    """Replace non-primitive log arguments of third-party records by their type name."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("landguard"):
            return True
        args = record.args
        if isinstance(args, tuple):
            record.args = tuple(_safe(a) for a in args)
        elif isinstance(args, dict):
            record.args = {k: _safe(v) for k, v in args.items()}
        return True


def _safe(value: object) -> object:
    if value is None or isinstance(value, (int, float, bool)):
        return value
    if isinstance(value, str):
        # Method names and ids are short; anything long may be a message body.
        return value if len(value) <= 120 else f"<{len(value)} characters>"
    return f"<{type(value).__name__}>"


class LspLogHandler(logging.Handler):
    """Forwards ``landguard`` records to the editor as ``window/logMessage``, from any thread."""

    def __init__(self, server: LanguageServer) -> None:
        super().__init__(level=logging.INFO)
        self.server = server
        self.loop: asyncio.AbstractEventLoop | None = None
        self._busy = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        loop = self.loop
        if loop is None or loop.is_closed() or not record.name.startswith("landguard"):
            return
        if getattr(self._busy, "active", False):
            return  # a failure while sending must not log-and-send forever
        try:
            params = types.LogMessageParams(
                type=_LSP_LEVELS.get(record.levelno, types.MessageType.Log),
                message=self.format(record),
            )
        except Exception:
            return
        loop.call_soon_threadsafe(self._send, params)

    def _send(self, params: types.LogMessageParams) -> None:
        self._busy.active = True
        try:
            # If the client went away, stderr still has the record.
            with contextlib.suppress(Exception):
                self.server.window_log_message(params)
        finally:
            self._busy.active = False


def setup_logging(server: LanguageServer) -> LspLogHandler:
    """Configure logging once for the server process; returns the LSP handler (its loop is set later)."""
    redact = RedactParams()
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setFormatter(logging.Formatter(_FORMAT))
    stderr.addFilter(redact)
    lsp_handler = LspLogHandler(server)
    lsp_handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(stderr)
    root.addHandler(lsp_handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("landguard").setLevel(logging.INFO)
    for name in ("pygls", "asyncio"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return lsp_handler
