"""The dataflow facts the LG3xx taint rules read, built once per analysis run.

The adapter (``landguard.languages.javascript``) lowers the file's functions; the core
(``landguard.dataflow``) interprets them with the JavaScript models
(``data/models/javascript*.toml``). A rule asks for the facts of the functions of its unit and
decides on what reaches its sinks:

- data of ``request`` strength (a handler's request, ``location``, a ``message`` event) is
  always reported;
- a function's own parameters (``parameter`` strength: the caller is unknown) only where the
  rule is about text *built* from non-constant values (``query(`... ${name}`)``) and the value was
  built in this function — a wrapper passing its parameter straight on is checked at its
  callers, through its summary.

The rules read the core's own helpers through this module too (``flow.call_fact``,
``flow.is_request``, ``flow.request_labels``), as they read the facts.
"""

from __future__ import annotations

import operator
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from landguard.checks.javascript import _sql_text as sql_text
from landguard.dataflow import ir, shapes
from landguard.dataflow.interpret import (
    CallFact,
    FileAnalysis,
    FunctionFacts,
    SinkHit,
    instance_methods,
    sink_applies,
    sink_values,
)
from landguard.dataflow.interpret import call_fact as call_fact
from landguard.dataflow.models import models_for
from landguard.dataflow.shapes import Shape, function_shapes, pins_destination
from landguard.dataflow.values import PARAMETER, REQUEST, Label, Value
from landguard.dataflow.values import is_request as is_request
from landguard.dataflow.values import request_labels as request_labels
from landguard.engine.document import Document
from landguard.engine.registry import CheckContext, RunKey
from landguard.languages import javascript as adapter


def analysis(document: Document, context: CheckContext) -> FileAnalysis:
    """The file's dataflow analysis, shared by every rule in this run."""
    return context.cache.get(_ANALYSIS, id(document.tree), lambda: _new_analysis(document, context))


def _new_analysis(document: Document, context: CheckContext) -> FileAnalysis:
    fa = FileAnalysis(
        adapter.file_functions(document),
        # The shipped models plus the user's rows ([tool.landguard.models.javascript]).
        models_for(document.language, context.config),
        constants=adapter.module_names(document).constants,
        store=adapter.summary_store(document),
    )
    state = _KEY_STATES.get(document)
    if state is not None:
        _note_summaries(state, fa)
    return fa


@dataclass
class _KeyState:
    """What the document's unit context keys are made of, across runs (``unit_key_epoch``)."""

    # The summary signature of every name some unit's context key named, as of the latest
    # analysis of the document: each analysis updates the names whose summary may have changed
    # (``FileAnalysis.suspect_keys``); the others have the summary they had.
    signatures: dict[str, object] = field(default_factory=dict)
    # Counts the analyses in which one of those signatures changed.
    changes: int = 0
    # The file's function keys when ``signatures`` was last kept to them.
    keys: frozenset[str] | None = None


_KEY_STATES: weakref.WeakKeyDictionary[Document, _KeyState] = weakref.WeakKeyDictionary()


def _note_summaries(state: _KeyState, fa: FileAnalysis) -> None:
    known = state.signatures
    suspects = fa.suspect_keys
    changed = False
    for name in known.keys() if suspects is None else suspects & known.keys():
        signature = _signature(fa, name)
        if signature != known[name]:
            known[name] = signature  # an equal one stays the same object: keys compare by identity first
            changed = True
    if changed or suspects is None:
        state.changes += 1


def _signature(fa: FileAnalysis, name: str) -> object:
    callee = fa.lookup(name)
    summary = fa.summary(callee) if callee is not None else None
    return summary.signature() if summary is not None else "<recursive>"


def unit_key_epoch(document: Document, context: CheckContext) -> object:
    """A value that stays the same from run to run while every unit's ``unit_key`` is what it was
    for a unit of the same text (the engine then asks only the units of new text): the units of
    known text kept their lowering, the file's function keys (which of its names a key holds)
    are the same, and none of the summaries a key names changed. None: ask every unit."""
    _fa, _signatures, _lists, keys = context.cache.get(
        _UNIT_KEY_RUN, None, lambda: _unit_key_run(document, context)
    )
    relowerings = adapter.lowering_epoch(document)
    if relowerings is None:
        return None
    state = _KEY_STATES[document]
    if state.keys is not keys:
        # Names that are no function of the file now are in no key (they are again once suspect).
        for name in state.signatures.keys() - keys:
            del state.signatures[name]
        state.keys = keys
    return (state.changes, relowerings, keys)


