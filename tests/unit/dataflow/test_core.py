"""The dataflow core on synthetic IR: one vulnerable/safe pair per flow shape, no language involved."""

from __future__ import annotations

import pytest

from landguard.dataflow import ir
from landguard.dataflow.interpret import FileAnalysis, SummaryStore
from landguard.dataflow.models import ModelError, Models, rows_from_toml
from landguard.dataflow.values import PARAMETER, REQUEST

MODELS = Models(
    rows_from_toml(
        {
            "source": [{"name": "web.input"}, {"param_tag": "route"}],
            "sink": [
                {"name": "db.run", "args": [0], "kind": "sql"},
                {"name": "sh.run", "args": [0], "kind": "command", "when_keyword": "shell"},
                {"method": "write_html", "kind": "xss"},
            ],
            "sanitizer": [
                {"name": "int", "kinds": ["*"]},
                {"name": "html.escape", "kinds": ["xss"]},
                {"name": "os.path.realpath", "kinds": ["path-normalized"]},
            ],
            "guard": [
                {"op": "in", "kinds": ["*"]},
                {"method": "contains", "kinds": ["*"], "checks": "arg0"},
                {
                    "method": "startswith",
                    "kinds": ["path"],
                    "checks": "receiver",
                    "requires": "path-normalized",
                },
            ],
            "neutral": [{"name": "len"}],
            "container": [
                {"method": "append", "op": "append"},
                {"method": "add", "op": "append"},
                {"method": "get", "op": "get"},
                {"method": "put", "op": "put"},
                {"method": "remove", "op": "remove"},
                {"method": "toString", "op": "tostring"},
                {"name": "List", "op": "new-list"},
                {"name": "Map", "op": "new-map"},
                {"name": "Builder", "op": "new-builder"},
            ],
        },
        "test",
    )
)


def N(name: str) -> ir.Name:
    return ir.Name(name)


def L(value) -> ir.Lit:
    return ir.Lit(value)


def call(callee: str, *args: ir.Expr, receiver: ir.Expr | None = None, **keywords: ir.Expr) -> ir.Call:
    method = callee.rsplit(".", 1)[-1]
    return ir.Call(callee, method, tuple(args), tuple(keywords.items()), receiver)


def method(receiver: ir.Expr, name: str, *args: ir.Expr) -> ir.Call:
    return ir.Call(None, name, tuple(args), (), receiver)


SOURCE = call("web.input")


def let(name: str, value: ir.Expr) -> ir.Assign:
    return ir.Assign(N(name), value)


def sink(value: ir.Expr) -> ir.Eval:
    return ir.Eval(call("db.run", value))


def fn(*body: ir.Stmt, params=(), key: str | None = None, name: str = "f") -> ir.Function:
    return ir.Function(name, tuple(params), tuple(body), key=key)


def hits(function: ir.Function, kind: str = "sql", others=(), strengths=(REQUEST,)) -> int:
    analysis = FileAnalysis([function, *others], MODELS)
    return len(analysis.facts(function).sink_hits(kind, strengths))


