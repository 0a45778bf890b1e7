"""Vue templates: the attributes that write HTML, and what their expressions are made of.

The component's blocks come from ``engine/sfc.py``; its script is the document's JS/TS tree.
Here: the template's tags and attributes (a small scanner: quoted values may hold ``>``,
comments are skipped), and a reading of a binding's expression with the JavaScript grammar:
is it a constant, a call of an HTML sanitiser, or built from the component's props?
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from tree_sitter import Node

from landguard.engine import positions, sfc
from landguard.engine.document import Document
from landguard.engine.findings import Span
from landguard.engine.languages import parser

# Attributes that set an element's HTML: `v-html`, and `innerHTML` bound as a DOM property.
_HTML_ATTRIBUTE = re.compile(
    rb"""(?:^|(?<=\s))(v-html|(?:v-bind:|:|\.)(?:innerHTML|inner-html)(?:\.prop)?)\s*=\s*(?:"([^"]*)"|'([^']*)')""",
    re.I,
)
# Text twins of each attribute: the quick fix shows the value as text.
_TEXT_TWIN = {"v-html": "v-text", "innerhtml": "textContent", "inner-html": "text-content"}
# Calls whose result is HTML made safe: DOMPurify, sanitize-html, js-xss, escaping helpers.
SANITIZERS = frozenset(
    {
        "sanitize",
        "sanitizeHtml",
        "sanitizeHTML",
        "xss",
        "filterXSS",
        "purify",
        "escape",
        "escapeHtml",
        "escapeHTML",
        "htmlEscape",
        "encodeHTML",
        "$sanitize",
    }
)
_CONSTANT_LEAVES = frozenset({"string", "number", "true", "false", "null", "undefined", "escape_sequence"})


@dataclass(frozen=True, slots=True)
class HtmlBinding:
    """``v-html="expression"`` (or a bound ``innerHTML``) in a component's template."""

    attribute: str
    attribute_span: Span
    expression: str
    expression_span: Span

    @property
    def text_twin(self) -> str:
        """The attribute that shows the same value as text."""
        if self.attribute == "v-html":
            return "v-text"
        for html, text in _TEXT_TWIN.items():
            index = self.attribute.lower().find(html)
            if index >= 0 and html != "v-html":
                return self.attribute[:index] + text + self.attribute[index + len(html) :]
        return self.attribute


def _span(document: Document, start: int, end: int) -> Span:
    """The span of file bytes ``start..end`` (rows are lines: see ``positions.parser_source``)."""
    source = document.raw_source
    start_line = source.count(b"\n", 0, start)
    end_line = start_line + source.count(b"\n", start, end)
    start_line_byte = source.rfind(b"\n", 0, start) + 1
    end_line_byte = source.rfind(b"\n", 0, end) + 1
    return Span(
        start_line,
        positions.byte_to_col(document.lines[start_line], start - start_line_byte),
        end_line,
        positions.byte_to_col(document.lines[end_line], end - end_line_byte),
    )


def html_bindings(document: Document) -> list[HtmlBinding]:
    """Every attribute of the component's template that writes its value as HTML."""
    layout = document.layout
    template = layout.template if layout is not None else None
    if template is None:
        return []
    source = document.raw_source
    found = []
    for tag in sfc.tags(source, template.start, template.end):
        attributes = source[tag.attributes_start : tag.attributes_end]
        if tag.closing or b"html" not in attributes.lower():
            continue
        attributes_start = tag.attributes_start
        for match in _HTML_ATTRIBUTE.finditer(attributes):
            group = 2 if match.group(2) is not None else 3
            value_start = attributes_start + match.start(group)
            value_end = attributes_start + match.end(group)
            found.append(
                HtmlBinding(
                    attribute=match.group(1).decode("ascii"),
                    attribute_span=_span(
                        document, attributes_start + match.start(1), attributes_start + match.end(1)
                    ),
                    expression=source[value_start:value_end].decode("utf-8", "replace"),
                    expression_span=_span(document, value_start, value_end),
                )
            )
    return found


# ------------------------------------------------------------------ expressions


