"""A route that changes data with no sign of authentication.

## What it does
Flags, with low confidence,
- Flask/Quart routes declared with `methods=["POST" | "PUT" | "PATCH" | "DELETE"]`, and
  `@app.post/put/patch/delete` routes (Flask 2+, FastAPI, Starlette routers);
- Django function views (first parameter `request`) that write to the database
  (`.save()`, `.delete()`, `.create()`, `.update()`, `.bulk_create()`, `get_or_create` …);

when nothing in sight authenticates the caller: no decorator such as `login_required`,
`permission_required`, `jwt_required`, `auth_required`, `requires_auth`, `token_required`,
`user_passes_test`; no FastAPI parameter or route dependency `Depends(get_current_user)` /
`Security(...)` with an authentication-sounding name; no check in the body
(`request.user.is_authenticated`, `current_user`, `has_perm`, `abort(401)`, `verify_…`).
Routes whose name or path is about signing in or up (`login`, `register`, `token`,
`webhook` …) are left alone: they are meant to be reachable anonymously.

Authentication applied elsewhere — a `before_request` hook, middleware, a blueprint-wide
dependency, Django REST framework's default permission classes — is invisible here, which is
why the confidence is low: suppress with a reason (`# landguard: ignore[LG230] -- auth in
middleware`) where that is the case. Class-based views are not analysed.

## Why is this bad?
A route that creates, changes or deletes data without checking who calls it lets anyone on
the network do so. Assistants often write the happy path of an endpoint and leave the
authentication decorator for later.

## Example
```python
@app.route("/posts/<int:post_id>", methods=["DELETE"])
def delete_post(post_id):
    Post.query.filter_by(id=post_id).delete()
```

## Use instead
```python
@app.route("/posts/<int:post_id>", methods=["DELETE"])
@login_required
def delete_post(post_id):
    ...
```

## References
- [CWE-306: Missing Authentication for Critical Function](https://cwe.mitre.org/data/definitions/306.html)
- [OWASP API Security: Broken Authentication](https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/)
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
    id="LG230",
    name="unauthenticated-route",
    title="Data-changing route without authentication",
    severity=Severity.WARNING,
    confidence=Confidence.LOW,
    cwe=(306,),
    docs=__doc__,
    languages=py.PYTHON,
)

_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_VERB_DECORATOR = re.compile(r"^[\w.]+\.(post|put|patch|delete)$")
_ROUTE_DECORATOR = re.compile(r"^[\w.]+\.(?:route|api_route)$")
_AUTH = re.compile(
    r"login|auth|permission|jwt|token|role|admin|staff|superuser|user_passes_test|protected|signed_in|"
    r"current_user|requires|verify|session|scope|guard|api_key|apikey",
    re.I,
)
_BODY_AUTH = re.compile(
    r"is_authenticated|is_anonymous|current_user|g\.user|request\.user\b|has_perm|authenticat|authoriz|"
    r"verify_|check_auth|check_permission|get_jwt_identity|abort\(\s*40[13]|\b40[13]\b|PermissionDenied|"
    r"Unauthorized|Forbidden|login_required|require_login|api_key|x-api-key|Authorization|session\[",
    re.I,
)
_PUBLIC_ROUTE = re.compile(
    r"login|logout|signin|sign_in|signup|sign_up|register|token|auth|webhook|callback|health|ping|"
    r"password_reset|reset_password|forgot|verify|confirm|csrf|subscribe|contact|feedback",
    re.I,
)
_DB_WRITES = frozenset(
    {"save", "delete", "create", "update", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
)


class UnauthenticatedRouteCheck(py.CallRule):
    rule = RULE
    unit_markers = (b"def ",)

    def check_unit(self, unit: Node, document: Document, context: CheckContext) -> Iterable[Finding]:
        source = document.source
        has_decorator = source.find(b"@", unit.start_byte, unit.end_byte) >= 0
        has_request = source.find(b"request", unit.start_byte, unit.end_byte) >= 0
        if not has_decorator and not has_request:
            return
        for function in web.functions_in(unit, context):
            name_node = function.child_by_field_name("name")
            if name_node is None:
                continue
            route = _changing_route(function)
            if route is None and not (has_request and _django_writing_view(function, unit, context)):
                continue
            route_text = route or ""
            if _PUBLIC_ROUTE.search(py.text(name_node)) or _PUBLIC_ROUTE.search(route_text):
                continue
            if _authenticated(function):
                continue
            kind = "route" if route is not None else "view"
            yield RULE.finding(
                document.node_span(name_node),
                f"`{py.text(name_node)}` changes data but this {kind} shows no authentication "
                "(decorator, dependency or check in the body)",
            )


def _changing_route(function: Node) -> str | None:
    """The route decorator's text when it declares a data-changing method, else None."""
    for decorator in web.decorators(function):
        name = web.decorator_name(decorator)
        if _VERB_DECORATOR.match(name):
            return py.text(decorator)
        if _ROUTE_DECORATOR.match(name):
            expression = web.decorator_expression(decorator)
            methods = (
                py.keyword_arg(expression, "methods")
                if expression is not None and expression.type == "call"
                else None
            )
            if methods is None:
                continue
            values = {
                (py.literal_string_value(m) or "").upper() for m in py.unparenthesize(methods).named_children
            }
            if values & _WRITE_METHODS:
                return py.text(decorator)
    return None


def _django_writing_view(function: Node, unit: Node, context: CheckContext) -> bool:
    parameters = py.parameter_names(function)
    if not parameters or parameters[0] != "request" or web.decorators(function) and _changing_route(function):
        return False
    if function.parent is not None and function.parent.type == "block":
        return False  # a method or a nested function, not a module-level view
    for call in py.unit_calls(function, context):
        if py.callee_attribute(call) in _DB_WRITES and "session" not in py.text(
            call.child_by_field_name("function")
        ):
            return True
    return False


def _authenticated(function: Node) -> bool:
    for decorator in web.decorators(function):
        name = web.decorator_name(decorator)
        if _ROUTE_DECORATOR.match(name) or _VERB_DECORATOR.match(name):
            dependencies = py.text(decorator)
            if "dependencies" in dependencies and _AUTH.search(dependencies.split("dependencies", 1)[1]):
                return True
            continue
        if _AUTH.search(name):
            return True
    parameters = function.child_by_field_name("parameters")
    if parameters is not None:
        for parameter in parameters.named_children:
            value = parameter.child_by_field_name("value")
            if value is not None and value.type == "call":
                callee = py.text(value.child_by_field_name("function"))
                if callee.endswith("Security") or (
                    callee.endswith("Depends") and _AUTH.search(py.text(value))
                ):
                    return True
            annotation = parameter.child_by_field_name("type")
            if (
                annotation is not None
                and "Depends(" in py.text(annotation)
                and _AUTH.search(py.text(annotation))
            ):
                return True
    body = function.child_by_field_name("body")
    return body is not None and _BODY_AUTH.search(py.text(body)) is not None


HANDLER = UnauthenticatedRouteCheck()
