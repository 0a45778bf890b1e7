"""The analysis units' cache keys, kept across runs by the edits in between (issue #15).

``Analysis._units`` gives every unit of the current tree its key (grammar place, the text before
it on its first line, its text, the header of the class it is a member of). A unit no edit since the last run touched (its first line's start
through its end) keeps its key object rather than slicing and hashing its text again. Kept or
not, every key must equal the one a fresh analysis of the same text computes, and the byte edit
each ``LineChange`` carries must turn the old source into the new one.
"""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from landguard.engine import analyze
from landguard.engine.analyze import Analysis
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard_testing import edit_at, edit_runs, edit_steps, fresh_document

CONFIG = Config(dependencies=DependencySettings(online=False))

JAVA = """\
class A {
  static final int[] T = { 1, 2, 3 };
  int a = 1;
  int b = 2;
  void f(java.sql.Statement s, String q) throws Exception { s.executeQuery("x" + q); }
  static class Inner {
    int c = 3;
    void g() { }
  }
}
"""
PYTHON = """\
import os


class A:
    x = 1

    def f(self, q):
        os.system("ls " + q)

    def g(self):
        return 2


def h():
    pass
"""
TEXTS = {"A.java": JAVA, "a.py": PYTHON}
PIECES = [
    *("", " ", "x", "\n", "\r\n", "\r", "🙂", "int z; ", "  ", "}", "{", "def k():\n    pass\n", '"', "#"),
    *('"""', "/*", "*/", "class B:\n", "    "),  # syntax changes beyond the edit: strings, comments, a class
]


def rows(analysis: Analysis) -> dict:
    """Start byte -> (start point, key) of every unit the last run kept for the next one."""
    return {
        child_start + offset: (start_point, key)
        for child_start, (_, _, _, kept, starts) in analysis._unit_groups.items()
        for offset, (_, start_point, key) in zip(starts, kept, strict=True)
    }


def keys_of(found: dict) -> list:
    return [key for _, key in found.values()]


def fresh_rows(document: Document) -> dict:
    analysis = Analysis(fresh_document(document), CONFIG)
    analysis.run()
    return rows(analysis)


def record_walks(monkeypatch) -> list[str]:
    """The kinds of the nodes the unit walk looks into from now on (``_child_units``), in order."""
    walked: list[str] = []
    real = analyze._child_units
    monkeypatch.setattr(
        analyze, "_child_units", lambda child, parent: walked.append(child.type) or real(child, parent)
    )
    return walked


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines()) if needle in line)


def test_an_edit_keeps_the_key_objects_of_the_units_it_did_not_touch():
    document = Document(JAVA, path="A.java")
    analysis = Analysis(document, CONFIG)
    analysis.run()
    before = rows(analysis)
    line = line_of(JAVA, "int a = 1;")
    change = document.apply_change((line, 11, line, 11), " ")
    analysis.run([change])
    after = rows(analysis)
    assert after == fresh_rows(document)
    kept = [key for key in keys_of(after) if any(key is old for old in keys_of(before))]
    touched = [key for key in keys_of(after) if b"int a = 1" in key[2]]
    assert touched and not any(key is old for key in touched for old in keys_of(before))
    assert len(kept) == len(after) - len(touched)  # every other unit: the same object


def test_text_typed_before_a_unit_on_its_line_gives_it_a_new_key():
    # The unit's own bytes are untouched; the text before it on its first line is part of its key.
    document = Document(JAVA, path="A.java")
    analysis = Analysis(document, CONFIG)
    analysis.run()
    line = line_of(JAVA, "int b = 2;")
    analysis.run([document.apply_change((line, 0, line, 0), "int z; ")])
    assert rows(analysis) == fresh_rows(document)
    # Joining the line with the one above: its prefix is now that line.
    analysis.run([document.apply_change((line - 1, len(JAVA.splitlines()[line - 1]), line, 0), "")])
    assert rows(analysis) == fresh_rows(document)


def test_several_edits_between_runs_are_all_accounted_for():
    document = Document(PYTHON, path="a.py")
    analysis = Analysis(document, CONFIG)
    analysis.run()
    first = line_of(PYTHON, "return 2")
    second = line_of(PYTHON, "x = 1")
    changes = [
        document.apply_change((first, 15, first, 15), "0"),
        document.apply_change((second, 4, second, 4), "y = 2\n    "),
        document.apply_change((0, 0, 0, 0), "\n\n"),
    ]
    analysis.run(changes)
    assert rows(analysis) == fresh_rows(document)


