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

    def check_unit(self, node, document, context) -> Iterable[Finding]:
        index = js.unit_index(node, document, context)
        for _name, call in index.calls_named("random"):
            if js.qualified_callee(document, context, call) != "Math.random":
                continue
            purpose, expression = _purpose(document, call)
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


def _purpose(document, call):
    """The name the random value ends up in, and the outermost expression computing it."""
    expression = call
    current = call.parent
    for _ in range(12):
        if current is None:
            return None, expression
        kind = current.type
        if kind == "variable_declarator":
            return js.text(document, current.child_by_field_name("name")), expression
        if kind in ("assignment_expression", "augmented_assignment_expression"):
            left = current.child_by_field_name("left")
            target = (
                left.child_by_field_name("property")
                if left is not None and left.type == "member_expression"
                else left
            )
            return js.text(document, target), expression
        if kind == "pair":
            return js.text(document, current.child_by_field_name("key")), expression
        if kind == "jsx_attribute":
            return None, expression  # key={Math.random()} is a React smell, not a secret
        if kind == "return_statement" or kind == "arrow_function":
            function = current if kind == "arrow_function" else js.enclosing_function(current)
            return js.function_name(document, function, pair_key=True), expression
        if kind in js.FUNCTION_TYPES or kind in ("statement_block", "program", "class_body"):
            return None, expression
        if kind not in ("arguments", "template_substitution", "array", "expression_statement"):
            expression = current
        current = current.parent
    return None, expression


def _string_chain_top(document, call):
    """The end of ``Math.random().toString(36)[.substring(2[, n])]``, or None."""
    node, saw_to_string = call, False
    while True:
        member = node.parent
        outer = member.parent if member is not None else None
        if (
            member is None
            or member.type != "member_expression"
            or outer is None
            or outer.type != "call_expression"
        ):
            break
        method = js.text(document, member.child_by_field_name("property"))
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
    expression = call.parent.parent if call.parent is not None else None
    if expression is not None and expression.type == "arguments":
        expression = expression.parent
    if node_crypto and expression is not None and expression.type == "call_expression":
        function = js.text(document, expression.child_by_field_name("function"))
        args = js.arguments_of(expression)
        if function == "Math.floor" and len(args) == 1:
            product = js.unwrap(args[0])
            if (
                product.type == "binary_expression"
                and js.text(document, product.child_by_field_name("operator")) == "*"
            ):
                left, right = product.child_by_field_name("left"), product.child_by_field_name("right")
                bound = (
                    right
                    if js.text(document, left) == "Math.random()"
                    else left
                    if js.text(document, right) == "Math.random()"
                    else None
                )
                if bound is not None and js.unwrap(bound).type in (
                    "number",
                    "identifier",
                    "member_expression",
                ):
                    return Fix(
                        "Use crypto.randomInt()",
                        (
                            TextEdit(
                                document.node_span(expression),
                                f"crypto.randomInt({js.text(document, bound)})",
                            ),
                        ),
                        True,
                    )
    return None


CHECK = InsecureRandomness()