CASES = {
    # name: (vulnerable, safe)
    "direct": (fn(sink(SOURCE)), fn(sink(L("SELECT 1")))),
    "through a variable": (
        fn(let("x", SOURCE), sink(N("x"))),
        fn(let("x", L("a")), sink(N("x"))),
    ),
    "overwritten before the sink": (
        fn(let("x", L("a")), let("x", SOURCE), sink(N("x"))),
        fn(let("x", SOURCE), let("x", L("a")), sink(N("x"))),
    ),
    "assigned after the sink (flow-sensitive)": (
        fn(let("x", SOURCE), sink(N("x")), let("x", L("a"))),
        fn(let("x", L("a")), sink(N("x")), let("x", SOURCE)),
    ),
    "branch merge keeps the tainted arm": (
        fn(let("x", SOURCE), ir.If(N("c"), (let("x", L("")),)), sink(N("x"))),
        fn(let("x", SOURCE), ir.If(N("c"), (let("x", L("")),), (let("x", L("b")),)), sink(N("x"))),
    ),
    "constant condition takes the live arm": (
        fn(let("x", SOURCE), ir.If(ir.BinOp("==", L(1), L(1)), (sink(N("x")),))),
        fn(let("x", SOURCE), ir.If(ir.BinOp("==", ir.BinOp("*", L(2), L(3)), L(7)), (sink(N("x")),))),
    ),
    "constant condition through a variable": (
        fn(let("n", L(5)), let("x", SOURCE), ir.If(ir.BinOp(">", N("n"), L(3)), (sink(N("x")),))),
        fn(let("n", L(5)), let("x", SOURCE), ir.If(ir.BinOp("<", N("n"), L(3)), (sink(N("x")),))),
    ),
    "ternary on a constant": (
        fn(let("x", ir.Cond(L(True), SOURCE, L("a"))), sink(N("x"))),
        fn(let("x", ir.Cond(L(False), SOURCE, L("a"))), sink(N("x"))),
    ),
    "string method folded in a condition": (
        fn(
            let("x", SOURCE), ir.If(ir.BinOp("==", method(L("abc"), "charAt", L(1)), L("b")), (sink(N("x")),))
        ),
        fn(
            let("x", SOURCE), ir.If(ir.BinOp("==", method(L("abc"), "charAt", L(1)), L("c")), (sink(N("x")),))
        ),
    ),
    "switch on a constant": (
        fn(
            let("x", SOURCE),
            ir.Switch(L("b"), (ir.Case((L("a"),), (let("x", L("safe")),)), ir.Case((L("b"),), ()))),
            sink(N("x")),
        ),
        fn(
            let("x", SOURCE),
            ir.Switch(L("a"), (ir.Case((L("a"),), (let("x", L("safe")),)), ir.Case((L("b"),), ()))),
            sink(N("x")),
        ),
    ),
    "switch fall-through": (
        fn(
            let("x", L("safe")),
            ir.Switch(
                L(1),
                (
                    ir.Case((L(1),), (), falls_through=True),
                    ir.Case((L(2),), (let("x", SOURCE), ir.Break()), falls_through=True),
                    ir.Case((), (let("x", L("s")),), falls_through=True),
                ),
            ),
            sink(N("x")),
        ),
        fn(
            let("x", SOURCE),
            ir.Switch(
                L(1),
                (
                    ir.Case((L(1),), (), falls_through=True),
                    ir.Case((L(2),), (let("x", L("s")), ir.Break()), falls_through=True),
                    ir.Case((), (let("x", SOURCE),), falls_through=True),
                ),
            ),
            sink(N("x")),
        ),
    ),
    "list: element removed before get": (
        fn(
            let("xs", call("List")),
            ir.Eval(method(N("xs"), "add", L("a"))),
            ir.Eval(method(N("xs"), "add", SOURCE)),
            sink(method(N("xs"), "get", L(1))),
        ),
        fn(
            let("xs", call("List")),
            ir.Eval(method(N("xs"), "add", L("a"))),
            ir.Eval(method(N("xs"), "add", SOURCE)),
            ir.Eval(method(N("xs"), "remove", L(0))),
            ir.Eval(method(N("xs"), "add", L("b"))),
            sink(method(N("xs"), "get", L(1))),
        ),
    ),
    "map: different constant key": (
        fn(
            let("m", call("Map")),
            ir.Eval(method(N("m"), "put", L("k"), SOURCE)),
            sink(method(N("m"), "get", L("k"))),
        ),
        fn(
            let("m", call("Map")),
            ir.Eval(method(N("m"), "put", L("k"), SOURCE)),
            sink(method(N("m"), "get", L("j"))),
        ),
    ),
    "builder": (
        fn(
            let("b", call("Builder", L("SELECT "))),
            ir.Eval(method(N("b"), "append", SOURCE)),
            sink(method(N("b"), "toString")),
        ),
        fn(
            let("b", call("Builder", L("SELECT "))),
            ir.Eval(method(N("b"), "append", L("1"))),
            sink(method(N("b"), "toString")),
        ),
    ),
    "loop carries taint around": (
        fn(
            let("x", L("")),
            ir.Loop((sink(N("x")), let("x", SOURCE)), test=N("c")),
        ),
        fn(
            let("x", L("")),
            ir.Loop((sink(N("x")), let("x", L("y"))), test=N("c")),
        ),
    ),
    "while False never runs": (
        fn(
            let("x", SOURCE),
            ir.Loop((sink(N("x")),), test=L(True)),
        ),
        fn(let("x", SOURCE), ir.Loop((sink(N("x")),), test=L(False))),
    ),
    "early return guarded by an allowlist": (
        fn(
            let("x", SOURCE),
            ir.If(ir.BinOp("in", N("x"), ir.Seq((L("a"), L("b")))), (ir.Return(),)),
            sink(N("x")),
        ),
        fn(
            let("x", SOURCE),
            ir.If(ir.Unary("not", ir.BinOp("in", N("x"), ir.Seq((L("a"), L("b"))))), (ir.Return(),)),
            sink(N("x")),
        ),
    ),
    "allowlist by method": (
        fn(let("x", SOURCE), ir.If(method(N("ALLOWED"), "contains", N("y")), (sink(N("x")),))),
        fn(let("x", SOURCE), ir.If(method(N("ALLOWED"), "contains", N("x")), (sink(N("x")),))),
    ),
    "sanitizer of all kinds": (
        fn(let("x", call("str", SOURCE)), sink(N("x"))),
        fn(let("x", call("int", SOURCE)), sink(N("x"))),
    ),
    "comparison results carry no data": (
        fn(let("x", ir.BinOp("+", L("a"), SOURCE)), sink(N("x"))),
        fn(let("x", ir.BinOp("==", L("a"), SOURCE)), sink(N("x"))),
    ),
    "neutral calls": (
        fn(sink(call("shout", SOURCE))),
        fn(sink(call("len", SOURCE))),
    ),
    "route parameters are sources": (
        fn(sink(N("q")), params=(ir.Param("q", 0, frozenset({"route"})),)),
        fn(sink(N("q")), params=(ir.Param("q", 0),)),
    ),
    "try: the handler sees the pre-try value": (
        fn(let("x", SOURCE), ir.Try((let("x", L("a")),), handlers=((sink(N("x")),),))),
        fn(let("x", L("a")), ir.Try((let("y", SOURCE),), handlers=((sink(N("x")),),))),
    ),
    "destructuring a list": (
        fn(ir.Assign(ir.Seq((N("a"), N("b"))), ir.Seq((L("k"), SOURCE))), sink(N("b"))),
        fn(ir.Assign(ir.Seq((N("a"), N("b"))), ir.Seq((L("k"), SOURCE))), sink(N("a"))),
    ),
    "object literal entries": (
        fn(let("o", ir.MapLit(((L("q"), SOURCE), (L("n"), L(1))))), sink(ir.Attr(N("o"), "q"))),
        fn(let("o", ir.MapLit(((L("q"), SOURCE), (L("n"), L(1))))), sink(ir.Attr(N("o"), "n"))),
    ),
    "field paths": (
        fn(ir.Assign(ir.Attr(N("self"), "q"), SOURCE), sink(ir.Attr(N("self"), "q"))),
        fn(ir.Assign(ir.Attr(N("self"), "q"), SOURCE), sink(ir.Attr(N("self"), "r"))),
    ),
}


