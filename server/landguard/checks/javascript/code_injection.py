"""## What it does
Finds code built at run time from non-constant strings: `eval(x)`, `new Function(..., body)`,
`setTimeout` / `setInterval` / `setImmediate` with a string instead of a function, and
`vm.runInNewContext` / `runInThisContext` / `runInContext` / `compileFunction` / `new vm.Script`
with non-constant code.

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

from landguard.checks.javascript import _support as js
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import Rule
from landguard.fixes import javascript_fixes as fixes

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
_TIMERS = frozenset({"setTimeout", "setInterval", "setImmediate", "window.setTimeout", "window.setInterval"})
_VM_CALLS = frozenset({"vm.runInNewContext", "vm.runInThisContext", "vm.runInContext", "vm.compileFunction"})


class CodeInjection(js.RuleCheck):
    rule = RULE

    def check_node(self, node, document, context) -> Iterable[Finding]:
        index = js.unit_index(node, document, context)
        for _name, call in index.calls_named("eval", "Function"):
            qualified = js.qualified_callee(document, context, call)
            if qualified not in ("eval", "Function", "window.eval", "globalThis.eval"):
                continue
            yield from self._report_code_args(document, context, call, js.arguments_of(call), qualified)
        for new in index.news.get("Function", ()):
            if js.qualified_callee(document, context, new) == "Function":
                yield from self._report_code_args(
                    document, context, new, js.arguments_of(new), "new Function"
                )
        for name in ("setTimeout", "setInterval", "setImmediate"):
            for call in index.calls.get(name, ()):
                if js.qualified_callee(document, context, call) not in _TIMERS:
                    continue
                args = js.arguments_of(call)
                if not args:
                    continue
                first = js.unwrap(args[0])
                if first.type not in ("string", "template_string", "binary_expression"):
                    continue
                info = js.value_of(document, context, first)
                fix = fixes.string_timer_to_function(document, first) if info.literal else None
                yield RULE.finding(
                    document.node_span(call),
                    f"{name}() with a string evaluates it as code; pass a function",
                    fixes=[fix] if fix else [],
                    confidence=Confidence.HIGH if not info.literal else Confidence.MEDIUM,
                    severity=Severity.WARNING if info.literal else None,
                )
        for qualified, call in js.calls_to(index, document, context, _VM_CALLS):
            args = js.arguments_of(call)
            if qualified == "vm.compileFunction" or args:
                yield from self._report_code_args(document, context, call, args[:1], qualified)
        for new in index.news.get("Script", ()):
            if js.qualified_callee(document, context, new) == "vm.Script":
                yield from self._report_code_args(
                    document, context, new, js.arguments_of(new)[:1], "new vm.Script"
                )

    def _report_code_args(self, document, context, node, args, what) -> Iterable[Finding]:
        if not args:
            return
        code = args[-1] if what in ("Function", "new Function") else args[0]
        info = js.value_of(document, context, code)
        if info.literal:
            return
        yield RULE.finding(
            document.node_span(node),
            f"{what}() evaluates {'request data' if info.tainted else 'a non-constant string'} as code",
            confidence=Confidence.HIGH if info.tainted or info.built else None,
        )


RULE_CHECK = CodeInjection()
