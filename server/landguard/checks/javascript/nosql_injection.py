"""## What it does
Finds MongoDB / Mongoose queries (`find`, `findOne`, `updateOne`, `deleteMany`,
`countDocuments` ...) whose filter is a request object (`User.find(req.query)`) or contains a
value taken straight from `req.body` / `req.query` (`{ email: req.body.email }`), without
converting it to a string first.

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

from landguard.checks.javascript import _support as js
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
_METHODS = (
    "find findOne findOneAndUpdate findOneAndDelete findOneAndReplace updateOne updateMany deleteOne deleteMany "
    "countDocuments exists"
).split()
# Fields Express can fill with objects (qs query strings, JSON bodies, JSON cookies); params and headers are strings.
_OBJECT_FIELDS = frozenset({"body", "query", "cookies", "signedCookies"})


class NoSqlInjection(js.RuleCheck):
    rule = RULE
    uses_imports = False

    def check_node(self, node, document, context) -> Iterable[Finding]:
        index = js.unit_index(node, document, context)
        for name, call in index.calls_named(*_METHODS):
            if js.callee_object(call) is None:
                continue
            args = js.arguments_of(call)
            if not args:
                continue
            fltr = js.unwrap(args[0])
            if _raw_request_object(document, context, fltr, whole=True):
                yield RULE.finding(
                    document.node_span(call),
                    f"{name}() with the request object as the filter; clients can send query operators ($ne, $where)",
                    confidence=Confidence.HIGH,
                )
                continue
            if fltr.type != "object":
                continue
            for pair in fltr.named_children:
                value = pair.child_by_field_name("value") if pair.type == "pair" else pair
                if pair.type not in ("pair", "shorthand_property_identifier") or value is None:
                    continue
                if _raw_request_object(document, context, value, whole=False):
                    value_text = js.text(document, value)
                    replacement = (
                        f"String({value_text})"
                        if pair.type == "pair"
                        else f"{value_text}: String({value_text})"
                    )
                    fix = Fix(
                        "Convert the value to a string", (TextEdit(document.node_span(value), replacement),)
                    )
                    yield RULE.finding(
                        document.node_span(pair),
                        f"{value_text} may be an object such as {{ $ne: null }}; convert it with String() or validate it",
                        fixes=[fix],
                    )


def _raw_request_object(document, context, node, whole: bool) -> bool:
    """``req.body`` (whole) or ``req.body.x`` (a field), directly or through a local binding."""
    node = js.unwrap(node)
    if node.type in ("identifier", "shorthand_property_identifier"):
        for kind, value in js.bindings_before(document, context, node)[-1:]:
            if kind == "destructure":
                return (
                    not whole
                    and js.request_field(document, value) in _OBJECT_FIELDS
                    and _depth(document, value) == 1
                )
            if kind == "decl":
                return _raw_request_object(document, context, value, whole)
        return False
    field = js.request_field(document, node)
    if field not in _OBJECT_FIELDS:
        return False
    return _depth(document, node) == (1 if whole else 2)


def _depth(document, node) -> int:
    depth = 0
    node = js.unwrap(node)
    while node.type in ("member_expression", "subscript_expression"):
        depth += 1
        node = js.unwrap(node.child_by_field_name("object"))
    if js.text(document, node) == "ctx":
        depth -= 1
    return depth


RULE_CHECK = NoSqlInjection()
