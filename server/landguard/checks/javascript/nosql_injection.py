"""## What it does
Finds MongoDB / Mongoose queries (`find`, `findOne`, `updateOne`, `deleteMany`,
`countDocuments` ...) whose filter is request data that can be an object (`req.body`,
`req.query`, cookies: `User.find(req.query)`) or holds such a value
(`{ email: req.body.email }`), followed through variables, destructuring, branches and
same-file helpers. Values converted to strings first (`String(x)`, a template literal) are
fine; route params and headers are strings already.

## Why is this bad?
Express parses `?password[$ne]=x` and JSON bodies into objects, so the "value" can be a
query operator: `{ password: { $ne: null } }` matches every user and logs the attacker in
without a password; `$where` and `$regex` go further.

## Example
```js
const user = await User.findOne({ email: req.body.email, password: req.body.password });
```

## Use instead
```js
const user = await User.findOne({ email: String(req.body.email) });
// or validate the body with a schema (zod, joi) / use express-mongo-sanitize
```

## References
- CWE-943: Improper Neutralization of Special Elements in Data Query Logic, https://cwe.mitre.org/data/definitions/943.html
- OWASP Testing for NoSQL Injection
"""

from __future__ import annotations

from collections.abc import Iterable

from landguard.checks.javascript import _flow as flow
from landguard.checks.javascript import _support as js
from landguard.dataflow import ir, shapes
from landguard.engine.findings import Confidence, Finding, Fix, Severity, TextEdit
from landguard.engine.registry import Rule

RULE = Rule(
    id="LG311",
    name="nosql-injection",
    title="Request data used as a MongoDB query",
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    cwe=(943,),
    docs=__doc__ or "",
    languages=js.LANGUAGES,
)
# Request data Express, Koa and the Fetch API can hand over as objects (qs query strings, JSON bodies,
# JSON cookies); route params and headers are strings.
_OBJECT_SOURCES = frozenset(
    {
        "express.Request.body",
        "express.Request.query",
        "express.Request.cookies",
        "express.Request.signedCookies",
        "express.Request.json",
        "fetch.Request.json",
        "koa.Context.query",
        "koa.Context.request.body",
        "koa.Context.request.query",
    }
)


class NoSqlInjection(js.JavaScriptRule):
    rule = RULE

    def check_unit(self, node, document, context) -> Iterable[Finding]:
        for facts in flow.unit_facts(node, document, context):
            strings = _Strings(facts.function)
            for hit, labels in flow.hits(facts, ("nosql",), parameters=False):
                if not _objects(labels):
                    continue
                call = hit.call.node
                if hit.via_helper is not None:
                    yield RULE.finding(
                        document.node_span(call),
                        f"{hit.via_helper}() uses request data as a query filter; clients can send query operators "
                        "($ne, $where)",
                        confidence=Confidence.HIGH,
                    )
                    continue
                query = hit.call.args[0] if hit.call.args else None
                if isinstance(query, ir.MapLit):
                    yield from _entries(document, query, hit.value, strings)
                    continue
                if query is None or not strings.may_hold_object(query, hit.value):
                    continue
                yield RULE.finding(
                    document.node_span(call),
                    f"{hit.call.method}() with a filter made of request data; clients can send query operators "
                    "($ne, $where)",
                    confidence=Confidence.HIGH,
                )


def _objects(labels) -> bool:
    return any(label.source in _OBJECT_SOURCES for label in labels)


def _entries(document, query: ir.MapLit, value, strings) -> Iterable[Finding]:
    """One finding per entry of a filter literal whose value may be an object from the request."""
    for key, expr in query.entries:
        if not isinstance(key, ir.Lit) or strings.is_string(expr):
            continue
        entry = value.entry(key.value)
        if entry is None or not _objects(flow.request_labels(entry, "nosql")):
            continue
        node = expr.node
        pair = (
            node.parent
            if node is not None and node.parent is not None and node.parent.type == "pair"
            else node
        )
        if node is None:
            continue
        value_text = js.text(document, node)
        replacement = f"String({value_text})" if pair is not node else f"{value_text}: String({value_text})"
        fix = Fix("Convert the value to a string", (TextEdit(document.node_span(node), replacement),))
        yield RULE.finding(
            document.node_span(pair),
            f"{value_text} may be an object such as {{ $ne: null }}; convert it with String() or validate it",
            fixes=[fix],
        )


class _Strings:
    """Whether an expression is certainly a string: a template or concatenation, directly or in a variable."""

    def __init__(self, function: ir.Function) -> None:
        self.function = function
        self._assigned: dict[str, list[ir.Expr]] | None = None

    def is_string(self, expr: ir.Expr, depth: int = 0) -> bool:
        if isinstance(expr, ir.Concat | ir.Lit):
            return True
        if isinstance(expr, ir.Name) and depth < 4:
            values = self._values().get(expr.name, [])
            return bool(values) and all(self.is_string(v, depth + 1) for v in values)
        return False

    def may_hold_object(self, expr: ir.Expr, value, depth: int = 0) -> bool:
        """Whether ``expr`` (with ``value`` at the call) can hand the query an object from the request."""
        if self.is_string(expr) or depth > 4:
            return False
        if isinstance(expr, ir.MapLit):
            for key, entry_expr in expr.entries:
                entry = (
                    value.entry(key.value) if isinstance(key, ir.Lit) and value.entries is not None else None
                )
                entry = entry if entry is not None else value
                if _objects(flow.request_labels(entry, "nosql")) and self.may_hold_object(
                    entry_expr, entry, depth + 1
                ):
                    return True
            return False
        if isinstance(expr, ir.Name):
            values = self._values().get(expr.name)
            if values:
                return any(self.may_hold_object(v, value, depth + 1) for v in values)
        return True

    def _values(self) -> dict[str, list[ir.Expr]]:
        if self._assigned is None:
            self._assigned = {}
            for statement in shapes.assignments(self.function.body):
                if isinstance(statement.target, ir.Name):
                    self._assigned.setdefault(statement.target.name, []).append(statement.value)
        return self._assigned


CHECK = NoSqlInjection()
