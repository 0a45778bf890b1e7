"""Server-side request forgery: the server fetches a URL taken from a web request.

## What it does
Flags HTTP client calls — `requests.get/post/…/request`, `httpx`, `urllib.request.urlopen`,
`urllib3`'s `PoolManager().request`, `aiohttp` sessions — whose URL comes from a web request
(Flask `request.args/form/json…`, Django `request.GET/POST…`, route-handler parameters),
directly or through variables and string building. A function that parses the URL and checks
its host (`urlparse(url).hostname in ALLOWED_HOSTS`) is not flagged.

## Why is this bad?
The server sends the request from inside your network: the client makes it fetch
`http://169.254.169.254/` (cloud credentials), `http://localhost:6379/` or an internal admin
page, and often reads the answer back. Building the URL as `f"https://{host}/api"` with an
attacker's `host` is the same problem.

## Example
```python
@app.route("/preview")
def preview():
    return requests.get(request.args["url"], timeout=5).text
```

## Use instead
```python
ALLOWED_HOSTS = {"images.example.com"}

@app.route("/preview")
def preview():
    url = request.args["url"]
    parsed = urlparse(url)
    if parsed.scheme != "https" or parsed.hostname not in ALLOWED_HOSTS:
        abort(400)
    return requests.get(url, timeout=5).text
```

## References
- [CWE-918: Server-Side Request Forgery (SSRF)](https://cwe.mitre.org/data/definitions/918.html)
- [OWASP: SSRF Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html)
"""

from __future__ import annotations

import re

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python import _web as web
from landguard.dataflow.models import Models
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import Rule

RULE = Rule(
    id="LG221",
    name="server-side-request-forgery",
    title="URL from a web request fetched by the server",
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    cwe=(918,),
    docs=__doc__,
    languages=py.PYTHON,
)

_VERBS = ("get", "post", "put", "patch", "delete", "head", "options")
_URL_FIRST = (0, "url")
# Methods of client objects (`session.get(url)`, `client.post(url)`, `http.request("GET", url)`).
_CLIENT_METHODS = {**{verb: _URL_FIRST for verb in _VERBS}, "request": (1, "url"), "stream": (1, "url")}
_CLIENT_NAME = re.compile(r"(?:^|[._])(?:session|client|http|pool|pool_manager|requests_session|sess)$", re.I)
_WEB_FRAMEWORKS = frozenset({"flask", "django", "quart", "starlette", "fastapi", "?"})
_GUARD = re.compile(
    r"\.(?:hostname|netloc)\b|ALLOWED_HOSTS|ALLOWLIST|allowed_hosts|is_allowed_url|validate_url"
)


class SsrfCheck(web.RequestSinkRule):
    rule = RULE
    kind = "ssrf"
    callee_names = web.sink_names("ssrf") | frozenset(_CLIENT_METHODS)
    guard = _GUARD
    url_sink = True
    direct_only = True

    def sink_positions(self, name: str, call: Node, models: Models) -> list[tuple[int | None, str | None]]:
        positions = super().sink_positions(name, call, models)
        if positions:
            return positions
        base, _, method = name.rpartition(".")
        if method not in _CLIENT_METHODS or not base:
            return []
        # Unknown receivers only when their name says "HTTP client"; `flask.session.get` is a dict.
        if base.split(".", 1)[0] in _WEB_FRAMEWORKS or not _CLIENT_NAME.search(base):
            return []
        return [_CLIENT_METHODS[method]]

    def report(self, call: Node, name: str, value: Node, document: Document) -> Finding:
        return RULE.finding(
            document.node_span(call),
            f"`{name.rsplit('.', 1)[-1]}` fetches a URL from the web request; the client can make the server "
            "reach internal services (check the scheme and host against an allowlist)",
            confidence=Confidence.HIGH,
        )


CHECK = SsrfCheck()
