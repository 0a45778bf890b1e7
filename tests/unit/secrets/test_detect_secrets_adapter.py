"""The detect-secrets adapter: isolated from the library's process-wide settings, own columns."""

from __future__ import annotations

import threading

from detect_secrets.settings import get_settings, transient_settings
from lg1_helpers import secret_findings

from landguard.checks.secrets import detect_secrets_adapter

JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiJmYWtlLWZpeHR1cmUtdXNlciJ9."
    "c2lnbmF0dXJlLW9mLWEtZmFrZS1maXh0dXJlLXRva2Vu"
)


def test_scanning_leaves_the_global_settings_untouched() -> None:
    before = get_settings().json()
    detect_secrets_adapter._plugins = None  # force the one-time configuration to run again
    findings = secret_findings(f'TOKEN = "{JWT}"\n', "a.py")
    assert [f.rule_id for f in findings] == ["LG101"]
    assert get_settings().json() == before


def test_a_user_configuration_of_detect_secrets_does_not_change_our_results() -> None:
    text = f'const session = "{JWT}";\n'
    expected = secret_findings(text, "a.js")
    with transient_settings({"plugins_used": [{"name": "BasicAuthDetector"}]}) as settings:
        # Someone else in the process configured detect-secrets with a single unrelated plugin ...
        detect_secrets_adapter._plugins = None
        assert secret_findings(text, "a.js") == expected
        # ... and still has exactly that configuration afterwards.
        assert list(settings.plugins) == ["BasicAuthDetector"]
        assert list(get_settings().plugins) == ["BasicAuthDetector"]
    detect_secrets_adapter._plugins = None


def test_configured_once_under_concurrency() -> None:
    detect_secrets_adapter._plugins = None
    results: list[tuple] = []
    threads = [
        threading.Thread(target=lambda: results.append(detect_secrets_adapter._configured_plugins()))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(r) for r in results}) == 1
    assert {type(p).__name__ for p in results[0]} == set(detect_secrets_adapter.PLUGIN_KINDS)


def test_columns_are_computed_and_cover_the_whole_token() -> None:
    line = f'headers = {{"Authorization": "Bearer {JWT}"}}'
    [hit] = [h for h in detect_secrets_adapter.find_plugin_secrets(line) if h.kind == "JSON Web Token"]
    assert line[hit.start : hit.end] == JWT


def test_spans_are_widened_to_the_whole_token() -> None:
    # Whatever part of the token a plugin yields, our span covers the token and stops at its quotes.
    token = "NNqVwYS81VP7Hb1DX8pPd5kh.xE3pyI.gKpaUnArl63XykWZeiNNCiia3an"  # pragma: allowlist secret
    line = f'bot = "{token}"'
    [hit] = list(detect_secrets_adapter.find_plugin_secrets(line))
    assert line[hit.start : hit.end] == token


def test_same_value_twice_on_a_line_gets_two_columns() -> None:
    line = f"{JWT} {JWT}"
    starts = sorted(h.start for h in detect_secrets_adapter.find_plugin_secrets(line))
    assert starts == [0, len(JWT) + 1]


def test_heuristic_filters() -> None:
    assert detect_secrets_adapter.is_sequential_string("abcdefghij")
    assert detect_secrets_adapter.is_potential_uuid("123e4567-e89b-12d3-a456-426614174000")
    assert detect_secrets_adapter.is_templated_secret("${TOKEN}")
    assert not detect_secrets_adapter.is_templated_secret("q8Z2vL5xN1mT7kR")
