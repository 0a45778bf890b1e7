"""Large units split into their functions: incremental == from scratch, and an edit costs its piece.

A bundle (lodash's IIFE, a UMD factory, browserify's module map) is one top-level statement, so
the engine used to analyse the whole file as one unit on every keystroke. A unit of
``SPLIT_LINES`` lines or more is now split (``languages/javascript.py`` ``split_unit``): a large
function into its body's statements, anything else into the outermost functions inside it. The
tests lower the threshold so small fixtures are split the same way.
"""

from __future__ import annotations

from contextlib import contextmanager
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from landguard.checks.code_rule import rules_check
from landguard.engine.analyze import Analysis, analysis_units
from landguard.engine.config import Config
from landguard.engine.document import Document
from landguard.engine.languages import unit_splitter
from landguard.languages import javascript
from landguard_testing import incremental_runs, record_checked_units, utf16_range

CHECK = rules_check("javascript")

# An IIFE around the whole file, with a module wrapper inside it (as lodash's `runInContext`):
# helpers, a class and handlers nested two wrappers deep, requires inside the wrappers.
START = """;(function () {
  var cp = require('child_process');
  var DEBUG = false;

  function helper(value) {
    return 'echo ' + value;
  }

  function runInContext(context) {
    var exec = cp.exec;

    function build(value) {
      return 'ls';
    }

    function twice(value) {
      return helper(value) + helper(value);
    }

    function view(req, res) {
      cp.exec(helper(req.query.name));
      exec(build(req.query.x));
      cp.exec(twice(req.query.y));
    }

    function page(req, res) {
      document.body.innerHTML = location.hash;
    }

    return { view: view, page: page };
  }

  var app = runInContext();
  module.exports = app;
}.call(this));
"""


@contextmanager
def split_at(lines: int):
    with mock.patch.object(javascript, "SPLIT_LINES", lines):
        yield


def fresh(text: str):
    return Analysis(Document(text, path="a.js"), Config(), [CHECK]).run()


def _lines(findings, rule: str = "LG303") -> set[int]:
    return {f.span.start_line for f in findings if f.rule_id == rule}


def _replace(document: Document, old: str, new: str):
    start = document.text.index(old)
    return document.apply_change(utf16_range(document.text, start, start + len(old)), new)


def test_a_large_unit_is_split_into_its_wrappers_statements():
    with split_at(6):
        document = Document(START, path="a.js")
        units = analysis_units(document.tree.root_node, unit_splitter(document))
        starts = [document.text.splitlines()[u.start_point[0]].strip() for u in units]
    # The IIFE statement (its header), the IIFE's function, its statements; runInContext is
    # large too: its statements are units (each function declaration one unit).
    assert "function view(req, res) {" in starts
    assert "function helper(value) {" in starts
    assert "function runInContext(context) {" in starts
    assert "var exec = cp.exec;" in starts
    with split_at(10**9):
        document = Document(START, path="a.js")
        assert len(analysis_units(document.tree.root_node, unit_splitter(document))) < len(units)


def test_findings_in_a_split_unit_are_the_ones_of_the_whole_unit():
    # Requires in a wrapper are imports there, its functions are same-file helpers: splitting the
    # unit finds what analysing it whole finds.
    with split_at(10**9):
        whole = fresh(START)
    with split_at(6):
        split = fresh(START)
    assert _lines(whole) == _lines(split) == {20, 22}  # helper() and twice() build a command
    assert _lines(whole, "LG301") == _lines(split, "LG301") == {26}
    assert whole == split


def test_editing_a_helper_in_a_wrapper_rechecks_its_callers():
    with split_at(6):
        document = Document(START, path="a.js")
        analysis = Analysis(document, Config(), [CHECK])
        assert _lines(analysis.run()) == {20, 22}
        # helper() returns a constant now: neither the direct call nor twice()'s (two calls away).
        found = analysis.run([_replace(document, "return 'echo ' + value;", "return 'echo';")])
        assert _lines(found) == set()
        assert found == fresh(document.text)
        found = analysis.run([_replace(document, "return 'ls';", "return value;")])
        assert _lines(found) == {21}  # build() passes its parameter on now
        assert found == fresh(document.text)


