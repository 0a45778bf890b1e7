"""## What it does
Finds HTML built from data the page does not control and handed to the DOM: assignments to
`innerHTML` / `outerHTML`, `insertAdjacentHTML`, `document.write`, jQuery's `.html()`,
`.append/.prepend/.after/.before/.replaceWith/.wrap` and `$(html)`, React's
`dangerouslySetInnerHTML` and Angular's `bypassSecurityTrustHtml` / `$sce.trustAsHtml` (and their
URL, resource-URL, script and style twins: `bypassSecurityTrustResourceUrl`, `$sce.trustAsJs`,
`$sce.trustAs(type, value)` ..., only with data from the URL or a message: a pipe passing its
parameter on is the usual idiom), when the value comes from the URL (`location`,
`document.URL`, `document.referrer`, `URLSearchParams` of them), `window.name`, a `message`
event's data, or the function's parameters — followed through variables, branches and helpers.
Constants (also returned by same-file helpers) and values that went through a sanitiser
(`DOMPurify.sanitize`, `escapeHtml` ...) are not reported; data from the URL or a message raises
confidence.

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

from landguard.checks.javascript import _flow as flow
from landguard.checks.javascript import _support as js
from landguard.engine.findings import Confidence, Finding, Fix, Severity
from landguard.engine.registry import Rule, RunKey
from landguard.fixes import javascript_fixes as fixes
from landguard.languages import javascript_syntax as syntax

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
_PURIFY: RunKey[str | None] = RunKey("js.dom_xss.purify")
# Markup-writing method -> (its text-only twin, the fix's title, the finding's message).
# jQuery methods that parse a string argument as markup (besides .html()).
_JQUERY_INSERTS = frozenset(
    {"append", "prepend", "after", "before", "replaceWith", "wrap", "wrapAll", "wrapInner"}
)
# Angular's escape hatches from its own sanitisation.
_TRUST_BYPASSES = frozenset({"bypassSecurityTrustHtml", "bypassSecurityTrustScript", "trustAsHtml"})
# Angular's bypasses for values that are not markup (a URL, a script, a style): DOMPurify is no fix.
_TRUST_OTHER = {
    "bypassSecurityTrustUrl": "URL",
    "bypassSecurityTrustResourceUrl": "resource URL",
    "bypassSecurityTrustStyle": "style",
    "trustAsJs": "script",
    "trustAsUrl": "URL",
    "trustAsResourceUrl": "resource URL",
    "trustAsCss": "style",
    "trustAs": "value",
}
_TEXT_TWINS = {
    "insertAdjacentHTML": (
        "insertAdjacentText",
        "Use insertAdjacentText (the value is shown as text)",
        "insertAdjacentHTML with a non-constant value",
    ),
    "html": ("text", "Use .text() (the value is shown as text)", "jQuery .html() with a non-constant value"),
}


class DomXss(js.JavaScriptRule):
    rule = RULE
    reads = frozenset({js.FACTS})

    def check_unit(self, node, document, context) -> Iterable[Finding]:
        purify = context.cache.get(_PURIFY, None, lambda: _purify_name(document, context))
        for facts in flow.unit_facts(node, document, context):
            yield from self._stores(document, facts, purify)
            for hit, labels in flow.hits(facts, ("dom-xss",), parameters=True, require_built=False):
                yield from self._call(document, context, facts, hit, labels, purify)

    def _stores(self, document, facts, purify) -> Iterable[Finding]:
        for store in facts.stores:
            prop = store.name
            if prop not in ("innerHTML", "outerHTML"):
                continue
            labels = flow.outside_labels(store.value, "dom-xss")
            if not labels:
                continue
            target = store.target.node
            assignment = target.parent if target is not None else None
            if not syntax.is_assignment(assignment):
                continue
            value = syntax.sides(assignment)[1]
            markup = _MARKUP_HINT in flow.shape(facts, flow.assigned_value(facts, store.target)).text()
            fix_list: list[Fix] = []
            if prop == "innerHTML" and syntax.is_plain_assignment(assignment):
                fix_list.append(
                    fixes.rename_property(
                        document,
                        syntax.member_parts(target)[1],
                        "textContent",
                        "Set textContent instead (the value is shown as text)",
                        preferred=not markup,
                    )
                )
            if purify and value is not None:
                fix_list.append(_sanitize_fix(document, purify, value, markup))
            yield self._finding(
                document, assignment, f"Assigning {_what(labels)} to {prop}", labels, fix_list
            )

    def _call(self, document, context, facts, hit, labels, purify) -> Iterable[Finding]:
        call = hit.call.node
        method = hit.call.method
        if hit.via_helper is not None:
            yield self._finding(
                document, call, f"{hit.via_helper}() writes {_what(labels)} as HTML", labels, []
            )
            return
        if method == "dangerouslySetInnerHTML":
            value = _dangerous_html_value(document, call)
            fix_list = [_sanitize_fix(document, purify, value, True)] if purify and value is not None else []
            yield self._finding(
                document, call, f"dangerouslySetInnerHTML with {_what(labels)}", labels, fix_list
            )
            return
        args = js.arguments_of(call)
        if method in ("write", "writeln"):
            fix_list = [_sanitize_fix(document, purify, args[0], True)] if purify and len(args) == 1 else []
            yield self._finding(document, call, f"document.{method} with {_what(labels)}", labels, fix_list)
            return
        if hit.call.callee in ("$", "jQuery", "jquery") and hit.call.receiver is None:
            # $(x) parses x as markup when it starts with '<'; a constant '#id' or '.class' start is a selector.
            prefix = flow.shape(facts, hit.call.args[0]).prefix if hit.call.args else None
            if not flow.is_request(labels) or (prefix and not prefix.lstrip().startswith("<")):
                return
            fix_list = [_sanitize_fix(document, purify, args[0], True)] if purify and args else []
            yield self._finding(
                document, call, f"$() with {_what(labels)} (a string is parsed as HTML)", labels, fix_list
            )
            return
        if method in _TRUST_OTHER and hit.call.receiver is not None:
            if not flow.is_request(labels):
                return  # a "safe URL" pipe passing its input on is Angular's usual idiom: judged at the source
            message = f"{method}() marks {_what(labels)} as a trusted {_TRUST_OTHER[method]}, so Angular will not check it"
            yield self._finding(document, call, message, labels, [])
            return
        if method in _JQUERY_INSERTS or method in _TRUST_BYPASSES:
            if method in _JQUERY_INSERTS:
                # jQuery parses a string argument as HTML; the DOM's own el.append/after insert text.
                receiver = js.callee_object(call)
                if (
                    receiver is None
                    or not _is_jquery(document, receiver)
                    or not args
                    or js.is_function_node(args[0])
                ):
                    return
                if _is_jquery(document, args[0]):
                    return  # a jQuery object is inserted as nodes, not parsed
                message = f"jQuery .{method}() with {_what(labels)} (a string is parsed as HTML)"
            else:
                message = f"{method}() marks {_what(labels)} as safe HTML, so Angular will not sanitise it"
            fix_list = [_sanitize_fix(document, purify, args[0], True)] if purify and args else []
            yield self._finding(document, call, message, labels, fix_list)
            return
        if method == "html":
            receiver = js.callee_object(call)
            if (
                receiver is None
                or not _is_jquery(document, receiver)
                or len(args) != 1
                or js.is_function_node(args[0])
            ):
                return
            if not flow.is_request(labels) and _own_markup_rewritten(document, args[0], receiver):
                return  # $(el).html($(el).html().replace(...)): the element's own markup, edited
            argument, ir_argument = args[0], hit.call.args[0]
        elif method == "insertAdjacentHTML" and len(args) >= 2:
            argument, ir_argument = args[1], hit.call.args[1]
        else:
            return
        text_method, title, message = _TEXT_TWINS[method]
        preferred = _MARKUP_HINT not in flow.shape(facts, ir_argument).text()
        fix_list = [
            fixes.rename_property(document, js.callee_property(call), text_method, title, preferred=preferred)
        ]
        if purify:
            fix_list.append(_sanitize_fix(document, purify, argument, False))
        yield self._finding(
            document, call, message.replace("a non-constant value", _what(labels)), labels, fix_list
        )

    def _finding(self, document, node, message, labels, fix_list) -> Finding:
        confidence = Confidence.HIGH if flow.is_request(labels) else None
        return RULE.finding(document.node_span(node), message, fixes=fix_list, confidence=confidence)


_STRING_METHODS = frozenset({"replace", "replaceAll", "trim", "trimStart", "trimEnd", "toString"})


def _own_markup_rewritten(document, argument, receiver) -> bool:
    """``argument`` is the receiver's own HTML read back (``$(this).html()``) with string methods
    applied: markup already in the page, edited (a counter renumbered). Data from the URL or a
    message in the replacement is still reported: the caller checks that first."""
    node = js.unwrap(argument)
    while syntax.is_call(node):
        function = syntax.callee(node)
        if not syntax.is_member(function):
            return False
        owner, property_node = syntax.member_parts(function)
        method = js.text(document, property_node)
        if method == "html" and not js.arguments_of(node):
            return js.text(document, owner) == js.text(document, receiver)
        if method not in _STRING_METHODS or owner is None:
            return False
        node = js.unwrap(owner)
    return False


def _purify_name(document, context) -> str | None:
    """The local name DOMPurify is imported under, if it is (once per run: a loop over the imports)."""
    return js.local_name_for(document, context, "dompurify", None) or js.local_name_for(
        document, context, "isomorphic-dompurify", None
    )


def _what(labels) -> str:
    return "data from the page's URL or a message" if flow.is_request(labels) else "a non-constant value"


def _sanitize_fix(document, purify, node, preferred) -> Fix:
    return fixes.wrap_node(document, node, f"{purify}.sanitize", "Sanitize with DOMPurify", preferred)


def _is_jquery(document, receiver) -> bool:
    receiver = js.unwrap(receiver)
    if syntax.is_call(receiver):
        function = syntax.callee(receiver)
        if function is not None and js.text(document, function) in ("$", "jQuery"):
            return True
        # $('#a').find('.b').html(x): walk down the chain to its start.
        if syntax.is_member(function):
            return _is_jquery(document, syntax.member_parts(function)[0])
    if syntax.is_identifier(receiver):
        return js.text(document, receiver).startswith("$")
    return False


def _dangerous_html_value(document, attribute):
    """The expression given as ``__html`` (or the whole attribute value when it is not an object literal)."""
    expression = syntax.jsx_attribute_expression(attribute)
    if expression is None or not expression.named_child_count:
        return None
    value = js.unwrap(expression.named_children[0])
    if not syntax.is_object_literal(value):
        return value
    for pair in syntax.object_pairs(value):
        key, entry_value = syntax.pair_parts(pair)
        if js.text(document, key).strip("'\"") == "__html":
            return entry_value
    return None


CHECK = DomXss()
