"""LDAP injection: search filters built from strings.

## What it does
Flags LDAP search filters that request data or a parameter built into them reaches: the filter
argument of ``DirContext.search``/``LdapContext.search``, Spring ``LdapTemplate.search`` and
``LdapQueryBuilder.filter`` (sinks of kind ``ldap`` in ``data/models/java*.toml``), followed
through the method and same-file helpers by the dataflow core. ``LdapEncoder.filterEncode``,
ESAPI ``encodeForLDAP``, a number parse or an allow-list check make the value safe; escaping
for another kind (HTML, a file name) does not. Request data gives high confidence, a parameter
medium.

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

from landguard.checks.java._support import JavaTaintCheck
from landguard.engine.findings import Confidence, Severity
from landguard.engine.registry import Rule

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


class LdapInjectionCheck(JavaTaintCheck):
    rule = RULE
    kind = "ldap"
    message = "LDAP filter built from {what} reaches {method}(){where}; use a {{0}} placeholder with filter arguments"
    needles = (b"search(", b"filter(", b"searchForObject")
    parameters_when_built = True


CHECK = LdapInjectionCheck()
