"""The dataflow IR: what each language adapter (``landguard/languages/``) lowers a function into.

The IR is small on purpose. It keeps what decides "does untrusted data reach this call?" —
assignments, calls, string building, containers, constants, branches, loops, returns — and
folds everything else into ``Opaque`` (whose value depends on its parts). It knows no
grammar: every expression and statement may carry ``node``, an opaque handle the adapter
gives back to rules for spans and fixes (a tree-sitter node in practice; the core never looks
inside it).

Names are resolved by the adapter, not by the core: ``Name.qualname``, ``Attr.qualname`` and
``Call.callee`` hold the qualified name the adapter derived from imports and declared types
(``sp.run`` -> ``subprocess.run``; ``stmt.executeQuery`` with ``Statement stmt`` ->
``java.sql.Statement.executeQuery``; ``req.query`` in an Express handler ->
``express.Request.query``). Models (``data/models/*.toml``) match those names.

Expressions                                  Statements
    Lit(value)        constants                  Assign(target, value)   ``=``; targets: Name, Attr, Index, Seq
    Name(name)        a variable                 Eval(expr)              an expression statement
    Attr(obj, name)   ``obj.name``               Return(value)           ends the path
    Index(obj, key)   ``obj[key]``               Raise(value)            ends the path
    Call(...)         calls and ``new``          If(test, body, orelse)
    Concat(parts)     string building            Switch(subject, cases)  cases with fall-through
    BinOp/Unary       arithmetic, comparisons    Loop(body, test, orelse) 0..n iterations
    Cond(t, a, b)     ternaries                  Break / Continue
    Seq(items)        list/tuple/array literal   Try(body, handlers, orelse, final)
    MapLit(entries)   dict/object literal        Define(function)         a nested def/lambda/class member
    FuncRef(function) a lambda / local function
    Opaque(parts)     anything else
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

from landguard.frozen_records import fast_init

# ---------------------------------------------------------------------------------------- values


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class Expr:
    """Base of every expression. ``node`` is the adapter's handle (for spans), never inspected."""


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class Lit(Expr):
    value: str | int | float | bool | None
    node: Any = None


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class Name(Expr):
    name: str
    # What the name means outside the function: an import (``flask.request``), a declared type
    # (``javax.servlet.http.HttpServletRequest``) — None for plain locals.
    qualname: str | None = None
    node: Any = None


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class Attr(Expr):
    obj: Expr
    name: str
    qualname: str | None = None  # ``flask.request.args`` when ``obj`` resolves
    node: Any = None


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class Index(Expr):
    obj: Expr
    key: Expr
    node: Any = None


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class Call(Expr):
    """A call or an object creation (``new``: ``is_new``).

    ``callee`` is the qualified name when the adapter could resolve it (``subprocess.run``,
    ``java.lang.StringBuilder`` for ``new StringBuilder()``, a same-file function's name),
    ``method`` the last name as written (``execute``), ``receiver`` the object of a method call.
    """

    callee: str | None
    method: str
    args: tuple[Expr, ...] = ()
    keywords: tuple[tuple[str, Expr], ...] = ()
    receiver: Expr | None = None
    is_new: bool = False
    # ``*args``/``**kwargs``/spread arguments: positions after the first one are unknown.
    has_spread: bool = False
    node: Any = None

    def keyword(self, name: str) -> Expr | None:
        for key, value in self.keywords:
            if key == name:
                return value
        return None


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class Concat(Expr):
    """String building: f-strings, template literals, ``+`` of strings, ``format``, ``%``."""

    parts: tuple[Expr, ...]
    node: Any = None


# Operators the core folds: arithmetic, comparisons, boolean logic, membership.
BINARY_OPERATORS = frozenset(
    {
        "+",
        "-",
        "*",
        "/",
        "//",
        "%",
        "==",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "and",
        "or",
        "in",
        "not in",
        "is",
        "is not",
    }
)


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class BinOp(Expr):
    op: str  # one of BINARY_OPERATORS; anything else: lower to Opaque
    left: Expr
    right: Expr
    node: Any = None


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class Unary(Expr):
    op: str  # "not" or "-"
    operand: Expr
    node: Any = None


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class Cond(Expr):
    test: Expr
    then: Expr
    orelse: Expr
    node: Any = None


