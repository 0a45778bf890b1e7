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
from landguard.dataflow.models import Models
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, Rule, RunKey
from landguard.languages import python_syntax as syntax

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

_LAST_COMPONENT = frozenset({"name", "stem", "suffix"})
_GUARD = re.compile(
    r"is_relative_to\s*\(|commonpath\s*\(|relative_to\s*\(|(?:realpath|abspath|resolve)\s*\([^\n]*\n?[^\n]*startswith"
    r"|\"\.\.\"\s+(?:not\s+)?in\b|'\.\.'\s+(?:not\s+)?in\b"
)


def _shutil_copy_names(document: Document, context: CheckContext) -> tuple[tuple[bytes, ...], frozenset[str]]:
    """How this module spells a `shutil.copy` call: byte strings a unit must contain, and bare names.

    ``import shutil as sh`` gives ``sh.copy(``; ``from shutil import copy as cp`` gives ``cp(``.
    """

    def build() -> tuple[tuple[bytes, ...], frozenset[str]]:
        imports = py.module_imports(document, context)
        modules = {"shutil", *(local for local, qualified in imports.items() if qualified == "shutil")}
        functions = frozenset(local for local, qualified in imports.items() if qualified == "shutil.copy")
        spellings = tuple(f"{m}.copy(".encode() for m in sorted(modules)) + tuple(
            f"{f}(".encode() for f in sorted(functions)
        )
        return spellings, functions

    return context.cache.get(_COPY_NAMES, id(document.tree), build)


_COPY_NAMES: RunKey[tuple[tuple[bytes, ...], frozenset[str]]] = RunKey("LG220.copy_names")


class PathTraversalCheck(web.RequestSinkRule):
    rule = RULE
    kind = "path"
    # `copy` is left out of the dispatch names: `.copy()` is everywhere (dicts, lists, Decimals), and
    # every unit calling it would pay for the call query. `shutil.copy` is found by ``check_unit``.
    callee_names = web.sink_names("path") - {"copy"}
    guard = _GUARD

    def sink_positions(self, name: str, call: Node, models: Models) -> list[tuple[int | None, str | None]]:
        if name.startswith("pathlib."):
            # `Path(name).name` keeps only the last component: that is the sanitising idiom, and
            # building a Path touches no file.
            if syntax.attribute_read_off(call) in _LAST_COMPONENT:
                return []
        return super().sink_positions(name, call, models)

    def applies_to_document(self, document: Document, context: CheckContext) -> bool:
        source = document.source
        return any(source.find(s) >= 0 for s in _shutil_copy_names(document, context)[0])

    def check_unit(self, unit: Node, document: Document, context: CheckContext) -> Iterable[Finding]:
        """`shutil.copy(...)`, however shutil or copy was imported."""
        spellings, functions = _shutil_copy_names(document, context)
        source = document.source
        if not any(source.find(s, unit.start_byte, unit.end_byte) >= 0 for s in spellings):
            return
        for call in py.unit_calls(unit, context):
            last = syntax.callee_attribute(call)
            if last != "copy" and last not in functions:
                continue
            name = syntax.qualified_call_name(call, py.scope_imports(call, document, context))
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


CHECK = PathTraversalCheck()
