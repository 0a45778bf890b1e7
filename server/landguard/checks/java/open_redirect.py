"""Open redirect: request data chooses where the browser is sent.

## What it does
Flags request data (``request.getParameter``, ``@RequestParam`` ...) that reaches
``response.sendRedirect``, a ``Location`` header (``setHeader``/``addHeader("Location", ...)``,
Spring ``HttpHeaders.setLocation``), Spring's ``new RedirectView(...)``, a
``"redirect:" + ...`` view name (``new ModelAndView(...)`` or returned by a ``@GetMapping``/...
handler), followed through the method and same-file helpers by the dataflow core (sinks of
kind ``redirect`` in ``data/models/java*.toml``). A target whose constant start already fixes
the host - ``"/account/" + x`` (not ``"/" + x``, which allows ``//evil.example``),
``"https://shop.example/" + x``, ``"list.jsp?page=" + x`` - is not reported, nor a value
checked against an allow-list, parsed to a number or URL-encoded (``URLEncoder.encode``).

## Why is this bad?
A link on the real site that forwards to ``?next=https://evil.example/login`` sends users to
a look-alike page with the site's own credibility: phishing for passwords, or a step in an
OAuth token theft.

## Example
```java
response.sendRedirect(request.getParameter("next"));
```

## Use instead
```java
String next = request.getParameter("next");
response.sendRedirect(ALLOWED_PAGES.contains(next) ? next : "/home");
```
Redirect only to paths of this site (a fixed prefix, or a lookup of a page id), never to a
URL taken from the request as it is.

## References
- CWE-601: URL Redirection to Untrusted Site ('Open Redirect')
  (https://cwe.mitre.org/data/definitions/601.html)
- OWASP Unvalidated Redirects and Forwards Cheat Sheet
"""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.java._support import (
    JavaCheck,
    constant_prefix,
    route_facts,
    sink_arguments,
    tainted_sinks,
)
from landguard.dataflow import ir
from landguard.dataflow.interpret import FunctionFacts, SinkHit, call_fact
from landguard.dataflow.shapes import pins_destination, walk
from landguard.dataflow.values import request_labels
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, Rule

RULE = Rule(
    id="LG414",
    name="open-redirect",
    title="Redirect to a URL from request data",
    severity=Severity.WARNING,
    confidence=Confidence.HIGH,
    cwe=(601,),
    docs=__doc__,
    languages=frozenset({"java"}),
    aliases=("find_sec_bugs.UNVALIDATED_REDIRECT", "find_sec_bugs.SPRING_UNVALIDATED_REDIRECT"),
)

KIND = "redirect"
_VIEW_PREFIX = "redirect:"
_MESSAGE = "Redirect target from request data{where} can send users to any site; redirect to a fixed path or an allow-listed page"


class OpenRedirectCheck(JavaCheck):
    rule = RULE
    uses_dataflow = True
    kind = KIND
    needles = (b"edirect", b"ocation")

    def check_unit(self, unit: Node, document, context: CheckContext) -> Iterable[Finding]:
        reported: set[int] = set()
        for kind in (KIND, "header"):
            for facts, hit, _whole in tainted_sinks(unit, document, context, kind, request_only=True):
                node = hit.call.node
                if node is None or id(hit.call) in reported or not self._redirects(facts, hit):
                    continue
                reported.add(id(hit.call))
                where = f" in {hit.via_helper}()" if hit.via_helper else ""
                yield RULE.finding(document.node_span(node), _MESSAGE.format(where=where))
        yield from self._returned_views(unit, document, context)

    @staticmethod
    def _redirects(facts: FunctionFacts, hit: SinkHit) -> bool:
        if hit.via_helper is not None:
            return hit.sink.kind == KIND
        fact = call_fact(facts, hit.call)
        if fact is None:
            return False
        if hit.sink.kind == "header":
            name = fact.argument(0)
            if name is None or not (isinstance(name.const, str) and name.const.lower() == "location"):
                return False
        prefixes = [constant_prefix(facts, expr) for expr in sink_arguments(hit)]
        if hit.call.method == "ModelAndView":
            # Only a redirect view name sends the browser elsewhere.
            if not prefixes or not prefixes[0].startswith(_VIEW_PREFIX):
                return False
            prefixes = [prefixes[0][len(_VIEW_PREFIX) :]]
        return not (prefixes and all(pins_destination(prefix) for prefix in prefixes))

    @staticmethod
    def _returned_views(unit: Node, document, context: CheckContext) -> Iterable[Finding]:
        """``return "redirect:" + next;`` in a Spring handler."""
        for function, facts in route_facts(unit, document, context):
            for statement in walk(function.body):
                if not isinstance(statement, ir.Return) or statement.value is None:
                    continue
                prefix = constant_prefix(facts, statement.value)
                if not prefix.startswith(_VIEW_PREFIX) or pins_destination(prefix[len(_VIEW_PREFIX) :]):
                    continue
                node = getattr(statement.value, "node", None)
                value = facts.values.get(node) if node is not None else None
                if not request_labels(value, KIND):
                    continue
                yield RULE.finding(document.node_span(node), _MESSAGE.format(where=""))


CHECK = OpenRedirectCheck()
