"""Credential cookie set without the Secure flag.

## What it does
Flags `response.set_cookie(...)` / `set_signed_cookie(...)` (Flask, Werkzeug, Django, Starlette,
FastAPI) for a cookie whose name says it holds a credential or a session (`session`, `token`,
`auth`, `jwt`, `sid`, `remember`, `csrf` …) when `secure=True` is missing or `secure=False` is
passed. Cookies with other names (a theme, a language) are left alone. The quick fix sets
`secure=True`.

## Why is this bad?
Without `Secure` the browser also sends the cookie over plain HTTP: anyone on the network path (a café's Wi-Fi, a proxy) reads the session or token and replays it.

## Example
```python
response.set_cookie("session_id", session_id)
```

## Use instead
```python
response.set_cookie("session_id", session_id, secure=True, httponly=True, samesite="Lax")
```

## References
- [CWE-614](https://cwe.mitre.org/data/definitions/614.html)
- [OWASP: Session Management Cheat Sheet, cookies](https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#cookies)
"""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python import _web as web
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, Rule

RULE = Rule(
    id="LG234",
    name="cookie-without-secure",
    title="Credential cookie set without the Secure flag",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(614,),
    docs=__doc__,
    languages=py.PYTHON,
)
FLAG = "secure"


class CookieFlagCheck(py.CallRule):
    rule = RULE
    callee_names = web.COOKIE_SETTERS

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        if "." not in name:
            return  # a bare function called set_cookie, not a response method
        cookie = web.sensitive_cookie_call(call)
        if cookie is None or py.has_star_args(call):
            return
        value = py.keyword_arg(call, FLAG)
        if value is not None and not py.is_false(value):
            return
        fix = web.cookie_flag_fix(call, document, FLAG)
        yield RULE.finding(
            document.node_span(call),
            f"cookie `{cookie}` is set without {FLAG}=True",
            fixes=[fix] if fix is not None else [],
        )


HANDLER = CookieFlagCheck()
