"""TLS set up with a broken protocol version or an unverified default context.

## What it does
Flags TLS set-ups that allow a protocol version older than TLS 1.2 or that verify nothing:
- an SSL 2/3 or TLS 1.0/1.1 protocol passed to a context or socket wrapper
  (`ssl.SSLContext(ssl.PROTOCOL_TLSv1)`, `ssl_version=ssl.PROTOCOL_SSLv3`, pyOpenSSL
  `SSL.Context(SSL.TLSv1_METHOD)`);
- `minimum_version` (or `maximum_version`) set to `ssl.TLSVersion.SSLv3`, `TLSv1` or `TLSv1_1`;
- `ssl.wrap_socket(...)`: deprecated since Python 3.7 and removed in 3.12, it checks neither the
  certificate nor the host name unless told to;
- `ssl.SSLContext()` with no protocol, `PROTOCOL_TLS` or `PROTOCOL_SSLv23` in a function that
  does not load a certificate chain (a client context): it starts with `verify_mode = CERT_NONE`
  and `check_hostname = False`.
Comparisons and tables of versions (`if ctx.minimum_version == TLSVersion.TLSv1`) are not
reported: only values given to a context.

Quick fixes: a version floor is raised to `TLSVersion.TLSv1_2`; a bare client `SSLContext()`
becomes `ssl.create_default_context()` (verification on, old versions off; marked unsafe because
servers with self-signed certificates then fail until their CA is trusted).

## Why is this bad?
SSL 3 and TLS 1.0/1.1 have practical attacks (POODLE, BEAST, downgrade to weak ciphers) and were
deprecated by RFC 8996; a peer that accepts them lets an attacker on the path force the weakest
one. A context that does not verify certificates talks to whoever answers.

## Example
```python
context = ssl.SSLContext(ssl.PROTOCOL_TLSv1)
context.minimum_version = ssl.TLSVersion.TLSv1
client = ssl.SSLContext()
```

## Use instead
```python
context = ssl.create_default_context()
context.minimum_version = ssl.TLSVersion.TLSv1_2
```

## References
- [CWE-327: Use of a Broken or Risky Cryptographic Algorithm](https://cwe.mitre.org/data/definitions/327.html)
- [CWE-326: Inadequate Encryption Strength](https://cwe.mitre.org/data/definitions/326.html)
- [CWE-295: Improper Certificate Validation](https://cwe.mitre.org/data/definitions/295.html)
- [RFC 8996: Deprecating TLS 1.0 and TLS 1.1](https://www.rfc-editor.org/rfc/rfc8996)
- [Python docs: ssl security considerations](https://docs.python.org/3/library/ssl.html#ssl-security)
- Bandit B502, B503, B504; Ruff S502, S503, S504
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python._dispatch import CallRule
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Fix, Severity
from landguard.engine.registry import CheckContext, Rule
from landguard.fixes.python_fixes import parse_expression, rewrite_fix
from landguard.languages import python_syntax as syntax

RULE = Rule(
    id="LG241",
    name="weak-tls-protocol",
    title="TLS context allows SSL/TLS 1.0/1.1 or verifies nothing",
    severity=Severity.WARNING,
    confidence=Confidence.HIGH,
    cwe=(327, 326, 295),
    docs=__doc__,
    languages=py.PYTHON,
    aliases=("B502", "B503", "B504", "S502", "S503", "S504"),
)

_OLD_PROTOCOL = re.compile(
    r"^(?:PROTOCOL_(?:SSLv2|SSLv3|TLSv1|TLSv1_1)|(?:SSLv2|SSLv3|TLSv1|TLSv1_1)_METHOD)$"
)
_OLD_VERSION = frozenset({"SSLv2", "SSLv3", "TLSv1", "TLSv1_1"})
_PROTOCOL_MODULES = frozenset({"ssl", "OpenSSL.SSL"})
# Calls a protocol constant configures (anything else holding one is a table or a comparison).
_PROTOCOL_TAKERS = frozenset({"SSLContext", "wrap_socket", "Context", "get_server_certificate", "SSLSocket"})
_UNVERIFIED_DEFAULTS = frozenset({None, "PROTOCOL_TLS", "PROTOCOL_SSLv23"})


def _constant(node: Node | None, imports: dict[str, str]) -> tuple[str, str] | None:
    """(module, name) of an `ssl`/`OpenSSL.SSL` constant such as `ssl.PROTOCOL_TLSv1`."""
    if node is None:
        return None
    qualified = syntax.qualified_name(py.unparenthesize(node), imports) or ""
    module, _, name = qualified.rpartition(".")
    if module in _PROTOCOL_MODULES or module in ("ssl.TLSVersion", "TLSVersion"):
        return module, name
    return None


def _old_protocol(node: Node | None, imports: dict[str, str]) -> str | None:
    constant = _constant(node, imports)
    if constant is None or not _OLD_PROTOCOL.match(constant[1]):
        return None
    return constant[1]


class WeakTlsProtocolCheck(CallRule):
    rule = RULE
    callee_names = _PROTOCOL_TAKERS
    unit_markers = (b"minimum_version", b"maximum_version")

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        imports = py.scope_imports(call, document, context)
        last = syntax.callee_attribute(call)
        protocol_arg = syntax.keyword_arg(call, "ssl_version") or syntax.keyword_arg(call, "protocol")
        if protocol_arg is None and last in ("SSLContext", "Context"):
            protocol_arg = syntax.argument(call, 0, None)
        old = _old_protocol(protocol_arg, imports)
        if old is not None:
            yield RULE.finding(
                document.node_span(protocol_arg),
                f"`{old}` allows a protocol version older than TLS 1.2 (SSL 3 / TLS 1.0 / 1.1 are broken); "
                "use ssl.create_default_context() or PROTOCOL_TLS_CLIENT with minimum_version TLSv1_2",
            )
            return
        if name == "ssl.wrap_socket":
            yield RULE.finding(
                document.node_span(call),
                "`ssl.wrap_socket` (removed in Python 3.12) checks neither the certificate nor the host "
                "name by default; use ssl.create_default_context().wrap_socket(sock, server_hostname=host)",
            )
            return
        if name != "ssl.SSLContext" or syntax.has_star_args(call):
            return
        given = _constant(protocol_arg, imports) if protocol_arg is not None else None
        if protocol_arg is not None and (given is None or given[1] not in _UNVERIFIED_DEFAULTS):
            return
        scope = syntax.text(syntax.scope_of(call, unit))
        if any(word in scope for word in ("load_cert_chain", "verify_mode", "check_hostname", "server_side")):
            return  # a server context, or one whose verification the code sets itself
        fix = _default_context_fix(call, document, imports)
        yield RULE.finding(
            document.node_span(call),
            "`ssl.SSLContext()` without PROTOCOL_TLS_CLIENT verifies neither the certificate nor the "
            "host name; use ssl.create_default_context()",
            confidence=Confidence.MEDIUM,
            fixes=[fix] if fix else [],
        )

    def check_unit(self, unit: Node, document: Document, context: CheckContext) -> Iterable[Finding]:
        """`context.minimum_version = ssl.TLSVersion.TLSv1`."""
        for assignment in py.unit_nodes(unit, syntax.ASSIGNMENT, context):
            target, value = syntax.assignment_sides(assignment)
            if value is None or not syntax.is_attribute(target):
                continue
            attribute = syntax.attribute_parts(target)[1]
            if attribute not in ("minimum_version", "maximum_version"):
                continue
            imports = py.scope_imports(assignment, document, context)
            constant = _constant(value, imports)
            if constant is None or constant[1] not in _OLD_VERSION:
                continue
            fix = _version_fix(value, document)
            yield RULE.finding(
                document.node_span(assignment),
                f"`{attribute} = TLSVersion.{constant[1]}` lets the connection use a protocol older "
                "than TLS 1.2; use TLSVersion.TLSv1_2 or later",
                fixes=[fix] if fix else [],
            )


def _version_fix(value: Node, document: Document) -> Fix | None:
    import libcst as cst

    return rewrite_fix(
        document,
        py.unparenthesize(value),
        cst.Attribute,
        lambda _editor, target: target.with_changes(attr=cst.Name("TLSv1_2")),
        "Require TLS 1.2 or later",
    )


def _default_context_fix(call: Node, document: Document, imports: dict[str, str]) -> Fix | None:
    import libcst as cst

    if syntax.call_receiver(call) is None:
        return None  # `from ssl import SSLContext`: no module name to reach create_default_context through

    def rewrite(editor, target):
        if not isinstance(target.func, cst.Attribute):
            return None
        return parse_expression(f"{editor.code(target.func.value)}.create_default_context()")

    return rewrite_fix(document, call, cst.Call, rewrite, "Use ssl.create_default_context()", unsafe=True)


CHECK = WeakTlsProtocolCheck()