@pytest.mark.parametrize("shape", sorted(CASES))
def test_flow_shape(shape: str) -> None:
    vulnerable, safe = CASES[shape]
    assert hits(vulnerable) == 1, "the vulnerable flow is missed"
    assert hits(safe) == 0, "the safe flow is reported"


HELPER_PARAM = (ir.Param("v", 0),)


def test_helper_return_propagates_and_sanitizes_per_kind() -> None:
    passthrough = fn(ir.Return(ir.Concat((L("id="), N("v")))), params=HELPER_PARAM, key="wrap", name="wrap")
    escaper = fn(ir.Return(call("html.escape", N("v"))), params=HELPER_PARAM, key="esc", name="esc")
    constant = fn(ir.Return(L("echo hi")), params=HELPER_PARAM, key="const", name="const")
    caller = fn(sink(call("wrap", SOURCE)))
    assert hits(caller, others=[passthrough]) == 1
    # An HTML escaper does not make SQL safe ...
    assert hits(fn(sink(call("esc", SOURCE))), others=[escaper]) == 1
    # ... but it makes HTML safe.
    html = fn(ir.Eval(method(N("out"), "write_html", call("esc", SOURCE))))
    assert hits(html, "xss", others=[escaper]) == 0
    assert hits(fn(ir.Eval(method(N("out"), "write_html", SOURCE))), "xss") == 1
    # A helper with a constant return is constant, whatever it is given.
    assert hits(fn(sink(call("const", SOURCE))), others=[constant]) == 0


def test_sink_inside_a_helper_is_reported_at_the_call() -> None:
    runner = fn(sink(N("v")), params=HELPER_PARAM, key="run", name="run")
    checked = fn(sink(call("int", N("v"))), params=HELPER_PARAM, key="run2", name="run2")
    caller = fn(ir.Eval(call("run", SOURCE)))
    analysis = FileAnalysis([caller, runner], MODELS)
    found = analysis.facts(caller).sink_hits("sql")
    assert [hit.via_helper for hit in found] == ["run"]
    assert hits(fn(ir.Eval(call("run", L("x")))), others=[runner]) == 0
    assert hits(fn(ir.Eval(call("run2", SOURCE))), others=[checked]) == 0
    # Two levels: caller -> outer -> run
    outer = fn(ir.Eval(call("run", N("v"))), params=HELPER_PARAM, key="outer", name="outer")
    assert hits(fn(ir.Eval(call("outer", SOURCE))), others=[outer, runner]) == 1


