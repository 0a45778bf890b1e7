"""Open redirect: a redirect to a URL taken from a web request, without checking its host.

## What it does
Flags Flask/Django `redirect()`, Django's `HttpResponseRedirect` and
`HttpResponsePermanentRedirect`, and Starlette/FastAPI's `RedirectResponse` whose target comes
from a web request (`request.args.get("next")`, `request.GET["next"]`, route parameters). A
target built with `url_for`/`reverse`, or a function that checks the URL with
`url_has_allowed_host_and_scheme` (Django), `is_safe_url`, or a `urlparse(...).netloc`
comparison, is not flagged.

## Why is this bad?
`https://yourbank.example/login?next=https://evil.example/` looks like your site in a phishing
mail, and after login sends the user to the attacker's copy of it. Checking only
`startswith("/")` is not enough: `//evil.example` is an absolute URL.

## Example
```python
@app.route("/login", methods=["POST"])
def login():
    ...
    return redirect(request.args.get("next", "/"))
```

## Use instead
```python
from django.utils.http import url_has_allowed_host_and_scheme

def login_view(request):
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)
```

## References
- [CWE-601: URL Redirection to Untrusted Site ('Open Redirect')](https://cwe.mitre.org/data/definitions/601.html)
- [OWASP: Unvalidated Redirects and Forwards Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html)
"""

from __future__ import annotations

import re

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python import _web as web
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import Rule

RULE = Rule(
    id="LG223",
    name="open-redirect",
    title="Redirect to a URL from a web request without checking its host",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(601,),
    docs=__doc__,
    languages=py.PYTHON,
)

_GUARD = re.compile(r"url_has_allowed_host_and_scheme|is_safe_url|is_safe_redirect|\.netloc\b|\.hostname\b")


class OpenRedirectCheck(web.RequestSinkRule):
    rule = RULE
    kind = "redirect"
    callee_names = web.sink_names("redirect")
    guard = _GUARD
    url_sink = True
    direct_only = True

    def report(self, call: Node, name: str, value: Node, document: Document) -> Finding:
        return RULE.finding(
            document.node_span(call),
            f"`{name.rsplit('.', 1)[-1]}` sends the user to a URL from the web request; check it with "
            "url_has_allowed_host_and_scheme (or compare urlparse(url).netloc) first",
            confidence=Confidence.HIGH,
        )


CHECK = OpenRedirectCheck()
