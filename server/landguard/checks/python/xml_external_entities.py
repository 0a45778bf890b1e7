"""XML external entities: untrusted XML parsed with a parser that expands entities.

## What it does
Flags parsing of a non-literal document with the standard library's XML parsers
(`xml.etree.ElementTree`, `xml.dom.minidom`, `xml.dom.pulldom`, `xml.sax`,
`xml.parsers.expat`), and lxml parsing without a hardened parser: `lxml.etree.parse/
fromstring/XML` without a `parser=`, and `lxml.etree.XMLParser(...)` without
`resolve_entities=False`. A parser the code passes in (`pulldom.parse(stream, self._make_parser())`,
`ET.fromstring(text, parser=MyParser())`) is the code's choice and not reported, unless it is the
standard library's own (`xml.sax.make_parser()`, `ET.XMLParser()`). Data from a web request raises
the confidence. The quick fix swaps
the standard-library call for its `defusedxml` equivalent where one exists
(`xml.etree.ElementTree.fromstring` -> `defusedxml.ElementTree.fromstring`).

## Why is this bad?
An XML document can declare entities that read local files (`<!ENTITY x SYSTEM
"file:///etc/passwd">`), make the server fetch URLs, or expand exponentially ("billion
laughs") until memory runs out. The standard library's parsers are documented as not secure
against maliciously constructed data; lxml resolves entities unless told not to.

## Example
```python
import xml.etree.ElementTree as ET

tree = ET.fromstring(request.data)
```

## Use instead
```python
import defusedxml.ElementTree

tree = defusedxml.ElementTree.fromstring(request.data)
```
With lxml: `lxml.etree.fromstring(data, parser=lxml.etree.XMLParser(resolve_entities=False,
no_network=True))`.

## References
- [CWE-611: Improper Restriction of XML External Entity Reference](https://cwe.mitre.org/data/definitions/611.html)
- [Python docs: XML vulnerabilities](https://docs.python.org/3/library/xml.html#xml-vulnerabilities)
- Bandit B313–B320; Ruff S313–S320
"""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python import _web as web
from landguard.checks.python._dispatch import CallRule
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Fix, Severity
from landguard.engine.registry import CheckContext, Rule
from landguard.fixes.python_fixes import StatementEditor, enclosing_statement, module_reference
from landguard.languages import python_syntax as syntax

RULE = Rule(
    id="LG224",
    name="xml-external-entities",
    title="Untrusted XML parsed with a parser that expands entities",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(611,),
    docs=__doc__,
    languages=py.PYTHON,
    aliases=tuple(f"{tool}{n}" for tool in ("B", "S") for n in range(313, 321)),
)

# Standard-library parse function -> its defusedxml equivalent (None: no direct mapping).
_STDLIB: dict[str, str | None] = {}
for _module in ("xml.etree.ElementTree", "xml.etree.cElementTree"):
    for _function in ("parse", "fromstring", "XML", "iterparse", "fromstringlist"):
        _STDLIB[f"{_module}.{_function}"] = f"defusedxml.ElementTree.{_function}"
for _function in ("parse", "parseString"):
    _STDLIB[f"xml.dom.minidom.{_function}"] = f"defusedxml.minidom.{_function}"
    _STDLIB[f"xml.dom.pulldom.{_function}"] = f"defusedxml.pulldom.{_function}"
for _function in ("parse", "parseString"):
    _STDLIB[f"xml.sax.{_function}"] = f"defusedxml.sax.{_function}"
_STDLIB["xml.dom.expatbuilder.parseString"] = "defusedxml.expatbuilder.parseString"
_STDLIB["xml.parsers.expat.ParserCreate"] = None
# Standard-library functions that take the parser to use, and its position.
_PARSER_ARGUMENT = {
    **{f"xml.dom.{module}.{function}": 1 for module in ("minidom", "pulldom") for function in ("parse", "parseString")},
    **{f"{module}.{function}": 1 for module in ("xml.etree.ElementTree", "xml.etree.cElementTree")
       for function in ("parse", "fromstring", "XML", "fromstringlist")},
}  # fmt: skip
# The standard library's own parsers: passing one of these is no choice of a safer parser.
_STDLIB_PARSERS = frozenset(
    {"xml.sax.make_parser", "xml.etree.ElementTree.XMLParser", "xml.etree.cElementTree.XMLParser",
     "xml.sax.expatreader.ExpatParser", "xml.sax.expatreader.create_parser"}
)  # fmt: skip


