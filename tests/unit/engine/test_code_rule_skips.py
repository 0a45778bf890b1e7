"""The code rules' dispatcher skips a rule for a unit where it cannot report: the inputs the rule
says it reads (``CodeRule.reads``: the unit's dataflow facts, its pattern index) are empty, or its
``applies`` prefilter says no. Each skip condition is a superset test, so here every rule with one
runs on every unit of the fixtures and the corpus with the skip off, and no finding may come from
a unit the skip would have dropped (a rule reading an input it does not declare fails here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from landguard.checks.code_rule import CodeRule, rules_check
from landguard_testing import FIXTURES, findings_for

_CORPUS = Path(__file__).parents[2] / "corpus"
_SUFFIXES = {"javascript": (".js", ".jsx", ".ts", ".tsx"), "python": (".py",)}


def _files(language: str) -> list[Path]:
    folders = (FIXTURES / language, _CORPUS / language)
    return sorted(
        path
        for folder in folders
        for path in folder.rglob("*")
        if path.suffix in _SUFFIXES[language] and path.is_file()
    )


def _skipping_rules(language: str) -> list[CodeRule]:
    return [
        rule
        for rule in rules_check(language).code_rules
        if rule.reads or "applies" in vars(type(rule)) or getattr(rule, "unit_markers", ())
    ]


_CASES = [(language, rule) for language in _SUFFIXES for rule in _skipping_rules(language)]


@pytest.mark.parametrize(
    ("language", "rule"), _CASES, ids=lambda case: getattr(getattr(case, "rule", None), "id", case)
)
def test_a_skipped_unit_has_no_finding_of_the_rule(
    language: str, rule: CodeRule, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads, applies, check_unit = rule.reads, rule.applies, rule.check_unit
    frontend = rule.frontend
    skipped_findings: list[str] = []
    counts = {"skipped": 0, "reported": 0}

    def unskipped(unit, document, context):
        # Asked as the dispatcher asks, before the rule runs (an input may be built by the rule).
        has_input = not reads or any(frontend.unit_input(name, unit, document, context) for name in reads)
        skipped = not has_input or not applies(unit, document, context)
        found = list(check_unit(unit, document, context))
        counts["skipped"] += skipped
        counts["reported"] += bool(found)
        if skipped and found:
            skipped_findings.extend(f"{document.path}:{f.span.start_line + 1}: {f.message}" for f in found)
        return found

    monkeypatch.setattr(rule, "reads", frozenset())
    monkeypatch.setattr(rule, "applies", lambda unit, document, context: True)
    monkeypatch.setattr(rule, "check_unit", unskipped)
    for path in _files(language):
        findings_for(path.read_text(encoding="utf-8"), str(path))
    assert not skipped_findings, "\n".join(skipped_findings)
    assert counts["skipped"], "the skip condition never held: the test shows nothing"
    if type(rule).check_unit is not CodeRule.check_unit:
        assert counts["reported"], f"{rule.rule.id} reported nothing by check_unit on its fixtures"
