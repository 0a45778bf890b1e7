"""The JavaScript/TypeScript adapter: what it lowers into the dataflow IR."""

from __future__ import annotations

import textwrap

from landguard.dataflow import ir
from landguard.engine.document import Document
from landguard.languages import javascript as adapter


def functions(code: str, path: str = "a.js") -> dict[str, ir.Function]:
    document = Document(textwrap.dedent(code), path=path)
    return {f.name: f for f in adapter.file_functions(document)}


def calls(function: ir.Function) -> list[ir.Call]:
    from landguard.dataflow.shapes import calls_in

    return sorted(calls_in(function.body), key=lambda c: (c.node.start_byte, -c.node.end_byte))


def test_imports_and_aliases_qualify_callees():
    found = functions(
        """\
        const cp = require('node:child_process');
        import { exec as run } from 'child_process';
        const { readFile } = require('fs');
        const util = require('util');
        const execAsync = util.promisify(cp.exec);
        function f(x) {
          cp.exec(x); run(x); readFile(x); execAsync(x); require('child_process').execSync(x);
        }
        """
    )
    assert [c.callee for c in calls(found["f"])] == [
        "child_process.exec",
        "child_process.exec",
        "fs.readFile",
        "child_process.exec",
        "child_process.execSync",
        "require",
    ]


def test_locals_shadow_imports_and_new_gives_a_type():
    found = functions(
        """\
        const { exec } = require('child_process');
        const { Pool } = require('pg');
        function f(exec) { exec('ls'); }
        function g() { const pool = new Pool(); pool.query('SELECT 1'); }
        """
    )
    assert [c.callee for c in calls(found["f"])] == [None]
    assert [c.callee for c in calls(found["g"])] == ["pg.Pool", "pg.Pool.query"]


def test_handler_parameters_have_roles():
    document = Document(
        textwrap.dedent(
            """\
        app.get('/x', (req, res) => res.status(200).send(req.query.q));
        router.get('/k', async (ctx) => { ctx.body = ctx.request.body; });
        export async function GET(request: NextRequest) { return request.json(); }
        function plain(a, b) { return a + b; }
        """
        ),
        path="a.ts",
    )
    every = adapter.file_functions(document)
    found = {f.name: f for f in every}
    handler = next(f for f in every if f.params and f.params[0].name == "req")
    assert [(p.name, p.type) for p in handler.params] == [
        ("req", "express.Request"),
        ("res", "express.Response"),
    ]
    send = calls(handler)[0]  # the outer call comes first
    assert send.callee == "express.Response.send"  # through the fluent status()
    (query_attr,) = [a for a in send.args if isinstance(a, ir.Attr)]
    assert query_attr.qualname == "express.Request.query.q"
    koa = next(f for f in every if f.params and f.params[0].name == "ctx")
    assert koa.params[0].type == "koa.Context" and "route" in koa.tags
    assert found["GET"].params[0].type == "fetch.Request"
    assert found["plain"].params[0].type is None and not found["plain"].tags


def test_message_listener_event_is_a_message_event():
    (listener,) = [
        f
        for f in functions("window.addEventListener('message', (e) => { el.innerHTML = e.data; });").values()
        if f.params
    ]
    assert listener.params[0].type == "MessageEvent"


def test_keys_let_same_file_calls_find_their_function():
    found = functions(
        """\
        function helper(x) { return x; }
        const arrow = (x) => x;
        const utils = { clean(x) { return x; } };
        class Repo {
          byId(id) { return this.run(id); }
          run(sql) { return sql; }
        }
        function use(v) { helper(v); arrow(v); new Repo().run(v); }
        """
    )
    assert found["helper"].key == "helper" and found["arrow"].key == "arrow"
    assert found["clean"].key == "utils.clean"
    assert found["byId"].key == "Repo.byId" and calls(found["byId"])[0].callee == "Repo.run"
    assert [c.callee for c in calls(found["use"])] == ["helper", "arrow", "Repo.run", "Repo"]


