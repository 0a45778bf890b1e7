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

from landguard.checks.python import _support as py
from landguard.checks.python import _web as web
from landguard.engine.findings import Confidence, Severity
from landguard.engine.registry import Rule

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
CHECK = web.CookieFlagRule(RULE, "secure")
