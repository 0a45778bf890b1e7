"""Additions to the core made for the JavaScript rules, on synthetic IR (no language involved):
sanitizer methods sanitize their receiver, and string shapes (built? constant fragments? prefix?)."""

from __future__ import annotations

import pytest

from landguard.dataflow import ir
from landguard.dataflow.interpret import FileAnalysis
from landguard.dataflow.models import Models, rows_from_toml
from landguard.dataflow.shapes import ShapeReader, calls_in, pins_destination, walk

MODELS = Models(
    rows_from_toml(
        {
            "source": [{"name": "web.input"}],
            "sink": [{"name": "db.run", "args": [0], "kind": "sql"}],
            "sanitizer": [{"method": "toText", "kinds": ["nosql"]}, {"method": "quoteSql", "kinds": ["sql"]}],
        },
        "test",
    )
)


def hits(*body: ir.Stmt) -> int:
    function = ir.Function("f", (), tuple(body))
    return len(FileAnalysis([function], MODELS).facts(function).sink_hits("sql"))


SOURCE = ir.Call("web.input", "input")


def test_a_sanitizer_method_with_arguments_still_carries_its_receivers_data():
    # buf.toText('utf8'): the receiver is what flows on; sanitized for nosql only, so still SQL-tainted.
    converted = ir.Call(None, "toText", (ir.Lit("utf8"),), (), ir.Name("x"))
    assert hits(ir.Assign(ir.Name("x"), SOURCE), ir.Eval(ir.Call("db.run", "run", (converted,)))) == 1


def test_a_sanitizer_method_of_the_right_kind_sanitizes_its_receiver():
    quoted = ir.Call(None, "quoteSql", (ir.Lit("'"),), (), ir.Name("x"))
    assert hits(ir.Assign(ir.Name("x"), SOURCE), ir.Eval(ir.Call("db.run", "run", (quoted,)))) == 0


def test_shapes_follow_variables_and_know_built_strings():
    value = ir.Name("sql")
    function = ir.Function(
        "f",
        (ir.Param("name", 0),),
        (
            ir.Assign(ir.Name("sql"), ir.Lit("SELECT * FROM t")),
            ir.If(
                ir.Name("name"),
                (
                    ir.Assign(
                        ir.Name("sql"), ir.Concat((ir.Name("sql"), ir.Lit(" WHERE a = "), ir.Name("name")))
                    ),
                ),
            ),
            ir.Eval(ir.Call("db.run", "run", (value,))),
        ),
    )
    reader = ShapeReader(function)
    shape = reader.shape(value)
    assert shape.built and "WHERE a =" in shape.text() and shape.prefix == "SELECT * FROM t"
    assert not reader.shape(ir.Lit("x")).built
    passed_through = ir.Function(
        "g", (ir.Param("sql", 0),), (ir.Eval(ir.Call("db.run", "run", (ir.Name("sql"),))),)
    )
    assert not ShapeReader(passed_through).shape(ir.Name("sql")).built


def test_prefix_is_kept_only_when_every_value_starts_alike():
    function = ir.Function(
        "f",
        (),
        (
            ir.If(
                ir.Name("c"),
                (ir.Assign(ir.Name("u"), ir.Concat((ir.Lit("/users/"), ir.Name("id")))),),
                (ir.Assign(ir.Name("u"), ir.Concat((ir.Lit("/teams/"), ir.Name("id")))),),
            ),
        ),
    )
    assert ShapeReader(function).shape(ir.Name("u")).prefix == "/"
    dynamic_start = ir.Function(
        "g", (), (ir.Assign(ir.Name("u"), ir.Concat((ir.Name("host"), ir.Lit("/x")))),)
    )
    assert ShapeReader(dynamic_start).shape(ir.Name("u")).prefix is None


def test_calls_in_skips_nested_functions():
    inner = ir.Function("inner", (), (ir.Eval(ir.Call("b", "b")),))
    outer = (
        ir.Eval(ir.Call("a", "a", (ir.FuncRef(inner),))),
        ir.If(ir.Lit(True), (ir.Eval(ir.Call("c", "c")),)),
    )
    assert sorted(c.callee for c in calls_in(outer)) == ["a", "c"]


def test_a_closure_sees_the_state_where_it_is_defined():
    def closure_over(value: ir.Expr) -> int:
        inner = ir.Function("inner", (), (ir.Eval(ir.Call("db.run", "run", (ir.Name("x"),))),))
        outer = ir.Function(
            "outer",
            (ir.Param("p", 0),),
            (ir.Assign(ir.Name("x"), value), ir.Eval(ir.Call("later", "later", (ir.FuncRef(inner),)))),
        )
        ir.set_enclosing(inner, outer)
        analysis = FileAnalysis([inner, outer], MODELS)
        return len(analysis.facts(inner).sink_hits("sql"))  # the closure first: its outer runs on demand

    assert closure_over(SOURCE) == 1
    assert closure_over(ir.Lit("SELECT 1")) == 0