_ANALYSIS: RunKey[FileAnalysis] = RunKey("js.analysis")
_UNIT_FACTS: RunKey[list[FunctionFacts]] = RunKey("js.unit_facts")
_SINK_HELPERS: RunKey[object] = RunKey("js.sink_helpers")
_CALL_TESTS: RunKey[object] = RunKey("js.call_tests")
_UNIT_KEY_RUN: RunKey[tuple] = RunKey("js.unit_key")
_LITERALS: RunKey[_LiteralReads] = RunKey("js.literal_reads")


def unit_facts(unit, document: Document, context: CheckContext) -> list[FunctionFacts]:
    """Facts of the unit's functions that can matter to a taint rule: those calling a modelled sink
    (or a same-file helper that reaches one), or storing into a property or an index. Interpreting
    only those keeps a large unit with few risky calls cheap."""

    def build() -> list[FunctionFacts]:
        fa = analysis(document, context)
        helper = _sink_helper_test(document, context)
        reads = _call_test(document, context)
        return [
            fa.facts(function)
            for function in adapter.lower_unit(unit, document)
            if _relevant(function, fa, helper, reads)
        ]

    return context.cache.get(_UNIT_FACTS, (unit.id, unit.start_byte, unit.end_byte), build)


# Calls some rule reads besides the sink rows: Location headers, spawn with `shell: true`.
_ALSO_READ = frozenset({"writeHead", "spawn", "spawnSync", "execFile", "execFileSync"})
# Header setters, read for a `Location` header (open redirect): its name is a constant, so a
# file none of whose literals says "location" sets none (``res.set(key, value)`` is a Map's).
_HEADER_SETTERS = frozenset({"setHeader", "set", "header"})


# Property stores some rule reads (DOM XSS): other `obj.name = ...` stores cannot be reported.
_READ_PROPERTIES = frozenset({"innerHTML", "outerHTML"})


def _relevant(function, fa: FileAnalysis, is_sink_helper, reads) -> bool:
    methods = None
    for call in shapes.function_calls(function):
        if reads(call.callee, call.method):
            return True
        # An instance call (``make().run(x)``) can run a same-file method only where the file has a
        # method of its name: the function's instance calls, a walk of its whole IR, are read only
        # then (for every function of a file, that walk was most of this test's cost).
        if call.method and fa.method_keys(call.method):
            if methods is None:
                methods = instance_methods(function)
            if call.method in methods and _runs_sink_helper(call, fa, is_sink_helper):
                return True
    return any(_store_read(assign.target) for assign in shapes.assignments(function.body))


def _call_test(document: Document, context: CheckContext):
    """``reads(callee, method)``: whether a call of ``callee`` (``method``) is one a rule reads
    itself (``_ALSO_READ``), a call of a same-file sink helper, or one a sink row matches. Memoised
    per run: a file calls the same few names over and over, and matching a name against the sink
    rows tries every glob row."""

    def build():
        fa = analysis(document, context)
        is_sink_helper = _sink_helper_test(document, context)
        sinks = fa.models.sinks
        literals = _literals_of(document, context)
        also_read = _ALSO_READ | _HEADER_SETTERS if literals.location else _ALSO_READ
        known: dict[tuple[str | None, str | None], bool] = {}

        def reads(callee: str | None, method: str | None) -> bool:
            found = known.get((callee, method))
            if found is None:
                found = known[(callee, method)] = (
                    method in also_read
                    or is_sink_helper(callee)
                    or any(literals.sql or row.kind != SQL_TEXT for row in sinks.match(callee, method))
                )
            return found

        return reads

    return context.cache.get(_CALL_TESTS, None, build)


