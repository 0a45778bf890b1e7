"""## What it does
Finds writes that let a client choose an object's property path: `obj[key] = value` with a
key from the request, deep merges of request data (`_.merge`, `_.mergeWith`,
`_.defaultsDeep`, `_.set` / `_.setWith` with a request path, `$.extend(true, ...)`), and
hand-written recursive merge helpers that copy keys in a `for ... in` loop without skipping
`__proto__` / `constructor`.

## Why is this bad?
A key of `__proto__` (or `constructor.prototype`) writes to `Object.prototype`, so every
object in the process gains the attacker's property: `isAdmin: true` on every user, or a
polluted option that turns into remote code execution in a template engine.

## Example
```js
function merge(target, source) {
  for (const key in source) {
    if (typeof source[key] === 'object') merge(target[key] ??= {}, source[key]);
    else target[key] = source[key];
  }
}
merge(settings, req.body);
```

## Use instead
```js
for (const key of Object.keys(source)) {
  if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
  ...
}
// or build objects with Object.create(null) / Map, and validate bodies with a schema
```

## References
- CWE-1321: Improperly Controlled Modification of Object Prototype Attributes, https://cwe.mitre.org/data/definitions/1321.html
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from landguard.checks.javascript import _support as js
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import Rule

RULE = Rule(
    id="LG312",
    name="prototype-pollution",
    title="Property path controlled by the client",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(1321,),
    docs=__doc__ or "",
    languages=js.LANGUAGES,
)
_DEEP_MERGES = frozenset(
    f"{module}.{function}"
    for module in ("lodash", "lodash-es", "_")
    for function in ("merge", "mergeWith", "defaultsDeep", "set", "setWith")
) | frozenset(
    {"lodash.merge", "lodash.set", "lodash/merge", "lodash/set", "jquery.extend", "$.extend", "jQuery.extend"}
)
_GUARD = re.compile(
    r"__proto__|\bconstructor\b|hasOwnProperty|Object\.hasOwn|\bprototype\b|Object\.keys|Object\.entries"
)


class PrototypePollution(js.RuleCheck):
    rule = RULE

    def check_node(self, node, document, context) -> Iterable[Finding]:
        index = js.unit_index(node, document, context)
        for assignment in index.subscript_assignments:
            left = assignment.child_by_field_name("left")
            key = left.child_by_field_name("index") if left is not None else None
            if key is None:
                continue
            info = js.value_of(document, context, key)
            if info.tainted and not info.sanitized:
                yield RULE.finding(
                    document.node_span(assignment),
                    "Property name from the request; a key of '__proto__' writes to Object.prototype",
                    confidence=Confidence.HIGH,
                )
        for name, call in index.calls_named("merge", "mergeWith", "defaultsDeep", "set", "setWith", "extend"):
            qualified = js.qualified_callee(document, context, call)
            if qualified not in _DEEP_MERGES and not (qualified and qualified.endswith(f"lodash.{name}")):
                continue
            args = js.arguments_of(call)
            risky = args[1:2] if name in ("set", "setWith") else args[1:]
            if any(js.value_of(document, context, a).tainted for a in risky):
                yield RULE.finding(
                    document.node_span(call),
                    f"{name}() with request data can write to Object.prototype; validate the input with a schema",
                    confidence=Confidence.HIGH,
                )
        for loop in index.for_in_loops:
            finding = _unguarded_recursive_merge(document, loop)
            if finding is not None:
                yield finding


def _unguarded_recursive_merge(document, loop):
    if js.text(document, loop.child_by_field_name("operator")) != "in":
        return None
    variable = loop.child_by_field_name("left")
    body = loop.child_by_field_name("body")
    if variable is None or body is None or variable.type != "identifier":
        return None
    function = js.enclosing_function(loop)
    name = js.function_name(document, function)
    if name is None:
        return None
    function_text = js.text(document, function)
    body_text = js.text(document, body)
    if _GUARD.search(function_text) or not re.search(rf"\b{re.escape(name)}\s*\(", body_text):
        return None  # guarded, or not a recursive (deep) merge
    key = re.escape(js.text(document, variable))
    match = re.search(rf"[\w$\]\)]\s*\[\s*{key}\s*\]\s*=[^=]", body_text)
    if match is None:
        return None
    return RULE.finding(
        document.node_span(loop),
        f"Recursive merge {name}() copies every key, including '__proto__'; skip __proto__, constructor and prototype",
    )


RULE_CHECK = PrototypePollution()
