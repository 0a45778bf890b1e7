"""LDAP injection: search filters built from strings.

## What it does
Flags ``DirContext.search``/``LdapContext.search`` (and Spring's ``LdapTemplate.search``)
whose filter argument is concatenated or formatted from non-constant values, and
``LdapQueryBuilder.filter(String)`` given such a string. Values escaped with an encoder
(``LdapEncoder.filterEncode``, ``encodeForLDAP``) are fine; request data raises the confidence.

## Why is this bad?
``*``, ``(``, ``)`` and ``\\`` are filter syntax. A user name like ``*)(uid=*))(|(uid=*``
changes the filter: it can match every entry, bypass a password check or enumerate the
directory.

## Example
```java
ctx.search("ou=people,dc=example,dc=com", "(uid=" + username + ")", controls);
```

## Use instead
```java
ctx.search("ou=people,dc=example,dc=com", "(uid={0})", new Object[] {username}, controls);
```
JNDI escapes the ``{0}`` arguments itself; with Spring LDAP use
``LdapQueryBuilder.query().where("uid").is(username)``.

## References
- CWE-90: Improper Neutralization of Special Elements used in an LDAP Query
  (https://cwe.mitre.org/data/definitions/90.html)
"""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.java._support import (
    JavaCheck,
    call_args,
    call_name,
    call_object,
    confidence_for,
    matches,
    method_scope,
    node_text,
    receiver_is,
    source_words,
)
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, Rule

RULE = Rule(
    id="LG409",
    name="ldap-injection",
    title="LDAP filter built from strings",
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    cwe=(90,),
    docs=__doc__,
    languages=frozenset({"java"}),
    aliases=("find_sec_bugs.LDAP_INJECTION",),
)

_CALLS = '(method_invocation name: (identifier) @m (#any-of? @m "search" "filter" "searchForObject")) @call'
_LDAP_TYPES = (
    "DirContext",
    "LdapContext",
    "InitialDirContext",
    "InitialLdapContext",
    "LdapTemplate",
    "LdapOperations",
)


def _is_ldap_type(type_name: str) -> bool:
    return type_name.endswith(_LDAP_TYPES)


def _is_ldap_name(lowered: str) -> bool:
    return "ctx" in lowered or "context" in lowered or "ldap" in lowered


class LdapInjectionCheck(JavaCheck):
    rules = (RULE,)
    needles = (b"search(", b"filter(", b"searchForObject")

    def check_unit(self, unit: Node, document, context: CheckContext) -> Iterable[Finding]:
        for _pattern, captures in matches(_CALLS, unit):
            call = captures["call"][0]
            args = call_args(call)
            if not args:
                continue
            scope = method_scope(unit, document, context)
            name = call_name(document, call)
            if name == "filter":
                if "query" not in node_text(document, call_object(call)).lower():
                    continue
                filter_arg = args[0]
            else:
                if len(args) < 2 or not receiver_is(scope, call_object(call), _is_ldap_type, _is_ldap_name):
                    continue
                filter_arg = args[1]
            shape = scope.string_shape(filter_arg)
            if not shape.is_dynamic or "=" not in shape.literal_text:
                continue
            yield RULE.finding(
                document.node_span(call),
                f"LDAP filter built from {source_words(shape.tainted)}; use a {{0}} placeholder with filter arguments",
                confidence=confidence_for(shape.tainted),
            )


CHECK = LdapInjectionCheck()