# The kind of the query rows on receivers of unknown type (``db.get(sql)``), which the SQL rule
# reports only where the text reads as SQL.
SQL_TEXT = "sql-text"


@dataclass(frozen=True)
class _LiteralReads:
    """What the file's literals allow some rule to read: SQL text (for the ``sql-text`` rows),
    a header named "location" (for the header setters)."""

    sql: bool
    location: bool


def _literals_of(document: Document, context: CheckContext) -> _LiteralReads:
    """In a one-shot run (``landguard check``) the file's answer; an editor's run keeps both open:
    it interprets the few units an edit changed, and a query over all of a 17,000-line file's
    literals on every keystroke (16 ms on lodash) costs more than they would. Open or shut, the
    findings are the same (tests/unit/javascript/test_relevance_test.py)."""
    if not context.one_shot:
        return _OPEN
    return context.cache.get(_LITERALS, None, lambda: _literal_reads(document))


_OPEN = _LiteralReads(sql=True, location=True)


def _literal_reads(document: Document) -> _LiteralReads:
    """Asked of the literals' text where the source has the words (``adapter.literal_words``):
    the words are common in code and comments, rare in literals."""
    return _reads_where(adapter.literal_words(document))


def _reads_where(holds: Callable[[bytes], bool]) -> _LiteralReads:
    """What literals allow whose text holds the words ``holds(word)`` says it holds."""
    if sql_text.may_spell_anything_where(holds):
        return _OPEN
    return _LiteralReads(sql=sql_text.may_read_as_sql_where(holds), location=holds(b"location"))


def _runs_sink_helper(call: ir.Call, fa: FileAnalysis, is_sink_helper) -> bool:
    """For an instance call (``make().run(x)``, a method in ``instance_methods``): whether a
    same-file class method it may run passes a parameter to a sink (whichever class the factory
    returns)."""
    return any(is_sink_helper(key) for key in fa.method_keys(call.method))


def _store_read(target) -> bool:
    """A store a rule reads: a markup property (DOM XSS), or an index whose key is not a constant
    (prototype pollution: ``obj[req.body.key] = v``). Parsers and builders store into fields all
    the time (``node.type = ...``); interpreting them for nothing was most of an edit's cost."""
    if isinstance(target, ir.Attr):
        return target.name in _READ_PROPERTIES
    return isinstance(target, ir.Index) and not isinstance(target.key, ir.Lit)


def _sink_helper_test(document: Document, context: CheckContext):
    """``is_sink_helper(callee)``: whether ``callee`` is the key of a function of the file that
    passes a parameter to a sink. Asked per callee of the units being checked (summarising every
    function of a 17,000-line file on every edit to build the whole set cost more than the edit)."""

    def build():
        fa = analysis(document, context)
        sql = _literals_of(document, context).sql
        known: dict[str, bool] = {}

        def is_sink_helper(callee: str | None) -> bool:
            if not callee or callee not in fa.by_key:
                return False
            found = known.get(callee)
            if found is None:
                function = fa.by_key[callee]
                # No sink reachable from it: its summary has none (no analysis needed).
                summary = fa.summary(function) if fa.may_reach_sink(function) else None
                # A helper passing its parameter to `cache.get(key)` only: no query in this file.
                found = known[callee] = summary is not None and any(
                    sql or sink.kind != SQL_TEXT for sink in summary.sinks
                )
            return found

        return is_sink_helper

    return context.cache.get(_SINK_HELPERS, None, build)


