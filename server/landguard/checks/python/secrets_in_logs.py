"""Secrets written to logs: a password, token or API key passed to a logging call or `print`.

## What it does
Flags `logging.*`, `logger.*` / `log.*` (any receiver whose name contains `log`) and `print`
calls whose arguments contain a variable, attribute or key whose name says it holds a secret —
`password`, `passwd`, `secret`, `token`, `api_key`, `access_key`, `private_key`,
`credentials`, `client_secret` … — directly or interpolated in an f-string, `%` or
`.format()`; also an f-string such as `f"password={pw}"`. Names that describe a secret without
holding it (`password_hash`, `token_type`, `token_count`, `api_key_name`) and values passed
through a masking or hashing call (`mask(...)`, `hash(...)`, `len(...)`, `redact(...)`) are not
flagged, nor is a bare `token` in tokenizer code.

## Why is this bad?
Logs are copied to files, log shippers, dashboards and support tickets, and kept for years by
people and systems that should never see credentials. A leaked log line is a leaked password.

## Example
```python
logger.info("login for %s with password %s", user, password)
print(f"using api key {api_key}")
```

## Use instead
```python
logger.info("login for %s", user)
print(f"using api key {api_key[:4]}…")
```

## References
- [CWE-532: Insertion of Sensitive Information into Log File](https://cwe.mitre.org/data/definitions/532.html)
- [OWASP: Logging Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python import _web as web
from landguard.checks.python._dispatch import CallRule
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, Rule
from landguard.languages import python_syntax as syntax

RULE = Rule(
    id="LG229",
    name="secret-in-log",
    title="Secret written to a log or printed",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(532,),
    docs=__doc__,
    languages=py.PYTHON,
)

_LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"}
)
_MASKING = re.compile(
    r"mask|redact|hash|digest|censor|obfuscat|anonymi|sanitiz|^len$|^bool$|^type$|^isinstance$|^id$"
)
_LABELLED_INTERPOLATION = re.compile(
    r"(?:password|passwd|secret|api[_ ]?key|access[_ ]?key|private[_ ]?key|auth[_ ]?token|access[_ ]?token|"
    r"bearer)\W{0,3}$",
    re.I,
)
_TOKENIZER = re.compile(r"tokeniz|lexer|for\s+token\s+in|\btokens\b")
_NOT_VALUES = frozenset({"exc_info", "stack_info", "stacklevel", "file", "sep", "end", "flush"})


class SecretInLogCheck(CallRule):
    rule = RULE
    callee_names = _LOG_METHODS | {"print"}

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        if not _is_log_call(name):
            return
        arguments = syntax.argument_list(call)
        if arguments is None:
            return
        scope = syntax.scope_of(call, unit)
        secret = None
        for argument in arguments.named_children:
            keyword = syntax.keyword_argument_parts(argument)
            if keyword is not None:
                if keyword[0] in _NOT_VALUES:
                    continue
                argument = keyword[1]
            if argument is None or syntax.is_literal(argument):
                continue
            secret = _secret_reference(argument, scope)
            if secret:
                break
        if not secret:
            return
        where = "printed" if name == "print" else "logged"
        yield RULE.finding(
            document.node_span(call),
            f"`{secret}` looks like a secret and is {where} in clear; log that it exists, never its value",
        )


def _is_log_call(name: str) -> bool:
    if syntax.is_builtin(name, "print"):
        return True
    base, _, method = name.rpartition(".")
    if method not in _LOG_METHODS or not base:
        return False
    if base == "logging" or base.startswith("logging."):
        return True
    last = base.rsplit(".", 1)[-1].lower()
    return "log" in last and last not in ("catalog", "dialog", "blog", "backlog")


def _secret_reference(node: Node, scope: Node) -> str | None:
    """The secret-looking name referenced by ``node`` (not through a masking call), if any."""
    stack = [node]
    seen = 0
    while stack and seen < 200:
        current = stack.pop()
        seen += 1
        if syntax.is_identifier(current):
            if syntax.is_keyword_name(current):
                continue
            name = syntax.text(current)
            if _is_secret(name, scope):
                return name
        elif (attribute := syntax.attribute_parts(current)) is not None:
            if _is_secret(attribute[1], scope):
                return syntax.text(current)
        elif (subscript := syntax.subscript_parts(current)) is not None:
            value, key_node = subscript
            key = syntax.literal_string_value(key_node)
            if key is not None and _is_secret(key, scope):
                return syntax.text(current)
            if value is not None:
                stack.append(value)
        elif syntax.is_call(current):
            last = syntax.callee_attribute(current)
            if _MASKING.search(last.lower()):
                continue
            receiver = syntax.call_receiver(current)
            method_call = syntax.is_attribute(syntax.callee(current))
            if last == "get" and method_call:
                key = syntax.literal_string_value(syntax.argument(current, 0, None))
                if key is not None and _is_secret(key, scope):
                    return syntax.text(current)
            if receiver is not None:
                stack.append(receiver)
            arguments = syntax.argument_list(current)
            if arguments is not None:
                stack.extend(arguments.named_children)
        elif syntax.is_string(current):
            stack.extend(_labelled_or_interpolated(current))
            labelled = _labelled_interpolation(current)
            if labelled is not None:
                return labelled
        elif syntax.is_lambda(current) or syntax.is_comment(current) or syntax.is_number(current):
            continue
        else:
            stack.extend(current.named_children)
    return None


def _labelled_or_interpolated(node: Node) -> list[Node]:
    interpolated = [
        value for kind, value in syntax.string_parts(node) if kind == syntax.VALUE and value is not None
    ]
    return [*interpolated, *syntax.concatenated_strings(node)]


def _labelled_interpolation(node: Node) -> str | None:
    """`f"password={pw}"`: the literal text right before an interpolation names a secret."""
    if not syntax.is_plain_string(node):
        return None
    before = ""
    for kind, piece in syntax.string_parts(node):
        if kind == syntax.TEXT:
            before += syntax.text(piece)
        elif kind == syntax.VALUE:
            expression = piece
            if (
                expression is not None
                and not syntax.is_literal(expression)
                and _LABELLED_INTERPOLATION.search(before)
            ):
                if not (
                    syntax.is_call(expression)
                    and _MASKING.search(syntax.callee_attribute(expression).lower())
                ):
                    return syntax.text(expression)
            before = ""
    return None


def _is_secret(name: str, scope: Node) -> bool:
    if not web.is_secret_name(name):
        return False
    if name.lower() in ("token", "tokens", "tok"):
        # Tokenizers and parsers call their lexemes tokens.
        return not _TOKENIZER.search(web.scope_text(scope))
    return True


CHECK = SecretInLogCheck()
