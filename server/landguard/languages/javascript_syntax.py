"""Tree-sitter helpers for the JavaScript/TypeScript rules and their fixes: what kind of node a
rule holds (a call, a field read, an object literal ...) and the parts of it. With
``javascript.py`` (the dataflow adapter), the only JavaScript code that names grammar nodes.
"""

from __future__ import annotations

from typing import Any

from tree_sitter import Node

_FIELD_READS = frozenset({"member_expression", "subscript_expression"})


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
