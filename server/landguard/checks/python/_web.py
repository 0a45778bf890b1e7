"""Support for the web-facing Python rules (LG220 and up), built on ``_support``.

``_support.taint`` says whether data comes from a web request; these rules also need to know
whether it was *made safe* on the way (``secure_filename``, ``escape``, ``url_for``), and
whether the function checks the value before using it (``is_relative_to``, a ``netloc``
comparison). Everything here is cheap and works on one scope at a time.

API
    ``RequestSinkRule``: a ``CallRule`` for "request data reaches this sink" rules (path traversal,
        SSRF, open redirect): set ``kind`` (its sinks are the model rows of that kind) and ``guard``
        (a pattern whose presence in the function means the value is checked).
    ``injected_parameters(function)``: route parameters the framework fills (``Depends(...)``), which
        are not request data.
    ``url_head_from_request(node, flow, imports)``: request data decides where a URL points (it is
        the URL, or comes before the host ends); ``f"https://api.example.com/u/{id}"`` does not.
    ``scope_text(scope) -> str`` and ``guarded(scope, pattern) -> bool``: a check in the function's
        text (``is_relative_to``, ``url_has_allowed_host_and_scheme``) that makes a value safe.
    ``call_info(call, unit, document, context) -> (Flow, ImportMap)``: the flow and imports for a call.
    ``is_secret_name(name) -> bool``: a variable name that holds a secret (password, api_key …).
    ``decorator_name(decorator)``, ``functions_in(unit, context)``: for route and view detection
        (a function's decorators: ``python_syntax.decorators_of``).
    ``with_import(import_edit, edit)``: a fix's edits as one edit when an import line is needed.
    ``module_expression_fix(editor, target, reference, expression, title)``: a fix replacing ``target``
        with ``<module>`` + ``expression``, ``reference`` being ``module_reference``'s answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python._dispatch import CallRule
from landguard.checks.secrets.secret_names import is_secret_name  # noqa: F401 - part of this module's API
from landguard.dataflow.models import Models, load_models
from landguard.dataflow.shapes import pins_destination
from landguard.dataflow.values import REQUEST
from landguard.engine.document import Document
from landguard.engine.findings import Finding, Fix, TextEdit
from landguard.engine.registry import CheckContext, Rule
from landguard.fixes.python_fixes import (
    StatementEditor,
    call_with_keyword,
    parse_expression,
)
from landguard.languages import python_syntax as syntax
from landguard.languages.python import INJECTED as _INJECTED

if TYPE_CHECKING:
    import libcst as cst

Taint = py.Taint


def call_info(
    call: Node, unit: Node, document: Document, context: CheckContext
) -> tuple[syntax.Flow, py.ImportMap]:
    return py.function_flow(syntax.scope_of(call, unit), context), py.scope_imports(call, document, context)


def injected_parameters(function: Node) -> frozenset[str]:
    """Route parameters filled by the framework (FastAPI ``Depends(...)``), not by the client."""
    parameters = syntax.parameters_of(function)
    if parameters is None or _INJECTED.search(syntax.text(parameters)) is None:
        return frozenset()
    names = set()
    for parameter in parameters.named_children:
        if _INJECTED.search(syntax.text(parameter)):
            name = syntax.parameter_name(parameter)
            if syntax.is_identifier(name):
                names.add(syntax.text(name))
    return frozenset(names)


def url_head_from_request(node: Node, flow: syntax.Flow, imports: dict[str, str], kind: str) -> bool:
    """Request data decides where a URL points: it is (or starts) the URL, or comes before its host ends.

    ``f"https://api.example.com/users/{user_id}"`` is not: the client picks a path on a fixed host.
    """
    values = syntax.resolve(node, flow)
    if len(values) != 1:
        return py.taint(node, flow, imports, kind, direct=True) == Taint.REQUEST
    value = syntax.unparenthesize(values[0])
    parts = _url_parts(value)
    if parts is None:
        return py.taint(value, flow, imports, kind, direct=True) == Taint.REQUEST
    head = ""
    for is_literal, part in parts:
        if is_literal:
            head += part if isinstance(part, str) else ""
            continue
        if pins_destination(head):  # `https://api.example.com/…`, a local `/path`: fixed already
            return False
        if py.taint(part, flow, imports, kind, direct=True) == Taint.REQUEST:
            return True
        if not head:
            # A base URL from a variable or setting (`API_BASE + "/x/" + name`) fixes the host.
            return False
        head += "x"  # an unknown piece: the host is not fixed yet
    return False


def _url_parts(value: Node) -> list[tuple[bool, object]] | None:
    """(is literal, text or node) pieces of a URL built by f-string or `+`, in order; None otherwise."""
    if syntax.is_interpolated_string(value):
        parts: list[tuple[bool, object]] = []
        for kind, piece in syntax.string_parts(value):
            if kind != syntax.VALUE:
                parts.append((True, syntax.text(piece)))
            elif piece is not None:
                parts.append((False, piece))
        return parts
    operation = syntax.binary_parts(value)
    if operation is not None and operation[0] == "+":
        pieces: list[tuple[bool, object]] = []
        for piece in _concat(value):
            literal = syntax.literal_string_value(piece)
            pieces.append((True, literal) if literal is not None else (False, piece))
        return pieces
    return None


def _concat(node: Node) -> list[Node]:
    node = syntax.unparenthesize(node)
    operation = syntax.binary_parts(node)
    if operation is not None and operation[0] == "+":
        _, left, right = operation
        if left is not None and right is not None:
            return _concat(left) + _concat(right)
    return [node]


def scope_text(scope: Node) -> str:
    return syntax.text(scope)


def guarded(scope: Node, pattern: re.Pattern[str]) -> bool:
    """The scope's own text contains a check matching ``pattern``."""
    return pattern.search(scope_text(scope)) is not None


