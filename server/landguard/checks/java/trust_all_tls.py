"""Trust-all TLS: certificate and host name checks switched off.

## What it does
Flags ``X509TrustManager`` implementations whose ``checkServerTrusted`` does nothing (an
empty body, or only ``return``/comments), ``HostnameVerifier``s that accept every host (a
lambda or a ``verify`` method returning ``true``, ``NoopHostnameVerifier``,
``ALLOW_ALL_HOSTNAME_VERIFIER``, Apache's ``TrustAllStrategy``), and ``SSLContext.init``
given a trust manager defined in the file to trust everything.

## Why is this bad?
TLS protects only when the client checks who it talks to. A trust manager that accepts any
certificate, or a verifier that accepts any host name, lets anyone on the network path
impersonate the server and read or change the traffic, credentials included.

## Example
```java
TrustManager[] trustAll = { new X509TrustManager() {
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}
    ...
}};
connection.setHostnameVerifier((host, session) -> true);
```

## Use instead
Keep the JDK defaults. For a private CA or a self-signed test server, load its certificate
into a ``KeyStore`` and build the ``TrustManagerFactory`` from it; never accept all.

## References
- CWE-295: Improper Certificate Validation (https://cwe.mitre.org/data/definitions/295.html)
"""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.java._support import JavaCheck, method_scope
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, Rule, RunKey
from landguard.languages.java_syntax import (
    body_of,
    call_args,
    call_object,
    class_methods,
    creations,
    declarators_of,
    declared_name,
    field_reads,
    initial_value,
    is_block,
    is_identifier,
    is_lambda,
    is_method_call,
    is_no_op_statement,
    is_return,
    is_true,
    local_declarations,
    method_calls,
    method_declarations,
    node_text,
    parameters_of,
    returned_value,
    simple_type,
    statement_expression,
    statements_in,
    unwrap,
)
from landguard.languages.questions import Questions

RULE = Rule(
    id="LG407",
    name="trust-all-tls",
    title="TLS certificate or host name checks disabled",
    severity=Severity.ERROR,
    confidence=Confidence.HIGH,
    cwe=(295,),
    docs=__doc__,
    languages=frozenset({"java"}),
    aliases=("find_sec_bugs.WEAK_TRUST_MANAGER", "find_sec_bugs.WEAK_HOSTNAME_VERIFIER"),
)

_NODES = Questions(
    method=method_declarations(("checkServerTrusted", "verify")),
    setter=method_calls(
        ("setHostnameVerifier", "setDefaultHostnameVerifier", "setSSLHostnameVerifier", "hostnameVerifier")
    ),
    declaration=local_declarations(("HostnameVerifier",)),
    allow=field_reads(("ALLOW_ALL_HOSTNAME_VERIFIER", "INSTANCE")),
    noop=creations(type_matching="(NoopHostnameVerifier|TrustAllStrategy|AllowAllHostnameVerifier)$"),
    init=method_calls(("init",)),
)


def is_trust_all_method(document, method: Node) -> bool:
    """``checkServerTrusted`` with an empty body / ``verify`` that only returns true."""
    body = body_of(method)
    if body is None:
        return False
    name = node_text(document, declared_name(method))
    statements = statements_in(body)
    if name == "checkServerTrusted":
        return all(
            is_no_op_statement(s) or is_return(s) or _is_logging(document, s) for s in body.named_children
        )
    return len(statements) == 1 and _returns_true(statements[0])


def _is_logging(document, statement: Node) -> bool:
    """``log.debug(...)`` / ``System.out.println(...)``: a statement that checks nothing."""
    call = statement_expression(statement)
    if not is_method_call(call):
        return False
    receiver = node_text(document, call_object(call)).lower()
    return receiver in ("log", "logger", "system.out", "system.err", "logging") or receiver.endswith("logger")


def _returns_true(statement: Node) -> bool:
    return is_true(unwrap(returned_value(statement)))


def _always_true_lambda(node: Node | None) -> bool:
    node = unwrap(node)
    if not is_lambda(node):
        return False
    body = body_of(node)
    if body is None:
        return False
    if is_true(body):
        return True
    if is_block(body):
        statements = statements_in(body)
        return len(statements) == 1 and _returns_true(statements[0])
    return False


