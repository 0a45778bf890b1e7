"""The shape of a string expression in the IR: is it *built* (assembled from non-constant parts),
and what are its constant fragments?

Taint labels say where data came from; some rules also need to know how the value was made.
"SQL built from a parameter" is worth reporting (``query(`... ${name}`)``), a wrapper passing
its parameter straight through (``run(sql) { return db.query(sql) }``) is not — its callers are
checked through its summary. And a query API reached through a value of unknown type
(``conn.get(key)``) is a SQL sink only when the text's constant parts read as SQL.

``calls_in`` lists the calls of a function's body (for prefilters that need no interpretation).
``pins_destination`` says whether a URL's constant start fixes where it points (open redirect,
SSRF and JNDI rules in every language).

The answer follows a variable to every value assigned to it in the function (flow-insensitive:
this is about the text's shape, the dataflow decides what reaches the call), a few steps deep.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from landguard.dataflow import ir

_MAX_DEPTH = 6


@dataclass(frozen=True)
class Shape:
    built: bool = False  # assembled from parts at least one of which is not a constant
    fragments: tuple[str, ...] = ()  # the constant string parts, in order
    prefix: str | None = None  # the constant text it certainly starts with (None: unknown)

    def text(self) -> str:
        return " ".join(self.fragments)


def assignments(body: tuple[ir.Stmt, ...]) -> Iterator[ir.Assign]:
    for statement in body:
        if isinstance(statement, ir.Assign):
            yield statement
        elif isinstance(statement, ir.If):
            yield from assignments(statement.body)
            yield from assignments(statement.orelse)
        elif isinstance(statement, ir.Loop):
            yield from assignments(statement.body)
            yield from assignments(statement.orelse)
        elif isinstance(statement, ir.Switch):
            for case in statement.cases:
                yield from assignments(case.body)
        elif isinstance(statement, ir.Try):
            yield from assignments(statement.body)
            for handler in statement.handlers:
                yield from assignments(handler)
            yield from assignments(statement.orelse)
            yield from assignments(statement.final)


class ShapeReader:
    """Shapes of expressions of one function (its assignments indexed once). ``formatters``: the
    callees whose first argument is a format string the other arguments are put into
    (``java.lang.String.format``): their result is built from the format's constant parts."""

    def __init__(self, function: ir.Function, formatters: frozenset[str] = frozenset()) -> None:
        self._formatters = formatters
        self._by_name: dict[str, list[ir.Expr]] = {}
        # Attribute and index stores by target (``el.innerHTML = html``): what was assigned.
        self.stored: dict[int, ir.Expr] = {}
        self._active: set[str] = set()
        for assign in assignments(function.body):
            if isinstance(assign.target, ir.Name):
                self._by_name.setdefault(assign.target.name, []).append(assign.value)
            elif isinstance(assign.target, ir.Attr | ir.Index):
                self.stored[id(assign.target)] = assign.value

    def shape(self, expr: ir.Expr | None, depth: int = 0) -> Shape:
        if expr is None or depth > _MAX_DEPTH:
            return Shape()
        if isinstance(expr, ir.Lit):
            text = expr.value if isinstance(expr.value, str) else None
            return Shape(False, (text,) if text is not None else (), text)
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
            if expr.name in self._active:
                return _SELF  # `sql = sql + ...`: the variable's other values say what it starts with
            self._active.add(expr.name)
            try:
                result: Shape | None = None
                for value in self._by_name.get(expr.name, ()):
                    shape = self.shape(value, depth + 1)
                    result = shape if result is None else _merge(result, shape)
            finally:
                self._active.discard(expr.name)
            if result is not None and result.prefix is _INHERITED:
                result = Shape(result.built, result.fragments, None)
            return result or Shape()
        if isinstance(expr, ir.Call) and expr.receiver is not None and not expr.args:
            return self.shape(expr.receiver, depth + 1)  # sql.trim(), text.toString()
        if isinstance(expr, ir.Call) and expr.callee in self._formatters and expr.args:
            return self._formatted(expr, depth)
        return Shape()

    def _formatted(self, call: ir.Call, depth: int) -> Shape:
        """``String.format("(cn=%s)", group)``: the format's text (split at its placeholders) with
        the values put into it."""
        template = self.shape(call.args[0], depth + 1)
        values = [self.shape(arg, depth + 1) for arg in call.args[1:]]
        dynamic = any(not isinstance(arg, ir.Lit) for arg in call.args[1:])
        fragments = tuple(
            piece for text in template.fragments for piece in _PLACEHOLDER.split(text) if piece
        ) + tuple(f for v in values for f in v.fragments)
        prefix = _PLACEHOLDER.split(template.prefix, 1)[0] if template.prefix is not None else None
        built = dynamic or template.built or any(v.built for v in values)
        return Shape(built, fragments, prefix)

    def _combine(self, shapes: list[Shape], parts) -> Shape:
        fragments = tuple(f for s in shapes for f in s.fragments)
        dynamic = any(not isinstance(part, ir.Lit) for part in parts)
        if shapes and shapes[0] is _SELF:
            prefix: str | None = _INHERITED  # `sql + ...`: starts like the variable's other values
        else:
            prefix = shapes[0].prefix if shapes else None
        return Shape(dynamic or any(s.built for s in shapes), fragments, prefix)


def function_shapes(function: ir.Function, formatters: frozenset[str] = frozenset()) -> ShapeReader:
    """The ``ShapeReader`` of ``function`` (made once: it depends on the function alone)."""
    key = ("shape_reader", formatters)
    reader = function.extra.get(key)
    if reader is None:
        reader = function.extra[key] = ShapeReader(function, formatters)
    return reader


