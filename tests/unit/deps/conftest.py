"""Fixtures for the dependency tests: a temporary cache folder and a fake registry on 127.0.0.1."""

from __future__ import annotations

import threading

import pytest

from fake_registry import (
    NPM_EXISTING,
    NPM_HOLDING,
    OSV_RECORDS,
    OSV_VULNS,
    PYPI_EXISTING,
    FakeRegistry,
    running_registry,
)
from landguard.engine.config import Config, DependencySettings

__all__ = ["NPM_EXISTING", "NPM_HOLDING", "OSV_RECORDS", "OSV_VULNS", "PYPI_EXISTING", "FakeRegistry"]


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("LANDGUARD_CACHE_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def lookups_open(monkeypatch):
    """Each test starts with lookups allowed: a scheduler shut down by an earlier test refused them."""
    from landguard.checks.deps import online

    monkeypatch.setattr(online, "_closing", threading.Event())


@pytest.fixture
def registry():
    """A running fake registry; yields (handler class, base URL). Set ``handler.mode`` to break it."""
    with running_registry() as running:
        yield running


def online_config(base_url: str, timeout: float = 1.0) -> Config:
    return Config(
        dependencies=DependencySettings(
            online=True,
            pypi_url=f"{base_url}/pypi",
            npm_url=f"{base_url}/npm",
            osv_url=f"{base_url}/osv",
            timeout=timeout,
        )
    )
