"""What the Java rules (LG4xx) share besides the dataflow core.

- the per-run dataflow glue: the file's ``FileAnalysis`` (``file_analysis``), the facts of a
  unit's functions (``unit_facts``), the sinks of a kind untrusted data reaches
  (``tainted_sinks``), and ``JavaTaintCheck``, the base of rules that report such sinks;
- ``JavaCheck``: a node check with a byte prefilter whose module context includes the file's
  class facts and, for dataflow rules, the summaries of its functions;
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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tree_sitter import Node, QueryCursor

from landguard.dataflow import ir
from landguard.dataflow.interpret import CallFact, FileAnalysis, FunctionFacts, SinkHit
from landguard.dataflow.models import load_models
from landguard.dataflow.shapes import Shape, ShapeReader, assignments
from landguard.dataflow.values import PARAMETER, REQUEST
from landguard.engine.findings import Confidence, Span, TextEdit
from landguard.engine.languages import query
from landguard.engine.registry import CheckContext, NodeCheck
from landguard.languages import java as java_adapter

if TYPE_CHECKING:
    from landguard.engine.document import Document

JAVA = "java"
LANGUAGES = frozenset({JAVA})
# The strength of java_random.toml's sources (Random, Math.random ...): for LG403 only.
WEAK_RANDOM = "weak-random"

CONSTANT_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
FORMAT_SPECIFIER = re.compile(r"%(?:(\d+\$)?[-#+ 0,(]*\d*(?:\.\d+)?([a-zA-Z%]))")


# ---------------------------------------------------------------------------- small node helpers


def node_text(document: Document, node: Node | None) -> str:
    return document.node_text(node) if node is not None else ""


def call_name(document: Document, call: Node) -> str:
    return node_text(document, call.child_by_field_name("name"))


def call_object(call: Node) -> Node | None:
    return call.child_by_field_name("object")


def call_args(call: Node) -> list[Node]:
    arguments = call.child_by_field_name("arguments")
    if arguments is None:
        return []
    return [
        child for child in arguments.named_children if child.type not in ("line_comment", "block_comment")
    ]


def unwrap(node: Node | None) -> Node | None:
    """The expression inside parentheses and casts."""
    while node is not None and node.type in ("parenthesized_expression", "cast_expression"):
        inner = node.child_by_field_name("value") if node.type == "cast_expression" else node.named_child(0)
        if inner is None:
            break
        node = inner
    return node


def simple_type(type_text: str) -> str:
    """``java.util.Random`` -> ``Random``; ``List<String>`` -> ``List``; ``final String`` -> ``String``."""
    base = type_text.split("<", 1)[0].strip()
    return base.rsplit(".", 1)[-1].strip()


def string_literal_value(document: Document, node: Node | None) -> str | None:
    """The text of a string literal (escapes left as written), or None when ``node`` is not one."""
    node = unwrap(node)
    if node is None or node.type != "string_literal":
        return None
    return "".join(
        node_text(document, child)
        for child in node.named_children
        if child.type in ("string_fragment", "multiline_string_fragment", "escape_sequence")
    )


def concat_leaves(document: Document, node: Node) -> list[Node]:
    """The operands of a chain of ``+`` (left to right), without recursion; other nodes are leaves."""
    leaves: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if (
            current.type == "binary_expression"
            and node_text(document, current.child_by_field_name("operator")) == "+"
        ):
            left, right = current.child_by_field_name("left"), current.child_by_field_name("right")
            stack.extend(child for child in (right, left) if child is not None)
        else:
            leaves.append(current)
    return leaves


def unit_bytes(document: Document, unit: Node) -> bytes:
    return document.source[unit.start_byte : unit.end_byte]


def matches(pattern: str, node: Node) -> list[tuple[int, dict[str, list[Node]]]]:
    """Matches of a cached Java query under ``node``."""
    return QueryCursor(query(JAVA, pattern)).matches(node)


_STATEMENT_LISTS = frozenset({"block", "constructor_body", "switch_block_statement_group"})


def statement_of(node: Node) -> Node | None:
    """The statement directly inside a block that contains ``node`` (None when it is not in a block)."""
    current: Node | None = node
    while current is not None and current.parent is not None:
        if current.parent.type in _STATEMENT_LISTS:
            return (
                current
                if current.type.endswith("statement") or current.type.endswith("declaration")
                else None
            )
        if current.type in (
            "lambda_expression",
            "class_body",
            "method_declaration",
            "constructor_declaration",
        ):
            return None
        current = current.parent
    return None


def line_ending(document: Document) -> str:
    """The document's line terminator, so inserted lines match the file (CRLF on Windows files)."""
    first = document.text.find("\n")
    return "\r\n" if first > 0 and document.text[first - 1] == "\r" else "\n"