# A constant start fixes where a URL points, whatever follows, when it closes a scheme and host
# (``https://api.example.com/``, ``…?``, ``…#``), starts a local path (``/users/``, but not ``//host``:
# protocol-relative) or closes a relative path segment before any scheme (``page.jsp?next=``). A
# placeholder (``{…}``, ``%s``) stands for a value not known yet: it fixes nothing.
_SCHEME_AND_HOST = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://[^/?#\\{}%]+[/?#]")
_RELATIVE_SEGMENT = re.compile(r"^[^:/?#\\{}%]+[/?#]")


def pins_destination(prefix: str | None) -> bool:
    """Whether a URL starting with the constant ``prefix`` stays where the code chose."""
    if not prefix:
        return False
    if _SCHEME_AND_HOST.match(prefix):
        return True
    if prefix.startswith(("/", "\\")):
        return len(prefix) >= 2 and prefix[1] not in "/\\"
    return _RELATIVE_SEGMENT.match(prefix) is not None


# A variable's own earlier value inside its definition: neutral for merging.
_SELF = Shape()
_INHERITED = "\x00inherited"

# printf-style (``%s``, ``%1$d``, ``%%``) and MessageFormat (``{0}``) placeholders.
_PLACEHOLDER = re.compile(r"%(?:\d+\$)?[-#+ 0,(<]*\d*(?:\.\d+)?[a-zA-Z%]|\{\d+(?:,[^}]*)?\}")


def _merge(a: Shape, b: Shape) -> Shape:
    """Either shape (two branches, two assignments): the prefix only when both start alike."""
    if a is _SELF:
        return b
    if b is _SELF:
        return a
    prefix = None
    if a.prefix is _INHERITED or b.prefix is _INHERITED:
        prefix = b.prefix if a.prefix is _INHERITED else a.prefix
    elif a.prefix is not None and b.prefix is not None:
        prefix = _common_prefix(a.prefix, b.prefix)
    return Shape(a.built or b.built, a.fragments + b.fragments, prefix or None)


def _common_prefix(a: str, b: str) -> str:
    length = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        length += 1
    return a[:length]


def calls_in(items) -> list[ir.Call]:
    """Every call in ``items`` (statements or expressions), not descending into nested functions
    (a nested function is analysed on its own)."""
    return [item for item in walk(items) if type(item) is ir.Call]


# ``Function.extra`` key of the calls a lowering recorded as it made them for the function's body.
CALLS = "calls"


def function_calls(function: ir.Function) -> list[ir.Call]:
    """The calls made for ``function``'s own code, in no set order: the list its lowering recorded
    under ``CALLS`` (a prefilter's input: no walk of the body), else ``calls_in(function.body)``.

    A record holds every call of the body once (the IR may share one between two places), and
    also the calls made for operands the IR then drops (``~s.indexOf(x)``, ``a | f()``: a number,
    whatever they called): a superset, for tests that may say yes too often but never too
    rarely (``tests/unit/javascript/test_recorded_calls.py``)."""
    recorded = function.extra.get(CALLS)
    return recorded if recorded is not None else calls_in(function.body)


def names_read(function: ir.Function) -> frozenset[str]:
    """The variable names ``function``'s own code mentions (memoised on the function)."""
    found = function.extra.get("names_read")
    if found is None:
        found = function.extra["names_read"] = frozenset(
            item.name for item in walk(function.body) if type(item) is ir.Name
        )
    return found


def walk(items) -> list:
    """Every statement and expression in ``items``, not descending into nested functions."""
    found: list = []
    stack = list(items)
    push = stack.append
    extend = stack.extend
    while stack:
        item = stack.pop()
        found.append(item)
        kind = type(item)
        if kind is ir.Call:
            extend(item.args)
            if item.receiver is not None:
                push(item.receiver)
            for _, value in item.keywords:
                push(value)
        elif kind is ir.Assign:
            push(item.target)
            push(item.value)
        elif kind is ir.Eval:
            push(item.expr)
        elif kind is ir.Return or kind is ir.Raise:
            if item.value is not None:
                push(item.value)
        elif kind is ir.Attr:
            push(item.obj)
        elif kind is ir.Concat or kind is ir.Opaque:
            extend(item.parts)
        elif kind is ir.Index:
            push(item.obj)
            push(item.key)
        elif kind is ir.BinOp:
            push(item.left)
            push(item.right)
        elif kind is ir.If:
            push(item.test)
            extend(item.body)
            extend(item.orelse)
        elif kind is ir.Cond:
            push(item.test)
            push(item.then)
            push(item.orelse)
        elif kind is ir.Unary:
            push(item.operand)
        elif kind is ir.Seq:
            extend(item.items)
        elif kind is ir.MapLit:
            for key, value in item.entries:
                if key is not None:
                    push(key)
                push(value)
        elif kind is ir.Loop:
            if item.test is not None:
                push(item.test)
            extend(item.body)
            extend(item.orelse)
        elif kind is ir.Switch:
            push(item.subject)
            for case in item.cases:
                extend(case.tests)
                extend(case.body)
        elif kind is ir.Try:
            extend(item.body)
            for handler in item.handlers:
                extend(handler)
            extend(item.orelse)
            extend(item.final)
        # Name, Lit, FuncRef, Define, Break, Continue: nothing inside that belongs to this function.
    return found
