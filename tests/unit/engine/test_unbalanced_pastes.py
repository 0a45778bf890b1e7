"""Pastes of unbalanced text (an open brace, a dedent, an unterminated string or comment) that make
tree-sitter's error recovery re-parent the units after them: every incremental run equals a scan
from scratch, in Python, JavaScript and Java (issue #15).

And a Python top-level definition hiding a builtin (a dedent that makes a method ``def max``
top-level) rechecks the units naming it, not the file; a Java paste that breaks one class rechecks
that class's units, not the units of another class that never names it (their keys hold only the
classes and summaries they can reach); a Java member text written in two classes is two units (its
calls resolve against each class's methods), over edits and over pastes that move members from one
class to another."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from landguard.engine.analyze import Analysis
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard_testing import fresh_document, record_checked_units

FIXTURES = Path(__file__).parents[1] / "fixtures"
CONFIG = Config(dependencies=DependencySettings(online=False))

# Text that leaves the file unbalanced where it is pasted, per language.
UNBALANCED = {
    ".py": [
        "class Broken:\n",
        "def broken(x):\n",
        "x = (\n",
        's = "unterminated\n',
        "if x:\n",
        "    y = 1\n",
    ],
    ".js": ["function broken() {\n", "}\n", "const o = {\n", "s = 'unterminated\n", "/*\n", "if (x) {\n"],
    ".java": ["  void broken() {\n", "}\n", "class Broken {\n", 'String s = "unterminated\n', "/*\n", "{\n"],
}

REAL_FILES = [
    "python/LG202.py",
    "python/LG201.py",
    "javascript/LG304.js",
    "javascript/LG301.js",
    "java/LG401.java",
    "java/LG403.java",
    "java/flow/CycleFlow.java",
]


def _fresh(document: Document):
    return Analysis(fresh_document(document), CONFIG, incremental=False).run()


@pytest.mark.parametrize("name", REAL_FILES)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    draws=st.lists(
        st.tuples(
            st.floats(0, 1),  # where (a line start)
            st.floats(0, 1),  # which of the file's own lines to paste after the unbalanced text
            st.sampled_from([0, 1, 3, 10]),  # how many of them
            st.integers(0, 5),  # which unbalanced text
            st.booleans(),  # undo the paste afterwards, or keep it for the next one
        ),
        min_size=1,
        max_size=4,
    )
)
def test_unbalanced_pastes_equal_a_fresh_scan(name, draws):
    path = FIXTURES / name
    document = Document(path.read_text(encoding="utf-8"), path=str(path))
    analysis = Analysis(document, CONFIG)
    analysis.run()
    for at, source, size, which, undo in draws:
        lines = document.text.split("\n")
        n = int(at * (len(lines) - 1))
        s = int(source * (len(lines) - 1))
        block = UNBALANCED[path.suffix][which] + "".join(line + "\n" for line in lines[s : s + size])
        found = analysis.run([document.apply_change((n, 0, n, 0), block)])
        assert found == _fresh(document)
        if undo:
            found = analysis.run([document.apply_change((n, 0, n + block.count("\n"), 0), "")])
            assert found == _fresh(document)


HIDING = """\
import os


def run(cmd):
    os.system(cmd)


def biggest(values):
    return max(values)


class Table:
    def rows(self):
        return []