@functools.lru_cache(maxsize=256)
def _expression_tree(expression: str):
    # Parenthesised, so an object literal or a sequence reads as one expression.
    return parser("javascript").parse(b"(" + expression.encode("utf-8") + b"\n)")


def _callee_name(call: Node) -> str:
    function = call.child_by_field_name("function")
    if function is None:
        return ""
    if function.type == "member_expression":
        function = function.child_by_field_name("property")
    return function.text.decode("utf-8", "replace") if function is not None and function.text else ""


def _is_constant(node: Node) -> bool:
    if node.type in _CONSTANT_LEAVES:
        return True
    if node.type == "template_string":
        return not any(child.type == "template_substitution" for child in node.children)
    if node.type in ("parenthesized_expression", "binary_expression", "ternary_expression"):
        parts = [child for child in node.named_children if child.type != "comment"]
        if node.type == "ternary_expression":
            parts = parts[1:]  # the condition decides, it is not written out
        return bool(parts) and all(_is_constant(part) for part in parts)
    return False


def _expression(expression: str) -> Node | None:
    tree = _expression_tree(expression)
    root = tree.root_node
    if root.has_error or not root.named_children:
        return None
    statement = root.named_children[0]
    return statement.named_children[0] if statement.named_children else None


def is_constant(expression: str) -> bool:
    """A literal, or literals joined (``'<b>' + 'x'``, a ternary of two literals)."""
    node = _expression(expression)
    return node is not None and _is_constant(node)


def is_sanitized(expression: str) -> bool:
    """The value is the result of an HTML sanitiser's call (``DOMPurify.sanitize(html)``)."""
    node = _expression(expression)
    while node is not None and node.type == "parenthesized_expression" and node.named_children:
        node = node.named_children[0]
    return node is not None and node.type == "call_expression" and _callee_name(node) in SANITIZERS


def root_name(expression: str) -> str | None:
    """The variable an expression reads from: ``post`` in ``post.body``, ``props`` in ``props.html``."""
    node = _expression(expression)
    while node is not None:
        if node.type == "identifier":
            return node.text.decode("utf-8", "replace") if node.text else None
        if node.type in ("member_expression", "subscript_expression"):
            node = node.child_by_field_name("object")
        elif node.type == "parenthesized_expression" and node.named_children:
            node = node.named_children[0]
        else:
            return None
    return None


# ------------------------------------------------------------------ the script's props

_PROP_KEYS = frozenset({"pair", "method_definition", "shorthand_property_identifier", "property_signature"})


def _names_of(node: Node) -> set[str]:
    """Prop names declared by ``defineProps``'s argument or type, or an options API ``props:``."""
    names: set[str] = set()
    if node.type == "array":
        for element in node.named_children:
            if element.type == "string":
                names.add(element.text.decode("utf-8", "replace").strip("'\"`") if element.text else "")
        return names
    for child in node.named_children:
        if child.type in _PROP_KEYS:
            key = child.child_by_field_name("key") or child.child_by_field_name("name") or child
            if key.text:
                names.add(key.text.decode("utf-8", "replace").strip("'\"`"))
    return names


# Where props are declared: at the top of a script (``defineProps``, ``withDefaults``, the options
# object of ``export default`` or ``defineComponent``), never inside a function's body.
_PROPS_DEPTH = 6
_BODIES = frozenset({"statement_block", "class_body", "template_string", "string"})


def prop_names(document: Document) -> frozenset[str]:
    """The names of the props a component declares (its inputs, set by whoever uses it)."""
    tree = document.tree
    source = document.source
    if tree is None or (b"props" not in source and b"Props" not in source):
        return frozenset()
    names: set[str] = set()
    stack = [(child, 1) for child in tree.root_node.named_children]
    while stack:
        node, depth = stack.pop()
        if node.type == "call_expression" and _callee_name(node) in ("defineProps", "withDefaults"):
            arguments = node.child_by_field_name("arguments")
            for argument in arguments.named_children if arguments is not None else ():
                if argument.type in ("object", "array"):
                    names |= _names_of(argument)
            types = node.child_by_field_name("type_arguments")
            for type_node in types.named_children if types is not None else ():
                if type_node.type == "object_type":
                    names |= _names_of(type_node)
        elif node.type == "pair":
            key = node.child_by_field_name("key")
            value = node.child_by_field_name("value")
            if key is not None and key.text in (b"props", b"'props'", b'"props"') and value is not None:
                if value.type in ("object", "array"):
                    names |= _names_of(value)
                continue
        if depth < _PROPS_DEPTH and node.type not in _BODIES:
            stack.extend((child, depth + 1) for child in node.named_children)
    return frozenset(names)


