"""## What it does
Finds `Math.random()` used to make something secret or unique: tokens, ids, passwords,
session keys, nonces, salts, one-time codes, invitation and reset codes. The purpose is read
from the name the value is stored in or returned from (`const resetToken = ...`,
`function generateId()`, `{ apiKey: ... }`).

## Why is this bad?
`Math.random()` is not a cryptographic generator: V8's xorshift128+ state can be recovered
from a handful of outputs, after which every past and future value is predictable, so an
attacker can guess other users' tokens.

## Example
```js
const resetToken = Math.random().toString(36).substring(2);
```

## Use instead
```js
const resetToken = crypto.randomUUID();
// a number in [0, n): crypto.randomInt(n) (Node.js)
```
Quick fixes: the `Math.random().toString(36).slice(2)` family -> `crypto.randomUUID()`;
`Math.floor(Math.random() * n)` -> `crypto.randomInt(n)` when Node's `crypto` is imported.

## References
- CWE-338: Use of Cryptographically Weak Pseudo-Random Number Generator, https://cwe.mitre.org/data/definitions/338.html
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from landguard.checks.javascript import _support as js
from landguard.engine.findings import Confidence, Finding, Fix, Severity, TextEdit
from landguard.engine.registry import Rule
from landguard.languages import javascript_syntax as syntax

RULE = Rule(
    id="LG306",
    name="insecure-randomness",
    title="Math.random() used for a secret or identifier",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(338,),
    docs=__doc__ or "",
    languages=js.LANGUAGES,
)
_SECRET_WORDS = re.compile(
    r"(?:^|_)(?:token|secret|password|passwd|pwd|pass|nonce|salt|key|apikey|otp|session|sid|csrf|xsrf|uuid|guid|"
    r"id|ids|auth|invite|invitation|reset|verification|verify|code|pin|credential|credentials|hash|state)(?:_|$)"
)
# Words that make `key`, `id` or `code` harmless (React keys, colours, test ids).
_HARMLESS_WORDS = re.compile(
    r"(?:^|_)(?:color|colour|react|animation|delay|jitter|retry|backoff|index|random|hue|timeout|ttl|duration|"
    r"interval|ms|wait|sleep|expires|expiry|age|width|height|size|x|y|position|opacity|speed|count|percent|ratio|"
    r"score|weight|sample|rate|probability|chance|threshold|offset|angle)(?:_|$)"
)
_STRING_CHAIN = frozenset({"toString", "substring", "substr", "slice"})


def _words(name: str) -> str:
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name.strip("'\"`#"))
    return name.lower()


class InsecureRandomness(js.JavaScriptRule):
    rule = RULE
    reads = frozenset({js.INDEX})

    def check_unit(self, node, document, context) -> Iterable[Finding]:
        index = js.unit_index(node, document, context)
        for _name, call in index.calls_named("random"):
            if js.qualified_callee(document, context, call) != "Math.random":
                continue
            purpose, expression = syntax.value_destination(document, call)
            if purpose is None:
                continue
            words = _words(purpose)
            if words == "key" or not _SECRET_WORDS.search(words) or _HARMLESS_WORDS.search(words):
                # A bare `key` is a list/React key far more often than a secret (`apiKey` is reported).
                continue
            fix = _fix(document, context, call)
            yield RULE.finding(
                document.node_span(call),
                f"Math.random() is predictable; {purpose!r} needs crypto.randomUUID() or crypto.getRandomValues()",
                fixes=[fix] if fix else [],
            )


def _string_chain_top(document, call):
    """The end of ``Math.random().toString(36)[.substring(2[, n])]``, or None."""
    node, saw_to_string = call, False
    while True:
        method, outer = syntax.method_called_on(document, node)
        if outer is None:
            break
        if method not in _STRING_CHAIN:
            break
        saw_to_string = saw_to_string or method == "toString"
        node = outer
    return node if saw_to_string else None


def _fix(document, context, call):
    crypto = js.imported_as(document, "crypto")
    node_crypto = crypto == "crypto"
    if crypto is not None and not node_crypto:
        return None  # `crypto` is something else here
    chain = _string_chain_top(document, call)
    if chain is not None:
        return Fix(
            "Use crypto.randomUUID()", (TextEdit(document.node_span(chain), "crypto.randomUUID()"),), True
        )
    expression = syntax.call_taking(call.parent) if call.parent is not None else None
    if node_crypto and expression is not None:
        function = js.text(document, syntax.callee(expression))
        args = js.arguments_of(expression)
        product = syntax.binary_parts(document, js.unwrap(args[0])) if len(args) == 1 else None
        if function == "Math.floor" and product is not None and product[0] == "*":
            _operator, left, right = product
            bound = (
                right
                if js.text(document, left) == "Math.random()"
                else left
                if js.text(document, right) == "Math.random()"
                else None
            )
            if bound is not None and syntax.is_simple_operand(js.unwrap(bound)):
                edit = TextEdit(
                    document.node_span(expression), f"crypto.randomInt({js.text(document, bound)})"
                )
                return Fix("Use crypto.randomInt()", (edit,), True)
    return None


CHECK = InsecureRandomness()