def decorator_name(decorator: Node) -> str:
    """``@app.route("/x", methods=[...])`` -> ``app.route``; ``@login_required`` -> ``login_required``."""
    expression = syntax.decorator_expression(decorator)
    if expression is None:
        return ""
    if syntax.is_call(expression):
        expression = syntax.callee(expression)
    return syntax.text(expression) if expression is not None else ""


def functions_in(unit: Node, context: CheckContext) -> list[Node]:
    if syntax.is_function(unit):
        return [unit, *[f for f in py.unit_nodes(unit, syntax.FUNCTION_DEFINITION, context) if f != unit]]
    return py.unit_nodes(unit, syntax.FUNCTION_DEFINITION, context)


def sink_names(kind: str) -> frozenset[str]:
    """Last names of the sinks of ``kind`` in the Python models, for dispatching calls to a rule."""
    return frozenset(
        row.name.rsplit(".", 1)[-1]
        for row in load_models("python").sinks.rows
        if row.kind == kind and row.name
    )


class RequestSinkRule(CallRule):
    """Request data reaching a sink of ``kind`` (rows of ``data/models/python*.toml``), not sanitized
    for that kind and not checked, is reported."""

    kind: ClassVar[str] = ""
    guard: ClassVar[re.Pattern[str] | None] = None
    # For URLs: request data only matters when it decides the destination (see url_head_from_request).
    url_sink: ClassVar[bool] = False

    def sink_positions(self, name: str, call: Node, models: Models) -> list[tuple[int | None, str | None]]:
        """(position, keyword) of each argument of the call that reaches a ``kind`` sink."""
        positions: list[tuple[int | None, str | None]] = []
        for row in models.sinks.match(name, name.rsplit(".", 1)[-1]):
            if row.kind != self.kind:
                continue
            keywords = list(row.get("keywords", ()))
            for index, position in enumerate(row.get("args", ())):
                positions.append((position, keywords[index] if index < len(keywords) else None))
        return positions

    def sink_argument(self, call: Node, spec: tuple[int | None, str | None]) -> Node | None:
        index, keyword = spec
        positional = syntax.positional_args(call)
        if index is not None and index < len(positional):
            return positional[index]
        return syntax.keyword_arg(call, keyword) if keyword else None

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        dataflow = py.python_dataflow(call, context)
        found: tuple[syntax.Flow, py.ImportMap] | None = None
        for spec in self.sink_positions(name, call, dataflow.models):
            value = self.sink_argument(call, spec)
            if value is None or syntax.is_literal(value):
                continue
            # ``request_reaches``' first test (the flow's dataflow is this one), asked before the
            # scope's assignments are collected: most sink arguments cannot hold request data.
            if not dataflow.may_carry_at(value, REQUEST):
                continue
            flow, imports = found = found or call_info(call, unit, document, context)
            if not py.request_reaches(value, flow, imports, self.kind, direct=self.direct_only):
                continue
            if self.url_sink and not url_head_from_request(value, flow, imports, self.kind):
                continue
            if self.guard is not None and guarded(flow.scope, self.guard):
                return
            yield self.report(call, name, value, document)
            return

    def report(self, call: Node, name: str, value: Node, document: Document) -> Finding:
        raise NotImplementedError


