"""How the Python rules (LG2xx) are run: one pass over a unit's calls, dispatched by callee name.

A Python rule subclasses ``CallRule`` (a ``CodeRule``), sets ``rule`` (the module's ``RULE``) and
``callee_names`` (last callee names of interest: ``{"execute"}``; renamed imports are dispatched
too), implements ``check_call(call, name, unit, document, context)`` with ``name`` the qualified
call name, and/or ``check_unit(unit, document, context)`` (prefiltered by ``unit_markers``, byte
strings one of which must occur in the unit); the module defines ``CHECK = MyRule()``.

``PythonFrontend`` runs them all in a single pass per unit: a regex over the unit's bytes skips
units that call none of the dispatched names (most of them), calls in dead code or of the file's
own methods are left to the dataflow, and a top-level ERROR node (tree-sitter's recovery after an
unclosed bracket) is re-parsed statement by statement, so half-written code does not hide the
findings after it. A taint rule (``kind`` set) also reports model sinks of its kind that its own
dispatch does not know (user rows, sinks inside same-file helpers) through ``report_model_hit``.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from tree_sitter import Node

from landguard.checks.code_rule import CodeRule, Frontend, guarded, occurs_in
from landguard.checks.python._support import (
    PYTHON,
    function_flow,
    hidden_definitions,
    module_context_key,
    module_imports,
    python_dataflow,
    scope_imports,
    share_module_imports,
    unit_calls,
)
from landguard.dataflow.interpret import SinkHit
from landguard.dataflow.values import REQUEST
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding
from landguard.engine.registry import CheckContext, RunKey
from landguard.languages.python import PythonFlow
from landguard.languages.python_syntax import (
    Flow,
    callee_attribute,
    is_recovery_error,
    qualified_call_name,
    scope_of,
)


class PythonFrontend(Frontend):
    languages = PYTHON

    def preload(self) -> None:
        import libcst  # noqa: F401 - the fixes build with it (imported on the first fix otherwise)

    def module_context_key(
        self, document: Document, context: CheckContext, rules: Sequence[CodeRule]
    ) -> object:
        return module_context_key(document, context)

    def unit_context_key(self, unit: Node, document: Document, context: CheckContext) -> object:
        # Same-file summaries of what the unit calls, the module constants it reads, and the
        # top-level definitions hiding a builtin or an import whose names it writes (a superset:
        # the name anywhere in its text).
        dataflow = python_dataflow(unit, context)
        dataflow.attach(document)
        key = dataflow.unit_key(unit)
        hidden = hidden_definitions(document, context)
        if hidden:
            source, start, end = document.source, unit.start_byte, unit.end_byte
            named = tuple(name for word, name in hidden if source.find(word, start, end) >= 0)
            if named:
                return (key, named)
        return key

    def unit_context_epoch(self, document: Document, context: CheckContext) -> object:
        # A unit's key is its text's while no summary, constant or hiding definition changed.
        tree = document.tree
        if tree is None:
            return None
        dataflow = python_dataflow(tree.root_node, context)
        dataflow.attach(document)
        epoch = dataflow.key_epoch()
        return None if epoch is None else (epoch, hidden_definitions(document, context))

    def check_unit(
        self, unit: Node, document: Document, context: CheckContext, rules: Sequence[CodeRule]
    ) -> list[Finding]:
        dispatch = _dispatch_for(tuple(rules))  # type: ignore[arg-type]
        if is_recovery_error(unit):
            return _check_error_unit(dispatch, unit, document, context)
        return _check_unit(dispatch, unit, document, context)

    def check_units(
        self, units: Sequence[Node], document: Document, context: CheckContext, rules: Sequence[CodeRule]
    ) -> list[Finding]:
        # A one-shot run: a unit check that cannot find anything anywhere in the file (its markers
        # or its own file-wide condition are missing) is left out of every unit, not asked of each.
        # An editor's run does not: that would read the whole file on every keystroke.
        every = _dispatch_for(tuple(rules))  # type: ignore[arg-type]
        dispatch = dataclasses.replace(
            every, unit_rules=tuple(r for r in every.unit_rules if r.applies_to_document(document, context))
        )
        findings: list[Finding] = []
        for unit in units:
            if is_recovery_error(unit):
                findings.extend(_check_error_unit(dispatch, unit, document, context))
            else:
                findings.extend(_check_unit(dispatch, unit, document, context))
        return findings


FRONTEND = PythonFrontend()


class CallRule(CodeRule):
    """One Python rule's logic over calls (and optionally whole units)."""

    frontend = FRONTEND
    # Last names of the callees this rule looks at (`execute`, `md5`); calls are dispatched on them.
    callee_names: ClassVar[frozenset[str]] = frozenset()
    # Byte strings of which at least one must occur in a unit for ``check_unit`` to run.
    unit_markers: ClassVar[tuple[bytes, ...]] = ()
    # The sink kind of a taint rule (``"sql"``): model sinks of this kind outside the rule's own
    # dispatch (user rows, sinks inside same-file helpers) are reported by ``report_model_hit``.
    kind: ClassVar[str] = ""
    # Only data that did not pass through an unmodelled call counts (URLs: where the head goes).
    direct_only: ClassVar[bool] = False

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        return ()

    def applies(self, unit: Node, document: Document, context: CheckContext) -> bool:
        markers = self.unit_markers
        source = document.source
        return not markers or occurs_in(source, unit, markers)

    def applies_to_document(self, document: Document, context: CheckContext) -> bool:
        """Whether ``check_unit`` can find anything in some unit of the document: False only if
        ``applies`` says no to every unit or the rule has a file-wide precondition the document
        lacks (a rule with one says so here). Asked once per document in a one-shot run."""
        markers = self.unit_markers
        source = document.source
        return not markers or any(source.find(marker) >= 0 for marker in markers)

    @staticmethod
    def flow_for(node: Node, unit: Node, context: CheckContext) -> Flow:
        return function_flow(scope_of(node, unit), context)

    def report_model_hit(self, hit: SinkHit, document: Document) -> Finding:
        sink = hit.sink.label
        where = f" inside `{hit.via_helper}`" if hit.via_helper else ""
        source = hit.strongest
        via = f" (through {', '.join(f'`{name}`' for name in source.path)})" if source.path else ""
        return self.rule.finding(
            document.node_span(hit.call.node),
            f"data from the web request{via} reaches the {self.kind} sink `{sink}`{where} without a "
            f"{self.kind} sanitizer",
            confidence=Confidence.HIGH,
        )


