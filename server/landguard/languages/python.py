"""The Python adapter: tree-sitter Python -> dataflow IR, with names resolved through imports.

The only code (with the Python rules' syntax helpers) that knows tree-sitter-python's node
names. ``PythonFlow`` is what the rules use: built once per analysis run for a document, it
lowers the functions around a unit on demand, runs the dataflow core over them, and answers
"what reaches this call?" (``fact(call_node)``) with the core's ``CallFact``.

Lowering, in brief:

- statements: assignments (chained, augmented, destructuring, annotated), ``if/elif/else``,
  ``for``/``while`` (+ ``else``), ``try/except/else/finally``, ``with ... as``, ``match`` (literal
  patterns become switch cases), ``return``, ``raise``, ``assert`` (a guard: ``assert x in
  ALLOWED``), ``break``/``continue``, nested ``def`` (a separate function and a local value);
- expressions: literals (strings folded, f-strings as ``Concat``), names, attributes, calls
  (receiver, positional and keyword arguments, ``*``/``**``), subscripts, ``+ - * / % ...``,
  comparisons, ``and``/``or``/``not``, ternaries, lists/tuples/sets/dicts, lambdas; anything
  else (comprehensions, ``await``, walrus …) becomes ``Opaque`` of its parts;
- names: imports at module level and in enclosing functions (``import subprocess as sp`` ->
  ``sp.run`` is ``subprocess.run``); a parameter's annotation resolved the same way is its type;
  an unannotated ``request`` parameter is ``web.request`` (Django views, DRF);
- parameters of route handlers (``@app.get``, ``@router.post``, ``@app.route`` …) are tagged
  ``route`` unless the framework injects them (``Depends(...)``); AWS Lambda handlers' ``event``
  is tagged ``lambda-event``;
- same-file calls: a module-level ``def helper`` is called as ``helper``; a method as
  ``self.name`` (and ``Class.name``).
"""

from __future__ import annotations

import ast
import builtins
import itertools
import re
import sys
import weakref
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from tree_sitter import Node

from landguard.dataflow import ir
from landguard.dataflow.interpret import CallFact, FileAnalysis, FunctionFacts, SummaryStore
from landguard.dataflow.models import Models, load_models
from landguard.dataflow.values import REQUEST, Value
from landguard.engine.languages import captures
from landguard.languages.common import SharedCache, text_digest

LOCAL_PREFIX = "<local>."
REQUEST_PARAMETER_TYPE = "web.request"
_BUILTIN_NAMES = frozenset(dir(builtins))
_FUNCTION_TYPES = frozenset({"function_definition"})
_DEFINITION_TYPES = frozenset({"function_definition", "class_definition", "decorated_definition"})
_ROUTE_DECORATOR_TEXT = (
    r"@\s*(?:[\w.]+\.(?:get|post|put|patch|delete|head|options|route|api_route|websocket|api_view|view)\b|"
    r"(?:api_view|require_http_methods|require_GET|require_POST|(?:app|router)\.(?!"
    # Typer/Click commands and Celery tasks registered on an `app`: their arguments come from the
    # command line or a queue, not from a web request.
    r"(?:command|callback|group|result_callback|task|shared_task)\b)\w+)\b)"
)
_ROUTE_DECORATOR = re.compile("^" + _ROUTE_DECORATOR_TEXT)  # a decorator's text
# Where a route decorator may be in a unit's text (``_may_tag``): found wherever one is.
_ROUTE_DECORATOR_IN_TEXT = re.compile(_ROUTE_DECORATOR_TEXT)
# Default values that mean "the framework fills this parameter" (FastAPI, dependency injectors).
INJECTED = re.compile(r"\b(?:Depends|Security|Inject|Provide)\s*\(")
_LAMBDA_HANDLER_NAMES = frozenset({"lambda_handler", "handler", "main"})
_BINARY = frozenset({"+", "-", "*", "/", "//", "%"})
_COMPARISON = frozenset({"==", "!=", "<", "<=", ">", ">=", "in", "not in", "is", "is not"})


def text(node: Node | None) -> str:
    if node is None:
        return ""
    raw = node.text
    return raw.decode("utf-8", errors="replace") if raw is not None else ""


# ---------------------------------------------------------------------------------------- imports


def record_imports(statement: Node, into: dict[str, str]) -> None:
    """Add the names an import statement binds to ``into`` (local name -> qualified name)."""
    kind = statement.type
    if kind == "import_statement":
        for name in statement.children_by_field_name("name"):
            if name.type == "aliased_import":
                into[text(name.child_by_field_name("alias"))] = text(name.child_by_field_name("name"))
            else:
                top = text(name).split(".", 1)[0]  # `import os.path` binds `os`
                into[top] = top
    elif kind == "import_from_statement":
        module_node = statement.child_by_field_name("module_name")
        if module_node is None or module_node.type == "relative_import":
            module = LOCAL_PREFIX.rstrip(".")
        else:
            module = text(module_node)
        for name in statement.children_by_field_name("name"):
            if name.type == "aliased_import":
                imported = text(name.child_by_field_name("name"))
                into[text(name.child_by_field_name("alias"))] = f"{module}.{imported}"
            else:
                imported = text(name)
                into[imported.split(".", 1)[0]] = f"{module}.{imported}"


def record_definition(statement: Node, into: dict[str, str]) -> None:
    """A top-level def/class that hides a builtin or an import maps to ``<local>.NAME``.

    Other definitions stay out, so pasting a new function leaves the import map (and with it
    every unit's cache key) unchanged.
    """
    node = statement
    if node.type == "decorated_definition":
        node = node.child_by_field_name("definition") or node
    if node.type in ("function_definition", "class_definition"):
        name = text(node.child_by_field_name("name"))
        if name and (name in _BUILTIN_NAMES or name in into):
            into[name] = LOCAL_PREFIX + name


_CONDITIONAL_BLOCKS = frozenset(
    {
        "if_statement",
        "try_statement",
        "with_statement",
        "block",
        "else_clause",
        "elif_clause",
        "except_clause",
        "finally_clause",
    }
)


def collect_imports(children: Iterable[Node], into: dict[str, str], depth: int = 0) -> None:
    """Module-level imports, also inside top-level ``if``/``try`` (``try: import ujson as json``)."""
    for child in children:
        kind = child.type
        if kind in ("import_statement", "import_from_statement"):
            record_imports(child, into)
        elif kind in _DEFINITION_TYPES:
            record_definition(child, into)
        elif depth < 3 and kind in _CONDITIONAL_BLOCKS:
            collect_imports(child.named_children, into, depth + 1)


# One step of the import map's fold: (local name, qualified name) for a name a statement imports,
# (name, None) for a definition, which hides a builtin or an import made before it.
ImportStep = tuple[str, str | None]


def import_steps(statement: Node) -> tuple[ImportStep, ...]:
    """What ``collect_imports`` does with one module-level statement, as steps replayed by
    ``replay_import_steps``: read from the statement alone, so they can be kept while it is
    unchanged (``Document.top_level_facts``) and an edit rebuilds the import map from the steps
    of the statements it changed."""
    steps: list[ImportStep] = []
    _collect_steps((statement,), steps, 0)
    return tuple(steps)


def _collect_steps(children: Iterable[Node], steps: list[ImportStep], depth: int) -> None:
    for child in children:  # the walk of ``collect_imports``
        kind = child.type
        if kind in ("import_statement", "import_from_statement"):
            imported: dict[str, str] = {}
            record_imports(child, imported)
            steps.extend(imported.items())
        elif kind in _DEFINITION_TYPES:
            node = (
                child.child_by_field_name("definition") or child if kind == "decorated_definition" else child
            )
            if node.type in ("function_definition", "class_definition"):
                steps.append((text(node.child_by_field_name("name")), None))
        elif depth < 3 and kind in _CONDITIONAL_BLOCKS:
            _collect_steps(child.named_children, steps, depth + 1)


def replay_import_steps(statements: Iterable[tuple[ImportStep, ...]], into: dict[str, str]) -> None:
    """``collect_imports`` over the module statements whose ``import_steps`` are ``statements``."""
    for steps in statements:
        for local, qualified in steps:
            if qualified is not None:
                into[local] = qualified
            elif local and (local in _BUILTIN_NAMES or local in into):
                into[local] = LOCAL_PREFIX + local  # as ``record_definition``


def qualify(dotted: str, imports: dict[str, str]) -> str:
    head, _, rest = dotted.partition(".")
    base = imports.get(head, head)
    return f"{base}.{rest}" if rest else base


# ---------------------------------------------------------------------------------------- literals


def string_value(node: Node) -> str | None:
    """The value of a string literal without interpolations (bytes decoded as latin-1)."""
    children = node.children
    if any(child.type == "interpolation" for child in children):
        return None
    # Fast path: a plain literal without escapes is its content (most strings in real code).
    if 2 <= len(children) <= 3 and children[0].type == "string_start" and children[-1].type == "string_end":
        prefix = text(children[0]).rstrip("'\"").lower()
        if prefix in ("", "r", "b", "rb", "br", "u"):
            return text(children[1]) if len(children) == 3 and children[1].type == "string_content" else ""
    try:
        value = ast.literal_eval(text(node))
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value if isinstance(value, str) else None


def _number(node: Node) -> int | float | None:
    raw = text(node)
    if raw.isascii() and raw.isdigit() and (raw[0] != "0" or len(raw) == 1):
        return int(raw)  # the common case, without a parse (a table of 10,000 numbers is common too)
    try:
        value = ast.literal_eval(raw.replace("_", ""))
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, (int, float)) else None


# ---------------------------------------------------------------------------------------- lowering


_COMPREHENSIONS = frozenset({"generator_expression", "list_comprehension", "set_comprehension"})


def _pattern_names(pattern: Node | None) -> list[Node]:
    """The identifiers a ``for`` target binds (``x``, ``k, v``, ``(a, (b, c))``)."""
    if pattern is None:
        return []
    if pattern.type == "identifier":
        return [pattern]
    return [name for child in pattern.named_children for name in _pattern_names(child)]


def is_route_handler(function: Node) -> bool:
    parent = function.parent
    if parent is None or parent.type != "decorated_definition":
        return False
    return any(_ROUTE_DECORATOR.match(text(d)) for d in parent.children if d.type == "decorator")


