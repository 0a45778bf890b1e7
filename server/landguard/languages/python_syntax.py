"""Tree-sitter helpers for the Python rules and their fixes: names, arguments, literals, scopes.

The grammar's node names stay here and in ``python.py`` (the dataflow adapter); the rules in
``checks/python/`` ask these helpers instead of reading node kinds themselves.

Names and calls
    ``qualified_name(node, imports)``: ``sp.run`` -> ``"subprocess.run"`` for identifiers and
    attribute chains (``get_conn().execute`` -> ``"?.execute"``); ``qualified_call_name(call,
    imports)`` the same for a call's callee; ``callee_attribute(call)``: its last name, a cheap
    prefilter; ``is_builtin(qualified, "eval")``.
Arguments and literals
    ``arguments(call)``, ``positional_args``, ``keyword_arg(call, name)``, ``argument(call, index,
    name)``, ``has_star_args``, ``keyword_argument_node`` (the whole ``name=value``, for fixes that
    remove it), ``is_keyword_name(identifier)``; ``is_literal_string`` (no interpolation, possibly
    implicitly or ``+``-concatenated), ``literal_string_value``, ``is_literal`` (constants and
    containers of constants), ``is_true``/``is_false``, ``int_value``, ``unparenthesize``.
Scopes and simple dataflow (what fixes rewrite: the assignment a string came through)
    ``enclosing_functions(node, unit)``, ``scope_of(node, unit)``, ``statements_in_function``,
    ``parameter_names``, ``scope_definitions(function, into)`` (the imports, defs and parameters a
    function adds to the names in scope); ``Flow(scope)``: the plain assignments of a scope in source
    order, ``Flow.reaching(name, before_byte)``; ``resolve(node, flow)``; ``string_building(node,
    flow) -> StringBuild``: how a string was built from non-literal parts (f-string, ``%``,
    ``.format``, ``+``), directly or through a variable; ``context_names(node, unit)``: the names
    that say what a value is for (assignment target, keyword, key, function).
Units
    ``CALL_QUERY``/``node_query(kind)``: queries for a unit's calls or nodes of one kind;
    ``is_recovery_error(node)``: a top-level node the parser made of text it could not parse.
Shapes and statements (what a rule asks instead of reading ``node.type``)
    ``is_function``, ``is_class``, ``is_assignment``, ``is_if``, ``is_try``, ``is_import``,
    ``is_subscript``, ``is_dict``, ``is_string``, ``is_interpolated_string``, ``is_container_display``
    ...; ``definition_of(statement)`` (through decorators), ``decorators_of(function)``,
    ``decorator_expression``, ``statement_expression(statement)``, ``returned_value``,
    ``tuple_head``, ``container_values``, ``display_items``, ``keyword_argument_parts``,
    ``annotation_parts``, ``chain_root``, ``attribute_read_off``; ``string_parts(string)``: its
    ``TEXT``/``ESCAPE``/``VALUE`` pieces; ``with_binding``, ``under_main_guard``,
    ``in_final_return``, ``handler_heads(try)``, ``imported_modules(import)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from tree_sitter import Node

from landguard.languages.common import plus_operands
from landguard.languages.python import (
    LOCAL_PREFIX,
    PythonFlow,
    record_definition,
    record_imports,
    string_value,
    text,
)

CALL_QUERY = "(call) @call"


def node_query(kind: str) -> str:
    """A query capturing every node of ``kind`` as ``@node``."""
    return f"({kind}) @node"


def kinds_query(kinds: tuple[str, ...]) -> str:
    """A query capturing every node of each of ``kinds`` under its kind's name (``@pair``)."""
    return " ".join(f"({kind}) @{kind}" for kind in kinds)


def is_recovery_error(node: Node) -> bool:
    """A top-level ERROR node starting a line: tree-sitter's recovery after an unclosed bracket,
    which can swallow every statement after it."""
    return node.type == "ERROR" and node.start_point[1] == 0


