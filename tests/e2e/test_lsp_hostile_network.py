"""End to end: a slow or dripping registry must not delay shutdown, and late answers must not land."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from lsprotocol import types

from fake_registry import running_registry


def manifest() -> str:
    """A name nobody has asked about yet: the servers share a registry-answer cache."""
    return f"requests==2.31.0\nlandguard-unknown-{uuid.uuid4().hex[:10]}==1.0\n"


@pytest.fixture
def registry():
    with running_registry() as running:
        yield running


def online_settings(base: str, timeout: float) -> dict:
    return {
        "dependencies": {
            "online": True,
            "pypiUrl": f"{base}/pypi",
            "npmUrl": f"{base}/npm",
            "osvUrl": f"{base}/osv",
            "timeout": timeout,
        }
    }


def online_sourced(session, uri) -> list:
    return [
        d
        for p in session.published(uri)
        for d in p.diagnostics
        if "(PyPI)" in d.message or "(OSV)" in d.message
    ]


async def test_a_verdict_arriving_after_online_was_turned_off_is_dropped(session, registry):
    handler, url = registry
    handler.mode, handler.delay = "slow", 1.0
    await session.initialize(online_settings(url, 5.0))
    uri = session.open("requirements.txt", manifest(), language_id="pip-requirements")
    await session.diagnostics(uri, version=1)
    await session.wait_for(lambda: handler.requests, what="the lookup to start")
    session.client.set_configuration({"dependencies": {"online": False}}, section="landguard")
    session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await asyncio.sleep(4.0)  # the slow answers (1 s each, two rounds) have arrived by now
    assert online_sourced(session, uri) == []


async def test_shutdown_is_not_held_by_a_dripping_registry(session, registry):
    handler, url = registry
    handler.mode = "drip"
    await session.initialize(online_settings(url, 20.0))
    uri = session.open("requirements.txt", manifest(), language_id="pip-requirements")
    await session.diagnostics(uri, version=1)
    await session.wait_for(lambda: handler.requests, what="the lookup to start")
    started = time.monotonic()
    await session.client.shutdown_session()
    elapsed = time.monotonic() - started
    session.client.capabilities = None  # already shut down: the fixture's teardown has nothing left to do
    assert elapsed < 5.0, f"exit took {elapsed:.1f} s"
