"""Incremental == from scratch for the JS dataflow rules: edits to a helper re-check its callers.

A finding in one unit can depend on another (a helper's summary, a module constant that makes
a branch dead, an import). The engine caches each unit's findings by its text and the module
context key; this property test edits helpers, constants and callers at random and compares
with a fresh analysis.
"""

from __future__ import annotations

import factory_programs
from hypothesis import example, given, settings
from hypothesis import strategies as st

from landguard.checks.code_rule import rules_check
from landguard.engine.analyze import Analysis
from landguard.engine.config import Config
from landguard.engine.document import Document
from landguard_testing import incremental_runs, utf16_range

CHECK = rules_check("javascript")

START = """const cp = require('child_process');

const DEBUG = false;

function helper(value) {
  return 'echo ' + value;
}

class Runner {
  build(value) {
    return 'ls';
  }

  run(req) {
    cp.exec(this.build(req.query.x));
  }
}

function view(req, res) {
  if (DEBUG) {
    cp.exec('rm ' + req.query.f);
  }
  cp.exec(helper(req.query.name));
}

function walk(value, depth) {
  if (depth > 2) {
    return value;
  }
  return visit(value, depth + 1);
}

function visit(value, depth) {
  return walk(value, depth);
}

function tree(req, res) {
  cp.exec(walk(req.query.t, 0));
}
"""

pieces = st.sampled_from(
    [
        "",
        "x",
        "\n",
        "const DEBUG = true;\n",
        "return 'fixed';",
        "return value;",
        "return 'ls ' + value;",
        "req.query.y",
        "'constant'",
        "parseInt(value, 10)",
        "  cp.exec(helper('a'));\n",
        "true",
        "}",
        "\nfunction helper2(value) {\n  return value;\n}\n",
        "helper2",
        "return helper(value);",
        # Edits inside the call cycle walk <-> visit (summarised as one unit).
        "return visit(value, depth);",
        "return walk(value, 0);",
        "return 'leaf';",
    ]
)


def fresh(text: str):
    return Analysis(Document(text, path="a.js"), Config(), [CHECK]).run()


@settings(max_examples=100, deadline=None)
@example(steps=[(0.9375, 0.9375, "\n"), (0.5, 0.65625, "")])  # see the test below
# Deleting `class Runner {` turns `Runner.build` into no function of the file: a unit whose key
# named it must not keep its old key because the names it refers to now are unchanged.
@example(steps=[(0.375, 0.390625, "")])
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), pieces), min_size=1, max_size=8))
def test_incremental_dataflow_findings_equal_a_scan_from_scratch(steps):
    document = Document(START, path="a.js")
    analysis = Analysis(document, Config(), [CHECK])
    for text, found in incremental_runs(document, analysis, steps):
        # tree-sitter may recover from a syntax error differently when it reparses incrementally
        # than from scratch; the cache is exact for the tree it has, so compare on the same tree
        # (trees with syntax errors included).
        if str(document.tree.root_node) == str(Document(text, path="a.js").tree.root_node):
            assert found == fresh(text)


def test_dead_branch_in_a_recovered_class_body():
    # Found by the test above: a half-written class member made the next top-level function a method
    # of the class (the same text, another place in the grammar), and the findings cached for it as a
    # function were reused for the method. The unit's cache key now holds its place.
    steps = [(0.9375, 0.9375, "\n"), (0.5, 0.65625, "")]
    document = Document(START, path="a.js")
    analysis = Analysis(document, Config(), [CHECK])
    text, found = list(incremental_runs(document, analysis, steps))[-1]
    assert found == fresh(text)


def _replace(document: Document, old: str, new: str):
    start = document.text.index(old)
    return document.apply_change(utf16_range(document.text, start, start + len(old)), new)


def _lines(findings) -> set[int]:
    return {f.span.start_line for f in findings if f.rule_id == "LG303"}


def test_editing_a_helper_rechecks_its_callers():
    document = Document(START, path="a.js")
    analysis = Analysis(document, Config(), [CHECK])
    assert 22 in _lines(analysis.run())  # cp.exec(helper(req.query.name)): the helper builds a command
    after = _lines(analysis.run([_replace(document, "return 'echo ' + value;", "return 'echo';")]))
    assert 22 not in after
    assert 14 not in after  # Runner.build returns a constant
    assert 14 in _lines(analysis.run([_replace(document, "return 'ls';", "return value;")]))


def test_a_constant_that_kills_a_branch_is_part_of_the_key():
    document = Document(START, path="a.js")
    analysis = Analysis(document, Config(), [CHECK])
    assert 20 not in _lines(analysis.run())  # `if (DEBUG)` with DEBUG = false
    assert 20 in _lines(analysis.run([_replace(document, "const DEBUG = false;", "const DEBUG = true;")]))


RECURSIVE = """const cp = require('child_process');

function writeNode(value, depth) {
  if (depth > 3) {
    return writeSequence(value, depth);
  }
  return 'echo ' + value;
}

function writeSequence(value, depth) {
  return writeNode(value, depth + 1);
}

function view(req, res) {
  cp.exec(writeNode(req.query.name, 0));
}
"""


def test_an_edit_beside_mutually_recursive_helpers_equals_a_scan_from_scratch():
    # js-yaml's dumper (writeNode -> writeBlockSequence -> writeNode): checking that a kept summary
    # is still valid asked for the summaries it used, which asked for it in turn, without end.
    document = Document(RECURSIVE, path="a.js")
    analysis = Analysis(document, Config(), [CHECK])
    assert 14 in _lines(analysis.run())
    edit = _replace(document, "writeNode(req.query.name, 0)", "writeNode(req.query.name, 1)")
    found = analysis.run([edit])
    assert 14 in _lines(found)
    assert found == fresh(document.text)


