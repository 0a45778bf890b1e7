"""A bad network or a hostile registry: total deadlines, redirects kept in the registry's origin, abort."""

from __future__ import annotations

import threading
import time

from conftest import online_config

from fake_registry import running_registry
from landguard.checks.deps import online
from landguard.checks.deps.online import online_findings

REQUIREMENTS = "requests==2.19.0\nreqeusts==2.31.0\nbrand-new-package\nfastapis\n"


def test_a_server_that_drips_bytes_cannot_hold_a_run(registry):
    handler, url = registry
    handler.mode = "drip"  # 80 bytes, one every 0.1 s: every read succeeds, the answer takes 8 s
    started = time.monotonic()
    result = online_findings(REQUIREMENTS, "requirements.txt", online_config(url, timeout=0.5))
    elapsed = time.monotonic() - started
    assert elapsed < 0.5 * online.RUN_DEADLINE_FACTOR + 1.0, elapsed
    assert result.notice is not None and result.findings == []


def test_a_run_has_a_total_deadline(registry):
    handler, url = registry
    handler.mode, handler.delay = "slow", 0.45  # each answer in time, but 120 of them are not
    text = "".join(f"brand-new-package-{n}\n" for n in range(120))
    started = time.monotonic()
    online_findings(text, "requirements.txt", online_config(url, timeout=0.5))
    # Without the run deadline the answers take 120 x 0.45 s over 6 threads (9 s or more); the
    # margin over the deadline is for winding down on a loaded machine (1 s was seen to flake).
    assert time.monotonic() - started < 0.5 * online.RUN_DEADLINE_FACTOR + 2.5


def test_redirects_to_another_origin_are_not_followed(registry):
    handler, url = registry
    with running_registry() as (elsewhere, other_url):
        for target in (f"{other_url}/landed{{path}}", "ftp://127.0.0.1/landed{path}", "file:///etc/passwd"):
            handler.mode, handler.redirect_to = "redirect", target
            result = online_findings(REQUIREMENTS, "requirements.txt", online_config(url))
            assert result.notice is not None and result.findings == [], target
        assert elsewhere.requests == []


def test_redirects_within_the_origin_are_followed(registry, tmp_path, monkeypatch):
    handler, url = registry
    expected = online_findings(REQUIREMENTS, "requirements.txt", online_config(url)).findings
    monkeypatch.setenv("LANDGUARD_CACHE_DIR", str(tmp_path / "second-cache"))  # ask again, not the cache
    handler.mode, handler.redirect_to = "redirect", f"{url}/landed{{path}}"
    result = online_findings(REQUIREMENTS, "requirements.txt", online_config(url))
    assert result.notice is None and result.findings == expected and expected
    assert any(path.startswith("/landed/") for path in handler.requests)


def test_abort_all_ends_lookups_in_flight(registry):
    handler, url = registry
    handler.mode = "drip"
    done = threading.Event()

    def run() -> None:
        online_findings(REQUIREMENTS, "requirements.txt", online_config(url, timeout=30.0))
        done.set()

    threading.Thread(target=run, daemon=True).start()
    time.sleep(0.5)
    started = time.monotonic()
    online.abort_all()
    assert done.wait(3.0) and time.monotonic() - started < 3.0
    # ... and no new lookups start while shutting down.
    handler.mode = "ok"
    count = len(handler.requests)
    result = online_findings(REQUIREMENTS, "requirements.txt", online_config(url))
    assert result.findings == [] and len(handler.requests) == count


def test_a_new_scheduler_lifts_an_earlier_shutdown(registry):
    """A scheduler's shutdown refuses lookups until another scheduler serves in the same process."""
    from landguard.lsp.scheduler import Scheduler

    handler, url = registry
    first = Scheduler(server=None, debounce=0)  # type: ignore[arg-type]
    first.shutdown()
    refused = online_findings(REQUIREMENTS, "requirements.txt", online_config(url))
    assert refused.findings == [] and handler.requests == []
    second = Scheduler(server=None, debounce=0)  # type: ignore[arg-type]
    try:
        served = online_findings(REQUIREMENTS, "requirements.txt", online_config(url))
        assert served.notice is None and served.findings and handler.requests
    finally:
        second.shutdown()
