"""## What it does
Finds HTML built from non-constant values and handed to the DOM: assignments to
`innerHTML` / `outerHTML`, `insertAdjacentHTML`, `document.write`, jQuery's `.html()` and
React's `dangerouslySetInnerHTML`. Values that went through a sanitiser (`DOMPurify.sanitize`,
`escapeHtml` ...) are not reported; values taken from the URL or request raise confidence.

## Why is this bad?
The browser parses the string as markup, so a value containing
`<img src=x onerror=...>` runs script in the page with the user's session (DOM-based XSS).

## Example
```js
results.innerHTML = `<p>No results for ${query}</p>`;
```

## Use instead
```js
results.textContent = `No results for ${query}`;
// or, when markup is really needed:
results.innerHTML = DOMPurify.sanitize(html);
```
Quick fixes: `innerHTML` -> `textContent`, `insertAdjacentHTML` -> `insertAdjacentText`,
`.html()` -> `.text()`, and wrapping in `DOMPurify.sanitize(...)` when DOMPurify is imported.

## References
- CWE-79: Improper Neutralization of Input During Web Page Generation, https://cwe.mitre.org/data/definitions/79.html
- OWASP DOM based XSS Prevention Cheat Sheet
"""

from __future__ import annotations

from collections.abc import Iterable

from landguard.checks.javascript import _support as js
from landguard.engine.findings import Confidence, Finding, Fix, Severity
from landguard.engine.registry import Rule
from landguard.fixes import javascript_fixes as fixes

RULE = Rule(
    id="LG301",
    name="dom-xss",
    title="HTML built from a non-constant value is written to the DOM",
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    cwe=(79,),
    docs=__doc__ or "",
    languages=js.LANGUAGES,
)
_MARKUP_HINT = "<"
# Markup-writing method -> (its text-only twin, the fix's title, the finding's message).
_TEXT_TWINS = {
    "insertAdjacentHTML": (
        "insertAdjacentText",
        "Use insertAdjacentText (the value is shown as text)",
        "insertAdjacentHTML with a non-constant value",
    ),
    "html": ("text", "Use .text() (the value is shown as text)", "jQuery .html() with a non-constant value"),
}


class DomXss(js.RuleCheck):
    rule = RULE

    def check_node(self, node, document, context) -> Iterable[Finding]:
        index = js.unit_index(node, document, context)
        purify = js.local_name_for(document, context, "dompurify", None) or js.local_name_for(
            document, context, "isomorphic-dompurify", None
        )
        for prop in ("innerHTML", "outerHTML"):
            for assignment in index.assignments.get(prop, ()):
                value = assignment.child_by_field_name("right")
                info = js.value_of(document, context, value)
                if not info.dynamic:
                    continue
                left = assignment.child_by_field_name("left")
                fix_list: list[Fix] = []
                markup = _MARKUP_HINT in info.joined()
                if prop == "innerHTML" and assignment.type == "assignment_expression":
                    fix_list.append(
                        fixes.rename_property(
                            document,
                            left.child_by_field_name("property"),
                            "textContent",
                            "Set textContent instead (the value is shown as text)",
                            preferred=not markup,
                        )
                    )
                if purify and value is not None:
                    fix_list.append(_sanitize_fix(document, purify, value, markup))
                yield self._finding(
                    document, assignment, f"Assigning a non-constant value to {prop}", info, fix_list
                )

        for _name, call in index.calls_named("insertAdjacentHTML"):
            args = js.arguments_of(call)
            if len(args) < 2:
                continue
            yield from self._text_method(document, context, call, args[1], purify, "insertAdjacentHTML")

        for name, call in index.calls_named("write", "writeln"):
            if js.qualified_callee(document, context, call) not in (
                f"document.{name}",
                f"window.document.{name}",
            ):
                continue
            args = js.arguments_of(call)
            infos = [js.value_of(document, context, a) for a in args]
            dynamic = [(a, i) for a, i in zip(args, infos, strict=True) if i.dynamic]
            if not dynamic:
                continue
            fix_list = []
            if purify and len(args) == 1:
                fix_list.append(_sanitize_fix(document, purify, args[0], True))
            yield self._finding(
                document, call, f"document.{name} with a non-constant value", dynamic[0][1], fix_list
            )

        for _name, call in index.calls_named("html"):
            receiver = js.callee_object(call)
            if receiver is None or not _is_jquery(document, receiver):
                continue
            args = js.arguments_of(call)
            if len(args) != 1 or js.is_function_node(args[0]):
                continue
            yield from self._text_method(document, context, call, args[0], purify, "html")

        for attribute in index.jsx_html:
            value = _dangerous_html_value(document, attribute)
            if value is None:
                continue
            info = js.value_of(document, context, value)
            if not info.dynamic:
                continue
            fix_list = []
            if purify:
                fix_list.append(_sanitize_fix(document, purify, value, True))
            yield self._finding(
                document, attribute, "dangerouslySetInnerHTML with a non-constant value", info, fix_list
            )

    def _text_method(self, document, context, call, argument, purify, method) -> Iterable[Finding]:
        """A call to a markup-writing ``method`` with a text-only twin: fixes switch to the twin or sanitize."""
        info = js.value_of(document, context, argument)
        if not info.dynamic:
            return
        text_method, title, message = _TEXT_TWINS[method]
        preferred = _MARKUP_HINT not in info.joined()
        fix_list = [
            fixes.rename_property(document, js.callee_property(call), text_method, title, preferred=preferred)
        ]
        if purify:
            fix_list.append(_sanitize_fix(document, purify, argument, False))
        yield self._finding(document, call, message, info, fix_list)

    def _finding(self, document, node, message, info, fix_list) -> Finding:
        confidence = Confidence.HIGH if info.tainted else None
        return RULE.finding(document.node_span(node), message, fixes=fix_list, confidence=confidence)


def _sanitize_fix(document, purify, node, preferred) -> Fix:
    return fixes.wrap_node(document, node, f"{purify}.sanitize", "Sanitize with DOMPurify", preferred)


def _is_jquery(document, receiver) -> bool:
    receiver = js.unwrap(receiver)
    if receiver.type == "call_expression":
        function = receiver.child_by_field_name("function")
        if function is not None and js.text(document, function) in ("$", "jQuery"):
            return True
        # $('#a').find('.b').html(x): walk down the chain to its start.
        if function is not None and function.type == "member_expression":
            return _is_jquery(document, function.child_by_field_name("object"))
    if receiver.type == "identifier":
        return js.text(document, receiver).startswith("$")
    return False


def _dangerous_html_value(document, attribute):
    """The expression given as ``__html`` (or the whole attribute value when it is not an object literal)."""
    expression = next((c for c in attribute.named_children if c.type == "jsx_expression"), None)
    if expression is None or not expression.named_child_count:
        return None
    value = js.unwrap(expression.named_children[0])
    if value.type != "object":
        return value
    for pair in value.named_children:
        if (
            pair.type == "pair"
            and js.text(document, pair.child_by_field_name("key")).strip("'\"") == "__html"
        ):
            return pair.child_by_field_name("value")
    return None


RULE_CHECK = DomXss()
