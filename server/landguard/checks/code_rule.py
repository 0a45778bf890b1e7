"""One base class and one dispatcher for every code rule (LG2xx Python, LG3xx JS/TS, LG4xx Java).

A rule module defines its ``RULE`` and ``CHECK = MyRule()``, ``MyRule`` a ``CodeRule`` (through its
language's base: ``checks/python/_dispatch.CallRule``, ``checks/javascript/_support.JavaScriptRule``,
``checks/java/_support.JavaCheck``). The registry gathers the code rules of each language into one
``CodeRulesCheck``, so the engine's per-unit bookkeeping (cache keys, shifting cached findings) is
paid once per language rather than once per rule, and the rules of one run share their per-unit
work (the unit's calls, its dataflow facts) through the run's cache.

What differs between languages is the ``Frontend``: what, outside a unit, its findings depend on
(imports, module constants, same-file summaries) and how a unit is handed to the rules (Python
dispatches calls by callee name in one pass and re-parses a top-level ERROR node statement by
statement). A rule that raises is logged and skipped, so one broken rule does not silence the others.

A rule is not run on a unit where it cannot report: its ``applies`` prefilter (bytes in the unit)
says no, or every shared per-unit input it ``reads`` (the frontend's ``unit_input``: JavaScript's
dataflow facts and pattern index) is empty, as for most units of most files.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, ClassVar

from landguard.engine.registry import CheckContext, NodeCheck, Rule, RunKey, all_checks

if TYPE_CHECKING:
    from tree_sitter import Node

    from landguard.engine.document import Document
    from landguard.engine.findings import Finding

log = logging.getLogger("landguard.checks")


def occurs_in(source: bytes, unit: Node, needles: Iterable[bytes]) -> bool:
    """Whether one of the needles occurs within ``unit``'s bytes: a rule's cheap prefilter.

    Searched within the unit's bytes only (no copy, and nothing outside the unit, so the answer
    is the unit's own, as its cached findings are): an edit re-checks one or two units, and a
    scan of the whole document per check on every run cost more than all the checks' own work.
    """
    start, end = unit.start_byte, unit.end_byte
    # A plain loop: asked per rule and unit, a generator for ``any`` cost as much as the finds.
    for needle in needles:
        if source.find(needle, start, end) >= 0:
            return True
    return False


class CodeRule:
    """One code rule's logic over one unit (a top-level statement, or a member of a top-level class)."""

    rule: ClassVar[Rule]
    # The language glue that runs this rule with the others of its language.
    frontend: ClassVar[Frontend]
    # The shared per-unit inputs (``Frontend.unit_input``: "facts", "index" ...) every finding of
    # this rule comes from: a unit where all of them are empty is not handed to the rule at all
    # (most units of a file, and a generator and a list per rule and unit add up). Empty: always run.
    reads: ClassVar[frozenset[str]] = frozenset()

    def applies(self, unit: Node, document: Document, context: CheckContext) -> bool:
        """A cheap prefilter (bytes in the unit) before any tree work; the default: always."""
        return True

    def check_unit(self, unit: Node, document: Document, context: CheckContext) -> Iterable[Finding]:
        return ()

    def module_context_key(self, document: Document, context: CheckContext) -> object:
        """What, outside a unit, this rule's findings depend on (see ``NodeCheck.module_context_key``)."""
        return None


class Frontend:
    """How one language's rules are run over a unit, and what their findings depend on outside it."""

    languages: frozenset[str] = frozenset()

    def module_context_key(
        self, document: Document, context: CheckContext, rules: Sequence[CodeRule]
    ) -> object:
        # The rules' own keys, each once (most rules of a language share one: the imports).
        return tuple(dict.fromkeys(rule.module_context_key(document, context) for rule in rules))

    def unit_context_key(self, unit: Node, document: Document, context: CheckContext) -> object:
        return None

    def preload(self) -> None:
        """See ``Check.preload``."""

    def unit_context_epoch(self, document: Document, context: CheckContext) -> object:
        """See ``NodeCheck.unit_context_epoch``; None: no reuse. A frontend whose units have no
        context key of their own (the default ``unit_context_key``) has one epoch forever."""
        return () if type(self).unit_context_key is Frontend.unit_context_key else None

    def unit_input(self, name: str, unit: Node, document: Document, context: CheckContext) -> bool:
        """Whether the unit's input ``name`` (see ``CodeRule.reads``) is not empty; asked at most
        once per unit, and only while a set of inputs some rule reads is still undecided. A frontend without shared inputs says every one is there."""
        return True

    def check_unit(
        self, unit: Node, document: Document, context: CheckContext, rules: Sequence[CodeRule]
    ) -> list[Finding]:
        # Keyed by the sequence's id: the plan holds the sequence, so no other can take that id.
        plan = context.cache.get(_PLANS, id(rules), lambda: _Plan(rules))
        # Which sets of inputs the unit has (a bit per set); each input asked at most once.
        present = 0
        asked: dict[str, bool] = {}
        for bit, reads in plan.input_sets:
            for name in reads:
                found = asked.get(name)
                if found is None:
                    found = asked[name] = self.unit_input(name, unit, document, context)
                if found:
                    present |= bit
                    break
        findings: list[Finding] = []
        for rule, prefiltered in plan.runnable(present):
            if not prefiltered or rule.applies(unit, document, context):
                findings.extend(guarded(rule, rule.check_unit, unit, document, context))
        return findings

    def check_units(
        self, units: Sequence[Node], document: Document, context: CheckContext, rules: Sequence[CodeRule]
    ) -> list[Finding]:
        """``check_unit`` of every unit of a one-shot run, in order (``NodeCheck.check_nodes``)."""
        return [finding for unit in units for finding in self.check_unit(unit, document, context, rules)]


