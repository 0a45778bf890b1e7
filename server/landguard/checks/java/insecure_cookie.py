"""Insecure cookies: cookies sent without the Secure and HttpOnly flags.

## What it does
Flags a ``new Cookie(...)`` added to the response (``response.addCookie``) in the same method
without ``setSecure(true)`` or without ``setHttpOnly(...)``, and Spring's
``ResponseCookie.from(...)`` builders that never call ``.secure(true)`` or ``.httpOnly(...)``.
An explicit ``setHttpOnly(false)`` is taken as a deliberate choice (a cookie scripts must read).

## Why is this bad?
Without ``Secure`` the browser also sends the cookie over plain HTTP, where anyone on the
network reads it; without ``HttpOnly`` any injected script can steal it with
``document.cookie``. For a session cookie either means account takeover.

## Example
```java
Cookie cookie = new Cookie("session", token);
response.addCookie(cookie);
```

## Use instead
```java
Cookie cookie = new Cookie("session", token);
cookie.setSecure(true);
cookie.setHttpOnly(true);
response.addCookie(cookie);
```
The quick fix inserts the missing calls after the cookie's declaration.

## References
- CWE-614: Sensitive Cookie in HTTPS Session Without 'Secure' Attribute
  (https://cwe.mitre.org/data/definitions/614.html)
- CWE-1004: Sensitive Cookie Without 'HttpOnly' Flag (https://cwe.mitre.org/data/definitions/1004.html)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.java._support import JavaCheck
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, Rule
from landguard.fixes.java_fixes import add_calls_after_declaration
from landguard.languages.java_syntax import (
    assignment_target,
    call_args,
    call_name,
    call_object,
    creations,
    is_assignment,
    is_declarator,
    is_field_access,
    is_method_call,
    method_calls,
    node_text,
)
from landguard.languages.questions import Questions

RULE = Rule(
    id="LG411",
    name="insecure-cookie",
    title="Cookie without Secure or HttpOnly",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(614, 1004),
    docs=__doc__,
    languages=frozenset({"java"}),
    aliases=("find_sec_bugs.INSECURE_COOKIE", "find_sec_bugs.HTTPONLY_COOKIE"),
)

_NODES = Questions(
    cookie=creations(type_matching="^(javax[.]servlet[.]http[.]|jakarta[.]servlet[.]http[.])?Cookie$"),
    call=method_calls(("setSecure", "setHttpOnly", "setMaxAge", "addCookie"), with_receiver=True),
    builder=method_calls(("from", "fromClientResponse"), receiver_named=("ResponseCookie",)),
)


def _flags(missing: list[str]) -> str:
    """``Secure flag`` / ``Secure and HttpOnly flags``."""
    return f"{' and '.join(missing)} flag{'s' if len(missing) > 1 else ''}"


class InsecureCookieCheck(JavaCheck):
    rule = RULE
    needles = (b"Cookie",)

    def check_unit(self, unit: Node, document, context: CheckContext) -> Iterable[Finding]:
        cookies: list[Node] = []
        builders: list[Node] = []
        calls: dict[str, dict[str, list[str]]] = {}
        for question, node, name in _NODES.ask(unit, document):
            if question == "cookie":
                cookies.append(node)
            elif question == "call":
                args = call_args(node)
                target = node_text(document, call_object(node))
                method = node_text(document, name)
                if method == "addCookie":
                    target = node_text(document, args[0]) if args else ""
                value = node_text(document, args[0]).strip() if args else ""
                calls.setdefault(target, {}).setdefault(method, []).append(value)
            else:
                builders.append(node)
        for creation in cookies:
            finding = self._check_cookie(document, creation, calls)
            if finding is not None:
                yield finding
        for builder in builders:
            finding = self._check_builder(document, builder)
            if finding is not None:
                yield finding

    @staticmethod
    def _check_cookie(document, creation: Node, calls: dict[str, dict[str, list[str]]]) -> Finding | None:
        declarator = creation.parent
        if is_declarator(declarator) or is_assignment(declarator):
            name = node_text(document, assignment_target(declarator))
        else:
            # response.addCookie(new Cookie(...)): nothing can have set the flags.
            parent = declarator.parent if declarator is not None else None
            if not is_method_call(parent) or call_name(document, parent) != "addCookie":
                return None
            name, declarator = "", None
        used = calls.get(name, {}) if name else {}
        if name and "addCookie" not in used:
            return None  # not sent in this method
        if "0" in used.get("setMaxAge", []):
            return None  # a deletion: the browser drops the cookie at once
        secure = used.get("setSecure", [])
        http_only = used.get("setHttpOnly", [])
        missing = []
        # setSecure(request.isSecure()) is a decision; only no call or a literal false is missing.
        if not secure or all(value == "false" for value in secure):
            missing.append("Secure")
        if not http_only:
            missing.append("HttpOnly")
        if not missing:
            return None
        fixes = []
        # setSecure(false) or setSecure(flag) later in the method would undo an inserted call: no fix then.
        if is_declarator(declarator) and not (secure and "Secure" in missing):
            lines = [f"{name}.set{flag}(true);" for flag in missing]
            fix = add_calls_after_declaration(document, declarator, lines, f"Set {' and '.join(missing)}")
            if fix is not None:
                fixes.append(fix)
        return RULE.finding(
            document.node_span(creation),
            f"Cookie is sent without the {_flags(missing)}",
            fixes=fixes,
        )

    @staticmethod
    def _check_builder(document, builder: Node) -> Finding | None:
        """``ResponseCookie.from(...)...build()``: the whole chain is the builder's parents."""
        chain = builder
        while is_method_call(chain.parent) or is_field_access(chain.parent):
            if call_object(chain.parent) is not None and call_object(chain.parent).id != chain.id:
                break
            chain = chain.parent
        text = node_text(document, chain)
        missing = []
        if not re.search(r"\.secure\(\s*true\s*\)", text):
            missing.append("Secure")
        if ".httpOnly(" not in text:
            missing.append("HttpOnly")
        if not missing:
            return None
        return RULE.finding(
            document.node_span(builder),
            f"ResponseCookie is built without the {_flags(missing)}",
        )


CHECK = InsecureCookieCheck()
