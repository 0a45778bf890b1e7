"""Every rule is documented the same way, and docs/rules.md is generated from the rules."""

import subprocess
import sys
from pathlib import Path

import pytest

from landguard.engine.registry import all_rules, doc_section

SECTIONS = ("What it does", "Why is this bad", "Example", "Use instead", "References")
RULES = list(all_rules().values())


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_is_fully_documented(rule):
    for section in SECTIONS:
        assert doc_section(rule.docs, section), f"{rule.id} lacks a '{section}' section"
    if rule.family != "engine":
        assert rule.cwe, f"{rule.id} names no CWE"
        assert "CWE" in doc_section(rule.docs, "References"), f"{rule.id} references no CWE"
    assert rule.name == rule.name.lower() and " " not in rule.name
    assert rule.title and not rule.title.endswith(".")


def test_rule_families_match_their_ids():
    for rule in RULES:
        assert rule.family != "other", rule.id


ROOT = Path(__file__).parents[2]


def test_docs_rules_md_is_up_to_date():
    generated = subprocess.run(
        [sys.executable, "-m", "landguard.cli", "rules", "--format", "markdown"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == generated, "docs/rules.md is stale: run `make docs`"


def test_readme_rule_table_is_up_to_date():
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        from update_docs import readme_with_table
    finally:
        sys.path.pop(0)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == readme_with_table(readme), "README's rule table is stale: run `make docs`"
