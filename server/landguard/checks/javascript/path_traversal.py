"""## What it does
Finds file-system paths built from request data (Express `req.params`, `req.query`,
`req.body` ..., Koa's `ctx`, Next.js requests) and passed to `fs` functions (`readFile`,
`createReadStream`, `writeFile`, `unlink` ..., callback, sync and `fs/promises` forms) or to
`res.sendFile` / `res.download` without a `root` option. The data is followed through
variables, branches, arrays, `Map`s, destructuring and same-file helpers. `path.join` and
`path.resolve` do not make a path safe; `path.basename` (and numbers) do — an HTML escaper
does not.

## Why is this bad?
A name like `../../../etc/passwd` or `..%2f..%2f.env` walks out of the intended folder, so the
client reads (or overwrites) any file the server process can reach: source code, `.env`
secrets, keys.

## Example
```js
res.sendFile(path.join(__dirname, 'uploads', req.params.name));
```

## Use instead
```js
res.sendFile(path.basename(req.params.name), { root: path.join(__dirname, 'uploads') });
```
The quick fix (not preferred) wraps the request value in `path.basename(...)`.

## References
- CWE-22: Improper Limitation of a Pathname to a Restricted Directory, https://cwe.mitre.org/data/definitions/22.html
"""

from __future__ import annotations

from collections.abc import Iterable

from landguard.checks.javascript import _flow as flow
from landguard.checks.javascript import _support as js
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import Rule
from landguard.fixes import javascript_fixes as fixes
from landguard.languages import javascript_syntax as syntax

RULE = Rule(
    id="LG308",
    name="path-traversal",
    title="File path built from request data",
    severity=Severity.ERROR,
    confidence=Confidence.HIGH,
    cwe=(22,),
    docs=__doc__ or "",
    languages=js.LANGUAGES,
)
_PATH_BUILDERS = frozenset({"path.join", "path.resolve"})


class PathTraversal(js.JavaScriptTaintRule):
    rule = RULE
    kinds = ("path",)
    helper_message = "{helper}() builds a file path from request data; '../' can reach any file"

    def check_hit(self, facts, hit, labels, document, context) -> Iterable[Finding]:
        call = hit.call.node
        args = js.arguments_of(call)
        response = hit.call.method in ("sendFile", "download")
        if response and len(args) > 1 and syntax.object_property(document, args[1], "root") is not None:
            return  # resolved under `root`, which rejects '..'
        what = ("res." if response else "fs.") + hit.call.method
        fix = _basename_fix(document, context, labels, args[0]) if args else None
        yield RULE.finding(
            document.node_span(call),
            f"{what}() with a path built from request data; '../' can reach any file",
            fixes=[fix] if fix else [],
        )


def _basename_fix(document, context, labels, argument):
    """Wrap the one request value in the path (``path.join(dir, req.params.name)``) in ``path.basename``."""
    path_name = js.local_name_for(document, context, "path", None)
    if path_name is None:
        return None
    argument = js.unwrap(argument)
    candidates = [argument]
    if syntax.is_call(argument) and js.qualified_callee(document, context, argument) in _PATH_BUILDERS:
        candidates = js.arguments_of(argument)
    tainted = [c for c in candidates if flow.carries(c, labels)]
    if len(tainted) != 1 or not syntax.is_field_read(js.unwrap(tainted[0])):
        return None
    return fixes.wrap_node(
        document, tainted[0], f"{path_name}.basename", "Keep only the file name (path.basename)", False
    )


CHECK = PathTraversal()
