"""Every LG3xx fixture: findings exactly on the `expect:` lines, and every fix applied to it works."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lg3_checks import JS_CHECKS

from landguard_testing import (
    FIXTURES,
    apply_fix,
    check_fixture,
    findings_for,
    fix_cases,
    only_checks,
    tree_has_error,
)

FIXTURE_DIR = FIXTURES / "javascript"
FIXTURE_FILES = sorted(
    p for p in FIXTURE_DIR.iterdir() if re.match(r"LG3\d\d(\.[\w-]+)?\.(js|jsx|ts|tsx|vue)$", p.name)
)


def _rule_id(path: Path) -> str:
    return path.name.split(".")[0]


def test_fixtures_exist_for_every_rule():
    js_rules = {rule.id for check in JS_CHECKS for rule in check.rules}
    assert js_rules, "no LG3xx rules registered"
    assert js_rules <= {_rule_id(p) for p in FIXTURE_FILES}


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.name)
def test_fixture(path: Path):
    check_fixture(path, _rule_id(path))


def _fix_cases():
    with only_checks(JS_CHECKS):
        yield from fix_cases(FIXTURE_FILES, lambda path: {_rule_id(path)})


FIX_CASES = list(_fix_cases())


def test_fixes_are_offered():
    assert len(FIX_CASES) >= 40


@pytest.mark.parametrize(("path", "finding", "fix"), FIX_CASES)
def test_fix_parses_and_removes_finding(path: Path, finding, fix):
    text = path.read_text(encoding="utf-8")
    fixed = apply_fix(text, fix)
    assert fixed != text
    assert not tree_has_error(fixed, str(path)), fixed

    def of_rule(source: str):
        return [f for f in findings_for(source, str(path)) if f.rule_id == finding.rule_id]

    after = of_rule(fixed)
    start = (finding.span.start_line, finding.span.start_col)
    assert len(after) < len(of_rule(text)), f"{fix.title!r} removed nothing in:\n{fixed}"
    assert all((f.span.start_line, f.span.start_col) != start for f in after), (
        f"{fix.title!r} left the finding"
    )
