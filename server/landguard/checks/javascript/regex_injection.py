"""## What it does
Finds regular expressions compiled from request data: `new RegExp(req.query.q)` or
`RegExp(x)` where `x` comes from the request (through variables, destructuring and helpers),
without escaping it first (`escapeRegExp`, `_.escapeRegExp`, `escape-string-regexp`, or MDN's `escapeRegExp` idiom, a `replace` of every
metacharacter with `'\\$&'`).

## Why is this bad?
The client chooses the pattern. `(a+)+$` against a long input makes the regex engine
backtrack for minutes, blocking Node's single event loop for every user (ReDoS); patterns
such as `.*` also widen searches past what the query meant to allow.

## Example
```js
const matches = products.filter((p) => new RegExp(req.query.q, 'i').test(p.name));
```

## Use instead
```js
const needle = String(req.query.q).toLowerCase();
const matches = products.filter((p) => p.name.toLowerCase().includes(needle));
```
The quick fix escapes the value's regex metacharacters so it matches literally.

## References
- CWE-1333: Inefficient Regular Expression Complexity, https://cwe.mitre.org/data/definitions/1333.html
- CWE-730: OWASP Top Ten 2004 A9 - Denial of Service, https://cwe.mitre.org/data/definitions/730.html
"""

from __future__ import annotations

from collections.abc import Iterable

from landguard.checks.javascript import _flow as flow
from landguard.checks.javascript import _support as js
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import Rule
from landguard.fixes import javascript_fixes as fixes

RULE = Rule(
    id="LG316",
    name="regex-injection",
    title="Regular expression built from request data",
    severity=Severity.WARNING,
    confidence=Confidence.HIGH,
    cwe=(1333, 730),
    docs=__doc__ or "",
    languages=js.LANGUAGES,
)


class RegexInjection(js.JavaScriptTaintRule):
    rule = RULE
    kinds = ("regex",)
    helper_message = "{helper}() compiles a regular expression from request data; escape it"

    def check_hit(self, facts, hit, labels, document, context) -> Iterable[Finding]:
        args = js.arguments_of(hit.call.node)
        if not args:
            return
        target = js.unwrap(args[0])
        # Escape only the request part, so the pattern's own anchors and classes keep working.
        tainted = [part for part in js.flatten_plus(document, target) if flow.carries(part, labels)]
        target = tainted[0] if len(tainted) == 1 else target
        fix = fixes.escape_regex(document, target)
        yield RULE.finding(
            document.node_span(hit.call.node),
            "Regular expression compiled from request data; escape it or match with includes()",
            fixes=[fix] if fix else [],
        )


CHECK = RegexInjection()
