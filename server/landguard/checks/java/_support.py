"""What the Java rules (LG4xx) share besides the dataflow core.

- the per-run dataflow glue: the file's ``FileAnalysis`` (``file_analysis``), the facts of a
  unit's functions (``unit_facts``), the sinks of a kind untrusted data reaches
  (``tainted_sinks``), and ``JavaTaintCheck``, the base of rules that report such sinks;
- ``JavaCheck``: the base of the Java rules (a ``CodeRule``: ``CHECK = MyRule()``), with a byte
  prefilter, whose module context includes the file's class facts and, for dataflow rules, the
  summaries of its functions; all of them run in one pass per unit (``JavaFrontend``);
- small tree helpers and edits for the pattern rules and fixes (node text, call parts,
  statements, imports), ``module_facts`` (imports, ``static final`` constants, field types)
  and ``MethodScope`` (declared types and assigned values of a method's locals, for fixes).

Whether data is untrusted, constant or sanitized is the core's business (``landguard/dataflow``,
models in ``data/models/java*.toml``); nothing here decides it.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from tree_sitter import Node

from landguard.checks.code_rule import CodeRule, Frontend, occurs_in
from landguard.checks.java import _unit_keys
from landguard.dataflow import ir
from landguard.dataflow.interpret import FileAnalysis, FunctionFacts, SinkHit, SummaryStore
from landguard.dataflow.models import load_models
from landguard.dataflow.shapes import Shape, assignments, function_shapes
from landguard.dataflow.values import PARAMETER, REQUEST, is_request, request_labels
from landguard.engine.findings import Confidence
from landguard.engine.registry import CheckContext, RunKey
from landguard.languages import java as java_adapter
from landguard.languages import java_syntax
from landguard.languages.java_syntax import (
    MethodScope,
    ModuleFacts,
    body_of,
    collect_module_facts,
    declared_name,
    is_type_declaration,
    modifiers_text,
    node_text,
)

if TYPE_CHECKING:
    from landguard.engine.document import Document
    from landguard.engine.findings import Finding

JAVA = "java"
LANGUAGES = frozenset({JAVA})
# The strength of java_random.toml's sources (Random, Math.random ...): for LG403 only.
WEAK_RANDOM = "weak-random"


# ---------------------------------------------------------------------------- small node helpers


# ---------------------------------------------------------------------------- module facts


_MODULE_FACTS: RunKey[ModuleFacts] = RunKey("java.module_facts")
_SCOPE: RunKey[MethodScope] = RunKey("java.method_scope")
_CONSTANTS_MATCHING: RunKey[tuple[bytes, ...]] = RunKey("java.constants_matching")
_FILE_ANALYSIS: RunKey[FileAnalysis] = RunKey("java.file_analysis")
_SUMMARY_KEY: RunKey[tuple] = RunKey("java.summary_key")
_HELPERS_WITH: RunKey[frozenset[str]] = RunKey("java.helpers_with")
_HELPER_NEEDLES: RunKey[tuple[bytes, ...]] = RunKey("java.helper_needles")
_BODY_CLASSES: RunKey[frozenset[str]] = RunKey("java.body_classes")
# Per rule (by id): its own and its also needles that occur in the file (``JavaCheck.file_needles``),
# its other unit needles that do, and the rules that may apply to some unit of the file.
_PRESENT_NEEDLES: RunKey[tuple | None] = RunKey("java.present_needles")
_EXTRA_NEEDLES: RunKey[tuple[bytes, ...]] = RunKey("java.extra_needles")
_LIVE_RULES: RunKey[tuple] = RunKey("java.live_rules")


def module_facts(document: Document, context: CheckContext) -> ModuleFacts:
    """Imports and class-level fields of the document, computed once per analysis run; the last
    tree's when the edit since kept the top-level classes' fields and lies below the imports."""

    def build() -> ModuleFacts:
        kept = java_adapter.kept_facts(document)
        last = _LAST_MODULE_FACTS.get(document)
        if (
            kept is not None
            and kept.fields_kept
            and last is not None
            and last[0] == kept.version
            and last[1].import_line < kept.class_line
            and last[1].line_ending == java_syntax.line_ending(document)
        ):
            facts = last[1]
        else:
            facts = collect_module_facts(document)
        _LAST_MODULE_FACTS[document] = (document.tree_generation, facts)
        return facts

    return context.cache.get(_MODULE_FACTS, id(document.tree), build)


# Per document: (its tree's ``Document.tree_generation``, the module facts of that tree).
_LAST_MODULE_FACTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


_FIELDS_WITH: RunKey[frozenset[str]] = RunKey("java.fields_initialised_with")


def fields_initialised_with(
    document: Document, context: CheckContext, needle: bytes, value: re.Pattern[str]
) -> frozenset[str]:
    """``java_syntax.fields_initialised_with``, once per run for each (needle, pattern)."""
    return context.cache.get(
        _FIELDS_WITH,
        (needle, value.pattern),
        lambda: java_syntax.fields_initialised_with(document, needle, value),
    )


# ---------------------------------------------------------------------------- method scope


def method_scope(unit: Node, document: Document, context: CheckContext) -> MethodScope:
    """The scope of ``unit``, built once per analysis run and shared by all Java checks."""
    return context.cache.get(
        _SCOPE,
        (unit.start_byte, unit.end_byte),
        lambda: MethodScope(unit, document, module_facts(document, context)),
    )


def constants_matching(
    document: Document, context: CheckContext, key: str, test: Callable[[str], object]
) -> tuple[bytes, ...]:
    """Names (as bytes) of the class constants whose value passes ``test``, found once per run."""
    return context.cache.get(
        _CONSTANTS_MATCHING,
        key,
        lambda: tuple(
            name.encode() for name, value in module_facts(document, context).constants if test(value)
        ),
    )


# ---------------------------------------------------------------------------- dataflow


def file_analysis(document: Document, context: CheckContext) -> FileAnalysis:
    """The dataflow analysis of the document's functions, built once per analysis run."""

    def build() -> FileAnalysis:
        store = _STORES.get(document)
        if store is None:
            store = _STORES[document] = SummaryStore()
        return FileAnalysis(java_adapter.file_functions(document), load_models(JAVA), store=store)

    return context.cache.get(_FILE_ANALYSIS, None, build)


