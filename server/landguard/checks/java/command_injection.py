"""Command injection: shell commands built from strings.

## What it does
Flags ``Runtime.getRuntime().exec(String)`` when request data or a parameter built into the
command string reaches it, and ``exec(String[])``/``new ProcessBuilder``/``ProcessBuilder.command``
when such data becomes the program itself or the command a shell runs (``sh -c``, ``bash -c``,
``cmd /c``, ``powershell -Command``). Arguments to a fixed program are not commands and are
not reported. The data is followed through the method and same-file helpers by the dataflow
core (sinks of kind ``command`` in ``data/models/java.toml``); a value checked against an
allow-list, parsed to a number or overwritten by a constant on the way is not reported.
Request data gives high confidence, a parameter medium.

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
    hit_confidence,
    hit_words,
    tainted_sinks,
)
from landguard.dataflow.interpret import CallFact
from landguard.dataflow.values import LIST, Value
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

KIND = "command"
_SHELLS = frozenset(
    {"sh", "bash", "zsh", "ksh", "dash", "cmd", "cmd.exe", "powershell", "powershell.exe", "pwsh"}
)
_SHELL_FLAGS = frozenset({"-c", "/c", "/C", "-Command", "-command", "-lc", "-ic"})


class CommandInjectionCheck(JavaCheck):
    rule = RULE
    uses_dataflow = True
    kind = "command"
    needles = (b"exec(", b"ProcessBuilder", b"command(")

    def check_unit(self, unit: Node, document, context: CheckContext) -> Iterable[Finding]:
        for facts, hit, whole in tainted_sinks(unit, document, context, KIND, passed_whole=True):
            node = hit.call.node
            if node is None:
                continue
            fact = next((f for f in facts.calls if f.call is hit.call), None)
            if fact is None or hit.via_helper is not None:
                what = None if whole else "a command built from"
            else:
                what = _what_runs(fact, whole)
            if what is None:
                continue
            yield RULE.finding(
                document.node_span(node),
                f"Runs {what} {hit_words(hit)}; pass fixed arguments without a shell",
                confidence=hit_confidence(hit),
            )


def _what_runs(fact: CallFact, whole: bool) -> str | None:
    """What the tainted data becomes: a command string, the program, a shell's command; None when
    it is only an argument of a fixed program."""
    vector = _argument_vector(fact)
    if vector is None:
        # exec(String): split on spaces, so any data in it can add arguments or programs.
        return None if whole else "a command string built from"
    if not vector:
        return None
    if _carries(vector[0]):
        return "a program name built from"
    program = vector[0].const if vector[0].is_const else None
    if not isinstance(program, str):
        return None
    base = program.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    if base not in _SHELLS:
        return None
    for index, element in enumerate(vector[1:-1], start=1):
        # Only the element after -c is code: later ones are the script's $0, $1 ... (the safe
        # ``sh -c 'tar xf "$1"' sh "$file"`` idiom).
        if element.is_const and element.const in _SHELL_FLAGS and _carries(vector[index + 1]):
            return f"a {base} command built from"
    return None


def _argument_vector(fact: CallFact) -> list[Value] | None:
    """The program and its arguments (varargs, an array or a list), or None for one command string."""
    if len(fact.args) > 1:
        return list(fact.args)
    if len(fact.args) == 1:
        single = fact.args[0]
        if single.kind == LIST:
            return list(single.items) if single.items is not None else [single]
        if fact.call.is_new or fact.call.method == "command":
            return [single]  # ProcessBuilder(List) of unknown items: the first may be the program
    return None


def _carries(value: Value) -> bool:
    return bool(value.labels_for(KIND))


CHECK = CommandInjectionCheck()
