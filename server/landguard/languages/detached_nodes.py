"""Tree-sitter nodes of an earlier tree, kept by value, so that tree can be freed.

A document's adapters reuse a unit's lowering across edits while the unit's text and context
are unchanged (``javascript.file_functions``), and the summaries made from it
(``dataflow.SummaryStore``). Their IR and the summaries' labels carry the nodes of the tree the
unit was lowered in, and a ``tree_sitter.Node`` keeps its whole ``Tree`` alive: a hot document
kept one old tree per edit that left some unit untouched (15–50 trees of a 2,000-line file after
a few hundred edits), tens of MB. What reused IR is asked of its nodes is where they were (byte
offsets and points, for summaries and messages: never for spans, which rules take from the
current tree's lowering) and their type; ``DetachedNode`` keeps exactly that.

Equality is what it was: two nodes of the same tree are equal when they are the same node, and a
node of one tree never equals one of another; ``detach`` maps equal nodes to one ``DetachedNode``
(compared by identity) and keeps the node's hash, so the frozen labels and the sets that hold
them, changed in place, stay consistent.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from tree_sitter import Node, Point


class DetachedNode:
    """Where a node of an earlier tree was, and its type (``detach``). Small: one per node of
    every reused function (the points are made on demand, the type names shared)."""

    __slots__ = ("type", "start_byte", "end_byte", "_rows", "_hash")

    def __init__(self, node: Node) -> None:
        kind = node.type
        self.type = _TYPE_NAMES.setdefault(kind, kind)
        self.start_byte = node.start_byte
        self.end_byte = node.end_byte
        self._rows = (*node.start_point, *node.end_point)
        self._hash = hash(node)

    @property
    def start_point(self) -> Point:
        return Point(self._rows[0], self._rows[1])

    @property
    def end_point(self) -> Point:
        return Point(self._rows[2], self._rows[3])

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return f"<DetachedNode type={self.type}, start_point={self.start_point}, end_point={self.end_point}>"


# Grammar type names, one string each however many detached nodes have the type.
_TYPE_NAMES: dict[str, str] = {}


# The fields of each dataclass (IR records, values, labels, summaries), looked up once per type.
_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _fields_of(kind: type) -> tuple[str, ...] | None:
    names = _FIELDS[kind] = (
        tuple(f.name for f in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else None
    )
    return names


# What holds no node: not walked into.
_ATOMS = frozenset({str, bytes, int, float, bool, type(None), DetachedNode})


def detach(roots: Iterable[object], replaced: dict[Node, DetachedNode], *, only_known: bool = False) -> None:
    """Replace, in place, every tree-sitter node reachable from ``roots`` through dataclass fields,
    lists, tuples, sets and dict values by its ``DetachedNode``, one per node (``replaced``: equal
    nodes, such as two handles on one parameter, stay equal). ``only_known``: only the nodes
    ``replaced`` has already (the others are of a tree that stays, and stay as they are).

    Frozen dataclasses are changed with ``object.__setattr__``: the IR compares by identity, and a
    label's hash stays the same (``DetachedNode`` keeps the node's). A node directly inside a tuple
    or set cannot be replaced and none is there (the IR and the values hold nodes in fields)."""
    seen: set[int] = set()
    stack = list(roots)
    # Bound once: an edit's units are a few hundred IR records, a paste's thousands.
    replacement = _known if only_known else _replacement
    atoms, fields_of, node_type, setattr_, mark = _ATOMS, _FIELDS.get, Node, object.__setattr__, seen.add
    push = stack.append
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        mark(id(item))
        kind = type(item)
        names = fields_of(kind, ())
        if names == ():
            names = _fields_of(kind)
        if names is not None:
            for name in names:
                value = getattr(item, name, None)
                value_type = type(value)
                if value_type is node_type:
                    setattr_(item, name, replacement(value, replaced))
                elif value_type not in atoms:
                    push(value)
        elif kind is list:
            for index, value in enumerate(item):
                if type(value) is node_type:
                    item[index] = replacement(value, replaced)
                elif type(value) not in atoms:
                    push(value)
        elif kind is dict:
            for key, value in item.items():
                if type(value) is node_type:
                    item[key] = replacement(value, replaced)
                elif type(value) not in atoms:
                    push(value)
        elif isinstance(item, (tuple, frozenset, set)):
            stack.extend(value for value in item if type(value) not in atoms)


def _replacement(node: Node, replaced: dict[Node, DetachedNode]) -> DetachedNode:
    detached = replaced.get(node)
    if detached is None:
        detached = replaced[node] = DetachedNode(node)
    return detached


def _known(node: Node, replaced: dict[Node, DetachedNode]) -> Node | DetachedNode:
    return replaced.get(node, node)
