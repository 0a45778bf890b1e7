"""## What it does
Finds redirects to a URL taken from the request: `res.redirect(req.query.next)`, Koa's
`ctx.redirect`, a `Location` header set from request data (`res.setHeader`, `res.set`,
`res.writeHead`), and Next.js `redirect(...)` / `NextResponse.redirect(new URL(...))` with a
request value, followed through variables, branches and destructuring. A target that starts
with a constant local path or host (`` `/users/${id}` ``), a URL component
(`encodeURIComponent`), and a target checked on the way (`next.startsWith('/')`, an allowlist
`includes`/`has`) are not reported.

## Why is this bad?
A link to your own domain that bounces to an attacker's site
(`https://app.example.com/login?next=https://evil.example`) is the perfect phishing bait: the
victim sees a trusted domain, then lands on a look-alike login page.

## Example
```js
res.redirect(req.query.returnTo);
```

## Use instead
```js
const target = req.query.returnTo;
res.redirect(typeof target === 'string' && target.startsWith('/') && !target.startsWith('//') ? target : '/');
```

## References
- CWE-601: URL Redirection to Untrusted Site ('Open Redirect'), https://cwe.mitre.org/data/definitions/601.html
"""

from __future__ import annotations

from collections.abc import Iterable

from landguard.checks.javascript import _flow as flow
from landguard.checks.javascript import _support as js
from landguard.dataflow import ir
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import Rule

RULE = Rule(
    id="LG309",
    name="open-redirect",
    title="Redirect to a URL taken from the request",
    severity=Severity.WARNING,
    confidence=Confidence.HIGH,
    cwe=(601,),
    docs=__doc__ or "",
    languages=js.LANGUAGES,
)
_HEADER_SETTERS = frozenset({"setHeader", "set", "header"})


class OpenRedirect(js.JavaScriptRule):
    rule = RULE
    reads = frozenset({js.FACTS})

    def check_unit(self, node, document, context) -> Iterable[Finding]:
        for facts in flow.unit_facts(node, document, context):
            for hit, _labels in flow.hits(facts, ("redirect",), parameters=False, direct_only=True):
                if hit.via_helper is not None:
                    yield self._finding(document, hit.call.node, f"{hit.via_helper}() redirects")
                    continue
                if hit.call.args and self._target_is_request(facts, hit.call.args[-1]):
                    yield self._finding(document, hit.call.node, "redirect()")
            for fact in facts.calls:
                if fact.call.method in _HEADER_SETTERS and len(fact.args) == 2:
                    name = fact.args[0].const if fact.args[0].is_const else None
                    if isinstance(name, str) and name.lower() == "location":
                        if self._target_is_request(facts, fact.call.args[1]):
                            yield self._finding(document, fact.call.node, "Location header")
                elif fact.call.method == "writeHead":
                    yield from self._write_head(document, facts, fact)

    def _write_head(self, document, facts, fact) -> Iterable[Finding]:
        for expr, value in zip(fact.call.args[1:], fact.args[1:], strict=False):
            if not isinstance(expr, ir.MapLit):
                continue
            for key, entry_expr in expr.entries:
                if isinstance(key, ir.Lit) and isinstance(key.value, str) and key.value.lower() == "location":
                    entry = value.entry(key.value)
                    if (
                        entry is not None
                        and flow.request_labels(entry, "redirect", direct_only=True)
                        and not self._pinned(facts, entry_expr)
                    ):
                        yield self._finding(document, fact.call.node, "Location header")

    def _target_is_request(self, facts, target: ir.Expr) -> bool:
        """Whether the redirect target carries request data and does not start with a pinned prefix."""
        if isinstance(target, ir.Call) and target.is_new and target.callee == "URL" and target.args:
            # new URL(target, base): where it points is decided by the target unless it is absolute-path.
            fact = flow.call_fact(facts, target)
            if fact is None or not fact.args:
                return False
            target, value = target.args[0], fact.args[0]
        else:
            fact = None
            value = self._value(facts, target)
        if value is None or not flow.request_labels(value, "redirect", direct_only=True):
            return False
        return not self._pinned(facts, target)

    def _value(self, facts, target: ir.Expr):
        for fact in facts.calls:
            if fact.args and fact.call.args and fact.call.args[-1] is target:
                return fact.args[-1]
            if len(fact.args) > 1 and fact.call.args[1] is target:
                return fact.args[1]
        return None

    def _pinned(self, facts, target: ir.Expr) -> bool:
        return flow.pinned_destination(facts, target)

    def _finding(self, document, call, what) -> Finding:
        return RULE.finding(
            document.node_span(call),
            f"{what} to a URL from the request; check it is a local path or on an allowlist",
        )


CHECK = OpenRedirect()