def line_indent(document: Document, line: int) -> str:
    text = document.lines[line] if line < len(document.lines) else ""
    return text[: len(text) - len(text.lstrip())]


def insert_after_statement(document: Document, statement: Node, lines: Iterable[str]) -> TextEdit:
    """An edit adding ``lines`` (indented like ``statement``) on new lines right after it."""
    span = document.node_span(statement)
    indent = line_indent(document, span.start_line)
    eol = line_ending(document)
    text = "".join(f"{eol}{indent}{line}" for line in lines)
    rest = document.lines[span.end_line][span.end_col :].strip()
    # A trailing line comment stays with the statement it annotates.
    column = len(document.lines[span.end_line]) if rest.startswith("//") else span.end_col
    return TextEdit(Span.on_line(span.end_line, column, column), text)


def insert_before_statement(document: Document, statement: Node, lines: Iterable[str]) -> TextEdit:
    span = document.node_span(statement)
    indent = line_indent(document, span.start_line)
    eol = line_ending(document)
    text = "".join(f"{line}{eol}{indent}" for line in lines)
    return TextEdit(Span.on_line(span.start_line, span.start_col, span.start_col), text)


def enclosing_method_name(document: Document, node: Node) -> str:
    current = node.parent
    while current is not None:
        if current.type in ("method_declaration", "constructor_declaration"):
            return node_text(document, current.child_by_field_name("name"))
        current = current.parent
    return ""