# Each open document's summaries, reused across runs while its functions' IR is.
_STORES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def summary_key(document: Document, context: CheckContext) -> object:
    """The file's facts and same-file summaries: what a unit's dataflow depends on outside it."""
    return context.cache.get(
        _SUMMARY_KEY,
        None,
        lambda: (java_adapter.context_key(document), file_analysis(document, context).summary_key()),
    )


def helper_needles(document: Document, context: CheckContext, kind: str) -> tuple[bytes, ...]:
    """``name(`` of every same-file function whose summary has a sink of ``kind``, once per run
    (every rule's prefilter asks for every unit: 16,000 times on opening ``Character.java``)."""
    return context.cache.get(
        _HELPER_NEEDLES,
        kind,
        lambda: tuple(
            sorted(
                {name.rsplit(".", 1)[-1].encode() + b"(" for name in _helpers_with(document, context, kind)}
            )
        ),
    )


def unit_facts(unit: Node, document: Document, context: CheckContext, kind: str) -> list[FunctionFacts]:
    """The dataflow facts of the functions in the unit (methods, lambdas, anonymous classes) that
    call a sink of ``kind`` or a same-file helper holding one: the others cannot report it."""
    analysis = file_analysis(document, context)
    wanted = _sink_methods(kind) | _helpers_with(document, context, kind)
    found = []
    for function in java_adapter.lower_unit(unit, document):
        if _call_names(function) & wanted:
            found.append(analysis.facts(function))  # memoised per run by the analysis
    return found


@functools.cache
def _sink_methods(kind: str) -> frozenset[str]:
    models = load_models(JAVA)
    return frozenset(
        row.method or (row.name or "").rsplit(".", 1)[-1] for row in models.sinks.rows if row.kind == kind
    )


def _helpers_with(document: Document, context: CheckContext, kind: str) -> frozenset[str]:
    """Callee keys of same-file functions whose summary has a sink of ``kind``. A function that
    reaches no sink row of ``kind`` (``FileAnalysis.may_reach_sink``, on the IR) has none in its
    summary: it is not summarised for this question."""
    cached = context.cache.peek(_HELPERS_WITH, kind)
    if cached is None:
        analysis = file_analysis(document, context)
        by_kind = _helpers_by_kind(document, context)
        found = by_kind.get(kind)
        if found is None:
            found = set()
            gate = one_shot(context)  # an editor's run has every summary made (the digest)
            for name in analysis.called_keys():
                function = analysis.by_key[name]
                if gate and not analysis.may_reach_sink(function, kind):
                    continue
                summary = analysis.summary(function)
                if summary is not None and any(sink.kind == kind for sink in summary.sinks):
                    found.add(name)
            found = by_kind[kind] = frozenset(found)
        cached = context.cache.put(_HELPERS_WITH, kind, found)
    return cached