MUTUAL = """const cp = require('child_process');

function walk(value) {
  if (value.length > 1) {
    return visit(value.slice(1));
  }
  cp.exec('ls ' + value);
}

function visit(value) {
  return walk(value);
}

function view(req, res) {
  walk(req.query.path);
}
"""


def test_mutually_recursive_helpers_survive_an_edit(caplog):
    # Reusing the cached summaries of two functions that call each other used to recurse without
    # end (each one's validity asked for the other's summary), so every rule failed on the edit.
    document = Document(MUTUAL, path="a.js")
    analysis = Analysis(document, Config(), [CHECK])
    assert 14 in _lines(analysis.run())
    found = analysis.run([_replace(document, "function view(req, res) {", "function view(req, res)  {")])
    assert 14 in _lines(found)
    assert found == fresh(document.text)
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


CONFIGURED = """const knex = require('knex');

const config = { client: 'pg', connection: { host: 'db', password: 'root' } };

const db = knex(config);
"""


def test_a_top_level_options_object_is_part_of_the_key():
    # LG320 reads `knex(config)`'s password from the constant object of another unit.
    document = Document(CONFIGURED, path="a.js")
    analysis = Analysis(document, Config(), [CHECK])

    def lg320(findings) -> set[int]:
        return {f.span.start_line for f in findings if f.rule_id == "LG320"}

    assert lg320(analysis.run()) == {2}
    found = analysis.run([_replace(document, "password: 'root'", "password: process.env.DB_PASSWORD")])
    assert lg320(found) == set() and found == fresh(document.text)
    found = analysis.run([_replace(document, "password: process.env.DB_PASSWORD", "password: 'admin'")])
    assert lg320(found) == {2} and found == fresh(document.text)


@settings(max_examples=60, deadline=None)
@given(factory_programs.steps(factory_programs.JAVASCRIPT_REPLACEMENTS))
def test_factory_edits_incremental_equals_fresh(steps):
    # A call on a same-file factory's result runs the method of the class (or object literal) the
    # factory returns: editing the factory, the method, or the call re-checks its callers.
    document = Document(factory_programs.JAVASCRIPT, path="a.js")
    analysis = Analysis(document, Config(), [CHECK])
    replacements = factory_programs.JAVASCRIPT_REPLACEMENTS
    for text, found in factory_programs.edited_runs(document, analysis, replacements, steps):
        if str(document.tree.root_node) == str(Document(text, path="a.js").tree.root_node):
            assert found == fresh(text), text


def test_a_factory_returning_another_class_rechecks_its_callers():
    document = Document(factory_programs.JAVASCRIPT, path="a.js")
    analysis = Analysis(document, Config(), [CHECK])
    lines = factory_programs.JAVASCRIPT.splitlines()
    view, wrapped = lines.index("  make().launch(req.query.a);"), lines.index("  wrapper(req.query.d);")
    assert not {f.span.start_line for f in analysis.run()} & {view, wrapped}  # Counted parses a number
    start = document.text.index("return new Counted()")
    change = document.apply_change(utf16_range(document.text, start, start + 20), "return new Shell()")
    changed = analysis.run([change])
    assert {view, wrapped} <= {f.span.start_line for f in changed if f.rule_id == "LG303"}
    assert changed == fresh(document.text)


# Two classes with a method of the same text and indentation: the same unit cache key in the
# engine, but `this.go` is another method in each, so their findings differ.
TWIN_METHODS = """const cp = require('child_process');

class Shell {
  go(value) {
    cp.exec(value);
  }

  run(req) {
    this.go(req.query.x);
  }
}

class Echo {
  go(value) {
    return value;
  }

  run(req) {
    this.go(req.query.x);
  }
}

function other() {
  return 1;
}
"""


def test_units_of_one_text_with_different_lowerings_are_each_checked():
    # The engine reuses a known text's unit context key while the epoch stays
    # (``flow.unit_key_epoch``), and checks one unit per text: not while two units of one text
    # have different lowerings (the epoch is None then), or Shell.run's finding went to Echo.run
    # or was lost.
    document = Document(TWIN_METHODS, path="a.js")
    analysis = Analysis(document, Config(), [CHECK])
    first = analysis.run()
    assert {f.span.start_line for f in first} & {8, 18} == {8}
    assert first == fresh(TWIN_METHODS)
    for _ in range(2):
        found = analysis.run([_replace(document, "return 1;", "return 1; ")])
        assert found == fresh(document.text)
        assert {f.span.start_line for f in found} & {8, 18} == {8}


twin_pieces = st.sampled_from(
    [
        "",
        "x",
        "\n",
        "return 2;",
        "cp.exec(value);",
        "return value;",
        "this.go(req.query.y);",
        "}",
        "  run(req) {\n    this.go(req.query.x);\n  }\n",
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), twin_pieces), min_size=1, max_size=6))
def test_twin_method_edits_incremental_equals_fresh(steps):
    document = Document(TWIN_METHODS, path="a.js")
    analysis = Analysis(document, Config(), [CHECK])
    for text, found in incremental_runs(document, analysis, steps):
        if str(document.tree.root_node) == str(Document(text, path="a.js").tree.root_node):
            assert found == fresh(text)