def decorator_texts(function: Node) -> list[str]:
    parent = function.parent
    if parent is None or parent.type != "decorated_definition":
        return []
    return [text(d) for d in parent.children if d.type == "decorator"]


@dataclass
class _Lowered:
    """Everything lowered from one unit: its functions, and each call node's IR call."""

    functions: list[ir.Function] = field(default_factory=list)
    owner: dict[int, ir.Function] = field(default_factory=dict)  # call node id -> function


class _Lowerer:
    def __init__(self, imports: dict[str, str], lowered: _Lowered) -> None:
        self.imports = imports
        self.lowered = lowered
        self.pending_calls: list[list[int]] = []
        self.pending_callees: list[set[str]] = []
        # Inside a comprehension: its loop names, each standing for an element of its iterable.
        self.comprehension_names: dict[str, ir.Expr] = {}
        # Locals bound to ``Class()`` of a class not imported (see ``_note_instance``).
        self.instance_names: set[str] = set()

    # -- functions

    def function(
        self, node: Node, class_name: str | None = None, outer_imports: dict[str, str] | None = None
    ) -> ir.Function:
        name = text(node.child_by_field_name("name"))
        imports = dict(outer_imports if outer_imports is not None else self.imports)
        body_node = node.child_by_field_name("body")
        for statement in _statements(body_node):
            if statement.type in ("import_statement", "import_from_statement"):
                record_imports(statement, imports)
        saved = self.imports
        self.imports = imports
        params = self._parameters(node, class_name)
        for param in params:
            # A parameter hides a module name or builtin of the same spelling (`def f(eval): eval(x)`).
            if param.type:
                imports[param.name] = param.type
            elif param.name in imports or param.name in _BUILTIN_NAMES:
                imports[param.name] = LOCAL_PREFIX + param.name
            else:
                imports.pop(param.name, None)
        self.pending_calls.append([])
        self.pending_callees.append(set())
        body = self.block(body_node)
        calls = self.pending_calls.pop()
        callees = self.pending_callees.pop()
        if self.pending_callees:
            self.pending_callees[-1] |= callees  # a nested function's calls are its parent's too
        self.imports = saved
        decorators = decorator_texts(node)
        tags = set()
        if is_route_handler(node):
            tags.add("route")
        if any(d.startswith("@staticmethod") for d in decorators):
            tags.add("static")
        key = name
        aliases: tuple[str, ...] = ()
        if class_name is not None:
            key = (
                f"self.{name}"
                if params and "self" in params[0].tags or not params
                else f"{class_name}.{name}"
            )
            aliases = (f"{class_name}.{name}", f"cls.{name}")
        function = ir.Function(
            name=name,
            params=tuple(params),
            body=tuple(body),
            key=key,
            class_name=class_name,
            tags=frozenset(tags),
            node=node,
            extra={"aliases": aliases, "callees": frozenset(callees)},
        )
        self.lowered.functions.append(function)
        for call_id in calls:
            self.lowered.owner.setdefault(call_id, function)
        return function

    def module_statements(self, nodes: list[Node]) -> ir.Function:
        self.pending_calls.append([])
        body = [stmt for node in nodes for stmt in self.statement(node)]
        calls = self.pending_calls.pop()
        function = ir.Function("<module>", (), tuple(body), key=None, node=nodes[0] if nodes else None)
        self.lowered.functions.append(function)
        for call_id in calls:
            self.lowered.owner.setdefault(call_id, function)
        return function

    def _parameters(self, function: Node, class_name: str | None) -> list[ir.Param]:
        parameters = function.child_by_field_name("parameters")
        if parameters is None:
            return []
        route = is_route_handler(function)
        lambda_handler = text(function.child_by_field_name("name")) in _LAMBDA_HANDLER_NAMES
        found: list[ir.Param] = []
        position = 0
        for parameter in parameters.named_children:
            name_node, annotation, default = parameter, None, None
            kind = parameter.type
            if kind in ("default_parameter", "typed_default_parameter"):
                name_node = parameter.child_by_field_name("name")
                annotation = parameter.child_by_field_name("type")
                default = parameter.child_by_field_name("value")
            elif kind == "typed_parameter":
                name_node = parameter.named_children[0] if parameter.named_children else None
                annotation = parameter.child_by_field_name("type")
            elif kind in ("list_splat_pattern", "dictionary_splat_pattern"):
                name_node = parameter.named_children[0] if parameter.named_children else None
            if name_node is None or name_node.type != "identifier":
                continue
            name = text(name_node)
            tags: set[str] = set()
            if class_name is not None and not found and name in ("self", "cls"):
                tags.add("self")
                found.append(ir.Param(name, -1, frozenset(tags), None, name_node))
                continue
            type_name = None
            if annotation is not None:
                type_name = qualify(text(annotation).strip().strip("'\""), self.imports)
            elif name in ("request", "req"):  # ``_REQUEST_PARAMETER_NAMES``
                type_name = REQUEST_PARAMETER_TYPE
            injected = default is not None and INJECTED.search(text(default)) is not None
            if route and not injected and kind not in ("list_splat_pattern", "dictionary_splat_pattern"):
                if type_name is None or not _is_framework_object(type_name):
                    tags.add("route")
            if lambda_handler and name == "event" and position == 0:
                tags.add("lambda-event")
            index = position if kind not in ("list_splat_pattern", "dictionary_splat_pattern") else -2
            found.append(ir.Param(name, index, frozenset(tags), type_name, name_node))
            position += 1
        return found

    # -- statements

    def block(self, node: Node | None) -> list[ir.Stmt]:
        return [stmt for child in _statements(node) for stmt in self.statement(child)]

    def statement(self, node: Node) -> list[ir.Stmt]:
        kind = node.type
        if kind == "expression_statement":
            result: list[ir.Stmt] = []
            for child in node.named_children:
                result.extend(self._expression_statement(child))
            return result
        if kind == "return_statement":
            value = node.named_children[0] if node.named_children else None
            return [ir.Return(self.expr(value) if value is not None else None, node)]
        if kind == "raise_statement":
            value = node.named_children[0] if node.named_children else None
            return [ir.Raise(self.expr(value) if value is not None else None, node)]
        if kind == "if_statement":
            return [self._if(node)]
        if kind == "for_statement":
            target = node.child_by_field_name("left")
            iterable = node.child_by_field_name("right")
            binding = ir.Assign(self.target(target), ir.Index(self.expr(iterable), ir.Opaque()), node)
            body = [binding, *self.block(node.child_by_field_name("body"))]
            orelse = self._else(node.child_by_field_name("alternative"))
            return [ir.Loop(tuple(body), None, tuple(orelse), node=node)]
        if kind == "while_statement":
            test = self.expr(node.child_by_field_name("condition"))
            body = self.block(node.child_by_field_name("body"))
            orelse = self._else(node.child_by_field_name("alternative"))
            return [ir.Loop(tuple(body), test, tuple(orelse), node=node)]
        if kind == "try_statement":
            return [self._try(node)]
        if kind == "with_statement":
            result = []
            for clause in node.named_children:
                if clause.type != "with_clause":
                    continue
                for item in clause.named_children:
                    value = item.child_by_field_name("value")
                    if value is None:
                        continue
                    if value.type == "as_pattern":
                        alias = value.child_by_field_name("alias")
                        inner = value.named_children[0] if value.named_children else None
                        target = (
                            alias.named_children[0] if alias is not None and alias.named_children else None
                        )
                        if inner is not None and target is not None:
                            result.append(ir.Assign(self.target(target), self.expr(inner), item))
                            continue
                    result.append(ir.Eval(self.expr(value), item))
            result.extend(self.block(node.child_by_field_name("body")))
            return result
        if kind == "match_statement":
            return [self._match(node)]
        if kind == "assert_statement":
            condition = node.named_children[0] if node.named_children else None
            if condition is None:
                return []
            return [ir.If(ir.Unary("not", self.expr(condition)), (ir.Raise(None, node),), (), node)]
        if kind == "break_statement":
            return [ir.Break(node)]
        if kind == "continue_statement":
            return [ir.Continue(node)]
        if kind == "decorated_definition":
            definition = node.child_by_field_name("definition")
            return self.statement(definition) if definition is not None else []
        if kind == "function_definition":
            function = self.function(node, None, self.imports)
            return [ir.Define(function, node)]
        if kind == "class_definition":
            body = node.child_by_field_name("body")
            class_name = text(node.child_by_field_name("name"))
            for member in _statements(body):
                definition = (
                    member.child_by_field_name("definition")
                    if member.type == "decorated_definition"
                    else member
                )
                if definition is not None and definition.type == "function_definition":
                    self.function(definition, class_name, self.imports)
            return []
        if kind in ("delete_statement", "global_statement", "nonlocal_statement", "pass_statement"):
            return []
        if kind in ("import_statement", "import_from_statement", "future_import_statement"):
            return []
        if kind in ("print_statement", "exec_statement"):
            return [ir.Eval(ir.Opaque(tuple(self.expr(c) for c in node.named_children)), node)]
        # Anything else (type aliases, ERROR nodes): evaluate what it contains for its calls.
        return [ir.Eval(ir.Opaque(tuple(self.expr(c) for c in node.named_children if c.is_named)), node)]

    def _expression_statement(self, node: Node) -> list[ir.Stmt]:
        if node.type == "assignment":
            return self._assignment(node)
        if node.type == "augmented_assignment":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            operator = text(node.child_by_field_name("operator")).rstrip("=")
            if left is None or right is None:
                return []
            current = self.expr(left)
            value: ir.Expr
            if operator in _BINARY:
                value = ir.BinOp(operator, current, self.expr(right), node)
            else:
                value = ir.Opaque((current, self.expr(right)), node)
            return [ir.Assign(self.target(left), value, node)]
        return [ir.Eval(self.expr(node), node)]

    def _assignment(self, node: Node) -> list[ir.Stmt]:
        targets = []
        current = node
        while current is not None and current.type == "assignment":
            left = current.child_by_field_name("left")
            if left is not None:
                targets.append(left)
            right = current.child_by_field_name("right")
            if right is None:  # an annotation without a value: `x: int`
                return []
            current = right
        value = self.expr(current)
        for target in targets:
            if target.type == "identifier":
                self._note_instance(text(target), value)
        return [ir.Assign(self.target(t), value, node) for t in targets]

    def _note_instance(self, name: str, value: ir.Expr) -> None:
        """``q = Query()`` with ``Query`` neither imported nor a builtin (a class of this file, or
        nothing the analysis knows): ``q.run(x)`` is then called as ``Query.run``, the key of the
        same-file method (an unknown name resolves to no summary, as ``q.run`` did). Depends on
        the unit's text and the imports alone, so kept lowerings stay exact."""
        constructed = value.callee if isinstance(value, ir.Call) and value.is_new else None
        if constructed is not None:
            self.imports[name] = constructed
            self.instance_names.add(name)
        elif name in self.instance_names:
            self.imports.pop(name, None)  # rebound to something else: unknown again
            self.instance_names.discard(name)

    def _if(self, node: Node) -> ir.If:
        test = self.expr(node.child_by_field_name("condition"))
        body = self.block(node.child_by_field_name("consequence"))
        alternatives = node.children_by_field_name("alternative")
        orelse: list[ir.Stmt] = []
        # elif chains nest: `if a: … elif b: … else: …` is `if a: … else: (if b: … else: …)`
        for alternative in reversed(alternatives):
            if alternative.type == "elif_clause":
                orelse = [
                    ir.If(
                        self.expr(alternative.child_by_field_name("condition")),
                        tuple(self.block(alternative.child_by_field_name("consequence"))),
                        tuple(orelse),
                        alternative,
                    )
                ]
            else:
                orelse = self._else(alternative)
        return ir.If(test, tuple(body), tuple(orelse), node)

    def _else(self, node: Node | None) -> list[ir.Stmt]:
        if node is None:
            return []
        return self.block(node.child_by_field_name("body") or _first_block(node))

    def _try(self, node: Node) -> ir.Try:
        body = self.block(node.child_by_field_name("body"))
        handlers, orelse, final = [], [], []
        for child in node.named_children:
            if child.type in ("except_clause", "except_group_clause"):
                handler: list[ir.Stmt] = []
                for part in child.named_children:
                    if part.type == "as_pattern":
                        alias = part.child_by_field_name("alias")
                        target = (
                            alias.named_children[0] if alias is not None and alias.named_children else None
                        )
                        if target is not None:
                            handler.append(ir.Assign(self.target(target), ir.Opaque(), part))
                handler.extend(self.block(_first_block(child)))
                handlers.append(tuple(handler))
            elif child.type == "else_clause":
                orelse = self._else(child)
            elif child.type == "finally_clause":
                final = self.block(_first_block(child))
        return ir.Try(tuple(body), tuple(handlers), tuple(orelse), tuple(final), node)

    def _match(self, node: Node) -> ir.Switch:
        subject = self.expr(node.child_by_field_name("subject"))
        cases = []
        body = node.child_by_field_name("body")
        for clause in body.named_children if body is not None else ():
            if clause.type != "case_clause":
                continue
            tests: list[ir.Expr] = []
            is_default = False
            guard = clause.child_by_field_name("guard")
            for pattern in clause.named_children:
                if pattern.type != "case_pattern":
                    continue
                literal_tests = self._pattern_tests(pattern)
                if literal_tests is None:
                    tests.append(ir.Opaque())  # a capture or class pattern: not a constant test
                elif not literal_tests:
                    is_default = True
                else:
                    tests.extend(literal_tests)
            if guard is not None:
                tests = [ir.Opaque()]
                is_default = False
            consequence = self.block(clause.child_by_field_name("consequence"))
            cases.append(ir.Case(() if is_default else tuple(tests), tuple(consequence)))
        return ir.Switch(subject, tuple(cases), node)

    def _pattern_tests(self, pattern: Node) -> list[ir.Expr] | None:
        """Constant tests of a case pattern; [] for the wildcard ``_``; None if not constant."""
        children = pattern.named_children
        if not children:
            return [] if text(pattern).strip() == "_" else None
        inner = children[0]
        if inner.type == "union_pattern":
            tests: list[ir.Expr] = []
            for alternative in inner.named_children:
                value = self._literal(alternative)
                if value is None:
                    return None
                tests.append(value)
            return tests
        value = self._literal(inner)
        return [value] if value is not None else None

    def _literal(self, node: Node) -> ir.Lit | None:
        if node.type == "string":
            value = string_value(node)
            return ir.Lit(value, node) if value is not None else None
        if node.type in ("integer", "float"):
            number = _number(node)
            return ir.Lit(number, node) if number is not None else None
        if node.type in ("true", "false", "none"):
            return ir.Lit({"true": True, "false": False, "none": None}[node.type], node)
        return None

    # -- targets and expressions

    def target(self, node: Node) -> ir.Expr:
        kind = node.type
        if kind in ("pattern_list", "tuple_pattern", "list_pattern", "tuple", "list"):
            return ir.Seq(tuple(self.target(c) for c in node.named_children), node)
        if kind == "parenthesized_expression" and node.named_children:
            return self.target(node.named_children[0])
        if kind == "list_splat_pattern" and node.named_children:
            return self.target(node.named_children[0])
        if kind == "identifier":
            return ir.Name(text(node), None, node)
        return self.expr(node)

    def expr(self, node: Node | None) -> ir.Expr:
        if node is None:
            return ir.Opaque()
        kind = node.type
        if kind == "identifier":
            name = text(node)
            bound = self.comprehension_names.get(name)
            if bound is not None:
                return bound
            return ir.Name(name, self.imports.get(name), node)
        if kind in _COMPREHENSIONS:
            return self._comprehension(node)
        if kind == "attribute":
            obj = node.child_by_field_name("object")
            name = text(node.child_by_field_name("attribute"))
            lowered = self.expr(obj)
            qualname = _qualname_of(lowered)
            return ir.Attr(lowered, name, f"{qualname}.{name}" if qualname else None, node)
        if kind == "call":
            return self._call(node)
        if kind == "string":
            return self._string(node)
        if kind == "concatenated_string":
            parts = tuple(self._string(child) for child in node.named_children if child.type == "string")
            if all(isinstance(p, ir.Lit) for p in parts):
                return ir.Lit("".join(str(p.value) for p in parts), node)  # type: ignore[union-attr]
            return ir.Concat(parts, node)
        if kind in ("integer", "float"):
            return ir.Lit(_number(node), node)
        if kind in ("true", "false", "none"):
            return ir.Lit({"true": True, "false": False, "none": None}[kind], node)
        if kind == "parenthesized_expression":
            inner = [c for c in node.named_children if c.type != "comment"]
            return self.expr(inner[0]) if inner else ir.Opaque((), node)
        if kind == "binary_operator":
            operator = text(node.child_by_field_name("operator"))
            left = self.expr(node.child_by_field_name("left"))
            right = self.expr(node.child_by_field_name("right"))
            if operator in _BINARY:
                return ir.BinOp(operator, left, right, node)
            return ir.Opaque((left, right), node)
        if kind == "boolean_operator":
            operator = text(node.child_by_field_name("operator"))
            left = self.expr(node.child_by_field_name("left"))
            right = self.expr(node.child_by_field_name("right"))
            return ir.BinOp(operator if operator in ("and", "or") else "or", left, right, node)
        if kind == "not_operator":
            return ir.Unary("not", self.expr(node.child_by_field_name("argument")), node)
        if kind == "unary_operator":
            operator = text(node.child_by_field_name("operator"))
            argument = self.expr(node.child_by_field_name("argument"))
            if operator == "-":
                return ir.Unary("-", argument, node)
            if operator == "+":
                return argument
            return ir.Opaque((argument,), node)
        if kind == "comparison_operator":
            return self._comparison(node)
        if kind == "conditional_expression":
            parts = [c for c in node.named_children if c.type != "comment"]
            if len(parts) == 3:
                then, test, orelse = parts
                return ir.Cond(self.expr(test), self.expr(then), self.expr(orelse), node)
            return ir.Opaque(tuple(self.expr(p) for p in parts), node)
        if kind in ("list", "tuple", "set", "expression_list"):
            table = _number_table(node)
            if table is not None:
                return ir.Seq(table, node)
            items = tuple(self.expr(c) for c in node.named_children if c.type != "comment")
            if any(c.type == "list_splat" for c in node.named_children):
                return ir.Opaque(items, node)
            return ir.Seq(items, node)
        if kind == "dictionary":
            entries: list[tuple[ir.Expr | None, ir.Expr]] = []
            for child in node.named_children:
                if child.type == "pair":
                    entries.append(
                        (
                            self.expr(child.child_by_field_name("key")),
                            self.expr(child.child_by_field_name("value")),
                        )
                    )
                elif child.type == "dictionary_splat" and child.named_children:
                    entries.append((None, self.expr(child.named_children[0])))
            return ir.MapLit(tuple(entries), node)
        if kind == "subscript":
            value = self.expr(node.child_by_field_name("value"))
            keys = node.children_by_field_name("subscript")
            if len(keys) == 1 and keys[0].type != "slice":
                return ir.Index(value, self.expr(keys[0]), node)
            return ir.Index(value, ir.Opaque(tuple(self.expr(k) for k in keys)), node)
        if kind == "lambda":
            return ir.FuncRef(self._lambda(node), node)
        if kind in (
            "list_splat",
            "dictionary_splat",
            "await",
            "keyword_argument",
            "parenthesized_list_splat",
        ):
            inner = [c for c in node.named_children if c.type != "comment"]
            if kind == "keyword_argument":
                return self.expr(node.child_by_field_name("value"))
            return self.expr(inner[-1]) if inner else ir.Opaque((), node)
        if kind == "named_expression":
            return self.expr(node.child_by_field_name("value"))
        # Comprehensions, generators, slices, yield …: their value depends on their parts.
        return ir.Opaque(tuple(self.expr(c) for c in node.named_children if c.type != "comment"), node)

    def _comprehension(self, node: Node) -> ir.Expr:
        """``[f(x) for x in xs if …]``: what the body makes of each element, the loop names standing
        for an element of their iterable (so ``", ".join(quote_name(c) for c in columns)`` is as
        clean as ``quote_name`` makes it, and ``[x for x in request.args]`` carries the request)."""
        saved = dict(self.comprehension_names)
        try:
            for clause in node.named_children:
                if clause.type != "for_in_clause":
                    continue
                element = ir.Index(self.expr(clause.child_by_field_name("right")), ir.Opaque(), clause)
                for name_node in _pattern_names(clause.child_by_field_name("left")):
                    self.comprehension_names[text(name_node)] = element
            body = self.expr(node.child_by_field_name("body"))
        finally:
            self.comprehension_names = saved
        return ir.Opaque((body,), node)

    def _comparison(self, node: Node) -> ir.Expr:
        operands = [c for c in node.named_children if c.type != "comment"]
        operators = [" ".join(text(o).split()) for o in node.children_by_field_name("operators")]
        if len(operands) == 2 and len(operators) == 1 and operators[0] in _COMPARISON:
            return ir.BinOp(operators[0], self.expr(operands[0]), self.expr(operands[1]), node)
        return ir.Opaque(tuple(self.expr(o) for o in operands), node)

    def _string(self, node: Node) -> ir.Expr:
        value = string_value(node)
        if value is not None:
            return ir.Lit(value, node)
        parts: list[ir.Expr] = []
        for child in node.children:
            if child.type in ("string_content", "escape_sequence"):
                parts.append(ir.Lit(text(child), child))
            elif child.type == "interpolation":
                parts.append(self.expr(child.child_by_field_name("expression")))
        return ir.Concat(tuple(parts), node)

    def _call(self, node: Node) -> ir.Call:
        function = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        args: list[ir.Expr] = []
        keywords: list[tuple[str, ir.Expr]] = []
        spread = False
        if arguments is not None and arguments.type == "argument_list":
            for child in arguments.named_children:
                if child.type == "comment":
                    continue
                if child.type == "keyword_argument":
                    keywords.append(
                        (
                            text(child.child_by_field_name("name")),
                            self.expr(child.child_by_field_name("value")),
                        )
                    )
                elif child.type in ("list_splat", "dictionary_splat"):
                    spread = True
                    args.append(self.expr(child))
                else:
                    args.append(self.expr(child))
        elif arguments is not None:  # f(x for x in y)
            args.append(self.expr(arguments))
        receiver: ir.Expr | None = None
        method = ""
        callee: str | None = None
        if function is not None and function.type == "attribute":
            receiver = self.expr(function.child_by_field_name("object"))
            method = text(function.child_by_field_name("attribute"))
            base = _qualname_of(receiver)
            callee = f"{base}.{method}" if base else None
        elif function is not None and function.type == "identifier":
            method = text(function)
            callee = self.imports.get(method, method)
        elif function is not None:
            receiver = self.expr(function)
        call = ir.Call(
            callee, method, tuple(args), tuple(keywords), receiver, _constructs(callee, method), spread, node
        )
        if self.pending_calls:
            self.pending_calls[-1].append(node.id)
        if self.pending_callees and callee is not None:
            self.pending_callees[-1].add(callee)
        return call

    def _lambda(self, node: Node) -> ir.Function:
        parameters = node.child_by_field_name("parameters")
        params = []
        for position, parameter in enumerate(parameters.named_children if parameters is not None else ()):
            name_node = parameter if parameter.type == "identifier" else parameter.child_by_field_name("name")
            if name_node is not None and name_node.type == "identifier":
                params.append(ir.Param(text(name_node), position, frozenset(), None, name_node))
        body = node.child_by_field_name("body")
        self.pending_calls.append([])
        lowered_body = (ir.Return(self.expr(body), body),)
        calls = self.pending_calls.pop()
        function = ir.Function("<lambda>", tuple(params), lowered_body, node=node)
        self.lowered.functions.append(function)
        for call_id in calls:
            self.lowered.owner.setdefault(call_id, function)
        return function