def test_a_run_without_byte_edits_finds_every_key_again():
    document = Document(JAVA, path="A.java")
    analysis = Analysis(document, CONFIG)
    analysis.run()
    before = rows(analysis)
    analysis.run([document.apply_change(None, JAVA.replace("int a = 1;", "int a = 11;"))])
    after = rows(analysis)
    assert after == fresh_rows(document)
    # Nothing is taken over by position: a key is an old object only where it equals that old key
    # (``Analysis._same_key``), and the edited unit's key is a new one.
    old_keys = keys_of(before)
    assert all(key == old for key in keys_of(after) for old in old_keys if key is old)
    assert any(key not in old_keys for key in keys_of(after))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(TEXTS)),
    runs=edit_runs(PIECES, longest=6, per_run=3, runs=5),
)
@example(name="A.java", runs=[[(0.3, 0, "int z; ")], [(0.31, 1, "")]])
def test_kept_keys_equal_fresh_ones_after_any_edits(name, runs):
    document = Document(TEXTS[name], path=name)
    analysis = Analysis(document, CONFIG)
    analysis.run()
    for edits in runs:
        changes = []
        for where, length, piece in edits:
            old_source = document.source
            change = edit_at(document, where, length, piece)
            changes.append(change)
            edit_start, old_end, new_end = change.source_edit
            new_source = document.source
            assert (
                old_source[:edit_start] + new_source[edit_start:new_end] + old_source[old_end:] == new_source
            )
        analysis.run(changes)
        assert rows(analysis) == fresh_rows(document)


MODULE = """\
import os


def a(q):
    return q


class B:
    def f(self, q):
        os.system("ls " + q)

    def g(self):
        return 2


def c():
    pass
"""


def test_a_top_level_statement_no_edit_reached_keeps_its_units_without_a_walk(monkeypatch):
    document = Document(MODULE, path="m.py")
    analysis = Analysis(document, CONFIG)
    analysis.run()
    walked = record_walks(monkeypatch)
    line = line_of(MODULE, "return q")
    findings = analysis.run([document.apply_change((line, 12, line, 12), " ")])
    assert walked == ["function_definition"]  # def a; class B and def c are taken over
    assert rows(analysis) == fresh_rows(document)
    fresh = Analysis(Document(document.text, path="m.py"), CONFIG).run()
    assert [f.span for f in findings] == [f.span for f in fresh] and findings  # LG in B.f, found again


def test_a_quote_that_turns_the_rest_into_a_string_walks_what_it_reached():
    # The edit is in `def a`; tree-sitter's changed ranges reach the statements below it.
    document = Document(MODULE, path="m.py")
    analysis = Analysis(document, CONFIG)
    analysis.run()
    line = line_of(MODULE, "return q")
    analysis.run([document.apply_change((line, 12, line, 12), '"""')])
    assert rows(analysis) == fresh_rows(document)
    fresh = Analysis(Document(document.text, path="m.py"), CONFIG).run()
    closing = analysis.run([document.apply_change((line, 15, line, 15), '"""')])
    assert rows(analysis) == fresh_rows(document)
    assert closing == Analysis(Document(document.text, path="m.py"), CONFIG).run()
    assert fresh != closing  # the string hid B.f's finding, closing it brings it back


def test_a_changed_import_rechecks_taken_over_units_with_their_nodes(monkeypatch):
    document = Document(MODULE, path="m.py")
    analysis = Analysis(document, CONFIG)
    analysis.run()
    analysis.run(
        [document.apply_change((line_of(MODULE, "return 2"), 16, line_of(MODULE, "return 2"), 16), " ")]
    )
    # Every unit is checked again under the new import map: the kept ones need their nodes.
    found_nodes: list[int] = []
    real = Analysis._find_nodes
    monkeypatch.setattr(
        Analysis, "_find_nodes", lambda self, units: found_nodes.append(1) or real(self, units)
    )
    findings = analysis.run([document.apply_change((0, 9, 0, 9), ", subprocess")])
    assert findings == Analysis(Document(document.text, path="m.py"), CONFIG).run()
    assert found_nodes


def test_a_run_without_changes_walks_nothing(monkeypatch):
    document = Document(MODULE, path="m.py")
    analysis = Analysis(document, CONFIG)
    first = analysis.run()
    walked = record_walks(monkeypatch)
    assert analysis.run() == first
    assert walked == []


TWINS = """\
class A {
  int n;
  int size() { return n; }
}
class B extends A {
  int n;
  int size() { return n; }
}
"""


def test_a_member_text_in_two_classes_is_two_keys_and_a_header_edit_rekeys_its_members():
    document = Document(TWINS, path="Twins.java")
    analysis = Analysis(document, CONFIG)
    analysis.run()
    sizes = [key for key in keys_of(rows(analysis)) if b"size()" in key[2]]
    assert len(sizes) == 2 and sizes[0] != sizes[1]
    # The members of B are not touched by an edit of its header, but they are in another class now.
    line = line_of(TWINS, "class B extends A")
    analysis.run([document.apply_change((line, 16, line, 17), "Object")])
    after = rows(analysis)
    assert after == fresh_rows(document)
    assert [key[3] for key in keys_of(after) if b"size()" in key[2]] == [
        b"class A ",
        b"class B extends Object ",
    ]


