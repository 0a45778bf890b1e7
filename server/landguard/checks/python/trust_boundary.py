"""Trust boundary violation: web-request data stored in the session unchecked.

## What it does
Flags assignments into the session — Flask's `session[...] = ...`, Django's
`request.session[...] = ...` (and `session.key = ...`) — whose value is data from the web
request, as the dataflow core follows it (through variables, branches and same-file helpers).
Values converted with `int()`, checked against an allowlist (`if role in ("user", "admin")`) or
compared with a constant first are not flagged.

## Why is this bad?
Code that reads the session trusts it: it was written by the server. Storing a client's value
there unchecked moves it across that trust boundary, so a later `if session["role"] ==
"admin"` or a query built from a session value trusts what the client sent.

## Example
```python
session["role"] = request.form["role"]
```

## Use instead
```python
role = request.form["role"]
if role not in ("viewer", "editor"):
    abort(400)
session["role"] = role
```

## References
- [CWE-501: Trust Boundary Violation](https://cwe.mitre.org/data/definitions/501.html)
"""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python._dispatch import CallRule
from landguard.dataflow import ir
from landguard.dataflow.values import REQUEST, request_labels
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, Rule

RULE = Rule(
    id="LG233",
    name="trust-boundary-violation",
    title="Web-request data stored in the session unchecked",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(501,),
    docs=__doc__,
    languages=py.PYTHON,
)
KIND = "trust-boundary"
# What the Python adapter calls the session objects: Flask/Quart's proxy, Django's request.session.
_SESSIONS = frozenset(
    {"flask.session", "quart.session", "web.request.session", "django.http.HttpRequest.session"}
)


def _session_of(target: ir.Expr) -> bool:
    holder = target.obj if isinstance(target, (ir.Index, ir.Attr)) else None
    return isinstance(holder, (ir.Name, ir.Attr)) and holder.qualname in _SESSIONS


class TrustBoundaryCheck(CallRule):
    rule = RULE
    unit_markers = (b"session",)

    def check_unit(self, unit: Node, document: Document, context: CheckContext) -> Iterable[Finding]:
        dataflow = py.python_dataflow(unit, context)
        # Only request data is reported: the facts of the functions that can hold some.
        for facts in dataflow.facts_carrying(unit, REQUEST):
            for store in facts.stores:
                if store.target.node is None or not _session_of(store.target):
                    continue
                if not request_labels(store.value, KIND):
                    continue
                yield RULE.finding(
                    document.node_span(store.target.node),
                    "web-request data is stored in the session without a check; code that reads the "
                    "session will trust the client's value (validate it against an allowlist first)",
                )


CHECK = TrustBoundaryCheck()