# A literal list or tuple of plain decimal integers (a generated parser's tables: 10,000 numbers).
_NUMBER_TABLE = re.compile(rb"[\[(]\s*(?:(?:0|[1-9][0-9]*)\s*,\s*)*(?:(?:0|[1-9][0-9]*)\s*)?[\])]")
_NUMBER_TABLE_MIN = 64


def _number_table(node: Node) -> ir.LitTable | None:
    """The items of a long literal table of integers, read from its text in one pass; None for
    anything else. Its elements get no nodes: no rule asks about one number of a table, and an
    edit inside an 11,000-line table function then costs a regex and ``int``s, not a node walk.
    The same numbers give the same table (typing a space or a line break in it changes none), so
    its interpreted value is reused too (``ir.LitTable``)."""
    if node.type not in ("list", "tuple") or node.named_child_count < _NUMBER_TABLE_MIN:
        return None
    raw = node.text or b""
    if _NUMBER_TABLE.fullmatch(raw) is None:
        return None
    items = raw[1:-1].split(b",")
    if not items[-1].strip():
        items.pop()  # the trailing comma
    numbers = tuple(map(int, items))  # ``int`` takes bytes and ignores the white space around them
    table = _TABLES.get(numbers)
    if table is None:
        lits = _INT_LITS
        table = ir.LitTable([lits.get(n) or _int_lit(n) for n in numbers])
        _TABLES[numbers] = table
        if len(_TABLES) > _TABLES_LIMIT:
            _TABLES.pop(next(iter(_TABLES)))
    return table


