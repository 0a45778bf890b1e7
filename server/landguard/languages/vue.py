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

from landguard.engine import positions
from landguard.engine.document import Document
from landguard.engine.findings import Span
from landguard.engine.languages import parser

_TAG = re.compile(rb"""<!--.*?(?:-->|\Z)|<([A-Za-z][\w.:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""", re.S)
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
    for tag in _TAG.finditer(source, template.start, template.end):
        if tag.group(1) is None or b"html" not in tag.group(2).lower():
            continue
        attributes_start = tag.start(2)
        for match in _HTML_ATTRIBUTE.finditer(tag.group(2)):
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


def prop_names(document: Document) -> frozenset[str]:
    """The names of the props a component declares (its inputs, set by whoever uses it)."""
    tree = document.tree
    if tree is None or b"props" not in document.source.lower():
        return frozenset()
    names: set[str] = set()
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
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
        stack.extend(node.named_children)
    return frozenset(names)
