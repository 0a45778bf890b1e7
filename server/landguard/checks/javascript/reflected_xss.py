"""## What it does
Finds request data written into an HTTP response as HTML: `res.send(...)`, `res.write(...)`
or `res.end(...)` (also after `res.status(200)`) with a value from `req.query`, `req.params`,
`req.body`, headers or cookies, followed through variables, branches, loops, arrays, objects
and same-file helpers. `res.json(...)`, numbers and values passed through an HTML escaper
(`escape-html`, `he`, `validator.escape`, DOMPurify ...) are fine; other sanitizers
(`path.basename`) are not.

## Why is this bad?
Express sends strings as `text/html`. A link such as `/hello?name=<script>…</script>` makes
the page run the attacker's script in the victim's session (reflected XSS).

## Example
```js
res.send(`<h1>Hello ${req.query.name}</h1>`);
```

## Use instead
```js
res.send(`<h1>Hello ${escapeHtml(req.query.name)}</h1>`);
// or render with a template engine that escapes by default, or res.json(...)
```

The quick fix wraps the request values in `escapeHtml(...)` when `escape-html` is imported.

## References
- CWE-79: Improper Neutralization of Input During Web Page Generation, https://cwe.mitre.org/data/definitions/79.html
"""

from __future__ import annotations

from collections.abc import Iterable

from landguard.checks.javascript import _flow as flow
from landguard.checks.javascript import _support as js
from landguard.engine.findings import Confidence, Finding, Fix, Severity, TextEdit
from landguard.engine.registry import Rule
from landguard.languages import javascript_syntax as syntax

RULE = Rule(
    id="LG310",
    name="reflected-xss",
    title="Request data written into an HTML response",
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    cwe=(79,),
    docs=__doc__ or "",
    languages=js.LANGUAGES,
)


class ReflectedXss(js.JavaScriptTaintRule):
    rule = RULE
    kinds = ("xss",)
    helper_message = "{helper}() sends request data as HTML; escape it (escapeHtml) or send JSON"

    def check_hit(self, facts, hit, labels, document, context) -> Iterable[Finding]:
        call = hit.call.node
        args = js.arguments_of(call)
        if args and _sent_as_data(document, call, args[0]):
            return
        built = bool(hit.call.args) and flow.shape(facts, hit.call.args[0]).built
        fix = _escape_fix(document, context, args[0], labels, built) if args else None
        yield RULE.finding(
            document.node_span(call),
            f"res.{hit.call.method}() sends request data as HTML; escape it (escapeHtml) or send JSON",
            fixes=[fix] if fix else [],
            confidence=Confidence.HIGH if built else None,
        )


# Fastify's reply sends a string as text/plain unless the handler set an HTML content type.
_FASTIFY_REPLY = "reply"
_CONTENT_TYPE_SETTERS = frozenset({"type", "header", "headers", "contentType", "set"})


def _sent_as_data(document, call, argument) -> bool:
    """Whether the response cannot be HTML: an object or array literal (sent as JSON), or a
    Fastify ``reply.send(...)`` (text/plain for strings, JSON for objects) whose chain sets no
    HTML content type (``reply.type("text/html").send(...)`` is HTML)."""
    if syntax.is_object_or_array_literal(js.unwrap(argument)):
        return True  # Express and Fastify serialise object and array literals as JSON, whatever they hold
    links, start = syntax.method_chain(document, call)
    html = any(
        method in _CONTENT_TYPE_SETTERS and "html" in js.text(document, link).lower()
        for method, link in links
    )
    return start is not None and js.text(document, start) == _FASTIFY_REPLY and not html


def _escape_fix(document, context, argument, labels, built: bool):
    """Wrap each request value of the response text in the imported ``escape-html`` function."""
    escape = js.local_name_for(document, context, "escape-html", None)
    if escape is None:
        return None
    argument = js.unwrap(argument)
    parts = syntax.template_substitutions(argument)
    if parts is None and syntax.is_binary(argument):
        parts = js.flatten_plus(document, argument)
    if parts is None:
        if built:
            return None  # markup assembled elsewhere: escaping all of it would show the tags as text
        parts = [argument]
    tainted = [p for p in parts if flow.carries(p, labels)]
    if not tainted:
        return None
    edits = tuple(TextEdit(document.node_span(p), f"{escape}({js.text(document, p)})") for p in tainted)
    return Fix(f"Escape the request data with {escape}()", edits, preferred=True)


CHECK = ReflectedXss()