def scope_definitions(function: Node, into: dict[str, str]) -> None:
    """Add what ``function`` binds to the names in scope: its imports, its nested defs and classes,
    and its parameters (which shadow module names: ``def f(eval): eval(x)``)."""
    for statement in statements_in_function(function):
        if statement.type in ("import_statement", "import_from_statement"):
            record_imports(statement, into)
        elif statement.type in ("function_definition", "class_definition", "decorated_definition"):
            record_definition(statement, into)
    for name in parameter_names(function):
        into[name] = LOCAL_PREFIX + name


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


def call_receiver(call: Node) -> Node | None:
    """The object a method is called on (``archive`` in ``archive.extractall()``), else None."""
    function = call.child_by_field_name("function")
    if function is None or function.type != "attribute":
        return None
    return function.child_by_field_name("object")


def is_call(node: Node | None) -> bool:
    return node is not None and node.type == "call"


def is_plain_string(node: Node | None) -> bool:
    """A string literal (any quotes and prefix; interpolated or not)."""
    return node is not None and node.type == "string"


def is_builtin(name: str | None, builtin: str) -> bool:
    """``name`` (qualified) is the builtin ``builtin`` (not shadowed by an import or a def)."""
    return name == builtin or name == f"builtins.{builtin}"


def arguments(call: Node) -> list[Node]:
    arguments = call.child_by_field_name("arguments")
    if arguments is None or arguments.type != "argument_list":
        # `f"..."` generator-argument calls (`f(x for x in y)`) count as one positional.
        return [arguments] if arguments is not None else []
    return [child for child in arguments.named_children if child.type != "comment"]


def positional_args(call: Node) -> list[Node]:
    return [
        a for a in arguments(call) if a.type not in ("keyword_argument", "list_splat", "dictionary_splat")
    ]


def keyword_names(call: Node) -> list[str]:
    """The names of the call's keyword arguments, in order."""
    return [
        text(argument.child_by_field_name("name"))
        for argument in arguments(call)
        if argument.type == "keyword_argument"
    ]


def keyword_arg(call: Node, name: str) -> Node | None:
    """The value of keyword argument ``name``, or None."""
    for argument in arguments(call):
        if argument.type == "keyword_argument" and text(argument.child_by_field_name("name")) == name:
            return argument.child_by_field_name("value")
    return None


