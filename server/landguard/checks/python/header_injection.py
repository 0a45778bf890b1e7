"""Web-request data written into a response header: `response.headers["Location"] = request.args["next"]`.

## What it does
Flags request data (followed by the dataflow core through variables, string building and
same-file helpers; `int()` and other all-kind sanitizers clear it) that becomes the name or the
value of an HTTP *response* header:
- item assignment: `response.headers[name] = value` (Flask, Werkzeug, Starlette/FastAPI,
  Django 3.2+), Django's `response["Location"] = value`;
- header methods: `response.headers.add/set/setdefault/add_header(...)`, Tornado's
  `self.set_header/add_header(...)`;
- `headers={...}` (or `make_response`'s third argument) given to a response class.
The holder must be a response: a variable made by a response class or `make_response` in the
function, or named like one (`response`, `resp`, `res`, `*_response`); a client's
`session.headers[...]` is not a response.

Headers whose value decides something (`Location`, `Refresh`, `Access-Control-Allow-Origin`,
`Set-Cookie`, `Content-Type`, `Content-Disposition`, `Link`, or a header *name* from the request)
are warnings; echoing a value into any other header (`X-Request-ID`) is a note.

## Why is this bad?
A client-chosen `Location` or `Refresh` is an open redirect; a reflected
`Access-Control-Allow-Origin` lets every site read the response with the user's cookies; a
chosen `Content-Type` or `Content-Disposition` turns a download into HTML in the site's origin
(reflected file download, XSS); a chosen `Set-Cookie` fixes sessions. Where the server or
framework does not refuse CR/LF in header values (hand-written WSGI/ASGI responses, old
versions), the client can also add headers or a whole second response (response splitting).
Werkzeug, Django, Tornado and h11 refuse line breaks today, so the value is the risk that remains.

## Example
```python
@app.get("/download")
def download():
    response = make_response(data)
    response.headers["Content-Disposition"] = f"attachment; filename={request.args['name']}"
    return response
```

## Use instead
```python
@app.get("/download")
def download():
    name = secure_filename(request.args["name"])  # or pick from an allowlist
    return send_file(io.BytesIO(data), download_name=name, as_attachment=True)
```
For redirects use `redirect(url)` after checking the host (`url_has_allowed_host_and_scheme`);
for CORS compare the origin with an allowlist before echoing it.

## References
- [CWE-113: Improper Neutralization of CRLF Sequences in HTTP Headers](https://cwe.mitre.org/data/definitions/113.html)
- [CWE-644: Improper Neutralization of HTTP Headers for Scripting Syntax](https://cwe.mitre.org/data/definitions/644.html)
- [OWASP: HTTP Response Splitting](https://owasp.org/www-community/attacks/HTTP_Response_Splitting)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python import _web as web
from landguard.checks.python._dispatch import CallRule
from landguard.dataflow import ir
from landguard.dataflow.values import Value, request_labels
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, Rule
from landguard.languages import python_syntax as syntax

RULE = Rule(
    id="LG239",
    name="header-injection",
    title="Web-request data written into a response header",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(113, 644),
    docs=__doc__,
    languages=py.PYTHON,
)
KIND = "header"

_RESPONSE_NAME = re.compile(r"(?:^|[._])(?:resp|response|res|rv)$")
_RESPONSE_MAKERS = re.compile(
    r"^(?:flask|quart|werkzeug|django|starlette|fastapi|aiohttp|sanic|falcon|pyramid|bottle)\b.*"
    r"(?:Response|make_response|HttpResponse\w*|render|json)$"
)
_DECIDING = frozenset(
    {
        "location",
        "refresh",
        "access-control-allow-origin",
        "access-control-allow-headers",
        "access-control-allow-credentials",
        "set-cookie",
        "content-type",
        "content-disposition",
        "link",
        "content-security-policy",
    }
)
# A cheap look at the unit's bytes before any query: an item assignment on something named like a
# response or its headers, or a response made in the unit.
_ITEM_STORE = re.compile(
    rb"(?:resp|response|res|rv|headers)\s*\[[^\]\n]{0,200}\]\s*=[^=]|Response\(|make_response\(", re.I
)
# Attributes of a response-named object that are not its headers (`resp.cookies[...]`).
_NOT_HEADERS = frozenset({"session", "cookies", "COOKIES", "META", "context", "context_data"})
_REDIRECTING = frozenset({"location", "content-location", "refresh"})
_HEADER_METHODS = frozenset({"add", "set", "setdefault", "add_header", "set_header"})


def _is_response(holder: Node | None, flow: py.Flow, imports: dict[str, str]) -> bool:
    """``holder`` is an HTTP response: named like one, or made by a response class in the function."""
    if holder is None:
        return False
    holder = py.unparenthesize(holder)
    named = syntax.is_identifier(holder)
    if (named or syntax.is_attribute(holder)) and _RESPONSE_NAME.search(syntax.text(holder)):
        return True
    if syntax.is_call(holder):
        return bool(_RESPONSE_MAKERS.match(syntax.qualified_call_name(holder, imports) or ""))
    if not named:
        return False
    for value in syntax.resolve(holder, flow):
        value = py.unparenthesize(value)
        if syntax.is_call(value) and _RESPONSE_MAKERS.match(syntax.qualified_call_name(value, imports) or ""):
            return True
    return False


def _header_holder(headers: Node) -> Node | None:
    """`response` in `response.headers`; None if ``headers`` is not such an attribute."""
    parts = syntax.attribute_parts(py.unparenthesize(headers))
    return parts[0] if parts is not None and parts[1] == "headers" else None


def _finding(node: Node, header: str | None, document: Document, *, name_tainted: bool = False) -> Finding:
    if name_tainted:
        what, severity = "the name of a response header", None
    elif header is None:
        what, severity = "a response header", None
    else:
        what = f"the `{header}` response header"
        severity = None if header.lower() in _DECIDING else Severity.NOTE
    return RULE.finding(
        document.node_span(node),
        f"web-request data is written into {what}; the client chooses it (a redirect target, an "
        "allowed origin, a content type or, where line breaks pass, extra headers); check it against "
        "an allowlist first",
        severity=severity,
    )


def _direct_request(value: Value, kind: str) -> bool:
    """Request data that reached the header as it is or through string building and modelled
    calls; data that went through a call the models do not know (`http_date(...)`,
    `self.get_breadcrumbs(request)`) is not evidence the client chooses the header."""
    return bool(request_labels(value, kind, direct_only=True))


def _from_request(node: Node | None, flow: py.Flow, imports: dict[str, str], kind: str) -> bool:
    return node is not None and py.taint(node, flow, imports, kind, direct=True) == py.Taint.REQUEST


def _is_pair(item: Node) -> bool:
    items = syntax.tuple_items(py.unparenthesize(item))
    return items is not None and len(items) == 2


def _judge(
    node: Node,
    key: Node | None,
    value: Node | None,
    flow: py.Flow,
    imports: dict[str, str],
    document: Document,
) -> Iterable[Finding]:
    """A header given as (name, value) at ``node``."""
    header = syntax.literal_string_value(key)
    if key is not None and header is None and _from_request(key, flow, imports, KIND):
        yield _finding(node, None, document, name_tainted=True)
    elif value is not None and header is not None and header.lower() in _REDIRECTING:
        if web.url_head_from_request(value, flow, imports, "redirect"):
            yield _finding(node, header, document)  # the client picks the host, not a path after a fixed one
    elif _from_request(value, flow, imports, KIND):
        yield _finding(node, header, document)


class HeaderInjectionCheck(CallRule):
    rule = RULE
    callee_names = _HEADER_METHODS | frozenset(
        {"Response", "HttpResponse", "make_response", "JSONResponse", "HTMLResponse", "PlainTextResponse"}
    )
    unit_markers = (b"] =", b"]=")

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        imports = py.scope_imports(call, document, context)
        flow = self.flow_for(call, unit, context)
        last = syntax.callee_attribute(call)
        if last in _HEADER_METHODS:
            receiver = syntax.call_receiver(call)
            if receiver is None:
                return
            holder = _header_holder(receiver)
            tornado = last in ("set_header", "add_header") and syntax.text(receiver) == "self"
            if not tornado and (holder is None or not _is_response(holder, flow, imports)):
                return
            key, value = (
                syntax.argument(call, 0, "key" if not tornado else "name"),
                syntax.argument(call, 1, "value"),
            )
            yield from _judge(call, key, value, flow, imports, document)
            return
        if not _RESPONSE_MAKERS.match(name):
            return
        headers = syntax.keyword_arg(call, "headers")
        if headers is None and last == "make_response":
            headers = syntax.argument(call, 2, None)
        if headers is None:
            return
        resolved = syntax.resolve(headers, flow)
        headers = py.unparenthesize(resolved[0] if len(resolved) == 1 else headers)
        entries = syntax.dict_entries(headers)
        items = syntax.sequence_items(headers)
        if entries is not None:
            for pair, key, value in entries:
                yield from _judge(pair, key, value, flow, imports, document)
        elif items is not None and all(_is_pair(item) for item in items):
            for item in items:
                key, value = syntax.tuple_items(py.unparenthesize(item))
                yield from _judge(item, key, value, flow, imports, document)
        elif _from_request(headers, flow, imports, KIND):
            yield _finding(headers, None, document)

    def check_unit(self, unit: Node, document: Document, context: CheckContext) -> Iterable[Finding]:
        """`response.headers["X"] = value` and Django's `response["X"] = value`."""
        if not _ITEM_STORE.search(document.source, unit.start_byte, unit.end_byte):
            return
        candidates = self._response_item_assignments(unit, document, context)
        if not candidates:
            return  # the dataflow facts are computed only for units that set a response header
        dataflow = py.python_dataflow(unit, context)
        for facts in dataflow.unit_facts(unit):
            for store in facts.stores:
                target = store.target
                if (
                    not isinstance(target, ir.Index)
                    or target.node is None
                    or target.node.id not in candidates
                ):
                    continue
                subscript = target.node
                imports = py.scope_imports(subscript, document, context)
                flow = py.function_flow(syntax.scope_of(subscript, unit), context)
                _holder, key = syntax.subscript_parts(subscript)
                header = syntax.literal_string_value(key)
                if header is None and store.key is not None and _direct_request(store.key, KIND):
                    yield _finding(subscript, None, document, name_tainted=True)
                elif header is not None and header.lower() in _REDIRECTING:
                    value = syntax.assigned_value(subscript)
                    if value is not None and web.url_head_from_request(value, flow, imports, "redirect"):
                        yield _finding(subscript, header, document)
                elif _direct_request(store.value, KIND):
                    yield _finding(subscript, header, document)

    @staticmethod
    def _response_item_assignments(unit: Node, document: Document, context: CheckContext) -> set[int]:
        """Ids of the subscripts assigned to in the unit whose holder is a response (or its headers)."""
        found: set[int] = set()
        for assignment in py.unit_nodes(unit, syntax.ASSIGNMENT, context):
            subscript, _value = syntax.assignment_sides(assignment)
            parts = syntax.subscript_parts(subscript)
            if parts is None or parts[0] is None:
                continue
            holder_node = parts[0]
            holder = _header_holder(holder_node)
            if holder is None:
                holder = holder_node  # Django: response["Location"] = ...
                attribute = syntax.attribute_parts(holder)
                if attribute is not None and attribute[1] in _NOT_HEADERS:
                    continue
            imports = py.scope_imports(subscript, document, context)
            flow = py.function_flow(syntax.scope_of(subscript, unit), context)
            if _is_response(holder, flow, imports):
                found.add(subscript.id)
        return found


CHECK = HeaderInjectionCheck()
