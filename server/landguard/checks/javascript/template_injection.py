"""## What it does
Finds templates compiled from request data — `pug.compile` / `pug.render`, `ejs.compile` /
`ejs.render`, `Handlebars.compile`, `nunjucks.renderString`, `_.template`, `doT.template` —
and views chosen by the request (`res.render(req.query.view)`, koa-views' `ctx.render`). The data
is followed through variables, branches, objects and same-file helpers; a view checked against
an allowlist on the way (`VIEWS.includes(name)`) is not reported, nor is request data passed
as the template's *values* (`res.render('profile', { name: req.query.name })`); the whole
request body or query given as the locals is, since template engines read their options from
the locals: `res.render('form', req.body)`, spread or copied into them
(`{ ...req.body, title }`, `Object.assign({}, req.query)`, `const { password, ...rest } = req.body`),
directly or through a variable, and koa-views' `ctx.render(view, ctx.request.body)`. One field
of the request (`{ ...req.body.profile }`, `const { name } = req.body`) or the request as one
value among the locals (`{ filters: req.query }`) is not.

## Why is this bad?
A template is a program. Pug, EJS, doT and lodash templates compile to JavaScript, and
Handlebars and Nunjucks templates have known ways out to it, so whoever writes the template
runs code on the server (server-side template injection), e.g. `#{process.mainModule.require('child_process').execSync('id')}`
in pug. A view name from the request picks any template the server has, and `../` walks out
of the views folder. Locals that are the whole request let the client set the engine's options
(EJS `settings['view options']`: CVE-2022-29078 ran code through `outputFunctionName`).

## Example
```js
app.get('/greet', (req, res) => {
  res.send(pug.render(`h1 Hello ${req.query.name}`));
});
app.get('/page', (req, res) => res.render(req.query.page));
app.post('/form', (req, res) => res.render('form', { ...req.body }));
```

## Use instead
```js
const greet = pug.compile('h1 Hello #{name}');          // the template is constant ...
app.get('/greet', (req, res) => res.send(greet({ name: req.query.name }))); // ... the data is a value
const PAGES = ['home', 'about'];
app.get('/page', (req, res) => res.render(PAGES.includes(req.query.page) ? req.query.page : 'home'));
app.post('/form', (req, res) => res.render('form', { name: req.body.name }));
```

## References
- CWE-1336: Improper Neutralization of Special Elements Used in a Template Engine, https://cwe.mitre.org/data/definitions/1336.html
- CWE-94: Improper Control of Generation of Code, https://cwe.mitre.org/data/definitions/94.html
- CWE-73: External Control of File Name or Path, https://cwe.mitre.org/data/definitions/73.html
"""

from __future__ import annotations

from collections.abc import Iterable

from landguard.checks.javascript import _flow as flow
from landguard.checks.javascript import _support as js
from landguard.dataflow import ir
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import Rule
from landguard.languages import javascript_syntax as syntax

RULE = Rule(
    id="LG319",
    name="template-injection",
    title="Template compiled from request data, or view chosen by the request",
    severity=Severity.ERROR,
    confidence=Confidence.HIGH,
    cwe=(1336, 94, 73),
    docs=__doc__ or "",
    languages=js.LANGUAGES,
)


class TemplateInjection(js.JavaScriptRule):
    rule = RULE
    reads = frozenset({js.FACTS})

    def check_unit(self, node, document, context) -> Iterable[Finding]:
        for facts in flow.unit_facts(node, document, context):
            kinds = ("template", "template-view", "template-locals")
            for hit, labels in flow.hits(facts, kinds, parameters=False):
                call = hit.call.node
                what = hit.via_helper or js.text(document, syntax.callee(call)) or hit.call.method
                if hit.sink.kind == "template-locals":
                    whole = _whole_request_object(document, hit, labels)
                    if whole is None:
                        continue
                    message = (
                        f"{what}() is given the whole request {whole} as its locals, where template engines "
                        "read options (EJS `settings['view options']`, hbs `layout`); pass only the fields "
                        "the view needs"
                    )
                elif hit.sink.kind == "template-view":
                    message = (
                        f"{what}() renders a view named by the request, which can pick any template "
                        "(and '../'); choose the view from an allowlist"
                    )
                else:
                    message = (
                        f"{what}() compiles a template from request data, which runs as code on the "
                        "server; keep the template constant and pass the data as its values"
                    )
                yield RULE.finding(document.node_span(call), message)


# Request data that arrives as an object (qs query strings, JSON bodies).
_OBJECT_SOURCES = {
    "express.Request.body": "body",
    "express.Request.query": "query",
    "koa.Context.request.body": "body",
    "koa.Context.request.query": "query",
    "koa.Context.query": "query",
}


def _whole_request_object(document, hit, labels) -> str | None:
    """``body``/``query`` when the locals are that request object itself (`res.render(v, req.body)`,
    directly or through a variable, spread into an object literal: `{ ...req.query, title }`,
    `Object.assign({}, req.body)`), not an object literal of its fields or one field of it."""
    if hit.via_helper is not None or len(hit.call.args) < 2:
        return None
    locals_ = hit.call.args[1]
    if isinstance(locals_, ir.MapLit):
        # Only what is spread into the top level: engines read options there (`{ data: req.body }` is one value).
        spreads = [value for key, value in locals_.entries if key is None and getattr(value, "node", None)]
        labels = tuple(
            label for label in labels if any(flow.carries(value.node, (label,)) for value in spreads)
        )
    for label in labels:
        what = _OBJECT_SOURCES.get(label.source)
        if what is None or label.indirect or not syntax.is_node(label.origin):
            continue
        if syntax.is_object_of_field_read(label.origin):
            continue  # req.body.profile: one field
        pattern = syntax.destructured_object_pattern(label.origin)
        if pattern is not None and not set(label.path) & syntax.rest_names(document, pattern):
            continue  # const { name } = req.body: fields; `...rest` is the rest of the object
        return what
    return None


CHECK = TemplateInjection()
