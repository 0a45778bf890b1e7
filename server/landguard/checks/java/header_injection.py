"""HTTP header injection: request data written into a response header.

## What it does
Flags request data that reaches a response header's value - ``response.setHeader``/
``addHeader`` (Servlet), Spring ``HttpHeaders.add``/``set`` (sinks of kind ``header`` in
``data/models/java*.toml``) - followed through the method and same-file helpers by the dataflow
core. A value with its line breaks replaced (``replaceAll("[\\r\\n]", "")``), URL-encoded
(``URLEncoder.encode``), parsed to a number or checked against an allow-list is not reported.
A ``Location`` header is an open redirect and is reported by LG414 instead.

## Why is this bad?
A CR/LF in a header value ends the header: the attacker adds headers of their own
(``Set-Cookie`` for session fixation) or a whole second response (response splitting, cache
poisoning). Recent servlet containers reject such values, but older ones, proxies and other
servers pass them on.

## Example
```java
response.setHeader("Content-Disposition", "attachment; filename=" + request.getParameter("name"));
```

## Use instead
```java
String name = request.getParameter("name").replaceAll("[\\r\\n]", "");
response.setHeader("Content-Disposition", "attachment; filename=" + URLEncoder.encode(name, UTF_8));
```

## References
- CWE-113: Improper Neutralization of CRLF Sequences in HTTP Headers ('HTTP Request/Response
  Splitting') (https://cwe.mitre.org/data/definitions/113.html)
"""

from __future__ import annotations

from landguard.checks.java._support import JavaTaintCheck, sink_arguments, strips_line_breaks
from landguard.dataflow.interpret import FunctionFacts, SinkHit, call_fact
from landguard.engine.findings import Confidence, Severity
from landguard.engine.registry import Rule

RULE = Rule(
    id="LG415",
    name="header-injection",
    title="Request data in a response header",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(113,),
    docs=__doc__,
    languages=frozenset({"java"}),
    aliases=("find_sec_bugs.HTTP_RESPONSE_SPLITTING",),
)


class HeaderInjectionCheck(JavaTaintCheck):
    rule = RULE
    kind = "header"
    request_only = True
    message = (
        "Request data{where} is written into a response header by {method}(); remove CR/LF from it first"
    )
    needles = (b"Header", b"header")  # Spring HttpHeaders: ``headers.add(...)``

    def reports(self, facts: FunctionFacts, hit: SinkHit) -> bool:
        fact = call_fact(facts, hit.call) if hit.via_helper is None else None
        name = fact.argument(0) if fact is not None else None
        if name is not None and isinstance(name.const, str) and name.const.lower() == "location":
            return False  # LG414
        return not all(strips_line_breaks(facts, expr, self.kind) for expr in sink_arguments(hit))


CHECK = HeaderInjectionCheck()