NESTED_JAVA = """\
package p;

import java.sql.Statement;

class Outer {
  int a = 1; int b = 2;
  // a comment member
  void f(Statement s, String q) throws Exception { s.executeQuery("x" + q); }
  static class Inner {
    int c = 3;
    void g(Statement s, String q) throws Exception {
      s.execute(q);
    }
    class Deep { int d; void h() { } }
  }
  enum E { X, Y; int e; void k() { } }
  interface I { void m(); default void n() { } }
}
"""
NESTED_PYTHON = """\
import os


class A:
    x = 1

    def f(self, q):
        os.system("ls " + q)

    class B:
        y = 2

        def g(self):
            return 2
    def h(self): pass


@decorated
class C:
    def k(self, q):
        os.system(q)

    def m(self):
        pass
"""
NESTED = {"Outer.java": NESTED_JAVA, "n.py": NESTED_PYTHON}
MEMBER_PIECES = [*PIECES, "int w = 4;\n", "    def w(self):\n        pass\n", "class Z { }", ";", "@d\n"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(NESTED)),
    edits=edit_steps(MEMBER_PIECES, longest=8, most=6),
)
@example(name="Outer.java", edits=[(0.37, 0, " "), (0.37, 1, "")])
# Found by hypothesis: an edit joining a member's last line to the next member's first
# (``}eep {``), and an edit ending where the next member starts on its line (``🙂Deep {``).
@example(name="Outer.java", edits=[(0.6953125, 7, "\r\n"), (0.6953125, 7, "")])
@example(name="Outer.java", edits=[(0.703125, 5, ""), (0.703125, 3, "🙂")])
@example(name="n.py", edits=[(0.6, 0, "\n"), (0.1, 0, "    def w(self):\n        pass\n")])
def test_one_edit_per_run_inside_nested_classes_gives_the_units_and_findings_of_a_fresh_run(name, edits):
    # One edit per run: the case where only the member around the edit is walked (``_splice_group``).
    document = Document(NESTED[name], path=name)
    analysis = Analysis(document, CONFIG)
    analysis.run()
    listed: list[list] = []
    real_units = analysis._units
    analysis._units = lambda: listed.append(real_units()) or listed[-1]  # type: ignore[method-assign]
    for where, length, piece in edits:
        findings = analysis.run([edit_at(document, where, length, piece)])
        fresh = Analysis(fresh_document(document), CONFIG)
        assert findings == fresh.run()
        assert rows(analysis) == rows(fresh)
        assert [(tuple(point), key) for _, point, key in listed[-1]] == [
            (tuple(unit.start_point), key)
            for unit, _, key in Analysis(fresh_document(document), CONFIG)._units()
        ]
        assert all(unit is None or unit.start_point == point for unit, point, _ in listed[-1])


BIG_CLASS = "class Big:\n" + "".join(f"    def m{n}(self, q):\n        return q + {n}\n\n" for n in range(40))


def test_an_edit_inside_one_method_of_a_large_class_walks_that_method_only(monkeypatch):
    document = Document(BIG_CLASS, path="big.py")
    analysis = Analysis(document, CONFIG)
    analysis.run()
    walked = record_walks(monkeypatch)
    line = line_of(BIG_CLASS, "return q + 17")
    analysis.run([document.apply_change((line, 8, line, 8), " ")])
    assert walked == ["function_definition"]
    assert rows(analysis) == fresh_rows(document)
    # A new line between two methods: no unit's text changed, none is walked; the rows below move.
    walked.clear()
    analysis.run([document.apply_change((line + 1, 0, line + 1, 0), "\n")])
    assert walked == []
    assert rows(analysis) == fresh_rows(document)


MANY_FUNCTIONS = "import os\n\n" + "".join(f"def f{n}(q):\n    return q + {n}\n\n\n" for n in range(60))


def test_an_edit_in_one_of_many_top_level_functions_looks_at_that_child_only(monkeypatch):
    document = Document(MANY_FUNCTIONS, path="many.py")
    analysis = Analysis(document, CONFIG)
    analysis.run()
    looked_at: list[list[str]] = []
    real = Analysis._kept_around

    def kept_around(self, *args):
        around = real(self, *args)
        looked_at.append([node.type for node in around[1]] if around is not None else ["all"])
        return around

    monkeypatch.setattr(Analysis, "_kept_around", kept_around)
    line = line_of(MANY_FUNCTIONS, "return q + 30")
    analysis.run([document.apply_change((line, 14, line, 14), " ")])
    analysis.run([document.apply_change((line + 1, 0, line + 1, 0), "x = 1\n")])  # a new statement
    assert looked_at == [["function_definition"], ["expression_statement"]]
    assert rows(analysis) == fresh_rows(document)
    assert analysis.run() == Analysis(Document(document.text, path="many.py"), CONFIG).run()