def test_a_name_the_wrapper_rebinds_relowers_the_units_that_use_it():
    with split_at(6):
        document = Document(START, path="a.js")
        analysis = Analysis(document, Config(), [CHECK])
        assert 21 not in _lines(analysis.run())
        # `exec` is child_process.exec in runInContext (an alias of the IIFE's require): once build()
        # returns its parameter, view()'s exec(build(...)) runs a command; rebinding `exec` to a
        # function of the file's own changes what view()'s unit means, not its text.
        assert 21 in _lines(analysis.run([_replace(document, "return 'ls';", "return value;")]))
        found = analysis.run([_replace(document, "var exec = cp.exec;", "var exec = function () {};")])
        assert 21 not in _lines(found)
        assert found == fresh(document.text)


def test_a_wrapper_alias_that_stops_naming_a_sink_rechecks_the_unchanged_units_using_it():
    # The engine reuses each known text's unit context key while the epoch stays
    # (``flow.unit_key_epoch``): view()'s text, the file's function keys and the summaries stay
    # as they were, but `exec` means something else in view() now, so its unit is lowered again,
    # which must change the epoch (without it the finding at line 21 stayed).
    with split_at(6):
        document = Document(START, path="a.js")
        analysis = Analysis(document, Config(), [CHECK])
        analysis.run()
        assert 21 in _lines(analysis.run([_replace(document, "return 'ls';", "return value;")]))
        found = analysis.run([_replace(document, "var exec = cp.exec;", "var exec = console.log;")])
        assert 21 not in _lines(found)
        assert found == fresh(document.text)
        found = analysis.run([_replace(document, "var exec = console.log;", "var exec = cp.exec;")])
        assert 21 in _lines(found)
        assert found == fresh(document.text)


def test_an_edit_in_one_nested_function_lowers_only_its_unit(monkeypatch):
    with split_at(6):
        document = Document(START, path="a.js")
        analysis = Analysis(document, Config(), [CHECK])
        analysis.run()
        lowered: list[str] = []
        original = javascript._Lowerer.lower_unit

        def counting(self, unit):
            lowered.append(document.text.splitlines()[unit.start_point[0]].strip())
            return original(self, unit)

        monkeypatch.setattr(javascript._Lowerer, "lower_unit", counting)
        found = analysis.run([_replace(document, "document.body.innerHTML = location.hash;", "x();")])
        # The edited function and the wrappers around it (their text changed; they lower to a
        # header), nothing else.
        assert "function view(req, res) {" not in lowered
        assert "function helper(value) {" not in lowered
        assert "function page(req, res) {" in lowered
        assert len(lowered) <= 4
        assert found == fresh(document.text)


pieces = st.sampled_from(
    [
        "",
        "x",
        "\n",
        "}",
        "{",
        "return 'fixed';",
        "return value;",
        "return 'ls ' + value;",
        "req.query.z",
        "'constant'",
        "parseInt(value, 10)",
        "      cp.exec(helper('a'));\n",
        "      cp.exec(build(req.query.b));\n",
        "\n    function helper2(value) {\n      return value;\n    }\n",
        "helper2",
        "var cp = require('fs');\n",
        "return helper(value);",
        "location.hash",
        # What `exec` means in runInContext (no function key, no summary changes: the units using it
        # are lowered again, ``flow.unit_key_epoch``).
        "var exec = console.log;",
        "cp.execFile",
    ]
)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), pieces), min_size=1, max_size=8))
def test_incremental_findings_in_split_units_equal_a_scan_from_scratch(steps):
    with split_at(6):
        document = Document(START, path="a.js")
        analysis = Analysis(document, Config(), [CHECK])
        for text, found in incremental_runs(document, analysis, steps):
            # As in test_javascript_incremental: compare on the same tree (error recovery may differ).
            if str(document.tree.root_node) == str(Document(text, path="a.js").tree.root_node):
                assert found == fresh(text)


# lodash's shape: the module wrapper is a function *expression* assigned in a declaration of the
# IIFE (`var runInContext = (function runInContext(context) {...})`), so the declaration's text
# holds the whole wrapper; what the IIFE binds must not depend on the function's body.
DECLARED = """;(function () {
  var cp = require('child_process');

  function helper(value) {
    return 'echo ' + value;
  }

  var runInContext = (function runInContext(context) {
    var exec = cp.exec;

    function build(value) {
      return 'ls';
    }

    function view(req, res) {
      cp.exec(helper(req.query.name));
      exec(build(req.query.x));
    }

    return { view: view };
  });

  var app = runInContext();
  module.exports = app;
}.call(this));
"""


