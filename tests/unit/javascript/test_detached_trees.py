"""Reused JavaScript lowerings and summaries keep no earlier tree alive (``languages/detached_nodes``).

An edit re-lowers only the units it touched; the others keep the IR lowered from an earlier tree,
and the summaries made from it. Their nodes used to keep each of those trees alive (a
``tree_sitter.Node`` holds its ``Tree``): one per edit that left a unit alone, tens of MB for a hot
2,000-line file. The trees are counted by reference: a tree only the test's list holds is free.
"""

from __future__ import annotations

import gc
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_javascript_incremental import START, fresh, pieces

from landguard.checks.code_rule import rules_check
from landguard.dataflow.values import PARAMETER, Label
from landguard.engine.analyze import Analysis
from landguard.engine.config import Config
from landguard.engine.document import Document
from landguard.languages import javascript
from landguard.languages.detached_nodes import DetachedNode, detach
from landguard_testing import incremental_runs, utf16_range

CHECK = rules_check("javascript")

SOURCE = """const cp = require('child_process');

function helper(value) {
  const a = 1;
  return 'echo ' + value;
}

function quote(value) {
  const b = 1;
  return "'" + value + "'";
}

function view(req, res) {
  const c = 1;
  cp.exec(helper(quote(req.query.name)));
}

function other(req, res) {
  const d = 1;
  cp.exec(helper(req.query.other));
}
"""


def _referenced_elsewhere(trees: list) -> int:
    """How many of ``trees`` something besides the list holds (the list, the loop variable and
    ``getrefcount``'s argument are three references)."""
    gc.collect()
    return sum(1 for tree in trees if sys.getrefcount(tree) > 3)


def _recorded_trees(monkeypatch) -> list:
    trees: list = []
    parse = Document._parse

    def recording_parse(self, old_tree):
        parse(self, old_tree)
        trees.append(self.tree)

    monkeypatch.setattr(Document, "_parse", recording_parse)
    return trees


def _retype(document: Document, name: str, n: int):
    start = document.text.index(f"const {name} = ")
    end = document.text.index(";", start)
    return document.apply_change(utf16_range(document.text, start, end), f"const {name} = {n + 2}")


@pytest.mark.parametrize("tidy", [True, False])
def test_edits_to_one_function_at_a_time_keep_no_earlier_tree(monkeypatch, tidy):
    trees = _recorded_trees(monkeypatch)
    document = Document(SOURCE, path="a.js")
    analysis = Analysis(document, Config(), [CHECK])
    first = analysis.run()
    assert any(f.rule_id == "LG303" for f in first)  # the helpers' summaries are used
    for n in range(8):  # each function in turn: the others keep lowerings of four different trees
        analysis.run([_retype(document, "abcd"[n % 4], n)])
        if tidy:
            analysis.tidy()  # as the server does once the diagnostics are out
        # Without a pause the previous tree waits for the next tree's run: never more than it.
        assert _referenced_elsewhere(trees) <= (1 if tidy else 2)
    assert trees[-1] is document.tree


@pytest.mark.parametrize("name", ["a", "b", "c"])
def test_keystrokes_in_one_helper_keep_no_earlier_tree(monkeypatch, name):
    # The helper's old lowerings are edited away at once, while its callers' summaries, made from
    # the helper's, are reused: those hold the helper's nodes of the tree they were made in.
    trees = _recorded_trees(monkeypatch)
    document = Document(SOURCE, path="a.js")
    analysis = Analysis(document, Config(), [CHECK])
    expected = analysis.run()
    for n in range(6):
        found = analysis.run([_retype(document, name, n)])
        analysis.tidy()
        assert _referenced_elsewhere(trees) == 1
        assert [(f.rule_id, f.span, f.message) for f in found] == [
            (f.rule_id, f.span, f.message) for f in expected
        ]
    analysis.run([_retype(document, "d", 0)])  # then another function
    analysis.tidy()
    assert _referenced_elsewhere(trees) == 1


def test_detached_nodes_keep_positions_equality_and_hashes():
    document = Document(SOURCE, path="a.js")
    root = document.tree.root_node
    function = root.named_children[1]
    same, again = function.child_by_field_name("name"), function.child_by_field_name("name")
    assert same is not again and same == again  # two handles on one node
    label = Label("param:0", PARAMETER, same, param=0)
    labels = frozenset({label})
    holder = [same, {"key": again}, (labels,)]
    detach([holder], {})
    detached = holder[0]
    assert type(detached) is DetachedNode and holder[1]["key"] is detached  # equal nodes, one stand-in
    assert (detached.type, detached.start_byte, detached.end_byte) == (
        "identifier",
        same.start_byte,
        same.end_byte,
    )
    assert (detached.start_point, detached.end_point) == (same.start_point, same.end_point)
    assert type(label.origin) is DetachedNode and label.origin is detached  # inside a frozen label, in place
    assert hash(detached) == hash(same)
    assert label in labels  # the set holding it is still consistent
    assert Label("param:0", PARAMETER, detached, param=0) in labels
    assert Label("param:0", PARAMETER, same, param=0) not in labels  # a live node is of another tree now


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), pieces), min_size=1, max_size=8))
def test_incremental_equals_fresh_with_some_trees_kept_and_some_detached(monkeypatch_limit, steps):
    # A limit of three functions: the first tree (more) is kept, most edits' trees are detached, so
    # kept and replaced nodes meet in the same summaries.
    document = Document(START, path="a.js")
    analysis = Analysis(document, Config(), [CHECK])
    for text, found in incremental_runs(document, analysis, steps):
        if str(document.tree.root_node) == str(Document(text, path="a.js").tree.root_node):
            assert found == fresh(text)


@pytest.fixture(scope="module")
def monkeypatch_limit():
    saved = javascript.DETACH_LIMIT
    javascript.DETACH_LIMIT = 3
    yield
    javascript.DETACH_LIMIT = saved


CLOSURES = """const express = require('express');
const app = express();
app.get('/a', (req, res) => {
  const q = req.query.q;
  function inner(x) { return () => db.query("SELECT " + q + x); }
  inner(1)();
});
module.exports = function outer(a) { return function (b) { return a + b; }; };
"""


def test_a_files_ir_is_freed_without_the_cyclic_collector():
    """A closure refers to the function it is defined in weakly (``ir.set_enclosing``): that
    function's body holds the closure, so a strong reference made every file's IR a cycle that only
    the collector freed (0.3 s of a 4.4 s check of webpack's ``lib/``)."""
    import weakref

    from landguard.checks.javascript import _flow
    from landguard.engine.registry import CheckContext

    def lowered() -> list:
        analysis = _flow.analysis(Document(CLOSURES, path="app.js"), CheckContext(Config()))
        assert sum("outer" in function.extra for function in analysis.functions) >= 4
        return [weakref.ref(function) for function in analysis.functions]

    gc.collect()
    gc.disable()
    try:
        functions = lowered()
        assert [ref for ref in functions if ref() is not None] == []
    finally:
        gc.enable()