# The last tables read, by their numbers, and one node-less ``Lit`` per integer met in a table
# (literals are immutable, and one without a node is its value wherever it stands).
_TABLES: dict[tuple[int, ...], ir.LitTable] = {}
_TABLES_LIMIT = 16
_INT_LITS: dict[int, ir.Lit] = {}
_INT_LITS_LIMIT = 1 << 16


def _int_lit(number: int) -> ir.Lit:
    lit = ir.Lit(number)
    if len(_INT_LITS) < _INT_LITS_LIMIT:
        _INT_LITS[number] = lit
    return lit


def _constructs(callee: str | None, method: str) -> bool:
    """``Query()``: a capitalised plain name neither imported nor a builtin calls a class of this
    file (or one the analysis knows nothing of): lowered as ``is_new``, so the value is an instance
    of it and ``Query().run(x)``, or a factory's ``return Query()``, runs ``Query.run``."""
    return bool(callee) and callee == method and callee not in _BUILTIN_NAMES and method[:1].isupper()


def _qualname_of(expr: ir.Expr) -> str | None:
    """The dotted name an expression stands for: imports resolved, plain locals as written."""
    if isinstance(expr, ir.Name):
        return expr.qualname or expr.name
    if isinstance(expr, ir.Attr):
        return expr.qualname
    return None


def _is_framework_object(type_name: str) -> bool:
    """Route parameters typed as the framework's own objects (``Request``, ``Session``) are not
    request values themselves; their attributes are modelled as sources instead."""
    last = type_name.rsplit(".", 1)[-1]
    return last in {
        "Request",
        "HttpRequest",
        "WebSocket",
        "Response",
        "BackgroundTasks",
        "Session",
        "AsyncSession",
    }


def _statements(block: Node | None) -> list[Node]:
    if block is None:
        return []
    return [child for child in block.named_children if child.type != "comment"]


def _first_block(node: Node) -> Node | None:
    for child in node.named_children:
        if child.type == "block":
            return child
    return None


def module_constants(root: Node) -> dict[str, object]:
    """Module-level ``NAME = literal`` assignments, assigned exactly once: known constants."""
    seen: dict[str, object] = {}
    assigned: dict[str, int] = {}
    for statement in root.named_children:
        if statement.type != "expression_statement" or not statement.named_children:
            continue
        assignment = statement.named_children[0]
        if assignment.type != "assignment":
            continue
        left = assignment.child_by_field_name("left")
        right = assignment.child_by_field_name("right")
        if left is None or left.type != "identifier" or right is None:
            continue
        name = text(left)
        assigned[name] = assigned.get(name, 0) + 1
        value: object = None
        if right.type == "string":
            value = string_value(right)
        elif right.type in ("integer", "float"):
            value = _number(right)
        elif right.type in ("true", "false"):
            value = right.type == "true"
        if value is not None:
            seen[name] = value
    return {name: value for name, value in seen.items() if assigned.get(name) == 1}


# ---------------------------------------------------------------------------------------- per run