def one_shot(context: CheckContext) -> bool:
    """Whether this run is one with no other (``landguard check``, ``CheckContext.one_shot``): it
    checks every unit once. An editor's run checks the units an edit changed, with every summary
    of the file made or kept for the unit keys: the shortcuts that pay over a whole file cost it
    more than they save."""
    return context.one_shot


def _helpers_by_kind(document: Document, context: CheckContext) -> dict[str, frozenset[str]]:
    """This run's helpers per sink kind: the last run's while the summaries are the same. Their
    digest (``summary_key``) is taken when this run's unit keys made it, or when the document had
    a run before: a one-shot run (``landguard check``, no unit keys) neither has nor needs one,
    and summarising every called function for it was most of a Java file's dispatch."""

    def build() -> dict[str, frozenset[str]]:
        last = _HELPERS.get(document)
        digest = context.cache.peek(_SUMMARY_KEY)
        if digest is None and last is not None:
            digest = summary_key(document, context)
        if last is None or digest is None or last[0] != digest:
            last = _HELPERS[document] = (digest, {})
        return last[1]

    return context.cache.get(_HELPERS_RUN, None, build)


# Per document: (the summary digest, or None when its run made none; the helpers holding a sink
# of each kind under it).
_HELPERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_HELPERS_RUN: RunKey[dict[str, frozenset[str]]] = RunKey("java.helpers_by_kind")


def _call_names(function: ir.Function) -> frozenset[str]:
    """The methods and callees of the function's calls (computed once per lowered function)."""
    names = function.extra.get("call_names")
    if names is None:
        names = set()
        for expr in java_adapter.walk_expressions(function.body):
            if isinstance(expr, ir.Call):
                names.add(expr.method)
                if expr.callee:
                    names.add(expr.callee)
        names = function.extra["call_names"] = frozenset(names)
    return names


def tainted_sinks(
    unit: Node,
    document: Document,
    context: CheckContext,
    kind: str,
    *,
    passed_whole: bool = False,
    request_only: bool = False,
) -> Iterator[tuple[FunctionFacts, SinkHit, bool]]:
    """(facts, hit, whole) for the sinks of ``kind`` in the unit that request data or a parameter of
    the method reaches, one per call. ``whole``: only parameters reach it, passed in whole - the
    caller's to check, so such hits are left out unless ``passed_whole``."""
    for facts in unit_facts(unit, document, context, kind):
        seen: set[int] = set()
        for hit in facts.sink_hits(kind, (REQUEST,) if request_only else None):
            if id(hit.call) in seen:
                continue
            if any(label.strength == WEAK_RANDOM for label in hit.labels):
                # A predictable number is no injection: only LG403 follows those labels.
                labels = tuple(label for label in hit.labels if label.strength != WEAK_RANDOM)
                if not labels:
                    continue
                hit = dataclasses.replace(hit, labels=labels)
            whole = not any(label.strength != PARAMETER for label in hit.labels) and _passed_whole(facts, hit)
            if whole and not passed_whole:
                continue
            seen.add(id(hit.call))
            yield facts, hit, whole


def _passed_whole(facts: FunctionFacts, hit: SinkHit) -> bool:
    """Whether the values flowing into the sink are the method's parameters themselves."""
    names = {param.name for param in facts.function.params}
    call = hit.call
    labelled = {label.path[0] for label in hit.labels if label.path}
    if hit.via_helper is not None and labelled and labelled <= names:
        # Through a helper, only the parameters the labels name reach its sink: passed whole when
        # each of them is an argument as it is (``search(name.get(0), filter, cons)``).
        return labelled <= {arg.name for arg in call.args if isinstance(arg, ir.Name)}
    positions = hit.sink.get("args") if hit.via_helper is None else None
    arguments = [call.args[p] for p in positions if p < len(call.args)] if positions else list(call.args)
    arguments = [arg for arg in arguments if not isinstance(arg, (ir.Lit, ir.Opaque))]
    return bool(arguments) and all(isinstance(arg, ir.Name) and arg.name in names for arg in arguments)