def test_recursion_terminates() -> None:
    # A recursive function is a cycle of one: its summary is iterated to a fixed point, so what its
    # base case returns comes back through the recursive call.
    loop = fn(
        ir.If(N("v"), (ir.Return(call("loop", method(N("v"), "strip"))),), ()),
        ir.Return(N("v")),
        params=HELPER_PARAM,
        key="loop",
        name="loop",
    )
    assert hits(fn(sink(call("loop", SOURCE))), others=[loop]) == 1
    # No path returns at all: nothing it returns reaches the sink.
    forever = fn(ir.Return(call("forever", N("v"))), params=HELPER_PARAM, key="forever", name="forever")
    assert hits(fn(sink(call("forever", SOURCE))), others=[forever]) == 0


def test_conditional_sink_rows() -> None:
    assert hits(fn(ir.Eval(call("sh.run", SOURCE, shell=L(True)))), "command") == 1
    assert hits(fn(ir.Eval(call("sh.run", SOURCE, shell=L(False)))), "command") == 0
    assert hits(fn(ir.Eval(call("sh.run", SOURCE))), "command") == 0


def test_prefix_guard_needs_normalisation() -> None:
    models_path = Models(
        [
            *(row for row in MODELS.rows if row.table == "source"),
            *rows_from_toml(
                {
                    "sink": [{"name": "open", "args": [0], "kind": "path"}],
                    "sanitizer": [{"name": "os.path.realpath", "kinds": ["path-normalized"]}],
                    "guard": [
                        {
                            "method": "startswith",
                            "kinds": ["path"],
                            "checks": "receiver",
                            "requires": "path-normalized",
                        }
                    ],
                },
                "t",
            ),
        ]
    )

    def count(*body: ir.Stmt) -> int:
        function = fn(*body)
        return len(FileAnalysis([function], models_path).facts(function).sink_hits("path"))

    guard = ir.If(method(N("p"), "startswith", L("/srv/")), (ir.Eval(call("open", N("p"))),))
    assert count(let("p", SOURCE), guard) == 1  # a prefix check alone: ../ still escapes
    assert count(let("p", call("os.path.realpath", SOURCE)), guard) == 0


def test_parameter_labels_and_provenance() -> None:
    function = fn(let("a", N("q")), let("b", N("a")), sink(N("b")), params=(ir.Param("q", 0),))
    analysis = FileAnalysis([function], MODELS)
    assert analysis.facts(function).sink_hits("sql") == []
    (hit,) = analysis.facts(function).sink_hits("sql", strengths=(PARAMETER,))
    assert hit.strongest.path == ("q", "a", "b")


def test_summary_key_changes_with_helper_behaviour() -> None:
    caller = fn(sink(call("h", SOURCE)))
    clean = fn(ir.Return(L("x")), params=HELPER_PARAM, key="h", name="h")
    dirty = fn(ir.Return(N("v")), params=HELPER_PARAM, key="h", name="h")
    assert (
        FileAnalysis([caller, clean], MODELS).summary_key()
        != FileAnalysis([caller, dirty], MODELS).summary_key()
    )
    same = fn(ir.Return(L("x")), params=HELPER_PARAM, key="h", name="h")
    assert (
        FileAnalysis([caller, clean], MODELS).summary_key()
        == FileAnalysis([caller, same], MODELS).summary_key()
    )
    # A function nobody in the file calls affects no other function's facts: not part of the key.
    assert FileAnalysis([clean], MODELS).summary_key() == FileAnalysis([dirty], MODELS).summary_key()


