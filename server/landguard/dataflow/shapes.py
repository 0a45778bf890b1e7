"""The shape of a string expression in the IR: is it *built* (assembled from non-constant parts),
and what are its constant fragments?

Taint labels say where data came from; some rules also need to know how the value was made.
"SQL built from a parameter" is worth reporting (``query(`... ${name}`)``), a wrapper passing
its parameter straight through (``run(sql) { return db.query(sql) }``) is not — its callers are
checked through its summary. And a query API reached through a value of unknown type
(``conn.get(key)``) is a SQL sink only when the text's constant parts read as SQL.

The answer follows a variable to every value assigned to it in the function (flow-insensitive:
this is about the text's shape, the dataflow decides what reaches the call), a few steps deep.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from landguard.dataflow import ir

_MAX_DEPTH = 6


@dataclass(frozen=True)
class Shape:
    built: bool = False  # assembled from parts at least one of which is not a constant
    fragments: tuple[str, ...] = ()  # the constant string parts, in order

    def text(self) -> str:
        return " ".join(self.fragments)


def _assignments(body: tuple[ir.Stmt, ...]) -> Iterator[ir.Assign]:
    for statement in body:
        if isinstance(statement, ir.Assign):
            yield statement
        elif isinstance(statement, ir.If):
            yield from _assignments(statement.body)
            yield from _assignments(statement.orelse)
        elif isinstance(statement, ir.Loop):
            yield from _assignments(statement.body)
            yield from _assignments(statement.orelse)
        elif isinstance(statement, ir.Switch):
            for case in statement.cases:
                yield from _assignments(case.body)
        elif isinstance(statement, ir.Try):
            yield from _assignments(statement.body)
            for handler in statement.handlers:
                yield from _assignments(handler)
            yield from _assignments(statement.orelse)
            yield from _assignments(statement.final)


class ShapeReader:
    """Shapes of expressions of one function (its assignments indexed once)."""

    def __init__(self, function: ir.Function) -> None:
        self._by_name: dict[str, list[ir.Expr]] = {}
        for assign in _assignments(function.body):
            if isinstance(assign.target, ir.Name):
                self._by_name.setdefault(assign.target.name, []).append(assign.value)

    def shape(self, expr: ir.Expr | None, depth: int = 0) -> Shape:
        if expr is None or depth > _MAX_DEPTH:
            return Shape()
        if isinstance(expr, ir.Lit):
            return Shape(False, (expr.value,) if isinstance(expr.value, str) else ())
        if isinstance(expr, ir.Concat):
            return self._combine([self.shape(part, depth + 1) for part in expr.parts], expr.parts)
        if isinstance(expr, ir.BinOp) and expr.op == "+":
            parts = (expr.left, expr.right)
            return self._combine([self.shape(part, depth + 1) for part in parts], parts)
        if isinstance(expr, ir.Cond):
            return _merge(self.shape(expr.then, depth + 1), self.shape(expr.orelse, depth + 1))
        if isinstance(expr, ir.BinOp) and expr.op in ("or", "and"):
            return _merge(self.shape(expr.left, depth + 1), self.shape(expr.right, depth + 1))
        if isinstance(expr, ir.Name):
            result = Shape()
            for value in self._by_name.get(expr.name, ()):
                if value is not expr:
                    result = _merge(result, self.shape(value, depth + 1))
            return result
        if isinstance(expr, ir.Call) and expr.receiver is not None and not expr.args:
            return self.shape(expr.receiver, depth + 1)  # sql.trim(), text.toString()
        return Shape()

    def _combine(self, shapes: list[Shape], parts) -> Shape:
        fragments = tuple(f for s in shapes for f in s.fragments)
        dynamic = any(not isinstance(part, ir.Lit) for part in parts)
        return Shape(dynamic or any(s.built for s in shapes), fragments)


def _merge(a: Shape, b: Shape) -> Shape:
    return Shape(a.built or b.built, a.fragments + b.fragments)
