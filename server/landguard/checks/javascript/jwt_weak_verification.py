"""## What it does
Finds JSON Web Tokens accepted without a real signature check: `algorithms: ['none']` (or
`algorithm: 'none'`) in `jsonwebtoken` options, and `jwt.decode(...)` from `jsonwebtoken` in
a function that never calls `jwt.verify(...)`, i.e. claims read from a token nobody verified.

## Why is this bad?
`decode` only base64-decodes: anyone can write a token saying `{"role":"admin"}`. Allowing
the `none` algorithm lets an attacker strip the signature altogether.

## Example
```js
const user = jwt.decode(req.headers.authorization.split(' ')[1]);
if (user.role === 'admin') { ... }
```

## Use instead
```js
const user = jwt.verify(token, process.env.JWT_SECRET, { algorithms: ['HS256'] });
```

## References
- CWE-347: Improper Verification of Cryptographic Signature, https://cwe.mitre.org/data/definitions/347.html
- CWE-327: Use of a Broken or Risky Cryptographic Algorithm, https://cwe.mitre.org/data/definitions/327.html
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from landguard.checks.javascript import _support as js
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import Rule
from landguard.languages import javascript_syntax as syntax

RULE = Rule(
    id="LG314",
    name="jwt-weak-verification",
    title="JWT accepted without signature verification",
    severity=Severity.ERROR,
    confidence=Confidence.HIGH,
    cwe=(347, 327),
    docs=__doc__ or "",
    languages=js.LANGUAGES,
)
_DECODE = frozenset({"jsonwebtoken.decode"})
_VERIFY_CALL = re.compile(r"\bverify\s*\(|\bjwtVerify\s*\(")


class JwtWeakVerification(js.JavaScriptRule):
    rule = RULE
    reads = frozenset({js.INDEX})

    def check_unit(self, node, document, context) -> Iterable[Finding]:
        index = js.unit_index(node, document, context)
        for key in ("algorithms", "algorithm"):
            for pair in index.pairs.get(key, ()):
                value = js.unwrap(syntax.pair_parts(pair)[1])
                items = syntax.array_items(value)
                values = items if items is not None else [value]
                if any((js.string_value(document, v) or "").lower() == "none" for v in values):
                    yield RULE.finding(
                        document.node_span(pair),
                        "The 'none' algorithm accepts unsigned tokens; list the algorithm you sign with (e.g. HS256)",
                    )
        for _qualified, call in js.calls_to(index, document, context, _DECODE):
            function = js.enclosing_function(call) or node
            if _VERIFY_CALL.search(js.text(document, function)):
                continue
            yield RULE.finding(
                document.node_span(call),
                "jwt.decode() does not check the signature; use jwt.verify() before trusting the claims",
                confidence=Confidence.MEDIUM,
            )


CHECK = JwtWeakVerification()
