"""A Python rule's unit check is left out of a whole one-shot file when its ``applies_to_document``
says no (``PythonFrontend.check_units``); that must drop no finding.

- Over the Python fixtures, the flow suite and the corpus: where a rule's ``applies_to_document``
  is False, its ``check_unit`` finds nothing in any unit of the file.
- The test is not empty: each rule with a unit check finds something in a file its gate lets in,
  and the gates of the marker and file-condition rules leave some file out.
- ``test_one_shot_by_text`` compares one-shot and editor runs' findings over the same files.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from landguard.checks.code_rule import CodeRule, rules_check
from landguard.checks.python._dispatch import CallRule
from landguard.engine.analyze import analysis_units
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard.engine.registry import CheckContext
from landguard_testing import FIXTURES

CONFIG = Config(dependencies=DependencySettings(online=False), test_paths=())
_CORPUS = Path(__file__).parents[2] / "corpus" / "python"
FILES = sorted(
    path
    for folder in (FIXTURES / "python", FIXTURES / "ai", _CORPUS)
    for path in folder.rglob("*.py")
    if path.is_file()
)
UNIT_RULES = [
    rule
    for rule in rules_check("python").code_rules
    if isinstance(rule, CallRule) and type(rule).check_unit is not CodeRule.check_unit
]
# Rules whose gate is more than "always": markers or a file-wide condition of their own.
GATED = [
    rule
    for rule in UNIT_RULES
    if rule.unit_markers or type(rule).applies_to_document is not CallRule.applies_to_document
]


def _unit_findings(rule: CallRule, document: Document, context: CheckContext) -> list:
    return [
        finding
        for unit in analysis_units(document.tree.root_node)
        if rule.applies(unit, document, context)
        for finding in rule.check_unit(unit, document, context)
    ]


@functools.cache
def _gates_and_findings() -> dict[str, list[tuple[bool, int]]]:
    """Per rule: (its gate's answer, what its unit check found) for each file."""
    seen: dict[str, list[tuple[bool, int]]] = {rule.rule.id: [] for rule in UNIT_RULES}
    for path in FILES:
        document = Document(path.read_text(encoding="utf-8"), path=str(path))
        for rule in UNIT_RULES:
            context = CheckContext(CONFIG, one_shot=True)
            gate = rule.applies_to_document(document, context)
            seen[rule.rule.id].append((gate, len(_unit_findings(rule, document, context))))
    return seen


def test_the_files_exist():
    assert len(FILES) > 40
    assert len(UNIT_RULES) >= 8 and len(GATED) >= 6


@pytest.mark.parametrize("rule", UNIT_RULES, ids=lambda r: r.rule.id)
def test_a_closed_gate_hides_no_finding(rule: CallRule):
    assert all(found == 0 for gate, found in _gates_and_findings()[rule.rule.id] if not gate)


@pytest.mark.parametrize("rule", UNIT_RULES, ids=lambda r: r.rule.id)
def test_an_open_gate_lets_findings_in(rule: CallRule):
    assert any(gate and found for gate, found in _gates_and_findings()[rule.rule.id]), (
        "no file shows the rule's unit check"
    )


@pytest.mark.parametrize("rule", GATED, ids=lambda r: r.rule.id)
def test_the_gate_leaves_some_file_out(rule: CallRule):
    assert any(not gate for gate, _ in _gates_and_findings()[rule.rule.id])
