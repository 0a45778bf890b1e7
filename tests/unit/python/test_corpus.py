"""The realistic corpus: good code gets no LG201-LG219 finding; bad code gets exactly its markers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from landguard_testing import apply_fix, expected_findings, findings_for

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "python"
GOOD = sorted((CORPUS / "good").glob("*.py"))
BAD = sorted((CORPUS / "bad").glob("*.py"))


def _part_one(rule_id: str) -> bool:
    return rule_id.startswith("LG2") and int(rule_id[2:]) < 220


def test_corpus_is_there() -> None:
    assert len(GOOD) >= 5 and len(BAD) >= 2


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_good_code_has_no_findings(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [f for f in findings_for(text, str(path)) if _part_one(f.rule_id)]
    lines = text.splitlines()
    assert not found, "\n".join(
        f"{f.rule_id} {path.name}:{f.span.start_line + 1}: {lines[f.span.start_line].strip()}  -- {f.message}"
        for f in found
    )


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_bad_code_is_found(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    actual = {(f.span.start_line, f.rule_id) for f in findings_for(text, str(path)) if _part_one(f.rule_id)}
    expected = {(line, rule) for line, rule in expected_findings(text) if _part_one(rule)}
    assert actual == expected


def _bad_fixes():
    for path in BAD:
        text = path.read_text(encoding="utf-8")
        for finding in findings_for(text, str(path)):
            if _part_one(finding.rule_id):
                for fix in finding.fixes:
                    yield pytest.param(path, finding, fix, id=f"{path.stem}:{finding.span.start_line + 1}")


@pytest.mark.parametrize(("path", "finding", "fix"), list(_bad_fixes()))
def test_bad_code_fixes_apply_cleanly(path: Path, finding, fix) -> None:
    text = path.read_text(encoding="utf-8")
    fixed = apply_fix(text, fix)
    ast.parse(fixed)

    def count(source: str) -> int:
        return sum(1 for f in findings_for(source, str(path)) if f.rule_id == finding.rule_id)

    assert count(fixed) == count(text) - 1
