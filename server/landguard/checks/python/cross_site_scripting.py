"""Cross-site scripting: HTML built from untrusted text is marked safe or returned unescaped.

## What it does
Flags
- `render_template_string` with a template that is not a literal (the template itself,
  not the context values, which Jinja escapes);
- `Markup(...)` (markupsafe, Flask, Jinja) and Django's `mark_safe(...)` on a value that is
  not a literal and not escaped (`escape(...)`, `conditional_escape(...)`, `bleach.clean(...)`);
- Django's `format_html` whose format string is not a literal (it escapes only the arguments);
- a route handler or view that returns HTML built with an f-string, `%`, `.format()` or `+`
  from request data (directly, or through `make_response`, `HttpResponse`, `HTMLResponse`);
- a response that is HTML by default carrying request data, with or without a tag in sight:
  a string returned by a Flask, Quart or Bottle route, Django's `HttpResponse(...)` and
  Flask's `make_response(...)` / `Response(...)` without a non-HTML `content_type` /
  `mimetype` (`text/plain`, `application/json`). FastAPI's returned strings are JSON and
  aiohttp's `text=` is `text/plain`: neither is flagged.

Confidence is high when the value comes from the web request, medium when the HTML is built
from variables, low for a variable whose origin is unknown. A function that takes an
`autoescape` parameter (Django's filters with `needs_autoescape`, `urlize`) is told by its
caller whether to escape: text it leaves unescaped from its own arguments is not reported
(request data still is).

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
from landguard.checks.python._dispatch import CallRule
from landguard.dataflow.values import request_labels
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, Rule
from landguard.languages import python_syntax as syntax
from landguard.languages.python import is_route_handler

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


class CrossSiteScriptingCheck(CallRule):
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
        value = syntax.argument(call, 0, None)
        if value is None or syntax.is_literal(value):
            return None
        flow = py.function_flow(syntax.scope_of(call, unit), context)
        resolved = syntax.resolve(value, flow)
        if all(syntax.is_literal(v) or _is_constant_name(v) for v in resolved):
            return None
        taint = py.taint(value, flow, imports, KIND)
        if taint in (web.Taint.LITERAL, web.Taint.UNKNOWN):
            return None  # escaped, constant, or no sign of outside data
        build = syntax.string_building(value, flow)
        if build is not None and all(_literal_choice(part) for part in build.dynamic_parts):
            return None  # '<code>%s</code>' % {True: "true", None: "null"}[value]: one of the literals
        if taint == web.Taint.REQUEST:
            confidence, why = Confidence.HIGH, "comes from the web request"
        elif _told_whether_to_escape(call, unit):
            return None
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
        has_tag = _HTML_BYTES.search(document.source, unit.start_byte, unit.end_byte) is not None
        # (where to report, the HTML value, its function, the response call or None for a return)
        outputs: list[tuple[Node, Node, Node, Node | None]] = []
        for statement in py.unit_nodes(unit, syntax.RETURN_STATEMENT, context):
            value = syntax.returned_value(statement)
            if value is None:
                continue
            value = syntax.tuple_head(syntax.unparenthesize(value))
            if not syntax.is_call(value) or syntax.callee_attribute(value) not in _RESPONSE_CALLS:
                outputs.append((statement, value, syntax.scope_of(statement, unit), None))
        for call in py.unit_calls(unit, context):
            if syntax.callee_attribute(call) in _RESPONSE_CALLS:
                value = syntax.argument(call, 0, "content")
                if value is not None:
                    outputs.append((call, value, syntax.scope_of(call, unit), call))
        for where, value, scope, response in outputs:
            if not syntax.is_function(scope) or not _is_view(scope):
                continue
            flow = py.function_flow(scope, context)
            imports = py.scope_imports(where, document, context)
            build = syntax.string_building(value, flow) if has_tag else None
            if build is not None and _HTML_TAG.search(build.literal_text):
                if any(
                    py.taint(part, flow, imports, KIND) == web.Taint.REQUEST for part in build.dynamic_parts
                ):
                    yield RULE.finding(
                        document.node_span(where),
                        "HTML built from request data is returned without escaping; escape the values "
                        "(markupsafe.escape) or render an autoescaped template",
                        confidence=Confidence.HIGH,
                    )
                continue
            if not _html_by_default(scope, response, imports) or not _text_as_is(value, flow):
                continue
            if py.taint(value, flow, imports, KIND, direct=True) != web.Taint.REQUEST:
                continue
            if _only_typed_path_parameters(value, flow, scope):
                continue
            what = (
                "returned by the route"
                if response is None
                else f"sent by `{syntax.callee_attribute(response)}`"
            )
            yield RULE.finding(
                document.node_span(where),
                f"request data is {what} without escaping, in a response that is HTML by default; "
                "escape it (markupsafe.escape), render an autoescaped template, or send it as "
                "text/plain or JSON",
                confidence=Confidence.HIGH,
            )


def _told_whether_to_escape(call: Node, unit: Node) -> bool:
    """A function taking ``autoescape`` (Django's filters with ``needs_autoescape``, ``urlize``):
    its caller says whether its arguments are to be escaped, so text left unescaped from them is
    what the caller asked for (a template with autoescaping off)."""
    scope = syntax.scope_of(call, unit)
    return syntax.is_function(scope) and "autoescape" in syntax.parameter_names(scope)


# Calls whose result is still the text they read: request accessors and string methods.
_TEXT_CALLS = frozenset(
    {
        "get", "getlist", "get_data", "str", "format", "join", "replace", "strip", "lstrip", "rstrip",
        "lower", "upper", "title", "capitalize", "casefold", "swapcase", "decode", "removeprefix",
        "removesuffix", "center", "ljust", "rjust", "zfill",
    }
)  # fmt: skip


def _text_as_is(value: Node, flow: syntax.Flow) -> bool:
    """The value sent is the request's text itself (possibly reshaped as a string), not a dict or
    list (which Flask sends as JSON) and not what some call made of it (a file's contents)."""
    for resolved in syntax.resolve(value, flow):
        resolved = syntax.unparenthesize(resolved)
        if syntax.is_container_display(resolved):
            return False
        if syntax.is_call(resolved) and syntax.callee_attribute(resolved) not in _TEXT_CALLS:
            return False
    return True


# Frameworks whose route return value (a str) is sent as text/html.
_HTML_RETURN_FRAMEWORKS = ("flask", "quart", "bottle")
# Response classes whose content is text/html unless a content type says otherwise.
_HTML_RESPONSES = frozenset(
    {
        "django.http.HttpResponse",
        "django.http.response.HttpResponse",
        "flask.make_response",
        "flask.Response",
        "quart.make_response",
        "quart.Response",
        "werkzeug.Response",
        "werkzeug.wrappers.Response",
        "starlette.responses.HTMLResponse",
        "fastapi.responses.HTMLResponse",
    }
)
_CONTENT_TYPE_KEYWORDS = ("content_type", "mimetype", "media_type", "headers")


# A route proper (`@app.route(...)`, `@bp.get(...)`, bottle's `@route(...)`), not `@app.after_request`.
_ROUTE = re.compile(r"^@\s*(?:[\w.]+\.)?(?:route|get|post|put|patch|delete)\s*\(")


def _routed(function: Node) -> bool:
    return any(_ROUTE.match(syntax.text(d)) for d in syntax.decorators_of(function))


# Route converters whose values cannot hold markup: `<int:page>`, `<uuid:id>`.
_TYPED_CONVERTER = re.compile(r"<\s*(?:int|float|uuid)\s*:\s*(\w+)\s*>")


def _only_typed_path_parameters(value: Node, flow: syntax.Flow, function: Node) -> bool:
    """Every piece of request data in ``value`` is a route parameter with a numeric or UUID converter."""
    decorators = syntax.decorators_of(function)
    if not decorators or flow.dataflow is None:
        return False
    typed = {f"param:{name}" for d in decorators for name in _TYPED_CONVERTER.findall(syntax.text(d))}
    data = flow.dataflow.value_of(value)
    if not typed or data is None:
        return False
    labels = request_labels(data, KIND, direct_only=True)
    return bool(labels) and all(label.source in typed for label in labels)


def _html_by_default(function: Node, response: Node | None, imports: dict[str, str]) -> bool:
    """What the view sends is HTML unless it says otherwise (and here it does not)."""
    if response is None:
        modules = {qualified.split(".", 1)[0] for qualified in imports.values()}
        return (
            _routed(function)
            and any(m in modules for m in _HTML_RETURN_FRAMEWORKS)
            and not modules & {"fastapi", "starlette", "litestar", "sanic", "aiohttp"}
        )
    qualified = syntax.qualified_call_name(response, imports)
    if qualified not in _HTML_RESPONSES:
        return False
    for keyword in _CONTENT_TYPE_KEYWORDS:
        given = syntax.keyword_arg(response, keyword)
        if given is not None:
            text = syntax.literal_string_value(given)
            return text is not None and "html" in text.lower()
    if len(syntax.positional_args(response)) > 1 and "make_response" not in qualified:
        return False  # Flask/Django's second positional is the status / content type: not guessed at
    return True


def _literal_choice(node: Node) -> bool:
    """A literal picked from a literal table (``{True: "true", None: "null"}[value]``): whatever
    the key, the text is one of the table's literals (a missing key raises, it inserts nothing)."""
    parts = syntax.subscript_parts(py.unparenthesize(node))
    if parts is None or parts[0] is None:
        return False
    values = syntax.container_values(py.unparenthesize(parts[0]))
    if values is None:
        return False
    return bool(values) and all(v is not None and syntax.is_literal_string(v) for v in values)


def _is_constant_name(node: Node) -> bool:
    """An UPPER_CASE name not assigned in the function: a module constant (`PAGE_TEMPLATE`)."""
    name = syntax.text(node)
    return syntax.is_identifier(node) and name.isupper() and len(name) > 1


def _is_view(function: Node) -> bool:
    if is_route_handler(function):
        return True
    names = syntax.parameter_names(function)
    return bool(names) and names[0] == "request"


CHECK = CrossSiteScriptingCheck()
