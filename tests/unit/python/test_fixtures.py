"""Every LG2xx fixture: findings match the `# expect:` markers, and every fix resolves its finding."""

from __future__ import annotations

from pathlib import Path

import pytest
from unit.python.fixture_fixes import apply_parsing_fix

from landguard_testing import FIXTURES, check_fixture, findings_for, fix_cases

# Part 1 of the Python rules: LG201-LG219 (LG220 and up have their own tests).
PYTHON_FIXTURES = sorted(p for p in (FIXTURES / "python").glob("LG2*.py") if int(p.stem[2:5]) < 220)


def _rule_id(path: Path) -> str:
    return path.stem[:5]  # LG201.py, LG201_psycopg.py ...


@pytest.mark.parametrize("path", PYTHON_FIXTURES, ids=lambda p: p.stem)
def test_fixture_findings_match_markers(path: Path) -> None:
    found = check_fixture(path, _rule_id(path))
    assert found, f"{path.name} has no finding at all: the fixture tests nothing"


@pytest.mark.parametrize(
    ("path", "finding", "fix"), list(fix_cases(PYTHON_FIXTURES, lambda path: {_rule_id(path)}))
)
def test_fix_parses_and_removes_the_finding(path: Path, finding, fix) -> None:
    text, fixed = apply_parsing_fix(path, fix)
    # The finding is gone: no finding of this rule on the fixed statement's lines any more.
    start = min(edit.span.start_line for edit in fix.edits)
    added = sum(edit.new_text.count("\n") - (edit.span.end_line - edit.span.start_line) for edit in fix.edits)
    end = finding.span.end_line + added
    after = [
        f
        for f in findings_for(fixed, str(path))
        if f.rule_id == finding.rule_id and start <= f.span.start_line <= end
    ]
    assert not after, f"{fix.title!r} left {after[0].message!r} in:\n" + "\n".join(
        fixed.splitlines()[start : end + 1]
    )
    # Nothing else changed: the number of findings elsewhere is the same.
    before_total = len([f for f in findings_for(text, str(path)) if f.rule_id == finding.rule_id])
    after_total = len([f for f in findings_for(fixed, str(path)) if f.rule_id == finding.rule_id])
    assert after_total == before_total - 1


def test_every_fixture_has_fixes_where_promised() -> None:
    # Rules with quick fixes must offer at least one in their fixture.
    with_fixes = {"LG201", "LG202", "LG203", "LG204", "LG205", "LG206", "LG207"}
    offered = {
        f.rule_id
        for path in PYTHON_FIXTURES
        for f in findings_for(path.read_text(encoding="utf-8"), str(path))
        if f.fixes
    }
    present = {_rule_id(p) for p in PYTHON_FIXTURES}
    assert with_fixes & present <= offered
