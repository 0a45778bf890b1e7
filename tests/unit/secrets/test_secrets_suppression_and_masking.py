"""End to end: suppression comments silence LG1xx findings; messages never carry a whole secret."""

from __future__ import annotations

import re

import pytest
from lg1_helpers import SECRETS, secret_findings

from landguard.checks.secrets.heuristics import mask_value

GITHUB_TOKEN = "ghp_FAKEksLxPMwnkH7KDZQEQbZYUDQZgbxYEe6i"  # pragma: allowlist secret


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("a.py", f'TOKEN = "{GITHUB_TOKEN}"  # pragma: allowlist secret\n'),
        ("a.py", f'TOKEN = "{GITHUB_TOKEN}"  # gitleaks:allow\n'),
        ("a.py", f'TOKEN = "{GITHUB_TOKEN}"  # landguard: ignore[LG101] -- test fixture\n'),
        ("a.py", f'# pragma: allowlist nextline secret\nTOKEN = "{GITHUB_TOKEN}"\n'),
        ("a.py", f'TOKEN = {{\n    "github": "{GITHUB_TOKEN}",\n}}  # pragma: allowlist secret\n'),
        ("a.js", f'const token = "{GITHUB_TOKEN}"; // gitleaks:allow\n'),
        ("a.yaml", f"token: {GITHUB_TOKEN}  # pragma: allowlist secret\n"),
        (".env", f"# pragma: allowlist nextline secret\nGITHUB_TOKEN={GITHUB_TOKEN}\n"),
        ("a.py", 'password = "Tr0ub4dor3x"  # landguard: ignore[LG104] -- local dev only\n'),
        ("a.py", 'password = "Tr0ub4dor3x"  # nosec B105\n'),
        ("a.py", 'password = "Tr0ub4dor3x"  # noqa: S105\n'),
        ("a.py", 'login(password="Tr0ub4dor3x")  # noqa: S106\n'),
    ],
)
def test_suppressed(path: str, text: str) -> None:
    assert secret_findings(text, path) == []
    # The same text without its suppression comment is reported.
    bare = re.sub(r"\s*(#|//) *(pragma|gitleaks|landguard|nosec|noqa)[^\n]*", "", text)
    assert secret_findings(bare, path), bare


def test_suppression_of_another_rule_does_not_silence_a_secret() -> None:
    text = 'password = "Tr0ub4dor3x"  # landguard: ignore[LG201] -- not this one\n'
    assert [f.rule_id for f in secret_findings(text, "a.py")] == ["LG104"]


def all_fixture_findings():
    for path in sorted(SECRETS.iterdir()):
        text = path.read_text("utf-8")
        lines = text.splitlines()
        for finding in secret_findings(text, str(path)):
            span = finding.span
            if span.start_line == span.end_line:
                secret = lines[span.start_line][span.start_col : span.end_col]
            else:
                secret = "\n".join(lines[span.start_line : span.end_line + 1])
            yield path.name, finding, secret


def test_no_message_contains_a_whole_secret() -> None:
    checked = 0
    for name, finding, secret in all_fixture_findings():
        checked += 1
        texts = [finding.message, finding.display_message] + [fix.title for fix in finding.fixes]
        for text in texts:
            assert secret not in text, (name, text)
            # Nor any long stretch of it.
            for start in range(0, max(len(secret) - 8, 0)):
                assert secret[start : start + 9] not in text, (name, text)
    assert checked > 50


def test_messages_show_the_masked_value() -> None:
    for name, finding, secret in all_fixture_findings():
        if finding.rule_id in {"LG101", "LG103", "LG104", "LG105"}:
            # Masked, with the format's public prefix (up to 8 characters) shown or not.
            shown = [mask_value(secret, secret[:n]) for n in range(9)]
            assert any(form in finding.message for form in shown), (name, finding.message)
