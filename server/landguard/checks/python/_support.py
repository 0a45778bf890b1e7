"""Shared support for the Python dangerous-pattern rules (LG2xx): names, literals, dataflow, taint.

Detection runs on tree-sitter trees (see ``engine/registry.py``). Everything here is cheap,
computed lazily and cached in ``CheckContext.cache`` for the length of one analysis run, so
several rules looking at the same unit share the work.

API (stable; part 2 of the LG2xx rules builds on it)
-----------------------------------------------------

Imports and names
    ``module_imports(document, context) -> ImportMap``
        Local name -> qualified name from the module's top-level imports (also inside top-level
        ``if``/``try`` blocks): ``import subprocess as sp`` gives ``sp -> subprocess``;
        ``from hashlib import md5 as h`` gives ``h -> hashlib.md5``. Top-level ``def``/``class``
        names that hide a builtin or an import map to ``<local>.NAME``, so a module's own
        ``def eval`` hides the builtin (other definitions stay out, keeping the key stable).
    ``module_context_key(document, context) -> Hashable``
        For ``NodeCheck.module_context_key``: changes exactly when the import map changes.
    ``scope_imports(node, document, context) -> ImportMap``
        The module map overlaid with imports and defs of the functions enclosing ``node``.
    ``qualified_call_name(call, imports) -> str | None``
        ``sp.run(...)`` -> ``"subprocess.run"``; ``eval(x)`` -> ``"eval"`` (a builtin);
        ``cur.execute(q)`` -> ``"cur.execute"`` (unknown bases stay as written);
        ``get_conn().execute(q)`` -> ``"?.execute"``. ``None`` when the callee is not a name chain.
    ``qualified_name(node, imports)``: the same for any identifier / attribute chain.
    ``callee_attribute(call) -> str``: the last name of the callee (``execute``), cheap prefilter.

Arguments and literals
    ``positional_args(call)``, ``keyword_arg(call, name)``, ``argument(call, index, name)``,
    ``has_star_args(call)``, ``keyword_argument_node(call, name)`` (the whole ``name=value``, for
    fixes that remove it), ``parameter_names(function)``, ``unparenthesize(node)``,
    ``int_value(node)``, ``is_builtin(qualified, "eval")``, ``is_keyword_name(identifier)`` (the
    ``name`` of ``f(name=value)``, not a variable).
    ``is_literal_string(node)``: a string without interpolations, or a concatenation of those
    (implicit or ``+``), possibly parenthesised. ``literal_string_value(node) -> str | None``.
    ``is_literal(node)``: constants (strings as above, numbers, True/False/None) and containers
    of constants. ``is_false(node)`` / ``is_true(node)``.
    ``text(node) -> str``: the node's source text.

Dataflow (inside the enclosing function, or the unit for module-level code)
    ``scope_of(node, unit)``: the innermost function definition around ``node`` within ``unit``,
    else ``unit`` — the natural scope of simple dataflow.
    ``function_flow(scope, context) -> Flow``: the simple assignments (``x = ...``, ``x += ...``)
    in a scope, in source order (nested functions excluded).
    ``Flow.reaching(name, before_byte) -> list[Assignment]``: the assignments to ``name`` that
    precede ``before_byte`` (the last plain one and any ``+=`` after it); ``Assignment.value`` is
    the right-hand side, ``.statement`` the assignment node. ``Flow.parameters``: the scope's
    parameter names. ``Flow.assignments_between(names, start, end)``.
    ``resolve(node, flow) -> list[Node]``: ``node`` itself, or what an identifier was assigned.
    ``string_building(node, flow) -> StringBuild | None``: how a string was built from
    non-literal parts (``f"...{x}"``, ``"..." % x``, ``"...".format(x)``, ``"..." + x``),
    directly or through variables; ``.node`` is the building expression, ``.via`` the
    assignment it came through (``None`` when inline), ``.literal_text`` the literal parts.
    ``variable_only_feeds(arg, build, flow, context)``: the variable is assigned once and read
    only at ``arg`` (so a fix may rewrite the assignment and the call together).
    ``taint(node, flow, imports, kind) -> Taint``: what the dataflow core says reaches ``node``
    for a sink of ``kind``: ``REQUEST`` (a source model row: web request, event payload),
    ``PARAMETER`` (the function's caller), ``LOCAL`` (argv, stdin), ``LITERAL`` (a constant, or
    sanitized for the kind) or ``UNKNOWN`` (no evidence). Sources and sanitizers are rows of
    ``data/models/python*.toml``. ``is_route_handler(function)`` (from the adapter): decorated with
    ``@app.get`` / ``@router.post`` / ``@app.route`` / ``@api_view`` ...

Units and traversal
    ``unit_calls(unit, context) -> list[Node]``: every ``call`` in the unit (one cached query).
    ``unit_nodes(unit, node_type, context)``: every node of one type in the unit (cached).
    ``enclosing_functions(node, unit)``: function definitions around ``node`` inside ``unit``.
    ``statements_in_function(function)``: the statements of a function body, nested blocks
    included, nested functions and classes not.
    ``context_names(node, unit) -> tuple[str, ...]``: lowercase names that say what a value is
    for: the assignment target(s) it flows into, the keyword it is passed as, and the enclosing
    function names (for "is this a token?" decisions).

Rules
    ``CallRule``: subclass it, set ``rule`` (the module's ``RULE``) and ``callee_names`` (last
    callee names of interest: ``{"execute"}``; renamed imports are dispatched too), implement
    ``check_call(call, name, unit, document, context)`` with ``name`` the qualified call name,
    and/or ``check_unit(unit, document, context)`` (prefiltered by ``unit_markers``, byte strings
    one of which must occur in the unit). The module then defines ``HANDLER = MyRule()`` instead of
    ``CHECK``: ``checks/python/dangerous_calls.py`` runs every ``HANDLER`` of this package in one
    pass per unit (``PythonRulesCheck``), which is what keeps a full scan fast: a regex over the
    unit's bytes skips units that call none of the dispatched names, and a top-level ERROR node
    (tree-sitter's recovery after an unclosed bracket) is re-parsed statement by statement, so
    half-written code does not hide the findings after it.
    ``PythonCallCheck``: the same as a standalone ``NodeCheck`` (set ``rules``, ``callee_names``,
    implement ``check_call``; ``CHECK = MyCheck()``): still supported, costs a pass of its own.
    ``CallRule.flow_for(node, unit, context)``: the ``Flow`` of the scope around ``node``.
"""

