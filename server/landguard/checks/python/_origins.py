"""Where a receiver object comes from, for the syntactic rules of this package (LG240, LG243):
``tar`` in ``tar.extractall()`` was made by ``tarfile.open(...)`` in the same function, by an
assignment or a ``with ... as tar:``. Cheap and scope-local; the dataflow core does not track
object types.

API
    ``made_by(receiver, names, flow, imports, call) -> Node | None``: the constructor call among
        ``names`` (qualified) that made ``receiver``, or None.
"""

from __future__ import annotations

from collections.abc import Collection

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.languages import python_syntax as syntax


def _is_call_to(node: Node | None, names: Collection[str], imports: dict[str, str]) -> Node | None:
    if node is None:
        return None
    node = syntax.unawait(py.unparenthesize(node))
    if syntax.is_call(node) and syntax.qualified_call_name(node, imports) in names:
        return node
    return None


def made_by(
    receiver: Node | None, names: Collection[str], flow: py.Flow, imports: dict[str, str], node: Node
) -> Node | None:
    """The call to one of ``names`` that made ``receiver`` (``node`` is where it is used)."""
    if receiver is None:
        return None
    receiver = py.unparenthesize(receiver)
    if syntax.is_call(receiver):
        return _is_call_to(receiver, names, imports)
    if not syntax.is_identifier(receiver):
        return None
    made = _is_call_to(syntax.with_binding(syntax.text(receiver), node), names, imports)
    if made is not None:
        return made
    for value in syntax.resolve(receiver, flow):
        made = _is_call_to(value, names, imports)
        if made is not None:
            return made
    return None
