"""Abstract values of the dataflow core: taint labels with provenance, constants, containers.

A ``Value`` is what the core knows about an expression at one program point:

- ``labels``: where untrusted data in it came from (``Label``), each with the kinds of sink it
  has been sanitized for on the way;
- ``const``: its folded constant (``UNKNOWN`` when not constant);
- ``classes``: the same-file classes it may be an instance of (``new Impl()``, a factory's
  result): a method called on it runs those classes' methods (``Interpreter._instance_call``);
- ``kind``/``items``/``entries``: a container the core tracks element by element — a list with
  known items, a map (or object) with entries under constant keys, a string builder — so a
  tainted element removed before ``get(0)``, or a tainted ``put("a", x)`` read back with
  ``get("b")``, is not reported.

Values are immutable; ``join`` merges two branches (labels union, constants kept only when
equal, containers element-wise).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from landguard.frozen_records import fast_init


class _Unknown:
    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()

# Strength of a label: where the data came from. Rules decide which strengths they report.
REQUEST = "request"  # data an attacker controls: HTTP request, event payloads
PARAMETER = "parameter"  # a parameter of the function being analysed (unknown caller)
LOCAL_STRENGTH = "local"  # the local user's own input (command-line arguments, stdin): not an attacker's
ALL_KINDS = "*"

# Container kinds the core models element by element.
LIST, MAP, BUILDER = "list", "map", "builder"

# Keep provenance short: the first few variables a label went through.
_PATH_LIMIT = 6


@fast_init
@dataclass(frozen=True, slots=True)
class Label:
    """One origin of untrusted data.

    ``source`` names the model row (``flask.request.args``, ``param:2``), ``strength`` says how
    untrusted it is, ``origin`` is the adapter's node where it entered (for messages), and
    ``sanitized`` the sink kinds it has been made safe for. ``path`` (variables it flowed
    through) is provenance only: it does not take part in equality, so loops converge.
    """

    source: str
    strength: str
    origin: Any = None
    sanitized: frozenset[str] = frozenset()
    param: int | None = None  # for PARAMETER labels: the parameter's position
    # It passed through a call the models know nothing about (default propagation): the data may
    # or may not survive in a dangerous form. URL rules, where only the head matters, skip these.
    indirect: bool = False
    path: tuple[str, ...] = field(default=(), compare=False, hash=False)

    def safe_for(self, kind: str) -> bool:
        return ALL_KINDS in self.sanitized or kind in self.sanitized

    def with_sanitized(self, kinds: frozenset[str]) -> Label:
        if kinds <= self.sanitized:
            return self
        return Label(
            self.source,
            self.strength,
            self.origin,
            self.sanitized | kinds,
            self.param,
            self.indirect,
            self.path,
        )

    def through(self, name: str) -> Label:
        if len(self.path) >= _PATH_LIMIT or (self.path and self.path[-1] == name):
            return self
        return Label(
            self.source,
            self.strength,
            self.origin,
            self.sanitized,
            self.param,
            self.indirect,
            (*self.path, name),
        )

    def made_indirect(self) -> Label:
        if self.indirect:
            return self
        return Label(self.source, self.strength, self.origin, self.sanitized, self.param, True, self.path)


@fast_init
@dataclass(frozen=True, slots=True)
class Value:
    labels: frozenset[Label] = frozenset()
    const: Any = UNKNOWN
    kind: str | None = None  # LIST | MAP | BUILDER | None
    items: tuple[Value, ...] | None = None  # LIST with known items
    entries: tuple[tuple[Any, Value], ...] | None = None  # MAP entries under constant keys
    function: Any = None  # an ir.Function for function values (lambdas, local defs)
    classes: frozenset[str] = frozenset()  # same-file classes it may be an instance of

    @property
    def is_const(self) -> bool:
        return self.const is not UNKNOWN

    def all_labels(self) -> frozenset[Label]:
        """Labels of the value and everything it contains."""
        if not self.items and not self.entries:
            return self.labels
        found = set(self.labels)
        for item in self.items or ():
            found |= item.all_labels()
        for _, entry in self.entries or ():
            found |= entry.all_labels()
        return frozenset(found)

    def labels_for(self, kind: str) -> frozenset[Label]:
        """Labels that still matter for a sink of ``kind`` (not sanitized for it)."""
        return frozenset(label for label in self.all_labels() if not label.safe_for(kind))

    def entry(self, key: Any) -> Value | None:
        for entry_key, value in self.entries or ():
            if entry_key == key:
                return value
        return None


def is_request(labels: Iterable[Label]) -> bool:
    """Whether one of ``labels`` is data an attacker controls (``REQUEST`` strength)."""
    return any(label.strength == REQUEST for label in labels)


def request_labels(value: Value | None, kind: str, *, direct_only: bool = False) -> tuple[Label, ...]:
    """The request-data labels of ``value`` that still matter for a sink of ``kind``;
    ``direct_only`` leaves out those that went through a call the models do not know."""
    if value is None:
        return ()
    return tuple(
        label
        for label in value.labels_for(kind)
        if label.strength == REQUEST and not (direct_only and label.indirect)
    )


class Taint(enum.IntEnum):
    """How untrusted the data in a value is, for a sink of one kind (``taint_of_value``), ordered."""

    LITERAL = 0
    UNKNOWN = 1
    LOCAL = 2  # the local user's own input: command-line arguments, stdin
    PARAMETER = 3
    REQUEST = 4


_UNTRUSTED_STRENGTHS = frozenset({REQUEST, PARAMETER, LOCAL_STRENGTH})


def taint_of_value(value: Value, kind: str = ALL_KINDS, *, direct: bool = False) -> Taint:
    """The strongest origin of the data in ``value`` not sanitized for ``kind``: ``LITERAL`` for a
    constant (or data sanitized for the kind), ``UNKNOWN`` for no evidence of untrusted data;
    ``direct``: only data that did not pass through an unmodelled call counts."""
    labels = value.labels_for(kind)
    if direct:
        labels = frozenset(label for label in labels if not label.indirect)
    strengths = {label.strength for label in labels}
    if REQUEST in strengths:
        return Taint.REQUEST
    if PARAMETER in strengths:
        return Taint.PARAMETER
    if LOCAL_STRENGTH in strengths:
        return Taint.LOCAL
    # Labels of other strengths (``weak-random``: where a value is guessable, not who controls it)
    # say nothing about untrusted data.
    untrusted = [label for label in value.all_labels() if label.strength in _UNTRUSTED_STRENGTHS]
    if value.is_const or not untrusted:
        return Taint.LITERAL if value.is_const else Taint.UNKNOWN
    return Taint.LITERAL  # every label was sanitized for this kind


CLEAN = Value()


def const(value: Any) -> Value:
    return Value(const=value)


def tainted(labels: frozenset[Label] | set[Label]) -> Value:
    return Value(labels=frozenset(labels)) if labels else CLEAN


def union(values: list[Value] | tuple[Value, ...]) -> Value:
    """A value made of all of ``values`` (not a constant unless there is nothing to merge)."""
    labels: set[Label] = set()
    for value in values:
        labels |= value.all_labels()
    return tainted(labels)


def join(a: Value | None, b: Value | None) -> Value | None:
    """Merge two branches' values of one variable (None: not defined on that branch)."""
    if a is None:
        return b
    if b is None or a is b:
        return a
    if a == b:
        return a
    labels = a.labels | b.labels
    constant = a.const if a.const == b.const and type(a.const) is type(b.const) else UNKNOWN
    kind = a.kind if a.kind == b.kind else None
    items = None
    entries = None
    if kind == LIST and a.items is not None and b.items is not None and len(a.items) == len(b.items):
        items = tuple(join(x, y) for x, y in zip(a.items, b.items, strict=True))
    elif kind == MAP and a.entries is not None and b.entries is not None:
        merged: dict[Any, Value] = {}
        for key, value in (*a.entries, *b.entries):
            merged[key] = join(merged.get(key), value)  # type: ignore[assignment]
        entries = tuple(merged.items())
    else:
        # Shapes differ: keep the taint of every element, forget the shape.
        for side in (a, b):
            if side.items or side.entries:
                labels |= side.all_labels()
    function = a.function if a.function is b.function else None
    # Either branch's instance: a method called on it may run either class's method.
    return Value(labels, constant, kind, items, entries, function, a.classes | b.classes)


def with_labels(value: Value, labels: frozenset[Label]) -> Value:
    return Value(labels, value.const, value.kind, value.items, value.entries, value.function, value.classes)


def map_labels(value: Value, change) -> Value:
    """The value with every label (also inside containers) replaced by ``change(label)``."""
    if not value.labels and value.items is None and value.entries is None:
        return value  # nothing to change (most assigned values: constants, clean results)
    labels = frozenset(change(label) for label in value.labels)
    items = tuple(map_labels(item, change) for item in value.items) if value.items is not None else None
    entries = (
        tuple((key, map_labels(entry, change)) for key, entry in value.entries)
        if value.entries is not None
        else None
    )
    return Value(labels, value.const, value.kind, items, entries, value.function, value.classes)
