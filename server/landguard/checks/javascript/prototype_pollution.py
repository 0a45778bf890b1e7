"""## What it does
Finds writes that let a client choose an object's property path: `obj[key] = value` with a
key from the request, deep merges of request data (`_.merge`, `_.mergeWith`,
`_.defaultsDeep`, `_.set` / `_.setWith` with a request path, `$.extend(true, ...)`) — the data
followed through variables and helpers — and hand-written recursive merge helpers that copy
keys in a `for ... in` loop without skipping `__proto__` / `constructor`.

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

from landguard.checks.javascript import _flow as flow
from landguard.checks.javascript import _support as js
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import Rule
from landguard.languages import javascript_syntax as syntax

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
_GUARD = re.compile(
    r"__proto__|\bconstructor\b|hasOwnProperty|Object\.hasOwn|\bprototype\b|Object\.keys|Object\.entries"
)


class PrototypePollution(js.JavaScriptRule):
    rule = RULE
    reads = frozenset({js.FACTS, js.INDEX})

    def check_unit(self, node, document, context) -> Iterable[Finding]:
        for facts in flow.unit_facts(node, document, context):
            for store in facts.stores:
                # settings[req.body.key] = value: the client picks the property, '__proto__' included.
                if store.key is not None and flow.request_labels(store.key, "prototype"):
                    assignment = store.target.node.parent if store.target.node is not None else None
                    if syntax.is_assignment(assignment):
                        yield RULE.finding(
                            document.node_span(assignment),
                            "Property name from the request; a key of '__proto__' writes to Object.prototype",
                            confidence=Confidence.HIGH,
                        )
            for hit, _labels in flow.hits(facts, ("prototype",), parameters=False):
                name = hit.via_helper or hit.call.method
                yield RULE.finding(
                    document.node_span(hit.call.node),
                    f"{name}() with request data can write to Object.prototype; validate the input with a schema",
                    confidence=Confidence.HIGH,
                )
        index = js.unit_index(node, document, context)
        for loop in index.for_in_loops:
            finding = _unguarded_recursive_merge(document, loop)
            if finding is not None:
                yield finding


def _unguarded_recursive_merge(document, loop):
    keyword, variable, body = syntax.for_in_parts(loop)
    if js.text(document, keyword) != "in":
        return None
    if variable is None or body is None or not syntax.is_identifier(variable):
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


CHECK = PrototypePollution()
