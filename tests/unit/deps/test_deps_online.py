"""online_findings against a fake registry on 127.0.0.1: found, missing, timeouts, 5xx, bad JSON, refused."""

from __future__ import annotations

import logging
import socket
import time

from conftest import online_config

from landguard.checks.deps.online import NOTICE, online_findings
from landguard.engine.config import Config, DependencySettings
from landguard_testing import apply_fix, findings_for

REQUIREMENTS = """requests==2.19.0
reqeusts==2.31.0
brand-new-package
fastapis
"""
PACKAGE_JSON = """{
  "dependencies": {
    "express": "^4.18.0",
    "expresss": "1.0.0",
    "brand-new-js-package": "^1.0.0",
    "lodash": "4.17.20",
    "@babel/core": "^7.0.0",
    "@bable/core": "^7.0.0",
    "fs": "^0.0.1"
  }
}
"""


def by_rule(findings):
    return sorted((f.rule_id, f.span.start_line, dict(f.properties).get("source")) for f in findings)


def test_pypi_answers_and_osv(registry):
    handler, url = registry
    result = online_findings(REQUIREMENTS, "requirements.txt", online_config(url))
    assert result.notice is None
    assert by_rule(result.findings) == [
        ("LG501", 1, "PyPI"),  # reqeusts: 404
        ("LG502", 3, "PyPI"),  # fastapis: exists, looks like fastapi
        ("LG503", 0, "OSV"),  # requests 2.19.0
    ]
    vulnerable = next(f for f in result.findings if f.rule_id == "LG503")
    assert "GHSA-x84v-xcm2-53pg" in vulnerable.message and "CVE-2018-18074" in vulnerable.message
    assert "2.20.0" in vulnerable.message
    fixed = apply_fix(REQUIREMENTS, vulnerable.fixes[0])
    assert fixed.splitlines()[0] == "requests==2.20.0"
    # brand-new-package: absent from the snapshot but on the registry: the offline finding is retracted.
    retracted = {(f.rule_id, f.span.start_line) for f in result.retracted}
    assert ("LG501", 2) in retracted
    offline = {(f.rule_id, f.span.start_line) for f in findings_for(REQUIREMENTS, "requirements.txt")}
    assert ("LG501", 2) in offline
    missing = next(f for f in result.findings if f.rule_id == "LG501")
    assert "requests" in missing.message and apply_fix(REQUIREMENTS, missing.fixes[0]).splitlines()[1] == (
        "requests==2.31.0"
    )


def test_npm_answers(registry):
    handler, url = registry
    result = online_findings(PACKAGE_JSON, "/project/package.json", online_config(url))
    assert result.notice is None
    got = by_rule(result.findings)
    assert ("LG502", 3, "npm registry") in got  # expresss exists, looks like express
    assert ("LG503", 5, "OSV") in got  # lodash 4.17.20
    assert ("LG501", 7, "npm registry") in got  # @bable/core: 404
    assert not any(line in (2, 4, 6) for _, line, _ in got)  # express, the new package, @babel/core
    # the scoped name was URL-encoded as one path segment
    assert any(path.startswith("/npm/@bable%2Fcore") for path in handler.requests)
    lodash = next(f for f in result.findings if f.rule_id == "LG503")
    assert '"lodash": "4.17.21"' in apply_fix(PACKAGE_JSON, lodash.fixes[0])


def test_cache_avoids_second_request(registry):
    handler, url = registry
    online_findings(REQUIREMENTS, "requirements.txt", online_config(url))
    count = len(handler.requests)
    assert count > 0
    again = online_findings(REQUIREMENTS, "requirements.txt", online_config(url))
    assert len(handler.requests) == count
    assert again.notice is None and len(again.findings) == 3


def test_timeout_gives_one_notice_and_does_not_hang(registry):
    handler, url = registry
    handler.mode, handler.delay = "slow", 2.0
    started = time.monotonic()
    result = online_findings(REQUIREMENTS, "requirements.txt", online_config(url, timeout=0.3))
    assert time.monotonic() - started < 2.0
    assert result.notice.startswith(NOTICE) and "127.0.0.1" in result.notice
    assert result.findings == [] and result.retracted == []


