"""Path traversal: a file path taken from a web request reaches the file system unchecked.

## What it does
Flags `open()`, `pathlib.Path(...)`, Flask's `send_file`, Starlette/FastAPI's `FileResponse`,
`shutil` copies and moves and `os` file operations whose path comes from a web request (Flask
`request.args/form/files…`, Django `request.GET/POST…`, route-handler parameters), directly or
through variables, `os.path.join` and string building. The path counts as safe once it passes
through `werkzeug.utils.secure_filename`, `safe_join`, `os.path.basename` or `Path(...).name`,
or when the function checks it (`.resolve()` + `is_relative_to`, `os.path.commonpath`,
`realpath(...).startswith(...)`). `send_from_directory` is not flagged: it joins safely.

## Why is this bad?
`../../etc/passwd` or an absolute path in the request walks out of the directory you meant:
the client reads, overwrites or deletes any file the server process can reach.
`os.path.join(UPLOADS, name)` does not help: an absolute `name` replaces `UPLOADS` entirely.

## Example
```python
@app.route("/download")
def download():
    name = request.args["file"]
    return send_file(os.path.join(UPLOAD_DIR, name))
```

## Use instead
```python
from werkzeug.utils import secure_filename

@app.route("/download")
def download():
    name = secure_filename(request.args["file"])
    return send_file(os.path.join(UPLOAD_DIR, name))
```
or resolve the path and check `path.resolve().is_relative_to(UPLOAD_DIR)` before using it.

## References
- [CWE-22: Path Traversal](https://cwe.mitre.org/data/definitions/22.html)
- [OWASP: Path Traversal](https://owasp.org/www-community/attacks/Path_Traversal)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python import _web as web
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, Rule

RULE = Rule(
    id="LG220",
    name="path-traversal",
    title="File path from a web request used without normalising or checking it",
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    cwe=(22,),
    docs=__doc__,
    languages=py.PYTHON,
)

_FIRST = (0, "file")
_SINKS: dict[str, tuple[int | None, str | None]] = {
    "open": _FIRST,
    "builtins.open": _FIRST,
    "io.open": _FIRST,
    "codecs.open": (0, "filename"),
    "os.open": (0, "path"),
    "pathlib.Path": (0, None),
    "pathlib.PurePath": (0, None),
    "pathlib.PosixPath": (0, None),
    "flask.send_file": (0, "path_or_file"),
    "flask.helpers.send_file": (0, "path_or_file"),
    "starlette.responses.FileResponse": (0, "path"),
    "fastapi.responses.FileResponse": (0, "path"),
    "django.http.FileResponse": (0, None),
    "os.remove": (0, "path"),
    "os.unlink": (0, "path"),
    "os.rmdir": (0, "path"),
    "os.removedirs": (0, "name"),
    "os.makedirs": (0, "name"),
    "os.mkdir": (0, "path"),
    "os.listdir": (0, "path"),
    "os.scandir": (0, "path"),
    "os.chmod": (0, "path"),
    "os.rename": (0, "src"),
    "os.replace": (0, "src"),
    "shutil.rmtree": (0, "path"),
    "shutil.copy": (0, "src"),
    "shutil.copy2": (0, "src"),
    "shutil.copyfile": (0, "src"),
    "shutil.copytree": (0, "src"),
    "shutil.move": (0, "src"),
}
# Destination arguments are sinks too (writing to an attacker-chosen place).
_SECOND_ARGUMENT = frozenset(
    {
        "os.rename",
        "os.replace",
        "shutil.copy",
        "shutil.copy2",
        "shutil.copyfile",
        "shutil.copytree",
        "shutil.move",
    }
)
_SANITIZERS = frozenset(
    {"secure_filename", "safe_join", "basename", "send_from_directory", "quote", "uuid4", "hexdigest"}
)
_GUARD = re.compile(
    r"is_relative_to\s*\(|commonpath\s*\(|relative_to\s*\(|(?:realpath|abspath|resolve)\s*\([^\n]*\n?[^\n]*startswith"
    r"|\"\.\.\"\s+(?:not\s+)?in\b|'\.\.'\s+(?:not\s+)?in\b"
)


def _shutil_copy_names(document: Document, context: CheckContext) -> tuple[tuple[bytes, ...], frozenset[str]]:
    """How this module spells a `shutil.copy` call: byte strings a unit must contain, and bare names.

    ``import shutil as sh`` gives ``sh.copy(``; ``from shutil import copy as cp`` gives ``cp(``.
    """
    cache_key = ("lg220.copy_names", id(document.tree))
    names = context.cache.get(cache_key)
    if names is None:
        imports = py.module_imports(document, context)
        modules = {"shutil", *(local for local, qualified in imports.items() if qualified == "shutil")}
        functions = frozenset(local for local, qualified in imports.items() if qualified == "shutil.copy")
        spellings = tuple(f"{m}.copy(".encode() for m in sorted(modules)) + tuple(
            f"{f}(".encode() for f in sorted(functions)
        )
        names = context.cache[cache_key] = (spellings, functions)
    return names


class PathTraversalCheck(web.RequestSinkRule):
    rule = RULE
    # `copy` is left out of the dispatch names: `.copy()` is everywhere (dicts, lists, Decimals), and
    # every unit calling it would pay for the call query. `shutil.copy` is found by ``check_unit``.
    callee_names = frozenset(name.rsplit(".", 1)[-1] for name in _SINKS) - {"copy"}
    sinks = _SINKS
    sanitizers = _SANITIZERS
    safe_attributes = frozenset({"name", "stem", "suffix"})
    guard = _GUARD

    def sink_spec(self, name: str, call: Node) -> tuple[int | None, str | None] | None:
        spec = _SINKS.get(name)
        if spec is not None and name.startswith("pathlib."):
            parent = call.parent
            # `Path(name).name` keeps only the last component: that is the sanitising idiom.
            if (
                parent is not None
                and parent.type == "attribute"
                and py.text(parent.child_by_field_name("attribute")) in self.safe_attributes
            ):
                return None
        return spec

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        reported = list(super().check_call(call, name, unit, document, context))
        yield from reported
        if reported or name not in _SECOND_ARGUMENT:
            return
        # Copies and moves also write: an attacker-chosen destination is as bad as a source.
        destination = py.argument(call, 1, "dst")
        if destination is None or py.is_literal(destination):
            return
        flow, imports = web.call_info(call, unit, document, context)
        taint = web.request_taint(destination, flow, imports, self.sanitizers, self.safe_attributes)
        if taint == web.Taint.REQUEST and not web.guarded(flow.scope, _GUARD):
            yield self.report(call, name, destination, document)

    def check_unit(self, unit: Node, document: Document, context: CheckContext) -> Iterable[Finding]:
        """`shutil.copy(...)`, however shutil or copy was imported."""
        spellings, functions = _shutil_copy_names(document, context)
        source = document.source
        if not any(source.find(s, unit.start_byte, unit.end_byte) >= 0 for s in spellings):
            return
        for call in py.unit_calls(unit, context):
            last = py.callee_attribute(call)
            if last != "copy" and last not in functions:
                continue
            name = py.qualified_call_name(call, py.scope_imports(call, document, context))
            if name == "shutil.copy":
                yield from self.check_call(call, name, unit, document, context)

    def report(self, call: Node, name: str, value: Node, document: Document) -> Finding:
        short = name.rsplit(".", 1)[-1]
        return RULE.finding(
            document.node_span(call),
            f"`{short}` uses a path from the web request without normalising or checking it; "
            "`../` or an absolute path reaches files outside the intended directory "
            "(use secure_filename, or resolve() and check is_relative_to)",
            confidence=Confidence.HIGH,
        )


HANDLER = PathTraversalCheck()
