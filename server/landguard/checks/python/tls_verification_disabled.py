"""TLS certificate verification turned off.

## What it does
Flags `verify=False` passed to `requests`/`httpx` calls, sessions and clients; `ssl=False` or
`verify_ssl=False` for `aiohttp`; `ssl._create_unverified_context`; `ssl.CERT_NONE` used as a
setting; `context.check_hostname = False`; and `urllib3.disable_warnings()`, which silences the
warning that verification is off.

## Why is this bad?
Without certificate and host name checks, anyone on the network path (public Wi-Fi, a proxy, a
compromised router) can impersonate the server, read the traffic and change it: credentials and
tokens sent over such a connection are exposed. Disabling verification is the usual answer
assistants give to `SSLError: CERTIFICATE_VERIFY_FAILED`; the right answer is to trust the
correct CA.

## Example
```python
response = requests.get(url, verify=False)
context = ssl._create_unverified_context()
```

## Use instead
```python
response = requests.get(url)  # or verify="/path/to/internal-ca.pem"
context = ssl.create_default_context(cafile="internal-ca.pem")
```
The quick fix removes `verify=False` (and aiohttp's `ssl=False`), restoring the default,
verified behaviour.

## References
- [CWE-295: Improper Certificate Validation](https://cwe.mitre.org/data/definitions/295.html)
- Bandit B501, B323; Ruff S501, S323
"""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python._dispatch import CallRule
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Fix, Severity
from landguard.engine.registry import CheckContext, Rule
from landguard.fixes.python_fixes import StatementEditor, call_without_keyword
from landguard.languages import python_syntax as syntax

RULE = Rule(
    id="LG205",
    name="tls-verification-disabled",
    title="TLS certificate verification disabled",
    severity=Severity.ERROR,
    confidence=Confidence.HIGH,
    cwe=(295,),
    docs=__doc__,
    languages=py.PYTHON,
    aliases=("B501", "S501", "B323", "S323"),
)

_HTTP_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "request", "send", "stream", "ws_connect"}
)
_HTTP_LIBRARIES = ("requests.", "httpx.", "aiohttp.", "urllib3.")


class TlsVerificationCheck(CallRule):
    rule = RULE
    callee_names = frozenset(
        _HTTP_METHODS
        | {
            "_create_unverified_context",
            "disable_warnings",
            "Client",
            "AsyncClient",
            "TCPConnector",
            "ClientSession",
        }
    )
    unit_markers = (b"CERT_NONE", b"check_hostname", b"_create_unverified_context")

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        return self._check_call(call, document, context)

    def check_unit(self, unit: Node, document: Document, context: CheckContext) -> Iterable[Finding]:
        source = document.source
        findings: list[Finding] = []
        if source.find(b"check_hostname", unit.start_byte, unit.end_byte) >= 0:
            for assignment in py.unit_nodes(unit, syntax.ASSIGNMENT, context):
                left, right = syntax.assignment_sides(assignment)
                if (
                    syntax.is_attribute(left)
                    and syntax.attribute_parts(left)[1] == "check_hostname"
                    and syntax.is_false(right)
                ):
                    findings.append(
                        RULE.finding(
                            document.node_span(assignment),
                            "`check_hostname = False` accepts a valid certificate for any host name",
                        )
                    )
        if (
            source.find(b"CERT_NONE", unit.start_byte, unit.end_byte) >= 0
            or source.find(b"_create_unverified_context", unit.start_byte, unit.end_byte) >= 0
        ):
            findings.extend(self._check_references(unit, document, context))
        return findings

    def _check_call(self, call: Node, document: Document, context: CheckContext) -> Iterable[Finding]:
        imports = py.scope_imports(call, document, context)
        name = syntax.qualified_call_name(call, imports) or ""
        last = syntax.callee_attribute(call)
        if name == "ssl._create_unverified_context":
            yield RULE.finding(
                document.node_span(call),
                "`ssl._create_unverified_context()` makes a context that checks neither certificate nor host",
            )
            return
        if name.endswith("disable_warnings") and "urllib3" in name:
            yield RULE.finding(
                document.node_span(call),
                "`urllib3.disable_warnings()` hides the warning that TLS verification is off",
                severity=Severity.WARNING,
                confidence=Confidence.MEDIUM,
            )
            return
        http_call = name.startswith(_HTTP_LIBRARIES) or last in _HTTP_METHODS
        if not http_call:
            return
        for keyword in ("verify", "ssl", "verify_ssl"):
            value = syntax.keyword_arg(call, keyword)
            if value is None or not syntax.is_false(value):
                continue
            if keyword != "verify" and not (name.startswith("aiohttp.") or last in _HTTP_METHODS):
                continue
            fixes = []
            fix = _remove_keyword_fix(call, keyword, document)
            if fix is not None:
                fixes.append(fix)
            yield RULE.finding(
                document.node_span(syntax.keyword_argument_node(call, keyword) or call),
                f"`{keyword}=False` turns off TLS certificate verification for this connection",
                fixes=fixes,
            )

    def _check_references(self, unit: Node, document: Document, context: CheckContext) -> Iterable[Finding]:
        for reference in py.unit_nodes(unit, syntax.ATTRIBUTE, context) + py.unit_nodes(
            unit, syntax.IDENTIFIER, context
        ):
            parent = reference.parent
            if syntax.attribute_read_off(reference) is not None:
                continue  # part of a longer chain; the chain itself is visited
            if syntax.is_call(parent) and syntax.callee(parent) == reference:
                continue  # calls are reported by _check_call
            if syntax.is_identifier(reference) and syntax.is_attribute(parent):
                continue
            raw = syntax.text(reference)
            if not raw.endswith(("CERT_NONE", "_create_unverified_context")):
                continue
            qualified = syntax.qualified_name(reference, py.scope_imports(reference, document, context))
            if qualified == "ssl.CERT_NONE" and syntax.stored_or_passed(reference):
                yield RULE.finding(
                    document.node_span(reference),
                    "`ssl.CERT_NONE` accepts any certificate, even a forged one",
                )
            elif qualified == "ssl._create_unverified_context":
                yield RULE.finding(
                    document.node_span(reference),
                    "`ssl._create_unverified_context` makes contexts that check neither certificate nor host",
                )


def _remove_keyword_fix(call: Node, keyword: str, document: Document) -> Fix | None:
    import libcst as cst

    editor = StatementEditor.for_node(document, call)
    if editor is None:
        return None
    target = editor.locate(call, cst.Call)
    if target is None:
        return None
    editor.replace(target, call_without_keyword(target, keyword))
    edit = editor.text_edit()
    return (
        Fix(f"Remove {keyword}=False (verify certificates)", edits=(edit,), preferred=True) if edit else None
    )


CHECK = TlsVerificationCheck()
