"""A route that changes data with no sign of authentication.

## What it does
Flags, with low confidence, a web handler that **changes state** — writes to a database
(`.save()`, `session.add/commit`, `insert_one`, SQL `INSERT/UPDATE/DELETE` …), to a file or a
module-level store, runs a command, or calls a helper named `create_…`/`update_…`/`delete_…` —
when nothing in sight authenticates the caller. Handlers are
- routes of an app created in the same file (`Flask(…)`, `Quart(…)`, `FastAPI(…)`, `Sanic(…)`,
  `Bottle(…)`), or of a router/blueprint that the same file includes in such an app, declared
  with `methods=["POST" | "PUT" | "PATCH" | "DELETE"]` or `@app.post/put/patch/delete`;
- Django function views (module-level, first parameter `request`, in a module that imports
  Django) that write to the database.

Authentication is seen where frameworks put it: decorators (`login_required`,
`permission_required`, `permission_classes`, `jwt_required`, `user_passes_test` …); FastAPI
dependencies on the route, the router (`APIRouter(dependencies=…)`), the app or
`include_router(…, dependencies=…)`, and parameters `Depends(…)`/`Security(…)` whose dependency
is (or uses) a security scheme (`OAuth2PasswordBearer`, `HTTPBearer`, `APIKeyHeader` …) or checks
a token, also through `Annotated` aliases; Flask `before_request` hooks of the app or blueprint
that check the caller; authentication middleware added to the app, and Django's
`LoginRequiredMiddleware` in the project's settings (read, not imported); and checks in the body
(`request.user.is_authenticated`, `current_user`, `has_perm`, `abort(401)`, comparing a token).
Routes whose name or path is about signing in or up (`login`, `register`, `token`, `webhook` …)
are left alone: they are meant to be reachable anonymously.

Where authentication may be applied out of sight, nothing is reported: routes of a router or
blueprint created here but included elsewhere, of an app imported from another module, and
Django REST framework `@api_view`s (their default permission classes live in settings). Class-based
views are not analysed. In test files this rule is off (see "Test code" in the README).

## Why is this bad?
A route that creates, changes or deletes data without checking who calls it lets anyone on
the network do so. Assistants often write the happy path of an endpoint and leave the
authentication decorator for later.

## Example
```python
app = Flask(__name__)

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

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python import _web as web
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, NodeCheck, Rule, RunKey
from landguard.languages import python_syntax as syntax

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
_VERBS = frozenset({"post", "put", "patch", "delete"})
_ROUTE_METHODS = frozenset({"route", "api_route", "add_url_rule"})
# Constructors of objects whose decorators declare routes, and whether they are a whole app.
_APPS = frozenset({"Flask", "Quart", "FastAPI", "Sanic", "Bottle", "APIFlask"})
_ROUTERS = frozenset({"APIRouter", "Blueprint", "APIBlueprint", "Router"})
_DJANGO_WORDS = ("django", "rest_framework")
# Lower case, for ``Document.has_lines_with``: a line that constructs an app or a router names it.
_CONSTRUCTOR_WORDS = tuple(sorted(name.lower() for name in _APPS | _ROUTERS))
_INCLUDES = frozenset({"include_router", "register_blueprint", "mount", "register"})
_HOOKS = frozenset({"before_request", "before_app_request"})
# FastAPI / Starlette security schemes: a dependency on one of them authenticates.
_SCHEMES = frozenset(
    {
        "OAuth2PasswordBearer",
        "OAuth2AuthorizationCodeBearer",
        "OAuth2",
        "OpenIdConnect",
        "HTTPBasic",
        "HTTPBearer",
        "HTTPDigest",
        "APIKeyHeader",
        "APIKeyQuery",
        "APIKeyCookie",
    }
)
_CREDENTIAL_TYPES = re.compile(r"\b(?:HTTPBasicCredentials|HTTPAuthorizationCredentials|SecurityScopes)\b")
_AUTH_MIDDLEWARE = re.compile(r"Authentication|Auth\w*Middleware|LoginRequired|JWT\w*Middleware", re.I)
_AUTH = re.compile(
    r"login|auth|permission|jwt|token|role|admin|staff|superuser|user_passes_test|protected|signed_in|"
    r"current_user|requires|verify|session|scope|guard|api_key|apikey",
    re.I,
)
_BODY_AUTH = re.compile(
    r"is_authenticated|is_anonymous|current_user|g\.user|request\.user\b|has_perm|authenticat|authoriz|"
    r"verify_|check_auth|check_permission|get_jwt_identity|abort\(\s*40[13]|\b40[13]\b|PermissionDenied|"
    r"Unauthorized|Forbidden|login_required|require_login|api_key|x-api-key|Authorization|session\[|"
    r"compare_digest|check_password|HTTP_401|HTTP_403|"
    # a token, key or secret compared in the body: `if x_token != settings.token: raise ...`
    # (anchored at a word start: a long run of name characters is read once, not once per position)
    r"\b\w*(?:token|secret|api_?key)\w*\s*(?:!=|==|\bnot\s+in\b)|(?:!=|==)\s*[\w.]*(?:token|secret|api_?key)",
    re.I,
)
_PUBLIC_ROUTE = re.compile(
    r"login|logout|signin|sign_in|signup|sign_up|register|token|auth|webhook|callback|health|ping|"
    r"password_reset|reset_password|forgot|verify|confirm|csrf|subscribe|contact|feedback",
    re.I,
)
# Calls that change state whatever they are called on (ORMs, document stores, files, processes).
_STATE_CALLS = frozenset(
    {
        "save",
        "delete",
        "bulk_create",
        "bulk_update",
        "get_or_create",
        "update_or_create",
        "add_all",
        "commit",
        "merge",
        "insert",
        "insert_one",
        "insert_many",
        "update_one",
        "update_many",
        "delete_one",
        "delete_many",
        "replace_one",
        "find_one_and_update",
        "find_one_and_delete",
        "find_one_and_replace",
        "write",
        "write_text",
        "write_bytes",
        "unlink",
        "rmtree",
        "remove",
        "rename",
        "makedirs",
        "mkdir",
        "system",
        "Popen",
        "run",
        "check_call",
        "check_output",
        "put_object",
        "delete_object",
        "upload_file",
        "upload_fileobj",
        "hset",
        "setex",
        "lpush",
        "rpush",
        "sadd",
        "incr",
    }
)
# Mutators that change state only when called on something outside the handler (a module-level
# store, a database session): `items.append(x)` on a local list changes nothing.
_SHARED_MUTATORS = frozenset(
    {"add", "append", "extend", "update", "create", "pop", "clear", "setdefault", "discard", "set"}
)
_WRITE_HELPER = re.compile(
    r"^_?(?:create|update|delete|remove|insert|add|save|store|set|put|destroy|drop|purge|upsert|write|"
    r"register|publish|modify|edit|change|reset|grant|revoke|ban|transfer|pay|charge|refund)(?:_|$)"
)
_RESPONSE_HELPERS = frozenset(
    {"set_cookie", "delete_cookie", "set_header", "add_header", "set_signed_cookie"}
)
_SQL_WRITE = re.compile(
    r"\b(?:INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|DROP\s+TABLE|ALTER\s+TABLE)\b", re.I
)
_WRITE_MODE = re.compile(r"""^[rbt]*[wax+][bt+]*$""")
_DJANGO_DB_WRITES = frozenset(
    {"save", "delete", "create", "update", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
)


@dataclass(frozen=True)
class RouteObject:
    """A name bound in this module to an app, router or blueprint."""

    name: str
    is_app: bool
    protected: bool  # authentication applied to every route of it (dependencies, hooks)
    included: bool  # a router/blueprint included into an app of this module


@dataclass(frozen=True)
class ModuleFacts:
    objects: tuple[RouteObject, ...] = ()
    auth_dependencies: frozenset[str] = frozenset()  # functions, schemes and aliases that authenticate
    uses_django: bool = False
    auth_middleware: bool = False

    def route_object(self, name: str) -> RouteObject | None:
        return next((o for o in self.objects if o.name == name), None)


class UnauthenticatedRouteCheck(NodeCheck):
    rules = (RULE,)
    languages = py.PYTHON

    def module_context_key(self, document: Document, context: CheckContext) -> object:
        facts = module_facts(document, context)
        return (
            py.module_context_key(document, context),
            facts,
            facts.uses_django and _django_login_required(document.path),
        )

    def check_node(self, node: Node, document: Document, context: CheckContext) -> Iterable[Finding]:
        source = document.source
        if source.find(b"def ", node.start_byte, node.end_byte) < 0:
            return
        facts = module_facts(document, context)
        if not facts.objects and not facts.uses_django:
            return
        for function in web.functions_in(node, context):
            name_node = syntax.defined_name(function)
            if name_node is None:
                continue
            route = _route(function, facts)
            if route is None:
                if not (facts.uses_django and _django_writing_view(function, context)):
                    continue
                if _django_login_required(document.path):
                    continue  # settings.MIDDLEWARE has LoginRequiredMiddleware: every view needs a login
                route, kind = "", "view"
            else:
                kind = "route"
                if not _changes_state(function, context):
                    continue
            if _PUBLIC_ROUTE.search(syntax.text(name_node)) or _PUBLIC_ROUTE.search(route):
                continue
            if facts.auth_middleware or _authenticated(function, facts):
                continue
            yield RULE.finding(
                document.node_span(name_node),
                f"`{syntax.text(name_node)}` changes data but this {kind} shows no authentication "
                "(decorator, dependency, hook or check in the body)",
            )


# ------------------------------------------------------------------------------ module facts


def module_facts(document: Document, context: CheckContext) -> ModuleFacts:
    """Apps, routers and the authentication around them, from the whole module (once per run)."""
    return context.cache.get(_MODULE_FACTS, id(document.tree), lambda: _collect_facts(document))


_MODULE_FACTS: RunKey[ModuleFacts] = RunKey("LG230.module_facts")


def _statements(root: Node) -> Iterator[Node]:
    """Module-level statements, and those of top-level functions (app factories) and ifs."""
    for child in root.named_children:
        yield child
        definition = syntax.definition_of(child)
        if definition is not None and (syntax.is_function(definition) or syntax.is_if(definition)):
            body = syntax.body_of(definition)
            if body is not None:
                yield from body.named_children


def _callee_last(call: Node) -> str:
    function = syntax.callee(call)
    return syntax.text(function).rsplit(".", 1)[-1] if function is not None else ""


def _receiver(call_or_name: str) -> str:
    return call_or_name.rsplit(".", 1)[0] if "." in call_or_name else ""


def _collect_facts(document: Document) -> ModuleFacts:
    if document.tree is None:
        return ModuleFacts()
    root = document.tree.root_node
    source = document.source
    # The document's per-line flags first: a byte search of a large module on every edit is not free.
    uses_django = document.has_lines_with(_DJANGO_WORDS) and (
        b"django" in source or b"rest_framework" in source
    )
    if not uses_django and not document.has_lines_with(_CONSTRUCTOR_WORDS):
        # No app or router is made here, so no route is found whatever else the module holds
        # (``check_node`` stops at once): not worth a walk over every statement on every edit.
        return ModuleFacts()
    constructed: dict[str, tuple[bool, Node]] = {}  # name -> (is app, constructor call)
    schemes: set[str] = set()
    aliases: dict[str, Node] = {}  # `CurrentUser = Annotated[User, Depends(get_user)]`
    functions: dict[str, Node] = {}
    hooks: list[tuple[str, Node | None]] = []  # (receiver, hook function or None if unknown)
    includes: list[Node] = []
    middleware = False
    for statement in _statements(root):
        node = syntax.statement_expression(statement)
        if syntax.is_assignment(node):
            left, right = syntax.assignment_sides(node)
            if left is None or right is None or not syntax.is_identifier(left):
                continue
            name = syntax.text(left)
            if syntax.is_call(right):
                last = _callee_last(right)
                if last in _APPS or last in _ROUTERS:
                    constructed[name] = (last in _APPS, right)
                    if last in _APPS and _AUTH_MIDDLEWARE.search(syntax.text(right)):
                        middleware = True
                elif last in _SCHEMES:
                    schemes.add(name)
            elif "Depends(" in syntax.text(right) or "Security(" in syntax.text(right):
                aliases[name] = right
        elif syntax.is_call(node):
            function = syntax.text(syntax.callee(node))
            last = function.rsplit(".", 1)[-1]
            if last in _INCLUDES:
                includes.append(node)
            elif last in _HOOKS:
                hooks.append((_receiver(function), None))
                target = next(iter(syntax.positional_args(node)), None)
                if target is not None:
                    hooks[-1] = (_receiver(function), target)
            elif last in ("add_middleware", "wsgi_app") and _AUTH_MIDDLEWARE.search(syntax.text(node)):
                middleware = True
        definition = syntax.definition_of(statement)
        if syntax.is_function(definition):
            function_name = syntax.text(syntax.defined_name(definition))
            functions[function_name] = definition
            for decorator in syntax.decorators_of(definition):
                decorator_name = web.decorator_name(decorator)
                if decorator_name.rsplit(".", 1)[-1] in _HOOKS:
                    hooks.append((_receiver(decorator_name), definition))
    auth = _auth_dependencies(schemes, aliases, functions)
    # Hook functions passed by name: resolve them to their definitions.
    resolved_hooks = []
    for receiver, hook in hooks:
        if syntax.is_identifier(hook):
            hook = functions.get(syntax.text(hook))
        resolved_hooks.append((receiver, hook))
    included: dict[str, bool] = {}  # router name -> included with authentication
    for call in includes:
        target = next(iter(syntax.positional_args(call)), None)
        if target is None:
            continue
        dependencies = syntax.keyword_arg(call, "dependencies")
        included[syntax.text(target)] = included.get(syntax.text(target), False) or (
            dependencies is not None and _dependencies_authenticate(dependencies, auth)
        )
    objects = []
    for name, (is_app, call) in constructed.items():
        dependencies = syntax.keyword_arg(call, "dependencies")
        protected = dependencies is not None and _dependencies_authenticate(dependencies, auth)
        protected = protected or included.get(name, False)
        protected = protected or any(
            receiver == name and (hook is None or _hook_authenticates(hook))
            for receiver, hook in resolved_hooks
        )
        objects.append(RouteObject(name, is_app, protected, name in included))
    # An app-wide hook protects the routers included into that app too.
    protected_apps = {o.name for o in objects if o.is_app and o.protected}
    if protected_apps:
        objects = [
            RouteObject(o.name, o.is_app, o.protected or (o.included and not o.is_app), o.included)
            for o in objects
        ]
    return ModuleFacts(tuple(objects), frozenset(auth), uses_django, middleware)


def _auth_dependencies(schemes: set[str], aliases: dict[str, Node], functions: dict[str, Node]) -> set[str]:
    """Names whose use as a dependency authenticates: schemes, functions depending on them (or on
    each other, or checking credentials in their body), and `Annotated` aliases of those."""
    auth = set(schemes)
    changed = True
    while changed:
        changed = False
        for name, function in functions.items():
            if name in auth:
                continue
            parameters = syntax.text(syntax.parameters_of(function))
            body = syntax.text(syntax.body_of(function))
            if (
                _CREDENTIAL_TYPES.search(parameters)
                or any(re.search(rf"\b(?:Depends|Security)\(\s*{re.escape(a)}\b", parameters) for a in auth)
                or (_AUTH.search(name) and _BODY_AUTH.search(body))
            ):
                auth.add(name)
                changed = True
        for name, value in aliases.items():
            if name not in auth and _mentions_auth(syntax.text(value), auth):
                auth.add(name)
                changed = True
    return auth


def _mentions_auth(text: str, auth: frozenset[str] | set[str]) -> bool:
    if "Security(" in text or _CREDENTIAL_TYPES.search(text):
        return True
    for match in re.finditer(r"\bDepends\(\s*([\w.]*)", text):
        dependency = match.group(1)
        if dependency.rsplit(".", 1)[-1] in auth or (dependency and _AUTH.search(dependency)):
            return True
    return False


def _dependencies_authenticate(dependencies: Node, auth: frozenset[str] | set[str]) -> bool:
    return _mentions_auth(syntax.text(dependencies), auth)


def _hook_authenticates(hook: Node) -> bool:
    name = syntax.text(syntax.defined_name(hook))
    body = syntax.text(syntax.body_of(hook))
    return bool(_BODY_AUTH.search(body) or (_AUTH.search(name) and "abort" in body))


# ------------------------------------------------------------------------------ the handler


def _route(function: Node, facts: ModuleFacts) -> str | None:
    """The route decorator's text when it declares a data-changing method on an app or router of
    this module whose authentication is visible here, else None."""
    for decorator in syntax.decorators_of(function):
        name = web.decorator_name(decorator)
        receiver, _, method = name.rpartition(".")
        if not receiver:
            continue
        target = facts.route_object(receiver.split(".", 1)[0])
        if target is None or target.protected or not (target.is_app or target.included):
            continue
        if method in _VERBS:
            return syntax.text(decorator)
        if method in _ROUTE_METHODS:
            expression = syntax.decorator_expression(decorator)
            methods = syntax.keyword_arg(expression, "methods") if syntax.is_call(expression) else None
            if methods is None:
                continue
            values = {
                (syntax.literal_string_value(m) or "").upper()
                for m in syntax.unparenthesize(methods).named_children
            }
            if values & _WRITE_METHODS:
                return syntax.text(decorator)
    return None


def _module_level_names(function: Node) -> set[str]:
    root = function
    while root.parent is not None:
        root = root.parent
    names = set()
    for child in root.named_children:
        node = syntax.statement_expression(child)
        if syntax.is_assignment(node):
            left = syntax.assignment_sides(node)[0]
            if syntax.is_identifier(left):
                names.add(syntax.text(left))
    return names


def _root_name(node: Node | None) -> str:
    root = syntax.chain_root(node, subscripts=True)
    return syntax.text(root) if syntax.is_identifier(root) else ""


def _changes_state(function: Node, context: CheckContext) -> bool:
    """Whether the handler writes somewhere: a database, a file, a shared store, a process."""
    body = syntax.body_of(function)
    if body is None:
        return False
    # Outside the handler: module-level stores, and what the framework injects (a DB session).
    shared = _module_level_names(function) | web.injected_parameters(function)
    for call in py.unit_calls(body, context):
        callee = syntax.callee(call)
        if callee is None:
            continue
        last = syntax.callee_attribute(call)
        if last in _STATE_CALLS and syntax.is_attribute(callee):
            return True
        if last in _SHARED_MUTATORS and syntax.is_attribute(callee):
            receiver = syntax.call_receiver(call)
            if receiver is not None and (syntax.is_attribute(receiver) or _root_name(receiver) in shared):
                return True
        # `create_user(...)`, `crud.delete_item(...)`; a bare method `.update()` is a mutator above.
        helper = _WRITE_HELPER.match(last)
        if (
            helper
            and last not in _RESPONSE_HELPERS
            and (syntax.is_identifier(callee) or helper.end() < len(last))
        ):
            return True
        if last in ("execute", "executemany") and _SQL_WRITE.search(syntax.text(call)):
            return True
        if last == "open":
            mode = syntax.argument(call, 1, "mode")
            if _WRITE_MODE.match(syntax.literal_string_value(mode) or ""):
                return True
    for node in py.unit_nodes(body, syntax.ASSIGNMENT, context) + py.unit_nodes(
        body, syntax.AUGMENTED_ASSIGNMENT, context
    ):
        left = syntax.assignment_sides(node)[0]
        if (syntax.is_subscript(left) or syntax.is_attribute(left)) and _root_name(left) in shared:
            return True
    for node in py.unit_nodes(body, syntax.DELETE_STATEMENT, context):
        if any(_root_name(target) in shared for target in node.named_children):
            return True
    return _SQL_WRITE.search(syntax.text(body)) is not None


_VIEW_REQUEST_USE = re.compile(r"\brequest\.(?:POST|GET|FILES|data|body|method|user|session|COOKIES)\b")


_SETTINGS_SEARCH_DEPTH = 4


@functools.lru_cache(maxsize=64)
def _login_required_in(folder: str) -> bool:
    """Whether a Django settings module at or below ``folder`` (one level of packages deep, as
    `startproject` lays them out) enables LoginRequiredMiddleware. Read, never imported; cached
    for the process (a server restart notices a changed setting)."""
    base = Path(folder)
    candidates = [base / "settings.py", *base.glob("*/settings.py"), *base.glob("*/settings/*.py")]
    for candidate in candidates[:20]:
        try:
            if candidate.stat().st_size < 500_000 and "LoginRequiredMiddleware" in candidate.read_text(
                encoding="utf-8", errors="replace"
            ):
                return True
        except OSError:
            continue
    return False


def _django_login_required(path: str | None) -> bool:
    """Django 5.1's LoginRequiredMiddleware in the project's settings, found near the file."""
    if not path:
        return False
    folder = Path(path).resolve().parent
    for candidate in [folder, *folder.parents][:_SETTINGS_SEARCH_DEPTH]:
        if _login_required_in(str(candidate)):
            return True
        if (candidate / "manage.py").exists() or (candidate / ".git").exists():
            break
    return False


def _django_writing_view(function: Node, context: CheckContext) -> bool:
    parameters = syntax.parameter_names(function)
    if not parameters or parameters[0] != "request":
        return False
    if syntax.text(syntax.defined_name(function)).startswith("_"):
        return False  # a private helper that takes the request, not a view
    if not _VIEW_REQUEST_USE.search(syntax.text(syntax.body_of(function))):
        return False  # a view reads what the client sent (or who sent it); helpers read headers
    if syntax.is_in_block(function):
        return False  # a method or a nested function, not a module-level view
    for decorator in syntax.decorators_of(function):
        if web.decorator_name(decorator).rsplit(".", 1)[-1] in ("api_view", "login_not_required"):
            return False  # DRF: permission classes default from settings; Django 5.1: public on purpose
    for call in py.unit_calls(function, context):
        if syntax.callee_attribute(call) in _DJANGO_DB_WRITES and "session" not in syntax.text(
            syntax.callee(call)
        ):
            return True
    return False


def _authenticated(function: Node, facts: ModuleFacts) -> bool:
    for decorator in syntax.decorators_of(function):
        name = web.decorator_name(decorator)
        method = name.rpartition(".")[2]
        if method in _VERBS or method in _ROUTE_METHODS:
            expression = syntax.decorator_expression(decorator)
            dependencies = (
                syntax.keyword_arg(expression, "dependencies") if syntax.is_call(expression) else None
            )
            if dependencies is not None and _dependencies_authenticate(dependencies, facts.auth_dependencies):
                return True
            continue
        if _AUTH.search(name):
            return True
    parameters = syntax.parameters_of(function)
    if parameters is not None:
        for parameter in parameters.named_children:
            if _mentions_auth(syntax.text(parameter), facts.auth_dependencies):
                return True
            annotation = syntax.annotation_of(parameter)
            if annotation is not None and syntax.text(annotation) in facts.auth_dependencies:
                return True
    body = syntax.body_of(function)
    return body is not None and _BODY_AUTH.search(syntax.text(body)) is not None


CHECK = UnauthenticatedRouteCheck()
