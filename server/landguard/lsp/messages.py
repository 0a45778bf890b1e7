"""Incoming JSON-RPC messages: decoded one by one, and every request answered.

pygls 2 decodes a message inside ``json.loads`` (``structure_message`` is the object hook), so
when a request's params do not fit their type (``hover`` with ``line: "a"``, ``params: null``,
``codeAction`` with ``range: "all"``) the decoding raises before the request id is known, the
read loop logs "Unable to deserialize message", and the client waits forever for an answer. It
also drops, silently, every request that arrives after ``shutdown``, and a request for a known
LSP method that this server does not implement is decoded (and can fail) before anyone checks
that a handler exists.

``AnsweringProtocol.receive`` takes the plain JSON value of one frame instead and answers:

- ``InvalidRequest`` for what is not a request (no ``jsonrpc: "2.0"``, a method that is not a
  string, an id that is neither a number nor a string) and for any request after ``shutdown``;
- ``MethodNotFound`` for a method nobody handles (checked before the params are looked at), or
  one that exists only as a notification;
- ``InvalidParams`` when the params cannot be decoded into the method's type.

Notifications cannot be answered; one that does not decode is logged (its method only: params
carry document text, which may hold secrets) and dropped, and the server keeps serving.

pygls also files the future of every notification handled by a generator (``didOpen``,
``didChange``, ``didClose``: ours) under a fresh id and never removes it: each held its params,
so every text ever opened or typed stayed in memory after its document was closed.
``_execute_handler`` here forgets a future once it is done.
"""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol.types import ResponseErrorMessage
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcMethodNotFound,
)
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import JsonRPCNotification, JsonRPCRequestMessage, JsonRPCResponseMessage

log = logging.getLogger("landguard.lsp.messages")

EXIT = "exit"


class AnsweringProtocol(LanguageServerProtocol):
    """pygls' protocol, fed decoded JSON by ``landguard.lsp.framing`` and answering every request."""

    def _execute_handler(self, msg_id, handler, callback, args=None, kwargs=None) -> None:  # type: ignore[no-untyped-def]
        def forget_then(future: Any) -> None:
            # A cancelled one is left alone: pygls cancels them while iterating over them at shutdown.
            if not future.cancelled() and self._request_futures.get(msg_id) is future:
                del self._request_futures[msg_id]
            callback(future)

        super()._execute_handler(msg_id, handler, forget_then, args, kwargs)

    def receive(self, data: Any) -> None:
        """Handle the JSON value of one frame."""
        if not isinstance(data, dict):
            log.warning("dropped a message that is not a JSON object (%s)", type(data).__name__)
            return
        if "method" in data and "id" in data:
            self._receive_request(data)
        elif "method" in data:
            self._receive_notification(data)
        elif "id" in data:
            self._receive_response(data)
        else:
            log.warning("dropped a JSON-RPC message with neither a method nor an id")

    # ------------------------------------------------------------------ requests

    def _receive_request(self, data: dict[str, Any]) -> None:
        msg_id, method = data["id"], data["method"]
        if isinstance(msg_id, bool) or not isinstance(msg_id, (int, str)):
            # JSON-RPC: when the id cannot be used, the error goes to id null.
            self._answer(None, JsonRpcInvalidRequest("request id must be a number or a string"))
            return
        if data.get("jsonrpc") != self.VERSION:
            self._answer(msg_id, JsonRpcInvalidRequest('"jsonrpc" must be "2.0"'))
            return
        if not isinstance(method, str):
            self._answer(msg_id, JsonRpcInvalidRequest("method must be a string"))
            return
        if self._shutdown:
            self._answer(msg_id, JsonRpcInvalidRequest(f"{method}: the server is shutting down"))
            return
        if not self._handles(method):
            self._answer(msg_id, JsonRpcMethodNotFound.of(method))
            return
        if self._is_notification(method):
            # ``textDocument/didOpen`` sent with an id: its handler would never answer.
            self._answer(msg_id, JsonRpcMethodNotFound(f"{method} is a notification, not a request"))
            return
        try:
            message = self._decode(data)
        except Exception:
            log.warning("request %r (%s): params do not match the method's type", msg_id, method)
            self._answer(msg_id, JsonRpcInvalidParams(f"{method}: params do not match the method's type"))
            return
        self.handle_message(message)

    def _decode(self, data: dict[str, Any]) -> Any:
        """The typed message (pygls' ``structure_message`` minus its traceback log, which quotes values)."""
        if "method" in data:
            fallback = JsonRPCRequestMessage if "id" in data else JsonRPCNotification
            message_type = self.get_message_type(data["method"]) or fallback
        elif "error" in data:
            message_type = ResponseErrorMessage
        else:
            message_type = self._result_types.pop(data["id"], None) or JsonRPCResponseMessage
        return self._converter.structure(data, message_type)

    def _is_notification(self, method: str) -> bool:
        """Whether LSP defines ``method`` as a notification (its message type has no id)."""
        fields = getattr(self.get_message_type(method), "__attrs_attrs__", None)
        return fields is not None and not any(field.name == "id" for field in fields)

    def _handles(self, method: str) -> bool:
        return method in self.fm.builtin_features or method in self.fm.features

    def _answer(self, msg_id: int | str | None, error: JsonRpcException) -> None:
        self._send_response(msg_id, None, error.to_response_error())  # type: ignore[arg-type]

    # ------------------------------------------------------------------ notifications and responses

    def _receive_notification(self, data: dict[str, Any]) -> None:
        method = data.get("method")
        if data.get("jsonrpc") != self.VERSION or not isinstance(method, str):
            log.warning("dropped a notification that is not JSON-RPC 2.0")
            return
        if self._shutdown and method != EXIT:
            log.info("dropped %s after shutdown", method)
            return
        try:
            message = self._decode(data)
        except Exception:
            log.warning("dropped %s: params do not match the method's type", method)
            return
        self.handle_message(message)

    def _receive_response(self, data: dict[str, Any]) -> None:
        if data.get("jsonrpc") != self.VERSION:
            log.warning("dropped a response that is not JSON-RPC 2.0")
            return
        try:
            message = self._decode(data)
        except Exception:
            log.warning("a response to %r does not match its type", data.get("id"))
            # Whoever waits for it (``workspace/configuration``) gets an error, not a hang.
            future = self._request_futures.pop(data.get("id"), None)  # type: ignore[arg-type]
            if future is not None and not future.done():
                future.set_exception(JsonRpcInvalidParams("the response does not match its type"))
            return
        self.handle_message(message)
