"""JWT decoded without verifying its signature, or with the `none` algorithm allowed.

## What it does
Flags `jwt.decode` (PyJWT) and `jose.jwt.decode` (python-jose) calls that
- turn signature checking off: `options={"verify_signature": False}` or the old `verify=False`;
- allow the `none` algorithm: `algorithms=["none"]` (any case);
- pass no `algorithms` allowlist at all (or `algorithms=None`).

## Why is this bad?
A token whose signature is not checked is just JSON anyone can write: `{"sub": "admin"}` logs
the attacker in as admin. Without an algorithm allowlist, the token's own header picks the
algorithm — `none`, or HS256 with your *public* RSA key as the HMAC secret (algorithm
confusion). Reading claims unverified is fine only for routing (e.g. picking the issuer's
key), never for trusting them.

## Example
```python
claims = jwt.decode(token, options={"verify_signature": False})
claims = jwt.decode(token, key)
```

## Use instead
```python
claims = jwt.decode(token, key, algorithms=["RS256"], audience="my-api")
```
To look at the header before verifying, use `jwt.get_unverified_header(token)`.

## References
- [CWE-347: Improper Verification of Cryptographic Signature](https://cwe.mitre.org/data/definitions/347.html)
- [PyJWT: jwt.decode](https://pyjwt.readthedocs.io/en/stable/api.html#jwt.decode)
- [OWASP: JSON Web Token Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html)
"""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python._dispatch import CallRule
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, Rule
from landguard.languages import python_syntax as syntax

RULE = Rule(
    id="LG225",
    name="jwt-without-verification",
    title="JWT decoded without signature verification or algorithm allowlist",
    severity=Severity.ERROR,
    confidence=Confidence.HIGH,
    cwe=(347,),
    docs=__doc__,
    languages=py.PYTHON,
)

_DECODERS = frozenset({"jwt.decode", "jose.jwt.decode", "jwt.api_jwt.decode", "jwt.PyJWT.decode"})
_VERIFY_KEYS = frozenset({"verify_signature"})


class JwtWithoutVerificationCheck(CallRule):
    rule = RULE
    callee_names = frozenset({"decode"})

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        if name not in _DECODERS:
            return
        span = document.node_span(call)
        verify = syntax.keyword_arg(call, "verify")
        if verify is not None and syntax.is_false(verify):
            yield RULE.finding(span, "`jwt.decode(..., verify=False)` accepts tokens with any signature")
            return
        options = syntax.keyword_arg(call, "options")
        if options is not None and _disables_signature(options):
            yield RULE.finding(
                span, "`jwt.decode` with `verify_signature: False` trusts claims anyone can forge"
            )
            return
        if syntax.has_star_args(call):
            return  # the arguments are not visible here
        algorithms = syntax.keyword_arg(call, "algorithms")
        if (
            algorithms is None
            and len(syntax.positional_args(call)) < 3
            or (algorithms is not None and syntax.is_none(syntax.unparenthesize(algorithms)))
        ):
            yield RULE.finding(
                span,
                "`jwt.decode` without an `algorithms` allowlist lets the token choose its algorithm "
                "(`none`, or HS256 keyed with a public key)",
                confidence=Confidence.MEDIUM,
            )
            return
        if algorithms is not None and _allows_none(algorithms):
            yield RULE.finding(span, "`jwt.decode` allows the `none` algorithm: unsigned tokens pass")


def _disables_signature(options: Node) -> bool:
    options = syntax.unparenthesize(options)
    for _, key, value in syntax.dict_entries(options) or ():
        if syntax.literal_string_value(key) in _VERIFY_KEYS:
            return syntax.is_false(value)
    if syntax.is_call(options) and syntax.text(syntax.callee(options)) == "dict":
        for keyword in _VERIFY_KEYS:
            value = syntax.keyword_arg(options, keyword)
            if value is not None:
                return syntax.is_false(value)
    return False


def _allows_none(algorithms: Node) -> bool:
    algorithms = syntax.unparenthesize(algorithms)
    items = syntax.display_items(algorithms)
    candidates = items if items is not None else [algorithms]
    return any((syntax.literal_string_value(c) or "").lower() == "none" for c in candidates)


CHECK = JwtWithoutVerificationCheck()