def _stdlib_parser(parser: Node, document: Document, context: CheckContext, call: Node) -> bool:
    parser = syntax.unparenthesize(parser)
    if not syntax.is_call(parser):
        return False
    imports = py.scope_imports(call, document, context)
    return syntax.qualified_call_name(parser, imports) in _STDLIB_PARSERS


_LXML_PARSE = frozenset(
    {"lxml.etree.parse", "lxml.etree.fromstring", "lxml.etree.XML", "lxml.etree.fromstringlist"}
)
_LXML_PARSER = frozenset({"lxml.etree.XMLParser"})


class XmlExternalEntitiesCheck(CallRule):
    rule = RULE
    callee_names = frozenset(n.rsplit(".", 1)[-1] for n in (*_STDLIB, *_LXML_PARSE, *_LXML_PARSER))

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        if name in _LXML_PARSER:
            resolve_entities = syntax.keyword_arg(call, "resolve_entities")
            if (
                resolve_entities is not None
                and syntax.is_false(resolve_entities)
                or syntax.has_star_args(call)
            ):
                return
            yield RULE.finding(
                document.node_span(call),
                "lxml `XMLParser` resolves entities unless given `resolve_entities=False`; "
                "untrusted XML can then read local files",
            )
            return
        if name not in _STDLIB and name not in _LXML_PARSE:
            return
        if name in _LXML_PARSE and (
            syntax.keyword_arg(call, "parser") is not None or len(syntax.positional_args(call)) > 1
        ):
            return  # a parser was chosen; its construction is checked on its own
        if name in _PARSER_ARGUMENT:
            parser = syntax.argument(call, _PARSER_ARGUMENT[name], "parser")
            if parser is not None and not _stdlib_parser(parser, document, context, call):
                return  # the code's own parser (a hardened subclass, defusedxml's): its construction decides
        if name == "xml.parsers.expat.ParserCreate":
            source = None
        else:
            source = syntax.argument(call, 0, None)
            if source is None or syntax.is_literal(source):
                return
        flow, imports = web.call_info(call, unit, document, context)
        taint = py.taint(source, flow, imports, "xxe") if source is not None else web.Taint.UNKNOWN
        from_request = taint == web.Taint.REQUEST
        short = name.rsplit(".", 1)[-1]
        replacement = _STDLIB.get(name)
        fixes = []
        if replacement is not None:
            fix = _defusedxml_fix(call, replacement, document, imports)
            if fix is not None:
                fixes.append(fix)
        message = (
            f"`{short}` parses {'XML from the web request' if from_request else 'XML'} with a parser that "
            "expands entities (file reads, billion laughs); "
            + (
                f"use `{replacement}`"
                if replacement
                else "use defusedxml, or lxml with resolve_entities=False"
            )
        )
        yield RULE.finding(
            document.node_span(call),
            message,
            severity=Severity.ERROR if from_request else None,
            confidence=Confidence.HIGH if from_request else Confidence.LOW if source is None else None,
            fixes=fixes,
        )


def _defusedxml_fix(call: Node, replacement: str, document: Document, imports: dict[str, str]) -> Fix | None:
    import libcst as cst

    statement = enclosing_statement(call)
    editor = StatementEditor.open(document, statement)
    function = syntax.callee(call)
    if editor is None or statement is None or function is None:
        return None
    target = editor.locate(function, cst.Attribute if syntax.is_attribute(function) else cst.Name)
    module, _, attribute = replacement.rpartition(".")
    reference = module_reference(document, imports, module, statement)
    return web.module_expression_fix(
        editor, target, reference, f".{attribute}", f"Use {replacement} (needs the defusedxml package)"
    )


CHECK = XmlExternalEntitiesCheck()
