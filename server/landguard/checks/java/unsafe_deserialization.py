"""Unsafe deserialization: ObjectInputStream, XMLDecoder and XStream on untrusted data.

## What it does
Flags an ``ObjectInputStream`` created in a method and read with ``readObject``/``readUnshared``
when no ``ObjectInputFilter`` is set on it (``setObjectInputFilter``) and it is not a
class-checking subclass (an anonymous class overriding ``resolveClass``, commons-io's
``ValidatingObjectInputStream``); ``new XMLDecoder(...)`` followed by ``readObject``; XStream's
``fromXML`` without a type allow-list (``allowTypes``, ``addPermission``); and Jackson's
``enableDefaultTyping``. When the dataflow core follows request data or a socket's bytes into
the stream (sinks of kind ``deserialization`` in ``data/models/java.toml``, through the method and
same-file helpers), the confidence is high.
A class's own ``readObject(ObjectInputStream in)`` hook is not flagged.

## Why is this bad?
Deserialization instantiates whatever classes the byte stream names and runs their
``readObject`` methods. With common libraries on the class path, ready-made gadget chains
turn one crafted request into remote code execution.

## Example
```java
ObjectInputStream in = new ObjectInputStream(request.getInputStream());
Order order = (Order) in.readObject();
```

## Use instead
```java
ObjectInputStream in = new ObjectInputStream(request.getInputStream());
in.setObjectInputFilter(ObjectInputFilter.Config.createFilter("com.example.Order;!*"));
Order order = (Order) in.readObject();
```
Better still, exchange data as JSON bound to a specific class.

## References
- CWE-502: Deserialization of Untrusted Data (https://cwe.mitre.org/data/definitions/502.html)
- OWASP Deserialization Cheat Sheet
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.java._support import JavaCheck, method_scope, tainted_sinks
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, Rule
from landguard.languages.java_syntax import (
    call_name,
    call_object,
    matches,
    node_text,
    simple_type,
    unit_bytes,
    unwrap,
)

RULE = Rule(
    id="LG405",
    name="unsafe-deserialization",
    title="Deserialization of untrusted data",
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    cwe=(502,),
    docs=__doc__,
    languages=frozenset({"java"}),
    aliases=("find_sec_bugs.OBJECT_DESERIALIZATION", "find_sec_bugs.XML_DECODER"),
)

_NODES = """
(object_creation_expression type: (_) @type
  (#match? @type "^((java[.]io[.])?ObjectInputStream|(java[.]beans[.])?XMLDecoder|(com[.]thoughtworks[.]xstream[.])?XStream)$")) @new
(method_invocation name: (identifier) @m (#any-of? @m "enableDefaultTyping" "fromXML")) @call
"""
_READ_CALL = re.compile(rb"\.(?:readObject|readUnshared)\s*\(")
_FILTERED = re.compile(rb"setObjectInputFilter|ValidatingObjectInputStream|resolveClass|ObjectInputFilter")
_XSTREAM_ALLOWLIST = re.compile(rb"allowTypes|addPermission|setupDefaultSecurity|allowTypesByWildcard")


class UnsafeDeserializationCheck(JavaCheck):
    rule = RULE
    uses_dataflow = True
    kind = "deserialization"
    needles = (b"ObjectInputStream", b"XMLDecoder", b"fromXML", b"enableDefaultTyping")

    def check_unit(self, unit: Node, document, context: CheckContext) -> Iterable[Finding]:
        text = unit_bytes(document, unit)
        for pattern, captures in matches(_NODES, unit):
            if pattern == 1:
                call = captures["call"][0]
                name = call_name(document, call)
                if name == "enableDefaultTyping":
                    yield RULE.finding(
                        document.node_span(call),
                        "Jackson default typing lets JSON name the classes to instantiate; "
                        "use @JsonTypeInfo with an allow-list (PolymorphicTypeValidator)",
                    )
                elif not _XSTREAM_ALLOWLIST.search(text) and self._is_xstream(document, unit, context, call):
                    yield RULE.finding(
                        document.node_span(call),
                        "XStream.fromXML without a type allow-list can instantiate any class; call allowTypes(...)",
                    )
                continue
            creation = captures["new"][0]
            kind = simple_type(node_text(document, captures["type"][0]))
            if kind == "XStream":
                continue  # reported at fromXML, where the data arrives
            if creation.child_by_field_name("body") is not None or any(
                c.type == "class_body" for c in creation.children
            ):
                continue  # an anonymous subclass: typically overrides resolveClass to check classes
            if not _READ_CALL.search(text):
                continue
            if kind == "ObjectInputStream" and _FILTERED.search(text):
                continue
            untrusted = creation.id in self._untrusted_creations(unit, document, context)
            what = (
                "ObjectInputStream without an ObjectInputFilter"
                if kind == "ObjectInputStream"
                else "XMLDecoder"
            )
            yield RULE.finding(
                document.node_span(creation),
                f"{what} deserializes whatever classes the stream names; "
                + (
                    "set an ObjectInputFilter allow-list"
                    if kind == "ObjectInputStream"
                    else "parse the XML instead"
                ),
                confidence=Confidence.HIGH if untrusted else Confidence.MEDIUM,
            )

    @staticmethod
    def _untrusted_creations(unit, document, context) -> set[int]:
        """Node ids of the streams/decoders in the unit that request or network data reaches."""
        return {
            hit.call.node.id
            for _facts, hit, _whole in tainted_sinks(
                unit, document, context, "deserialization", request_only=True
            )
            if hit.call.node is not None
        }

    @staticmethod
    def _is_xstream(document, unit, context, call: Node) -> bool:
        obj = unwrap(call_object(call))
        if obj is None:
            return False
        if obj.type == "object_creation_expression":
            return "XStream" in node_text(document, obj.child_by_field_name("type"))
        name = node_text(document, obj)
        return "XStream" in method_scope(unit, document, context).type_of(name) or name.lower() == "xstream"


CHECK = UnsafeDeserializationCheck()
