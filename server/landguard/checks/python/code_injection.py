"""Code injection: ``eval``, ``exec`` or ``compile`` run on a value that is not a literal.

## What it does
Flags calls of the builtins `eval`, `exec` and `compile` when data from outside the function
reaches the code argument: a web request (high confidence), the function's arguments (medium),
command-line arguments or stdin (low). Constants, values from helpers that return constants and
values converted with `int()` are not flagged, nor is `eval(compile(...))` (judged at the inner
call). A local function that happens to be called `eval` is not flagged; a renamed import of the
builtin (`from builtins import eval as run`) is.

## Why is this bad?
Whoever controls the string runs arbitrary Python in your process: `eval(request.args["x"])`
hands the server to anyone who can send a request. Assistants often suggest `eval` to turn a
string such as `"[1, 2, 3]"` or `"{'a': 1}"` back into data; `ast.literal_eval` does that
without running code.

## Example
```python
settings = eval(request.form["settings"])
exec(user_script)
```

## Use instead
```python
import ast

settings = ast.literal_eval(request.form["settings"])
```
For configuration or expressions, parse a data format (JSON) or write a small evaluator over an
allowlist. The quick fix turns `eval(data)` into `ast.literal_eval(data)` (adding `import ast`),
which accepts only literals.

## References
- [CWE-95: Eval Injection](https://cwe.mitre.org/data/definitions/95.html)
- [CWE-94: Code Injection](https://cwe.mitre.org/data/definitions/94.html)
- Bandit B307 (eval), B102 (exec); Ruff S307, S102
"""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python._dispatch import CallRule
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Fix, Severity
from landguard.engine.registry import CheckContext, Rule
from landguard.fixes.python_fixes import StatementEditor, line_statement, module_reference
from landguard.languages import python_syntax as syntax

RULE = Rule(
    id="LG203",
    name="code-injection",
    title="eval/exec/compile on a non-literal value",
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    cwe=(95, 94),
    docs=__doc__,
    languages=py.PYTHON,
    aliases=("B307", "S307", "B102", "S102"),
)

_BUILTINS = ("eval", "exec", "compile")


class CodeInjectionCheck(CallRule):
    rule = RULE
    kind = "code"
    callee_names = frozenset(_BUILTINS)

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        builtin = next((b for b in _BUILTINS if syntax.is_builtin(name, b)), None)
        if builtin is None:
            return
        code = syntax.argument(call, 0, "source" if builtin == "compile" else None)
        if (
            code is None
            or syntax.is_literal(code)
            or syntax.has_star_args(call)
            and not syntax.positional_args(call)
        ):
            return
        if syntax.is_call(code) and syntax.callee_attribute(code) == "compile":
            return  # eval(compile(source, ...)): the compile() call is where the source is judged
        flow = self.flow_for(call, unit, context)
        imports = py.scope_imports(call, document, context)
        if syntax.is_literal_string(syntax.resolve(code, flow)[-1]) and len(syntax.resolve(code, flow)) == 1:
            return  # a variable holding a constant string
        if all(_literal_copies(value) for value in syntax.resolve(code, flow)):
            return  # "\n" * (lineno - 1) + "raise error": repeated and joined literals only
        if builtin != "compile" and _is_code_object(code, syntax.scope_of(call, unit)):
            return  # exec of a compiled code object: its source was judged where it was compiled
        taint = py.taint(code, flow, imports, "code")
        if taint not in (py.Taint.REQUEST, py.Taint.PARAMETER, py.Taint.LOCAL):
            return  # a constant, sanitized, or nothing from outside the function reaches it
        confidence = {py.Taint.REQUEST: Confidence.HIGH, py.Taint.LOCAL: Confidence.LOW}.get(
            taint, RULE.confidence
        )
        source = " from the web request" if taint == py.Taint.REQUEST else ""
        fixes = []
        if builtin == "eval":
            fix = _literal_eval_fix(call, document, imports)
            if fix is not None:
                fixes.append(fix)
        yield RULE.finding(
            document.node_span(call),
            f"`{builtin}` runs code built from a non-literal value{source}; "
            "anyone who controls it runs arbitrary Python",
            confidence=confidence,
            fixes=fixes,
        )


def _literal_copies(node: Node) -> bool:
    """Text made only of string literals, joined with ``+`` and repeated with ``*`` (the count is
    not text: whatever it is, the result holds copies of the literal and nothing else)."""
    node = py.unparenthesize(node)
    if syntax.is_literal_string(node):
        return True
    operation = syntax.binary_parts(node)
    if operation is None:
        return False
    operator, left, right = operation
    if left is None or right is None:
        return False
    if operator == "+":
        return _literal_copies(left) and _literal_copies(right)
    if operator == "*":
        return syntax.is_literal_string(left) or syntax.is_literal_string(right)
    return False


_CODE_TYPES = frozenset({"CodeType", "types.CodeType"})


def _is_code_object(code: Node, scope: Node) -> bool:
    """``code`` is a name the function declares as a ``CodeType`` (a parameter ``code: CodeType`` or
    ``code: CodeType = compile(...)``): bytecode, not source text."""
    code = py.unparenthesize(code)
    if not syntax.is_identifier(code):
        return False
    name = syntax.text(code)
    stack = [scope]
    while stack:
        node = stack.pop()
        annotated = syntax.annotation_parts(node)
        if annotated is not None:
            target, annotation = annotated
            if target is not None and annotation is not None and syntax.text(target) == name:
                if syntax.text(annotation).strip("'\"") in _CODE_TYPES:
                    return True
        if node is scope or not syntax.opens_scope(node):
            stack.extend(node.named_children)
    return False


def _literal_eval_fix(call: Node, document: Document, imports: dict[str, str]) -> Fix | None:
    # Only `eval(expr)`: globals/locals arguments mean real code evaluation was intended.
    import libcst as cst

    if (
        len(syntax.positional_args(call)) != 1
        or syntax.keyword_arg(call, "globals")
        or syntax.has_star_args(call)
    ):
        return None
    if syntax.keyword_names(call):
        return None
    editor = StatementEditor.for_node(document, call)
    statement = line_statement(call)
    if editor is None or statement is None:
        return None
    target = editor.locate(call, cst.Call)
    reference = module_reference(document, imports, "ast", statement)
    if target is None or reference is None:
        return None
    local, import_edit = reference
    editor.replace(
        target,
        target.with_changes(func=cst.Attribute(value=cst.Name(local), attr=cst.Name("literal_eval"))),
    )
    edit = editor.text_edit()
    if edit is None:
        return None
    edits = (import_edit, edit) if import_edit else (edit,)
    return Fix("Use ast.literal_eval (evaluates literals only)", edits=edits, preferred=True)


CHECK = CodeInjectionCheck()
