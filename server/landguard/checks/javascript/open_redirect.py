"""## What it does
Finds redirects to a URL taken from the request: `res.redirect(req.query.next)`, a
`Location` header set from request data (`res.setHeader`, `res.set`, `res.writeHead`), and
Next.js `redirect(...)` / `NextResponse.redirect(new URL(...))` with a request value. A
redirect whose target is checked in the same function (`next.startsWith('/')`, an allowlist
`includes`/`has`) is not reported.

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

import re
from collections.abc import Iterable

from landguard.checks.javascript import _support as js
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
_HEADER_SETTERS = ("setHeader", "set", "header")


class OpenRedirect(js.RuleCheck):
    rule = RULE
    uses_imports = False

    def check_node(self, node, document, context) -> Iterable[Finding]:
        index = js.unit_index(node, document, context)
        for _name, call in index.calls_named("redirect"):
            args = js.arguments_of(call)
            if args:
                yield from self._check(document, context, call, args[-1], "redirect()")
        for _name, call in index.calls_named(*_HEADER_SETTERS):
            args = js.arguments_of(call)
            if len(args) == 2 and (js.string_value(document, js.unwrap(args[0])) or "").lower() == "location":
                yield from self._check(document, context, call, args[1], "Location header")
        for _name, call in index.calls_named("writeHead"):
            for argument in js.arguments_of(call)[1:]:
                argument = js.unwrap(argument)
                if argument.type != "object":
                    continue
                for pair in argument.named_children:
                    if (
                        pair.type == "pair"
                        and js.text(document, pair.child_by_field_name("key")).strip("'\"").lower()
                        == "location"
                    ):
                        yield from self._check(
                            document, context, call, pair.child_by_field_name("value"), "Location header"
                        )

    def _check(self, document, context, call, target, what) -> Iterable[Finding]:
        target = js.unwrap(target)
        if (
            target.type == "new_expression"
            and js.text(document, target.child_by_field_name("constructor")) == "URL"
        ):
            url_args = js.arguments_of(target)
            target = js.unwrap(url_args[0]) if url_args else target
        if _fixed_destination(document, target):
            return
        info = js.value_of(document, context, target)
        if not info.tainted or info.sanitized:
            return
        if _validated(document, context, call, target):
            return
        yield RULE.finding(
            document.node_span(call),
            f"{what} to a URL from the request; check it is a local path or on an allowlist",
        )


def _fixed_destination(document, target) -> bool:
    """`/users/${id}` or `'https://app.example.com/' + path`: the constant start pins the host."""
    first = target
    while first.type == "binary_expression":
        first = js.unwrap(first.child_by_field_name("left"))
    if first.type == "template_string":
        fragments = [c for c in first.children if c.type != "`"]
        if not fragments or fragments[0].type != "string_fragment":
            return False
        prefix = js.text(document, fragments[0])
    else:
        prefix = js.string_value(document, first) or ""
    return bool(_PINNED_PREFIX.match(prefix))


_PINNED_PREFIX = re.compile(r"^(?:/[^/\\\\]|https?://[^/?#]+/)")


def _validated(document, context, call, target) -> bool:
    """Whether the enclosing function checks the target (startsWith('/'), allowlist includes/has, isSafe...)."""
    function = js.enclosing_function(call)
    if function is None:
        return False
    names = {js.text(document, target)}
    if target.type == "member_expression":
        names.add(js.text(document, target.child_by_field_name("property")))
    if target.type == "identifier":
        # const safe = raw.startsWith('/') ? raw : '/': the check is on the names the value was made from.
        for _kind, value in js.bindings_before(document, context, target):
            names.update(_IDENTIFIER.findall(js.text(document, value)))
    body = js.text(document, function)
    checked = (
        _starts_with_receivers(body) | set(_ALLOWLIST_CHECK.findall(body)) | set(_VALIDATOR.findall(body))
    )
    return not names.isdisjoint(checked)


# What the function checks: `x.startsWith(`, `ALLOWED.includes(x)`, `isSafeUrl(x` (precompiled, run once per call).
# `startsWith(` is found first and its receiver read backwards: `([\w$.]+)\s*\??\.\s*startsWith` as
# one regex is quadratic on a long run of name characters (minified code).
_STARTS_WITH = re.compile(r"\.\s*startsWith\s*\(")
_RECEIVER = re.compile(r"[\w$.]")


def _starts_with_receivers(body: str) -> set[str]:
    """The names before ``.startsWith(`` (``x`` in ``x.startsWith(``, ``a.b`` in ``a.b?.startsWith(``)."""
    receivers = set()
    for match in _STARTS_WITH.finditer(body):
        end = match.start()
        while end > 0 and body[end - 1].isspace():
            end -= 1
        if end > 0 and body[end - 1] == "?":
            end -= 1
        while end > 0 and body[end - 1].isspace():
            end -= 1
        start = end
        while start > 0 and _RECEIVER.match(body[start - 1]) and end - start < 200:
            start -= 1
        if start < end:
            receivers.add(body[start:end])
    return receivers


_ALLOWLIST_CHECK = re.compile(r"\.\s*(?:includes|has|test)\s*\(\s*([\w$.]+)\s*\)")
_VALIDATOR = re.compile(r"\b(?:isSafe|isValid|isAllowed|isLocal|isRelative)\w*\s*\(\s*([\w$.]+)")
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")


RULE_CHECK = OpenRedirect()
