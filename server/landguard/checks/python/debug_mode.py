"""Debug mode switched on in code that can reach production.

## What it does
Flags `app.run(debug=True)` (Flask, Flask-SocketIO and alike), `app.debug = True`,
`app.config["DEBUG"] = True`, and a module-level
`DEBUG = True` in a Django settings module (a `settings*.py` file, or any module that also
sets `ALLOWED_HOSTS`, `INSTALLED_APPS`, `MIDDLEWARE`, `ROOT_URLCONF` or `DATABASES`; files named
for development, local or test settings are left alone). A `run(debug=True)` under
`if __name__ == "__main__":` is reported with low confidence: it is usually a development
entry point, but it is also how such apps get deployed. The quick fix reads the flag from the
environment (`FLASK_DEBUG` / `DJANGO_DEBUG` set to `1`), so it is off unless switched on.

## Why is this bad?
Werkzeug's debugger serves an interactive Python console on any error page: whoever reaches
it runs code on the server. Django's `DEBUG = True` shows stack traces, settings and SQL to
every visitor and keeps every query in memory.

## Example
```python
app.run(host="0.0.0.0", debug=True)
```

## Use instead
```python
import os

app.run(host="0.0.0.0", debug=os.environ.get("FLASK_DEBUG") == "1")
```

## References
- [CWE-489: Active Debug Code](https://cwe.mitre.org/data/definitions/489.html)
- [CWE-215: Insertion of Sensitive Information Into Debugging Code](https://cwe.mitre.org/data/definitions/215.html)
- [Django deployment checklist: DEBUG](https://docs.djangoproject.com/en/stable/howto/deployment/checklist/#debug)
- Bandit B201; Ruff S201
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python import _web as web
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Fix, Severity
from landguard.engine.registry import CheckContext, NodeCheck, Rule, RunKey
from landguard.fixes.python_fixes import StatementEditor, module_reference
from landguard.languages import python_syntax as syntax

RULE = Rule(
    id="LG226",
    name="debug-mode",
    title="Debug mode enabled in application code",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(489,),
    docs=__doc__,
    languages=py.PYTHON,
    aliases=("B201", "S201"),
)

_NOT_WEB_RUNNERS = frozenset({"asyncio", "subprocess", "uvloop", "trio", "anyio", "unittest", "pytest", "?"})
_APP_DEBUG_TARGET = re.compile(
    r"^(?:[\w.]*\.)?(?:app|application|flask_app|server)\.(?:debug|config\[\s*[\"']DEBUG[\"']\s*\])$"
)
_SETTINGS_NAMES = frozenset({"ALLOWED_HOSTS", "INSTALLED_APPS", "MIDDLEWARE", "ROOT_URLCONF", "DATABASES"})
_SETTINGS_WORDS = tuple(sorted(_SETTINGS_NAMES))  # for Document.top_level_nodes_with
_SETTINGS_FILE = re.compile(r"(?:^|[_.-])settings?(?:[_.-]|$)|^(?:prod|production)\.py$", re.I)
_DEVELOPMENT_FILE = re.compile(
    r"(?:^|[_.-])(?:dev|develop|development|local|test|tests|testing|ci)(?:[_.-]|$)", re.I
)


_SETTINGS_LIKE: RunKey[bool] = RunKey("LG226.settings_like")


def _settings_like(document: Document, context: CheckContext) -> bool:
    return context.cache.get(_SETTINGS_LIKE, id(document.tree), lambda: _is_settings_module(document))


def _is_settings_module(document: Document) -> bool:
    result = False
    name = os.path.basename(document.path or "")
    if not _DEVELOPMENT_FILE.search(name.rsplit(".", 1)[0]):
        parent = os.path.basename(os.path.dirname(document.path or ""))
        if _SETTINGS_FILE.search(name) or parent == "settings":
            result = True
        elif document.tree is not None:
            # Only a statement on a line naming one of them can assign one.
            for child in document.top_level_nodes_with(_SETTINGS_WORDS):
                assignment = syntax.statement_expression(child)
                if syntax.is_assignment(assignment) and syntax.text(
                    syntax.assignment_sides(assignment)[0]
                ) in (_SETTINGS_NAMES):
                    result = True
                    break
    return result


class DebugModeCheck(NodeCheck):
    rules = (RULE,)
    languages = py.PYTHON

    def module_context_key(self, document: Document, context: CheckContext) -> object:
        return (py.module_context_key(document, context), _settings_like(document, context))

    def check_node(self, node: Node, document: Document, context: CheckContext) -> Iterable[Finding]:
        source = document.source
        if source.find(b"True", node.start_byte, node.end_byte) < 0:
            return  # searched in place: most units say no, and a slice of each would copy it
        text = source[node.start_byte : node.end_byte]
        if syntax.is_expression_statement(node) and syntax.is_module_statement(node):
            yield from self._check_settings(node, document, context)
        if b"DEBUG" in text or b".debug" in text:
            yield from self._check_app_attributes(node, document, context)
        if b"debug" not in text:
            return
        for call in py.unit_calls(node, context):
            if syntax.callee_attribute(call) != "run":
                continue
            debug = syntax.keyword_arg(call, "debug")
            if debug is None or not syntax.is_true(debug):
                continue
            imports = py.scope_imports(call, document, context)
            name = syntax.qualified_call_name(call, imports) or ""
            if name.split(".", 1)[0] in _NOT_WEB_RUNNERS:
                continue
            fix = _environment_fix(debug, "FLASK_DEBUG", document, imports)
            yield RULE.finding(
                document.node_span(call),
                "`run(debug=True)` serves the interactive debugger: anyone who reaches an error page "
                "runs code on the server",
                confidence=Confidence.LOW if syntax.under_main_guard(call) else None,
                fixes=[fix] if fix else [],
            )

    def _check_app_attributes(
        self, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        """`app.debug = True` and `app.config["DEBUG"] = True` (Flask)."""
        for assignment in py.unit_nodes(unit, syntax.ASSIGNMENT, context):
            target, value = syntax.assignment_sides(assignment)
            if (
                target is None
                or not syntax.is_true(value)
                or not _APP_DEBUG_TARGET.match(syntax.text(target))
            ):
                continue
            fix = _environment_fix(
                value, "FLASK_DEBUG", document, py.scope_imports(assignment, document, context)
            )
            yield RULE.finding(
                document.node_span(assignment),
                "debug mode switched on for the app: error pages serve the interactive debugger",
                fixes=[fix] if fix else [],
            )

    def _check_settings(
        self, statement: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        assignment = syntax.statement_expression(statement)
        if not syntax.is_assignment(assignment):
            return
        target, value = syntax.assignment_sides(assignment)
        if syntax.text(target) != "DEBUG":
            return
        if not syntax.is_true(value) or not _settings_like(document, context):
            return
        imports = py.module_imports(document, context)
        fix = _environment_fix(value, "DJANGO_DEBUG", document, imports)
        yield RULE.finding(
            document.node_span(assignment),
            "`DEBUG = True` in settings shows stack traces, settings and SQL to every visitor",
            fixes=[fix] if fix else [],
        )


def _environment_fix(value: Node, variable: str, document: Document, imports: dict[str, str]) -> Fix | None:
    import libcst as cst

    editor = StatementEditor.for_node(document, value)
    if editor is None:
        return None
    target = editor.locate(value, cst.Name)
    reference = module_reference(document, imports, "os", editor.statement)
    return web.module_expression_fix(
        editor,
        target,
        reference,
        f'.environ.get("{variable}") == "1"',
        f"Read debug mode from the {variable} environment variable",
    )


CHECK = DebugModeCheck()