def keyword_argument_node(call: Node, name: str) -> Node | None:
    """The whole ``name=value`` node (for fixes that remove it)."""
    for argument in arguments(call):
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
    return any(a.type in ("list_splat", "dictionary_splat") for a in arguments(call))


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
    if node.type == "concatenated_string":
        parts = [string_value(child) for child in node.named_children if child.type == "string"]
        return None if any(part is None for part in parts) else "".join(parts)  # type: ignore[arg-type]
    return string_value(node)


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
    return plus_operands(node, "binary_operator", text, unparenthesize, unwrap_operands=True)


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
                dynamic = [a for a in arguments(node) if not is_literal(a)]
                if dynamic:
                    return StringBuild(
                        "format", node, None, literal_string_value(receiver) or "", tuple(dynamic)
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


def is_keyword_name(node: Node) -> bool:
    """``node`` is the name in ``f(name=value)``: not a variable."""
    parent = node.parent
    return (
        parent is not None
        and parent.type == "keyword_argument"
        and parent.child_by_field_name("name") == node
    )


def identifiers(node: Node) -> list[Node]:
    found = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "identifier":
            found.append(current)
        stack.extend(current.named_children)
    return found


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


def variable_only_feeds(query: Node, build: StringBuild, flow: Flow) -> bool:
    """``query`` is a variable assigned once (``build.via``) and read only here, and the values
    interpolated into it are not reassigned in between: a fix may rewrite both statements."""
    via = build.via
    query = unparenthesize(query)
    if via is None or query.type != "identifier" or via.augmented:
        return False
    name = text(query)
    if len(flow.by_name.get(name, ())) != 1 or via.value != build.node:
        return False
    uses = [n for n in identifiers(flow.scope) if text(n) == name]
    if len(uses) != 2:  # the assignment target and the call argument, nothing else
        return False
    # The interpolated values must mean the same at the call as at the assignment.
    used_names = {text(n) for part in build.dynamic_parts for n in identifiers(part)}
    return not flow.assignments_between(used_names, via.start_byte, query.start_byte)


# Kinds of node a rule asks ``node_query`` for (via ``checks/python/_support.unit_nodes``).
COMPARISON = "comparison_operator"
KEYWORD_ARGUMENT = "keyword_argument"
ASSIGNMENT = "assignment"
DICT_ENTRY = "pair"


def is_in_call_arguments(node: Node) -> bool:
    """Whether ``node`` (a keyword argument) is one of a call's arguments (not a class's bases)."""
    return node.parent is not None and node.parent.type == "argument_list"


def is_call_option(entry: Node) -> bool:
    """Whether a dict entry is an option handed to a call, in a dict literal given as an
    argument, nested in one, or unpacked into the call: ``connect({"password": ...})``,
    ``create_engine(url, connect_args={"password": ...})``, ``f(**{"auth": {"password": ...}})``."""
    node = entry.parent
    while node is not None and node.type == "dictionary":
        parent = node.parent
        if parent is not None and parent.type == "pair":
            node = parent.parent
            continue
        if parent is not None and parent.type in ("keyword_argument", "dictionary_splat"):
            parent = parent.parent
        return parent is not None and parent.type == "argument_list"
    return False


def dict_entry_parts(entry: Node) -> tuple[str | None, Node | None]:
    """The literal string key of a dict entry (None for another key) and its value."""
    return literal_string_value(entry.child_by_field_name("key")), entry.child_by_field_name("value")


def is_identifier(node: Node | None) -> bool:
    return node is not None and node.type == "identifier"


def is_attribute(node: Node | None) -> bool:
    """``obj.name``."""
    return node is not None and node.type == "attribute"


def is_integer(node: Node | None) -> bool:
    return node is not None and node.type == "integer"


def binary_parts(node: Node | None) -> tuple[str, Node | None, Node | None] | None:
    """(operator, left, right) of an arithmetic or bitwise ``a + b``; None for another node."""
    if node is None or node.type != "binary_operator":
        return None
    return (
        text(node.child_by_field_name("operator")),
        node.child_by_field_name("left"),
        node.child_by_field_name("right"),
    )


def unary_parts(node: Node | None) -> tuple[str, Node | None] | None:
    """(operator, operand) of ``~a`` / ``-a``; None for another node."""
    if node is None or node.type != "unary_operator":
        return None
    return text(node.child_by_field_name("operator")), node.child_by_field_name("argument")


def tuple_items(node: Node | None) -> list[Node] | None:
    """The items of a tuple literal ``(a, b)``; None for another node."""
    if node is None or node.type != "tuple":
        return None
    return list(node.named_children)


def dict_items(node: Node | None) -> list[tuple[str | None, Node | None]] | None:
    """(literal string key or None, value) of each entry of a dict literal; None when ``node``
    is not a dict literal (``**spread`` entries are left out)."""
    if node is None or node.type != "dictionary":
        return None
    return [dict_entry_parts(entry) for entry in node.named_children if entry.type == "pair"]


def string_start_text(node: Node | None) -> str | None:
    """The literal text a string literal starts with, before its first interpolation
    (``"http://host/"`` of ``f"http://host/{path}"``); None when it starts with one or is no string."""
    if node is None or node.type != "string":
        return None
    first = next((child for child in node.children if child.type != "string_start"), None)
    return text(first) if first is not None and first.type == "string_content" else None


def is_none(node: Node | None) -> bool:
    return node is not None and node.type == "none"


def is_expression_statement(node: Node | None) -> bool:
    return node is not None and node.type == "expression_statement"


def attribute_parts(node: Node | None) -> tuple[Node | None, str] | None:
    """(object, attribute name) of ``obj.name``; None for another node."""
    if node is None or node.type != "attribute":
        return None
    return node.child_by_field_name("object"), text(node.child_by_field_name("attribute"))


def subscript_parts(node: Node | None) -> tuple[Node | None, Node | None] | None:
    """(object, key) of ``obj[key]``; None for another node."""
    if node is None or node.type != "subscript":
        return None
    return node.child_by_field_name("value"), node.child_by_field_name("subscript")


def assigned_value(target: Node) -> Node | None:
    """The right-hand side when ``target`` is what a plain ``target = value`` assigns to."""
    assignment = target.parent
    if assignment is None or assignment.type != "assignment":
        return None
    return assignment.child_by_field_name("right")


def assignment_sides(node: Node) -> tuple[Node | None, Node | None]:
    """(left, right) of an assignment node (``node_query(ASSIGNMENT)``)."""
    return node.child_by_field_name("left"), node.child_by_field_name("right")


def dict_entries(node: Node | None) -> list[tuple[Node, Node | None, Node | None]] | None:
    """(entry, key, value) of each ``key: value`` of a dict literal; None for another node."""
    if node is None or node.type != "dictionary":
        return None
    return [
        (entry, entry.child_by_field_name("key"), entry.child_by_field_name("value"))
        for entry in node.named_children
        if entry.type == "pair"
    ]


def sequence_items(node: Node | None) -> list[Node] | None:
    """The items of a list or tuple literal; None for another node."""
    if node is None or node.type not in ("list", "tuple"):
        return None
    return list(node.named_children)


# ------------------------------------------------------------------ statements, definitions, shapes
# What the rules in ``checks/python/`` ask about a node, so that they never name grammar nodes.

# More kinds of node a rule asks ``node_query`` for.
FUNCTION_DEFINITION = "function_definition"
RETURN_STATEMENT = "return_statement"
AUGMENTED_ASSIGNMENT = "augmented_assignment"
DELETE_STATEMENT = "delete_statement"


def is_function(node: Node | None) -> bool:
    """``def name(...):`` (the definition itself, not the decorated wrapper around it)."""
    return node is not None and node.type == "function_definition"


def is_class(node: Node | None) -> bool:
    return node is not None and node.type == "class_definition"


def is_assignment(node: Node | None) -> bool:
    """A plain ``target = value`` (not ``+=``)."""
    return node is not None and node.type == "assignment"


def is_if(node: Node | None) -> bool:
    """An ``if`` statement."""
    return node is not None and node.type == "if_statement"


def is_assert(node: Node | None) -> bool:
    return node is not None and node.type == "assert_statement"


def is_subscript(node: Node | None) -> bool:
    """``obj[key]``."""
    return node is not None and node.type == "subscript"


def is_dict(node: Node | None) -> bool:
    """A dict display ``{key: value}``."""
    return node is not None and node.type == "dictionary"


def is_string(node: Node | None) -> bool:
    """A string literal, implicitly concatenated (``"a" "b"``) or not, interpolated or not."""
    return node is not None and node.type in ("string", "concatenated_string")


def is_number(node: Node | None) -> bool:
    return node is not None and node.type in ("integer", "float")


def is_lambda(node: Node | None) -> bool:
    return node is not None and node.type == "lambda"


def is_comment(node: Node | None) -> bool:
    return node is not None and node.type == "comment"


def is_interpolated_string(node: Node | None) -> bool:
    """An f-string with at least one ``{expression}``."""
    return node is not None and node.type == "string" and _string_has_interpolation(node)


def is_sequence_comprehension(node: Node | None) -> bool:
    """``[x for x in y]`` or ``(x for x in y)``."""
    return node is not None and node.type in ("generator_expression", "list_comprehension")


_CONTAINER_DISPLAYS = frozenset(
    {"dictionary", "list", "dictionary_comprehension", "list_comprehension", "tuple", "set"}
)


def is_container_display(node: Node | None) -> bool:
    """A dict, list, tuple or set display, or a dict or list comprehension: a container, not text."""
    return node is not None and node.type in _CONTAINER_DISPLAYS


def opens_scope(node: Node) -> bool:
    """A ``def``, ``class`` or ``lambda``: the names bound inside it are its own."""
    return node.type in ("function_definition", "class_definition", "lambda")


def is_in_block(node: Node) -> bool:
    """``node`` is directly a statement of an indented block (a method, a nested function, a
    branch), not of the module."""
    return node.parent is not None and node.parent.type == "block"


def is_module_statement(node: Node) -> bool:
    """``node`` is directly a statement of the module."""
    return node.parent is not None and node.parent.type == "module"


def definition_of(statement: Node) -> Node | None:
    """The ``def`` or ``class`` a decorated statement wraps; any other statement itself."""
    if statement.type == "decorated_definition":
        return statement.child_by_field_name("definition")
    return statement


def statement_expression(statement: Node) -> Node:
    """The expression an expression statement holds (``x = f()`` -> the assignment); any other
    statement itself."""
    if statement.type == "expression_statement" and statement.named_children:
        return statement.named_children[0]
    return statement


def decorators_of(function: Node) -> list[Node]:
    """The ``@decorator`` lines of a function or class definition, in order."""
    parent = function.parent
    if parent is None or parent.type != "decorated_definition":
        return []
    return [child for child in parent.children if child.type == "decorator"]


def decorator_expression(decorator: Node) -> Node | None:
    """What follows the ``@``: ``app.route("/x")``, ``login_required``."""
    return next((c for c in decorator.named_children if c.type != "comment"), None)


def returned_value(statement: Node) -> Node | None:
    """The value of a ``return value`` statement (None for a bare ``return``)."""
    return next((c for c in statement.named_children if c.type != "comment"), None)


def tuple_head(node: Node) -> Node:
    """The first item of a tuple (``body, status``); any other node itself."""
    if node.type in ("tuple", "expression_list") and node.named_child_count:
        return node.named_children[0]
    return node


def container_values(node: Node | None) -> list[Node | None] | None:
    """The values a dict, list or tuple display holds (a dict's entries' values; a ``**spread``
    entry as it is); None for another node."""
    if node is None or node.type not in ("dictionary", "list", "tuple"):
        return None
    return [
        entry.child_by_field_name("value") if entry.type == "pair" else entry for entry in node.named_children
    ]


def keyword_argument_parts(node: Node) -> tuple[str, Node | None] | None:
    """(name, value) of a ``name=value`` argument; None for another node."""
    if node.type != "keyword_argument":
        return None
    return text(node.child_by_field_name("name")), node.child_by_field_name("value")


def annotation_parts(node: Node) -> tuple[Node | None, Node | None] | None:
    """(target, annotation) of an annotated parameter (``code: CodeType``, ``code: CodeType = x``)
    or assignment (``code: CodeType = compile(...)``; the annotation None when there is none);
    None for another node."""
    if node.type == "assignment":
        return node.child_by_field_name("left"), node.child_by_field_name("type")
    if node.type in ("typed_parameter", "typed_default_parameter"):
        target = node.child_by_field_name("name") or (node.named_children[0] if node.named_children else None)
        return target, node.child_by_field_name("type")
    return None


def unawait(node: Node) -> Node:
    """``x`` of ``await x``; any other node itself."""
    if node.type == "await":
        return node.named_children[0] if node.named_children else node
    return node


def chain_root(node: Node | None, *, subscripts: bool = False) -> Node | None:
    """The node an attribute and call chain starts from (``self`` of ``self.db.query(x).all``);
    with ``subscripts`` through ``a[key]`` too. None when a link is missing."""
    kinds = ("attribute", "subscript", "call") if subscripts else ("attribute", "call")
    while node is not None and node.type in kinds:
        node = (
            node.child_by_field_name("object")
            or node.child_by_field_name("value")
            or node.child_by_field_name("function")
        )
    return node


# The pieces of a string literal (``string_parts``): literal text, an escape sequence, an
# interpolated ``{expression}``.
TEXT = "text"
ESCAPE = "escape"
VALUE = "value"


def string_parts(node: Node) -> list[tuple[str, Node | None]]:
    """(TEXT | ESCAPE | VALUE, node) for each piece of a string literal, in order: the literal text,
    its escape sequences, and the expression of each interpolation (None when it has none). The
    quotes and prefix are left out; a node with no such pieces gives none."""
    parts: list[tuple[str, Node | None]] = []
    for child in node.children:
        kind = child.type
        if kind == "string_content":
            parts.append((TEXT, child))
        elif kind == "escape_sequence":
            parts.append((ESCAPE, child))
        elif kind == "interpolation":
            parts.append((VALUE, child.child_by_field_name("expression")))
    return parts


def concatenated_strings(node: Node) -> list[Node]:
    """The strings of an implicit concatenation (``"a" f"{b}"``); none for another node."""
    if node.type != "concatenated_string":
        return []
    return [child for child in node.named_children if child.type == "string"]


def with_binding(name: str, node: Node) -> Node | None:
    """The value bound to ``name`` by a `with value as name:` around ``node`` (in its function)."""
    current = node.parent
    while current is not None and current.type not in ("function_definition", "module"):
        if current.type == "with_statement":
            for clause in current.named_children:
                if clause.type != "with_clause":
                    continue
                for item in clause.named_children:
                    value = item.child_by_field_name("value")
                    if value is None or value.type != "as_pattern":
                        continue
                    alias = value.child_by_field_name("alias")
                    if alias is not None and text(alias) == name and value.named_children:
                        return value.named_children[0]
        current = current.parent
    return None


def under_main_guard(node: Node) -> bool:
    """``node`` is inside ``if __name__ == "__main__":``."""
    current = node.parent
    while current is not None:
        if current.type == "if_statement":
            condition = text(current.child_by_field_name("condition"))
            if "__name__" in condition and "__main__" in condition:
                return True
        current = current.parent
    return False


ATTRIBUTE = "attribute"
IDENTIFIER = "identifier"


def attribute_read_off(node: Node) -> str | None:
    """The name of the attribute read off ``node`` (``digest_size`` of ``sha1().digest_size``);
    None when ``node`` is not the object of an attribute."""
    parent = node.parent
    if parent is None or parent.type != "attribute" or parent.child_by_field_name("object") != node:
        return None
    return text(parent.child_by_field_name("attribute"))


def display_items(node: Node | None) -> list[Node] | None:
    """The items of a list, tuple or set display; None for another node."""
    if node is None or node.type not in ("list", "tuple", "set"):
        return None
    return list(node.named_children)


def stored_or_passed(node: Node) -> bool:
    """``node`` is handed to something: a side of an assignment, a keyword argument's part, a call
    argument, or a dict entry's value (not its key); not compared or looked up."""
    parent = node.parent
    if parent is not None and parent.type == "pair":
        return parent.child_by_field_name("value") == node
    return parent is not None and parent.type in ("assignment", "keyword_argument", "argument_list")


def in_final_return(node: Node) -> bool:
    """``node`` is in a ``return`` that is the last statement of its function's body (and not in a
    nested block or function on the way there)."""
    statement = node
    while statement.parent is not None and statement.type != "return_statement":
        if statement.type in ("function_definition", "block"):
            return False
        statement = statement.parent
    block = statement.parent
    return (
        block is not None
        and block.parent is not None
        and block.parent.type == "function_definition"
        and block.named_children[-1] == statement
    )


def is_import(node: Node) -> bool:
    """``import a.b`` or ``from a.b import c``."""
    return node.type in ("import_statement", "import_from_statement")


def is_try(node: Node) -> bool:
    return node.type == "try_statement"


_INLINE_BLOCKS = frozenset(
    {
        "if_statement",
        "try_statement",
        "block",
        "else_clause",
        "except_clause",
        "elif_clause",
        "finally_clause",
        "with_statement",
    }
)


def is_inline_block(node: Node) -> bool:
    """An ``if``/``try``/``with`` statement or one of their blocks and clauses: its statements run
    in the scope around it, when that code runs (a ``def`` or ``class`` body is not one)."""
    return node.type in _INLINE_BLOCKS


def handler_heads(try_statement: Node) -> list[Node | None]:
    """For each ``except`` clause of a ``try``, the first thing between ``except`` and its body
    (``ImportError``, ``(A, B)``, ``ImportError as error``); None for a bare ``except:``."""
    heads: list[Node | None] = []
    for clause in try_statement.named_children:
        if clause.type == "except_clause":
            heads.append(next((c for c in clause.named_children if c.type != "block"), None))
    return heads


def imported_modules(statement: Node) -> list[Node]:
    """The dotted names of the modules an import statement imports (``a.b`` and ``c`` of ``import
    a.b, c as d``; ``a.b`` of ``from a.b import x``); a relative ``from . import x`` gives none."""
    targets = []
    if statement.type == "import_statement":
        for child in statement.named_children:
            target = child.child_by_field_name("name") if child.type == "aliased_import" else child
            if target is not None and target.type == "dotted_name":
                targets.append(target)
    else:
        module = statement.child_by_field_name("module_name")
        if module is not None and module.type == "dotted_name":
            targets.append(module)
    return targets


_WHOLE_EXPRESSION_HOLDERS = frozenset(
    {"assignment", "return_statement", "argument_list", "keyword_argument", "expression_statement", "pair"}
)


def holds_whole_expression(node: Node | None) -> bool:
    """``node`` takes an expression whole (an assignment, a ``return``, an argument or keyword, a
    statement, a dict entry): an ``a + b`` put there needs no parentheses."""
    return node is not None and node.type in _WHOLE_EXPRESSION_HOLDERS


# ------------------------------------------------------------------ parts of a node, by what they are


def callee(call: Node) -> Node | None:
    """What a call calls: ``obj.method`` of ``obj.method(x)``, ``f`` of ``f(x)``."""
    return call.child_by_field_name("function")


def argument_list(call: Node) -> Node | None:
    """The ``(...)`` of a call as written, comments included (``arguments(call)`` for its
    arguments)."""
    return call.child_by_field_name("arguments")


def defined_name(node: Node) -> Node | None:
    """The name a ``def``, ``class``, parameter or keyword argument introduces."""
    return node.child_by_field_name("name")


def parameters_of(function: Node) -> Node | None:
    """The ``(...)`` parameter list of a ``def`` or ``lambda``."""
    return function.child_by_field_name("parameters")


def annotation_of(parameter: Node) -> Node | None:
    """The type annotation of a parameter (``x: int``), None without one."""
    return parameter.child_by_field_name("type")


def body_of(node: Node) -> Node | None:
    """The block of a ``def``, ``class``, loop or ``with`` (the body of a comprehension), or the
    block an ``if`` runs when its condition holds."""
    return node.child_by_field_name("body") or node.child_by_field_name("consequence")


def parameter_name(parameter: Node) -> Node | None:
    """The name node of a parameter (``x`` of ``x``, ``x=1``, ``x: int``, ``*x``), else None."""
    name = parameter.child_by_field_name("name")
    if name is None and parameter.named_children:
        name = parameter.named_children[0]
    return name


def if_parts(node: Node) -> tuple[Node | None, Node | None]:
    """(condition, the block run when it holds) of an ``if`` statement."""
    return node.child_by_field_name("condition"), node.child_by_field_name("consequence")
