"""XPath injection: XPath expressions built from strings.

## What it does
Flags ``XPath.compile(...)`` and ``XPath.evaluate(...)`` whose expression is concatenated or
formatted from non-constant values (directly or via a local variable). Request data in the
expression raises the confidence.

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

from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.java._support import (
    JavaCheck,
    call_args,
    call_object,
    confidence_for,
    matches,
    method_scope,
    receiver_is,
    source_words,
)
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, Rule

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

_CALLS = (
    '(method_invocation name: (identifier) @m (#any-of? @m "compile" "evaluate" "evaluateExpression")) @call'
)


def _is_xpath_type(type_name: str) -> bool:
    return type_name == "XPath"


def _is_xpath_name(lowered: str) -> bool:
    return "xpath" in lowered


class XpathInjectionCheck(JavaCheck):
    rules = (RULE,)
    needles = (b"XPath", b"xpath", b"xPath")

    def check_unit(self, unit: Node, document, context: CheckContext) -> Iterable[Finding]:
        for _pattern, captures in matches(_CALLS, unit):
            call = captures["call"][0]
            args = call_args(call)
            if not args:
                continue
            scope = method_scope(unit, document, context)
            if not receiver_is(scope, call_object(call), _is_xpath_type, _is_xpath_name):
                continue
            shape = scope.string_shape(args[0])
            if not shape.is_dynamic or not (shape.literal_text or shape.tainted):
                continue  # an expression passed in whole is the caller's to check
            yield RULE.finding(
                document.node_span(call),
                f"XPath expression built from {source_words(shape.tainted)}; use XPath variables ($name) with a variable resolver",
                confidence=confidence_for(shape.tainted),
            )


CHECK = XpathInjectionCheck()