# ------------------------------------------------------------------ where a value comes from

SAFE, FROM_PROPS, UNKNOWN = "safe", "props", "unknown"
_RANK = {SAFE: 0, UNKNOWN: 1, FROM_PROPS: 2}
_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "function_declaration"})
_METHODS = frozenset({"method_definition"})
_PROPS_OBJECTS = frozenset({"props", "$props", "$attrs", "$route", "route"})
_MAX_DEPTH = 6


class ComponentScript:
    """The names a component's script defines for its template: ``const`` values, functions and
    options-API ``computed`` members (mutable state, ``ref``/``data``, is never a definition)."""

    def __init__(self, document: Document, props: frozenset[str]) -> None:
        self.props = props
        self.definitions: dict[str, Node] = {}
        tree = document.tree
        if tree is None:
            return
        for statement in tree.root_node.named_children:
            if statement.type == "export_statement":
                declaration = statement.child_by_field_name("declaration")
                value = statement.child_by_field_name("value")
                if declaration is not None:
                    statement = declaration
                elif value is not None and value.type == "object":
                    self._options(value)
                    continue
            if statement.type == "lexical_declaration" and statement.children[0].type == "const":
                for declarator in statement.named_children:
                    name, value = (
                        declarator.child_by_field_name("name"),
                        declarator.child_by_field_name("value"),
                    )
                    if name is not None and name.type == "identifier" and value is not None:
                        self.definitions[_text(name)] = value
            elif statement.type == "function_declaration":
                name = statement.child_by_field_name("name")
                if name is not None:
                    self.definitions[_text(name)] = statement

    def _options(self, options: Node) -> None:
        for pair in options.named_children:
            key = pair.child_by_field_name("key") if pair.type == "pair" else None
            value = pair.child_by_field_name("value") if pair.type == "pair" else None
            if key is None or value is None or _text(key).strip("'\"") not in ("computed", "methods"):
                continue
            for member in value.named_children if value.type == "object" else ():
                if member.type in _METHODS:
                    name = member.child_by_field_name("name")
                    if name is not None:
                        self.definitions[_text(name)] = member
                elif member.type == "pair":
                    name, function = member.child_by_field_name("key"), member.child_by_field_name("value")
                    if name is not None and function is not None:
                        self.definitions[_text(name)] = function

    # A value's verdict: SAFE (constants, sanitiser calls), FROM_PROPS, or UNKNOWN; the worst part wins.
    def judge(self, node: Node | None, depth: int = 0) -> str:
        if node is None or depth > _MAX_DEPTH:
            return UNKNOWN
        kind = node.type
        if _is_constant(node):
            return SAFE
        if kind in ("parenthesized_expression", "await_expression", "non_null_expression", "as_expression"):
            return self.judge(node.named_children[0] if node.named_children else None, depth + 1)
        if kind in ("binary_expression", "ternary_expression", "template_string"):
            parts = list(node.named_children)
            if kind == "ternary_expression":
                parts = parts[1:]
            if kind == "template_string":
                parts = [
                    p.named_children[0]
                    for p in parts
                    if p.type == "template_substitution" and p.named_children
                ]
            return _worst(self.judge(part, depth + 1) for part in parts)
        if kind == "call_expression":
            name = _callee_name(node)
            if name in SANITIZERS:
                return SAFE
            function = node.child_by_field_name("function")
            arguments = node.child_by_field_name("arguments")
            if name == "computed" and arguments is not None and arguments.named_children:
                return self._returns(arguments.named_children[0], depth)
            if function is not None and function.type == "identifier" and _text(function) in self.definitions:
                verdict = self._returns(self.definitions[_text(function)], depth)
                if verdict == SAFE:
                    return SAFE
            given = (
                [self.judge(argument, depth + 1) for argument in arguments.named_children]
                if arguments
                else []
            )
            return FROM_PROPS if FROM_PROPS in given else UNKNOWN
        if kind == "identifier":
            name = _text(node)
            if name in self.props:
                return FROM_PROPS
            definition = self.definitions.get(name)
            if definition is None:
                return UNKNOWN
            if definition.type in _FUNCTIONS or definition.type in _METHODS:
                return self._returns(definition, depth)  # an options-API computed is read by name
            return self.judge(definition, depth + 1)
        if kind in ("member_expression", "subscript_expression"):
            root = node
            while root.type in ("member_expression", "subscript_expression"):
                inner = root.child_by_field_name("object")
                if inner is None:
                    return UNKNOWN
                if inner.type == "this":  # options API: this.name is a prop, a computed or data
                    member = root.child_by_field_name("property")
                    return self.judge(member, depth + 1) if member is not None else UNKNOWN
                root = inner
            if root.type == "identifier" and _text(root) in _PROPS_OBJECTS | self.props:
                return FROM_PROPS
            if root.type == "identifier" and root is not node and _text(root) in self.definitions:
                definition = self.definitions[_text(root)]
                if _all_constant(definition):
                    return SAFE  # a lookup in a constant table: `ICONS[role]`
                return UNKNOWN if self.judge(root, depth + 1) != FROM_PROPS else FROM_PROPS
            return UNKNOWN
        if kind == "property_identifier":
            name = _text(node)
            if name in self.props:
                return FROM_PROPS
            definition = self.definitions.get(name)
            return self._returns(definition, depth) if definition is not None else UNKNOWN
        return UNKNOWN

    def _returns(self, function: Node, depth: int) -> str:
        """The verdict on what a function returns: every ``return``, or an arrow's expression body."""
        if function.type not in _FUNCTIONS and function.type not in _METHODS:
            return self.judge(function, depth + 1)
        body = function.child_by_field_name("body")
        if body is None:
            return UNKNOWN
        if body.type != "statement_block":
            return self.judge(body, depth + 1)
        returned = [
            statement.named_children[0] if statement.named_children else None
            for statement in _return_statements(body)
        ]
        return _worst(self.judge(value, depth + 1) for value in returned) if returned else UNKNOWN


