"""Credentials or data sent over an unencrypted protocol: FTP, Telnet, SMTP without STARTTLS, `http://`.

## What it does
Flags code that sends a login or credentials where anyone on the network path can read them:
- `ftplib.FTP` used with a login (`FTP(host, user, password)`, or `.login(user, password)` in
  the same function); anonymous `ftp.login()` downloads are not reported. `FTP_TLS` is fine.
- `telnetlib.Telnet(...)`: Telnet has no encryption at all.
- `smtplib.SMTP(...)` followed by `.login(...)` with no `.starttls()` in the same function.
  `SMTP_SSL` is fine.
- an HTTP client call (`requests`, `httpx`, `urllib3`, `aiohttp` sessions) to a literal
  `http://` or `ftp://` URL that carries credentials: an `auth=` argument, an `Authorization`
  or API-key header, or a body with a password/token field. Local addresses (`localhost`,
  `127.0.0.1`, `::1`) and documentation hosts (`example.com`, `.test`) are not reported.

Quick fixes: `FTP` becomes `FTP_TLS`, and `server.starttls()` is inserted before an SMTP
`login` (both marked unsafe: the server must support TLS), `http://` becomes `https://`.
In test code the rule is quiet (tests talk to local servers).

## Why is this bad?
FTP, Telnet, plain SMTP and HTTP send the user name and password as they are. Anyone on the
path (shared Wi-Fi, a compromised router, a cloud neighbour, a logging proxy) reads them and
can reuse them; the data that follows can be read and changed too.

## Example
```python
ftp = ftplib.FTP("files.example.org")
ftp.login("deploy", password)

server = smtplib.SMTP("mail.example.org", 587)
server.login(user, password)
```

## Use instead
```python
ftp = ftplib.FTP_TLS("files.example.org")
ftp.login("deploy", password)
ftp.prot_p()  # encrypt the data connection too

server = smtplib.SMTP("mail.example.org", 587)
server.starttls(context=ssl.create_default_context())
server.login(user, password)
```

## References
- [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
- [CWE-523: Unprotected Transport of Credentials](https://cwe.mitre.org/data/definitions/523.html)
- Bandit B321 (ftplib), B312 (telnetlib); Ruff S321, S312
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.python import _origins as origins
from landguard.checks.python import _support as py
from landguard.checks.python import _web as web
from landguard.checks.python._dispatch import CallRule
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Fix, Severity, Span, TextEdit
from landguard.engine.registry import CheckContext, Rule
from landguard.fixes.python_fixes import (
    line_indent,
    line_statement,
    parse_expression,
    rewrite_fix,
    starts_line,
)
from landguard.languages import python_syntax as syntax

RULE = Rule(
    id="LG240",
    name="cleartext-transport",
    title="Credentials sent over an unencrypted protocol",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(319, 523),
    docs=__doc__,
    languages=py.PYTHON,
    aliases=("B321", "S321", "B312", "S312"),
)

_FTP = frozenset({"ftplib.FTP"})
_TELNET = frozenset({"telnetlib.Telnet", "telnetlib3.open_connection"})
_SMTP = frozenset({"smtplib.SMTP", "smtplib.LMTP"})
_HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "urlopen"})
_CLEAR_URL = re.compile(r"^(?:http|ftp)://([^/?#:@]*(?::[^/?#@]*)?@)?(\[[^\]]*\]|[^/?#:]*)", re.I)
_LOCAL_HOST = re.compile(
    r"^(?:localhost|127(?:\.\d+){3}|\[::1\]|0\.0\.0\.0|[\w.-]*\.(?:localhost|local|test|example|invalid)|"
    r"(?:[\w-]+\.)*example\.(?:com|org|net))$|^$|[{}%<$]",
    re.I,
)
_AUTH_HEADER = re.compile(
    r"^(?:authorization|proxy-authorization|x-api-key|api-key|x-auth-token|private-token)$", re.I
)


def _clear_url(node: Node | None, flow: py.Flow) -> tuple[Node, str] | None:
    """(the literal, its scheme and host) when ``node`` is an `http://`/`ftp://` URL to a remote host."""
    if node is None:
        return None
    values = syntax.resolve(node, flow)
    if len(values) != 1:
        return None
    literal = py.unparenthesize(values[0])
    text = syntax.literal_string_value(literal)
    if text is None:
        text = syntax.string_start_text(literal)  # f"http://host/{path}"
    if text is None:
        return None
    match = _CLEAR_URL.match(text)
    if match is None or _LOCAL_HOST.search(match.group(2)):
        return None
    return literal, text.split("://", 1)[0].lower()


def _sends_credentials(call: Node) -> str | None:
    if syntax.keyword_arg(call, "auth") is not None:
        return "`auth=` credentials"
    for key, _value in syntax.dict_items(syntax.keyword_arg(call, "headers")) or ():
        if key and _AUTH_HEADER.match(key):
            return f"an `{key}` header"
    for body in ("data", "json", "params"):
        for key, _value in syntax.dict_items(syntax.keyword_arg(call, body)) or ():
            if key and web.is_secret_name(key):
                return f"a `{key}` field"
    return None


class CleartextTransportCheck(CallRule):
    rule = RULE
    callee_names = frozenset({"FTP", "Telnet", "open_connection", "login"}) | _HTTP_METHODS

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        imports = py.scope_imports(call, document, context)
        if name in _TELNET:
            yield RULE.finding(
                document.node_span(call),
                "Telnet sends the login and the whole session unencrypted; use SSH (paramiko, asyncssh)",
            )
            return
        if name in _FTP:
            if len(syntax.positional_args(call)) >= 3 or syntax.keyword_arg(call, "passwd") is not None:
                yield self._ftp_finding(call, document)
            return
        last = syntax.callee_attribute(call)
        if last == "login":
            yield from self._login(call, unit, document, context, imports)
            return
        flow = self.flow_for(call, unit, context)
        index = 1 if last == "request" else 0
        url = _clear_url(syntax.argument(call, index, "url"), flow)
        what = _sends_credentials(call) if url is not None else None
        if url is None or what is None:
            return
        literal, scheme = url
        fix = _https_fix(literal, document) if scheme == "http" else None
        yield RULE.finding(
            document.node_span(call),
            f"sends {what} to a `{scheme}://` URL: anyone on the network path reads them; use https://",
            fixes=[fix] if fix else [],
        )

    def _ftp_finding(self, ftp: Node, document: Document) -> Finding:
        fix = _ftp_tls_fix(ftp, document)
        return RULE.finding(
            document.node_span(ftp),
            "FTP sends the user name and password unencrypted; use ftplib.FTP_TLS (and prot_p()) or SFTP",
            fixes=[fix] if fix else [],
        )

    def _login(
        self, call: Node, unit: Node, document: Document, context: CheckContext, imports: dict[str, str]
    ) -> Iterable[Finding]:
        if (
            not syntax.positional_args(call)
            and syntax.keyword_arg(call, "passwd") is None
            and (syntax.keyword_arg(call, "password") is None)
        ):
            return  # anonymous FTP
        receiver = syntax.call_receiver(call)
        flow = self.flow_for(call, unit, context)
        ftp = origins.made_by(receiver, _FTP, flow, imports, call)
        if ftp is not None:
            if len(syntax.positional_args(ftp)) < 3:  # else reported at the constructor
                yield self._ftp_finding(ftp, document)
            return
        smtp = origins.made_by(receiver, _SMTP, flow, imports, call)
        if smtp is None or receiver is None:
            return
        scope = syntax.scope_of(call, unit)
        between = document.source[smtp.end_byte : call.start_byte]
        if b"starttls" in between or b"starttls" in document.source[scope.start_byte : scope.end_byte]:
            return
        fix = _starttls_fix(call, receiver, document)
        yield RULE.finding(
            document.node_span(call),
            "SMTP login without starttls() sends the password unencrypted; call starttls() first "
            "or use smtplib.SMTP_SSL",
            confidence=Confidence.HIGH,
            fixes=[fix] if fix else [],
        )


def _https_fix(literal: Node, document: Document) -> Fix | None:
    import libcst as cst

    def rewrite(editor, target):
        code = editor.code(target)
        index = code.lower().find("http://")
        return (
            parse_expression(code[:index] + "https://" + code[index + len("http://") :])
            if index >= 0
            else None
        )

    return rewrite_fix(document, literal, cst.BaseExpression, rewrite, "Use https://")


def _ftp_tls_fix(call: Node, document: Document) -> Fix | None:
    import libcst as cst

    if syntax.call_receiver(call) is None:
        return None  # `from ftplib import FTP`: FTP_TLS would need an import

    def rewrite(_editor, target):
        if not isinstance(target.func, cst.Attribute):
            return None
        return target.with_changes(func=target.func.with_changes(attr=cst.Name("FTP_TLS")))

    return rewrite_fix(document, call, cst.Call, rewrite, "Use ftplib.FTP_TLS", unsafe=True)


def _starttls_fix(login: Node, receiver: Node, document: Document) -> Fix | None:
    statement = line_statement(login)
    if statement is None or not starts_line(document, statement) or not syntax.is_identifier(receiver):
        return None
    if not syntax.is_expression_statement(statement):
        return None
    line = statement.start_point[0]
    indent = line_indent(document, statement)
    edit = TextEdit(Span(line, 0, line, 0), f"{indent}{syntax.text(receiver)}.starttls()\n")
    return Fix("Call starttls() before login", edits=(edit,), preferred=True, unsafe=True)


CHECK = CleartextTransportCheck()
