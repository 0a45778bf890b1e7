"""Trust boundary violation: request data stored in the HTTP session.

## What it does
Flags ``session.setAttribute(name, value)`` / ``putValue`` (on an ``HttpSession``, or on
``request.getSession()``; sinks of kind ``trust-boundary`` in ``data/models/java.toml``) when
request data (``request.getParameter``, ``getHeader``, ``@RequestParam`` ...) reaches the name or
the value, followed through the method and same-file helpers by the dataflow core. A value
parsed to a number or checked against an allow-list on the way, or stored inside an ``if``
whose condition checks it (a login that verified the credentials), is taken as validated.

## Why is this bad?
Code reading the session trusts what it finds there: it was put there by the server. Mixing
raw request data into it lets an attacker plant values (a role, a user id, a redirect
target) that later code treats as verified.

## Example
```java
request.getSession().setAttribute("role", request.getParameter("role"));
```

## Use instead
Validate the value first (an allow-list, a lookup of the real record) and store the
validated result, or keep request data in request scope only.

## References
- CWE-501: Trust Boundary Violation (https://cwe.mitre.org/data/definitions/501.html)
"""

from __future__ import annotations

import re

from landguard.checks.java._support import JavaTaintCheck
from landguard.dataflow import ir
from landguard.dataflow.interpret import FunctionFacts, SinkHit
from landguard.engine.findings import Confidence, Severity
from landguard.engine.registry import Rule
from landguard.languages.java_syntax import (
    if_condition,
    is_if,
    is_method_or_constructor,
    node_text,
)

RULE = Rule(
    id="LG412",
    name="trust-boundary-violation",
    title="Request data stored in the session",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(501,),
    docs=__doc__,
    languages=frozenset({"java"}),
    aliases=("find_sec_bugs.TRUST_BOUNDARY_VIOLATION",),
)


class TrustBoundaryCheck(JavaTaintCheck):
    rule = RULE
    kind = "trust-boundary"
    request_only = True
    message = "Unvalidated {what} is stored in the session{where}, where later code trusts it"
    needles = (b"setAttribute", b"putValue")

    def check_unit(self, unit, document, context):
        self._document = document
        return super().check_unit(unit, document, context)

    def reports(self, facts: FunctionFacts, hit: SinkHit) -> bool:
        fact = next((f for f in facts.calls if f.call is hit.call), None)
        if fact is None or hit.via_helper is not None:
            return True
        tainted = [
            arg for arg, value in zip(hit.call.args, fact.args, strict=False) if value.labels_for(self.kind)
        ]
        return not all(_checked_before(self._document, hit.call, arg) for arg in tainted)


def _checked_before(document, call: ir.Call, value: ir.Expr) -> bool:
    """Inside ``if (<condition using the value>)``: validated (e.g. the credentials were checked)."""
    if not isinstance(value, ir.Name) or call.node is None:
        return False
    pattern = re.compile(rf"\b{re.escape(value.name)}\b")
    current = call.node.parent
    while current is not None and not is_method_or_constructor(current):
        if is_if(current):
            if pattern.search(node_text(document, if_condition(current))):
                return True
        current = current.parent
    return False


CHECK = TrustBoundaryCheck()