def hit_words(hit: SinkHit) -> str:
    """How a finding names what reaches the sink."""
    return "request data" if is_request(hit.labels) else "non-constant values"


def hit_confidence(hit: SinkHit) -> Confidence:
    return Confidence.HIGH if is_request(hit.labels) else Confidence.MEDIUM


# ---------------------------------------------------------------------------- check base


class JavaFrontend(Frontend):
    """Runs the LG4xx rules over a unit, one pass for all of them; each rule's byte prefilter first.
    The module context is each rule's own (the file's imports and class facts), each taken once; a
    unit's own context is what its dataflow reads outside it (``unit_context_key``)."""

    languages = LANGUAGES

    def check_unit(
        self, unit: Node, document: Document, context: CheckContext, rules: Sequence[CodeRule]
    ) -> list[Finding]:
        # Only the rules some unit of the file can pass the prefilter of (``file_needles``): the
        # others would say no to every unit, one by one (18 rules over 4,000 units in ``java/io``).
        if not one_shot(context):
            return super().check_unit(unit, document, context, rules)
        live = context.cache.get(
            _LIVE_RULES,
            id(rules),
            lambda: tuple(
                rule
                for rule in rules
                if not isinstance(rule, JavaCheck) or rule.file_needles(document, context) is not None
            ),
        )
        return super().check_unit(unit, document, context, live)

    def unit_context_key(self, unit: Node, document: Document, context: CheckContext) -> object:
        return _unit_keys.unit_context_key(unit, document, context)

    def unit_context_epoch(self, document: Document, context: CheckContext) -> object:
        # A unit's key follows from its text and its class while the file facts (in the summary
        # key), the summaries and the class members are the same; the engine's unit cache key
        # holds its class (``analyze.UnitKey``): one text in two classes is two units.
        return _unit_keys.unit_key_state(document, context).epoch


FRONTEND = JavaFrontend()


class JavaCheck(CodeRule):
    """A Java rule with a cheap byte prefilter before any tree work."""

    frontend = FRONTEND
    # The unit is skipped unless its source contains one of these byte strings ...
    needles: tuple[bytes, ...] = ()
    # ... and, when given, one of these too.
    also_needles: tuple[bytes, ...] = ()
    # Whether fixes add imports. Such results edit outside their unit and are never cached
    # (``engine.analyze``), so where new imports go is no context: a paste above the imports
    # moves that line without rechecking every unit. The imports themselves are in the key.
    fixes_add_imports = False

    # Whether the check's findings depend on the dataflow of other units (same-file summaries),
    # and the sink kind it reports.
    uses_dataflow = False
    kind: str = ""

    def unit_needles(self, document: Document, context: CheckContext) -> tuple[bytes, ...]:
        if self.uses_dataflow and self.needles:
            # A unit calling a same-file helper that holds such a sink needs checking too.
            return self.needles + helper_needles(document, context, self.kind)
        return self.needles

    def module_context_key(self, document: Document, context: CheckContext) -> object:
        # The class fields and same-file summaries a rule reads by name are in each unit's own key.
        return module_facts(document, context).module_key()

    def applies(self, unit: Node, document: Document, context: CheckContext) -> bool:
        if not one_shot(context):
            # An editor's run checks the few units an edit changed: searching the whole file for
            # every rule's needles would cost it more than the units' own prefilter.
            needles = self.unit_needles(document, context)
            if needles and not occurs_in(document.source, unit, needles):
                return False
            return not self.also_needles or occurs_in(document.source, unit, self.also_needles)
        view = self.file_needles(document, context)
        if view is None:
            return False
        own, also = view
        source = document.source
        if also is not None and not occurs_in(source, unit, also):
            return False
        if own is None or (own and occurs_in(source, unit, own)):
            return True
        extra = self._extra_needles(document, context)
        return bool(extra) and occurs_in(source, unit, extra)

    def file_needles(
        self, document: Document, context: CheckContext
    ) -> tuple[tuple[bytes, ...] | None, tuple[bytes, ...] | None] | None:
        """(own needles, also needles) as far as they occur in the file, found once per run (None
        for a list the rule has not); None when no unit of the file can pass ``applies``. Most
        rules' needles are in no unit of a file, and a unit holding one of the rule's own needles
        needs no others (``unit_needles``: helpers, whose same-file summaries are the costly part)."""

        def build() -> tuple | None:
            source = document.source
            own = tuple(n for n in self.needles if n in source) if self.needles else None
            also = tuple(n for n in self.also_needles if n in source) if self.also_needles else None
            if also == ():
                return None
            if own == () and not self._extra_needles(document, context):
                return None
            return own, also

        return context.cache.get(_PRESENT_NEEDLES, id(self), build)

    def _extra_needles(self, document: Document, context: CheckContext) -> tuple[bytes, ...]:
        """``unit_needles`` beyond the rule's own that occur in the file, found once per run."""

        def build() -> tuple[bytes, ...]:
            source = document.source
            return tuple(
                n for n in self.unit_needles(document, context) if n not in self.needles and n in source
            )

        return context.cache.get(_EXTRA_NEEDLES, id(self), build)


