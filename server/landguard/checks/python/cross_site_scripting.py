"""Cross-site scripting: HTML built from untrusted text is marked safe or returned unescaped.

## What it does
Flags
- `render_template_string` with a template that is not a literal (the template itself,
  not the context values, which Jinja escapes);
- `Markup(...)` (markupsafe, Flask, Jinja) and Django's `mark_safe(...)` on a value that is
  not a literal and not escaped (`escape(...)`, `conditional_escape(...)`, `bleach.clean(...)`);
- Django's `format_html` whose format string is not a literal (it escapes only the arguments);
- a route handler or view that returns HTML built with an f-string, `%`, `.format()` or `+`
  from request data (directly, or through `make_response`, `HttpResponse`, `HTMLResponse`).

Confidence is high when the value comes from the web request, medium when the HTML is built
from variables, low for a variable whose origin is unknown.

## Why is this bad?
Marking text safe turns autoescaping off for it: `<script>` in a query parameter then runs in
every visitor's browser with your site's cookies and permissions. A template built from user
input is worse — Jinja expressions inside it run on the server (template injection).

## Example
```python
@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    return f"<h1>Hello {name}</h1>"
```

## Use instead
```python
from markupsafe import escape

@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    return f"<h1>Hello {escape(name)}</h1>"
```
or `render_template("hello.html", name=name)` (autoescaped), and
`format_html("<b>{}</b>", name)` instead of `mark_safe(f"<b>{name}</b>")`.

## References
- [CWE-79: Cross-site Scripting](https://cwe.mitre.org/data/definitions/79.html)
- [OWASP: XSS Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html)
- Bandit B308, B703 (mark_safe); Ruff S308, S704 (unsafe Markup use)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python import _web as web
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, Rule

RULE = Rule(
    id="LG222",
    name="cross-site-scripting",
    title="Untrusted text marked safe or returned as HTML",
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    cwe=(79,),
    docs=__doc__,
    languages=py.PYTHON,
    aliases=("B308", "S308", "B703", "S704"),
)

_TEMPLATE_SINKS = frozenset({"flask.render_template_string", "quart.render_template_string"})
_SAFE_MARKERS = frozenset(
    {
        "markupsafe.Markup",
        "flask.Markup",
        "jinja2.Markup",
        "jinja2.utils.Markup",
        "django.utils.safestring.mark_safe",
        "django.utils.safestring.SafeString",
        "django.utils.html.mark_safe",
    }
)
_FORMAT_HTML = frozenset({"django.utils.html.format_html"})
_RESPONSE_CALLS = frozenset({"make_response", "HttpResponse", "HTMLResponse", "Response"})
KIND = "xss"
_HTML_TAG = re.compile(r"<\s*[a-zA-Z!/]")
_HTML_BYTES = re.compile(rb"<\s*[a-zA-Z!/]")
_CALLEE_NAMES = frozenset(n.rsplit(".", 1)[-1] for n in _TEMPLATE_SINKS | _SAFE_MARKERS | _FORMAT_HTML)


class CrossSiteScriptingCheck(py.CallRule):
    rule = RULE
    kind = "xss"
    callee_names = _CALLEE_NAMES
    # Views are decorated (routes) or take `request`; the HTML check needs one of these in the unit.
    unit_markers = (b"request", b"@")

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        finding = self._check_call(
            call, name, unit, document, context, py.scope_imports(call, document, context)
        )
        if finding is not None:
            yield finding

    def check_unit(self, unit: Node, document: Document, context: CheckContext) -> Iterable[Finding]:
        if _HTML_BYTES.search(document.source, unit.start_byte, unit.end_byte) is None:
            return ()
        return self._check_returns(unit, document, context)

    def _check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext, imports: dict
    ) -> Finding | None:
        if name in _TEMPLATE_SINKS:
            what = "the template passed to `render_template_string`"
        elif name in _SAFE_MARKERS:
            what = f"the text marked safe by `{name.rsplit('.', 1)[-1]}`"
        elif name in _FORMAT_HTML:
            what = "the format string of `format_html` (only its arguments are escaped)"
        else:
            return None
        value = py.argument(call, 0, None)
        if value is None or py.is_literal(value):
            return None
        flow = py.function_flow(py.scope_of(call, unit), context)
        resolved = py.resolve(value, flow)
        if all(py.is_literal(v) or _is_constant_name(v) for v in resolved):
            return None
        taint = web.request_taint(value, flow, imports, KIND)
        if taint in (web.Taint.LITERAL, web.Taint.UNKNOWN):
            return None  # escaped, constant, or no sign of outside data
        build = py.string_building(value, flow)
        if taint == web.Taint.REQUEST:
            confidence, why = Confidence.HIGH, "comes from the web request"
        elif build is not None:
            confidence, why = Confidence.MEDIUM, "is built from the function's arguments"
        elif name in _FORMAT_HTML:
            confidence, why = Confidence.MEDIUM, "comes from the function's arguments"
        else:
            return None  # passing a caller's value through: the caller decides what it marks safe
        return RULE.finding(
            document.node_span(call),
            f"{what} {why} and is not escaped; escape the values (markupsafe.escape, format_html) "
            "or render a template file",
            confidence=confidence,
        )

    def _check_returns(self, unit: Node, document: Document, context: CheckContext) -> Iterable[Finding]:
        outputs: list[tuple[Node, Node, Node]] = []  # (where to report, the HTML value, its function)
        for statement in py.unit_nodes(unit, "return_statement", context):
            value = next((c for c in statement.named_children if c.type != "comment"), None)
            if value is None:
                continue
            value = py.unparenthesize(value)
            if value.type in ("tuple", "expression_list") and value.named_child_count:
                value = value.named_children[0]
            if value.type != "call":
                outputs.append((statement, value, py.scope_of(statement, unit)))
        for call in py.unit_calls(unit, context):
            if py.callee_attribute(call) in _RESPONSE_CALLS:
                value = py.argument(call, 0, "content")
                if value is not None:
                    outputs.append((call, value, py.scope_of(call, unit)))
        for where, value, scope in outputs:
            if scope.type != "function_definition" or not _is_view(scope):
                continue
            flow = py.function_flow(scope, context)
            build = py.string_building(value, flow)
            if build is None or not _HTML_TAG.search(build.literal_text):
                continue
            imports = py.scope_imports(where, document, context)
            if any(
                web.request_taint(part, flow, imports, KIND) == web.Taint.REQUEST
                for part in build.dynamic_parts
            ):
                yield RULE.finding(
                    document.node_span(where),
                    "HTML built from request data is returned without escaping; escape the values "
                    "(markupsafe.escape) or render an autoescaped template",
                    confidence=Confidence.HIGH,
                )


def _is_constant_name(node: Node) -> bool:
    """An UPPER_CASE name not assigned in the function: a module constant (`PAGE_TEMPLATE`)."""
    name = py.text(node)
    return node.type == "identifier" and name.isupper() and len(name) > 1


def _is_view(function: Node) -> bool:
    if py.is_route_handler(function):
        return True
    names = py.parameter_names(function)
    return bool(names) and names[0] == "request"


HANDLER = CrossSiteScriptingCheck()