@dataclass(frozen=True)
class _Dispatch:
    """The enabled rules of a run, indexed: by callee name, with a unit check, with a sink kind."""

    by_name: dict[str, list[CallRule]]
    unit_rules: tuple[CallRule, ...]
    kind_rules: tuple[CallRule, ...]


@functools.lru_cache(maxsize=16)
def _dispatch_for(rules: tuple[CallRule, ...]) -> _Dispatch:
    by_name: dict[str, list[CallRule]] = {}
    for rule in rules:
        for name in rule.callee_names:
            by_name.setdefault(name, []).append(rule)
    return _Dispatch(
        by_name,
        tuple(r for r in rules if type(r).check_unit is not CodeRule.check_unit),
        tuple(r for r in rules if r.kind),
    )


_ALIASES: RunKey[tuple[dict[str, list[CallRule]], re.Pattern[bytes]]] = RunKey("python.alias_dispatch")
_CALL_INDEX: RunKey[list[tuple[Node, str]]] = RunKey("python.call_index")


def _aliases(
    dispatch: _Dispatch, document: Document, context: CheckContext
) -> tuple[dict[str, list[CallRule]], re.Pattern[bytes]]:
    """Renamed imports (`from builtins import eval as evaluate`) dispatch like the original name;
    and the prefilter pattern for all dispatched names."""

    def build() -> tuple[dict[str, list[CallRule]], re.Pattern[bytes]]:
        aliases: dict[str, list[CallRule]] = {}
        for local, qualified in module_imports(document, context).items():
            original = qualified.rsplit(".", 1)[-1]
            rules = dispatch.by_name.get(original)
            if rules and local != original:
                # Also dispatch to the rules of the local name itself (`parse` may be both).
                aliases[local] = list(dict.fromkeys([*dispatch.by_name.get(local, ()), *rules]))
        return aliases, _callee_pattern(frozenset(dispatch.by_name) | frozenset(aliases))

    return context.cache.get(_ALIASES, (id(dispatch), id(document.tree)), build)


def _call_index(unit: Node, context: CheckContext) -> list[tuple[Node, str]]:
    """(call, callee's last name) for every call in the unit, computed once per run."""
    return context.cache.get(
        _CALL_INDEX, unit.id, lambda: [(call, callee_attribute(call)) for call in unit_calls(unit, context)]
    )