def split_words(name: str) -> list[str]:
    """``generateResetToken`` / ``RESET_TOKEN`` -> ``['generate', 'reset', 'token']``."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w.lower() for w in re.split(r"[\s_\-]+", spaced) if w]


# ---------------------------------------------------------------------------- module facts


@dataclass(frozen=True)
class ModuleFacts:
    """What Java units depend on outside themselves."""

    imports: frozenset[str]
    constants: tuple[tuple[str, str], ...]  # name -> literal text of static final String fields
    field_types: tuple[tuple[str, str], ...]  # field name -> simple type
    import_line: int  # line after which a new import goes
    import_needs_blank: bool  # no import yet: separate the new one from the package line
    line_ending: str = "\n"  # inserted lines use it, so cached fixes depend on it

    @functools.cached_property
    def constant_values(self) -> dict[str, str]:
        return dict(self.constants)

    @functools.cached_property
    def field_type_map(self) -> dict[str, str]:
        return dict(self.field_types)

    def imports_class(self, qualified: str) -> bool:
        package = qualified.rsplit(".", 1)[0]
        return qualified in self.imports or f"{package}.*" in self.imports

    def key(self) -> tuple:
        return (self.imports, self.constants, self.field_types, self.line_ending)


_CLASS_TYPES = frozenset(
    {"class_declaration", "interface_declaration", "enum_declaration", "record_declaration"}
)


def module_facts(document: Document, context: CheckContext) -> ModuleFacts:
    """Imports and class-level fields of the document, computed once per analysis run."""
    cached = context.cache.get("java.module")
    if cached is not None:
        return cached
    imports: set[str] = set()
    constants: dict[str, str] = {}
    field_types: dict[str, str] = {}
    import_line, needs_blank = -1, True
    root = document.tree.root_node if document.tree is not None else None
    for child in root.named_children if root is not None else ():
        if child.type == "package_declaration":
            import_line = child.end_point[0]
        elif child.type == "import_declaration":
            text = node_text(document, child)
            name = re.sub(r"\s+", "", text.removeprefix("import").rstrip(";"))
            if not name.startswith("static"):
                imports.add(name)
            import_line, needs_blank = child.end_point[0], False
        elif child.type in _CLASS_TYPES:
            _collect_fields(document, child, constants, field_types)
    facts = ModuleFacts(
        frozenset(imports),
        tuple(sorted(constants.items())),
        tuple(sorted(field_types.items())),
        import_line,
        needs_blank and import_line >= 0,
        line_ending(document),
    )
    context.cache["java.module"] = facts
    return facts


def _collect_fields(
    document: Document, declaration: Node, constants: dict[str, str], types: dict[str, str]
) -> None:
    body = declaration.child_by_field_name("body")
    if body is None:
        return
    for member in body.named_children:
        if member.type not in ("field_declaration", "constant_declaration"):
            continue
        modifiers = next((c for c in member.children if c.type == "modifiers"), None)
        is_final = member.type == "constant_declaration" or (
            modifiers is not None and "final" in node_text(document, modifiers).split()
        )
        type_text = simple_type(node_text(document, member.child_by_field_name("type")))
        for declarator in member.children_by_field_name("declarator"):
            name = node_text(document, declarator.child_by_field_name("name"))
            types[name] = type_text
            value = declarator.child_by_field_name("value")
            literal = _constant_literal(document, value)
            if is_final and literal is not None:
                constants[name] = literal


def _constant_literal(document: Document, value: Node | None) -> str | None:
    """The text of a literal or a concatenation of literals; None otherwise."""
    value = unwrap(value)
    if value is None:
        return None
    if value.type == "string_literal":
        return string_literal_value(document, value)
    if value.type in ("decimal_integer_literal", "hex_integer_literal", "true", "false", "character_literal"):
        return node_text(document, value)
    if (
        value.type == "binary_expression"
        and node_text(document, value.child_by_field_name("operator")) == "+"
    ):
        left = _constant_literal(document, value.child_by_field_name("left"))
        right = _constant_literal(document, value.child_by_field_name("right"))
        if left is not None and right is not None:
            return left + right
    return None


def import_edit(document: Document, facts: ModuleFacts, qualified: str) -> TextEdit | None:
    """An edit adding ``import qualified;`` unless the class is already imported."""
    if facts.imports_class(qualified):
        return None
    if facts.import_line < 0:
        eol = line_ending(document)
        return TextEdit(Span.on_line(0, 0, 0), f"import {qualified};{eol}{eol}")
    line = facts.import_line
    end = len(document.lines[line])
    eol = line_ending(document)
    prefix = eol * 2 if facts.import_needs_blank else eol
    return TextEdit(Span.on_line(line, end, end), f"{prefix}import {qualified};")


# ---------------------------------------------------------------------------- method scope

_SCOPE_QUERY = """
(formal_parameter type: (_) @type name: (identifier) @name) @param
(local_variable_declaration type: (_) @type declarator: (variable_declarator name: (identifier) @name value: (_)? @value))
(resource type: (_) @type name: (identifier) @name value: (_) @value)
(assignment_expression left: (identifier) @name right: (_) @value) @assign
(enhanced_for_statement type: (_) @type name: (identifier) @name value: (_) @value)
(method_invocation name: (identifier) @method (#any-of? @method "append" "insert" "add" "put")) @append
(catch_formal_parameter (catch_type) @type name: (identifier) @name)
"""


class MethodScope:
    """Types, values and request-derived names of one unit (see the module docstring)."""

    def __init__(self, unit: Node, document: Document, facts: ModuleFacts) -> None:
        self.unit = unit
        self.document = document
        self.facts = facts
        self.constants = facts.constant_values
        self.field_types = facts.field_type_map
        self.types: dict[str, str] = {}
        self.values: dict[str, list[tuple[str, Node]]] = {}
        self.parameters: set[str] = set()
        self.declared_at: dict[str, int] = {}  # byte offset of each local's (first) declaration
        self._collect()

    def _collect(self) -> None:
        document = self.document
        for pattern, captures in matches(_SCOPE_QUERY, self.unit):
            if pattern == 5:
                self._collect_append(captures["append"][0])
                continue
            name_node = captures["name"][0]
            name = node_text(document, name_node)
            if pattern != 3:  # assignments do not declare
                self.declared_at.setdefault(name, name_node.start_byte)
            if "type" in captures:
                self.types.setdefault(name, simple_type(node_text(document, captures["type"][0])))
            if pattern == 0:
                self.parameters.add(name)
            value = captures.get("value", [None])[0]
            if value is None:
                continue
            if pattern == 3:
                operator = captures["assign"][0].child(1)
                op = operator.type if operator is not None else "="
                self.values.setdefault(name, []).append(
                    ("+=" if op == "+=" else "=" if op == "=" else "?", value)
                )
            elif pattern == 4:
                self.values.setdefault(name, []).append(("item", value))
            else:
                self.values.setdefault(name, []).append(("=", value))

    def _collect_append(self, call: Node) -> None:
        """``sb.append(x).append(y)``, ``list.add(x)``, ``map.put(k, x)``: ``x`` flows into the root name."""
        root = call_object(call)
        while root is not None and root.type == "method_invocation":
            root = call_object(root)
        if root is None or root.type != "identifier":
            return
        args = call_args(call)
        if not args:
            return
        name = node_text(self.document, root)
        method = call_name(self.document, call)
        value = args[-1] if method in ("insert", "put", "add") else args[0]
        self.values.setdefault(name, []).append(("append", value))

    # ------------------------------------------------------------------ questions

    def type_of(self, name: str) -> str:
        return self.types.get(name) or self.field_types.get(name, "")

    def is_constant_name(self, name: str) -> bool:
        return name in self.constants or (bool(CONSTANT_NAME.match(name)) and name not in self.types)


def method_scope(unit: Node, document: Document, context: CheckContext) -> MethodScope:
    """The scope of ``unit``, built once per analysis run and shared by all Java checks."""
    key = ("java.scope", unit.start_byte, unit.end_byte)
    scope = context.cache.get(key)
    if scope is None:
        scope = context.cache[key] = MethodScope(unit, document, module_facts(document, context))
    return scope


def constants_matching(
    document: Document, context: CheckContext, key: str, test: Callable[[str], object]
) -> tuple[bytes, ...]:
    """Names (as bytes) of the class constants whose value passes ``test``, found once per run."""
    cached = context.cache.get(key)
    if cached is None:
        cached = context.cache[key] = tuple(
            name.encode() for name, value in module_facts(document, context).constants if test(value)
        )
    return cached


# ---------------------------------------------------------------------------- dataflow


def file_analysis(document: Document, context: CheckContext) -> FileAnalysis:
    """The dataflow analysis of the document's functions, built once per analysis run."""
    cached = context.cache.get("java.dataflow")
    if cached is None:
        cached = context.cache["java.dataflow"] = FileAnalysis(
            java_adapter.file_functions(document), load_models(JAVA), previous=_PREVIOUS.get(document)
        )
        _PREVIOUS[document] = cached
    return cached


# The last run's analysis of each open document: its summaries of unchanged functions are reused.
_PREVIOUS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def summary_key(document: Document, context: CheckContext) -> object:
    """The file's facts and same-file summaries: what a unit's dataflow depends on outside it."""
    cached = context.cache.get("java.summary_key")
    if cached is None:
        cached = context.cache["java.summary_key"] = (
            java_adapter.context_key(document),
            file_analysis(document, context).summary_key(),
        )
    return cached


def helper_needles(document: Document, context: CheckContext, kind: str) -> tuple[bytes, ...]:
    """``name(`` of every same-file function whose summary has a sink of ``kind``."""
    return tuple(
        sorted({name.rsplit(".", 1)[-1].encode() + b"(" for name in _helpers_with(document, context, kind)})
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
    """Callee keys of same-file functions whose summary has a sink of ``kind``."""
    key = ("java.helpers_with", kind)
    cached = context.cache.get(key)
    if cached is None:
        analysis = file_analysis(document, context)
        same = analysis.same_summaries_as
        by_kind = _HELPERS.setdefault(analysis, {})
        if same is not None and kind in _HELPERS.get(same, {}):
            by_kind[kind] = _HELPERS[same][kind]
        if kind in by_kind:
            cached = context.cache[key] = by_kind[kind]
            return cached
        found = set()
        for name in analysis.called_keys():
            summary = analysis.summary(analysis.by_key[name])
            if summary is not None and any(sink.kind == kind for sink in summary.sinks):
                found.add(name)
        cached = context.cache[key] = by_kind[kind] = frozenset(found)
    return cached


# Per analysis: the helpers holding a sink of each kind (reused while summaries stay the same).
_HELPERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


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
    positions = hit.sink.get("args") if hit.via_helper is None else None
    arguments = [call.args[p] for p in positions if p < len(call.args)] if positions else list(call.args)
    arguments = [arg for arg in arguments if not isinstance(arg, (ir.Lit, ir.Opaque))]
    return bool(arguments) and all(isinstance(arg, ir.Name) and arg.name in names for arg in arguments)


def is_request(hit: SinkHit) -> bool:
    return any(label.strength == REQUEST for label in hit.labels)


def hit_words(hit: SinkHit) -> str:
    """How a finding names what reaches the sink."""
    return "request data" if is_request(hit) else "non-constant values"


def hit_confidence(hit: SinkHit) -> Confidence:
    return Confidence.HIGH if is_request(hit) else Confidence.MEDIUM


# ---------------------------------------------------------------------------- check base


def occurs_in(source: bytes, unit: Node, needles: tuple[bytes, ...]) -> bool:
    """Whether an occurrence of one of the needles starts inside ``unit``.

    Searched within the unit's bytes only (no copy): an edit re-checks one or two units, and a
    scan of the whole document per check on every run cost more than all the checks' own work.
    """
    start, end = unit.start_byte, unit.end_byte
    return any(source.find(needle, start, end + len(needle) - 1) >= 0 for needle in needles)


class JavaCheck(NodeCheck):
    """A Java node check with a cheap byte prefilter before any tree work."""

    languages = LANGUAGES
    # The unit is skipped unless its source contains one of these byte strings ...
    needles: tuple[bytes, ...] = ()
    # ... and, when given, one of these too.
    also_needles: tuple[bytes, ...] = ()
    # Whether fixes add imports: such results edit outside their unit and are never cached, so
    # only the imports themselves (and where new ones go) are context.
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
        facts = module_facts(document, context)
        key = (facts.key(), facts.import_line) if self.fixes_add_imports else facts.key()
        return (key, summary_key(document, context)) if self.uses_dataflow else key

    def check_node(self, node: Node, document: Document, context: CheckContext) -> Iterator:
        needles = self.unit_needles(document, context)
        if needles and not occurs_in(document.source, node, needles):
            return iter(())
        if self.also_needles and not occurs_in(document.source, node, self.also_needles):
            return iter(())
        try:
            return iter(list(self.check_unit(node, document, context)))
        except RecursionError:
            # Pathologically deep expressions: better no finding than a broken check.
            return iter(())

    def check_unit(self, unit: Node, document: Document, context: CheckContext) -> Iterable:
        raise NotImplementedError


class JavaTaintCheck(JavaCheck):
    """A rule that reports each sink of ``kind`` that untrusted data reaches: ``message`` is
    formatted with ``what`` (request data / non-constant values), ``method`` (the sink's method)
    and ``where`` (`` in helper()`` for a sink inside a same-file helper)."""

    uses_dataflow = True
    kind: str = ""
    message: str = ""
    request_only = False  # parameters are not reported (data must come from the request)

    def check_unit(self, unit: Node, document: Document, context: CheckContext) -> Iterable:
        (rule,) = self.rules
        for facts, hit, _whole in tainted_sinks(
            unit, document, context, self.kind, request_only=self.request_only
        ):
            node = hit.call.node
            if node is None or not self.reports(facts, hit):
                continue
            method = hit.inner.method if hit.inner is not None else hit.call.method
            where = f" in {hit.via_helper}()" if hit.via_helper else ""
            yield rule.finding(
                document.node_span(node),
                self.message.format(what=hit_words(hit), method=method, where=where),
                confidence=hit_confidence(hit),
            )

    def reports(self, facts: FunctionFacts, hit: SinkHit) -> bool:
        """A rule's last word on a hit (e.g. validated by an enclosing check)."""
        return True


# ---------------------------------------------------------------------------- what reaches a sink


def call_fact(facts: FunctionFacts, call: ir.Call) -> CallFact | None:
    """The core's facts about one call of the function (None in dead code)."""
    return next((fact for fact in facts.calls if fact.call is call), None)


def sink_arguments(hit: SinkHit) -> list[ir.Expr]:
    """The argument expressions of the hit's call that its model row says reach the sink (every
    argument of a same-file helper holding the sink)."""
    positions = hit.sink.get("args") if hit.via_helper is None else None
    args = hit.call.args
    return [args[p] for p in positions if p < len(args)] if positions else list(args)


def expression_shape(facts: FunctionFacts, expr: ir.Expr) -> Shape:
    """Whether ``expr`` is text built from parts, its constant fragments and prefix."""
    reader = facts.function.extra.get("shape_reader")
    if reader is None:
        reader = facts.function.extra["shape_reader"] = ShapeReader(facts.function)
    return reader.shape(expr)


def constant_prefix(facts: FunctionFacts, expr: ir.Expr) -> str:
    """The constant text ``expr`` certainly starts with ("" when unknown)."""
    return expression_shape(facts, expr).prefix or ""


_SCHEME_AND_HOST = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://[^/?#\\]+[/?#]")


def pins_destination(prefix: str) -> bool:
    """Whether a URL starting with ``prefix`` stays on a host the code chose, whatever follows:
    ``/path/`` (not ``//``: protocol-relative), ``https://host/``, or a relative ``page?``."""
    if _SCHEME_AND_HOST.match(prefix):
        return True
    if prefix.startswith(("/", "\\")):
        return len(prefix) >= 2 and prefix[1] not in "/\\"
    head = re.match(r"^[^:/?#\\]+[/?#]", prefix)
    return head is not None  # ``page.jsp?next=``: a path segment closed before any scheme


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
    if value is not None and not any(label.strength == REQUEST for label in value.labels_for(kind)):
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
        if before is None or not any(label.strength == REQUEST for label in before.labels_for(kind)):
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
    cached = context.cache.get("java.body_classes")
    if cached is None:
        found = set()
        root = document.tree.root_node if document.tree is not None else None
        stack = list(root.named_children) if root is not None else []
        while stack:
            node = stack.pop()
            if node.type not in _CLASS_TYPES:
                continue
            modifiers = next((child for child in node.children if child.type == "modifiers"), None)
            if modifiers is not None and _BODY_ANNOTATIONS.search(node_text(document, modifiers)):
                found.add(node_text(document, node.child_by_field_name("name")))
            body = node.child_by_field_name("body")
            if body is not None:
                stack.extend(child for child in body.named_children if child.type in _CLASS_TYPES)
        cached = context.cache["java.body_classes"] = frozenset(found)
    return cached
