"""Path traversal: file paths built from request data.

## What it does
Flags ``new File(...)``, ``Paths.get``/``Path.of``, ``Path.resolve``, ``new FileInputStream``/
``FileOutputStream``/``FileReader``/``FileWriter``/``RandomAccessFile`` and ``Files.*``
operations (sinks of kind ``path`` in ``data/models/java.toml``) that request data reaches
(``request.getParameter``, ``@RequestParam``, ``@PathVariable``, a multipart file's
``getOriginalFilename()`` ...), followed through the method and same-file helpers by the
dataflow core. A path normalised and then checked to stay under its base directory
(``normalize()``/``getCanonicalPath()`` plus ``startsWith(...)``) is not flagged, nor a value
reduced to its file name (``getFileName()``, ``File.getName()``, ``FilenameUtils.getName``) -
which makes it safe for paths only, not for SQL or commands. A ``File``/``Path`` value is
reported where it is built, not again at each use.

## Why is this bad?
A name like ``../../etc/passwd`` (or an absolute path) walks out of the intended folder:
the server reads, overwrites or deletes files it never meant to expose.

## Example
```java
File file = new File("/var/uploads/" + request.getParameter("name"));
```

## Use instead
```java
Path base = Paths.get("/var/uploads").toAbsolutePath().normalize();
Path file = base.resolve(name).normalize();
if (!file.startsWith(base)) {
    throw new IllegalArgumentException("invalid file name");
}
```
The quick fix makes this rewrite for a local ``Path`` declared from ``Paths.get(base, name)``,
``Path.of(base, name)`` or ``base.resolve(name)``: the path is normalised and a check that it
stays under the base follows the declaration.

## References
- CWE-22: Improper Limitation of a Pathname to a Restricted Directory
  (https://cwe.mitre.org/data/definitions/22.html)
"""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.java._support import JavaCheck, tainted_sinks
from landguard.dataflow import ir
from landguard.dataflow.interpret import FunctionFacts, SinkHit, call_fact
from landguard.engine.findings import Confidence, Finding, Fix, Severity, TextEdit
from landguard.engine.registry import CheckContext, Rule
from landguard.languages.java import expr_type
from landguard.languages.java_syntax import (
    call_args,
    call_object,
    declared_name,
    declared_type,
    insert_after_statement,
    is_declarator,
    is_field_access,
    is_identifier,
    is_local_declaration,
    is_method_call,
    is_string_literal,
    node_text,
    simple_type,
    statement_of,
)

RULE = Rule(
    id="LG408",
    name="path-traversal",
    title="File path from request data",
    severity=Severity.ERROR,
    confidence=Confidence.HIGH,
    cwe=(22,),
    docs=__doc__,
    languages=frozenset({"java"}),
    aliases=("find_sec_bugs.PATH_TRAVERSAL_IN", "find_sec_bugs.PATH_TRAVERSAL_OUT"),
)

KIND = "path"
_PATH_TYPES = frozenset({"java.io.File", "java.nio.file.Path"})
# Calls that build a path (rather than open one): a later containment check makes them safe.
_BUILDERS = frozenset(
    {
        "java.io.File",
        "java.nio.file.Paths.get",
        "java.nio.file.Path.of",
        "java.nio.file.Path.resolve",
        "java.nio.file.Path.resolveSibling",
    }
)


