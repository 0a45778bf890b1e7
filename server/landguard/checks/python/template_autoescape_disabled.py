"""Template engine set up without HTML autoescaping.

## What it does
Flags
- a Jinja2 `Environment(...)` (also `jinja2.sandbox.SandboxedEnvironment`) created without
  `autoescape=`, or with `autoescape=False`: Jinja2 escapes nothing by default;
- a Mako `Template(...)` or `TemplateLookup(...)` created without `default_filters` that
  include `"h"` (Mako's HTML escape filter): Mako escapes nothing by default either.

`autoescape=select_autoescape(...)`, `autoescape=True`, or a value computed elsewhere (a
setting, a function) is left alone, as are `Environment(**options)` and Flask's own
environment (`app.jinja_env`, which escapes `.html` templates). Jinja2's `NativeEnvironment`
renders Python values, not text, and is not flagged. The quick fixes set `autoescape=True`
(preferred) or `autoescape=select_autoescape()` — escape HTML and XML templates, leave `.txt`
ones as they are — for Jinja2, and add `default_filters=["h"]` for Mako.

## Why is this bad?
Every `{{ value }}` of a template rendered by such an environment is written out as it is: a
user name like `<script>…</script>` runs in every visitor's browser with your site's cookies
and permissions (cross-site scripting). When the environment only renders plain text (e-mails,
configuration files, code) there is no browser to attack — say so with
`autoescape=select_autoescape()`, which also keeps that template family safe if HTML is added
later.

## Example
```python
from jinja2 import Environment, FileSystemLoader

env = Environment(loader=FileSystemLoader("templates"))
```

## Use instead
```python
from jinja2 import Environment, FileSystemLoader, select_autoescape

env = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape())
```
and for Mako `Template(text, default_filters=["h"])`.

## References
- [CWE-79: Cross-site Scripting](https://cwe.mitre.org/data/definitions/79.html)
- [CWE-116: Improper Encoding or Escaping of Output](https://cwe.mitre.org/data/definitions/116.html)
- [Jinja2: Autoescaping](https://jinja.palletsprojects.com/en/stable/api/#autoescaping)
- [Mako: Filtering and Buffering, the default filters](https://docs.makotemplates.org/en/latest/filtering.html#the-default-filters-argument)
- Bandit B701, B702; Ruff S701, S702
"""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python import _web as web
from landguard.checks.python._dispatch import CallRule
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Fix, Severity
from landguard.engine.registry import CheckContext, Rule
from landguard.fixes.python_fixes import (
    StatementEditor,
    call_with_keyword,
    line_statement,
    module_reference,
    parse_expression,
)
from landguard.languages import python_syntax as syntax

RULE = Rule(
    id="LG236",
    name="template-autoescape-disabled",
    title="Template engine set up without HTML autoescaping",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(79, 116),
    docs=__doc__,
    languages=py.PYTHON,
    aliases=("B701", "S701", "B702", "S702"),
)

_JINJA_ENVIRONMENTS = frozenset(
    {
        "jinja2.Environment",
        "jinja2.environment.Environment",
        "jinja2.sandbox.SandboxedEnvironment",
        "jinja2.sandbox.ImmutableSandboxedEnvironment",
    }
)
_MAKO_TEMPLATES = frozenset({"mako.template.Template", "mako.lookup.TemplateLookup"})
_CALLEE_NAMES = frozenset(n.rsplit(".", 1)[-1] for n in _JINJA_ENVIRONMENTS | _MAKO_TEMPLATES)


class TemplateAutoescapeCheck(CallRule):
    rule = RULE
    callee_names = _CALLEE_NAMES

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        if syntax.has_star_args(call):
            return  # options from a dict: what they hold is not visible here
        if name in _JINJA_ENVIRONMENTS:
            finding = self._jinja(call, name, document, context)
        elif name in _MAKO_TEMPLATES:
            finding = self._mako(call, name, document)
        else:
            return
        if finding is not None:
            yield finding

    def _jinja(self, call: Node, name: str, document: Document, context: CheckContext) -> Finding | None:
        value = syntax.keyword_arg(call, "autoescape")
        # Environment's 9th positional parameter is autoescape; a call that long is not guessed at.
        if len(syntax.positional_args(call)) > 8:
            return None
        if value is not None and not syntax.is_false(value):
            return None
        short = name.rsplit(".", 1)[-1]
        if value is None:
            message = f"jinja2 `{short}` is created without `autoescape`: its templates escape nothing"
        else:
            message = f"jinja2 `{short}` is created with `autoescape=False`: its templates escape nothing"
        fixes = [
            fix
            for fix in (
                _keyword_fix(call, document, "autoescape", "True", "Set autoescape=True", preferred=True),
                _select_autoescape_fix(call, document, context),
            )
            if fix is not None
        ]
        return RULE.finding(
            document.node_span(call),
            message + "; request data in them becomes HTML (use autoescape=select_autoescape())",
            confidence=Confidence.HIGH if value is not None else Confidence.MEDIUM,
            fixes=fixes,
        )

    def _mako(self, call: Node, name: str, document: Document) -> Finding | None:
        value = syntax.keyword_arg(call, "default_filters")
        short = name.rsplit(".", 1)[-1]
        if value is None:
            fix = _keyword_fix(call, document, "default_filters", '["h"]', 'Set default_filters=["h"]', True)
            return RULE.finding(
                document.node_span(call),
                f'mako `{short}` is created without `default_filters=["h"]`: its `${{...}}` '
                "expressions are not HTML-escaped",
                fixes=[fix] if fix is not None else [],
            )
        value = syntax.unparenthesize(value)
        items = syntax.sequence_items(value)
        if items is None:
            return None  # filters from a variable or setting
        filters = [syntax.literal_string_value(item) for item in items]
        if any(f is None for f in filters) or "h" in filters:
            return None
        return RULE.finding(
            document.node_span(call),
            f'mako `{short}` has `default_filters` without "h": its `${{...}}` expressions are not '
            "HTML-escaped",
            confidence=Confidence.HIGH,
        )


def _keyword_fix(
    call: Node, document: Document, keyword: str, code: str, title: str, preferred: bool
) -> Fix | None:
    import libcst as cst

    editor = StatementEditor.for_node(document, call)
    target = editor.locate(call, cst.Call) if editor else None
    value = parse_expression(code)
    if editor is None or target is None or value is None:
        return None
    editor.replace(target, call_with_keyword(target, keyword, value))
    edit = editor.text_edit()
    return Fix(title, (edit,), preferred=preferred) if edit is not None else None


def _select_autoescape_fix(call: Node, document: Document, context: CheckContext) -> Fix | None:
    """``autoescape=<jinja2>.select_autoescape()``, importing jinja2 when it is not named yet."""
    statement = line_statement(call)
    if statement is None:
        return None
    imports = py.scope_imports(call, document, context)
    local = next((n for n, q in imports.items() if q == "jinja2.select_autoescape"), None)
    if local is not None:
        expression, import_edit = f"{local}()", None
    else:
        reference = module_reference(document, imports, "jinja2", statement)
        if reference is None:
            return None
        expression, import_edit = f"{reference[0]}.select_autoescape()", reference[1]
    fix = _keyword_fix(call, document, "autoescape", expression, "Set autoescape=select_autoescape()", False)
    if fix is None:
        return None
    return Fix(fix.title, web.with_import(import_edit, fix.edits[0]), preferred=False)


CHECK = TemplateAutoescapeCheck()
