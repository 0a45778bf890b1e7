"""## What it does
Finds code evaluated from request data or from a function's parameters: `eval(x)`,
`new Function(..., body)`, `vm.runInNewContext` / `runInThisContext` / `runInContext` /
`compileFunction` / `new vm.Script`, and `setTimeout` / `setInterval` with a string instead of a
function (a constant string too, as a warning). The data is followed through variables,
branches, objects and same-file helpers; a constant, or a value overwritten by one before the
call, is not reported.

## Why is this bad?
Whatever reaches the string runs as JavaScript with full access to the page or the Node.js
process. The `vm` module is not a security boundary either: code inside it can reach the host
through `this.constructor.constructor('return process')()`.

## Example
```js
const result = eval(req.body.expression);
setTimeout("refresh()", 1000);
```

## Use instead
```js
const result = evaluateArithmetic(req.body.expression); // a parser for the small language you need
setTimeout(() => refresh(), 1000);
```
The quick fix turns a constant code string given to a timer into an arrow function.

## References
- CWE-94: Improper Control of Generation of Code, https://cwe.mitre.org/data/definitions/94.html
- CWE-95: Eval Injection, https://cwe.mitre.org/data/definitions/95.html
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
    id="LG304",
    name="code-injection",
    title="Code built from a string is evaluated",
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    cwe=(94, 95),
    docs=__doc__ or "",
    languages=js.LANGUAGES,
)
_TIMERS = frozenset({"setTimeout", "setInterval"})


def _maybe_text(node) -> bool:
    """A string or template literal, or a binary expression (``"alert(" + x + ")"``)."""
    return syntax.is_string(node) or syntax.is_template_literal(node) or syntax.is_binary(node)


class CodeInjection(js.JavaScriptRule):
    rule = RULE
    reads = frozenset({js.FACTS})

    def check_unit(self, node, document, context) -> Iterable[Finding]:
        for facts in flow.unit_facts(node, document, context):
            timers = yield from self._string_timers(document, facts)
            for hit, labels in flow.hits(facts, ("code",), parameters=True, require_built=False):
                call = hit.call.node
                if id(hit.call) in timers or (hit.call.callee in _TIMERS and not flow.is_request(labels)):
                    continue  # a timer given a parameter is most likely given a function
                what = hit.via_helper or ("new " if hit.call.is_new else "") + (
                    hit.call.callee or hit.call.method
                )
                request = flow.is_request(labels)
                yield RULE.finding(
                    document.node_span(call),
                    f"{what}() evaluates {'request data' if request else 'a non-constant string'} as code",
                    confidence=Confidence.HIGH
                    if request or flow.shape(facts, _code_argument(hit)).built
                    else None,
                )

    def _string_timers(self, document, facts):
        """setTimeout('code', ms): a string is evaluated even when it is a constant."""
        reported: set[int] = set()
        for fact in facts.calls_to(_TIMERS):
            call = fact.call.node
            args = js.arguments_of(call)
            if not args or not _maybe_text(js.unwrap(args[0])):
                continue
            first = js.unwrap(args[0])
            constant = bool(fact.args) and fact.args[0].is_const
            fix = fixes.string_timer_to_function(document, first) if constant else None
            reported.add(id(fact.call))
            yield RULE.finding(
                document.node_span(call),
                f"{fact.call.method}() with a string evaluates it as code; pass a function",
                fixes=[fix] if fix else [],
                confidence=Confidence.HIGH if not constant else Confidence.MEDIUM,
                severity=Severity.WARNING if constant else None,
            )
        return reported


def _code_argument(hit):
    args = hit.call.args
    if not args:
        return None
    return args[-1] if hit.call.callee == "Function" else args[0]


CHECK = CodeInjection()