class PythonFlow:
    """The dataflow view of one Python document for one analysis run.

    ``facts_at(node)``: the facts of the function (or module-level statement) that contains
    ``node``; ``fact(call_node)``: what reaches that call. Units are lowered once per run, and
    the file's other top-level functions and methods are lowered (lazily) for summaries.
    """

    def __init__(self, root: Node, imports: dict[str, str], models: Models | None = None) -> None:
        self.root = root
        self.imports = imports
        self.models = models or load_models("python")
        self._units: dict[int, _Lowered] = {}
        self._analysis: FileAnalysis | None = None
        self._constants: dict[str, object] | None = None
        self._definitions: dict[str, Node] | None = None
        self._class_methods: dict[str, list[str]] | None = None  # ``_method_keys``, by method name
        self._state: _DocumentState | None = None
        self._texts: dict[int, bytes] = {}
        self._digests: dict[bytes, bytes] = {}
        self._source: bytes | None = None
        self._imports_key = frozenset(imports.items())
        # ``_may_reach_sink_by_text``: unit id -> its answer; last name -> the units defining it.
        self._reach_by_text: dict[object, dict[int, bool]] = {}  # by question, then unit id
        self._units_by_last_name: dict[bytes, list[Node]] | None = None
        self._import_words: frozenset[bytes] | None = None
        self._value_words: frozenset[bytes] = frozenset()  # of the import values alone
        self._source_scans: dict[str, _SourceScan] = {}  # ``may_carry_by_text``, by strength
        self._import_values: tuple[str, ...] | None = None

    @property
    def analysis(self) -> FileAnalysis:
        if self._analysis is None:
            self._analysis = FileAnalysis(
                (),
                self.models,
                self.constants,
                resolve=_weakly(self.function_by_key),
                store=self._state.summaries if self._state is not None else None,
                method_keys=_weakly(self._method_keys),
            )
        return self._analysis

    @property
    def constants(self) -> dict[str, object]:
        if self._constants is None:
            self._constants = module_constants(self.root)
        return self._constants

    @property
    def definitions(self) -> dict[str, Node]:
        """Key (``helper``, ``self.load``, ``Store.load``) -> the unit that defines it; no lowering."""
        if self._definitions is None:
            self._definitions = {}
            for unit, name, class_name in _top_level_definitions(self.root):
                keys = (
                    (name,) if class_name is None else (f"self.{name}", f"{class_name}.{name}", f"cls.{name}")
                )
                for key in keys:
                    self._definitions.setdefault(key, unit)
        return self._definitions

    def _method_keys(self, method: str) -> list[str]:
        """The keys ``Class.method`` of the file's methods called ``method`` (no lowering)."""
        if self._class_methods is None:
            # Indexed once per run: a unit key asks once per method its text calls on a returned
            # value, and a scan of every definition per question cost up to 36 ms of CPU when a
            # paste renewed the keys of _pydecimal's ~440 units (docs/benchmarks.md, `paste`).
            self._class_methods = {}
            for key in self.definitions:
                if "." in key and not key.startswith(("self.", "cls.")):
                    self._class_methods.setdefault(key.rpartition(".")[2], []).append(key)
        return self._class_methods.get(method, [])

    def function_by_key(self, key: str) -> ir.Function | None:
        unit = self.definitions.get(key)
        if unit is None:
            return None
        for function in self._lowered_for_summaries(unit).functions:
            if function.key == key or key in function.extra.get("aliases", ()):
                return function
        return None

    def _lowered_for_summaries(self, unit: Node) -> _Lowered:
        """The unit's lowering for the file's summaries: kept from an earlier run of the document
        while the unit's text, its class and the imports are the same (its nodes may then belong to
        an earlier tree: fine for what a helper does with its parameters, not for spans), so the
        ``SummaryStore`` recognises its functions and an edit re-lowers only what it touched."""
        state = self._state
        if state is None:
            return self.lower_unit(unit)
        node = unit.child_by_field_name("definition") if unit.type == "decorated_definition" else unit
        key = (self._text_of(unit), _enclosing_class_name(node) if node is not None else None)
        lowered = state.lowered.get(key)
        if lowered is None:
            lowered = state.lowered[key] = self.lower_unit(unit)
            if len(state.lowered) > _LOWERED_LIMIT:
                state.lowered.popitem(last=False)
        else:
            state.lowered.move_to_end(key)
        return lowered

    def unit_key(self, unit: Node) -> object:
        """What findings in ``unit`` depend on outside it: the summaries of the file's functions it
        calls and the module constants it reads (both exact; summaries are kept in the document's
        ``SummaryStore``, so an edit re-summarises the functions it touched and rechecks only the
        callers of one whose summary changed)."""
        state = self._state
        if state is not None:
            # While no summary a caller can see changed (``attach``), a unit's key is its text's.
            known = state.unit_keys.get(self._text_of(unit))
            if known is not None and known[0] == state.epoch:
                return known[1]
        callees, names, methods = self.unit_names(unit)
        summaries = tuple((key, self._signature(key)) for key in sorted(self._keys_called(callees, methods)))
        used = self._used_constants(names)
        key = (summaries, used) if summaries or used else None
        if state is not None:
            if len(state.unit_keys) > _SIGNATURE_CACHE_SIZE:
                # ``_settle`` reads which keys were computed in this epoch: forgetting them starts one.
                state.unit_keys.clear()
                state.epoch += 1
            state.unit_keys[self._text_of(unit)] = (state.epoch, key)
        return key

    def _keys_called(self, callees: frozenset[str], methods: frozenset[str]) -> set[str]:
        """The same-file keys calls written as ``callees`` can reach: as written, and for the
        ``methods`` called on what a call returned (``unit_names``) every class's method of that
        name (``_calls_any``)."""
        definitions = self.definitions
        keys = callees & definitions.keys()
        for method in methods:
            keys.update(self._method_keys(method))
        return keys

    def key_epoch(self) -> object:
        """While this is the same, ``unit_key`` of a unit depends on the unit's text alone (None
        without document state: no such promise)."""
        state = self._state
        return None if state is None else (state.serial, state.epoch)

    def _used_constants(self, names: frozenset[str]) -> tuple[tuple[str, object], ...]:
        constants = self.constants
        if not constants:
            return ()
        return tuple((name, constants[name]) for name in sorted(names & constants.keys()))

    def _text_of(self, unit: Node) -> bytes:
        found = self._texts.get(unit.id)
        if found is None:
            if self._source is None:
                self._source = self.root.text or b""  # one copy per run; ``Node.text`` costs more each
            # The module node's text starts at its first statement, not at byte 0: blank lines
            # above it would shift every unit's text (and the keys and kept lowerings made of it).
            offset = self.root.start_byte
            found = self._texts[unit.id] = self._source[unit.start_byte - offset : unit.end_byte - offset]
        return found

    def _digest_of(self, text_key: bytes) -> bytes:
        found = self._digests.get(text_key)
        if found is None:
            found = self._digests[text_key] = text_digest(text_key)
        return found

    def unit_names(
        self, unit: Node, text_key: bytes | None = None
    ) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """(the calls in ``unit`` as written, identifiers it reads, the methods it calls on what a
        call returned), cached by the unit's text.

        The methods are those of ``make().run(x)`` and of ``q.run(x)`` where the unit assigns
        ``q`` a call of a plain name (``q = make()``, ``with make() as q``): a superset of the instance calls the
        dataflow applies a same-file class's method to (``dataflow.interpret.instance_methods``,
        per function), read from the text so that keys need no lowering. Any other method call
        (``self.load()`` is keyed as written; ``other.load()``, ``os.path.join()``) runs no
        same-file summary, so the summaries of the file's methods of its name are not in the key."""
        if text_key is None:
            text_key = self._text_of(unit)
        digest = self._digest_of(text_key)
        cached = _UNIT_NAMES.get(digest)
        if cached is None:
            found = captures("python", _NAMES_QUERY, unit)
            # Callees as written (`helper`, `self.load`, `Store.load`): the same-file keys they can be.
            # Interned: the same names recur in every unit, and the cache outlives the documents.
            callees = frozenset(sys.intern("".join(text(node).split())) for node in found.get("callee", ()))
            names = frozenset(sys.intern(text(node)) for node in found.get("name", ()))
            assigned = {text(node) for node in found.get("assigned", ())}
            methods = frozenset(
                sys.intern(method)
                for receiver, _, method in (callee.rpartition(".") for callee in callees)
                if receiver and (_unparenthesized(receiver) in assigned or _is_plain_call(receiver))
            )
            cached = _UNIT_NAMES.put(digest, (callees, names, methods))
        return cached

    def _signature(self, key: str) -> object:
        """The summary signature of the file's function ``key`` (None if there is none)."""
        analysis = self.analysis
        function = analysis.lookup(key)  # resolved once per run
        summary = analysis.summary(function) if function is not None else None
        signature = summary.signature() if summary is not None else None
        if self._state is not None:
            self._state.signatures[key] = signature  # what units' keys show of it (see _settle)
        return signature

    def attach(self, document: object) -> None:
        """Use the document's state kept across runs (its ``SummaryStore`` and the lowering of
        unchanged units), once per run and before the first analysis: an edit then costs the
        functions it touched (and the callers of one whose summary changed), not the file."""
        if self._state is not None or self._analysis is not None:
            return
        state = _STATES.get(document)
        if state is None or state.imports_key != self._imports_key:
            state = _DocumentState(self._imports_key)
            try:
                _STATES[document] = state
            except TypeError:  # not weak-referenceable: no persistence, still correct
                return
        self._state = state
        self._settle(state)

    def _settle(self, state: _DocumentState) -> None:
        """Bump the document's epoch when a summary some unit's key could see may have changed: the
        set of the file's functions or the module constants changed, or an edited function that
        some unit calls has a new signature. Unchanged functions whose callees keep
        their signatures keep theirs, so otherwise every unit keeps its key: an edit costs the
        functions it touched, not a walk over every unit's callees."""
        definitions = self.definitions
        texts = {key: self._text_of(unit) for key, unit in definitions.items()}
        constants = dict(self.constants)
        old_texts, old_constants = state.texts, state.constants
        state.texts, state.constants = texts, constants
        if old_constants is None:
            state.epoch += 1
            state.signatures = {}
            return
        # Functions defined or gone, constants set, changed or gone: a unit's key shows them only if
        # the unit calls (reads) that name, so a pasted function nobody calls yet keeps every key.
        moved = texts.keys() ^ old_texts.keys()
        constants_changed = {
            name
            for name in constants.keys() | old_constants.keys()
            if _typed(constants.get(name, _UNKNOWN)) != _typed(old_constants.get(name, _UNKNOWN))
        }
        if moved or constants_changed:
            callees, names, methods = self._names_in_units()
            if _calls_any(callees, methods, moved) or constants_changed & names:
                state.epoch += 1
                state.signatures = {}
                return
        changed = [key for key in texts.keys() & old_texts.keys() if old_texts[key] != texts[key]]
        for key in self._with_cycles(changed):
            # Every key a unit's key shows was recorded when that key was computed; a function no
            # unit calls (no record) changes no unit's key.
            shown = state.signatures.get(key, _UNKNOWN)
            if shown is not _UNKNOWN and self._signature(key) != shown:
                state.epoch += 1

    def _with_cycles(self, keys: list[str]) -> list[str]:
        """``keys`` and the keys of the other members of their functions' call cycles: an edit of
        one member can change every member's summary (the cycle is summarised as one unit)."""
        found = dict.fromkeys(keys)
        analysis = self.analysis
        for key in keys:
            function = analysis.lookup(key)
            for member in analysis.cycle_of(function) if function is not None else ():
                for name in (member.key, *member.extra.get("aliases", ())):
                    if name:
                        found.setdefault(name)
        return list(found)

    def _names_in_units(self) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """(callees, identifiers) of the file's analysis units whose key was computed in this epoch:
        what a key that may be reused can show (a unit of new text gets its key computed afresh)."""
        from landguard.engine.analyze import analysis_units

        state = self._state
        assert state is not None
        callees: set[str] = set()
        names: set[str] = set()
        methods: set[str] = set()
        for unit in analysis_units(self.root):
            text_key = self._text_of(unit)
            known = state.unit_keys.get(text_key)
            if known is None or known[0] != state.epoch:
                continue
            unit_callees, unit_names, unit_methods = self.unit_names(unit, text_key)
            callees |= unit_callees
            names |= unit_names
            methods |= unit_methods
        return frozenset(callees), frozenset(names), frozenset(methods)

    def lower_unit(self, unit: Node) -> _Lowered:
        lowered = self._units.get(unit.id)
        if lowered is None:
            lowered = _Lowered()
            lowerer = _Lowerer(self.imports, lowered)
            node = unit.child_by_field_name("definition") if unit.type == "decorated_definition" else unit
            if node is not None and node.type == "function_definition":
                class_name = _enclosing_class_name(node)
                lowerer.function(node, class_name)
            elif node is not None and node.type == "class_definition":
                lowerer.statement(node)
            else:
                lowerer.module_statements([unit])
            self._units[unit.id] = lowered
        return lowered

    @staticmethod
    def _unit_of(node: Node) -> Node:
        """The engine's analysis unit around ``node``: a top-level statement, or a member of a
        top-level class."""
        chain = []
        current = node
        while current.parent is not None:
            chain.append(current)
            current = current.parent
        if not chain:
            return node
        top = chain[-1]
        definition = top.child_by_field_name("definition") if top.type == "decorated_definition" else top
        if definition is not None and definition.type == "class_definition":
            body = definition.child_by_field_name("body")
            for ancestor in chain:
                if ancestor.parent is not None and body is not None and ancestor.parent.id == body.id:
                    return ancestor
        return top

    def is_dead(self, call: Node, unit: Node | None = None) -> bool:
        """The call sits in a function the core analysed, and no path reaches it."""
        unit = unit or self._unit_of(call)
        lowered = self.lower_unit(unit)
        function = lowered.owner.get(call.id)
        if function is None:
            return False  # decorators, defaults, class attributes: not lowered, so not judged
        return call not in self.analysis.facts(function).values

    def facts_at(self, node: Node, unit: Node | None = None) -> FunctionFacts | None:
        unit = unit or self._unit_of(node)
        lowered = self.lower_unit(unit)
        function = lowered.owner.get(node.id) if node.type == "call" else None
        if function is None:
            function = _innermost(lowered.functions, node)
        if function is None:
            return None
        return self.analysis.facts(function)

    def fact(self, call: Node, unit: Node | None = None) -> CallFact | None:
        facts = self.facts_at(call, unit)
        if facts is None:
            return None
        for fact in facts.calls:
            if fact.call.node is not None and fact.call.node.id == call.id:
                return fact
        return None  # dead code: never reached

    def unit_facts(self, unit: Node) -> list[FunctionFacts]:
        """The facts of every function lowered from ``unit`` (and its module-level code)."""
        return [self.analysis.facts(function) for function in self.lower_unit(unit).functions]

    def sink_facts(self, unit: Node) -> list[FunctionFacts]:
        """The facts of the functions lowered from ``unit`` from which a sink can be reached (the
        others have no sink hits: ``FileAnalysis.may_reach_sink``), in the order of ``unit_facts``."""
        analysis = self.analysis
        return [
            analysis.facts(function)
            for function in self.lower_unit(unit).functions
            if analysis.may_reach_sink(function)
        ]

    def _may_reach_sink_by_text(self, unit: Node) -> bool:
        """Whether a sink row can match a call in ``unit`` or in a unit of the file it can reach,
        read from the units' words (``_words``) without lowering any: True whenever
        ``FileAnalysis.may_reach_sink`` can be for a function lowered from ``unit`` (False here
        means False there; memoised per run).

        Every string the lowering gives a call's callee and method or a name is made of words of
        its unit's text (identifiers; an annotation's text, quoted or not, for a parameter's type),
        of the file's import targets and of the lowering's own ``REQUEST_PARAMETER_TYPE`` and
        ``LOCAL_PREFIX``. So a row whose words are not all among a unit's (``_names_a_sink``)
        matches none of its calls, and a same-file function its IR can reach (a callee, a name
        read, an instance call's ``Class.method``) has a key whose last part is one of its words.
        Why: a factory's result may run every class method of a name (``FileAnalysis.edges``),
        and lowering each one only to find no sink was most of a one-shot check of
        ``_pydecimal.py`` (``ans = _dec_from_triple(...); ans._fix(context)`` reaches most of
        class ``Decimal``)."""
        anchors = _sink_anchors(self.models)
        return self._reaches_by_text(unit, "sink", lambda node: _names_a_sink(self._words(node), anchors))

    def may_carry_by_text(self, unit: Node, strength: str) -> bool:
        """Whether a label of ``strength`` (``request``) can appear in the facts of a function
        lowered from ``unit``, read from the units' words without lowering any: True whenever
        ``FileAnalysis.may_carry`` can be, with a parameter source counted only where the
        lowering can tag or type a parameter so (False here means no such label; memoised per run).

        Labels enter a function only from source rows matching its calls, names and attributes,
        from its parameters' tags and types (``Models.param_strength``), from the summaries of
        the same-file functions it reaches and from the function it is nested in (the same unit):
        the edges ``_may_reach_sink_by_text`` follows. A source row or ``param_type`` row counts
        as for sinks (``_names_a_sink``), except that ``REQUEST_PARAMETER_TYPE``'s words count only
        in a unit naming ``request`` or ``req`` (the parameters the lowering gives that type). A
        ``param_tag`` row counts where the lowering could give the tag (``_may_tag``).
        Why: every sink hit the model-sink pass reports carries a ``request`` label, and interpreting
        each unit that calls a sink method (``open``, ``write``, ``get`` ...) to find none was most
        of that pass's cost on code that never touches a web request (CPython's ``Lib``)."""
        self._note_import_words()
        scan = self._source_scans.get(strength)
        if scan is None or scan.value_words is not self._value_words:
            # New import words (``q = Cls()`` lowered) change the gate only if a row names one.
            gate = _source_gate(self.models, strength, self._value_words)
            if scan is None or scan.gate is not gate:
                if self._source is None:
                    self._source = self.root.text or b""
                # A one-shot run asks of every unit: one pass over the file finds the keys of all.
                # An editor's run (document state) asks of the units it rechecks: just those are
                # read, with what they reach.
                scan = _SourceScan(gate, self._source if self._state is None else None)
                self._source_scans[strength] = scan
            scan.value_words = self._value_words
        if scan.starts is not None:
            if scan.in_definitions is None:
                # Most files name no source anywhere: then a unit's answer is its own words'.
                units = {defined.id: defined for defined in self.definitions.values()}.values()
                scan.in_definitions = any(self._names_a_source(scan, defined) for defined in units)
            if not scan.in_definitions:
                return self._names_a_source(scan, unit)
        return self._reaches_by_text(unit, ("carry", strength), lambda node: self._names_a_source(scan, node))

    def may_carry_at(self, node: Node, strength: str) -> bool:
        """``may_carry_by_text`` of the unit around ``node``: False means the value of ``node``
        (``value_of``) has no label of ``strength``."""
        return self.may_carry_by_text(self._unit_of(node), strength)

    def _names_a_source(self, scan: _SourceScan, unit: Node) -> bool:
        """Whether the unit's own words can name a source of the scan's strength (``_SourceGate``),
        memoised on the scan: a one-shot run asks it of each definition (``in_definitions``) and
        again of each unit."""
        known = scan.named.get(unit.id)
        if known is None:
            offset = self.root.start_byte  # as in ``_text_of``
            # The unit's text is sliced only once a key may be in it (most units show none).
            known = scan.may_hold(
                unit.start_byte - offset, unit.end_byte - offset, lambda: self._text_of(unit)
            ) and scan.gate.holds(self._unit_words(unit), self._text_of(unit))
            scan.named[unit.id] = known
        return known

    def _reaches_by_text(self, unit: Node, question: object, own: Callable[[Node], bool]) -> bool:
        """Whether ``own(unit)`` holds for ``unit`` or a unit of the file it can reach
        by its words (a unit defining a key whose last part is one of them), memoised per run and
        question (``_may_reach_sink_by_text``)."""
        self._note_import_words()
        memo = self._reach_by_text.setdefault(question, {})
        known = memo.get(unit.id)
        if known is not None:
            return known
        by_last_name = self._units_by_last_name
        if by_last_name is None:
            by_last_name = self._units_by_last_name = {}
            for key, defined in self.definitions.items():
                units = by_last_name.setdefault(key.rsplit(".", 1)[-1].encode(), [])
                if all(other.id != defined.id for other in units):
                    units.append(defined)
        # Tarjan's strongly connected components over the units reached from ``unit``: every unit
        # reached gets its answer once (a cycle's members share one), so a file costs one walk
        # over its units' words, however many callers ask (a walk per caller repeated the walk
        # behind every unit whose answer was True).
        order: dict[int, int] = {}
        low: dict[int, int] = {}
        holds: dict[int, bool] = {}  # its own words name a sink, or a finished successor's do
        path: list[Node] = []
        on_path: set[int] = set()
        frames: list[tuple[Node, Iterator[Node]]] = []
        # A unit's words are its own and the import words (``_words``): the units the import
        # words lead to are the same for every unit, found once (not a union of sets per unit).
        assert self._import_words is not None  # ``_note_import_words`` ran above
        by_import_words = [t for w in self._import_words & by_last_name.keys() for t in by_last_name[w]]

        def enter(node: Node) -> None:
            order[node.id] = low[node.id] = len(order)
            path.append(node)
            on_path.add(node.id)
            holds[node.id] = own(node)
            own_words = self._unit_words(node) & by_last_name.keys()
            targets = itertools.chain((t for w in own_words for t in by_last_name[w]), by_import_words)
            frames.append((node, targets))

        enter(unit)
        while frames:
            node, successors = frames[-1]
            descended = False
            # Once a unit holds, the successors it has not walked yet cannot change its answer.
            while not holds[node.id] and not descended:
                target = next(successors, None)
                if target is None:
                    break
                answer = memo.get(target.id)
                if answer is not None:
                    holds[node.id] = answer
                elif target.id not in order:
                    enter(target)
                    descended = True
                elif target.id in on_path:
                    low[node.id] = min(low[node.id], order[target.id])
            if not descended:
                frames.pop()
                if low[node.id] == order[node.id]:  # the root of a component: it is finished
                    members = []
                    while not members or members[-1].id != node.id:
                        members.append(path.pop())
                        on_path.discard(members[-1].id)
                    answer = any(holds[member.id] for member in members)
                    for member in members:
                        memo[member.id] = answer
                if frames:
                    parent = frames[-1][0]
                    low[parent.id] = min(low[parent.id], low[node.id])
                    if memo.get(node.id):
                        holds[parent.id] = True
        return memo[unit.id]

    def _note_import_words(self) -> None:
        """Keep ``_import_words`` a superset of the words of every value the imports have had this
        run: lowering module-level code records ``q = Query()`` in them (``_note_instance``), and
        functions lowered after it resolve ``q.run`` as ``Query.run``. New words may make a unit
        reach a sink row: the answers so far are dropped."""
        values = tuple(self.imports.values())
        if values == self._import_values:
            return
        self._import_values = values
        words = frozenset(_WORD.findall(" ".join(values).encode())) | _LOCAL_PREFIX_WORDS
        if self._import_words is not None and words <= self._value_words:
            return
        self._value_words |= words
        self._import_words = self._value_words | _REQUEST_TYPE_WORDS
        self._reach_by_text.clear()

    def _words(self, unit: Node) -> frozenset[bytes]:
        """The words of the unit's text (identifiers, strings and comments too: a superset), with
        those of the file's import targets and of the lowering's constants (``_may_reach_sink_by_text``)."""
        assert self._import_words is not None  # ``_note_import_words`` ran first
        return self._unit_words(unit) | self._import_words

    def _unit_words(self, unit: Node) -> frozenset[bytes]:
        """The words of the unit's text alone, cached by its text."""
        text_key = self._text_of(unit)
        digest = self._digest_of(text_key)
        words = _UNIT_WORDS.get(digest)
        if words is None:
            words = _UNIT_WORDS.put(digest, frozenset(_WORD.findall(text_key)))
        return words

    def facts_carrying(self, unit: Node, strength: str) -> list[FunctionFacts]:
        """The facts of the functions lowered from ``unit`` in which a label of ``strength`` can
        appear (``FileAnalysis.may_carry``; the others have none), in the order of ``unit_facts``."""
        if not self.may_carry_by_text(unit, strength):
            return []  # none can: known from the words, without lowering the unit or its callees
        analysis = self.analysis
        return [
            analysis.facts(function)
            for function in self.lower_unit(unit).functions
            if analysis.may_carry(function, strength)
        ]

    def may_hit_a_sink(self, unit: Node, strength: str, calls: Callable[[], Iterable[Node]]) -> bool:
        """Whether a sink hit carrying a label of ``strength`` can be in the facts of a function
        lowered from ``unit``: ``may_carry_by_text`` and ``may_reach_sink`` (``calls``: the unit's
        calls, asked for only if needed). A one-shot run reads the words first (one pass over the
        file answers for every unit); an editor's run the calls first, as before the words' test
        was made: it reads only the unit's own calls, where the words' test may walk the file."""
        if self._state is None:
            return self.may_carry_by_text(unit, strength) and self.may_reach_sink(unit, calls())
        return self.may_reach_sink(unit, calls()) and self.may_carry_by_text(unit, strength)

    def may_reach_sink(self, unit: Node, calls: Iterable[Node]) -> bool:
        """A cheap test before analysing a unit for model sinks: it calls a sink method of the
        models, or a function of the file whose summary reaches a sink. ``calls``: every call in
        ``unit`` (the run's list, which the rules' dispatch shares: no query of its own)."""
        callees = _callees_as_written(calls)
        if {callee.rsplit(".", 1)[-1] for callee in callees} & self.models.sink_methods:
            return True
        analysis = self.analysis
        definitions = self.definitions
        for key in sorted(self._keys_called(callees, self.unit_names(unit)[2])):
            if not self._may_reach_sink_by_text(definitions[key]):
                continue  # no sink row can match a call it reaches: no need to lower it to know
            function = analysis.lookup(key)
            if function is None or not analysis.may_reach_sink(function):
                continue  # no sink reachable from it: its summary has none, whatever its values
            signature = self._signature(key)
            if signature is not None and signature[1]:  # type: ignore[index]
                return True
        return False

    def value_of(self, node: Node, unit: Node | None = None) -> Value | None:
        """The value of the expression ``node`` where it is evaluated; None in dead code."""
        facts = self.facts_at(node, unit)
        if facts is None:
            return None
        return facts.values.get(node)


