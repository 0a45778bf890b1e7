"""## What it does
Finds request data written into an HTTP response as HTML: `res.send(...)`, `res.write(...)`
or `res.end(...)` with a string built from `req.query`, `req.params`, `req.body`, headers or
cookies (directly or through local variables). `res.json(...)` and values passed through an
escaping function (`escapeHtml`, `encodeURIComponent`, `validator.escape` ...) are fine.

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

from landguard.checks.javascript import _support as js
from landguard.engine.findings import Confidence, Finding, Fix, Severity, TextEdit
from landguard.engine.registry import Rule

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
_RESPONSE_NAMES = frozenset({"res", "response", "reply", "resp"})


class ReflectedXss(js.RuleCheck):
    rule = RULE
    uses_imports = False

    def check_node(self, node, document, context) -> Iterable[Finding]:
        index = js.unit_index(node, document, context)
        for name, call in index.calls_named("send", "write", "end"):
            receiver = js.callee_object(call)
            if receiver is None or not _is_response(document, receiver):
                continue
            tainted = js.tainted_first_argument(document, context, call)
            if tainted is None:
                continue
            argument, info = tainted
            fix = _escape_fix(document, context, argument, info)
            yield RULE.finding(
                document.node_span(call),
                f"res.{name}() sends request data as HTML; escape it (escapeHtml) or send JSON",
                fixes=[fix] if fix else [],
                confidence=Confidence.HIGH if info.built else None,
            )


def _escape_fix(document, context, argument, info):
    """Wrap each request value in the imported ``escape-html`` function (``info`` is the argument's value)."""
    escape = js.local_name_for(document, context, "escape-html", None)
    if escape is None:
        return None
    argument = js.unwrap(argument)
    if argument.type == "template_string":
        parts = [c.named_children[0] for c in argument.named_children if c.type == "template_substitution"]
    elif argument.type == "binary_expression":
        parts = js.flatten_plus(document, argument)
    elif info.built:
        return None  # markup assembled elsewhere: escaping all of it would show the tags as text
    else:
        parts = [argument]
    tainted = [p for p in parts if js.value_of(document, context, p).tainted]
    if not tainted:
        return None
    edits = tuple(TextEdit(document.node_span(p), f"{escape}({js.text(document, p)})") for p in tainted)
    return Fix(f"Escape the request data with {escape}()", edits, preferred=True)


def _is_response(document, receiver) -> bool:
    receiver = js.unwrap(receiver)
    # res.status(400).send(...): walk down the chain to the response object.
    while receiver.type == "call_expression":
        function = receiver.child_by_field_name("function")
        if function is None or function.type != "member_expression":
            return False
        receiver = js.unwrap(function.child_by_field_name("object"))
    return receiver.type == "identifier" and js.text(document, receiver) in _RESPONSE_NAMES


RULE_CHECK = ReflectedXss()
