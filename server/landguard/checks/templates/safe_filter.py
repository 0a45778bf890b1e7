"""## What it does
Finds Django and Jinja2 template variables written out with HTML escaping switched off by the
`safe` filter: `{{ comment.body|safe }}`, `{{ items|safeseq|join:", " }}` (Django), and
`{{ page.html | safe }}` (Jinja2, Nunjucks).

Left alone: a quoted literal (`{{ "<br>"|safe }}`); a value escaped by a filter before
`safe` (`escape`, `force_escape`, `e`, `escapejs`, `urlencode`, `json_script`, `tojson`); a
value its framework documents as HTML the developer writes (`form.email.help_text`, a Django
admin `fieldset.description`, a REST framework `schema.description`: rows in
`data/models/templates.toml`); and templates that write no HTML at all (an e-mail's text part),
which no browser shows.
Which files are templates: `.jinja`, `.jinja2`, `.j2`, `.djhtml`, `.dtl`, and `.html`/`.htm`
files in a `templates/` (or `jinja2/`, `_templates/`) folder or with a `{% ... %}` tag.

The quick fix removes the filter, so the value is escaped again. It is marked unsafe (applied
by `landguard check --fix` only with `--unsafe-fixes`): markup the value meant to carry is then
shown as text. Where markup is needed, build it in Python with `format_html` (Django) or
`markupsafe.Markup.format` (Jinja2), which escape every argument, or sanitise it (`nh3`, `bleach`).

## Why is this bad?
Django and Jinja2 (with autoescaping) escape every variable, so a value from a user or a form
cannot add markup. `safe` tells the engine the value is already trusted HTML: a comment or a
profile field containing `<script>…</script>` then runs in every visitor's browser
(cross-site scripting). The template does not show where the value came from, so each `safe`
on a variable needs a reason; say it with `{# landguard: ignore[LG260] -- reason #}`.

## Example
```django
<div class="comment">{{ comment.body|safe }}</div>
```

## Use instead
```django
<div class="comment">{{ comment.body }}</div>
```
or render the markup in the view: `format_html("<b>{}</b>", comment.author)`.

## References
- [CWE-79: Cross-site Scripting](https://cwe.mitre.org/data/definitions/79.html)
- [CWE-116: Improper Encoding or Escaping of Output](https://cwe.mitre.org/data/definitions/116.html)
- [Django: the `safe` filter](https://docs.djangoproject.com/en/stable/ref/templates/builtins/#safe)
- [Jinja2: Working with automatic escaping](https://jinja.palletsprojects.com/en/stable/templates/#working-with-automatic-escaping)
- Bandit B703 (Django `mark_safe`), semgrep `python.django.security.audit.xss.template-var-unescaped-with-safeseq`
"""

from __future__ import annotations

from collections.abc import Iterable

from landguard.checks.templates import _syntax as syntax
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Fix, Severity, Span, TextEdit
from landguard.engine.registry import Rule

RULE = Rule(
    id="LG260",
    name="template-safe-filter",
    title="Template variable written out unescaped with the safe filter",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(79, 116),
    docs=__doc__ or "",
    languages=frozenset({"django", "jinja"}),
)
_UNESCAPED = frozenset({"safe", "safeseq"})
_ESCAPERS = frozenset({"escape", "force_escape", "e", "escapejs", "urlencode", "json_script", "tojson"})


class TemplateSafeFilter(syntax.TemplateLineCheck):
    rules = (RULE,)

    def scan_template(self, document: Document, first: int, last: int) -> Iterable[Finding]:
        lines = document.lines
        for number in range(first, last + 1):
            for tag in syntax.variable_tags(lines[number]):
                if syntax.is_literal(tag.value) or syntax.is_trusted_html(tag.value):
                    continue
                escaped = False
                for unescaped in tag.filters:
                    if unescaped.name in _ESCAPERS:
                        escaped = True
                    if unescaped.name not in _UNESCAPED or escaped:
                        continue
                    span = Span.on_line(number, unescaped.start, unescaped.end)
                    removal = Span.on_line(
                        number, _spaces_before(lines[number], unescaped.start), unescaped.end
                    )
                    yield RULE.finding(
                        span,
                        f"`{tag.value[:60]}` is written out unescaped (|{unescaped.name}); "
                        "let the template escape it, or build the markup with format_html / Markup.format",
                        fixes=[
                            Fix(
                                f"Remove |{unescaped.name} (the value is escaped)",
                                (TextEdit(removal, ""),),
                                preferred=True,
                                unsafe=True,
                            )
                        ],
                    )


def _spaces_before(line: str, col: int) -> int:
    while col > 0 and line[col - 1] in " \t":
        col -= 1
    return col


CHECK = TemplateSafeFilter()
