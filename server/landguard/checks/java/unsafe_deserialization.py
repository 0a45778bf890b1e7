"""Unsafe deserialization: ObjectInputStream, XMLDecoder, XStream and SnakeYAML on untrusted data.

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

SnakeYAML's ``new Yaml().load``/``loadAll``/``loadAs`` is flagged when request data, or text
built from a method parameter, reaches it, unless the ``Yaml`` has a ``SafeConstructor``
(inline, a local or a field of the file). The risk decides the trigger per sink:
``ObjectInputStream`` without a filter, ``XMLDecoder`` (its format *is* a program: any method of
any class) and XStream without an allow-list are reported whatever data they read - a file or
a cache can be written by an attacker too, and no safe use of them exists; SnakeYAML is safe on
the application's own configuration files (its usual job, and the default since 2.0 refuses
global tags), so only untrusted text is reported. The quick fix constructs the ``Yaml`` with
``new SafeConstructor(new LoaderOptions())`` (for ``load``/``loadAll``; ``loadAs`` needs its
class, which SafeConstructor refuses: bind to plain maps instead).

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
Better still, exchange data as JSON bound to a specific class. For YAML:
```java
Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(request.getInputStream());
```

## References
- CWE-502: Deserialization of Untrusted Data (https://cwe.mitre.org/data/definitions/502.html)
- OWASP Deserialization Cheat Sheet
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.java._support import (
    JavaCheck,
    fields_initialised_with,
    hit_confidence,
    hit_words,
    method_scope,
    module_facts,
    occurs_in,
    tainted_sinks,
)
from landguard.dataflow import ir
from landguard.engine.findings import Confidence, Finding, Fix, Severity, TextEdit
from landguard.engine.registry import CheckContext, Rule
from landguard.languages.java_syntax import (
    call_args,
    call_object,
    creations,
    declared_type,
    import_edit,
    is_anonymous_class,
    is_object_creation,
    method_calls,
    node_text,
    simple_type,
    unit_bytes,
    unwrap,
)
from landguard.languages.questions import Questions

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

_NODES = Questions(
    creation=creations(
        type_matching="^((java[.]io[.])?ObjectInputStream|(java[.]beans[.])?XMLDecoder|(com[.]thoughtworks[.]xstream[.])?XStream)$"
    ),
    call=method_calls(("enableDefaultTyping", "fromXML")),
)
_READ_CALL = re.compile(rb"\.(?:readObject|readUnshared)\s*\(")
_FILTERED = re.compile(rb"setObjectInputFilter|ValidatingObjectInputStream|resolveClass|ObjectInputFilter")
_XSTREAM_ALLOWLIST = re.compile(rb"allowTypes|addPermission|setupDefaultSecurity|allowTypesByWildcard")


class UnsafeDeserializationCheck(JavaCheck):
    rule = RULE
    uses_dataflow = True
    kind = "deserialization"
    fixes_add_imports = True
    needles = (b"ObjectInputStream", b"XMLDecoder", b"fromXML", b"enableDefaultTyping", b"aml")

    def module_context_key(self, document, context: CheckContext) -> object:
        # A Yaml field's constructor (SafeConstructor or not) is in another unit.
        return (super().module_context_key(document, context), _safe_yaml_fields(document, context))

    def check_unit(self, unit: Node, document, context: CheckContext) -> Iterable[Finding]:
        if occurs_in(document.source, unit, (b"aml",)):  # Yaml, yaml
            yield from self._snakeyaml(unit, document, context)
        if not occurs_in(document.source, unit, self.needles[:4]):
            return
        text = unit_bytes(document, unit)
        for question, node, name_node in _NODES.ask(unit, document):
            if question == "call":
                call = node
                name = node_text(document, name_node)
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
            creation = node
            kind = simple_type(node_text(document, name_node))
            if kind == "XStream":
                continue  # reported at fromXML, where the data arrives
            if is_anonymous_class(creation):
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
    def _snakeyaml(unit: Node, document, context: CheckContext) -> Iterable[Finding]:
        """``new Yaml().load(...)`` of request data, or of text built from a parameter: the default
        constructor instantiates any class a ``!!`` tag names (SnakeYAML before 2.0)."""
        for _facts, hit, _whole in tainted_sinks(unit, document, context, "deserialization"):
            node = hit.call.node
            if node is None or hit.via_helper is not None or not (hit.call.callee or "").startswith(_YAML):
                continue
            creation = _yaml_creation(document, unit, context, hit.call)
            if creation is _SAFE:
                continue
            fixes = []
            if creation is not None and hit.call.method in ("load", "loadAll") and not call_args(creation):
                facts = module_facts(document, context)
                extra = [
                    edit
                    for edit in (
                        import_edit(document, facts, "org.yaml.snakeyaml.LoaderOptions"),
                        import_edit(document, facts, "org.yaml.snakeyaml.constructor.SafeConstructor"),
                    )
                    if edit is not None
                ]
                fixes.append(
                    Fix(
                        "Use SafeConstructor",
                        (
                            TextEdit(
                                document.node_span(creation),
                                "new Yaml(new SafeConstructor(new LoaderOptions()))",
                            ),
                            *extra,
                        ),
                        preferred=True,
                    )
                )
            yield RULE.finding(
                document.node_span(node),
                f"SnakeYAML {hit.call.method}() of {hit_words(hit)} can instantiate any class a !! tag names; "
                "construct the Yaml with a SafeConstructor",
                confidence=hit_confidence(hit),
                fixes=fixes,
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
        if is_object_creation(obj):
            return "XStream" in node_text(document, declared_type(obj))
        name = node_text(document, obj)
        return "XStream" in method_scope(unit, document, context).type_of(name) or name.lower() == "xstream"


_YAML = "org.yaml.snakeyaml.Yaml."
_SAFE = object()  # a Yaml built with a SafeConstructor
_SAFE_YAML = re.compile(r"SafeConstructor")


def _yaml_creation(document, unit: Node, context: CheckContext, call: ir.Call):
    """The ``new Yaml(...)`` node the call's receiver is (inline or a local of the unit), ``_SAFE``
    when the Yaml has a SafeConstructor, None when it is not known here (a field, a parameter)."""
    receiver = call.receiver
    creation = None
    if isinstance(receiver, ir.Call) and receiver.is_new:
        creation = receiver.node
    elif isinstance(receiver, ir.Name):
        values = method_scope(unit, document, context).values.get(receiver.name, [])
        if values:
            if all(_SAFE_YAML.search(node_text(document, value)) for _op, value in values):
                return _SAFE
            assigned = [unwrap(value) for op, value in values if op == "="]
            if len(assigned) == 1 and is_object_creation(assigned[0]):
                creation = assigned[0]
        elif receiver.name in _safe_yaml_fields(document, context):
            return _SAFE
    elif isinstance(receiver, ir.Attr) and receiver.name in _safe_yaml_fields(document, context):
        return _SAFE  # a field (the adapter reads it as this.name)
    if creation is not None and _SAFE_YAML.search(node_text(document, creation)):
        return _SAFE
    return creation


def _safe_yaml_fields(document, context: CheckContext) -> frozenset[str]:
    """Fields initialised with a SafeConstructor Yaml."""
    return fields_initialised_with(document, context, b"SafeConstructor", _SAFE_YAML)


CHECK = UnsafeDeserializationCheck()