"""


def test_a_python_definition_hiding_a_builtin_rechecks_the_units_naming_it(monkeypatch):
    """A paste that adds a top-level ``def max`` (as a dedent that ends the class above a method of
    that name does) changes what ``max`` means in the units writing it, and nothing for the others."""
    checked = record_checked_units(monkeypatch)
    document = Document(HIDING, path="hiding.py")
    analysis = Analysis(document, CONFIG)
    analysis.run()
    checked.clear()
    end = len(HIDING.splitlines())
    found = analysis.run([document.apply_change((end, 0, end, 0), "def max(values):\n    return 0\n")])
    rechecked = sorted(set(checked))
    assert found == _fresh(document)
    lines = document.text.splitlines()
    assert rechecked == [lines.index("def biggest(values):"), lines.index("def max(values):")]


TWO_CLASSES = """\
class Queries {
  String helper(String q) { return "select " + q; }
  void run(java.sql.Statement s, String q) throws Exception {
    s.executeQuery(helper(q));
  }
  void other(java.sql.Statement s, String q) throws Exception {
    s.executeQuery("select 1");
  }
}
class Counter {
  void add() {
    total++;
  }
  void reset() {
    total = 0;
  }
  int total;
  int limit;
}
"""


def test_a_java_paste_that_breaks_one_class_leaves_the_other_classes_units_cached(monkeypatch):
    checked = record_checked_units(monkeypatch)
    document = Document(TWO_CLASSES, path="Two.java")
    analysis = Analysis(document, CONFIG)
    analysis.run()
    checked.clear()
    # An open brace in `add`: error recovery nests what follows and `Counter` loses its fields.
    line = TWO_CLASSES.splitlines().index("    total++;")
    found = analysis.run([document.apply_change((line, 0, line, 0), "    if (total > limit) {\n")])
    rechecked = list(checked)
    assert found == _fresh(document)
    assert [f.span.start_line for f in found if f.rule_id == "LG401"] == [3]
    assert rechecked and min(rechecked) >= TWO_CLASSES.splitlines().index("class Counter {")


# `run` is written the same in both classes; its call of `build` resolves against its own class's.
TWINS = """\
class Risky {
  String build(String q) { return "select * from t where id = " + q; }
  void run(java.sql.Statement s, String q) throws Exception {
    s.executeQuery(build(q));
  }
  int size() { return 0; }
}
class Safe {
  String build(String q) { return "select 1"; }
  void run(java.sql.Statement s, String q) throws Exception {
    s.executeQuery(build(q));
  }
  int size() { return 0; }
}
"""


def test_a_java_member_text_in_two_classes_keeps_each_class_findings_and_one_edit_asks_one_key(monkeypatch):
    from landguard.checks.java._support import JavaFrontend

    asked: list[int] = []
    unit_context_key = JavaFrontend.unit_context_key

    def counting(self, unit, document, context):
        asked.append(unit.start_point[0])
        return unit_context_key(self, unit, document, context)

    monkeypatch.setattr(JavaFrontend, "unit_context_key", counting)
    document = Document(TWINS, path="Twins.java")
    analysis = Analysis(document, CONFIG)
    assert [f.span.start_line for f in analysis.run() if f.rule_id == "LG401"] == [3]
    analysis.tidy()  # the first run's keys (``Analysis._deferred_keys``), as the server does after it
    # A space in Risky's `size`, in Safe's `run` (the twin of Risky's), then in Safe's header.
    for line, column, keys in ((5, 15, [5]), (10, 4, [9]), (7, 10, [8, 9, 12])):
        asked.clear()
        found = analysis.run([document.apply_change((line, column, line, column), " ")])
        assert found == _fresh(document)
        assert [f.span.start_line for f in found if f.rule_id == "LG401"] == [3]
        # The edited member's key only; after a class header, that class's members' keys (their
        # unit cache keys hold the header), not every unit's because one text is in two classes.
        assert sorted(asked) == keys


# Members to move, as (first line, line count) of TWINS: whole members only, so the file parses.
_MEMBERS = [(1, 1), (2, 3), (5, 1), (8, 1), (9, 3), (12, 1)]


@settings(max_examples=25, deadline=None)
@given(
    moves=st.lists(
        st.tuples(st.sampled_from(_MEMBERS), st.sampled_from([1, 8]), st.booleans()),
        min_size=1,
        max_size=4,
    )
)
@example(moves=[((9, 3), 1, False)])  # Safe.run moved into Risky: its call of `build` is Risky's now
@example(moves=[((1, 1), 8, False), ((8, 1), 1, False)])  # the two `build`s swapped
def test_java_pastes_moving_members_between_classes_equal_a_fresh_scan(moves):
    """A member cut from one class and pasted at the top of another (or copied there): the pasted
    text is a member of its new class, and the units of the same text left behind keep theirs."""
    document = Document(TWINS, path="Twins.java")
    analysis = Analysis(document, CONFIG)
    analysis.run()
    for (first, count), target, copy in moves:
        lines = document.text.split("\n")
        if first + count > len(lines) - 2:
            continue
        block = "".join(line + "\n" for line in lines[first : first + count])
        changes = []
        if not copy:
            changes.append(document.apply_change((first, 0, first + count, 0), ""))
            if target > first:
                target -= count
        changes.append(document.apply_change((target, 0, target, 0), block))
        found = analysis.run(changes)
        assert found == _fresh(document)
