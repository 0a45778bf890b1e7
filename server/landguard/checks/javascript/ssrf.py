"""## What it does
Finds server-side requests to a URL taken from the request: `fetch`, `node-fetch`, `undici`,
`axios` (also `axios({ url })`), `got`, `request`, `superagent`, `http(s).get` /
`http(s).request`, and headless browsers' `page.goto`, when the URL comes from an Express,
Koa or Next.js request — followed through variables, branches, objects, destructuring and
same-file helpers. A URL that starts with a constant scheme and host
(`` `https://api.example.com/users/${id}` ``), a URL component (`encodeURIComponent`), and a
URL checked against an allowlist on the way (`ALLOWED.includes(url)`) are not reported.

## Why is this bad?
The server makes the request with its own network position and credentials. An attacker
who picks the URL reaches internal services (`http://localhost:6379`, admin panels), cloud
metadata endpoints (`http://169.254.169.254/` hands out instance credentials) and private
networks the internet cannot see.

## Example
```js
app.get('/preview', async (req, res) => {
  const page = await fetch(req.query.url);
  res.send(await page.text());
});
```

## Use instead
```js
const ALLOWED_HOSTS = new Set(['images.example.com']);
app.get('/preview', async (req, res) => {
  const url = new URL(req.query.url);
  if (url.protocol !== 'https:' || !ALLOWED_HOSTS.has(url.hostname)) return res.sendStatus(400);
  const page = await fetch(url);
  res.send(await page.text());
});
```

## References
- CWE-918: Server-Side Request Forgery (SSRF), https://cwe.mitre.org/data/definitions/918.html
- OWASP Server-Side Request Forgery Prevention Cheat Sheet
"""

from __future__ import annotations

from collections.abc import Iterable

from landguard.checks.javascript import _flow as flow
from landguard.checks.javascript import _support as js
from landguard.dataflow import ir
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import Rule

RULE = Rule(
    id="LG317",
    name="ssrf",
    title="Server-side request to a URL taken from the request",
    severity=Severity.ERROR,
    confidence=Confidence.HIGH,
    cwe=(918,),
    docs=__doc__ or "",
    languages=js.LANGUAGES,
)
# Request data of web handlers (the page's own URL in a browser is not a server-side request).
_SERVER_SOURCES = ("express.", "koa.", "fetch.")
_MESSAGE = "a URL from the request; check its host against an allowlist"


class Ssrf(js.JavaScriptTaintRule):
    rule = RULE
    kinds = ("ssrf",)
    direct_only = True
    helper_message = "{helper}() requests " + _MESSAGE

    def reports(self, hit, labels) -> bool:
        return any(label.source.startswith(_SERVER_SOURCES) for label in labels)

    def check_hit(self, facts, hit, labels, document, context) -> Iterable[Finding]:
        target = hit.call.args[0] if hit.call.args else None
        if target is not None and not _pinned(facts, target):
            what = hit.call.callee or hit.call.method
            yield RULE.finding(document.node_span(hit.call.node), f"{what}() requests {_MESSAGE}")


def _pinned(facts, target: ir.Expr) -> bool:
    if isinstance(target, ir.MapLit):  # axios({ url: ... })
        url = next(
            (v for k, v in target.entries if isinstance(k, ir.Lit) and k.value in ("url", "baseURL")), None
        )
        return url is not None and flow.pinned_destination(facts, url)
    return flow.pinned_destination(facts, target)


CHECK = Ssrf()
