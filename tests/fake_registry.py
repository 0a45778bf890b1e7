"""A fake package registry on 127.0.0.1 speaking the PyPI JSON API, npm registry and OSV shapes.

Shared by the dependency unit tests and the CLI/LSP end-to-end tests: no test touches the
live internet.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PYPI_EXISTING = {"requests", "fastapis", "brand-new-package", "flask"}
NPM_EXISTING = {"express", "expresss", "@babel/core", "brand-new-js-package", "fs"}
NPM_HOLDING = {"fs"}
OSV_VULNS = {
    ("PyPI", "requests", "2.19.0"): ["GHSA-x84v-xcm2-53pg"],
    ("npm", "lodash", "4.17.20"): ["GHSA-35jh-r3h4-6jhm"],
}
OSV_RECORDS = {
    "GHSA-x84v-xcm2-53pg": {
        "id": "GHSA-x84v-xcm2-53pg",
        "aliases": ["CVE-2018-18074"],
        "summary": "Insufficiently Protected Credentials in Requests",
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": "requests"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.20.0"}]}],
            }
        ],
    },
    "GHSA-35jh-r3h4-6jhm": {
        "id": "GHSA-35jh-r3h4-6jhm",
        "aliases": ["CVE-2021-23337"],
        "summary": "Command Injection in lodash",
        "affected": [
            {
                "package": {"ecosystem": "npm", "name": "lodash"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]}],
            }
        ],
    },
}


class FakeRegistry(BaseHTTPRequestHandler):
    """Speaks the shapes of PyPI's JSON API, the npm registry and OSV; ``mode`` breaks it on purpose."""

    # ok | slow | error | malformed | drip (headers and body a byte at a time) | redirect (to ``redirect_to``)
    mode = "ok"
    delay = 2.0
    requests: list[str] = []
    redirect_to = ""  # for mode "redirect": a URL; "{path}" is replaced by the request's path

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: object | str) -> None:
        payload = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _drip(self) -> None:
        """A valid answer, a byte every 0.1 s: each read succeeds, the whole never arrives in time."""
        payload = (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n" + b" " * 40
        )
        try:
            for byte in payload:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass  # the client gave up: that is the point

    def _broken(self) -> bool:
        type(self).requests.append(self.path)
        if self.mode == "drip":
            self._drip()
            return True
        if self.mode == "redirect" and not self.path.startswith("/landed/"):
            self.send_response(302)
            self.send_header("Location", self.redirect_to.replace("{path}", self.path))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return True
        if self.path.startswith("/landed/"):
            self.path = self.path[len("/landed") :]
        if self.mode == "slow":
            time.sleep(self.delay)
        if self.mode == "error":
            self._send(503, {"message": "unavailable"})
            return True
        if self.mode == "malformed":
            self._send(200, "{this is not json")
            return True
        return False

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self._broken():
            return
        path = urllib.parse.unquote(self.path)
        if path.startswith("/pypi/") and path.endswith("/json"):
            name = path[len("/pypi/") : -len("/json")]
            if name.lower() in PYPI_EXISTING:
                self._send(200, {"info": {"name": name, "version": "1.0"}})
            else:
                self._send(404, {"message": "Not Found"})
        elif path.startswith("/npm/"):
            name = path[len("/npm/") :]
            if name in NPM_EXISTING:
                latest = "0.0.1-security" if name in NPM_HOLDING else "1.0.0"
                self._send(200, {"name": name, "dist-tags": {"latest": latest}})
            else:
                self._send(404, {"error": "Not found"})
        elif path.startswith("/osv/v1/vulns/"):
            record = OSV_RECORDS.get(path.rsplit("/", 1)[1])
            self._send(200 if record else 404, record or {"message": "not found"})
        else:
            self._send(404, {})

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        if self._broken():
            return
        if self.path == "/osv/v1/querybatch":
            results = []
            for query in body.get("queries", []):
                key = (query["package"]["ecosystem"], query["package"]["name"], query["version"])
                ids = OSV_VULNS.get(key, [])
                results.append(
                    {"vulns": [{"id": i, "modified": "2024-01-01T00:00:00Z"} for i in ids]} if ids else {}
                )
            self._send(200, {"results": results})
        else:
            self._send(404, {})


@contextlib.contextmanager
def running_registry() -> Iterator[tuple[type[FakeRegistry], str]]:
    """A running fake registry: (handler class, base URL). Set ``handler.mode`` to break it."""
    handler = type("Registry", (FakeRegistry,), {"mode": "ok", "requests": [], "redirect_to": ""})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield handler, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
