"""LG330 on Vue components: findings exactly on the `expect:` lines, and every fix applied works."""

from __future__ import annotations

from pathlib import Path

import pytest

from landguard_testing import FIXTURES, apply_fix, check_fixture, findings_for, fix_cases, tree_has_error

FIXTURE_FILES = sorted((FIXTURES / "vue").glob("LG3*.vue"))


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.name)
def test_fixture(path: Path):
    check_fixture(path, path.name.split(".")[0])


FIX_CASES = list(fix_cases(FIXTURE_FILES, lambda path: {"LG330"}))


def test_fixes_are_offered():
    assert len(FIX_CASES) >= 14


@pytest.mark.parametrize(("path", "finding", "fix"), FIX_CASES)
def test_fix_keeps_the_component_and_clears_the_finding(path: Path, finding, fix):
    text = path.read_text(encoding="utf-8")
    fixed = apply_fix(text, fix)
    assert fixed != text and fix.unsafe
    assert not tree_has_error(fixed, str(path)), fixed
    line = fixed.splitlines()[finding.span.start_line]
    assert "v-text" in line or "textContent" in line or "text-content" in line
    start = (finding.span.start_line, finding.span.start_col)
    after = [f for f in findings_for(fixed, str(path)) if f.rule_id == "LG330"]
    assert all((f.span.start_line, f.span.start_col) != start for f in after)
