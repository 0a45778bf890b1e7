"""Tree walks every adapter shares, parameterised by the language's node kinds (which the callers,
``python.py``/``javascript.py``/``java.py`` and their ``*_syntax`` helpers, name)."""

from __future__ import annotations

from collections.abc import Callable

from tree_sitter import Node


def plus_operands(
    node: Node,
    binary_kind: str,
    text: Callable[[Node | None], str],
    unwrap: Callable[[Node], Node] | None = None,
    *,
    unwrap_operands: bool = False,
) -> list[Node]:
    """The operands of a chain of ``+`` (``a + b + c``, nested either way), left to right, walked
    without recursion (generated code concatenates thousands of strings).

    ``binary_kind``: the language's binary-operator node; ``unwrap``: what looks through parentheses
    (``(a + b) + c`` is one chain); ``unwrap_operands``: return the operands without their
    parentheses too.
    """
    operands: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        inner = unwrap(current) if unwrap is not None else current
        if inner.type == binary_kind and text(inner.child_by_field_name("operator")) == "+":
            left, right = inner.child_by_field_name("left"), inner.child_by_field_name("right")
            stack.extend(child for child in (right, left) if child is not None)
        else:
            operands.append(inner if unwrap_operands else current)
    return operands
