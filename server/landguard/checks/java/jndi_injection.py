"""JNDI injection: a naming lookup of a name from request data.

## What it does
Flags request data, or a method parameter built into the name, that reaches a JNDI lookup -
``InitialContext.lookup``/``lookupLink``, ``DirContext``/``LdapContext.lookup``, Spring's
``JndiTemplate.lookup`` (sinks of kind ``jndi`` in ``data/models/java*.toml``) - followed through
the method and same-file helpers by the dataflow core. A name whose constant start fixes the
naming system (``"java:comp/env/" + name``) is not reported, nor a name checked against an
allow-list. Request data gives high confidence; a parameter built into a name here
(``"ldap://" + host``) medium; a parameter passed on whole or only reshaped (``name.get(0)``,
as naming providers do) is the caller's to check.

## Why is this bad?
A JNDI name can be a URL: ``ldap://evil.example/x`` or ``rmi://...`` makes the server fetch an
object from the attacker's directory, which can load and run the attacker's classes (the
mechanism behind Log4Shell) or leak data to them.

## Example
```java
Object bean = new InitialContext().lookup(request.getParameter("resource"));
```

## Use instead
```java
Object bean = new InitialContext().lookup("java:comp/env/" + RESOURCES.get(request.getParameter("resource")));
```
Look up only names of your own environment, chosen from a fixed set.

## References
- CWE-74: Improper Neutralization of Special Elements in Output Used by a Downstream Component
  ('Injection') (https://cwe.mitre.org/data/definitions/74.html)
- CWE-20: Improper Input Validation
"""

from __future__ import annotations

from landguard.checks.java._support import (
    JavaTaintCheck,
    expression_shape,
    sink_arguments,
)
from landguard.dataflow.interpret import FunctionFacts, SinkHit
from landguard.dataflow.shapes import pins_destination
from landguard.engine.findings import Confidence, Severity
from landguard.engine.registry import Rule

RULE = Rule(
    id="LG416",
    name="jndi-injection",
    title="JNDI lookup of a name from untrusted data",
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    cwe=(74,),
    docs=__doc__,
    languages=frozenset({"java"}),
    aliases=("java.lang.security.audit.jndi-injection",),
)


class JndiInjectionCheck(JavaTaintCheck):
    rule = RULE
    kind = "jndi"
    message = (
        "JNDI name built from {what} reaches {method}(){where}; a name like ldap://... loads remote objects"
    )
    needles = (b"lookup",)
    # A parameter only reshaped on its way (``name.get(0)``, a naming provider passing the rest
    # of a name on) is the caller's to check; a URL built from it is not.
    parameters_when_built = True

    def reports(self, facts: FunctionFacts, hit: SinkHit) -> bool:
        shapes = [expression_shape(facts, expr) for expr in sink_arguments(hit)]
        if hit.via_helper is not None:
            return True  # the helper may add its own prefix: only its argument is known here
        return not (shapes and all(_pins_context(shape.prefix or "") for shape in shapes))


def _pins_context(prefix: str) -> bool:
    """``java:comp/env/``, ``ldap://host/``, or a relative name (``cn=``): what follows cannot
    choose another naming system or server (a URL scheme counts only at the very start)."""
    if prefix.startswith("java:") or pins_destination(prefix):
        return True
    return bool(prefix) and ":" not in prefix and "/" not in prefix


CHECK = JndiInjectionCheck()