def test_an_outer_parameter_is_not_the_closures_own():
    inner = ir.Function("inner", (ir.Param("q", 0),), (ir.Return(ir.Name("p")),))
    outer = ir.Function("outer", (ir.Param("p", 0),), (ir.Define(inner),))
    ir.set_enclosing(inner, outer)
    analysis = FileAnalysis([outer, inner], MODELS)
    analysis.facts(outer)
    (label,) = analysis.facts(inner).returns[0].labels
    assert label.strength == "parameter" and label.param is None


@pytest.mark.parametrize(
    ("prefix", "pinned"),
    [
        ("https://api.example.com/", True),
        ("https://api.example.com?next=", True),
        ("ldap://directory.example.com/", True),
        ("/users/", True),
        ("page.jsp?next=", True),
        ("https://", False),  # the host is still open
        ("https://api.example.com", False),  # `.evil.com` may follow
        ("//", False),  # protocol-relative: any host
        ("/", False),  # `/evil.com` makes it protocol-relative
        ("\\\\host/", False),
        ("https://{host}/", False),  # a placeholder is no host
        ("http://%s/", False),
        ("javascript:", False),
        ("", False),
        (None, False),
    ],
)
def test_one_url_pinning_rule_for_every_language(prefix, pinned):
    assert pins_destination(prefix) is pinned


def _every_child(items) -> list:
    """Every IR node under ``items`` found by reading each node's slots (whatever its class), not
    inside nested functions: what ``walk`` must reach by knowing each class's children."""
    found: list = []
    stack = list(items)
    while stack:
        item = stack.pop()
        if isinstance(item, ir.Case):
            stack.extend((*item.tests, *item.body))
            continue
        found.append(item)
        for slot in item.__slots__:
            child = getattr(item, slot, None)
            elements = child if isinstance(child, tuple) else (child,)
            for element in elements:
                for node in element if isinstance(element, tuple) else (element,):
                    if isinstance(node, (ir.Expr, ir.Stmt, ir.Case)):
                        stack.append(node)
    return found


def test_walk_reaches_every_node_of_every_ir_class():
    # The interpreter's name sets (``_own_names``) and the rules read a function's nodes through
    # ``walk``, which knows each class's children: a class or field it does not know would hide
    # calls and names. One node of every class, each child distinct, in every slot.
    inner = ir.Function("inner", (), (ir.Eval(ir.Call("hidden", "hidden")),))
    n = iter(range(1000))

    def name() -> ir.Name:
        return ir.Name(f"v{next(n)}")

    call = ir.Call("f", "f", (name(),), (("k", name()),), name())
    expressions = [
        ir.Lit(1),
        call,
        ir.Attr(name(), "a"),
        ir.Index(name(), name()),
        ir.Concat((name(), name())),
        ir.BinOp("+", name(), name()),
        ir.Unary("-", name()),
        ir.Cond(name(), name(), name()),
        ir.Seq((name(), name())),
        ir.MapLit(((name(), name()), (None, name()))),
        ir.FuncRef(inner),
        ir.Opaque((name(),)),
    ]
    statements = [
        ir.Assign(name(), ir.Seq(tuple(expressions))),
        ir.Eval(name()),
        ir.Return(name()),
        ir.Raise(name()),
        ir.If(name(), (ir.Eval(name()),), (ir.Eval(name()),)),
        ir.Switch(name(), (ir.Case((name(),), (ir.Eval(name()),)), ir.Case((), (ir.Break(),)))),
        ir.Loop((ir.Eval(name()), ir.Continue()), name(), (ir.Eval(name()),)),
        ir.Try((ir.Eval(name()),), ((ir.Eval(name()),),), (ir.Eval(name()),), (ir.Eval(name()),)),
        ir.Define(inner),
    ]
    walked = walk(statements)
    assert {id(item) for item in walked} == {id(item) for item in _every_child(statements)}
    assert len(walked) == len({id(item) for item in walked})
    # Every class of the IR is in the sample (a new class must be added here and to ``walk``).
    classes = {type(item) for item in walked}
    defined = {
        value
        for value in vars(ir).values()
        if isinstance(value, type)
        and issubclass(value, (ir.Expr, ir.Stmt))
        and value not in (ir.Expr, ir.Stmt)
    }
    assert defined <= classes
    assert not any(isinstance(item, ir.Call) and item.callee == "hidden" for item in walked)
