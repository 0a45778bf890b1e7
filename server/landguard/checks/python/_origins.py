"""Where a receiver object comes from, for the syntactic rules of this package (LG240, LG243):
``tar`` in ``tar.extractall()`` was made by ``tarfile.open(...)`` in the same function, by an
assignment or a ``with ... as tar:``. Cheap and scope-local; the dataflow core does not track
object types.

API
    ``made_by(receiver, names, flow, imports, call) -> Node | None``: the constructor call among
        ``names`` (qualified) that made ``receiver``, or None.
    ``with_binding(name, node) -> Node | None``: the value an enclosing ``with value as name:`` binds.
    ``under_main_guard(node) -> bool``: inside ``if __name__ == "__main__":``.
"""

from __future__ import annotations

from collections.abc import Collection

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.languages import python_syntax as syntax


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
                    if alias is not None and syntax.text(alias) == name and value.named_children:
                        return value.named_children[0]
        current = current.parent
    return None


def _is_call_to(node: Node | None, names: Collection[str], imports: dict[str, str]) -> Node | None:
    if node is None:
        return None
    node = py.unparenthesize(node)
    if node.type == "await":
        node = node.named_children[0] if node.named_children else node
    if node.type == "call" and syntax.qualified_call_name(node, imports) in names:
        return node
    return None


def made_by(
    receiver: Node | None, names: Collection[str], flow: py.Flow, imports: dict[str, str], node: Node
) -> Node | None:
    """The call to one of ``names`` that made ``receiver`` (``node`` is where it is used)."""
    if receiver is None:
        return None
    receiver = py.unparenthesize(receiver)
    if receiver.type == "call":
        return _is_call_to(receiver, names, imports)
    if receiver.type != "identifier":
        return None
    made = _is_call_to(with_binding(syntax.text(receiver), node), names, imports)
    if made is not None:
        return made
    for value in syntax.resolve(receiver, flow):
        made = _is_call_to(value, names, imports)
        if made is not None:
            return made
    return None


def under_main_guard(node: Node) -> bool:
    current = node.parent
    while current is not None:
        if current.type == "if_statement":
            condition = syntax.text(current.child_by_field_name("condition"))
            if "__name__" in condition and "__main__" in condition:
                return True
        current = current.parent
    return False
