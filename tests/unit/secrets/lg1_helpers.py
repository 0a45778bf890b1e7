"""Helpers for the LG1xx tests: run only the secrets scanner, so these tests do not depend on
the other families' checks (the engine's suppressions and configuration still apply)."""

from __future__ import annotations

from pathlib import Path

from landguard.checks.secrets.scanner import CHECK
from landguard.engine.analyze import analyze_text
from landguard.engine.config import Config, DependencySettings
from landguard.engine.findings import Finding
from landguard_testing import FIXTURES, expected_findings

SECRETS = FIXTURES / "secrets"


def secret_findings(text: str, path: str, config: Config | None = None) -> list[Finding]:
    config = config or Config(dependencies=DependencySettings(online=False))
    # LG604 (secrets exposed to AI tools) follows from LG1xx findings in post-processing: not ours.
    return [f for f in analyze_text(text, config, path=path, checks=[CHECK]) if f.rule_id.startswith("LG1")]


def check_secrets_fixture(path: Path) -> list[Finding]:
    """Like ``landguard_testing.check_fixture``, for the secrets scanner alone."""
    text = path.read_text(encoding="utf-8")
    found = secret_findings(text, str(path))
    actual = {(f.span.start_line, f.rule_id) for f in found}
    expected = {(line, rule) for line, rule in expected_findings(text) if rule.startswith("LG1")}
    lines = text.splitlines()
    report = [
        f"missing    {r} at {path.name}:{n + 1}: {lines[n].strip()}" for n, r in sorted(expected - actual)
    ]
    report += [
        f"unexpected {r} at {path.name}:{n + 1}: {lines[n].strip()}" for n, r in sorted(actual - expected)
    ]
    assert not report, "\n".join(report)
    return found