def test_destructuring_switch_loops_and_try_are_lowered():
    (function,) = [
        f
        for f in functions(
            """\
            function f(req) {
              const { a, b: c = 1, ...rest } = req.query;
              const [first, , third] = list;
              switch (mode) { case 1: x = a; case 2: x = c; break; default: x = 0; }
              for (const item of items) { y += item; }
              do { z++; } while (z < 3);
              try { risky(); } catch ({ message }) { log(message); } finally { done(); }
            }
            """
        ).values()
        if f.name == "f"
    ]
    body = function.body
    assigns = [s for s in body if isinstance(s, ir.Assign)]
    targets = [a.target.name for a in assigns if isinstance(a.target, ir.Name)]
    assert targets[:5] == ["$tmp1", "a", "c", "rest", "$tmp2"]
    assert isinstance(assigns[1].value, ir.Attr) and assigns[1].value.obj.name == "$tmp1"
    assert assigns[0].value.qualname == "express.Request.query"
    switch = next(s for s in body if isinstance(s, ir.Switch))
    assert [c.falls_through for c in switch.cases] == [True, True, True] and not switch.cases[2].tests
    loops = [s for s in body if isinstance(s, ir.Loop)]
    assert isinstance(loops[0].body[0], ir.Assign) and isinstance(loops[0].body[0].value, ir.Index)
    assert loops[1].runs_once
    assert any(isinstance(s, ir.Try) and s.handlers and s.final for s in body)


def test_typescript_wrappers_are_transparent_and_length_is_a_number():
    (function,) = functions(
        "function f(x: any) { return (x as string)!.length + (<string>x); }", "a.ts"
    ).values()
    (ret,) = function.body
    assert isinstance(ret.value, ir.BinOp)
    assert isinstance(ret.value.left, ir.Opaque) and not ret.value.left.parts
    assert isinstance(ret.value.right, ir.Name)


def test_jsx_dangerous_html_is_a_call_of_its_own():
    (component,) = functions(
        "export function C({ body }) { return <div dangerouslySetInnerHTML={{ __html: body }} />; }", "a.tsx"
    ).values()
    (call,) = [c for c in calls(component) if c.callee == "react.dangerouslySetInnerHTML"]
    assert isinstance(call.args[0], ir.Name) and call.args[0].name == "body"


def test_template_strings_concatenation_and_escape_idiom():
    (function,) = functions(
        "function f(a) { const s = `x${a}y` + 'z'; return a.replace(/[.*+?^${}()|[\\]\\\\]/g, '\\\\$&'); }"
    ).values()
    assign, ret = function.body
    assert isinstance(assign.value, ir.Concat) and len(assign.value.parts) == 4
    assert ret.value.callee == "RegExp.escape"


def test_half_written_code_still_lowers_what_parsed():
    document = Document(
        "function broken( {\n  const x = ;\n}\nfunction run(dir) {\n  cp.exec(dir);\n}\n", path="a.js"
    )
    assert document.tree.root_node.has_error
    methods = [c.method for f in adapter.file_functions(document) for c in calls(f)]
    assert "exec" in methods


def test_a_callback_does_not_take_the_enclosing_statements_pending_assignments():
    found = functions("function f(items) { run(i++, () => { go(); }); }")
    assert not any(isinstance(s, ir.Assign) for s in found["<lambda>"].body)
    assert isinstance(found["f"].body[0], ir.Assign)  # i++ happens in f, before the call


def test_a_chain_of_assignments_is_lowered_once_per_link(monkeypatch):
    # `x = (o[(o[(o[0] = 1)] = 2)] = 3)`: the value of an assignment is its target, lowered once.
    # Lowering the left side again doubled the work per link (minutes on a 6,000-line file whose
    # error-recovered tree, after a paste, nested assignments inside assignment targets).
    depth = 16
    chain = "req.query.q"
    for n in range(depth):
        chain = f"(o[{chain}] = {n})"
    seen = []
    original = adapter._Lowerer._expr

    def counting(self, node, scope, binding=None):
        seen.append(node)
        return original(self, node, scope, binding)

    monkeypatch.setattr(adapter._Lowerer, "_expr", counting)
    found = functions(f"function view(req, res) {{\n  const x = {chain};\n  res.send(x);\n}}\n")
    assert "view" in found
    assert len(seen) < 20 * depth
