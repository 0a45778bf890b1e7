"""## What it does
Finds CORS set up to let any site make credentialed requests: a `cors({...})` / options
object with `credentials: true` and `origin: '*'`, `origin: true` or the request's own
`Origin` header, and handlers that set `Access-Control-Allow-Credentials: true` together
with `Access-Control-Allow-Origin` of `*` or the reflected request origin.

## Why is this bad?
With credentials allowed, a page on any site the user visits can call your API with the
user's cookies and read the responses: account data, CSRF tokens, everything. (`'*'` with
credentials is rejected by browsers, which usually leads to "fixing" it by reflecting the
origin, which is the exploitable form.)

## Example
```js
app.use(cors({ origin: true, credentials: true }));
```

## Use instead
```js
app.use(cors({ origin: ['https://app.example.com'], credentials: true }));
```

## References
- CWE-942: Permissive Cross-domain Policy with Untrusted Domains, https://cwe.mitre.org/data/definitions/942.html
"""

from __future__ import annotations

from collections.abc import Iterable

from landguard.checks.javascript import _flow as flow
from landguard.checks.javascript import _support as js
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import Rule
from landguard.languages import javascript_syntax as syntax

RULE = Rule(
    id="LG315",
    name="permissive-cors",
    title="CORS allows credentials from any origin",
    severity=Severity.WARNING,
    confidence=Confidence.HIGH,
    cwe=(942,),
    docs=__doc__ or "",
    languages=js.LANGUAGES,
)
_ALLOW_ORIGIN = "access-control-allow-origin"
_ALLOW_CREDENTIALS = "access-control-allow-credentials"


class PermissiveCors(js.JavaScriptRule):
    rule = RULE
    reads = frozenset({js.INDEX})
    uses_imports = False

    def check_unit(self, node, document, context) -> Iterable[Finding]:
        index = js.unit_index(node, document, context)
        for pair in index.pairs.get("credentials", ()):
            if js.text(document, syntax.pair_parts(pair)[1]) != "true" or pair.parent is None:
                continue
            for sibling in syntax.object_pairs(pair.parent):
                key, origin = syntax.pair_parts(sibling)
                if js.text(document, key).strip("'\"") != "origin":
                    continue
                verdict = _any_origin(
                    document,
                    origin,
                    _from_request(pair, node, document, context),
                )
                if verdict:
                    yield RULE.finding(
                        document.node_span(sibling),
                        f"origin {verdict} with credentials: true lets any website read responses with the user's cookies",
                        confidence=Confidence.MEDIUM if verdict == "'*'" else None,
                    )
        origin_calls, credentials = [], False
        for _name, call in index.calls_named("setHeader", "header", "set"):
            args = js.arguments_of(call)
            if len(args) != 2:
                continue
            header = (js.string_value(document, js.unwrap(args[0])) or "").lower()
            if header == _ALLOW_CREDENTIALS and js.text(document, args[1]).strip("'\"") == "true":
                credentials = True
            elif header == _ALLOW_ORIGIN:
                fact = flow.fact_in_unit(node, document, context, call)
                request = (
                    fact is not None
                    and len(fact.args) == 2
                    and bool(flow.request_labels(fact.args[1], "cors"))
                )
                verdict = _any_origin(document, args[1], request)
                if verdict:
                    origin_calls.append((call, verdict))
        if credentials:
            for call, verdict in origin_calls:
                yield RULE.finding(
                    document.node_span(call),
                    f"Access-Control-Allow-Origin {verdict} with Allow-Credentials: true lets any website read "
                    "responses with the user's cookies",
                    confidence=Confidence.MEDIUM if verdict == "'*'" else None,
                )


def _from_request(pair, unit, document, context) -> bool:
    """Whether the options object's ``origin`` holds request data (the object is a call's argument)."""
    options = pair.parent
    arguments = options.parent if options is not None else None
    call = arguments.parent if syntax.is_argument_list(arguments) else None
    fact = flow.fact_in_unit(unit, document, context, call) if call is not None else None
    if fact is None:
        return False
    for argument in fact.args:
        entry = argument.entry("origin")
        if entry is not None and flow.request_labels(entry, "cors"):
            return True
    return False


def _any_origin(document, value, from_request: bool) -> str | None:
    if value is None:
        return None
    value = js.unwrap(value)
    if js.string_value(document, value) == "*":
        return "'*'"
    if syntax.is_true(value):
        return "true (reflect any origin)"
    if from_request:
        return "copied from the request"
    return None


CHECK = PermissiveCors()