class LitTable(tuple):
    """The items of a ``Seq`` that are node-less ``Lit``s an adapter read from a long literal table
    (a generated parser's 11,000 numbers): the same numbers give the same ``LitTable`` object, so
    what the interpreter makes of it is kept on it (``value``) and reused."""

    value: Any = None


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class Seq(Expr):
    """A list/tuple/array literal; as an assignment target, destructuring."""

    items: tuple[Expr, ...]
    node: Any = None


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class MapLit(Expr):
    """A dict/object literal. A key of None is a spread (``**d``, ``...o``). ``class_name``: the
    adapter keyed the literal's methods as that class's (``make().run`` for the object a factory
    ``make`` returns), so the literal's value is an instance of it."""

    entries: tuple[tuple[Expr | None, Expr], ...]
    node: Any = None
    class_name: str | None = None


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class FuncRef(Expr):
    """A lambda, arrow function or anonymous class method used as a value."""

    function: Function
    node: Any = None


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class Opaque(Expr):
    """Anything the IR does not model; its value depends on ``parts``."""

    parts: tuple[Expr, ...] = ()
    node: Any = None


# ---------------------------------------------------------------------------------------- statements


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class Stmt:
    """Base of every statement."""


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class Assign(Stmt):
    target: Expr  # Name | Attr | Index | Seq (destructuring) | Opaque (ignored)
    value: Expr
    node: Any = None


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class Eval(Stmt):
    expr: Expr
    node: Any = None


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class Return(Stmt):
    value: Expr | None = None
    node: Any = None


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class Raise(Stmt):
    value: Expr | None = None
    node: Any = None


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class If(Stmt):
    test: Expr
    body: tuple[Stmt, ...]
    orelse: tuple[Stmt, ...] = ()
    node: Any = None


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class Case:
    """One arm of a switch. ``tests`` empty: the default arm. ``falls_through``: C-style cases
    run into the next arm unless they break (Java/JS ``case x:``); Python ``match`` and Java
    ``case x ->`` arms do not."""

    tests: tuple[Expr, ...]
    body: tuple[Stmt, ...]
    falls_through: bool = False


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class Switch(Stmt):
    subject: Expr
    cases: tuple[Case, ...]
    node: Any = None


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class Loop(Stmt):
    """``while``/``for``/``do``: the body runs zero or more times (``runs_once``: at least once).

    A ``for x in xs`` loop is lowered with its binding as the first statement of the body
    (``Assign(Name("x"), Index(xs, Opaque()))``), so the core needs no iteration protocol.
    """

    body: tuple[Stmt, ...]
    test: Expr | None = None
    orelse: tuple[Stmt, ...] = ()
    runs_once: bool = False
    node: Any = None


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class Break(Stmt):
    node: Any = None


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class Continue(Stmt):
    node: Any = None


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class Try(Stmt):
    body: tuple[Stmt, ...]
    handlers: tuple[tuple[Stmt, ...], ...] = ()
    orelse: tuple[Stmt, ...] = ()
    final: tuple[Stmt, ...] = ()
    node: Any = None


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class Define(Stmt):
    """A nested function (or local class method) defined here; its name is bound to it."""

    function: Function
    node: Any = None


# ---------------------------------------------------------------------------------------- functions


@fast_init
@dataclass(frozen=True, slots=True, eq=False)
class Param:
    """A parameter. ``tags`` say what binds it: ``"route"`` (a web handler's parameter bound from
    the request), ``"annotation:RequestParam"``, ``"self"``; ``type`` is its declared type,
    qualified (``javax.servlet.http.HttpServletRequest``)."""

    name: str
    index: int
    tags: frozenset[str] = frozenset()
    type: str | None = None
    node: Any = None


@fast_init
@dataclass(frozen=True, slots=True, eq=False, weakref_slot=True)
class Function:
    """A function, method, lambda, or a unit's module-level statements (``name`` ``"<module>"``).

    ``key`` is the name other code in the file calls it by (``helper``, ``Util.clean``,
    ``self.load``): the adapter decides it, and a ``Call`` whose ``callee`` equals a known key
    uses that function's summary.
    """

    name: str
    params: tuple[Param, ...]
    body: tuple[Stmt, ...]
    key: str | None = None
    class_name: str | None = None
    tags: frozenset[str] = frozenset()  # "route", "static", "constructor" ...
    node: Any = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


def set_enclosing(function: Function, outer: Function) -> None:
    """Record that ``function`` is a closure defined in ``outer`` (``extra["outer"]``; kept if set).

    A weak reference: ``outer``'s body holds ``function`` (its ``Define`` or ``FuncRef``), so a
    strong one would make every nested function a reference cycle, and a file's whole IR (with
    the syntax nodes it points to) garbage that only the cyclic collector frees — 0.3 s of a
    4.4 s check of webpack's ``lib/``. Whoever holds a unit's functions holds its outer ones
    too (a lowering keeps each unit's functions together), so the reference is live while
    ``function`` is analysed.
    """
    function.extra.setdefault("outer", weakref.ref(outer))


def enclosing(function: Function) -> Function | None:
    """The function ``function`` is a closure in (``set_enclosing``); None for any other."""
    outer = function.extra.get("outer")
    return outer() if outer is not None else None
