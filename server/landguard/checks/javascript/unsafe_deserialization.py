"""## What it does
Finds deserialisers that can run code: `node-serialize`'s `unserialize`,
`serialize-to-js`'s `deserialize` and `funcster`'s `deepDeserialize`, given anything but a
constant.

## Why is this bad?
These libraries revive functions from their input by evaluating it. A cookie or body holding
`{"rce":"_$$ND_FUNC$$_function(){require('child_process').exec('id')}()"}` runs code on the
server the moment it is deserialised (CVE-2017-5941).

## Example
```js
const prefs = serialize.unserialize(req.cookies.prefs);
```

## Use instead
```js
const prefs = JSON.parse(req.cookies.prefs); // data only; validate the shape afterwards
```
The quick fix (not preferred: revived functions are lost, which is the point) uses `JSON.parse`.

## References
- CWE-502: Deserialization of Untrusted Data, https://cwe.mitre.org/data/definitions/502.html
"""

from __future__ import annotations

from collections.abc import Iterable

from landguard.checks.javascript import _flow as flow
from landguard.checks.javascript import _support as js
from landguard.engine.findings import Confidence, Finding, Fix, Severity, TextEdit
from landguard.engine.registry import Rule

RULE = Rule(
    id="LG313",
    name="unsafe-deserialization",
    title="Deserialiser that can run code",
    severity=Severity.ERROR,
    confidence=Confidence.HIGH,
    cwe=(502,),
    docs=__doc__ or "",
    languages=js.LANGUAGES,
)
_TARGETS = frozenset(
    {"node-serialize.unserialize", "serialize-to-js.deserialize", "funcster.deepDeserialize"}
)


class UnsafeDeserialization(js.JavaScriptRule):
    rule = RULE
    reads = frozenset({js.INDEX})

    def check_unit(self, node, document, context) -> Iterable[Finding]:
        index = js.unit_index(node, document, context)
        for qualified, call in js.calls_to(index, document, context, _TARGETS):
            args = js.arguments_of(call)
            fact = flow.fact_in_unit(node, document, context, call)
            if not args or fact is None or (fact.args and fact.args[0].is_const):
                continue  # dead code, or a constant
            fixes = []
            if len(args) == 1:
                replacement = f"JSON.parse({js.text(document, args[0])})"
                fixes.append(
                    Fix("Parse as JSON data instead", (TextEdit(document.node_span(call), replacement),))
                )
            module = qualified.rsplit(".", 1)[0]
            yield RULE.finding(
                document.node_span(call),
                f"{module} evaluates functions in its input; untrusted data runs code on the server",
                fixes=fixes,
            )


CHECK = UnsafeDeserialization()
