"""## What it does
Finds template blocks that switch HTML autoescaping off: Django's `{% autoescape off %}` and
Jinja2's (and Nunjucks') `{% autoescape false %}`. Every variable inside the block is then
written out as it is. Template files are recognised as for LG260 (`.jinja`, `.j2`, `.djhtml`
..., and `.html` files in a template folder or with a `{% ... %}` tag).

The quick fix turns escaping back on (`off` -> `on`, `false` -> `true`). It is marked unsafe
(applied by `landguard check --fix` only with `--unsafe-fixes`): markup the block's variables
meant to carry is then shown as text; mark just those values safe, after building them with
`format_html` / `Markup.format`. A template that writes no HTML at all (no markup outside its
tags: an e-mail's text part) is left alone, since no browser shows it; a plain-text block inside
an HTML template is not told apart: say so with `{# landguard: ignore[LG261] -- plain-text e-mail #}`.

## Why is this bad?
Autoescaping is what keeps a user name like `<script>…</script>` from running in every
visitor's browser. Inside an `autoescape off` block each `{{ value }}` is trusted HTML, so any
value that can come from a user is cross-site scripting, and values added to the block later
are unescaped too.

## Example
```django
{% autoescape off %}
  <p>{{ profile.bio }}</p>
{% endautoescape %}
```

## Use instead
```django
<p>{{ profile.bio }}</p>
```

## References
- [CWE-79: Cross-site Scripting](https://cwe.mitre.org/data/definitions/79.html)
- [CWE-116: Improper Encoding or Escaping of Output](https://cwe.mitre.org/data/definitions/116.html)
- [Django: the `autoescape` tag](https://docs.djangoproject.com/en/stable/ref/templates/builtins/#autoescape)
- [Jinja2: Autoescape overrides](https://jinja.palletsprojects.com/en/stable/templates/#autoescape-overrides)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from landguard.checks.templates import _syntax as syntax
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Fix, Severity, Span, TextEdit
from landguard.engine.registry import Rule

RULE = Rule(
    id="LG261",
    name="template-autoescape-off",
    title="Template block switches HTML autoescaping off",
    severity=Severity.WARNING,
    confidence=Confidence.HIGH,
    cwe=(79, 116),
    docs=__doc__ or "",
    languages=frozenset({"django", "jinja"}),
)
_AUTOESCAPE_OFF = re.compile(r"\{%[-+]?\s*autoescape\s+(?P<value>off|false|False)\s*[-+]?%\}")
_ON = {"off": "on", "false": "true", "False": "True"}


class TemplateAutoescapeOff(syntax.TemplateLineCheck):
    rules = (RULE,)

    def scan_template(self, document: Document, first: int, last: int) -> Iterable[Finding]:
        lines = document.lines
        for number in range(first, last + 1):
            line = lines[number]
            if "autoescape" not in line:
                continue
            for match in _AUTOESCAPE_OFF.finditer(line):
                value = match.group("value")
                yield RULE.finding(
                    Span.on_line(number, match.start(), match.end()),
                    "autoescaping is switched off: every variable in this block is written out unescaped",
                    fixes=[
                        Fix(
                            f"Turn autoescaping back on ({_ON[value]})",
                            (
                                TextEdit(
                                    Span.on_line(number, match.start("value"), match.end("value")), _ON[value]
                                ),
                            ),
                            preferred=True,
                            unsafe=True,
                        )
                    ],
                )


CHECK = TemplateAutoescapeOff()