def test_stored_summaries_are_reused_until_a_callee_changes() -> None:
    store = SummaryStore()
    helper = fn(ir.Return(N("v")), params=HELPER_PARAM, key="h", name="h")
    middle = fn(ir.Return(call("h", N("v"))), params=HELPER_PARAM, key="m", name="m")
    caller = fn(sink(call("m", SOURCE)))
    first = FileAnalysis([helper, middle, caller], MODELS, store=store)
    assert len(first.facts(caller).sink_hits("sql")) == 1
    key = first.summary_key()
    # The caller is edited (a new object); helper and middle are reused, not re-analysed.
    edited = fn(sink(call("m", SOURCE)), ir.Eval(L(1)))
    second = FileAnalysis([helper, middle, edited], MODELS, store=store)
    assert second.summary(middle) is first.summary(middle)
    assert id(middle) not in second._facts
    assert len(second.facts(edited).sink_hits("sql")) == 1
    assert second.summary_key() == key
    # The helper now sanitizes: the middle function (which calls it) is summarised again.
    parsed = fn(ir.Return(call("int", N("v"))), params=HELPER_PARAM, key="h", name="h")
    third = FileAnalysis([parsed, middle, edited], MODELS, store=store)
    assert third.facts(edited).sink_hits("sql") == []
    assert id(middle) in third._facts
    assert third.summary_key() != key
    # A helper edited without changing its summary keeps its callers' summaries.
    reparsed = fn(ir.Eval(L(2)), ir.Return(call("int", N("v"))), params=HELPER_PARAM, key="h", name="h")
    fourth = FileAnalysis([reparsed, middle, edited], MODELS, store=store)
    assert fourth.summary(middle) is third.summary(middle)
    assert id(middle) not in fourth._facts
    assert fourth.facts(edited).sink_hits("sql") == []


def test_a_stored_summary_is_invalid_once_a_name_it_called_becomes_a_function_of_the_file() -> None:
    store = SummaryStore()
    middle = fn(ir.Return(call("h", N("v"))), params=HELPER_PARAM, key="m", name="m")
    caller = fn(sink(call("m", SOURCE)))
    first = FileAnalysis([middle, caller], MODELS, store=store)
    assert len(first.facts(caller).sink_hits("sql")) == 1  # h is unknown: it propagates
    # A sanitizing `h` is declared; `middle` itself is unchanged (the same IR object).
    helper = fn(ir.Return(call("int", N("v"))), params=HELPER_PARAM, key="h", name="h")
    second = FileAnalysis([middle, caller, helper], MODELS, store=store)
    assert second.facts(caller).sink_hits("sql") == []
    assert second.facts(caller).sink_hits("sql") == FileAnalysis([middle, caller, helper], MODELS).facts(
        caller
    ).sink_hits("sql")


def test_stored_summaries_of_mutually_recursive_helpers_are_checked_without_recursing_forever() -> None:
    # js-yaml's writeNode -> writeBlockSequence -> writeNode: the check of a stored summary asks for
    # the summaries its function used, which asked for it in turn.
    store = SummaryStore()
    ping = fn(ir.Return(call("pong", N("v"))), params=HELPER_PARAM, key="ping", name="ping")
    pong = fn(ir.Return(call("ping", N("v"))), params=HELPER_PARAM, key="pong", name="pong")
    caller = fn(sink(call("ping", SOURCE)))
    fresh = FileAnalysis([ping, pong, caller], MODELS, store=store)
    expected = [hit.sink.origin for hit in fresh.facts(caller).sink_hits("sql")]
    key = fresh.summary_key()
    edited = fn(sink(call("ping", SOURCE)), ir.Eval(L(1)))
    again = FileAnalysis([ping, pong, edited], MODELS, store=store)
    assert [hit.sink.origin for hit in again.facts(edited).sink_hits("sql")] == expected
    assert again.summary_key() == key
    assert again.summary(ping) is fresh.summary(ping)


@pytest.mark.parametrize(
    "table, row, message",
    [
        ("sink", {"name": "x"}, "needs a `kind`"),
        ("sink", {"name": "x", "kind": "sql", "args": ["0"]}, "argument positions"),
        ("sanitizer", {"name": "x"}, "`kinds`"),
        ("sink", {"kind": "sql"}, "needs `name` or `method`"),
        ("source", {"name": "x", "colour": "red"}, "unknown key"),
        ("container", {"method": "x", "op": "fly"}, "`op` must be"),
        ("bogus", {"name": "x"}, "unknown table"),
    ],
)
def test_model_rows_are_validated(table: str, row: dict, message: str) -> None:
    with pytest.raises(ModelError, match=message):
        rows_from_toml({table: [row]}, "test.toml")


def test_user_model_rows_from_config_extend_the_shipped_ones() -> None:
    from landguard.dataflow.models import models_for
    from landguard.engine.config import Config, apply_settings

    settings = {
        "models": {"python": {"sink": [{"name": "mycompany.db.run_raw", "args": [0], "kind": "sql"}]}}
    }
    config, errors = apply_settings(Config(), settings, "test")
    assert errors == []
    models = models_for("python", config)
    assert [row.kind for row in models.sinks.match("mycompany.db.run_raw")] == ["sql"]
    assert not models_for("python", Config()).sinks.match("mycompany.db.run_raw")
    _, errors = apply_settings(Config(), {"models": {"python": {"sink": [{"name": "x"}]}}}, "test")
    assert errors and "needs a `kind`" in errors[0]
    _, errors = apply_settings(Config(), {"models": {"cobol": {}}}, "test")
    assert errors and "unknown language" in errors[0]