def test_server_error_gives_notice(registry):
    handler, url = registry
    handler.mode = "error"
    result = online_findings(REQUIREMENTS, "requirements.txt", online_config(url))
    assert result.notice.startswith(NOTICE)
    assert result.findings == []


def test_malformed_json_gives_notice_not_crash(registry):
    handler, url = registry
    handler.mode = "malformed"
    result = online_findings(REQUIREMENTS, "requirements.txt", online_config(url))
    # PyPI's verdict is its status code (200: exists); OSV's body is unusable: one notice.
    assert result.notice.startswith(NOTICE)
    assert all(f.rule_id != "LG503" for f in result.findings)


def test_connection_refused_is_offline_only():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    result = online_findings(REQUIREMENTS, "requirements.txt", online_config(f"http://127.0.0.1:{port}"))
    assert time.monotonic() - started < 3.0
    assert result.notice.startswith(NOTICE)
    assert result.findings == []


def test_online_false_asks_nothing(registry):
    handler, url = registry
    config = online_config(url)
    config = Config(dependencies=DependencySettings(**{**config.dependencies.__dict__, "online": False}))
    result = online_findings(REQUIREMENTS, "requirements.txt", config)
    assert result.findings == [] and result.notice is None and handler.requests == []


def test_never_raises_on_garbage(registry, caplog):
    _, url = registry
    with caplog.at_level(logging.ERROR):
        for text in ("\x00\x01binary", "{{{{", "[project]\ndependencies = [\n  'unterminated", ""):
            for path in ("requirements.txt", "package.json", "pyproject.toml", "notes.md"):
                result = online_findings(text, path, online_config(url))
                assert isinstance(result.findings, list)
    # online_findings swallows (and logs) its own errors: a logged failure is the crash this test is about.
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


def test_suppression_comments_apply_online(registry):
    _, url = registry
    text = "reqeusts==2.31.0  # landguard: ignore[LG501] -- testing\n"
    result = online_findings(text, "requirements.txt", online_config(url))
    assert result.findings == []


def test_extra_index_missing_name_is_dependency_confusion(registry):
    _, url = registry
    text = "--extra-index-url https://pypi.internal.example/simple\nacme-internal-tooling==1.0\nrequests\n"
    result = online_findings(text, "requirements.txt", online_config(url))
    (finding,) = [f for f in result.findings if f.rule_id == "LG501"]
    assert finding.span.start_line == 1 and "dependency confusion" in finding.message
    replaced = "--index-url https://pypi.internal.example/simple\nacme-internal-tooling==1.0\n"
    assert [
        f
        for f in online_findings(replaced, "requirements.txt", online_config(url)).findings
        if f.rule_id == "LG501"
    ] == []


def test_merge_online_replaces_retracted_offline_findings(registry):
    from landguard.checks.deps.online import merge_online

    _, url = registry
    offline = findings_for(REQUIREMENTS, "requirements.txt")
    merged = merge_online(offline, online_findings(REQUIREMENTS, "requirements.txt", online_config(url)))
    assert by_rule(merged) == [("LG501", 1, "PyPI"), ("LG502", 3, "PyPI"), ("LG503", 0, "OSV")]


def test_lock_file_pins_go_to_osv_only(registry):
    import json

    handler, url = registry
    lock = json.dumps(
        {
            "lockfileVersion": 3,
            "packages": {
                "": {"name": "app", "version": "1.0.0"},
                "node_modules/lodash": {"version": "4.17.20"},
                "node_modules/not-a-real-package-zz": {"version": "1.0.0"},
            },
        },
        indent=2,
    )
    result = online_findings(lock, "/app/package-lock.json", online_config(url))
    assert by_rule(result.findings) == [("LG503", 7, "OSV")]  # the "node_modules/lodash" key
    assert not any(path.startswith(("/npm/", "/pypi/")) for path in handler.requests)
    fixed = apply_fix(lock, result.findings[0].fixes[0])
    assert json.loads(fixed)["packages"]["node_modules/lodash"]["version"] == "4.17.21"