def _check_error_unit(
    dispatch: _Dispatch, unit: Node, document: Document, context: CheckContext
) -> list[Finding]:
    """A top-level ERROR node: tree-sitter's recovery can swallow everything after an unclosed
    bracket. Re-parse each top-level statement inside it on its own, so half-written code in one
    function does not blind the checks to the functions after it."""
    lines = document.lines
    first, last = unit.start_point[0], min(unit.end_point[0], len(lines) - 1)
    starts = [first] + [
        n
        for n in range(first + 1, last + 1)
        if lines[n][:1] and not lines[n][0].isspace() and lines[n][0] not in "#)]}"
    ]
    imports = module_imports(document, context)
    findings: list[Finding] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] - 1 if index + 1 < len(starts) else last
        piece = Document("\n".join(lines[start : end + 1]) + "\n", path=document.path, language="python")
        if piece.tree is None:
            continue
        piece_context = CheckContext(context.config, one_shot=context.one_shot)
        share_module_imports(piece_context, piece, imports)
        for child in piece.tree.root_node.children:
            found = _check_unit(dispatch, child, piece, piece_context)
            findings.extend(f.shifted(start) for f in found if f.span.end_line + start <= last)
    return findings


def _check_unit(dispatch: _Dispatch, node: Node, document: Document, context: CheckContext) -> list[Finding]:
    findings: list[Finding] = []
    by_name = dispatch.by_name
    aliases, pattern = _aliases(dispatch, document, context)
    # Most units call nothing of interest: a regex over the unit's bytes says so without a query.
    calls = (
        _call_index(node, context) if pattern.search(document.source, node.start_byte, node.end_byte) else ()
    )
    dataflow = python_dataflow(node, context)
    judged: set[tuple[int, int]] = set()  # (rule, call) pairs the rule's own logic has seen
    # Calls the rules found nothing in, not known to be live: whether a path reaches them is asked
    # only if a model sink hit on one needs it (most calls need no dataflow at all).
    unsure: set[tuple[int, int]] = set()
    for call, last in calls:
        rules = aliases.get(last) or by_name.get(last)
        if not rules:
            continue
        name = qualified_call_name(call, scope_imports(call, document, context))
        if name is None:
            continue
        if name in dataflow.definitions:
            continue  # `self.execute(...)` of the file's own class: its summary decides
        found = [guarded(rule, rule.check_call, call, name, node, document, context) for rule in rules]
        if not any(found):
            unsure.update((id(rule), call.id) for rule in rules)
            continue
        if dataflow.is_dead(call, node):
            continue  # no path reaches it: a branch whose condition folds to a constant
        for rule, rule_findings in zip(rules, found, strict=True):
            judged.add((id(rule), call.id))
            findings.extend(rule_findings)
    findings.extend(_model_sink_findings(dispatch, node, document, context, dataflow, judged, unsure))
    for rule in dispatch.unit_rules:
        if rule.applies(node, document, context):
            findings.extend(guarded(rule, rule.check_unit, node, document, context))
    return findings


def _model_sink_findings(
    dispatch: _Dispatch,
    unit: Node,
    document: Document,
    context: CheckContext,
    dataflow: PythonFlow,
    judged: set,
    unsure: set,
) -> list[Finding]:
    """Request data reaching a sink the rule's own dispatch does not know: a row the user added in
    ``[tool.landguard.models]``, or a sink inside a same-file helper the call reaches. ``judged``:
    the (rule, call) pairs the rule's own logic judged; ``unsure``: those it would have judged if
    the call is live."""
    rules = dispatch.kind_rules
    # Every hit reported here carries request data (``sink_hits``' default strength).
    if not rules or not dataflow.may_hit_a_sink(unit, REQUEST, lambda: unit_calls(unit, context)):
        return []
    findings: list[Finding] = []
    for facts in dataflow.sink_facts(unit):
        for rule in rules:
            for hit in facts.sink_hits(rule.kind):
                if rule.direct_only and all(label.indirect for label in hit.labels):
                    continue
                call = hit.call.node
                if call is None:
                    continue
                pair = (id(rule), call.id)
                if pair in unsure and not dataflow.is_dead(call, unit):
                    unsure.discard(pair)
                    judged.add(pair)
                if pair in judged and hit.via_helper is None:
                    continue
                judged.add((id(rule), call.id))
                findings.append(rule.report_model_hit(hit, document))
    return findings


@functools.lru_cache(maxsize=32)
def _callee_pattern(names: frozenset[str]) -> re.Pattern[bytes]:
    """Matches ``name(`` (whitespace allowed before the parenthesis) for any of ``names``.

    The names are merged into a trie-shaped regex (``ex(?:ec|ecute)``...), which the regex engine
    rejects after a character or two at most positions: about twice as fast as a flat alternation.
    """
    trie: dict = {}
    for name in names:
        node = trie
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return re.compile(rb"\b" + emit(trie).encode() + rb"\s*\(")
