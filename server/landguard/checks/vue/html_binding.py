"""## What it does
Finds Vue templates that write a non-constant value into the page as HTML: `v-html="..."`
and `innerHTML` bound as a DOM property (`:innerHTML`, `v-bind:innerHTML`, `.innerHTML`), in
`.vue` single-file components.

Left alone: a constant (`v-html="'<br>'"`, literals joined or chosen by a ternary) and the
result of an HTML sanitiser's call (`v-html="DOMPurify.sanitize(html)"`, `sanitizeHtml`,
`filterXSS`, `escapeHtml` ...), also when the template reads it through a name the component's
script defines: a `const` of `<script setup>`, a `computed(() => ...)`, an options-API
`computed` member or a same-file function whose every `return` is constant or sanitised.
Everything else is reported, since whether the value is safe depends on where it was set: a
value built from one of the component's **props** (declared with `defineProps` or a `props:`
option, read directly, through `props.x`/`this.x` or inside a `computed`) is set by whoever uses
the component, often from an API or a CMS, and is reported with high confidence; other values
(`ref`/`data` state, which anything may assign, store state, `v-for` items) with medium
confidence. eslint-plugin-vue's
`vue/no-v-html` reports every `v-html`, constants included; Landguard reports fewer: a
constant cannot carry an attacker's markup, and a sanitised value is the fix itself.

The quick fix replaces the attribute by its text twin (`v-html` -> `v-text`, `:innerHTML` ->
`:textContent`): the value is then shown as text. It is marked unsafe (applied by
`landguard check --fix` only with `--unsafe-fixes`), because markup the value meant to show
(bold, links) is then shown as tags; when markup is really needed, sanitise it instead.

The component's `<script>` and `<script setup>` blocks are checked by the JavaScript and
TypeScript rules like any `.js`/`.ts` file (DOM XSS, `eval`, secrets ...), on the `.vue`
file's own lines.

## Why is this bad?
`v-html` bypasses Vue's escaping: the browser parses the value as markup, so a comment or a
profile field containing `<img src=x onerror=...>` runs script with the visitor's session
(cross-site scripting). Vue's own documentation warns to use it only on trusted content.

## Example
```vue
<template>
  <div class="comment" v-html="comment.body"></div>
</template>
```

## Use instead
```vue
<template>
  <div class="comment" v-text="comment.body"></div>
  <!-- or, when markup is really needed: -->
  <div class="comment" v-html="DOMPurify.sanitize(comment.body)"></div>
</template>
```

## References
- [CWE-79: Cross-site Scripting](https://cwe.mitre.org/data/definitions/79.html)
- [Vue: Security, HTML injection](https://vuejs.org/guide/best-practices/security.html#html-injection)
- eslint-plugin-vue `vue/no-v-html`
"""

from __future__ import annotations

from collections.abc import Iterable

from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Fix, Severity, TextEdit
from landguard.engine.languages import JS_FAMILY
from landguard.engine.registry import CheckContext, DocumentCheck, Rule
from landguard.languages import vue

RULE = Rule(
    id="LG330",
    name="vue-html-binding",
    title="Vue template writes a non-constant value as HTML (v-html)",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(79,),
    docs=__doc__ or "",
    languages=frozenset({"vue"}),
    aliases=("vue/no-v-html",),
)


class VueHtmlBinding(DocumentCheck):
    rules = (RULE,)
    languages = JS_FAMILY  # a component's document has its script's language (and host "vue")

    def applies_to(self, document: Document) -> bool:
        return document.host == "vue"

    def check_document(self, document: Document, context: CheckContext) -> Iterable[Finding]:
        script: vue.ComponentScript | None = None
        for binding in vue.html_bindings(document):
            expression = binding.expression.strip()
            if not expression or vue.is_constant(expression) or vue.is_sanitized(expression):
                continue
            if script is None:
                script = vue.component_script(document)  # only for components that use v-html
            verdict = vue.judge_binding(document, expression, script)
            if verdict == vue.SAFE:
                continue
            from_outside = verdict == vue.FROM_PROPS
            what = (
                "built from a prop, set by whoever uses the component" if from_outside else "not a constant"
            )
            yield RULE.finding(
                binding.attribute_span,
                f"{binding.attribute} writes `{expression[:60]}` ({what}) into the page as HTML; "
                f"show it as text ({binding.text_twin}) or sanitise it",
                confidence=Confidence.HIGH if from_outside else Confidence.MEDIUM,
                fixes=[
                    Fix(
                        f"Use {binding.text_twin} (the value is shown as text)",
                        (TextEdit(binding.attribute_span, binding.text_twin),),
                        preferred=True,
                        unsafe=True,
                    )
                ],
            )


CHECK = VueHtmlBinding()
