"""Insecure temporary files: `tempfile.mktemp`, or files written under a fixed `/tmp` path.

## What it does
Flags `tempfile.mktemp(...)` (deprecated since Python 2.3), and files opened for writing at a
hard-coded path in a shared temporary directory (`/tmp`, `/var/tmp`, `/dev/shm`) —
`open("/tmp/app.log", "w")`, `Path("/tmp/x").write_text(...)`, including paths built from such
a literal (`f"/tmp/{name}.json"`). The quick fix turns `tempfile.mktemp(suffix=..., prefix=...,
dir=...)` into `tempfile.NamedTemporaryFile(delete=False, ...).name`, which creates the file
atomically and returns its name; it is offered only when every argument is one of those
keywords.

## Why is this bad?
`mktemp` returns a name that does not exist *yet*; another local user can create it (or a
symlink to your `~/.ssh/authorized_keys`) before you open it, and your program writes where
they chose. A fixed name in `/tmp` has the same race, plus anyone can read what you put there.

## Example
```python
path = tempfile.mktemp(suffix=".json")
with open("/tmp/report.csv", "w") as out:
    ...
```

## Use instead
```python
with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
    path = handle.name
fd, path = tempfile.mkstemp(suffix=".csv")
```

## References
- [CWE-377: Insecure Temporary File](https://cwe.mitre.org/data/definitions/377.html)
- [Python docs: tempfile.mktemp](https://docs.python.org/3/library/tempfile.html#tempfile.mktemp)
- Bandit B306 (mktemp), B108 (hard-coded tmp directory); Ruff S306, S108
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python._dispatch import CallRule
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Fix, Severity
from landguard.engine.registry import CheckContext, Rule
from landguard.fixes.python_fixes import parse_expression, rewrite_fix
from landguard.languages import python_syntax as syntax

RULE = Rule(
    id="LG227",
    name="insecure-temp-file",
    title="Temporary file created insecurely",
    severity=Severity.WARNING,
    confidence=Confidence.HIGH,
    cwe=(377,),
    docs=__doc__,
    languages=py.PYTHON,
    aliases=("B306", "S306", "B108", "S108"),
)

_SHARED_TMP = re.compile(r"^(?:/tmp|/var/tmp|/dev/shm)(?:/|$)")
_OPENERS = frozenset({"open", "builtins.open", "io.open", "codecs.open"})
_PATH_CLASSES = frozenset({"pathlib.Path", "pathlib.PosixPath"})
_PATH_WRITERS = frozenset({"write_text", "write_bytes", "open", "touch"})
_FIX_KEYWORDS = frozenset({"suffix", "prefix", "dir"})


class InsecureTempFileCheck(CallRule):
    rule = RULE
    callee_names = frozenset({"mktemp", "open", "write_text", "write_bytes", "touch"})

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        if name == "tempfile.mktemp":
            fix = _named_temporary_file_fix(call, document)
            yield RULE.finding(
                document.node_span(call),
                "`tempfile.mktemp` returns a name another process can create first; "
                "create the file itself (NamedTemporaryFile, mkstemp)",
                fixes=[fix] if fix else [],
            )
            return
        if name in _OPENERS:
            mode = syntax.argument(call, 1, "mode")
            mode_text = syntax.literal_string_value(mode) if mode is not None else "r"
            if mode_text is None or not set(mode_text) & set("wax+"):
                return
            path = syntax.argument(call, 0, "file")
        else:
            # Path("/tmp/...").write_text(...): the receiver must be a Path built from a literal.
            receiver = syntax.call_receiver(call)
            method = syntax.callee_attribute(call)
            if not syntax.is_call(receiver) or method not in _PATH_WRITERS:
                return
            imports = py.scope_imports(call, document, context)
            if syntax.qualified_call_name(receiver, imports) not in _PATH_CLASSES:
                return
            if method == "open":
                mode = syntax.argument(call, 0, "mode")
                mode_text = syntax.literal_string_value(mode) if mode is not None else "r"
                if mode_text is None or not set(mode_text) & set("wax+"):
                    return
            path = syntax.argument(receiver, 0, None)
        if path is None:
            return
        prefix = _literal_prefix(path, self.flow_for(call, unit, context))
        if prefix is None or not _SHARED_TMP.match(prefix):
            return
        yield RULE.finding(
            document.node_span(call),
            f"writes to a fixed path in a shared temporary directory (`{prefix.split('/')[1]}`); "
            "other local users can pre-create or read it (use tempfile.mkstemp / NamedTemporaryFile)",
            confidence=Confidence.MEDIUM,
        )


def _literal_prefix(node: Node, flow: syntax.Flow) -> str | None:
    """The literal text a path starts with: a literal, an f-string's first part, a join's first argument."""
    values = syntax.resolve(node, flow)
    if len(values) != 1:
        return None
    value = syntax.unparenthesize(values[0])
    literal = syntax.literal_string_value(value)
    if literal is not None:
        return literal
    if syntax.is_plain_string(value):
        return syntax.string_start_text(value)  # an f-string's first part
    binary = syntax.binary_parts(value)
    if binary is not None:
        operator, left, _right = binary
        return _literal_prefix(left, flow) if operator in ("+", "/") and left is not None else None
    if syntax.is_call(value) and syntax.callee_attribute(value) == "join":
        first = syntax.argument(value, 0, None)
        if first is not None:
            prefix = syntax.literal_string_value(first)
            return prefix + "/" if prefix is not None else None
    return None


def _named_temporary_file_fix(call: Node, document: Document) -> Fix | None:
    import libcst as cst

    if syntax.positional_args(call) or syntax.has_star_args(call):
        return None
    if not set(syntax.keyword_names(call)) <= _FIX_KEYWORDS:
        return None
    if syntax.call_receiver(call) is None:
        return None  # `from tempfile import mktemp`: no module name to reach NamedTemporaryFile through

    def rewrite(editor, target):
        if not isinstance(target.func, cst.Attribute):
            return None
        module_code = editor.code(target.func.value)
        keywords = ", ".join(editor.code(arg).rstrip(", ") for arg in target.args)
        return parse_expression(
            f"{module_code}.NamedTemporaryFile(delete=False{', ' + keywords if keywords else ''}).name"
        )

    return rewrite_fix(
        document,
        call,
        cst.Call,
        rewrite,
        "Create the file with NamedTemporaryFile(delete=False) and use its name",
    )


CHECK = InsecureTempFileCheck()