class JavaTaintCheck(JavaCheck):
    """A rule that reports each sink of ``kind`` that untrusted data reaches: ``message`` is
    formatted with ``what`` (request data / non-constant values), ``method`` (the sink's method)
    and ``where`` (`` in helper()`` for a sink inside a same-file helper)."""

    uses_dataflow = True
    kind: str = ""
    message: str = ""
    request_only = False  # parameters are not reported (data must come from the request)
    # Parameters are reported only where this method builds text from them: one passed on
    # reshaped (``name.get(0)``), parsed (``new LdapURL(name).getFilter()``) or chosen
    # (``override == null ? filter : override``) is the caller's to check, as one passed whole is.
    parameters_when_built = False

    def check_unit(self, unit: Node, document: Document, context: CheckContext) -> Iterable:
        rule = self.rule
        for facts, hit, _whole in tainted_sinks(
            unit, document, context, self.kind, request_only=self.request_only
        ):
            node = hit.call.node
            if node is None or not self.reports(facts, hit):
                continue
            if self.parameters_when_built and not is_request(hit.labels) and not builds_text(facts, hit):
                continue
            method = hit.inner.method if hit.inner is not None else hit.call.method
            where = f" in {hit.via_helper}()" if hit.via_helper else ""
            yield rule.finding(
                document.node_span(node),
                self.message.format(what=hit_words(hit), method=method, where=where),
                confidence=hit_confidence(hit),
                fixes=self.fixes(facts, hit, unit, document, context),
            )

    def reports(self, facts: FunctionFacts, hit: SinkHit) -> bool:
        """A rule's last word on a hit (e.g. validated by an enclosing check)."""
        return True

    def fixes(
        self, facts: FunctionFacts, hit: SinkHit, unit: Node, document: Document, context: CheckContext
    ) -> list:
        """The fixes offered with a hit's finding (none unless the rule has one)."""
        return []


# ---------------------------------------------------------------------------- what reaches a sink


def sink_arguments(hit: SinkHit) -> list[ir.Expr]:
    """The argument expressions of the hit's call that its model row says reach the sink (every
    argument of a same-file helper holding the sink)."""
    positions = hit.sink.get("args") if hit.via_helper is None else None
    args = hit.call.args
    return [args[p] for p in positions if p < len(args)] if positions else list(args)


# Calls whose first argument is a format string the others are put into.
_FORMATTERS = frozenset({"java.lang.String.format", "java.text.MessageFormat.format"})


def expression_shape(facts: FunctionFacts, expr: ir.Expr) -> Shape:
    """Whether ``expr`` is text built from parts, its constant fragments and prefix."""
    return function_shapes(facts.function, _FORMATTERS).shape(expr)


def builds_text(facts: FunctionFacts, hit: SinkHit) -> bool:
    """Whether one of the hit's sink arguments is text this method assembles from constant
    fragments and other values (``"(uid=" + user + ")"``), rather than a value it passes on."""
    shapes = (expression_shape(facts, expr) for expr in sink_arguments(hit))
    return any(shape.built and shape.fragments for shape in shapes)


def constant_prefix(facts: FunctionFacts, expr: ir.Expr) -> str:
    """The constant text ``expr`` certainly starts with ("" when unknown)."""
    return expression_shape(facts, expr).prefix or ""


