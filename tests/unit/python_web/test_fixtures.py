"""LG220+ fixtures: findings match the `# expect:` markers; every fix parses and removes its finding."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from unit.python.fixture_fixes import apply_parsing_fix

from landguard_testing import FIXTURES, check_fixture, findings_for, fix_cases

WEB_RULE = re.compile(r"^LG2(?:[2-9]\d)$")
WEB_FIXTURES = sorted(p for p in (FIXTURES / "python").glob("LG2*.py") if WEB_RULE.match(p.stem))
RULES_WITH_FIXES = {"LG224", "LG226", "LG227", "LG240", "LG241", "LG242", "LG243", "LG244"}


@pytest.mark.parametrize("path", WEB_FIXTURES, ids=lambda p: p.stem)
def test_fixture_findings_match_markers(path: Path) -> None:
    found = check_fixture(path, path.stem)
    assert found, f"{path.name} has no finding at all: the fixture tests nothing"


@pytest.mark.parametrize(("path", "finding", "fix"), list(fix_cases(WEB_FIXTURES, lambda path: {path.stem})))
def test_fix_parses_and_removes_the_finding(path: Path, finding, fix) -> None:
    text, fixed = apply_parsing_fix(path, fix)
    before = [f for f in findings_for(text, str(path)) if f.rule_id == finding.rule_id]
    after = [f for f in findings_for(fixed, str(path)) if f.rule_id == finding.rule_id]
    assert len(after) == len(before) - 1, "\n".join(f"{f.span.start_line + 1}: {f.message}" for f in after)
    # The finding that disappeared is the one fixed: every other finding's line is still marked.
    fixed_lines = fixed.splitlines()
    for other in after:
        assert f"expect: {finding.rule_id}" in fixed_lines[other.span.start_line]


def test_rules_with_fixes_offer_them() -> None:
    offered = {
        f.rule_id
        for path in WEB_FIXTURES
        for f in findings_for(path.read_text(encoding="utf-8"), str(path))
        if f.fixes and f.rule_id == path.stem
    }
    assert RULES_WITH_FIXES <= offered
