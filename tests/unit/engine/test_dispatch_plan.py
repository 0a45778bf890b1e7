"""The code rules' dispatcher hands a unit exactly the rules a test per rule would: every rule
that reads nothing, and every rule one of whose inputs (``CodeRule.reads``) the unit has, in the
rules' order, each ``applies`` prefilter asked as before. The dispatcher decides it once per unit
and combination of inputs (``code_rule._Plan``) instead of once per rule, so here it is compared
with the per-rule test on synthetic rules, for every combination of inputs a unit may have."""

from __future__ import annotations

import itertools

import pytest

from landguard.checks.code_rule import CodeRule, Frontend
from landguard.engine.config import Config
from landguard.engine.findings import Confidence, Severity
from landguard.engine.registry import CheckContext, Rule

INPUTS = ("facts", "index", "calls")


class _Unit:
    """A unit by the inputs it has (the dispatcher hands units through without reading them)."""

    def __init__(self, inputs: frozenset[str], wanted_by: frozenset[str]) -> None:
        self.inputs = inputs
        self.wanted_by = wanted_by  # rules whose ``applies`` says yes


class _Frontend(Frontend):
    def __init__(self) -> None:
        self.asked: list[str] = []

    def unit_input(self, name, unit, document, context) -> bool:
        self.asked.append(name)
        return name in unit.inputs


def _rule(rule_id: str, reads: frozenset[str], prefilter: bool) -> CodeRule:
    def check_unit(self, unit, document, context):
        yield rule_id

    docs = "What it does: nothing (a test's rule)."
    rule = Rule(rule_id, rule_id.lower(), rule_id, Severity.WARNING, Confidence.HIGH, (), docs)
    namespace: dict[str, object] = {"rule": rule, "reads": reads}
    namespace["check_unit"] = check_unit
    if prefilter:
        namespace["applies"] = lambda self, unit, document, context: rule_id in unit.wanted_by
    return type(f"Rule{rule_id}", (CodeRule,), namespace)()


def _rules() -> list[CodeRule]:
    """Rules reading each set of inputs (the empty set too), each with and without a prefilter,
    in an order that mixes them."""
    sets = [frozenset(c) for size in range(len(INPUTS) + 1) for c in itertools.combinations(INPUTS, size)]
    rules = [
        _rule(f"LG9{index:02d}", reads, prefilter)
        for index, (reads, prefilter) in enumerate(itertools.product(sets, (False, True)))
    ]
    return rules[::3] + rules[1::3] + rules[2::3]


def _per_rule(frontend: Frontend, unit, rules) -> list[str]:
    """The dispatch the plan replaces: each rule's inputs, then its prefilter, one rule at a time."""
    found: list[str] = []
    for rule in rules:
        if rule.reads and not any(frontend.unit_input(name, unit, None, None) for name in rule.reads):
            continue
        if rule.applies(unit, None, None):
            found.extend(rule.check_unit(unit, None, None))
    return found


@pytest.mark.parametrize(
    "inputs", [frozenset(c) for size in range(len(INPUTS) + 1) for c in itertools.combinations(INPUTS, size)]
)
def test_a_unit_meets_the_rules_a_test_per_rule_hands_it(inputs: frozenset[str]) -> None:
    rules = _rules()
    wanted_by = frozenset(rule.rule.id for rule in rules[::2])
    frontend = _Frontend()
    context = CheckContext(Config())
    unit = _Unit(inputs, wanted_by)
    expected = _per_rule(frontend, unit, rules)
    asked_per_rule = set(frontend.asked)
    frontend.asked.clear()
    # Twice in one run: the second unit takes the plan the first one built.
    for _ in range(2):
        assert frontend.check_unit(unit, None, context, rules) == expected
        # Each input asked at most once per unit, and none the per-rule test does not ask.
        assert len(frontend.asked) == len(set(frontend.asked))
        assert set(frontend.asked) <= asked_per_rule
        frontend.asked.clear()
    assert expected, "no rule ran: the case shows nothing"


def test_units_with_other_inputs_in_one_run_each_get_their_rules() -> None:
    rules = _rules()
    frontend = _Frontend()
    context = CheckContext(Config())
    units = [
        _Unit(frozenset(c), frozenset(rule.rule.id for rule in rules))
        for size in range(len(INPUTS) + 1)
        for c in itertools.combinations(INPUTS, size)
    ]
    for unit in units + units[::-1]:
        assert frontend.check_unit(unit, None, context, rules) == _per_rule(frontend, unit, rules)


def test_a_rule_whose_reads_is_set_on_the_instance_is_dispatched_by_it() -> None:
    # Tests switch a rule's skip off by setting ``reads`` on the rule object (test_code_rule_skips).
    rules = _rules()
    reading = next(rule for rule in rules if rule.reads == frozenset({"facts"}))
    reading.reads = frozenset()
    frontend = _Frontend()
    unit = _Unit(frozenset(), frozenset(rule.rule.id for rule in rules))
    found = frontend.check_unit(unit, None, CheckContext(Config()), rules)
    assert reading.rule.id in found
    assert found == _per_rule(frontend, unit, rules)


def test_a_prefilter_set_on_the_instance_is_asked() -> None:
    rules = _rules()
    unfiltered = next(rule for rule in rules if "applies" not in vars(type(rule)))
    unfiltered.applies = lambda unit, document, context: False
    frontend = _Frontend()
    unit = _Unit(frozenset(INPUTS), frozenset(rule.rule.id for rule in rules))
    found = frontend.check_unit(unit, None, CheckContext(Config()), rules)
    assert unfiltered.rule.id not in found
    assert found == _per_rule(frontend, unit, rules)