def with_import(import_edit: TextEdit | None, edit: TextEdit) -> tuple[TextEdit, ...]:
    """The edits of a fix that may need an import line above the fixed statement.

    ``module_reference`` inserts ``import x`` at column 0 of the statement's line; when the
    statement itself starts at column 0 the two edits would start at the same position, which
    editors and our own tests may apply in either order. One edit over the statement, starting
    with the import, says the same thing unambiguously.
    """
    if import_edit is None:
        return (edit,)
    indent = import_edit.new_text[: len(import_edit.new_text) - len(import_edit.new_text.lstrip())]
    return (TextEdit(edit.span, import_edit.new_text.lstrip() + indent + edit.new_text),)


def module_expression_fix(
    editor: StatementEditor,
    target: cst.CSTNode | None,
    reference: tuple[str, TextEdit | None] | None,
    expression: str,
    title: str,
) -> Fix | None:
    """A preferred fix replacing ``target`` with the module's local name followed by ``expression``.

    ``reference`` is what ``module_reference`` answered for the
    module; its import edit, if any, is merged into the fix with ``with_import``.
    """
    if target is None or reference is None:
        return None
    local, import_edit = reference
    replacement = parse_expression(local + expression)
    if replacement is None:
        return None
    editor.replace(target, replacement)
    edit = editor.text_edit()
    if edit is None:
        return None
    return Fix(title, edits=with_import(import_edit, edit), preferred=True)


# ---------------------------------------------------------------------------------------- cookies

# Cookie names that carry a credential or identify a session: these need Secure and HttpOnly.
_SENSITIVE_COOKIE = re.compile(
    r"sess|token|auth|jwt|sid\b|^id$|login|remember|csrf|xsrf|credential|secret|api[_-]?key|refresh|access",
    re.I,
)
COOKIE_SETTERS = frozenset({"set_cookie", "set_signed_cookie"})


def sensitive_cookie_call(call: Node) -> str | None:
    """The name of a credential-like cookie set by ``response.set_cookie(name, value, ...)``."""
    name_node = syntax.argument(call, 0, "key")
    name = syntax.literal_string_value(name_node) if name_node is not None else None
    if name is None or not _SENSITIVE_COOKIE.search(name):
        return None
    return name


def cookie_flag_fix(call: Node, document: Document, flag: str) -> Fix | None:
    """Set ``flag=True`` on the call (replacing ``flag=False``)."""
    import libcst as cst

    editor = StatementEditor.for_node(document, call)
    target = editor.locate(call, cst.Call) if editor else None
    if editor is None or target is None:
        return None
    editor.replace(target, call_with_keyword(target, flag, cst.Name("True")))
    edit = editor.text_edit()
    return Fix(f"Set {flag}=True", (edit,), preferred=True) if edit is not None else None


class CookieFlagRule(CallRule):
    """``set_cookie`` of a credential-like cookie without ``flag=True`` (one rule per flag)."""

    callee_names = COOKIE_SETTERS

    def __init__(self, rule: Rule, flag: str) -> None:
        self.rule = rule  # type: ignore[misc]
        self.flag = flag

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        if "." not in name:
            return  # a bare function called set_cookie, not a response method
        cookie = sensitive_cookie_call(call)
        if cookie is None or syntax.has_star_args(call):
            return
        value = syntax.keyword_arg(call, self.flag)
        if value is not None and not syntax.is_false(value):
            return
        fix = cookie_flag_fix(call, document, self.flag)
        yield self.rule.finding(
            document.node_span(call),
            f"cookie `{cookie}` is set without {self.flag}=True",
            fixes=[fix] if fix is not None else [],
        )
