"""XPath injection: an XPath expression built from web-request data.

## What it does
Flags lxml's `element.xpath(expr)` / `tree.xpath(expr)`, `lxml.etree.XPath(expr)` and
`lxml.etree.ETXPath(expr)`, and `elementpath.select(root, path)` / `elementpath.iter_select`,
when data from a web request reaches the expression (the sinks of kind `xpath` in
`data/models/python.toml`), followed by the dataflow core through variables, string building,
branches and same-file helpers. Values bound as XPath variables (`tree.xpath("//u[@n=$name]",
name=value)`) are not part of the expression and are not flagged; nor are values passed through
`int()` or checked against an allowlist.

## Why is this bad?
`' or '1'='1` in a user name turns `//user[@name='...']` into a query that matches every node:
the client reads data it should not see, or bypasses a login that checks a password in XML.

## Example
```python
name = request.args["name"]
users = tree.xpath(f"//user[@name='{name}']")
```

## Use instead
```python
users = tree.xpath("//user[@name=$name]", name=request.args["name"])
```

## References
- [CWE-643: Improper Neutralization of Data within XPath Expressions](https://cwe.mitre.org/data/definitions/643.html)
- [OWASP: XPath Injection](https://owasp.org/www-community/attacks/XPATH_Injection)
"""

from __future__ import annotations

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python import _web as web
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import Rule

RULE = Rule(
    id="LG231",
    name="xpath-injection",
    title="XPath expression built from web-request data",
    severity=Severity.ERROR,
    confidence=Confidence.HIGH,
    cwe=(643,),
    docs=__doc__,
    languages=py.PYTHON,
)


class XpathInjectionCheck(web.RequestSinkRule):
    rule = RULE
    kind = "xpath"
    callee_names = web.sink_names("xpath") | frozenset({"xpath"})

    def report(self, call: Node, name: str, value: Node, document: Document) -> Finding:
        return RULE.finding(
            document.node_span(call),
            f"`{name.rsplit('.', 1)[-1]}` evaluates an XPath expression built from web-request data; "
            "bind the value as an XPath variable ($name) instead",
        )


CHECK = XpathInjectionCheck()