class _Plan:
    """One run's dispatch of a sequence of rules: the distinct sets of inputs they read (a bit
    each), and per combination of the sets a unit has, the rules to hand it, in their order.

    A unit of most files has none of the inputs, so it meets the few rules that read none instead
    of a test per rule (20 rules over every unit of a file added up to a tenth of a JavaScript
    run's dispatch). ``prefiltered``: the rule has an ``applies`` of its own to ask.
    """

    __slots__ = ("rules", "input_sets", "_rows", "_runnable")

    def __init__(self, rules: Sequence[CodeRule]) -> None:
        self.rules = rules
        bits: dict[frozenset[str], int] = {}
        for rule in rules:
            if rule.reads and rule.reads not in bits:
                bits[rule.reads] = 1 << len(bits)
        self.input_sets = tuple((bit, reads) for reads, bit in bits.items())
        self._rows = tuple(
            (
                rule,
                bits[rule.reads] if rule.reads else 0,
                "applies" in vars(rule) or type(rule).applies is not CodeRule.applies,
            )
            for rule in rules
        )
        self._runnable: dict[int, tuple[tuple[CodeRule, bool], ...]] = {}

    def runnable(self, present: int) -> tuple[tuple[CodeRule, bool], ...]:
        """The rules (and whether to ask their ``applies``) for a unit with the sets ``present``."""
        found = self._runnable.get(present)
        if found is None:
            found = self._runnable[present] = tuple(
                (rule, prefiltered) for rule, bit, prefiltered in self._rows if not bit or bit & present
            )
        return found


_PLANS: RunKey[_Plan] = RunKey("code_rule.plan")


def guarded(rule: CodeRule, method: Callable[..., Iterable[Finding]], *args: object) -> list[Finding]:
    """One rule's bug must not silence the other rules sharing the dispatcher: log it and go on."""
    try:
        return list(method(*args))
    except RecursionError:
        return []  # pathologically deep expressions: better no finding than a broken run
    except Exception:
        log.exception("rule %s failed", rule.rule.id)
        return []


_ENABLED: RunKey[tuple[CodeRule, ...]] = RunKey("code_rule.enabled")


class CodeRulesCheck(NodeCheck):
    """The one dispatcher: every enabled code rule of one language, over each unit."""

    def __init__(self, frontend: Frontend, code_rules: Iterable[CodeRule]) -> None:
        self.frontend = frontend
        self.code_rules = tuple(sorted(code_rules, key=lambda r: r.rule.id))
        self.rules = tuple(r.rule for r in self.code_rules)  # type: ignore[misc]
        self.languages = frontend.languages  # type: ignore[misc]

    def enabled(self, context: CheckContext) -> tuple[CodeRule, ...]:
        """The rules the configuration enables, worked out once per run rather than per unit."""
        is_enabled = context.config.is_enabled
        return context.cache.get(
            _ENABLED, id(self), lambda: tuple(r for r in self.code_rules if is_enabled(r.rule.id))
        )

    def module_context_key(self, document: Document, context: CheckContext) -> object:
        return self.frontend.module_context_key(document, context, self.enabled(context))

    def unit_context_key(self, unit: Node, document: Document, context: CheckContext) -> object:
        return self.frontend.unit_context_key(unit, document, context)

    def has_unit_context_keys(self) -> bool:
        # Every language's frontend has them today (Python, JS, Java); a frontend without runs by text.
        return type(self.frontend).unit_context_key is not Frontend.unit_context_key

    def unit_context_epoch(self, document: Document, context: CheckContext) -> object:
        return self.frontend.unit_context_epoch(document, context)

    def check_node(self, node: Node, document: Document, context: CheckContext) -> Iterable[Finding]:
        return self.frontend.check_unit(node, document, context, self.enabled(context))

    def check_nodes(self, nodes: Sequence[Node], document: Document, context: CheckContext) -> list[Finding]:
        return self.frontend.check_units(nodes, document, context, self.enabled(context))

    def preload(self) -> None:
        self.frontend.preload()


def group_code_rules(code_rules: Iterable[CodeRule]) -> list[CodeRulesCheck]:
    """One dispatcher per frontend, in the order the frontends first appear."""
    by_frontend: dict[int, tuple[Frontend, list[CodeRule]]] = {}
    for code_rule in code_rules:
        by_frontend.setdefault(id(code_rule.frontend), (code_rule.frontend, []))[1].append(code_rule)
    return [CodeRulesCheck(frontend, rules) for frontend, rules in by_frontend.values()]


def rules_check(language: str) -> CodeRulesCheck:
    """The registered dispatcher of ``language``'s code rules (for tests and benchmarks)."""
    for check in all_checks():
        if isinstance(check, CodeRulesCheck) and language in check.languages:
            return check
    raise LookupError(f"no code rules for {language}")
