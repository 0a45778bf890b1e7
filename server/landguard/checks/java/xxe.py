"""XML external entities: XML parsers used without disabling DTDs and external entities.

## What it does
Flags ``DocumentBuilderFactory``, ``SAXParserFactory``, ``XMLInputFactory``,
``TransformerFactory``, ``SchemaFactory`` and ``XMLReaderFactory`` created and used in the
same method when no secure setting is applied there: ``setFeature(".../disallow-doctype-decl",
true)``, ``XMLConstants.FEATURE_SECURE_PROCESSING`` set to true, external entities disabled
(``external-general-entities`` false, ``XMLInputFactory.SUPPORT_DTD`` or
``IS_SUPPORTING_EXTERNAL_ENTITIES`` false) or ``ACCESS_EXTERNAL_DTD`` set to ``""``.
A factory that is created and returned (a configured-elsewhere helper) is not flagged.

## Why is this bad?
The JDK parsers resolve DTDs and external entities by default. A document with
``<!ENTITY x SYSTEM "file:///etc/passwd">`` makes the server read local files or reach
internal URLs (SSRF), and nested entities exhaust memory ("billion laughs").

## Example
```java
DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
Document doc = factory.newDocumentBuilder().parse(input);
```

## Use instead
```java
DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
Document doc = factory.newDocumentBuilder().parse(input);
```
The quick fix inserts that setting (``SUPPORT_DTD`` false for StAX, the access properties
for ``TransformerFactory``) after the factory's declaration.

## References
- CWE-611: Improper Restriction of XML External Entity Reference
  (https://cwe.mitre.org/data/definitions/611.html)
- OWASP XML External Entity Prevention Cheat Sheet
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
    call_args,
    call_name,
    call_object,
    declared_name,
    is_declarator,
    method_calls,
    node_text,
    simple_type,
    unit_bytes,
)
from landguard.languages.questions import Questions

RULE = Rule(
    id="LG406",
    name="xxe",
    title="XML parser allows external entities",
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    cwe=(611,),
    docs=__doc__,
    languages=frozenset({"java"}),
    aliases=(
        "find_sec_bugs.XXE_DOCUMENT",
        "find_sec_bugs.XXE_SAXPARSER",
        "find_sec_bugs.XXE_XMLSTREAMREADER",
    ),
)

_CREATIONS = Questions(
    factory=method_calls(
        ("newInstance", "newFactory", "newDefaultInstance", "newDefaultFactory", "createXMLReader"),
        receiver_matching="^([a-z][A-Za-z0-9_.]*[.])?(DocumentBuilderFactory|SAXParserFactory|XMLInputFactory"
        "|TransformerFactory|SchemaFactory|XMLReaderFactory)$",
    ),
    setting=method_calls(("setFeature", "setProperty", "setAttribute")),
)
# What each factory is used for: without one of these in the unit the factory just escapes.
_USES = {
    "DocumentBuilderFactory": re.compile(rb"newDocumentBuilder"),
    "SAXParserFactory": re.compile(rb"newSAXParser"),
    "XMLInputFactory": re.compile(rb"createXMLStreamReader|createXMLEventReader"),
    # An identity transformer over a DOM (pretty-printing) parses nothing: a stylesheet or a stream does.
    "TransformerFactory": re.compile(rb"newTransformer\s*\(\s*[^)\s]|newTemplates|StreamSource"),
    "SchemaFactory": re.compile(rb"newSchema"),
    "XMLReaderFactory": re.compile(rb"\.parse\s*\("),
}
_FIX_LINES = {
    "DocumentBuilderFactory": [
        '{v}.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);'
    ],
    "SAXParserFactory": ['{v}.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);'],
    "XMLInputFactory": ["{v}.setProperty(XMLInputFactory.SUPPORT_DTD, false);"],
    "TransformerFactory": [
        '{v}.setAttribute("http://javax.xml.XMLConstants/property/accessExternalDTD", "");',
        '{v}.setAttribute("http://javax.xml.XMLConstants/property/accessExternalStylesheet", "");',
    ],
}
_PROTECTIVE = (
    (re.compile(r"disallow-doctype-decl"), "true"),
    (re.compile(r"FEATURE_SECURE_PROCESSING|feature/secure-processing"), "true"),
    (re.compile(r"external-general-entities|external-parameter-entities|load-external-dtd"), "false"),
    (
        re.compile(r"SUPPORT_DTD|supportDTD|IS_SUPPORTING_EXTERNAL_ENTITIES|isSupportingExternalEntities"),
        "false",
    ),
    (re.compile(r"ACCESS_EXTERNAL_DTD|ACCESS_EXTERNAL_SCHEMA|accessExternalDTD|accessExternalSchema"), '""'),
)


class XxeCheck(JavaCheck):
    rule = RULE
    needles = (
        b"DocumentBuilderFactory",
        b"SAXParserFactory",
        b"XMLInputFactory",
        b"TransformerFactory",
        b"SchemaFactory",
        b"XMLReaderFactory",
    )

    def check_unit(self, unit: Node, document, context: CheckContext) -> Iterable[Finding]:
        creations: list[tuple[Node, str]] = []
        protected = configured = False
        for question, call, _name in _CREATIONS.ask(unit, document):
            if question == "factory":
                creations.append((call, simple_type(node_text(document, call_object(call)))))
            else:
                configured = True
                protected = protected or self._protective(document, call)
        if protected or not creations:
            return
        text = unit_bytes(document, unit)
        for call, kind in creations:
            use = _USES.get(kind)
            if use is None or not use.search(text):
                continue
            yield RULE.finding(
                document.node_span(call),
                f"{kind} resolves DTDs and external entities by default; disable them before parsing",
                # A later setting could undo an inserted one: offer the fix only on unconfigured factories.
                fixes=[] if configured else self._fixes(document, call, kind),
            )

    @staticmethod
    def _protective(document, setting: Node) -> bool:
        args = call_args(setting)
        if len(args) != 2:
            return False
        key, value = node_text(document, args[0]), node_text(document, args[1]).strip()
        if call_name(document, setting) == "setFeature" and call_object(setting) is None:
            return False
        return any(pattern.search(key) and value == expected for pattern, expected in _PROTECTIVE)

    @staticmethod
    def _fixes(document, call: Node, kind: str) -> list:
        declarator = call.parent
        if kind not in _FIX_LINES or not is_declarator(declarator):
            return []
        variable = node_text(document, declared_name(declarator))
        lines = [line.format(v=variable) for line in _FIX_LINES[kind]]
        fix = add_calls_after_declaration(document, declarator, lines, "Disable DTDs and external entities")
        return [fix] if fix is not None else []


CHECK = XxeCheck()
