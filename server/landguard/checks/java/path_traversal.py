"""Path traversal: file paths built from request data.

## What it does
Flags ``new File(...)``, ``Paths.get``/``Path.of``, ``Path.resolve``, ``new FileInputStream``/
``FileOutputStream``/``FileReader``/``FileWriter``/``RandomAccessFile`` and ``Files.*``
operations whose path comes from the HTTP request in the same method
(``request.getParameter``, ``@RequestParam``, ``@PathVariable``, a multipart file's
``getOriginalFilename()`` ...). A method that normalises the path and checks it stays
under its base directory (``normalize()`` plus ``startsWith(...)``) is not flagged, nor a
value reduced to its file name (``getFileName()``, ``FilenameUtils.getName``).

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

## References
- CWE-22: Improper Limitation of a Pathname to a Restricted Directory
  (https://cwe.mitre.org/data/definitions/22.html)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.java._support import (
    JavaCheck,
    call_args,
    call_name,
    call_object,
    matches,
    method_scope,
    node_text,
    simple_type,
    unit_bytes,
    unwrap,
)
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, Rule

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

_NODES = """
(object_creation_expression type: (_) @type
  (#match? @type "^(java[.]io[.])?(File|FileInputStream|FileOutputStream|FileReader|FileWriter|RandomAccessFile|PrintWriter)$")) @new
(method_invocation name: (identifier) @m (#any-of? @m "get" "of" "resolve" "resolveSibling"
  "readAllBytes" "readAllLines" "readString" "lines" "newInputStream" "newOutputStream" "newBufferedReader"
  "newBufferedWriter" "write" "writeString" "delete" "deleteIfExists" "copy" "move" "createFile"
  "createDirectories" "transferTo")) @call
"""
_FILES_OWNERS = frozenset({"Files", "Paths", "Path"})
_PATH_TYPES = frozenset({"File", "Path"})
_CONTAINED = re.compile(rb"normalize\s*\(\s*\)[\s\S]*startsWith\s*\(|getCanonicalPath[\s\S]*startsWith\s*\(")
_MULTIPART_NAME = re.compile(r"getOriginalFilename|getSubmittedFileName")


class PathTraversalCheck(JavaCheck):
    rules = (RULE,)
    # ``Path `` / ``Path.`` and not ``Path``: ``@PathVariable`` alone is no file operation.
    needles = (b"File", b"Paths", b"Path.", b"Path ", b"resolve", b"transferTo")
    # Only request data makes a path dangerous here.
    also_needles = (b"equest", b"Variable", b"Part", b"Filename", b"Param", b"Body", b"Header", b"Cookie")

    def check_unit(self, unit: Node, document, context: CheckContext) -> Iterable[Finding]:
        text = unit_bytes(document, unit)
        if _CONTAINED.search(text):
            return  # the method checks the resolved path stays inside its base directory
        scope = None
        for pattern, captures in matches(_NODES, unit):
            node = captures["new" if pattern == 0 else "call"][0]
            if pattern == 1 and not self._is_file_call(document, node):
                continue
            args = self._path_arguments(document, node, call_args(node))
            if not args:
                continue
            if scope is None:
                scope = method_scope(unit, document, context)
            args = [arg for arg in args if not self._is_path_value(document, scope, arg)]
            if any(scope.is_tainted(arg) or self._multipart_name(document, scope, arg) for arg in args):
                yield RULE.finding(
                    document.node_span(node),
                    "File path built from request data can escape its directory (../); "
                    "resolve it against a base directory and check the result stays inside",
                )

    @staticmethod
    def _is_file_call(document, call: Node) -> bool:
        name = call_name(document, call)
        obj = call_object(call)
        owner = simple_type(node_text(document, obj)) if obj is not None else ""
        if name in ("resolve", "resolveSibling"):
            return obj is not None
        if name == "transferTo":
            return True
        return owner in _FILES_OWNERS

    @staticmethod
    def _path_arguments(document, node: Node, args: list[Node]) -> list[Node]:
        """The arguments that name a file: ``Files.write(path, data)`` writes request data, harmlessly."""
        if node.type != "method_invocation":
            return args
        name = call_name(document, node)
        owner = node_text(document, call_object(node)) if call_object(node) is not None else ""
        if owner != "Files":
            return args
        if name in ("copy", "move"):
            return args[1:2]  # the target (the source may be a request stream)
        return args[:1]

    @staticmethod
    def _is_path_value(document, scope, arg: Node) -> bool:
        """A File/Path value: reported where it was built from the request, not again at each use."""
        arg = unwrap(arg) or arg
        if arg.type == "identifier":
            return simple_type(scope.type_of(node_text(document, arg))) in _PATH_TYPES
        if arg.type == "object_creation_expression":
            return simple_type(node_text(document, arg.child_by_field_name("type"))) in _PATH_TYPES
        if arg.type == "method_invocation":
            name = call_name(document, arg)
            return name in ("resolve", "resolveSibling", "normalize", "toPath", "getParentFile") or (
                name in ("get", "of") and node_text(document, call_object(arg)) in ("Paths", "Path")
            )
        return False

    @staticmethod
    def _multipart_name(document, scope, arg: Node) -> bool:
        """``file.getOriginalFilename()`` (directly or via a local): a client-chosen file name."""
        if _MULTIPART_NAME.search(node_text(document, arg)):
            return True
        if arg.type == "identifier":
            return scope.assigned_matches(node_text(document, arg), _MULTIPART_NAME)
        if arg.type == "binary_expression":
            return any(
                PathTraversalCheck._multipart_name(document, scope, child)
                for child in (arg.child_by_field_name("left"), arg.child_by_field_name("right"))
                if child is not None
            )
        return False


CHECK = PathTraversalCheck()
