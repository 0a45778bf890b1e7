"""Tree-sitter helpers for the JavaScript/TypeScript rules and their fixes: what kind of node a
rule holds (a call, a field read, an object literal ...), the parts of it, and the questions a
rule asks of a unit (``calls``, ``object_entries``, ``imported_specifiers`` ...:
``languages/questions.py``). With ``javascript.py`` (the dataflow adapter), the only JavaScript
code that names grammar nodes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tree_sitter import Node

from landguard.languages.javascript import FUNCTION_TYPES, unwrap
from landguard.languages.questions import Question, any_of

_FIELD_READS = frozenset({"member_expression", "subscript_expression"})


def _text(document, node: Node | None) -> str:
    return "" if node is None else document.node_text(node)


def is_node(value: Any) -> bool:
    """Whether ``value`` (a label's origin, an IR handle) is a tree-sitter node of this file."""
    return isinstance(value, Node)


def is_field_read(node: Node | None) -> bool:
    """``obj.name`` or ``obj[key]``."""
    return node is not None and node.type in _FIELD_READS


def is_object_of_field_read(node: Node) -> bool:
    """Whether ``node`` is the object a field is read from (``req.body`` in ``req.body.name``)."""
    parent = node.parent
    return is_field_read(parent) and parent.child_by_field_name("object") == node


_DESTRUCTURING = {"variable_declarator": ("name", "value"), "assignment_expression": ("left", "right")}


def destructured_object_pattern(node: Node) -> Node | None:
    """The ``{ ... }`` pattern ``node`` is destructured into (``const { a, ...rest } = node``)."""
    parent = node.parent
    fields = _DESTRUCTURING.get(parent.type) if parent is not None else None
    if fields is None or parent.child_by_field_name(fields[1]) != node:
        return None
    pattern = parent.child_by_field_name(fields[0])
    return pattern if pattern is not None and pattern.type == "object_pattern" else None


def rest_names(document, pattern: Node) -> frozenset[str]:
    """The names an object pattern binds to the rest of the object (``...rest``)."""
    return frozenset(
        document.node_text(child.named_children[0])
        for child in pattern.named_children
        if child.type == "rest_pattern" and child.named_children
    )


def _unwrap(node: Node | None) -> Node | None:
    while node is not None and node.type in (
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
    ):
        node = node.named_children[0] if node.named_children else None
    return node


def object_property(document, node: Node | None, key: str) -> Node | None:
    """The value written for ``key`` in the object literal ``node`` (``{ key: value }``, also
    with a quoted key, or the name of a shorthand ``{ key }``); None when ``node`` is no object
    literal or names no such key."""
    node = _unwrap(node)
    if node is None or node.type != "object":
        return None
    for pair in node.named_children:
        if pair.type == "shorthand_property_identifier" and document.node_text(pair) == key:
            return pair
        if pair.type == "pair" and document.node_text(pair.child_by_field_name("key")).strip("'\"") == key:
            return _unwrap(pair.child_by_field_name("value"))
    return None


def string_literal(node: Node | None) -> Node | None:
    """``node`` (parentheses aside) when it is a quoted string literal, else None."""
    node = _unwrap(node)
    return node if node is not None and node.type == "string" else None


def string_content(literal: Node | None) -> Node | None:
    """The text between the quotes of a plain string literal (no escapes), else None."""
    if literal is None or literal.named_child_count != 1:
        return None
    content = literal.named_children[0]
    return content if content.type == "string_fragment" else None


def top_level_const_objects(document, needle: bytes) -> dict[str, Node]:
    """The file's top-level ``const NAME = { ... }`` object literals (also exported) whose text
    contains ``needle``, by name."""
    root = document.tree.root_node if document.tree is not None else None
    found: dict[str, Node] = {}
    source = document.source
    for statement in root.named_children if root is not None else ():
        if statement.type == "export_statement":
            statement = statement.child_by_field_name("declaration")
        if statement is None or statement.type != "lexical_declaration" or statement.child(0).type != "const":
            continue
        if source.find(needle, statement.start_byte, statement.end_byte) < 0:
            continue
        for declarator in statement.named_children:
            name, value = (
                declarator.child_by_field_name("name"),
                _unwrap(declarator.child_by_field_name("value")),
            )
            if (
                name is not None
                and name.type == "identifier"
                and value is not None
                and value.type == "object"
            ):
                found[document.node_text(name)] = value
    return found


def is_call(node: Node | None) -> bool:
    return node is not None and node.type == "call_expression"


def is_object_or_array_literal(node: Node | None) -> bool:
    return node is not None and node.type in ("object", "array")


def is_binary(node: Node | None) -> bool:
    """``a + b`` and the other binary operators."""
    return node is not None and node.type == "binary_expression"


def template_substitutions(node: Node | None) -> list[Node] | None:
    """The ``${...}`` expressions of a template literal; None when ``node`` is not one."""
    if node is None or node.type != "template_string":
        return None
    return [child.named_children[0] for child in node.named_children if child.type == "template_substitution"]


def method_chain(document, call: Node) -> tuple[list[tuple[str, Node]], Node | None]:
    """The calls a method call is made on, outermost first, and what the chain starts from:
    for ``reply.type("text/html").send(x)``, ([("type", <call>)], <reply>). The start is None
    when a link is not a method call (``make().send(x)``)."""
    function = call.child_by_field_name("function")
    receiver = (
        function.child_by_field_name("object")
        if function is not None and function.type == "member_expression"
        else None
    )
    links: list[tuple[str, Node]] = []
    while receiver is not None and receiver.type == "call_expression":
        function = receiver.child_by_field_name("function")
        if function is None or function.type != "member_expression":
            return links, None
        links.append((document.node_text(function.child_by_field_name("property")), receiver))
        receiver = function.child_by_field_name("object")
    return links, receiver


def arguments_of(call: Node) -> list[Node]:
    arguments = call.child_by_field_name("arguments")
    if arguments is None or arguments.type != "arguments":
        return []
    return [c for c in arguments.named_children if c.type != "comment"]


def callee_object(call: Node) -> Node | None:
    function = call.child_by_field_name("function")
    if function is not None and function.type == "member_expression":
        return function.child_by_field_name("object")
    return None


def callee_property(call: Node) -> Node | None:
    function = call.child_by_field_name("function") or call.child_by_field_name("constructor")
    if function is None:
        return None
    if function.type == "member_expression":
        return function.child_by_field_name("property")
    return function if function.type == "identifier" else None


def is_function_node(node: Node | None) -> bool:
    return node is not None and unwrap(node).type in FUNCTION_TYPES


def enclosing_function(node: Node) -> Node | None:
    current = node.parent
    while current is not None:
        if current.type in FUNCTION_TYPES:
            return current
        current = current.parent
    return None


def function_name(document, function: Node | None, *, pair_key: bool = False) -> str | None:
    """The name of ``function``: its own, else the variable it is assigned to (``const f = () => ...``)
    or, with ``pair_key``, the object key it is the value of (``{ f: function () {} }``)."""
    if function is None:
        return None
    name = function.child_by_field_name("name")
    if name is not None:
        return _text(document, name)
    parent = function.parent
    if parent is not None and parent.type == "variable_declarator":
        return _text(document, parent.child_by_field_name("name"))
    if pair_key and parent is not None and parent.type == "pair":
        return _text(document, parent.child_by_field_name("key"))
    return None


def value_destination(document, call: Node) -> tuple[str | None, Node]:
    """The name the value of ``call`` ends up in - the variable, property, object key or function
    (returned from) - and the outermost expression computing it; (None, ...) for an argument of
    another call, a JSX attribute or a statement of its own."""
    expression = call
    current = call.parent
    for _ in range(12):
        if current is None:
            return None, expression
        kind = current.type
        if kind == "variable_declarator":
            return _text(document, current.child_by_field_name("name")), expression
        if kind in ("assignment_expression", "augmented_assignment_expression"):
            left = current.child_by_field_name("left")
            target = (
                left.child_by_field_name("property")
                if left is not None and left.type == "member_expression"
                else left
            )
            return _text(document, target), expression
        if kind == "pair":
            return _text(document, current.child_by_field_name("key")), expression
        if kind == "jsx_attribute":
            return None, expression  # key={Math.random()} is a React smell, not a secret
        if kind == "return_statement" or kind == "arrow_function":
            function = current if kind == "arrow_function" else enclosing_function(current)
            return function_name(document, function, pair_key=True), expression
        if kind in FUNCTION_TYPES or kind in ("statement_block", "program", "class_body"):
            return None, expression
        if kind not in ("arguments", "template_substitution", "array", "expression_statement"):
            expression = current
        current = current.parent
    return None, expression


def method_called_on(document, node: Node) -> tuple[str, Node | None]:
    """(method, call) when ``node`` is the object of a method call (``node.method(...)``), else ("", None)."""
    member = node.parent
    outer = member.parent if member is not None else None
    if (
        member is None
        or member.type != "member_expression"
        or outer is None
        or outer.type != "call_expression"
    ):
        return "", None
    return _text(document, member.child_by_field_name("property")), outer


def call_taking(node: Node) -> Node | None:
    """The call whose argument list is ``node``'s parent (``f`` of ``f(node)``), else None."""
    arguments = node.parent
    if arguments is None or arguments.type != "arguments":
        return None
    return (
        arguments.parent
        if arguments.parent is not None and arguments.parent.type == "call_expression"
        else None
    )


def binary_parts(document, node: Node | None) -> tuple[str, Node | None, Node | None] | None:
    """(operator, left, right) of ``a * b`` and the other binary operators; None for another node."""
    if not is_binary(node):
        return None
    return (
        _text(document, node.child_by_field_name("operator")),
        node.child_by_field_name("left"),
        node.child_by_field_name("right"),
    )


def is_simple_operand(node: Node | None) -> bool:
    """A number, a name or a property read (``10``, ``n``, ``codes.length``)."""
    return node is not None and node.type in ("number", "identifier", "member_expression")


def is_import_or_export(node: Node | None) -> bool:
    """An ``import`` or ``export`` statement."""
    return node is not None and node.type in ("import_statement", "export_statement")


# ------------------------------------------------------------------ node shapes the rules ask about
# What the rules in ``checks/javascript/`` ask about a node, so that they never name grammar nodes.


def is_identifier(node: Node | None) -> bool:
    return node is not None and node.type == "identifier"


def is_member(node: Node | None) -> bool:
    """``obj.name`` (not ``obj[key]``)."""
    return node is not None and node.type == "member_expression"


def is_subscript(node: Node | None) -> bool:
    """``obj[key]``."""
    return node is not None and node.type == "subscript_expression"


def is_string(node: Node | None) -> bool:
    """A quoted string literal (not a template literal)."""
    return node is not None and node.type == "string"


def is_true(node: Node | None) -> bool:
    return node is not None and node.type == "true"


def is_boolean(node: Node | None) -> bool:
    """``true`` or ``false``."""
    return node is not None and node.type in ("true", "false")


def is_object_literal(node: Node | None) -> bool:
    """``{ ... }`` as a value."""
    return node is not None and node.type == "object"


def is_object_entry(node: Node | None) -> bool:
    """A ``key: value`` entry of an object literal."""
    return node is not None and node.type == "pair"


def object_pairs(node: Node) -> list[Node]:
    """The ``key: value`` entries of an object literal, in order (shorthands and spreads left out)."""
    return [child for child in node.named_children if child.type == "pair"]


def array_items(node: Node | None) -> list[Node] | None:
    """The elements of an array literal; None for another node."""
    if node is None or node.type != "array":
        return None
    return list(node.named_children)


def is_assignment(node: Node | None) -> bool:
    """``target = value`` or a compound ``target += value``."""
    return node is not None and node.type in ("assignment_expression", "augmented_assignment_expression")


def is_plain_assignment(node: Node | None) -> bool:
    """``target = value`` (not ``+=``)."""
    return node is not None and node.type == "assignment_expression"


def is_expression_statement(node: Node | None) -> bool:
    return node is not None and node.type == "expression_statement"


def in_statement_list(node: Node) -> bool:
    """``node`` is directly a statement of the program or of a ``{ ... }`` block."""
    return node.parent is not None and node.parent.type in ("program", "statement_block")


def is_argument_list(node: Node | None) -> bool:
    """The ``(...)`` arguments of a call or of ``new``."""
    return node is not None and node.type == "arguments"


def jsx_attribute_expression(attribute: Node) -> Node | None:
    """The ``{...}`` expression container a JSX attribute's value is written in; None for a
    quoted value or none."""
    return next((c for c in attribute.named_children if c.type == "jsx_expression"), None)


def is_template_literal(node: Node | None) -> bool:
    """A backquoted template literal (with or without ``${...}``)."""
    return node is not None and node.type == "template_string"


# ------------------------------------------------------------------ parts of a node, by what they are


def callee(call: Node) -> Node | None:
    """What a call calls: ``obj.method`` of ``obj.method(x)``, ``f`` of ``f(x)``."""
    return call.child_by_field_name("function")


def member_parts(node: Node) -> tuple[Node | None, Node | None]:
    """(object, property) of ``obj.name`` (both None for a node without them)."""
    return node.child_by_field_name("object"), node.child_by_field_name("property")


def subscript_index(node: Node) -> Node | None:
    """``key`` of ``obj[key]``."""
    return node.child_by_field_name("index")


def pair_parts(pair: Node) -> tuple[Node | None, Node | None]:
    """(key, value) of a ``key: value`` entry of an object literal."""
    return pair.child_by_field_name("key"), pair.child_by_field_name("value")


def sides(node: Node) -> tuple[Node | None, Node | None]:
    """(left, right) of an assignment, a comparison or another binary expression."""
    return node.child_by_field_name("left"), node.child_by_field_name("right")


def for_in_parts(loop: Node) -> tuple[Node | None, Node | None, Node | None]:
    """(the ``in``/``of`` keyword, the loop variable, the body) of a ``for (x in y)`` loop."""
    return (
        loop.child_by_field_name("operator"),
        loop.child_by_field_name("left"),
        loop.child_by_field_name("body"),
    )


def parameters_of(function: Node) -> Node | None:
    """The ``(...)`` parameter list of a function, or the lone parameter of ``x => ...``."""
    return function.child_by_field_name("parameters") or function.child_by_field_name("parameter")


# ------------------------------------------------------------------ questions the rules ask of a unit
# Each builds a ``Question`` (``languages/questions.py``) from the names a rule gives; a rule asks
# several at once through one ``Questions``. ``name`` is what each answer's name is.

_WITH_JSX = frozenset({"javascript", "tsx"})
_TYPESCRIPT = frozenset({"typescript", "tsx"})
_EQUALITY = '["===" "==" "!==" "!="]'


def calls(named: Iterable[str] | None = None, *, methods: bool = True) -> Question:
    """Calls of a function named one of ``named`` (``exec(...)``) or, with ``methods``, of a
    method so named (``cp.exec(...)``, ``a.b.exec(...)``); ``named=None``: a call of any function
    or method. Name: the function's or method's name."""
    test = f" {any_of('name', named)}" if named is not None else ""
    function = Question.of(f"(call_expression function: (identifier) @name{test}) @answer")
    if not methods:
        return function
    member = "(member_expression property: (property_identifier) @name)"
    return function + Question.of(f"(call_expression function: {member}{test}) @answer")


def creations(named: Iterable[str]) -> Question:
    """``new X(...)`` and ``new a.X(...)`` of a constructor named one of ``named``. Name: the constructor's."""
    test = any_of("name", named)
    return Question.of(
        f"(new_expression constructor: (identifier) @name {test}) @answer",
        f"(new_expression constructor: (member_expression property: (property_identifier) @name) {test}) @answer",
    )


def property_assignments(named: Iterable[str]) -> Question:
    """``obj.p = ...`` and ``obj.p += ...`` of a property named one of ``named``. Name: the property."""
    test = any_of("name", named)
    return Question.of(
        *(
            f"({kind} left: (member_expression property: (property_identifier) @name) {test}) @answer"
            for kind in ("assignment_expression", "augmented_assignment_expression")
        )
    )


def subscript_assignments() -> Question:
    """``obj[key] = ...``."""
    return Question.of("(assignment_expression left: (subscript_expression)) @answer")


def object_entries(keys: Iterable[str]) -> Question:
    """``{ k: v }`` and ``{ "k": v }`` entries of an object literal keyed one of ``keys``. Name:
    the key (without its quotes)."""
    test = any_of("name", keys)
    return Question.of(
        f"(pair key: (property_identifier) @name {test}) @answer",
        f"(pair key: (string (string_fragment) @name) {test}) @answer",
    )


def for_in_loops() -> Question:
    """``for (x in y)`` and ``for (x of y)`` loops."""
    return Question.of("(for_in_statement) @answer")


def jsx_attributes(named: Iterable[str]) -> Question:
    """JSX attributes named one of ``named`` (``<div dangerouslySetInnerHTML={...}>``); none in
    ``.ts`` files, which have no JSX. Name: the attribute's name."""
    return Question.of(
        f"(jsx_attribute (property_identifier) @name {any_of('name', named)}) @answer", languages=_WITH_JSX
    )


def equality_tests_with_string() -> Question:
    """``==``/``===``/``!=``/``!==`` comparisons with a string literal on either side (a
    comparison of two literals is answered twice)."""
    return Question.of(
        f"(binary_expression operator: {_EQUALITY} right: (string)) @answer",
        f"(binary_expression left: (string) operator: {_EQUALITY}) @answer",
    )


def imported_specifiers() -> Question:
    """The module specifiers the code imports, as written (the text inside the quotes):
    ``import … from "pkg"``, ``export … from "pkg"``, ``require("pkg")``, ``import("pkg")``
    and TypeScript's ``import x = require("pkg")``."""
    specifier = "(string (string_fragment) @answer)"
    return Question.of(
        f"(import_statement source: {specifier})",
        f"(export_statement source: {specifier})",
        f'(call_expression function: (identifier) @name (#eq? @name "require") arguments: (arguments . {specifier}))',
        f"(call_expression function: (import) arguments: (arguments . {specifier}))",
    ) + Question.of(f"(import_require_clause source: {specifier})", languages=_TYPESCRIPT)


def import_site(specifier: Node) -> Node:
    """The node an ``imported_specifiers`` answer was matched at (the statement, the call or the
    TypeScript clause): nothing outside it decides whether it is an import, or of what."""
    string = specifier.parent
    site = string.parent if string is not None else None
    if site is not None and site.type == "arguments" and site.parent is not None:
        return site.parent
    return site if site is not None else specifier
