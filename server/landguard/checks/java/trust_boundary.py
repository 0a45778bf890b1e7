"""Trust boundary violation: request data stored in the HTTP session.

## What it does
Flags ``session.setAttribute(name, value)`` / ``putValue`` (on an ``HttpSession``, or on
``request.getSession()``) when the name or the value comes from the HTTP request in the same
method (``request.getParameter``, ``getHeader``, ``@RequestParam`` ...), unvalidated. A value
stored inside an ``if`` whose condition checks it (a login that verified the credentials) is
taken as validated.

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
from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.java._support import (
    JavaCheck,
    call_args,
    call_name,
    call_object,
    matches,
    method_scope,
    node_text,
    receiver_is,
    unwrap,
)
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, Rule

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

_CALLS = '(method_invocation name: (identifier) @m (#any-of? @m "setAttribute" "putValue")) @call'


class TrustBoundaryCheck(JavaCheck):
    rules = (RULE,)
    needles = (b"setAttribute", b"putValue")
    also_needles = (b"ession",)  # session / HttpSession / getSession

    def check_unit(self, unit: Node, document, context: CheckContext) -> Iterable[Finding]:
        for _pattern, captures in matches(_CALLS, unit):
            call = captures["call"][0]
            args = call_args(call)
            if len(args) != 2:
                continue
            obj = unwrap(call_object(call))
            if obj is None or (obj.type == "method_invocation" and call_name(document, obj) != "getSession"):
                continue
            scope = method_scope(unit, document, context)
            if not self._is_session(document, scope, obj):
                continue
            tainted = [arg for arg in args if scope.is_tainted(arg)]
            if tainted and not all(self._checked_before(document, call, arg) for arg in tainted):
                yield RULE.finding(
                    document.node_span(call),
                    "Unvalidated request data is stored in the session, where later code trusts it",
                )

    @staticmethod
    def _checked_before(document, call: Node, value: Node) -> bool:
        """Inside ``if (<condition using the value>)``: validated (e.g. the credentials were checked)."""
        value = unwrap(value)
        if value is None or value.type != "identifier":
            return False
        name = node_text(document, value)
        current = call.parent
        while current is not None and current.type not in ("method_declaration", "constructor_declaration"):
            if current.type == "if_statement":
                condition = node_text(document, current.child_by_field_name("condition"))
                if re.search(rf"\b{re.escape(name)}\b", condition):
                    return True
            current = current.parent
        return False

    @staticmethod
    def _is_session(document, scope, obj: Node | None) -> bool:
        obj = unwrap(obj)
        if obj is None:
            return False
        if obj.type == "method_invocation":
            return call_name(document, obj) == "getSession"
        return receiver_is(scope, obj, _is_session_type, _is_session_name)


def _is_session_type(type_name: str) -> bool:
    return type_name == "HttpSession"


def _is_session_name(lowered: str) -> bool:
    return "session" in lowered


CHECK = TrustBoundaryCheck()