from __future__ import annotations

import ast
import enum
import functools
import logging
import re
from bisect import bisect_left
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import ClassVar

from tree_sitter import Node

from landguard.dataflow.interpret import SinkHit
from landguard.dataflow.models import models_for
from landguard.dataflow.values import ALL_KINDS, LOCAL_STRENGTH, Value
from landguard.dataflow.values import PARAMETER as PARAMETER_STRENGTH
from landguard.dataflow.values import REQUEST as REQUEST_STRENGTH
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding
from landguard.engine.languages import captures
from landguard.engine.registry import CheckContext, NodeCheck, Rule
from landguard.languages.python import (
    LOCAL_PREFIX,
    PythonFlow,
    collect_imports,
    record_definition,
    record_imports,
    text,
)
from landguard.languages.python import is_route_handler as is_route_handler  # part of this module's API

log = logging.getLogger("landguard.checks.python")

PYTHON = frozenset({"python"})


class ImportMap(dict):
    """Local name -> qualified name. A plain dict with a stable, hashable summary."""

    def key(self) -> Hashable:
        return frozenset(self.items())


# ---------------------------------------------------------------------------------------- imports


# Import resolution lives in the adapter (landguard/languages/python.py); the rules share it.


def module_imports(document: Document, context: CheckContext) -> ImportMap:
    """The module-level import map, computed once per analysis run."""
    cache_key = ("lg2.imports", id(document.tree))
    cached = context.cache.get(cache_key)
    if cached is None:
        cached = ImportMap()
        if document.tree is not None:
            collect_imports(document.tree.root_node.named_children, cached)
        context.cache[cache_key] = cached
    return cached


def module_context_key(document: Document, context: CheckContext) -> Hashable:
    return module_imports(document, context).key()


def enclosing_functions(node: Node, unit: Node | None = None) -> list[Node]:
    """Function definitions around ``node``, innermost first, not leaving ``unit``."""
    found = []
    current = node.parent
    stop = unit.parent if unit is not None else None
    while current is not None and current != stop:
        if current.type == "function_definition":
            found.append(current)
        current = current.parent
    return found


def statements_in_function(function: Node) -> Iterator[Node]:
    """Statements of a function body, nested blocks included, nested functions/classes not."""
    body = function.child_by_field_name("body")
    if body is None:
        return
    stack = list(reversed(body.named_children))
    while stack:
        node = stack.pop()
        yield node
        if node.type in ("function_definition", "class_definition", "decorated_definition"):
            continue
        for child in reversed(node.named_children):
            if child.type in ("block", "else_clause", "elif_clause", "except_clause", "finally_clause") or (
                child.type.endswith("_statement") or child.type in ("with_clause", "case_clause")
            ):
                stack.append(child)


def scope_imports(node: Node, document: Document, context: CheckContext) -> ImportMap:
    """Module imports overlaid with the imports and defs of the functions around ``node``."""
    functions = enclosing_functions(node)
    base = module_imports(document, context)
    if not functions:
        return base
    outer = functions[-1]
    cache_key = ("lg2.scope_imports", outer.id, functions[0].id)
    cached = context.cache.get(cache_key)
    if cached is not None:
        return cached
    merged = ImportMap(base)
    for function in reversed(functions):
        for statement in statements_in_function(function):
            if statement.type in ("import_statement", "import_from_statement"):
                record_imports(statement, merged)
            elif statement.type in ("function_definition", "class_definition", "decorated_definition"):
                record_definition(statement, merged)
        # Parameters shadow module names too (`def f(eval): eval(x)`).
        for name in parameter_names(function):
            merged[name] = LOCAL_PREFIX + name
    context.cache[cache_key] = merged
    return merged