def unit_key(unit, document: Document, context: CheckContext) -> object:
    """What the unit's findings depend on outside it: its lowering (a serial the adapter changes
    whenever the unit is lowered again, which it is when a name it looked up in its context — the
    module's or its wrappers' — changes meaning) and the summaries of the same-file functions its
    functions name (a name that becomes one changes the key). Asked for every unit on every run,
    so the per-run lookups are taken once."""
    fa, signatures, lists, keys = context.cache.get(
        _UNIT_KEY_RUN, None, lambda: _unit_key_run(document, context)
    )
    lowered = lists.get((unit.id, unit.start_byte, unit.end_byte))
    if lowered is None:
        lowered = adapter.unit_lowering(document, unit)
    previous = lowered.context_key
    suspects = fa.suspect_keys
    if (
        previous is not None
        and previous[0] is keys
        and suspects is not None
        and (not suspects or suspects.isdisjoint(previous[1]))
    ):
        # Most units on most edits: the same lowering under the same function keys, and none of
        # the summaries it names can have changed (the test below, without its lookups).
        return previous[3]
    functions = lowered.functions
    if not functions:
        return (lowered.serial,)
    names = functions[0].extra.get("js.unit_referenced")
    if names is None:
        names = functions[0].extra["js.unit_referenced"] = tuple(
            sorted({name for function in functions for name in _referenced(function)})
        )
    # Only the names that are functions of the file count (if one becomes one, the key gains it):
    # filtered once per set of the file's function keys, which most edits leave as it was.
    cached = functions[0].extra.get("js.unit_keyed")
    if cached is None or cached[0] is not keys:
        cached = functions[0].extra["js.unit_keyed"] = (keys, _named_functions(functions, names, keys, fa))
    if previous is not None and previous[1] is not cached[1]:
        previous = None  # it names other functions of the file now
    if previous is not None and suspects is not None and (not suspects or suspects.isdisjoint(cached[1])):
        lowered.context_key = (keys, *previous[1:])
        return previous[3]  # none of the summaries it names can have changed
    current: list[object] = []
    for name in cached[1]:
        signature = signatures.get(name, _MISSING)
        if signature is _MISSING:
            signature = signatures[name] = _signature(fa, name)
        current.append(signature)
    # The same key object while nothing in it changed (most units on most edits): no new objects
    # for the garbage collector to trace through on every keystroke.
    if previous is not None and all(map(operator.is_, previous[2], current)):
        lowered.context_key = (keys, *previous[1:])
        return previous[3]
    key = (lowered.serial, *zip(cached[1], current, strict=True))
    lowered.context_key = (keys, cached[1], current, key)
    return key


def _named_functions(functions, names: tuple[str, ...], keys, fa: FileAnalysis) -> tuple[str, ...]:
    """The names in ``names`` that are keys of the file's functions, with every class method an
    instance call of ``functions`` (``make().run(x)``) may run, whichever class the factory
    returns: the factory's summary (named too) says which."""
    methods = {key for function in functions for m in instance_methods(function) for key in fa.method_keys(m)}
    if not methods:
        return tuple(n for n in names if n in keys)
    return tuple(sorted({n for n in names if n in keys} | methods))


def _unit_key_run(document: Document, context: CheckContext) -> tuple:
    fa = analysis(document, context)
    state = _KEY_STATES.get(document)
    if state is None:
        state = _KEY_STATES[document] = _KeyState()
    return fa, state.signatures, adapter.unit_lists(document), adapter.function_keys(document, fa.by_key)


_MISSING = object()


def _referenced(function) -> tuple[str, ...]:
    names = function.extra.get("js.referenced")
    if names is None:
        found = set()
        for item in shapes.walk(function.body):
            kind = type(item)
            if kind is ir.Call and item.callee:
                found.add(item.callee)
            elif kind is ir.Name:
                found.add(item.name)
        names = function.extra["js.referenced"] = tuple(sorted(found))
    return names


def summary_key(document: Document, context: CheckContext) -> object:
    return analysis(document, context).summary_key()


def shape(facts: FunctionFacts, call_arg) -> Shape:
    return function_shapes(facts.function).shape(call_arg)


def reported(
    hit: SinkHit, facts: FunctionFacts, *, parameters: bool, argument=None, require_built: bool = True
) -> tuple[Label, ...]:
    """The labels of ``hit`` worth a finding (see the module docstring); empty: none."""
    strong = tuple(label for label in hit.labels if label.strength == REQUEST)
    if strong or not parameters or hit.via_helper:
        return strong
    if require_built:
        if argument is None:
            argument = hit.call.args[0] if hit.call.args else None
        if argument is None or not shape(facts, argument).built:
            return ()
    return tuple(label for label in hit.labels if label.strength == PARAMETER)