def _all_constant(node: Node, depth: int = 0) -> bool:
    """An object or array literal whose every value is a constant (nested tables included)."""
    if depth > 4 or node.type not in ("object", "array"):
        return False
    for child in node.named_children:
        value = child.child_by_field_name("value") if child.type == "pair" else child
        if child.type == "comment":
            continue
        if value is None or not (_is_constant(value) or _all_constant(value, depth + 1)):
            return False
    return bool(node.named_children)


def _return_statements(block: Node) -> list[Node]:
    found, stack = [], [block]
    while stack:
        node = stack.pop()
        for child in node.named_children:
            if child.type == "return_statement":
                found.append(child)
            elif child.type not in _FUNCTIONS and child.type not in ("class_declaration", "class"):
                stack.append(child)
    return found


def _worst(verdicts) -> str:
    worst = SAFE
    for verdict in verdicts:
        if _RANK[verdict] > _RANK[worst]:
            worst = verdict
    return worst


def _text(node: Node) -> str:
    return node.text.decode("utf-8", "replace") if node.text else ""


def judge_binding(document: Document, expression: str, script: ComponentScript | None = None) -> str:
    """SAFE, FROM_PROPS or UNKNOWN for a template expression, resolving the script's names."""
    node = _expression(expression)
    if node is None:
        return UNKNOWN
    if script is None:
        script = component_script(document)
    return script.judge(node)


def component_script(document: Document) -> ComponentScript:
    return ComponentScript(document, prop_names(document))
