"""XPath injection: XPath expressions built from strings.

## What it does
Flags ``XPath.compile(...)`` and ``XPath.evaluate(...)`` whose expression request data or a
parameter built into it reaches (sinks of kind ``xpath`` in ``data/models/java.toml``), followed
through the method and same-file helpers by the dataflow core. ESAPI ``encodeForXPath``, a
number parse or an allow-list check on the way make it safe; an expression passed in whole is
the caller's to check. Request data gives high confidence, a parameter medium.

## Why is this bad?
A value such as ``' or '1'='1`` rewrites the expression: a login check against an XML user
store passes for anyone, and other nodes of the document can be read.

## Example
```java
xpath.evaluate("//user[name='" + name + "' and password='" + password + "']", doc);
```

## Use instead
```java
xpath.setXPathVariableResolver(variable -> variable.getLocalPart().equals("name") ? name : null);
xpath.evaluate("//user[name=$name]", doc);
```

## References
- CWE-643: Improper Neutralization of Data within XPath Expressions
  (https://cwe.mitre.org/data/definitions/643.html)
"""

from __future__ import annotations

from landguard.checks.java._support import JavaTaintCheck
from landguard.engine.findings import Confidence, Severity
from landguard.engine.registry import Rule

RULE = Rule(
    id="LG410",
    name="xpath-injection",
    title="XPath expression built from strings",
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    cwe=(643,),
    docs=__doc__,
    languages=frozenset({"java"}),
    aliases=("find_sec_bugs.XPATH_INJECTION",),
)


class XpathInjectionCheck(JavaTaintCheck):
    rule = RULE
    kind = "xpath"
    message = "XPath expression built from {what} reaches {method}(){where}; use XPath variables ($name) with a variable resolver"
    needles = (b"XPath", b"xpath", b"xPath")


CHECK = XpathInjectionCheck()