def parameter_names(function: Node) -> list[str]:
    parameters = function.child_by_field_name("parameters")
    names: list[str] = []
    if parameters is None:
        return names
    for parameter in parameters.named_children:
        name_node = parameter
        if parameter.type in ("default_parameter", "typed_default_parameter"):
            name_node = parameter.child_by_field_name("name")
        elif parameter.type == "typed_parameter":
            name_node = parameter.named_children[0] if parameter.named_children else None
        elif parameter.type in ("list_splat_pattern", "dictionary_splat_pattern"):
            name_node = parameter.named_children[0] if parameter.named_children else None
        if name_node is not None and name_node.type == "identifier":
            names.append(text(name_node))
    return names


def qualified_name(node: Node | None, imports: dict[str, str]) -> str | None:
    """``sp.run`` -> ``subprocess.run`` for identifiers and attribute chains; else None."""
    if node is None:
        return None
    parts: list[str] = []
    current = node
    while current.type == "attribute":
        attribute = current.child_by_field_name("attribute")
        parts.append(text(attribute))
        current = current.child_by_field_name("object")
        if current is None:
            return None
    if current.type == "identifier":
        base = text(current)
        base = imports.get(base, base)
    elif current.type == "call" and parts:
        base = "?"
    else:
        return None
    parts.append(base)
    return ".".join(reversed(parts))


def qualified_call_name(call: Node, imports: dict[str, str]) -> str | None:
    return qualified_name(call.child_by_field_name("function"), imports)


def callee_attribute(call: Node) -> str:
    function = call.child_by_field_name("function")
    if function is None:
        return ""
    if function.type == "attribute":
        return text(function.child_by_field_name("attribute"))
    if function.type == "identifier":
        return text(function)
    return ""


def is_builtin(name: str | None, builtin: str) -> bool:
    """``name`` (qualified) is the builtin ``builtin`` (not shadowed by an import or a def)."""
    return name == builtin or name == f"builtins.{builtin}"


# ---------------------------------------------------------------------------------------- arguments


def _arguments(call: Node) -> list[Node]:
    arguments = call.child_by_field_name("arguments")
    if arguments is None or arguments.type != "argument_list":
        # `f"..."` generator-argument calls (`f(x for x in y)`) count as one positional.
        return [arguments] if arguments is not None else []
    return [child for child in arguments.named_children if child.type != "comment"]


def positional_args(call: Node) -> list[Node]:
    return [
        a for a in _arguments(call) if a.type not in ("keyword_argument", "list_splat", "dictionary_splat")
    ]


def keyword_arg(call: Node, name: str) -> Node | None:
    """The value of keyword argument ``name``, or None."""
    for argument in _arguments(call):
        if argument.type == "keyword_argument" and text(argument.child_by_field_name("name")) == name:
            return argument.child_by_field_name("value")
    return None


def keyword_argument_node(call: Node, name: str) -> Node | None:
    """The whole ``name=value`` node (for fixes that remove it)."""
    for argument in _arguments(call):
        if argument.type == "keyword_argument" and text(argument.child_by_field_name("name")) == name:
            return argument
    return None


def argument(call: Node, index: int, name: str | None = None) -> Node | None:
    """Positional argument ``index``, or keyword ``name``."""
    positional = positional_args(call)
    if index < len(positional):
        return positional[index]
    return keyword_arg(call, name) if name else None


def has_star_args(call: Node) -> bool:
    return any(a.type in ("list_splat", "dictionary_splat") for a in _arguments(call))


# ---------------------------------------------------------------------------------------- literals


def unparenthesize(node: Node) -> Node:
    while node.type == "parenthesized_expression" and node.named_child_count == 1:
        node = node.named_children[0]
    return node


def _string_has_interpolation(node: Node) -> bool:
    return any(child.type == "interpolation" for child in node.children)


def is_literal_string(node: Node | None) -> bool:
    if node is None:
        return False
    node = unparenthesize(node)
    if node.type == "string":
        return not _string_has_interpolation(node)
    if node.type == "concatenated_string":
        return all(is_literal_string(child) for child in node.named_children)
    if node.type == "binary_operator" and text(node.child_by_field_name("operator")) == "+":
        return is_literal_string(node.child_by_field_name("left")) and is_literal_string(
            node.child_by_field_name("right")
        )
    return False


def literal_string_value(node: Node | None) -> str | None:
    """The value of a literal string (see ``is_literal_string``), or None."""
    if node is None or not is_literal_string(node):
        return None
    node = unparenthesize(node)
    if node.type == "binary_operator":
        left = literal_string_value(node.child_by_field_name("left"))
        right = literal_string_value(node.child_by_field_name("right"))
        if left is None or right is None or type(left) is not type(right):
            return None
        return left + right
    try:
        value = ast.literal_eval(text(node))
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value if isinstance(value, str) else None


