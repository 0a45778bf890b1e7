"""LG1xx fixtures: findings exactly where ``expect:`` markers say, and nowhere else."""

from __future__ import annotations

from pathlib import Path

import pytest
from lg1_helpers import SECRETS, check_secrets_fixture
from lg1_helpers import secret_findings as findings_for

MARKED = sorted(
    p for p in SECRETS.iterdir() if p.name.startswith("LG1") and "expect:" in p.read_text("utf-8")
)
CORPUS = sorted(SECRETS.glob("not_secrets.*"))


def secret_findings(path: Path, text: str | None = None):
    text = path.read_text("utf-8") if text is None else text
    return findings_for(text, str(path))


def lines_by_rule(path: Path) -> set[tuple[int, str]]:
    """(1-based line, rule) pairs, for formats that cannot carry ``expect:`` comments."""
    return {(f.span.start_line + 1, f.rule_id) for f in secret_findings(path)}


@pytest.mark.parametrize("path", MARKED, ids=lambda p: p.name)
def test_marked_fixture(path: Path) -> None:
    found = check_secrets_fixture(path)
    assert found, "a fixture with markers must produce findings"


def test_every_rule_has_a_fixture() -> None:
    covered = {p.name.split(".")[0] for p in MARKED}
    assert {"LG101", "LG102", "LG103", "LG104", "LG105", "LG106", "LG107"} <= covered


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_not_secrets_corpus_is_quiet(path: Path) -> None:
    assert secret_findings(path) == []


def test_json_tokens() -> None:
    assert lines_by_rule(SECRETS / "LG101.json") == {(2, "LG101"), (3, "LG101")}


def test_json_passwords() -> None:
    assert lines_by_rule(SECRETS / "LG104.json") == {(4, "LG104"), (7, "LG104")}


def test_json_private_key_in_one_string() -> None:
    findings = secret_findings(SECRETS / "LG102.json")
    assert [(f.span.start_line + 1, f.rule_id) for f in findings] == [(3, "LG102")]
    # The escaped PEM sits in one line: the span runs from BEGIN to the end of the END marker.
    line = (SECRETS / "LG102.json").read_text("utf-8").splitlines()[2]
    span = findings[0].span
    assert line[span.start_col :].startswith("-----BEGIN PRIVATE KEY-----")
    assert line[: span.end_col].endswith("-----END PRIVATE KEY-----")


def test_dockerfile_tokens_and_passwords() -> None:
    assert lines_by_rule(SECRETS / "LG101.dockerfile") == {(3, "LG101"), (4, "LG101"), (5, "LG101")}
    assert lines_by_rule(SECRETS / "LG104.dockerfile") == {(3, "LG104"), (4, "LG104"), (5, "LG104")}


def test_pem_file_block_span() -> None:
    path = SECRETS / "LG102.pem"
    lines = path.read_text("utf-8").splitlines()
    [finding] = secret_findings(path)
    assert finding.rule_id == "LG102"
    assert (finding.span.start_line, finding.span.start_col) == (0, 0)
    assert finding.span.end_line == len(lines) - 1
    assert finding.span.end_col == len("-----END PRIVATE KEY-----")
    assert finding.message.startswith("Private key")


def test_pem_in_yaml_block_scalar() -> None:
    findings = secret_findings(SECRETS / "LG102.yaml")
    assert [(f.span.start_line + 1, f.rule_id) for f in findings] == [(4, "LG102")]
    assert findings[0].message.startswith("EC private key")


def test_encrypted_key_is_a_warning() -> None:
    findings = {f.span.start_line: f for f in secret_findings(SECRETS / "LG102.py")}
    severities = {f.message.split(" (")[0]: f.severity.label for f in findings.values()}
    assert severities["Encrypted private key"] == "warning"
    assert severities["RSA private key"] == "error"


def test_kinds_are_named() -> None:
    messages = " | ".join(f.message for f in secret_findings(SECRETS / "LG101.py"))
    for kind in (
        "OpenAI API key",
        "Anthropic API key",
        "GitHub personal access token",
        "GitHub fine-grained personal access token",
        "GitHub OAuth access token",
        "GitHub server-to-server token",
        "GitLab personal access token",
        "Google API key",
        "Slack bot token",
        "Stripe live secret key",
        "Hugging Face access token",
        "npm access token",
        "PyPI API token",
        "SendGrid API key",
        "Twilio account SID",
        "Twilio API key",
        "AWS access key ID",
        "AWS secret access key",
        "Azure storage account key",
    ):
        assert kind in messages, kind


def test_detect_secrets_plugins_report_through_the_adapter() -> None:
    messages = [f.message for f in secret_findings(SECRETS / "LG101.js")]
    assert any(m.startswith("JSON Web Token") for m in messages)
    # Slack webhooks are our own detector's now (it knows every webhook shape); the plugin stays behind it.
    assert any(m.startswith("Slack webhook URL") for m in messages)


def test_span_covers_the_token() -> None:
    path = SECRETS / "LG101.py"
    lines = path.read_text("utf-8").splitlines()
    for finding in secret_findings(path):
        value = lines[finding.span.start_line][finding.span.start_col : finding.span.end_col]
        assert len(value) >= 20, finding
        # Token characters do not continue on either side of the span.
        line = lines[finding.span.start_line]
        before = line[finding.span.start_col - 1] if finding.span.start_col else " "
        after = line[finding.span.end_col] if finding.span.end_col < len(line) else " "
        assert not (before.isalnum() or after.isalnum()), (before, value, after)


def test_rule_metadata() -> None:
    from landguard.checks.secrets.scanner import CHECK

    rules = {rule.id: rule for rule in CHECK.rules}
    for rule_id in ("LG101", "LG102", "LG103", "LG104", "LG105"):
        rule = rules[rule_id]
        assert 798 in rule.cwe
        for section in ("What it does", "Why is this bad?", "Example", "Use instead", "References"):
            assert section in rule.docs, (rule_id, section)
    assert 321 in rules["LG102"].cwe
    assert 259 in rules["LG104"].cwe
    assert {"B105", "B106", "B107", "S105", "S106", "S107"} <= set(rules["LG104"].aliases)
    assert rules["LG101"].confidence > rules["LG104"].confidence > rules["LG105"].confidence


def test_columns_are_code_points_and_crlf_is_handled() -> None:
    token = "ghp_FAKEksLxPMwnkH7KDZQEQbZYUDQZgbxYEe6i"  # pragma: allowlist secret
    line = f'label = "🔑 clé"; token = "{token}"'
    text = f"x = 1\r\n{line}\r\n"
    [finding] = findings_for(text, "a.py")
    assert finding.span.start_line == 1
    assert line[finding.span.start_col : finding.span.end_col] == token