_LINE_BREAK_PATTERN = re.compile(r"\\r|\\n|\r|\n|\\R|\\s|\\v|\\p\{Cntrl\}|\\p\{Cc\}|\[\^")
_STRIPPERS = frozenset({"replace", "replaceAll"})


def strips_line_breaks(facts: FunctionFacts, expr: ir.Expr, kind: str, depth: int = 0) -> bool:
    """Whether every part of ``expr`` that carries request data had CR/LF replaced on the way
    (``x.replace('\\n', '_')``, ``x.replaceAll("[\\r\\n]", "")``, through variables and ``+``)."""
    if depth > 6:
        return False
    if isinstance(expr, ir.Lit):
        return True
    node = getattr(expr, "node", None)
    value = facts.values.get(node) if node is not None else None
    if value is not None and not request_labels(value, kind):
        return True
    if isinstance(expr, ir.Call) and expr.method in _STRIPPERS and expr.args:
        pattern = expr.args[0]
        if isinstance(pattern, ir.Lit) and isinstance(pattern.value, str):
            if _LINE_BREAK_PATTERN.search(pattern.value):
                return True
        return expr.receiver is not None and strips_line_breaks(facts, expr.receiver, kind, depth + 1)
    if isinstance(expr, ir.Call) and expr.receiver is not None and not expr.args:
        # ``.trim()``, ``.toString()`` of a stripped value; a source (``getRequestURI()``) is not.
        receiver = getattr(expr.receiver, "node", None)
        before = facts.values.get(receiver) if receiver is not None else None
        if before is None or not request_labels(before, kind):
            return False
        return strips_line_breaks(facts, expr.receiver, kind, depth + 1)
    if isinstance(expr, ir.Concat):
        return all(strips_line_breaks(facts, part, kind, depth + 1) for part in expr.parts)
    if isinstance(expr, ir.BinOp) and expr.op == "+":
        return strips_line_breaks(facts, expr.left, kind, depth + 1) and strips_line_breaks(
            facts, expr.right, kind, depth + 1
        )
    if isinstance(expr, ir.Name):
        values = [a.value for a in assignments(facts.function.body) if _assigns(a, expr.name)]
        return bool(values) and all(strips_line_breaks(facts, v, kind, depth + 1) for v in values)
    return False


def _assigns(assign: ir.Assign, name: str) -> bool:
    return isinstance(assign.target, ir.Name) and assign.target.name == name


def route_facts(
    unit: Node, document: Document, context: CheckContext
) -> Iterator[tuple[ir.Function, FunctionFacts]]:
    """(function, facts) of the unit's Spring handler methods (``@GetMapping``/...): what they
    return is the response (a view name, or the body of a ``@ResponseBody`` handler)."""
    analysis = file_analysis(document, context)
    for function in java_adapter.lower_unit(unit, document):
        if "route" in function.tags:
            yield function, analysis.facts(function)


_BODY_ANNOTATIONS = re.compile(r"@(?:[\w.]+\.)?(?:RestController|ResponseBody)\b")


def body_classes(document: Document, context: CheckContext) -> frozenset[str]:
    """Simple names of the file's classes annotated ``@RestController``/``@ResponseBody``: their
    handlers' return values are response bodies."""
    cached = context.cache.peek(_BODY_CLASSES)
    if cached is None:
        kept = java_adapter.kept_facts(document)
        last = _LAST_BODY_CLASSES.get(document)
        if kept is not None and last is not None and last[0] == kept.version:
            # The edit lies inside a member (no class) or between members: the headers are the same.
            _LAST_BODY_CLASSES[document] = (document.tree_generation, last[1])
            return context.cache.put(_BODY_CLASSES, None, last[1])
        found = set()
        root = document.tree.root_node if document.tree is not None else None
        stack = list(root.named_children) if root is not None else []
        while stack:
            node = stack.pop()
            if not is_type_declaration(node):
                continue
            if _BODY_ANNOTATIONS.search(modifiers_text(document, node)):
                found.add(node_text(document, declared_name(node)))
            body = body_of(node)
            if body is not None:
                stack.extend(child for child in body.named_children if is_type_declaration(child))
        cached = context.cache.put(_BODY_CLASSES, None, frozenset(found))
        _LAST_BODY_CLASSES[document] = (document.tree_generation, cached)
    return cached


# Per document: (its tree's ``Document.tree_generation``, ``body_classes`` of that tree).
_LAST_BODY_CLASSES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
