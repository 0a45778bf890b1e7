"""## What it does
Finds MongoDB / Mongoose queries (`find`, `findOne`, `updateOne`, `deleteMany`,
`countDocuments` ...) whose filter is request data that can be an object (`req.body`,
`req.query`, cookies: `User.find(req.query)`) or holds such a value
(`{ email: req.body.email }`), followed through variables, destructuring, branches and
same-file helpers. Values converted to strings first (`String(x)`, a template literal) are
fine; route params and headers are strings already. A `$where` filter
(`{ $where: 'this.name == "' + req.params.name + '"' }`, `query.$where(code)`) runs
JavaScript on the database server, so any request data in it is reported, strings too.

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
from landguard.languages import javascript_syntax as syntax

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
    reads = frozenset({js.FACTS})

    def check_unit(self, node, document, context) -> Iterable[Finding]:
        for facts in flow.unit_facts(node, document, context):
            strings = _Strings(facts.function)
            for hit, labels in flow.hits(facts, ("nosql",), parameters=False):
                call = hit.call.node
                where = _where_code(hit)
                if where is not None:
                    # $where runs JavaScript on the database server: any request string is code there.
                    yield RULE.finding(
                        document.node_span(where if where is not True else call),
                        "$where runs JavaScript built from request data on the database server; "
                        "use query operators ($eq, $gt ...) instead",
                        confidence=Confidence.HIGH,
                    )
                    continue
                if not _objects(labels):
                    continue
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


def _where_code(hit):
    """Where request data is `$where` code: ``True`` for ``query.$where(code)``, the entry's node for a
    ``{ $where: code }`` filter; None when the request data is not there."""
    if hit.via_helper is not None:
        return None
    if hit.call.method == "$where":
        return True
    query = hit.call.args[0] if hit.call.args else None
    if not isinstance(query, ir.MapLit):
        return None
    for key, expr in query.entries:
        if isinstance(key, ir.Lit) and key.value == "$where" and expr.node is not None:
            entry = hit.value.entry("$where")
            if entry is not None and flow.request_labels(entry, "nosql"):
                return expr.node
    return None


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
        pair = node.parent if node is not None and syntax.is_object_entry(node.parent) else node
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
