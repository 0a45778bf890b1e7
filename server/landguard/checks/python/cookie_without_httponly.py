"""Credential cookie set without the HttpOnly flag.

## What it does
Flags `response.set_cookie(...)` / `set_signed_cookie(...)` (Flask, Werkzeug, Django, Starlette,
FastAPI) for a cookie whose name says it holds a credential or a session (`session`, `token`,
`auth`, `jwt`, `sid`, `remember`, `csrf` …) when `httponly=True` is missing or `httponly=False` is
passed. Cookies with other names (a theme, a language) are left alone. The quick fix sets
`httponly=True`.

## Why is this bad?
Without `HttpOnly` any script on the page can read the cookie: one XSS bug, or one compromised third-party script, sends the session or token to an attacker.

## Example
```python
response.set_cookie("session_id", session_id)
```

## Use instead
```python
response.set_cookie("session_id", session_id, secure=True, httponly=True, samesite="Lax")
```

## References
- [CWE-1004](https://cwe.mitre.org/data/definitions/1004.html)
- [OWASP: Session Management Cheat Sheet, cookies](https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#cookies)
"""

from __future__ import annotations

from landguard.checks.python import _support as py
from landguard.checks.python import _web as web
from landguard.engine.findings import Confidence, Severity
from landguard.engine.registry import Rule

RULE = Rule(
    id="LG235",
    name="cookie-without-httponly",
    title="Credential cookie set without the HttpOnly flag",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(1004,),
    docs=__doc__,
    languages=py.PYTHON,
)
CHECK = web.CookieFlagRule(RULE, "httponly")