def test_two_configs_whose_user_rows_differ_only_in_what_they_say_get_their_own_models() -> None:
    # Rows compare by table, name, method and origin: the models' cache must not hand the second
    # configuration the first one's rows (nor their memoised matches).
    from landguard.dataflow.models import models_for
    from landguard.engine.config import Config, apply_settings

    def kinds(kind: str) -> list[str]:
        settings = {"models": {"python": {"sink": [{"name": "mycompany.run", "args": [0], "kind": kind}]}}}
        config, errors = apply_settings(Config(), settings, "test")
        assert errors == []
        return [row.kind for row in models_for("python", config).sinks.match("mycompany.run")]

    assert kinds("sql") == ["sql"]
    assert kinds("command") == ["command"]
    assert kinds("sql") == ["sql"]


def test_row_matches_are_kept_in_order_and_stay_right_once_the_memo_starts_over(monkeypatch) -> None:
    from landguard.dataflow import models as models_module

    monkeypatch.setattr(models_module, "_MATCHES_KEPT", 4)
    index = models_module.RowIndex(
        rows_from_toml(
            {
                "sink": [
                    {"name": "db.*", "kind": "sql"},
                    {"name": "db.run", "kind": "command"},
                    {"method": "run", "kind": "code"},
                ]
            },
            "test",
        )
    )
    expected = {
        ("db.run", "run"): ["command", "sql", "code"],
        ("db.run", None): ["command", "sql"],
        ("other.run", "run"): ["code"],
        (None, "run"): ["code"],
        ("db.x", "x"): ["sql"],
        ("x", "x"): [],
    }
    for _ in range(3):  # more names than the memo keeps: it starts over, answers stay the same
        for (name, method), kinds in expected.items():
            assert [row.kind for row in index.match(name, method)] == kinds
    assert len(index._matches) <= 4


def test_a_summary_store_does_not_grow_with_the_number_of_edits() -> None:
    store = SummaryStore()
    helper = fn(ir.Return(N("v")), params=HELPER_PARAM, key="h", name="h")
    for number in range(3 * 4096):
        edited = fn(ir.Return(call("h", N("v"))), ir.Eval(L(number)), params=HELPER_PARAM, key="m", name="m")
        analysis = FileAnalysis([helper, edited], MODELS, store=store)
        analysis.summary(edited)
    assert len(store._entries) <= 2 * 4096 + 2
    # What the document still uses survives the pruning.
    assert id(helper) in store._entries


# ---------------------------------------------------------------------------------------- call cycles


def _cycle():
    """``walk(v)`` and ``visit(v)`` call each other; ``visit`` runs ``v`` as SQL, and returns
    ``walk``'s result; ``walk`` returns ``v`` once it is short, else ``visit(v.strip())``."""
    walk = fn(
        ir.If(N("v"), (ir.Return(call("visit", method(N("v"), "strip"))),), ()),
        ir.Return(N("v")),
        params=HELPER_PARAM,
        key="walk",
        name="walk",
    )
    visit = fn(sink(N("v")), ir.Return(call("walk", N("v"))), params=HELPER_PARAM, key="visit", name="visit")
    return walk, visit


def _described(summary) -> tuple:
    return summary.signature(), summary.returns


def test_a_cycle_gives_the_same_summaries_whichever_member_is_asked_for_first() -> None:
    walk, visit = _cycle()
    first = FileAnalysis([walk, visit], MODELS)
    second = FileAnalysis([walk, visit], MODELS)
    a = (_described(first.summary(walk)), _described(first.summary(visit)))
    b = tuple(reversed((_described(second.summary(visit)), _described(second.summary(walk)))))
    assert a == b
    assert first.cycle_of(walk) and {id(f) for f in first.cycle_of(walk)} == {id(walk), id(visit)}
    # Through the cycle, the argument reaches the sink inside `visit` and comes back out of `walk`.
    summary = first.summary(walk)
    assert [sink.param for sink in summary.sinks] == [0]
    assert any(label.param == 0 for label in summary.returns.all_labels())
    caller = fn(sink(call("walk", SOURCE)))
    for ask_first in (walk, visit, caller):
        analysis = FileAnalysis([caller, walk, visit], MODELS)
        analysis.facts(ask_first)
        assert len(analysis.facts(caller).sink_hits("sql")) == 2  # in `visit` (via walk), and walk's return