_CONSTANT_TYPES = frozenset({"integer", "float", "true", "false", "none", "ellipsis"})


def is_literal(node: Node | None) -> bool:
    """Constants and containers of constants."""
    if node is None:
        return False
    node = unparenthesize(node)
    if node.type in _CONSTANT_TYPES:
        return True
    if node.type in ("string", "concatenated_string") or (
        node.type == "binary_operator" and is_literal_string(node)
    ):
        return is_literal_string(node)
    if node.type == "unary_operator":
        return is_literal(node.child_by_field_name("argument"))
    if node.type in ("list", "tuple", "set"):
        return all(is_literal(child) for child in node.named_children if child.type != "comment")
    if node.type == "dictionary":
        return all(
            is_literal(pair.child_by_field_name("key")) and is_literal(pair.child_by_field_name("value"))
            for pair in node.named_children
            if pair.type == "pair"
        )
    return False


def is_false(node: Node | None) -> bool:
    return node is not None and unparenthesize(node).type == "false"


def is_true(node: Node | None) -> bool:
    return node is not None and unparenthesize(node).type == "true"


def int_value(node: Node | None) -> int | None:
    if node is None:
        return None
    node = unparenthesize(node)
    if node.type != "integer":
        return None
    try:
        return int(text(node).replace("_", ""), 0)
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------- dataflow


def scope_of(node: Node, unit: Node) -> Node:
    """The innermost function around ``node`` inside ``unit``; else the unit itself."""
    functions = enclosing_functions(node, unit)
    return functions[0] if functions else unit


@dataclass(frozen=True, slots=True)
class Assignment:
    name: str
    value: Node  # right-hand side
    statement: Node  # the assignment / augmented_assignment node
    augmented: bool
    start_byte: int


class Flow:
    """The simple assignments of one scope, in source order."""

    __slots__ = ("scope", "assignments", "by_name", "parameters", "dataflow")

    def __init__(self, scope: Node) -> None:
        self.scope = scope
        self.dataflow: PythonFlow | None = None
        self.assignments: list[Assignment] = []
        self.by_name: dict[str, list[Assignment]] = {}
        self.parameters: frozenset[str] = frozenset(
            parameter_names(scope) if scope.type == "function_definition" else ()
        )
        self._collect(scope)

    def _collect(self, scope: Node) -> None:
        if scope.type == "function_definition":
            statements: Iterable[Node] = statements_in_function(scope)
        else:
            statements = _walk_statements(scope)
        for statement in statements:
            if statement.type != "expression_statement":
                continue
            for child in statement.named_children:
                if child.type in ("assignment", "augmented_assignment"):
                    self._record(child)

    def _record(self, node: Node) -> None:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None:
            return
        if right.type == "assignment":  # a = b = value
            self._record(right)
            inner = right
            while inner.type == "assignment" and inner.child_by_field_name("right") is not None:
                inner = inner.child_by_field_name("right")
            right = inner
        if left.type != "identifier":
            return
        augmented = node.type == "augmented_assignment"
        if augmented and text(node.child_by_field_name("operator")) != "+=":
            return
        entry = Assignment(text(left), right, node, augmented, node.start_byte)
        self.assignments.append(entry)
        self.by_name.setdefault(entry.name, []).append(entry)

    def reaching(self, name: str, before_byte: int) -> list[Assignment]:
        """The last plain assignment to ``name`` before ``before_byte``, plus later ``+=``s."""
        entries = [a for a in self.by_name.get(name, ()) if a.start_byte < before_byte]
        result: list[Assignment] = []
        for entry in reversed(entries):
            # An assignment whose own value contains the use (x = f(x)) still reaches it.
            result.append(entry)
            if not entry.augmented:
                break
        result.reverse()
        return result

    def assignments_between(self, names: set[str], start_byte: int, end_byte: int) -> bool:
        return any(a.name in names and start_byte < a.start_byte < end_byte for a in self.assignments)


