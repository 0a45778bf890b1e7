"""File permissions that let other users write: `os.chmod(path, 0o777)`.

## What it does
Flags `os.chmod`, `os.lchmod`, `os.fchmod` and `Path.chmod` calls whose mode lets other users
write the file (world-writable, `o+w`, reported as a warning) or lets the file's group write it
(`g+w`, reported as a note: shared-group setups do this on purpose). The mode is folded from
what the code writes: octal and decimal literals (`0o777`, `511`), `stat` constants
(`stat.S_IWOTH`, `S_IRWXU | S_IRWXG | S_IRWXO`), `|`, `+`, `&`, `^` and `~`, and local variables
holding such a value. A mode that cannot be folded (read from configuration) is not reported.
`mkdir`/`makedirs`/`open` modes are not reported: the process umask still applies to them,
while `chmod` sets the bits exactly. In test code the rule is quiet (tests make scratch files
writable on purpose).

The quick fix clears the group and other write bits and keeps the rest
(`0o777` becomes `0o755`, `0o666` becomes `0o644`), so a directory stays searchable and a
script stays executable; choose `0o600`/`0o700` when only the owner needs the file.

## Why is this bad?
`chmod` ignores the umask. A world-writable file can be replaced or changed by any local user or
compromised service: a writable script or configuration file is a privilege escalation, a
writable data file a tampering channel. Group-writable files extend that to everyone in the
group.

## Example
```python
os.chmod("/etc/myapp/hooks.sh", 0o777)
os.chmod(path, stat.S_IRWXU | stat.S_IRWXO)
```

## Use instead
```python
os.chmod("/etc/myapp/hooks.sh", 0o755)
os.chmod(path, stat.S_IRWXU)
```

## References
- [CWE-732: Incorrect Permission Assignment for Critical Resource](https://cwe.mitre.org/data/definitions/732.html)
- [CWE-276: Incorrect Default Permissions](https://cwe.mitre.org/data/definitions/276.html)
- Bandit B103; Ruff S103
"""

from __future__ import annotations

import stat
from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python._dispatch import CallRule
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Fix, Severity
from landguard.engine.registry import CheckContext, Rule
from landguard.fixes.python_fixes import rewrite_fix
from landguard.languages import python_syntax as syntax

RULE = Rule(
    id="LG242",
    name="permissive-file-mode",
    title="File made writable by other users with chmod",
    severity=Severity.WARNING,
    confidence=Confidence.HIGH,
    cwe=(732, 276),
    docs=__doc__,
    languages=py.PYTHON,
    aliases=("B103", "S103"),
)

_WORLD_WRITE = 0o002
_GROUP_WRITE = 0o020
# Functions taking (target, mode); `chmod` with one argument is a method (`Path.chmod(mode)`).
_CHMOD_FUNCTIONS = frozenset({"os.chmod", "os.lchmod", "os.fchmod"})
_STAT_CONSTANTS = {
    name: getattr(stat, name) for name in dir(stat) if name.startswith("S_I") and name.isupper()
}
_MAX_MODE = 0o7777


def fold_mode(node: Node | None, flow: py.Flow | None, imports: dict[str, str], depth: int = 0) -> int | None:
    """The integer a permission expression folds to; None when it depends on anything unknown."""
    if node is None or depth > 8:
        return None
    node = py.unparenthesize(node)
    if syntax.is_integer(node):
        return syntax.int_value(node)
    if syntax.is_identifier(node):
        values = syntax.resolve(node, flow)
        if len(values) == 1 and values[0].id != node.id:
            return fold_mode(values[0], flow, imports, depth + 1)
        module, _, name = imports.get(syntax.text(node), "").rpartition(".")  # from stat import S_IWOTH
        return _STAT_CONSTANTS.get(name) if module == "stat" else None
    if syntax.is_attribute(node):
        qualified = syntax.qualified_name(node, imports) or ""
        module, _, name = qualified.rpartition(".")
        if module in ("stat", "os") and name in _STAT_CONSTANTS:
            return _STAT_CONSTANTS[name]
        return None
    unary = syntax.unary_parts(node)
    if unary is not None:
        operator, argument = unary
        operand = fold_mode(argument, flow, imports, depth + 1)
        if operand is None or operator != "~":
            return None
        return ~operand & _MAX_MODE
    binary = syntax.binary_parts(node)
    if binary is not None:
        operator, left_node, right_node = binary
        left = fold_mode(left_node, flow, imports, depth + 1)
        right = fold_mode(right_node, flow, imports, depth + 1)
        if left is None or right is None:
            return None
        result = {"|": left | right, "+": left + right, "&": left & right, "^": left ^ right}.get(operator)
        return result if result is not None and 0 <= result <= _MAX_MODE else None
    return None


class PermissiveFileModeCheck(CallRule):
    rule = RULE
    callee_names = frozenset({"chmod", "lchmod", "fchmod"})

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        if syntax.has_star_args(call):
            return
        if name in _CHMOD_FUNCTIONS or (name.endswith(".chmod") and len(syntax.positional_args(call)) >= 2):
            mode_node = syntax.argument(call, 1, "mode")
        elif name.endswith(".chmod") and name.split(".", 1)[0] not in ("os", "shutil"):
            mode_node = syntax.argument(call, 0, "mode")  # Path(...).chmod(mode)
        else:
            return
        flow = self.flow_for(call, unit, context)
        mode = fold_mode(mode_node, flow, py.scope_imports(call, document, context))
        if mode_node is None or mode is None:
            return
        if mode & _WORLD_WRITE:
            who, severity, confidence = "every user on the machine", None, None
        elif mode & _GROUP_WRITE:
            who, severity, confidence = "the file's group", Severity.NOTE, Confidence.MEDIUM
        else:
            return
        fix = _clear_write_bits_fix(mode_node, mode, document)
        yield RULE.finding(
            document.node_span(call),
            f"mode {oct(mode)} lets {who} write the file (chmod ignores the umask); "
            f"use {oct(mode & ~(_WORLD_WRITE | _GROUP_WRITE))} or tighter",
            severity=severity,
            confidence=confidence,
            fixes=[fix] if fix else [],
        )


def _clear_write_bits_fix(mode_node: Node, mode: int, document: Document) -> Fix | None:
    import libcst as cst

    safe = mode & ~(_WORLD_WRITE | _GROUP_WRITE)
    return rewrite_fix(
        document,
        py.unparenthesize(mode_node),
        cst.BaseExpression,
        lambda _editor, _target: cst.Integer(oct(safe)),
        f"Clear the group and other write bits ({oct(safe)})",
    )


CHECK = PermissiveFileModeCheck()
