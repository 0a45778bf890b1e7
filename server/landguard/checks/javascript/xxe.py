"""## What it does
Finds untrusted XML parsed by libxml2 (`libxmljs` / `libxmljs2` `parseXml`, `parseXmlString`)
with entity substitution (`noent: true`) or external DTD loading (`dtdload: true`) switched on:
request data (Express, Koa, Fetch API requests) is reported as an error, a function's parameter
(the XML comes from its callers) as a warning. The data is followed through variables,
branches, objects and same-file helpers; an option that is constant-false, and XML that is a
constant or read from the server's own files, are not reported. Other Node.js XML parsers
(`xml2js`, `sax`, `@xmldom/xmldom`, `fast-xml-parser`) never resolve external entities.

## Why is this bad?
With `noent`, a document declaring `<!ENTITY x SYSTEM "file:///etc/passwd">` gets the file's
contents substituted wherever it says `&x;` (XML external entity injection, XXE): the
attacker reads local files, makes the server fetch internal URLs (SSRF), and nested entities
("billion laughs") exhaust its memory. `dtdload` fetches the DTD a document names.

## Example
```js
const doc = libxmljs.parseXml(req.body, { noent: true });
```

## Use instead
```js
const doc = libxmljs.parseXml(req.body); // noent and dtdload default to false
```
The quick fix turns `noent: true` / `dtdload: true` into `false`.

## References
- CWE-611: Improper Restriction of XML External Entity Reference, https://cwe.mitre.org/data/definitions/611.html
- CWE-776: Improper Restriction of Recursive Entity References in DTDs, https://cwe.mitre.org/data/definitions/776.html
- OWASP XML External Entity Prevention Cheat Sheet
"""

from __future__ import annotations

from collections.abc import Iterable

from landguard.checks.javascript import _flow as flow
from landguard.checks.javascript import _support as js
from landguard.engine.findings import Confidence, Finding, Fix, Severity, TextEdit
from landguard.engine.registry import Rule
from landguard.languages import javascript_syntax as syntax

RULE = Rule(
    id="LG318",
    name="xml-external-entities",
    title="Untrusted XML parsed with entity substitution or DTD loading",
    severity=Severity.ERROR,
    confidence=Confidence.HIGH,
    cwe=(611, 776),
    docs=__doc__ or "",
    languages=js.LANGUAGES,
)
_DANGEROUS_OPTIONS = frozenset({"noent", "dtdload"})


class XmlExternalEntities(js.JavaScriptRule):
    rule = RULE
    reads = frozenset({js.FACTS})

    def check_unit(self, node, document, context) -> Iterable[Finding]:
        for facts in flow.unit_facts(node, document, context):
            for hit, labels in flow.hits(facts, ("xxe",), parameters=True, require_built=False):
                call = hit.call.node
                request = flow.is_request(labels)
                what = "request data" if request else "XML from the caller"
                severity = None if request else Severity.WARNING
                confidence = None if request else Confidence.MEDIUM
                if hit.via_helper is not None:
                    yield RULE.finding(
                        document.node_span(call),
                        f"{hit.via_helper}() parses {what} with external entities enabled",
                        severity=severity,
                        confidence=confidence,
                    )
                    continue
                option = (hit.sink.get("when_option") or [1, "noent"])[1]
                fix = _option_off_fix(document, call)
                yield RULE.finding(
                    document.node_span(call),
                    f"{hit.call.callee}() parses {what} with `{option}` on, so its entities can read "
                    "local files and URLs; leave the option off",
                    fixes=[fix] if fix else [],
                    severity=severity,
                    confidence=confidence,
                )


def _option_off_fix(document, call) -> Fix | None:
    """``{ noent: true }`` -> ``{ noent: false }`` when the options are written at the call; every
    dangerous option of the object is turned off (the call is one finding), or none is."""
    args = js.arguments_of(call)
    options = js.unwrap(args[1]) if len(args) > 1 else None
    if not syntax.is_object_literal(options):
        return None
    edits = []
    for pair in syntax.object_pairs(options):
        key = syntax.pair_parts(pair)[0]
        if key is None or js.text(document, key).strip("'\"") not in _DANGEROUS_OPTIONS:
            continue
        value = syntax.pair_parts(pair)[1]
        if not syntax.is_boolean(value):
            return None  # a value the fix cannot decide on
        if syntax.is_true(value):
            edits.append(TextEdit(document.node_span(value), "false"))
    if not edits:
        return None
    return Fix("Turn entity substitution and DTD loading off", tuple(edits), preferred=True)


CHECK = XmlExternalEntities()
