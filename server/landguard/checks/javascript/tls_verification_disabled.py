"""## What it does
Finds TLS certificate verification turned off: `rejectUnauthorized: false` (https, tls,
axios agents, database drivers), `strictSSL: false` (request), and setting the environment
variable `NODE_TLS_REJECT_UNAUTHORIZED` to `'0'`, which disables verification for every
connection the process makes.

## Why is this bad?
Without verification anyone on the network path (public Wi-Fi, a compromised router, a
proxy) can present their own certificate and read or change the traffic, credentials included.

## Example
```js
const agent = new https.Agent({ rejectUnauthorized: false });
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
```

## Use instead
```js
const agent = new https.Agent({ ca: fs.readFileSync('internal-ca.pem') });
```
Trust the private CA instead of trusting everyone. The quick fix turns verification back on.

## References
- CWE-295: Improper Certificate Validation, https://cwe.mitre.org/data/definitions/295.html
"""

from __future__ import annotations

from collections.abc import Iterable

from landguard.checks.javascript import _support as js
from landguard.engine.findings import Confidence, Finding, Fix, Severity, TextEdit
from landguard.engine.registry import Rule
from landguard.languages import javascript_syntax as syntax

RULE = Rule(
    id="LG305",
    name="tls-verification-disabled",
    title="TLS certificate verification is disabled",
    severity=Severity.ERROR,
    confidence=Confidence.HIGH,
    cwe=(295,),
    docs=__doc__ or "",
    languages=js.LANGUAGES,
)
_FALSY = frozenset({"false", "0", "'0'", '"0"', "!1"})
_TLS_ENV = "NODE_TLS_REJECT_UNAUTHORIZED"


class TlsVerificationDisabled(js.JavaScriptRule):
    rule = RULE
    reads = frozenset({js.INDEX})
    uses_imports = False

    def check_unit(self, node, document, context) -> Iterable[Finding]:
        index = js.unit_index(node, document, context)
        for key in ("rejectUnauthorized", "strictSSL"):
            for pair in index.pairs.get(key, ()):
                value = syntax.pair_parts(pair)[1]
                if value is None or js.text(document, value) not in _FALSY:
                    continue
                fix = Fix(
                    "Turn certificate verification back on", (TextEdit(document.node_span(value), "true"),)
                )
                yield RULE.finding(
                    document.node_span(pair),
                    f"{key}: {js.text(document, value)} accepts any certificate, so connections can be intercepted",
                    fixes=[fix],
                )
        for assignment in index.assignments.get(_TLS_ENV, ()):
            yield from self._env_assignment(document, assignment)
        for assignment in index.subscript_assignments:
            left = syntax.sides(assignment)[0]
            index_node = syntax.subscript_index(left) if left is not None else None
            if index_node is not None and js.string_value(document, index_node) == _TLS_ENV:
                yield from self._env_assignment(document, assignment)

    def _env_assignment(self, document, assignment) -> Iterable[Finding]:
        if not syntax.is_plain_assignment(assignment):
            return
        value = syntax.sides(assignment)[1]
        if value is None or js.text(document, value) not in _FALSY:
            return
        fixes = []
        statement = assignment.parent
        if syntax.is_expression_statement(statement) and syntax.in_statement_list(statement):
            fixes.append(Fix("Remove this line", (TextEdit(document.node_span(statement), ""),)))
        yield RULE.finding(
            document.node_span(assignment),
            f"{_TLS_ENV}=0 disables certificate verification for every TLS connection of the process",
            fixes=fixes,
        )


CHECK = TlsVerificationDisabled()
