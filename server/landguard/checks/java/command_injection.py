"""Command injection: shell commands built from strings.

## What it does
Flags ``Runtime.getRuntime().exec(...)`` given a command string built from non-constant
values, and ``exec``/``new ProcessBuilder``/``ProcessBuilder.command`` running a shell
(``sh -c``, ``bash -c``, ``cmd /c``, ``powershell -Command``) with a non-literal command,
or whose program itself is not a constant. Values read from the HTTP request in the same
method raise the confidence.

## Why is this bad?
``exec(String)`` splits the string on spaces, so a value with spaces adds arguments; through
a shell, ``;``, ``&&``, backticks and ``$(...)`` run whatever the attacker wants with the
server's privileges.

## Example
```java
Runtime.getRuntime().exec("ping -c 1 " + host);
new ProcessBuilder("sh", "-c", "tar xf " + archive).start();
```

## Use instead
```java
new ProcessBuilder("ping", "-c", "1", host).start();   // one argument per element, no shell
```
Validate the value against an allow-list (a host name pattern, a known file) as well, and
put ``--`` before user-supplied arguments so they cannot become options.

## References
- CWE-78: Improper Neutralization of Special Elements used in an OS Command
  (https://cwe.mitre.org/data/definitions/78.html)
"""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.java._support import (
    JavaCheck,
    MethodScope,
    call_args,
    call_name,
    call_object,
    confidence_for,
    matches,
    method_scope,
    node_text,
    source_words,
    string_literal_value,
    unwrap,
)
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, Rule

RULE = Rule(
    id="LG404",
    name="command-injection",
    title="OS command built from strings",
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    cwe=(78,),
    docs=__doc__,
    languages=frozenset({"java"}),
    aliases=("find_sec_bugs.COMMAND_INJECTION",),
)

_CALLS = """
(method_invocation name: (identifier) @m (#any-of? @m "exec" "command")) @call
(object_creation_expression type: (_) @type (#match? @type "^(java[.]lang[.])?ProcessBuilder$")) @new
"""
_SHELLS = frozenset(
    {"sh", "bash", "zsh", "ksh", "dash", "cmd", "cmd.exe", "powershell", "powershell.exe", "pwsh"}
)
_SHELL_FLAGS = frozenset({"-c", "/c", "/C", "-Command", "-command", "-lc", "-ic"})


class CommandInjectionCheck(JavaCheck):
    rules = (RULE,)
    needles = (b"exec(", b"ProcessBuilder", b"command(")

    def check_unit(self, unit: Node, document, context: CheckContext) -> Iterable[Finding]:
        scope: MethodScope | None = None
        for pattern, captures in matches(_CALLS, unit):
            node = captures["call" if pattern == 0 else "new"][0]
            args = call_args(node)
            if not args:
                continue
            if pattern == 0 and not self._is_process_call(document, node):
                continue
            if scope is None:
                scope = method_scope(unit, document, context)
            elements = self._command_elements(document, scope, args)
            if elements is None:
                # exec(String): the string is split on spaces, so any non-constant part is an injection.
                if pattern == 0 and call_name(document, node) == "exec":
                    shape = scope.string_shape(args[0])
                    # A command passed in whole is the caller's to check; one built here is ours.
                    if shape.is_dynamic and (shape.literal_text or shape.tainted):
                        yield self._finding(document, node, shape.tainted, "a command string built from")
                continue
            problem = self._problem(document, scope, elements)
            if problem is not None:
                tainted = any(scope.is_tainted(element) for element in elements)
                yield self._finding(document, node, tainted, problem)

    @staticmethod
    def _finding(document, node: Node, tainted: bool, what: str) -> Finding:
        return RULE.finding(
            document.node_span(node),
            f"Runs {what} {source_words(tainted)}; pass fixed arguments without a shell",
            confidence=confidence_for(tainted),
        )

    @staticmethod
    def _is_process_call(document, call: Node) -> bool:
        obj = unwrap(call_object(call))
        if obj is None:
            return False
        text = node_text(document, obj)
        if call_name(document, call) == "exec":
            return "getRuntime" in text or text.lower() in ("runtime", "rt", "r")
        return "ProcessBuilder" in text or text.lower() in ("pb", "builder", "processbuilder")

    @staticmethod
    def _command_elements(document, scope: MethodScope, args: list[Node]) -> list[Node] | None:
        """The elements of an argument vector (varargs, array, List.of/Arrays.asList), or None."""
        if len(args) > 1:
            return args
        single = unwrap(args[0])
        if single is None:
            return None
        if single.type == "identifier":
            name = node_text(document, single)
            values = scope.values.get(name, [])
            if scope.type_of(name) == "String" or len(values) != 1 or values[0][0] != "=":
                return None
            single = unwrap(values[0][1])
        if single is None:
            return None
        if single.type == "array_creation_expression":
            initializer = single.child_by_field_name("value")
            return list(initializer.named_children) if initializer is not None else None
        if single.type == "array_initializer":
            return list(single.named_children)
        if single.type == "method_invocation" and call_name(document, single) in ("of", "asList"):
            return call_args(single)
        return None

    @staticmethod
    def _problem(document, scope: MethodScope, elements: list[Node]) -> str | None:
        if not elements:
            return None
        program = string_literal_value(document, elements[0])
        if program is None:
            if scope.string_shape(elements[0]).is_dynamic:
                return "a program name built from"
            return None
        base = program.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
        if base in _SHELLS:
            for index, element in enumerate(elements[1:], start=1):
                if string_literal_value(document, element) in _SHELL_FLAGS and index + 1 < len(elements):
                    command = elements[index + 1]
                    if scope.string_shape(command).is_dynamic:
                        return f"a {base} command built from"
        return None


CHECK = CommandInjectionCheck()
