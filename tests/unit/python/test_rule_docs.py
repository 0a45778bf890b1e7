"""Every LG201-LG219 rule is documented the same way and wired into the one Python check."""

from __future__ import annotations

import pytest

from landguard.checks.code_rule import rules_check
from landguard.engine.registry import all_rules

CHECK = rules_check("python")

PART_ONE = sorted(rule_id for rule_id in all_rules() if rule_id.startswith("LG2") and int(rule_id[2:]) < 220)


def test_part_one_rules_exist() -> None:
    assert {"LG201", "LG202", "LG203", "LG204", "LG205", "LG206", "LG207", "LG208", "LG209"} <= set(PART_ONE)


@pytest.mark.parametrize("rule_id", PART_ONE)
def test_rule_docs_have_every_section(rule_id: str) -> None:
    rule = all_rules()[rule_id]
    for section in (
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
        "## References",
    ):
        assert section in rule.docs, f"{rule_id} lacks {section}"
    for cwe in rule.cwe:
        assert f"cwe.mitre.org/data/definitions/{cwe}.html" in rule.docs
    assert rule.languages == frozenset({"python"})
    assert rule.name == rule.name.lower() and " " not in rule.name


@pytest.mark.parametrize("rule_id", PART_ONE)
def test_rule_runs_in_the_shared_python_check(rule_id: str) -> None:
    assert rule_id in {rule.id for rule in CHECK.rules}