class TrustAllTlsCheck(JavaCheck):
    rule = RULE
    needles = (b"checkServerTrusted", b"HostnameVerifier", b"verify", b"TrustAllStrategy", b"init(")

    def module_context_key(self, document, context: CheckContext) -> object:
        return (super().module_context_key(document, context), trust_all_classes(document, context))

    def check_unit(self, unit: Node, document, context: CheckContext) -> Iterable[Finding]:
        reported: set[int] = set()
        for question, node, name in _NODES.ask(unit, document):
            finding = None
            if question == "method":
                if is_trust_all_method(document, node) and self._is_tls_method(document, node):
                    what = (
                        "checkServerTrusted accepts every certificate"
                        if node_text(document, name) == "checkServerTrusted"
                        else "HostnameVerifier accepts every host name"
                    )
                    finding = (name, what)
            elif question == "setter":
                args = call_args(node)
                if args and _always_true_lambda(args[-1]):
                    finding = (args[-1], "HostnameVerifier accepts every host name")
            elif question == "declaration":
                for declarator in declarators_of(node):
                    value = initial_value(declarator)
                    if _always_true_lambda(value):
                        finding = (value, "HostnameVerifier accepts every host name")
            elif question == "allow":
                text = node_text(document, node)
                if text.endswith("ALLOW_ALL_HOSTNAME_VERIFIER") or text.endswith(
                    "NoopHostnameVerifier.INSTANCE"
                ):
                    finding = (node, f"{text} accepts every host name")
            elif question == "noop":
                created = simple_type(node_text(document, name))
                finding = (node, f"{created} turns off certificate or host name checks")
            elif self._init_with_trust_all(unit, document, context, node):
                finding = (
                    node,
                    "SSLContext is initialised with a trust manager that accepts every certificate",
                )
            if finding is not None and finding[0] is not None and finding[0].start_byte not in reported:
                reported.add(finding[0].start_byte)
                yield RULE.finding(
                    document.node_span(finding[0]),
                    f"{finding[1]}; keep the default checks or pin a trust store",
                )

    @staticmethod
    def _is_tls_method(document, method: Node) -> bool:
        parameters = parameters_of(method)
        text = node_text(document, parameters) if parameters is not None else ""
        name = node_text(document, declared_name(method))
        if name == "checkServerTrusted":
            return "X509Certificate" in text
        return "SSLSession" in text

    @staticmethod
    def _init_with_trust_all(unit, document, context, call: Node) -> bool:
        """``ctx.init(km, managers, random)`` where ``managers`` holds a trust-all manager of this unit."""
        args = call_args(call)
        if len(args) != 3:
            return False
        managers = unwrap(args[1])
        if managers is None:
            return False
        if is_identifier(managers):
            values = method_scope(unit, document, context).values.get(node_text(document, managers), [])
            candidates = [value for _op, value in values]
        else:
            candidates = [managers]
        named = trust_all_classes(document, context)
        for candidate in candidates:
            for question, node, name in _TRUST_MANAGERS.ask(candidate, document):
                if question == "method" and is_trust_all_method(document, node):
                    return True
                if question == "creation" and node_text(document, name) in named:
                    return True
        return False


# In a value given to SSLContext.init: an anonymous trust manager, or one of a named class.
_TRUST_MANAGERS = Questions(
    method=method_declarations(("checkServerTrusted",)),
    creation=creations(simple_type_only=True),
)
_TRUST_ALL_CLASSES = Questions(method=class_methods(("checkServerTrusted",)))


def trust_all_classes(document, context: CheckContext) -> frozenset[str]:
    """Names of classes in the document whose checkServerTrusted accepts everything."""

    def build() -> frozenset[str]:
        names: set[str] = set()
        if document.tree is not None and b"checkServerTrusted" in document.source:
            for _method, method, class_name in _TRUST_ALL_CLASSES.ask(document.tree.root_node, document):
                if is_trust_all_method(document, method):
                    names.add(node_text(document, class_name))
        return frozenset(names)

    return context.cache.get(_TRUST_ALL, None, build)


_TRUST_ALL: RunKey[frozenset[str]] = RunKey("LG4xx.trust_all_classes")


CHECK = TrustAllTlsCheck()