_Result = TypeVar("_Result")


def _weakly(method: Callable[[str], _Result]) -> Callable[[str], _Result]:
    """``method`` (of a ``PythonFlow``), called through a weak reference. The flow owns its
    ``FileAnalysis``; the analysis's callbacks into the flow must not own it back, or every run's
    flow, analysis, lowerings and facts form a cycle that only the cyclic collector frees (on a
    whole tree, ~7,000 objects per large file waiting for a full collection)."""
    reference = weakref.WeakMethod(method)

    def call(key: str) -> _Result:
        bound = reference()
        if bound is None:
            raise ReferenceError("a FileAnalysis used after the PythonFlow that made it")
        return bound(key)

    return call


# A word of source text as bytes: UTF-8 sequences of a non-ASCII identifier stay in one word.
_WORD = re.compile(rb"[\w\x80-\xff]+")
# Models -> what ``_names_a_sink`` checks: (the words of each sink row, indexed by one of them;
# whether a row has none, and so may match any call).
_SINK_ANCHORS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# Models -> strength -> ``_source_anchors``.
_SOURCE_ANCHORS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# The words the lowering adds to names: ``LOCAL_PREFIX`` to any; ``REQUEST_PARAMETER_TYPE`` to
# those of the parameters it gives that type, which a unit naming one of them shows.
_LOCAL_PREFIX_WORDS = frozenset(_WORD.findall(LOCAL_PREFIX.encode()))
_REQUEST_TYPE_WORDS = frozenset(_WORD.findall(REQUEST_PARAMETER_TYPE.encode()))
_REQUEST_PARAMETER_NAMES = frozenset({b"request", b"req"})
_LAMBDA_HANDLER_WORDS = frozenset(name.encode() for name in _LAMBDA_HANDLER_NAMES)
# A substring of every unit text ``_may_tag`` can say True for, by tag.
_TAG_KEYS = {"route": b"@", "lambda-event": b"event"}


