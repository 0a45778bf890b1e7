"""End to end: online dependency checks after the offline results, against a local registry.

A local HTTP server plays PyPI and OSV (tests never touch the internet): every package is
unknown (404) and no advisory matches.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from lsprotocol import types


class FakeRegistry(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):
        self.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        self.requests.append(self.path)
        out = json.dumps({"results": [{} for _ in body.get("queries", [])]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


@pytest.fixture
def registry():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeRegistry)
    FakeRegistry.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def online_settings(base: str) -> dict:
    return {
        "dependencies": {"online": True, "pypiUrl": f"{base}/pypi", "npmUrl": f"{base}/npm", "osvUrl": base}
    }


def lg5(diagnostics):
    return [d for d in diagnostics if str(d.code).startswith("LG5")]


async def test_online_results_replace_offline_ones_without_duplicates(session, registry):
    await session.initialize(online_settings(registry))
    name = f"landguard-missing-{uuid.uuid4().hex[:8]}"
    uri = session.open("requirements.txt", f"requests==2.31.0\n{name}==1.0\n", language_id="pip-requirements")
    offline = await session.diagnostics(uri, version=1, where=lambda ds: lg5(ds))
    assert [d.range.start.line for d in lg5(offline)] == [1]
    # The same version is published again once the registry answered: one finding, now from PyPI.
    online = await session.diagnostics(
        uri, version=1, where=lambda ds: any("(PyPI)" in d.message for d in lg5(ds))
    )
    [finding] = lg5(online)
    assert finding.range.start.line == 1
    assert f"/pypi/{name}/json" in FakeRegistry.requests
    # Editing elsewhere keeps the online verdict (it is not clobbered by the local results).
    version = session.edit(uri, (0, 0), (0, 0), "# deps\n")
    after = await session.diagnostics(uri, version=version, where=lambda ds: lg5(ds))
    assert any(d.range.start.line == 2 for d in lg5(after))


async def test_unreachable_registry_shows_a_notice_once(session):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    await session.initialize(online_settings(f"http://127.0.0.1:{closed_port}"))
    first = session.open("requirements.txt", f"landguard-missing-{uuid.uuid4().hex[:8]}==1.0\n")
    [notice] = await session.messages(lambda m: "unreachable" in m.message)
    assert notice.type == types.MessageType.Info
    assert lg5(await session.diagnostics(first, version=1))  # offline results stay
    other = session.open("other/requirements.txt", f"landguard-missing-{uuid.uuid4().hex[:8]}==1.0\n")
    await session.diagnostics(other, version=1, where=lambda ds: lg5(ds))
    await asyncio.sleep(1.5)
    assert len([m for m in session.client.messages if "unreachable" in m.message]) == 1