class PathTraversalCheck(JavaCheck):
    rule = RULE
    uses_dataflow = True
    kind = "path"
    # ``Path `` / ``Path.`` and not ``Path``: ``@PathVariable`` alone is no file operation.
    needles = (b"File", b"Paths", b"Path.", b"Path ", b"resolve", b"transferTo")

    def check_unit(self, unit: Node, document, context: CheckContext) -> Iterable[Finding]:
        for facts, hit, _whole in tainted_sinks(unit, document, context, KIND, request_only=True):
            node = hit.call.node
            if node is None:
                continue
            if hit.via_helper is None and (
                self._only_path_values(facts, hit)
                or (hit.call.callee in _BUILDERS and (_contained_later(facts, hit) or _reduced(facts, hit)))
            ):
                continue
            where = f" in {hit.via_helper}()" if hit.via_helper else ""
            fix = _containment_fix(document, facts, hit) if hit.via_helper is None else None
            yield RULE.finding(
                document.node_span(node),
                f"File path built from request data{where} can escape its directory (../); "
                "resolve it against a base directory and check the result stays inside",
                fixes=[fix] if fix is not None else [],
            )

    @staticmethod
    def _only_path_values(facts: FunctionFacts, hit: SinkHit) -> bool:
        """The data arrives in File/Path values: reported where they were built, not at each use."""
        fact = next((f for f in facts.calls if f.call is hit.call), None)
        if fact is None:
            return False
        carriers = [
            expr for expr, value in zip(hit.call.args, fact.args, strict=False) if value.labels_for(KIND)
        ]
        return bool(carriers) and all(_is_path_value(facts.function, expr) for expr in carriers)


def _is_path_value(function: ir.Function, expr: ir.Expr) -> bool:
    declared = expr_type(function, expr)
    return declared is not None and declared in _PATH_TYPES


def _reduced(facts: FunctionFacts, hit: SinkHit) -> bool:
    """``Paths.get(name).getFileName()``: the path is built only to take its last part."""
    return any(
        fact.call.receiver is hit.call and facts.models.sanitizers.match(fact.callee, None)
        for fact in facts.calls
    )


def _contained_later(facts: FunctionFacts, hit: SinkHit) -> bool:
    """A ``normalized.startsWith(base)`` check on a path carrying the same data follows in the method."""
    sources = {label.source for label in hit.labels}
    for fact in facts.calls:
        if fact.call.method != "startsWith" or fact.receiver is None:
            continue
        for label in fact.receiver.all_labels():
            if label.source in sources and "path-normalized" in label.sanitized:
                return True
    return False


def _containment_fix(document, facts: FunctionFacts, hit: SinkHit) -> Fix | None:
    """``Path p = Paths.get(BASE, name);`` (or ``Path.of``, ``BASE.resolve(name)``) becomes
    ``Path p = Paths.get(BASE).resolve(name).normalize();`` followed by a check that ``p`` stays
    under the base. Only for a local ``Path`` declaration whose base is a plain value without
    request data (it is evaluated twice)."""
    call, node = hit.call, hit.call.node
    if not is_method_call(node) or call.callee not in _FIXABLE:
        return None
    declarator = node.parent
    declaration = declarator.parent if declarator is not None else None
    if (
        not is_declarator(declarator)
        or not is_local_declaration(declaration)
        or simple_type(node_text(document, declared_type(declaration))) != "Path"
    ):
        return None
    fact = call_fact(facts, call)
    args = call_args(node)
    if fact is None or len(args) != len(fact.args):
        return None
    if call.callee == "java.nio.file.Path.resolve":
        base_node, name_node, base_value = (
            call_object(node),
            args[0] if len(args) == 1 else None,
            fact.receiver,
        )
        base = node_text(document, base_node)
    else:
        if len(args) != 2:
            return None
        base_node, name_node, base_value = args[0], args[1], fact.args[0]
        owner = "Paths.get" if call.callee == "java.nio.file.Paths.get" else "Path.of"
        base = f"{owner}({node_text(document, base_node)})"
    if (
        name_node is None
        or base_node is None
        or not (is_string_literal(base_node) or is_identifier(base_node) or is_field_access(base_node))
        or (base_value is not None and base_value.labels_for(KIND))
    ):
        return None
    variable = node_text(document, declared_name(declarator))
    statement = statement_of(declaration) or declaration
    check = [
        f"if (!{variable}.startsWith({base}.normalize())) {{",
        '    throw new IllegalArgumentException("path escapes its base directory");',
        "}",
    ]
    edits = (
        TextEdit(document.node_span(node), f"{base}.resolve({node_text(document, name_node)}).normalize()"),
        insert_after_statement(document, statement, check),
    )
    return Fix("Resolve under the base directory and check it stays inside", edits, preferred=True)


_FIXABLE = frozenset({"java.nio.file.Paths.get", "java.nio.file.Path.of", "java.nio.file.Path.resolve"})


CHECK = PathTraversalCheck()