def _sink_anchors(models: Models) -> tuple[dict[bytes, list[frozenset[bytes]]], bool]:
    """Each sink row's words that a call matching it must show (``_may_reach_sink_by_text``):
    every word of its ``method`` or exact ``name``; of a glob (``itsdangerous.*Serializer``), the
    whole words before its first ``*`` (``itsdangerous``), the rest may be parts of longer ones."""
    found = _SINK_ANCHORS.get(models)
    if found is None:
        written = (row.name if row.name is not None else row.method for row in models.sinks.rows)
        # ``RowIndex.match`` never returns a row without a name or method.
        found = _SINK_ANCHORS[models] = _anchors(name for name in written if name is not None)
    return found


def _anchors(written: Iterable[str]) -> tuple[dict[bytes, list[frozenset[bytes]]], bool]:
    """The words a name matching each of ``written`` (a name, method or glob) must show, indexed
    by one of them (``_sink_anchors``); and whether one has none, and so may match any name."""
    by_word: dict[bytes, list[frozenset[bytes]]] = {}
    matches_anything = False
    for name in written:
        if "*" in name:
            before = name.split("*", 1)[0].encode()
            words = _WORD.findall(before)
            if words and _WORD.fullmatch(before[-1:]):
                words.pop()  # "Crypto.Cipher.Ci*" : "Ci" may start a longer word
        else:
            words = _WORD.findall(name.encode())
        if not words:
            matches_anything = True
            continue
        by_word.setdefault(words[0], []).append(frozenset(words))
    return by_word, matches_anything


def _source_anchors(
    models: Models, strength: str
) -> tuple[tuple[dict[bytes, list[frozenset[bytes]]], bool], frozenset[str], frozenset[bytes]]:
    """What ``may_carry_by_text`` checks for labels of ``strength``: the anchors (``_anchors``) of
    the source rows of that strength matched by name or method and of the ``param_type`` rows;
    the ``param_tag`` rows' tags; and every word of those anchors."""
    by_strength = _SOURCE_ANCHORS.setdefault(models, {})
    found = by_strength.get(strength)
    if found is None:
        written: list[str] = []
        tags: set[str] = set()
        for row in models.sources.rows:
            if row.get("strength", REQUEST) == strength:
                written.append(row.name if row.name is not None else row.method)
        for row in models.param_sources:
            if row.get("strength", REQUEST) != strength:
                continue
            if row.get("param_type"):
                written.append(row.get("param_type"))
            if row.get("param_tag"):
                tags.add(row.get("param_tag"))
        anchors = _anchors(written)
        vocabulary = frozenset(word for sets in anchors[0].values() for words in sets for word in words)
        found = by_strength[strength] = (anchors, frozenset(tags), vocabulary)
    return found


class _SourceGate:
    """What ``may_carry_by_text`` checks a unit's words against, for one strength and the file's
    import words so far (``value_words``): each source row's anchors (``_source_anchors``) less
    the import words, and less ``REQUEST_PARAMETER_TYPE``'s in a unit naming ``request`` or
    ``req``; and the parameter tags. ``keys``: a pattern that a unit's bytes matching none of
    those can be ruled out by (a word of each row's residue, as a substring; None: no such word).
    Shared by the files whose import words meet the rows' alike (``_source_gate``)."""

    def __init__(
        self,
        anchors: tuple[dict[bytes, list[frozenset[bytes]]], bool],
        tags: frozenset[str],
        value_words: frozenset[bytes],
    ) -> None:
        by_word, matches_anything = anchors
        rows = [row_words - value_words for row_sets in by_word.values() for row_words in row_sets]
        self.plain = _index_word_sets(rows, matches_anything)
        self.named = _index_word_sets([row - _REQUEST_TYPE_WORDS for row in rows], matches_anything)
        self.tags = tags
        keys: set[bytes] | None = None if matches_anything else set()
        for row in rows:
            if keys is None or not row:
                keys = None
                break
            # A unit meeting the row's residue shows all of it; one meeting it less the request
            # type's words names ``request`` or ``req``. Each shows the word chosen here.
            rest = row - _REQUEST_TYPE_WORDS
            if b"request" in row:
                keys.add(b"req")
            elif rest:
                keys.add(max(sorted(rest), key=len))
            else:
                keys.update((max(sorted(row), key=len), b"req"))
        for tag in tags:
            if keys is not None and tag != "self":  # a ``self`` parameter is clean (``_may_tag``)
                tag_key = _TAG_KEYS.get(tag)
                if tag_key is None:
                    keys = None
                else:
                    keys.add(tag_key)
        self.keys = _trie_pattern(keys) if keys is not None else None

    def holds(self, words: frozenset[bytes], unit_text: bytes) -> bool:
        """Whether a unit of ``unit_text`` and ``words`` can name a source of the strength."""
        anchors = self.named if not words.isdisjoint(_REQUEST_PARAMETER_NAMES) else self.plain
        if _names_a_sink(words, anchors):
            return True
        return any(_may_tag(tag, words, unit_text) for tag in self.tags)