def hits(
    facts: FunctionFacts,
    kinds: tuple[str, ...],
    *,
    parameters: bool,
    require_built: bool = True,
    direct_only: bool = False,
) -> Iterator[tuple[SinkHit, tuple[Label, ...]]]:
    """Each call reaching a sink of one of ``kinds``, once, with the labels worth reporting."""
    seen: set[int] = set()
    for kind in kinds:
        for hit in _sink_hits(facts, kind):
            if id(hit.call) in seen:
                continue
            argument = _sink_argument(hit)
            labels = reported(
                hit, facts, parameters=parameters, argument=argument, require_built=require_built
            )
            if labels:
                seen.add(id(hit.call))
                yield hit, labels


def _sink_hits(facts: FunctionFacts, kind: str) -> list[SinkHit]:
    """``facts.sink_hits(kind, strengths=None)``, with the sink rows of every call matched once for
    all kinds (each rule asks for its own kinds; matching per kind per rule was most of the cost)."""
    table = facts.__dict__.get("_js_sinks")
    if table is None:
        table = facts.__dict__["_js_sinks"] = {}
        models = facts.models
        for fact in facts.calls:
            if fact.local:
                continue  # a function of this file: its summary decides (helper_hits), not library rows
            for row in models.sinks.match(fact.callee, fact.call.method):
                if sink_applies(row, fact):
                    table.setdefault(row.kind, []).append((fact, row, sink_values(row, fact)))
    hits: list[SinkHit] = []
    for fact, row, values in table.get(kind, ()):
        for value in values:
            labels = tuple(value.labels_for(kind))
            if labels:
                hits.append(SinkHit(fact.call, row, value, labels))
                break
    for hit in facts.helper_hits:
        if hit.sink.kind == kind:
            hits.append(hit)
    return hits


def _sink_argument(hit: SinkHit):
    positions = hit.sink.get("args")
    if hit.via_helper:
        return None
    args = hit.call.args
    if positions:
        return args[positions[0]] if positions[0] < len(args) else None
    # Every argument is a sink (`new Function(a, b, body)`): the one the value came from.
    return args[-1] if args else None


def call_fact_at(facts: FunctionFacts, node) -> CallFact | None:
    """The fact of the call lowered from the tree-sitter ``node`` (unwrapped), if it ran."""
    index = facts.__dict__.get("_js_calls")
    if index is None:
        index = facts.__dict__["_js_calls"] = {
            fact.call.node.id: fact for fact in facts.calls if fact.call.node is not None
        }
    return index.get(adapter.unwrap(node).id) if node is not None else None


def fact_in_unit(unit, document: Document, context: CheckContext, node) -> CallFact | None:
    """The fact of the call at tree-sitter ``node`` in whichever function of ``unit`` holds it."""
    fa = analysis(document, context)
    for function in adapter.lower_unit(unit, document):
        fact = call_fact_at(fa.facts(function), node)
        if fact is not None:
            return fact
    return None


def value_at(facts: FunctionFacts, node) -> Value | None:
    """The value of ``node`` where the analysed code knows it: a call's result, else None."""
    fact = call_fact_at(facts, node)
    return fact.result if fact is not None else None


def carries(node, labels: tuple[Label, ...]) -> bool:
    """Whether the tree-sitter ``node`` holds where one of ``labels`` entered (``req.query`` in it)."""
    for label in labels:
        origin = label.origin
        if origin is not None and hasattr(origin, "start_byte"):
            if node.start_byte <= origin.start_byte and origin.end_byte <= node.end_byte:
                return True
    return False


def outside_labels(value: Value, kind: str) -> tuple[Label, ...]:
    """Labels of data from outside the function (the request, or a parameter) unsanitized for ``kind``."""
    return tuple(value.labels_for(kind))


def assigned_value(facts: FunctionFacts, target):
    """The IR expression assigned to ``target`` (an ``Attr``/``Index`` store target)."""
    return function_shapes(facts.function).stored.get(id(target))


def pinned_destination(facts: FunctionFacts, target) -> bool:
    """Whether the URL expression ``target`` starts with a constant local path or scheme and host."""
    return pins_destination(shape(facts, target).prefix)