def test_a_function_outside_every_cycle_has_none() -> None:
    helper = fn(ir.Return(N("v")), params=HELPER_PARAM, key="helper", name="helper")
    caller = fn(sink(call("helper", SOURCE)), key="caller", name="caller")
    analysis = FileAnalysis([caller, helper], MODELS)
    assert analysis.cycle_of(caller) == () and analysis.cycle_of(helper) == ()
    walk, _visit = _cycle()
    recursive = fn(ir.Return(call("again", N("v"))), params=HELPER_PARAM, key="again", name="again")
    assert FileAnalysis([recursive], MODELS).cycle_of(recursive) == (recursive,)
    assert FileAnalysis([walk], MODELS).cycle_of(walk) == ()  # `visit` is not a function of this file


def test_a_cycle_with_growing_values_ends_and_keeps_its_labels() -> None:
    # `nest(v)` returns `[nest(v)]`: each exact round nests the list one level deeper, so only the
    # joined rounds end it; the parameter's label survives.
    nest = fn(
        ir.If(N("v"), (ir.Return(ir.Seq((N("v"),))),), ()),
        ir.Return(ir.Seq((call("nest", N("v")),))),
        params=HELPER_PARAM,
        key="nest",
        name="nest",
    )
    assert hits(fn(sink(call("nest", SOURCE))), others=[nest]) == 1
    assert hits(fn(sink(call("nest", L("x")))), others=[nest]) == 0


def test_a_cycle_kept_in_a_store_is_reused_whole_and_resolved_when_a_member_changes() -> None:
    walk, visit = _cycle()
    caller = fn(sink(call("walk", SOURCE)), key="caller", name="caller")
    store = SummaryStore()
    first = FileAnalysis([caller, walk, visit], MODELS, store=store)
    assert len(first.facts(caller).sink_hits("sql")) == 2
    kept = first.summary(walk), first.summary(visit)
    # Nothing changed: the very same summaries, whichever member is asked for first.
    again = FileAnalysis([caller, walk, visit], MODELS, store=store)
    assert (again.summary(visit), again.summary(walk)) == (kept[1], kept[0])
    assert again.summary(walk) is kept[0]
    # `visit` no longer runs its argument: `walk`'s text is the same, its summary is not.
    quiet = fn(ir.Return(call("walk", N("v"))), params=HELPER_PARAM, key="visit", name="visit")
    changed = FileAnalysis([caller, walk, quiet], MODELS, store=store)
    fresh = FileAnalysis([caller, walk, quiet], MODELS)
    assert _described(changed.summary(walk)) == _described(fresh.summary(walk))
    assert not changed.summary(walk).sinks
    assert len(changed.facts(caller).sink_hits("sql")) == len(fresh.facts(caller).sink_hits("sql")) == 1
    # And back: `visit`'s call of `walk` is gone, so `walk` is in no cycle now.
    plain = fn(sink(N("v")), ir.Return(N("v")), params=HELPER_PARAM, key="visit", name="visit")
    after = FileAnalysis([caller, walk, plain], MODELS, store=store)
    assert after.cycle_of(walk) == ()
    assert _described(after.summary(walk)) == _described(
        FileAnalysis([caller, walk, plain], MODELS).summary(walk)
    )


def test_a_cycle_that_loses_a_member_is_solved_again_though_the_others_kept_their_ir() -> None:
    # a -> b -> a, and b -> c -> a: one cycle of three, in which c runs its argument as SQL. Once c
    # only returns its argument, a and b (the same IR objects) are a cycle of two whose summaries
    # must not be the three's, kept.
    a = fn(ir.Return(call("b", N("v"))), params=HELPER_PARAM, key="a", name="a")
    b = fn(
        ir.If(N("v"), (ir.Return(call("a", method(N("v"), "strip"))),), ()),
        ir.Return(call("c", N("v"))),
        params=HELPER_PARAM,
        key="b",
        name="b",
    )
    c = fn(sink(N("v")), ir.Return(call("a", N("v"))), params=HELPER_PARAM, key="c", name="c")
    store = SummaryStore()
    first = FileAnalysis([a, b, c], MODELS, store=store)
    assert len(first.cycle_of(a)) == 3 and first.summary(a).sinks
    c_after = fn(ir.Return(N("v")), params=HELPER_PARAM, key="c", name="c")
    after = FileAnalysis([a, b, c_after], MODELS, store=store)
    assert {id(f) for f in after.cycle_of(a)} == {id(a), id(b)}
    assert not after.summary(a).sinks
    assert _described(after.summary(a)) == _described(FileAnalysis([a, b, c_after], MODELS).summary(a))


