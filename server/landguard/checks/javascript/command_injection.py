"""## What it does
Finds shell commands built from non-constant values: `child_process.exec` / `execSync` with
a template string, a `+` concatenation, or a local variable built that way (imports and aliases
such as `const cp = require('child_process')` or `import { exec as run }` are resolved, so a
local function that happens to be called `exec` is not reported). Also `spawn`/`execFile`
(and their sync forms) with `shell: true` and non-constant arguments.

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

from landguard.checks.javascript import _support as js
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import Rule
from landguard.fixes import javascript_fixes as fixes

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


class CommandInjection(js.RuleCheck):
    rule = RULE

    def check_node(self, node, document, context) -> Iterable[Finding]:
        index = js.unit_index(node, document, context)
        for qualified, call in js.calls_to(index, document, context, _SHELL_TARGETS):
            args = js.arguments_of(call)
            if not args:
                continue
            info = js.value_of(document, context, args[0])
            if info.literal or info.sanitized or not (info.built or info.tainted):
                continue
            fix = self._fix(document, context, call, qualified, args[0])
            yield RULE.finding(
                document.node_span(call),
                f"Shell command built from {'request data' if info.tainted else 'non-constant values'} is run "
                f"with {qualified.rsplit('.', 1)[-1]}(); pass an argument array to {_SHELL_CALLS[qualified]}() instead",
                fixes=[fix] if fix else [],
                confidence=Confidence.HIGH if info.tainted or info.built else Confidence.MEDIUM,
            )
        for _qualified, call in js.calls_to(index, document, context, _SPAWN_CALLS):
            args = js.arguments_of(call)
            options = next((a for a in args if js.unwrap(a).type == "object"), None)
            if options is None or not _shell_enabled(document, options):
                continue
            dynamic = [
                a
                for a in args
                if a is not options and not js.is_function_node(a) and _is_dynamic(document, context, a)
            ]
            if not dynamic:
                continue
            yield RULE.finding(
                document.node_span(call),
                "Process started with shell: true and non-constant arguments; drop shell: true so arguments are not "
                "parsed by a shell",
            )

    def _fix(self, document, context, call, qualified, command):
        function = call.child_by_field_name("function")
        target = _SHELL_CALLS[qualified]
        if function.type == "member_expression":
            callee_node, new_name = function.child_by_field_name("property"), target
        else:
            if js.is_promisified(document, context, js.text(document, function)):
                return None  # execFile is not promise-shaped; a promisified twin would need an import edit
            local = js.local_name_for(document, context, "child_process", target)
            if local is None:
                return None  # adding an import would edit outside this unit
            callee_node, new_name = function, local
        return fixes.exec_to_exec_file(document, callee_node, new_name, command)


def _shell_enabled(document, options) -> bool:
    for pair in js.unwrap(options).named_children:
        if pair.type == "pair" and js.text(document, pair.child_by_field_name("key")).strip("'\"") == "shell":
            value = pair.child_by_field_name("value")
            return value is not None and value.type != "false"
    return False


def _is_dynamic(document, context, node) -> bool:
    node = js.unwrap(node)
    if node.type == "array":
        return any(_is_dynamic(document, context, element) for element in node.named_children)
    return js.value_of(document, context, node).dynamic


RULE_CHECK = CommandInjection()