def _walk_statements(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if (
            current.type in ("function_definition", "class_definition", "decorated_definition")
            and current != node
        ):
            continue
        for child in reversed(current.named_children):
            if child.type in ("block", "else_clause", "elif_clause", "except_clause", "finally_clause") or (
                child.type.endswith("_statement") or child.type in ("with_clause", "case_clause")
            ):
                stack.append(child)


def function_flow(scope: Node, context: CheckContext) -> Flow:
    cache_key = ("lg2.flow", scope.id)
    flow = context.cache.get(cache_key)
    if flow is None:
        flow = context.cache[cache_key] = Flow(scope)
        flow.dataflow = python_dataflow(scope, context)
    return flow


def python_dataflow(node: Node, context: CheckContext) -> PythonFlow:
    """The dataflow view of the document ``node`` belongs to, built once per analysis run."""
    root = node
    while root.parent is not None:
        root = root.parent
    cache_key = ("lg2.dataflow", root.id)
    dataflow = context.cache.get(cache_key)
    if dataflow is None:
        imports = ImportMap()
        collect_imports(root.named_children, imports)
        dataflow = context.cache[cache_key] = PythonFlow(root, imports, models_for("python", context.config))
    return dataflow


def resolve(node: Node, flow: Flow | None, depth: int = 0) -> list[Node]:
    """``node`` itself, or (for an identifier) the values assigned to it before it in the scope."""
    node = unparenthesize(node)
    if node.type != "identifier" or flow is None or depth > 4:
        return [node]
    reaching = flow.reaching(text(node), node.start_byte)
    if not reaching:
        return [node]
    values: list[Node] = []
    for entry in reaching:
        values.extend(resolve(entry.value, flow, depth + 1))
    return values


@dataclass(frozen=True, slots=True)
class StringBuild:
    """A string built from non-literal parts."""

    kind: str  # "f-string", "percent", "format", "concat"
    node: Node  # the expression that builds the string
    via: Assignment | None  # the assignment it came through, None when inline
    literal_text: str  # the literal parts, joined (for "does this look like SQL?")
    dynamic_parts: tuple[Node, ...]  # the non-literal expressions interpolated


def _string_literal_text(node: Node) -> str:
    """Literal text of a string node, interpolations left out."""
    if node.type == "concatenated_string":
        return "".join(_string_literal_text(child) for child in node.named_children)
    if node.type != "string":
        return ""
    return "".join(
        text(child) for child in node.children if child.type in ("string_content", "escape_sequence")
    )


def _interpolations(node: Node) -> list[Node]:
    if node.type == "concatenated_string":
        return [i for child in node.named_children for i in _interpolations(child)]
    result = []
    for child in node.children:
        if child.type == "interpolation":
            expression = child.child_by_field_name("expression")
            if expression is not None:
                result.append(expression)
    return result


def _concat_parts(node: Node) -> list[Node]:
    node = unparenthesize(node)
    if node.type == "binary_operator" and text(node.child_by_field_name("operator")) == "+":
        return _concat_parts(node.child_by_field_name("left")) + _concat_parts(
            node.child_by_field_name("right")
        )
    return [node]


def _direct_string_build(node: Node, flow: Flow | None, depth: int) -> StringBuild | None:
    node = unparenthesize(node)
    kind = node.type
    if kind in ("string", "concatenated_string"):
        interpolations = [i for i in _interpolations(node) if not is_literal(i)]
        if interpolations:
            return StringBuild("f-string", node, None, _string_literal_text(node), tuple(interpolations))
        return None
    if kind == "binary_operator":
        operator = text(node.child_by_field_name("operator"))
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None:
            return None
        if operator == "%":
            if is_literal_string(left) and not is_literal(right):
                return StringBuild("percent", node, None, literal_string_value(left) or "", (right,))
            return None
        if operator == "+":
            parts = _concat_parts(node)
            literal_parts = [p for p in parts if is_literal_string(p)]
            dynamic = [p for p in parts if not is_literal_string(p)]
            if not dynamic:
                return None
            literal = "".join(literal_string_value(p) or "" for p in literal_parts)
            if not literal_parts:
                # No literal part: a string only if a part is itself a built string (`base + where`).
                inner = [b for b in (_string_build(p, flow, depth + 1) for p in dynamic) if b is not None]
                if not inner:
                    return None
                literal = "".join(b.literal_text for b in inner)
            return StringBuild("concat", node, None, literal, tuple(dynamic))
        return None
    if kind == "call":
        function = node.child_by_field_name("function")
        if function is not None and function.type == "attribute":
            method = text(function.child_by_field_name("attribute"))
            receiver = function.child_by_field_name("object")
            if method == "format" and receiver is not None and is_literal_string(receiver):
                arguments = [a for a in _arguments(node) if not is_literal(a)]
                if arguments:
                    return StringBuild(
                        "format", node, None, literal_string_value(receiver) or "", tuple(arguments)
                    )
    return None


def _string_build(node: Node, flow: Flow | None, depth: int = 0) -> StringBuild | None:
    if depth > 4:
        return None
    node = unparenthesize(node)
    if node.type == "identifier" and flow is not None:
        reaching = flow.reaching(text(node), node.start_byte)
        for entry in reversed(reaching):
            build = _string_build(entry.value, flow, depth + 1)
            if build is not None:
                via = build.via or entry
                if len(reaching) > 1:
                    literal = "".join(
                        literal_string_value(e.value) or _string_literal_text(unparenthesize(e.value))
                        for e in reaching
                    )
                    return StringBuild(
                        build.kind, build.node, via, literal + build.literal_text, build.dynamic_parts
                    )
                return StringBuild(build.kind, build.node, via, build.literal_text, build.dynamic_parts)
        return None
    return _direct_string_build(node, flow, depth)


def string_building(node: Node | None, flow: Flow | None) -> StringBuild | None:
    """How ``node`` (or the variable it names) was built from non-literal parts, if it was."""
    if node is None:
        return None
    return _string_build(node, flow)


def variable_only_feeds(query: Node, build: StringBuild, flow: Flow, context: CheckContext) -> bool:
    """``query`` is a variable assigned once (``build.via``) and read only here, and the values
    interpolated into it are not reassigned in between: a fix may rewrite both statements."""
    via = build.via
    query = unparenthesize(query)
    if via is None or query.type != "identifier" or via.augmented:
        return False
    name = text(query)
    if len(flow.by_name.get(name, ())) != 1 or via.value != build.node:
        return False
    scope = flow.scope
    uses = [
        n
        for n in unit_nodes(scope, "identifier", context)
        if text(n) == name and scope.start_byte <= n.start_byte < scope.end_byte
    ]
    if len(uses) != 2:  # the assignment target and the call argument, nothing else
        return False
    # The interpolated values must mean the same at the call as at the assignment.
    used_names = {text(n) for part in build.dynamic_parts for n in _identifiers(part)}
    return not flow.assignments_between(used_names, via.start_byte, query.start_byte)


def is_keyword_name(node: Node) -> bool:
    """``node`` is the name in ``f(name=value)``: not a variable."""
    parent = node.parent
    return (
        parent is not None
        and parent.type == "keyword_argument"
        and parent.child_by_field_name("name") == node
    )


def _identifiers(node: Node) -> list[Node]:
    found = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "identifier":
            found.append(current)
        stack.extend(current.named_children)
    return found


class Taint(enum.IntEnum):
    LITERAL = 0
    UNKNOWN = 1
    LOCAL = 2  # the local user's own input: command-line arguments, stdin
    PARAMETER = 3
    REQUEST = 4


def taint(
    node: Node | None,
    flow: Flow | None,
    imports: dict[str, str],
    kind: str = ALL_KINDS,
    *,
    direct: bool = False,
) -> Taint:
    """Where the data in ``node`` may come from, for a sink of ``kind``, by the dataflow core.

    ``REQUEST``: a label from a source model (web request, event payload) reaches it, not sanitized
    for ``kind``; ``PARAMETER``: data from the function's caller does; ``LITERAL``: it is a
    constant (folded through variables, helpers and branches); ``UNKNOWN``: anything else (a value
    from a call or global the models know nothing about) — no evidence of untrusted data.
    ``direct``: only data that did not pass through an unmodelled call counts.
    """
    if node is None:
        return Taint.UNKNOWN
    node = unparenthesize(node)
    if is_literal(node):
        return Taint.LITERAL
    dataflow = flow.dataflow if flow is not None else None
    if dataflow is None:
        return Taint.UNKNOWN  # no scope to follow it in: no evidence
    value = dataflow.value_of(node)
    if value is None:
        return Taint.UNKNOWN
    return taint_of_value(value, kind, direct=direct)


_UNTRUSTED_STRENGTHS = frozenset({REQUEST_STRENGTH, PARAMETER_STRENGTH, LOCAL_STRENGTH})


def taint_of_value(value: Value, kind: str = ALL_KINDS, *, direct: bool = False) -> Taint:
    labels = value.labels_for(kind)
    if direct:
        labels = frozenset(label for label in labels if not label.indirect)
    strengths = {label.strength for label in labels}
    if REQUEST_STRENGTH in strengths:
        return Taint.REQUEST
    if PARAMETER_STRENGTH in strengths:
        return Taint.PARAMETER
    if LOCAL_STRENGTH in strengths:
        return Taint.LOCAL
    # Labels of other strengths (``weak-random``: where a value is guessable, not who controls it)
    # say nothing about untrusted data.
    untrusted = [label for label in value.all_labels() if label.strength in _UNTRUSTED_STRENGTHS]
    if value.is_const or not untrusted:
        return Taint.LITERAL if value.is_const else Taint.UNKNOWN
    return Taint.LITERAL  # every label was sanitized for this kind


# ---------------------------------------------------------------------------------------- units

_CALL_QUERY = "(call) @call"


def _start_byte(node: Node) -> int:
    return node.start_byte


def unit_calls(unit: Node, context: CheckContext) -> list[Node]:
    """Every call in the unit, in source order (one query, shared by all rules of a run)."""
    cache_key = ("lg2.calls", unit.id)
    calls = context.cache.get(cache_key)
    if calls is None:
        # A run that checks many units (a full scan) pays for one query over the whole tree rather
        # than one per unit; a run after a small edit queries just the units it rechecks.
        queried = context.cache.get("lg2.unit_queries", 0)
        context.cache["lg2.unit_queries"] = queried + 1
        if queried >= _WHOLE_TREE_AFTER:
            all_calls, starts = _tree_calls(unit, context)
            low = bisect_left(starts, unit.start_byte)
            high = bisect_left(starts, unit.end_byte, low)
            calls = [c for c in all_calls[low:high] if c.end_byte <= unit.end_byte]
        else:
            calls = sorted(captures("python", _CALL_QUERY, unit).get("call", []), key=_start_byte)
        context.cache[cache_key] = calls
    return calls


_WHOLE_TREE_AFTER = 24


def _tree_calls(unit: Node, context: CheckContext) -> tuple[list[Node], list[int]]:
    root = unit
    while root.parent is not None:
        root = root.parent
    cache_key = ("lg2.tree_calls", root.id)
    cached = context.cache.get(cache_key)
    if cached is None:
        calls = sorted(captures("python", _CALL_QUERY, root).get("call", []), key=_start_byte)
        cached = context.cache[cache_key] = (calls, [c.start_byte for c in calls])
    return cached


def unit_nodes(unit: Node, node_type: str, context: CheckContext) -> list[Node]:
    """Every node of ``node_type`` in the unit (cached per run)."""
    cache_key = ("lg2.nodes", node_type, unit.id)
    nodes = context.cache.get(cache_key)
    if nodes is None:
        nodes = sorted(captures("python", f"({node_type}) @node", unit).get("node", []), key=_start_byte)
        context.cache[cache_key] = nodes
    return nodes


def context_names(node: Node, unit: Node | None = None) -> tuple[str, ...]:
    """Lowercase names around ``node`` that say what its value is for.

    The assignment target it flows into (``token = ...``, ``self.api_key = ...``), the keyword it is
    passed as (``password=...``), the dictionary key it is stored under, the returned-from function.
    """
    names: list[str] = []
    current = node
    stop = unit.parent if unit is not None else None
    while current.parent is not None and current.parent != stop:
        parent = current.parent
        kind = parent.type
        if kind in ("assignment", "augmented_assignment") and parent.child_by_field_name("right") == current:
            left = parent.child_by_field_name("left")
            if left is not None:
                names.append(text(left).lower())
        elif kind == "keyword_argument" and parent.child_by_field_name("value") == current:
            names.append(text(parent.child_by_field_name("name")).lower())
        elif kind == "pair" and parent.child_by_field_name("value") == current:
            names.append(text(parent.child_by_field_name("key")).lower())
        elif kind == "function_definition":
            names.append(text(parent.child_by_field_name("name")).lower())
            break
        elif kind in ("class_definition", "module"):
            break
        current = parent
    return tuple(names)


# ---------------------------------------------------------------------------------------- base check


class CallRule:
    """One rule's logic over calls (and optionally whole units), run by ``PythonRulesCheck``.

    A rule module defines ``RULE`` and ``HANDLER = MyRule()``; the one ``PythonRulesCheck`` in
    ``checks/python/dangerous_calls.py`` discovers every ``HANDLER`` in this package and runs them
    all in a single pass over each unit's calls. (Nine separate NodeChecks cost nine times the
    engine's per-unit bookkeeping — about 7 ms each on a 6,400-line file.)
    """

    rule: ClassVar[Rule]
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

    def check_unit(self, unit: Node, document: Document, context: CheckContext) -> Iterable[Finding]:
        return ()

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


def _call_index(unit: Node, context: CheckContext) -> list[tuple[Node, str]]:
    """(call, callee's last name) for every call in the unit, computed once per run."""
    cache_key = ("lg2.call_index", unit.id)
    index = context.cache.get(cache_key)
    if index is None:
        index = context.cache[cache_key] = [
            (call, callee_attribute(call)) for call in unit_calls(unit, context)
        ]
    return index


class PythonRulesCheck(NodeCheck):
    """Runs ``CallRule`` handlers: one pass over a unit's calls, dispatched by callee name."""

    languages: ClassVar[frozenset[str] | None] = PYTHON

    def __init__(self, handlers: Iterable[CallRule]) -> None:
        self.handlers = tuple(handlers)
        self.rules = tuple(h.rule for h in self.handlers)  # type: ignore[misc]
        self._by_name: dict[str, list[CallRule]] = {}
        for handler in self.handlers:
            for name in handler.callee_names:
                self._by_name.setdefault(name, []).append(handler)
        self._unit_handlers = [h for h in self.handlers if type(h).check_unit is not CallRule.check_unit]
        self._kind_handlers = [h for h in self.handlers if h.kind]

    def _model_sink_findings(
        self, unit: Node, document: Document, context: CheckContext, dataflow: PythonFlow, judged: set
    ) -> list[Finding]:
        """Request data reaching a sink the rule's own dispatch does not know: a row the user added
        in ``[tool.landguard.models]``, or a sink inside a same-file helper the call reaches."""
        handlers = [h for h in self._kind_handlers if context.config.is_enabled(h.rule.id)]
        if not handlers or not dataflow.may_reach_sink(unit):
            return []
        findings: list[Finding] = []
        for facts in dataflow.unit_facts(unit):
            for handler in handlers:
                for hit in facts.sink_hits(handler.kind):
                    if handler.direct_only and all(label.indirect for label in hit.labels):
                        continue
                    call = hit.call.node
                    if call is None or (id(handler), call.id) in judged and hit.via_helper is None:
                        continue
                    judged.add((id(handler), call.id))
                    findings.append(handler.report_model_hit(hit, document))
        return findings

    def module_context_key(self, document: Document, context: CheckContext) -> object:
        return module_context_key(document, context)

    def unit_context_key(self, unit: Node, document: Document, context: CheckContext) -> object:
        # Same-file summaries of what the unit calls, and the module constants it reads.
        dataflow = python_dataflow(unit, context)
        dataflow.attach(document)
        return dataflow.unit_key(unit)

    def _aliases(
        self, document: Document, context: CheckContext
    ) -> tuple[dict[str, list[CallRule]], re.Pattern[bytes]]:
        """Renamed imports (`from builtins import eval as evaluate`) dispatch like the original name;
        and the prefilter pattern for all dispatched names."""
        cache_key = ("lg2.alias_dispatch", id(self))
        cached = context.cache.get(cache_key)
        if cached is None:
            aliases: dict[str, list[CallRule]] = {}
            for local, qualified in module_imports(document, context).items():
                original = qualified.rsplit(".", 1)[-1]
                handlers = self._by_name.get(original)
                if handlers and local != original:
                    # Also dispatch to the handlers of the local name itself (`parse` may be both).
                    aliases[local] = list(dict.fromkeys([*self._by_name.get(local, ()), *handlers]))
            cached = context.cache[cache_key] = (
                aliases,
                _callee_pattern(frozenset(self._by_name) | frozenset(aliases)),
            )
        return cached

    def check_node(self, node: Node, document: Document, context: CheckContext) -> Iterable[Finding]:
        if node.type == "ERROR" and node.start_point[1] == 0:
            return self._check_error_unit(node, document, context)
        return self._check_unit(node, document, context)

    def _check_error_unit(self, unit: Node, document: Document, context: CheckContext) -> list[Finding]:
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
            piece_context = CheckContext(context.config)
            piece_context.cache[("lg2.imports", id(piece.tree))] = imports
            for child in piece.tree.root_node.children:
                found = self._check_unit(child, piece, piece_context)
                findings.extend(f.shifted(start) for f in found if f.span.end_line + start <= last)
        return findings

    def _check_unit(self, node: Node, document: Document, context: CheckContext) -> list[Finding]:
        findings: list[Finding] = []
        config = context.config
        by_name = self._by_name
        aliases, pattern = self._aliases(document, context)
        # Most units call nothing of interest: a regex over the unit's bytes says so without a query.
        calls = (
            _call_index(node, context)
            if pattern.search(document.source, node.start_byte, node.end_byte)
            else ()
        )
        dataflow = python_dataflow(node, context)
        judged: set[tuple[int, int]] = set()  # (handler, call) pairs the rule's own logic has seen
        for call, last in calls:
            handlers = aliases.get(last) or by_name.get(last)
            if not handlers:
                continue
            name = qualified_call_name(call, scope_imports(call, document, context))
            if name is None:
                continue
            if dataflow.is_dead(call, node):
                continue  # no path reaches it: a branch whose condition folds to a constant
            if name in dataflow.definitions:
                continue  # `self.execute(...)` of the file's own class: its summary decides
            for handler in handlers:
                if config.is_enabled(handler.rule.id):
                    judged.add((id(handler), call.id))
                    findings.extend(
                        _guarded(handler, handler.check_call, call, name, node, document, context)
                    )
        findings.extend(self._model_sink_findings(node, document, context, dataflow, judged))
        if self._unit_handlers:
            source = document.source
            for handler in self._unit_handlers:
                markers = handler.unit_markers
                if markers and not any(source.find(m, node.start_byte, node.end_byte) >= 0 for m in markers):
                    continue
                if config.is_enabled(handler.rule.id):
                    findings.extend(_guarded(handler, handler.check_unit, node, document, context))
        return findings


def _guarded(handler: CallRule, method, *args) -> list[Finding]:
    """One rule's bug must not silence the other rules sharing this check: log it and go on."""
    try:
        return list(method(*args))
    except Exception:
        log.exception("rule %s failed", handler.rule.id)
        return []


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


def discover_handlers() -> list[CallRule]:
    """Every ``HANDLER`` defined by a module of this package, in module order."""
    import importlib
    import pkgutil

    import landguard.checks.python as package

    handlers = []
    for module_info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if module_info.name.startswith("_") or module_info.name == "dangerous_calls":
            continue
        module = importlib.import_module(f"{package.__name__}.{module_info.name}")
        handler = getattr(module, "HANDLER", None)
        if isinstance(handler, CallRule):
            handlers.append(handler)
    return handlers