def _local_call(name: str, *args: ir.Expr) -> ir.Call:
    """``cb(v)`` of a local variable (JavaScript): no callee the adapter resolved, no receiver."""
    return ir.Call(None, name, tuple(args), (), None)


def test_a_function_name_passed_on_as_a_value_is_no_edge_of_the_call_graph() -> None:
    # `walk` registers `visit` (hands it on, never calls it) and `visit` calls `walk`: `walk`'s
    # summary cannot read `visit`'s, so they are no cycle (lodash: 63 functions were one cycle,
    # through names read).
    walk = fn(
        ir.Eval(call("register", N("visit"))), ir.Return(N("v")), params=HELPER_PARAM, key="walk", name="walk"
    )
    visit = fn(sink(N("v")), ir.Return(call("walk", N("v"))), params=HELPER_PARAM, key="visit", name="visit")
    analysis = FileAnalysis([walk, visit], MODELS)
    assert analysis.cycle_of(walk) == () and analysis.cycle_of(visit) == ()
    caller = fn(sink(call("visit", SOURCE)))
    for ask_first in (walk, visit, caller):
        ordered = FileAnalysis([caller, walk, visit], MODELS)
        ordered.facts(ask_first)
        assert len(ordered.facts(caller).sink_hits("sql")) == 2  # inside `visit`, and at its return


def test_a_function_name_held_by_a_called_variable_stays_an_edge() -> None:
    # `walk` calls `visit` through a local variable: the interpreter reads `visit`'s summary there.
    walk = fn(
        let("cb", N("visit")),
        ir.If(N("v"), (ir.Return(_local_call("cb", method(N("v"), "strip"))),), ()),
        ir.Return(N("v")),
        params=HELPER_PARAM,
        key="walk",
        name="walk",
    )
    visit = fn(sink(N("v")), ir.Return(call("walk", N("v"))), params=HELPER_PARAM, key="visit", name="visit")
    analysis = FileAnalysis([walk, visit], MODELS)
    assert {id(f) for f in analysis.cycle_of(walk)} == {id(walk), id(visit)}
    caller = fn(sink(call("walk", SOURCE)))
    for ask_first in (walk, visit, caller):
        ordered = FileAnalysis([caller, walk, visit], MODELS)
        ordered.facts(ask_first)
        assert len(ordered.facts(caller).sink_hits("sql")) == 2  # in `visit` (via `cb`), and the return


def test_an_edit_of_a_function_others_only_name_leaves_their_stored_summaries_unsuspected() -> None:
    # `namer` hands `target` on and calls `h`: its summary depends on `h`'s, and on `target` only
    # through what the name resolves to. Before, every function naming an edited one was suspect,
    # and their callers transitively (lodash: a local `result` or `iteratee` named the functions).
    store = SummaryStore()
    target = fn(ir.Return(N("v")), params=HELPER_PARAM, key="target", name="target")
    helper = fn(ir.Return(N("v")), params=HELPER_PARAM, key="h", name="h")
    namer = fn(
        ir.Eval(call("register", N("target"))),
        ir.Return(call("h", N("v"))),
        params=HELPER_PARAM,
        key="namer",
        name="namer",
    )
    caller = fn(sink(call("namer", SOURCE)), key="caller", name="caller")
    first = FileAnalysis([target, helper, namer, caller], MODELS, store=store)
    assert len(first.facts(caller).sink_hits("sql")) == 1
    sanitizing = fn(ir.Return(call("int", N("v"))), params=HELPER_PARAM, key="target", name="target")
    second = FileAnalysis([sanitizing, helper, namer, caller], MODELS, store=store)
    assert second.suspect_keys == {"target"}
    assert second.summary(namer) is first.summary(namer)
    assert len(second.facts(caller).sink_hits("sql")) == 1
    # The name stops naming a function of the file: `namer` is suspect, and checked again.
    third = FileAnalysis([helper, namer, caller], MODELS, store=store)
    assert third.suspect_keys is not None and "namer" in third.suspect_keys
    fresh = FileAnalysis([helper, namer, caller], MODELS)
    assert _described(third.summary(namer)) == _described(fresh.summary(namer))
    # `h` now sanitizes: `namer` depends on its summary, and so does the caller's finding.
    quiet = fn(ir.Return(call("int", N("v"))), params=HELPER_PARAM, key="h", name="h")
    fourth = FileAnalysis([quiet, namer, caller], MODELS, store=store)
    assert fourth.facts(caller).sink_hits("sql") == []