def test_an_edit_inside_a_declared_wrapper_keeps_what_the_outer_wrapper_binds(monkeypatch):
    with split_at(6):
        document = Document(DECLARED, path="a.js")
        analysis = Analysis(document, Config(), [CHECK])
        assert _lines(analysis.run()) == {15}
        computed: list[str] = []
        original = javascript._wrapper_names

        def counting(document, text, wrapper, *rest):
            computed.append(document.text.splitlines()[wrapper.start_point[0]].strip())
            return original(document, text, wrapper, *rest)

        monkeypatch.setattr(javascript, "_wrapper_names", counting)
        found = analysis.run([_replace(document, "return 'ls';", "return value;")])
        # Nothing the wrappers bind is worked out again: the IIFE's declaration of runInContext
        # changed only inside the function's body (a unit of its own).
        assert computed == []
        assert _lines(found) == {15, 16}
        assert found == fresh(document.text)


def test_the_declaration_around_a_wrapper_still_decides_what_it_binds():
    with split_at(6):
        document = Document(DECLARED, path="a.js")
        analysis = Analysis(document, Config(), [CHECK])
        analysis.run()
        # The text around the split-off body is kept in the fingerprint: `cp` rebound in the IIFE
        # by the declaration's own text makes the command sinks in runInContext mean something else.
        found = analysis.run(
            [
                _replace(
                    document,
                    "var runInContext = (function",
                    "var cp = require('fs'), runInContext = (function",
                )
            ]
        )
        assert found == fresh(document.text)
        assert _lines(found) != {15}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), pieces), min_size=1, max_size=8))
def test_incremental_findings_in_a_declared_wrapper_equal_a_scan_from_scratch(steps):
    with split_at(6):
        document = Document(DECLARED, path="a.js")
        analysis = Analysis(document, Config(), [CHECK])
        for text, found in incremental_runs(document, analysis, steps):
            if str(document.tree.root_node) == str(Document(text, path="a.js").tree.root_node):
                assert found == fresh(text)


# browserify's module map: each module a function in an array (`[function (...) {...}, {deps}]`);
# an unbalanced paste can make error recovery read the arrays as sequences.
MODULES = """var cp = require('child_process');
var modules = {
  1: [
    function (require, module, exports) {
      function view(req, res) {
        cp.exec('ls ' + req.query.name);
      }
      module.exports = view;
    },
    {}
  ],
  2: [
    function (require, module, exports) {
      module.exports = function page(req, res) {
        document.body.innerHTML = location.hash;
      };
    },
    {}
  ]
};
"""


def test_a_function_moved_to_another_container_keeps_its_findings(monkeypatch):
    # The same function text in an array and in a sequence: nothing inside a function reads the
    # container it stands in, so its cache key (and findings) are kept; fails when the key holds
    # the parent's kind ("array/function_expression" -> "sequence_expression/...").
    with split_at(6):
        document = Document(MODULES, path="a.js")
        analysis = Analysis(document, Config(), [CHECK])
        first = analysis.run()
        assert {f.rule_id for f in first} >= {"LG303"}
        checked = record_checked_units(monkeypatch, type(CHECK))
        opened = _replace(document, "  1: [\n", "  1: (\n")
        found = analysis.run([opened, _replace(document, "    {}\n  ],\n  2", "    {}\n  ),\n  2")])
        assert "sequence_expression" in str(document.tree.root_node)
        lines = document.text.splitlines()
        assert "function (require, module, exports) {" not in [lines[n].strip() for n in checked]
        assert found == fresh(document.text)


def test_a_function_keyed_by_its_declarator_is_not_kept_under_another_name():
    # A declarator names an anonymous function (its summary key, the rules' `function_name`):
    # that parent stays in the key.
    with split_at(2):
        document = Document("var a = [\n  function (x) {\n    return x;\n  }\n];\n", path="a.js")
        order, places, _texts = javascript.listed_units(document)
        assert "*/function_expression" in places
        document = Document("var a =\n  function (x) {\n    return x;\n  };\n", path="a.js")
        order, places, _texts = javascript.listed_units(document)
        assert "variable_declarator/function_expression" in places


container_pieces = st.sampled_from(
    ["", "[", "]", "(", ")", ",", "{}", "}", "{", "\n", "x", "function () {", "req.query.q"]
)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), container_pieces), min_size=1, max_size=8))
def test_incremental_findings_in_a_module_map_equal_a_scan_from_scratch(steps):
    # Edits that move the module functions between arrays, sequences, arguments and error nodes.
    with split_at(6):
        document = Document(MODULES, path="a.js")
        analysis = Analysis(document, Config(), [CHECK])
        for text, found in incremental_runs(document, analysis, steps):
            if str(document.tree.root_node) == str(Document(text, path="a.js").tree.root_node):
                assert found == fresh(text)