class _SourceScan:
    """A file's ``_SourceGate`` with where its keys occur in the file's text (one pass over the
    ``source`` when given): a unit none of whose bytes a match overlaps shows no key (every
    occurrence of a key overlaps a match: the one found where it starts, or one found earlier
    spanning that place). Without the source, each unit's text is searched when asked about."""

    def __init__(self, gate: _SourceGate, source: bytes | None) -> None:
        self.gate = gate
        self.starts: list[int] | None = None
        self.ends: list[int] = []
        if source is not None:
            matches = list(gate.keys.finditer(source)) if gate.keys is not None else []
            self.starts = [match.start() for match in matches]
            self.ends = [match.end() for match in matches]
        self.in_definitions: bool | None = None  # whether a unit of ``definitions`` names a source
        self.named: dict[int, bool] = {}  # unit id -> ``PythonFlow._names_a_source``
        self.value_words: frozenset[bytes] | None = None  # the import words it was made for

    def may_hold(self, start: int, end: int, unit_text: Callable[[], bytes]) -> bool:
        """Whether a key may occur in the unit's text (``unit_text()``, asked for only without the
        source's matches), between ``start`` and ``end`` of the source."""
        keys = self.gate.keys
        if keys is None:
            return True  # a row that any unit may meet
        if self.starts is None:
            return keys.search(unit_text()) is not None
        first = bisect_right(self.ends, start)  # the first match ending after ``start``
        return first < len(self.starts) and self.starts[first] < end


# (Models, strength, the import words among its rows' words) -> ``_SourceGate``.
_SOURCE_GATES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_SOURCE_GATES_LIMIT = 256


def _source_gate(models: Models, strength: str, value_words: frozenset[bytes]) -> _SourceGate:
    """The gate for a file whose import values have ``value_words``: one per set of those words
    that the rows use (most files import nothing a source row names: they share one)."""
    anchors, tags, vocabulary = _source_anchors(models, strength)
    gates = _SOURCE_GATES.setdefault(models, {})
    key = (strength, value_words & vocabulary)
    gate = gates.get(key)
    if gate is None:
        if len(gates) >= _SOURCE_GATES_LIMIT:
            gates.clear()
        gate = gates[key] = _SourceGate(anchors, tags, key[1])
    return gate


def _trie_pattern(keys: Iterable[bytes]) -> re.Pattern[bytes]:
    """A pattern matching any of ``keys``, merged into a trie (``b"req(?:uests)?"``): the regex
    engine rejects most places after a byte or two (twice as fast as a flat alternation)."""
    trie: dict = {}
    for key in keys:
        node = trie
        for byte in key:
            node = node.setdefault(bytes((byte,)), {})
        node[b""] = {}

    def emit(node: dict) -> bytes:
        branches = [re.escape(byte) + emit(child) for byte, child in sorted(node.items()) if byte]
        if not branches:
            return b""
        body = branches[0] if len(branches) == 1 else b"(?:" + b"|".join(branches) + b")"
        return b"(?:" + body + b")?" if b"" in node else body

    return re.compile(emit(trie))


def _index_word_sets(
    word_sets: Iterable[frozenset[bytes]], matches_anything: bool
) -> tuple[dict[bytes, list[frozenset[bytes]]], bool]:
    """Word sets indexed by one of their words, as ``_names_a_sink`` reads them (an empty one
    matches anything)."""
    by_word: dict[bytes, list[frozenset[bytes]]] = {}
    for words in word_sets:
        if not words:
            matches_anything = True
            continue
        by_word.setdefault(min(words), []).append(words)
    return by_word, matches_anything


def _may_tag(tag: str, words: frozenset[bytes], unit_text: bytes) -> bool:
    """Whether lowering a unit of ``unit_text`` (with ``words``) can give a parameter ``tag``
    (``_Lowerer._parameters``): ``route`` needs a route decorator, ``lambda-event`` a handler's
    ``event``; ``self`` makes the value clean whatever the row says (``_Interpreter._param_value``).
    A tag this adapter never gives counts, so that a new one cannot be missed."""
    if tag == "route":
        return (
            b"@" in unit_text
            and _ROUTE_DECORATOR_IN_TEXT.search(unit_text.decode("utf-8", "replace")) is not None
        )
    if tag == "lambda-event":
        return b"event" in words and not words.isdisjoint(_LAMBDA_HANDLER_WORDS)
    return tag != "self"


def _names_a_sink(words: frozenset[bytes], anchors: tuple[dict[bytes, list[frozenset[bytes]]], bool]) -> bool:
    """Whether some sink row's words (``_sink_anchors``) are all among ``words``."""
    by_word, matches_anything = anchors
    if matches_anything:
        return True
    return any(row_words <= words for word in words & by_word.keys() for row_words in by_word[word])


def _callees_as_written(calls: Iterable[Node]) -> frozenset[str]:
    """The callees of ``calls`` as written (``helper``, ``self.load``, ``Store.load``): the
    same-file keys they can be, and the names sink rows are looked up by."""
    found: set[str] = set()
    for call in calls:
        function = call.child_by_field_name("function")
        if function is not None and function.type in ("identifier", "attribute"):
            found.add("".join(text(function).split()))
    return frozenset(found)


def _is_plain_call(written: str) -> bool:
    """Whether ``written`` (an expression as written, without spaces) is a call of a plain name:
    ``make()``, ``Query(a,b)`` (not ``self.make()``, whose call has a receiver)."""
    name, paren, _ = _unparenthesized(written).partition("(")
    return bool(paren) and written.endswith(")") and name.isidentifier()


def _unparenthesized(written: str) -> str:
    """``written`` without parentheses around it all (``(q).run``: the lowering reads ``q``)."""
    while written.startswith("(") and written.endswith(")"):
        written = written[1:-1]
    return written


def _calls_any(callees: frozenset[str], methods: frozenset[str], keys) -> bool:
    """Whether calls written as ``callees`` can reach a function of one of ``keys``: as written,
    and for a method in ``methods`` (called on what a call returned: ``q.run`` after
    ``q = Query()`` can run ``Query.run``) any same-file class's method of that name (a key gone
    since the last run included: its callers read it as no summary now)."""
    for key in keys:
        if key in callees:
            return True
        if "." in key and key.rsplit(".", 1)[1] in methods:
            return True
    return False


def _typed(value: object) -> tuple[type, object]:
    """A constant with its type: ``1`` and ``True`` are equal, but not the same constant."""
    return type(value), value


def _innermost(functions: list[ir.Function], node: Node) -> ir.Function | None:
    best = None
    for function in functions:
        owner = function.node
        if owner is None:
            continue
        if owner.start_byte <= node.start_byte and node.end_byte <= owner.end_byte:
            if best is None or owner.start_byte >= best.node.start_byte:
                best = function
    return best


def _enclosing_class_name(function: Node) -> str | None:
    current = function.parent
    while current is not None:
        if current.type == "class_definition":
            return text(current.child_by_field_name("name"))
        if current.type == "function_definition":
            return None
        current = current.parent
    return None


def _top_level_definitions(root: Node) -> Iterator[tuple[Node, str, str | None]]:
    """(unit, name, class name or None) of top-level functions and methods of top-level classes."""
    for child in root.named_children:
        node = child.child_by_field_name("definition") if child.type == "decorated_definition" else child
        if node is None:
            continue
        if node.type == "function_definition":
            yield child, text(node.child_by_field_name("name")), None
        elif node.type == "class_definition":
            class_name = text(node.child_by_field_name("name"))
            for member in _statements(node.child_by_field_name("body")):
                inner = (
                    member.child_by_field_name("definition")
                    if member.type == "decorated_definition"
                    else member
                )
                if inner is not None and inner.type == "function_definition":
                    yield member, text(inner.child_by_field_name("name")), class_name


class _DocumentState:
    """What a document keeps across analysis runs (see ``PythonFlow.attach``): valid while the
    imports are the same (the lowering resolves names through them)."""

    def __init__(self, imports_key: frozenset[tuple[str, str]]) -> None:
        self.imports_key = imports_key
        self.serial = next(_STATE_SERIALS)  # tells states apart in ``key_epoch`` (ids are reused)
        self.summaries = SummaryStore()
        # (unit text, class name) -> its lowering, least recently used first.
        self.lowered: OrderedDict[tuple[bytes, str | None], _Lowered] = OrderedDict()
        # The last run's function texts by key, module constants, and the signature units' keys
        # last showed of each function; ``epoch`` changes when a summary a key can see may have.
        self.texts: dict[str, bytes] = {}
        self.constants: dict[str, object] | None = None
        self.signatures: dict[str, object] = {}
        self.epoch = 0
        # Unit text -> (epoch, its key then).
        self.unit_keys: dict[bytes, tuple[int, object]] = {}


_STATES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_STATE_SERIALS = itertools.count()
_LOWERED_LIMIT = 20_000
_UNKNOWN = object()
_SIGNATURE_CACHE_SIZE = 20_000
# Shared by every document, by the digest of a unit's text (``common.SharedCache``): enough for
# the units of the documents being edited (the server keeps 16 whole); an idle document's first
# edit recomputes what fell out (a names query per unit, ~7 ms for 2,000 lines).
_TEXT_CACHE_LIMIT = 4096
# Unit text digest -> (call last names, identifiers): what a unit's key depends on.
_UNIT_NAMES: SharedCache[tuple[frozenset[str], frozenset[str], frozenset[str]]] = SharedCache(
    _TEXT_CACHE_LIMIT
)
# Unit text digest -> its words (``PythonFlow._words``).
_UNIT_WORDS: SharedCache[frozenset[bytes]] = SharedCache(_TEXT_CACHE_LIMIT)
_NAMES_QUERY = """
(call function: [(identifier) @callee (attribute) @callee])
(identifier) @name
(assignment left: (identifier) @assigned right: (call function: (identifier)))
(as_pattern (call function: (identifier)) alias: (as_pattern_target (identifier) @assigned))
"""
