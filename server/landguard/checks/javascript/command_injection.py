"""## What it does
Finds shell commands built from request data or from a function's parameters and run with
`child_process.exec` / `execSync` (imports and aliases such as `const cp = require('child_process')`,
`import { exec as run }` or `promisify(exec)` are resolved, so a local function that happens to be
called `exec` is not reported), and `spawn`/`execFile` (and their sync forms) with `shell: true`
and non-constant arguments. The data is followed through variables, branches, loops, arrays,
objects and same-file helpers (`exec(echo(req.query.msg))`); constants, dead branches and
overwritten values are not reported, and only shell quoting (`shell-quote`) or a number
sanitizes a command — `path.basename` does not.

## Why is this bad?
`exec` hands the whole string to `/bin/sh`. A value containing `; rm -rf ~` or `$(curl …)`
runs commands of the attacker's choosing with the server's privileges.

## Example
```js
exec(`git log --oneline ${branch}`, (err, stdout) => { ... });
```

## Use instead
```js
execFile('git', ['log', '--oneline', branch], (err, stdout) => { ... });
```
The quick fix rewrites `exec` to `execFile` with an argument array when the command's
constant part is a plain program name and words (no pipes, redirections, quotes or globs).

## References
- CWE-78: Improper Neutralization of Special Elements used in an OS Command, https://cwe.mitre.org/data/definitions/78.html
- Node.js docs, child_process: "Never pass unsanitized user input to this function"
"""

from __future__ import annotations

from collections.abc import Iterable

from landguard.checks.javascript import _flow as flow
from landguard.checks.javascript import _support as js
from landguard.dataflow.values import MAP, PARAMETER
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import Rule
from landguard.fixes import javascript_fixes as fixes
from landguard.languages import javascript_syntax as syntax

RULE = Rule(
    id="LG303",
    name="command-injection",
    title="Shell command built from non-constant values",
    severity=Severity.ERROR,
    confidence=Confidence.HIGH,
    cwe=(78,),
    docs=__doc__ or "",
    languages=js.LANGUAGES,
)
_SHELL_CALLS = {"child_process.exec": "execFile", "child_process.execSync": "execFileSync"}
_SHELL_TARGETS = frozenset(_SHELL_CALLS)
_SPAWN_CALLS = frozenset(
    {"child_process.spawn", "child_process.spawnSync", "child_process.execFile", "child_process.execFileSync"}
)


class CommandInjection(js.JavaScriptRule):
    rule = RULE
    reads = frozenset({js.FACTS})

    def check_unit(self, node, document, context) -> Iterable[Finding]:
        for facts in flow.unit_facts(node, document, context):
            for hit, labels in flow.hits(facts, ("command",), parameters=True):
                call = hit.call.node
                request = flow.is_request(labels)
                source = "request data" if request else "a parameter"
                if hit.via_helper is not None:
                    yield RULE.finding(
                        document.node_span(call),
                        f"Shell command built from {source} is run by {hit.via_helper}(); pass an argument array "
                        "to execFile() instead",
                    )
                    continue
                qualified = hit.call.callee or ""
                args = js.arguments_of(call)
                fix = self._fix(document, context, call, qualified, args[0]) if args else None
                yield RULE.finding(
                    document.node_span(call),
                    f"Shell command built from {source} is run with {hit.call.method}(); pass an argument array "
                    f"to {_SHELL_CALLS.get(qualified, 'execFile')}() instead",
                    fixes=[fix] if fix else [],
                )
            yield from self._spawn_with_shell(facts, document)

    def _spawn_with_shell(self, facts, document) -> Iterable[Finding]:
        """spawn/execFile with ``shell: true``: their arguments are parsed by a shell."""
        for fact in facts.calls_to(_SPAWN_CALLS):
            call = fact.call.node
            options = next((a for a in fact.args if a.kind == MAP and a.entry("shell") is not None), None)
            shell = options.entry("shell") if options is not None else None
            if shell is None or (shell.is_const and not shell.const):
                continue
            argv = [a for a in fact.args if a is not options]
            if not any(flow.request_labels(a, "command") or _parameter_built(a) for a in argv):
                continue
            yield RULE.finding(
                document.node_span(call),
                "Process started with shell: true and non-constant arguments; drop shell: true so arguments are not "
                "parsed by a shell",
            )

    def _fix(self, document, context, call, qualified, command):
        function = syntax.callee(call)
        target = _SHELL_CALLS[qualified]
        if syntax.is_member(function):
            callee_node, new_name = syntax.member_parts(function)[1], target
        else:
            if js.is_promisified(document, context, js.text(document, function)):
                return None  # execFile is not promise-shaped; a promisified twin would need an import edit
            local = js.local_name_for(document, context, "child_process", target)
            if local is None:
                return None  # adding an import would edit outside this unit
            callee_node, new_name = function, local
        return fixes.exec_to_exec_file(document, callee_node, new_name, command)


def _parameter_built(value) -> bool:
    """An argument list holding a function's parameter (``['-la', dir]``): not constant."""
    return any(label.strength == PARAMETER for label in value.labels_for("command"))


CHECK = CommandInjection()
