"""Java analysis units inside nested classes and enums (issue #15: an edit costs the member it touched).

The engine splits nested classes and an enum's member declarations into member units; the Java
adapter lowers exactly those units for the file's summaries, so an edit inside a 3,000-line nested
class re-lowers one member, and methods in an enum constant's body are lowered (and checked) too.
"""

from __future__ import annotations

import threading

from landguard.engine.analyze import Analysis, analysis_units
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard.languages import java as java_adapter

CONFIG = Config(dependencies=DependencySettings(online=False))

SOURCE = """\
class Outer {
  static final String BASE = "select * from t where a = ";
  enum Op {
    PLUS {
      void apply(java.sql.Statement s, String q) throws Exception { s.executeQuery(BASE + q); }
    },
    MINUS;
    static final int N = 2;
    void safe(java.sql.Statement s) throws Exception { s.executeQuery(BASE + N); }
  }
  static class Inner {
    String helper(String q) { return "select " + q; }
    void run(java.sql.Statement s, String q) throws Exception {
      s.executeQuery(helper(q));
    }
    int x = 1;
  }
}
"""


def test_enum_member_declarations_are_units_of_their_own():
    document = Document(SOURCE, path="Outer.java")
    kinds = [unit.type for unit in analysis_units(document.tree.root_node)]
    assert "enum_body_declarations" not in kinds
    assert kinds.count("method_declaration") == 3  # safe, helper, run
    assert kinds.count("enum_constant") == 2 and kinds.count("field_declaration") == 3


def test_the_adapter_lowers_the_engines_units_with_their_class():
    document = Document(SOURCE, path="Outer.java")
    units = list(java_adapter._units_with_class(document.tree.root_node, document.source))
    engine = [u for u in analysis_units(document.tree.root_node) if u.parent.type != "program"]
    assert [u.id for u, _ in units] == [u.id for u in engine]
    by_name = {
        function.name: class_name
        for unit, class_name in units
        for function in java_adapter.lower_unit(unit, document)
    }
    assert by_name == {"apply": "Op", "safe": "Op", "helper": "Inner", "run": "Inner"}


def test_a_sink_in_an_enum_constant_body_is_found_and_the_constant_one_is_not():
    findings = Analysis(Document(SOURCE, path="Outer.java"), CONFIG).run()
    lines = sorted(f.span.start_line for f in findings if f.rule_id == "LG401")
    assert lines == [4, 13]  # apply (a parameter in SQL) and run (through helper); not safe()


def test_an_edit_inside_a_nested_class_relowers_only_that_member():
    document = Document(SOURCE, path="Outer.java")
    analysis = Analysis(document, CONFIG)
    analysis.run()
    before = {f.name: f for f in java_adapter.file_functions(document)}
    line = SOURCE.splitlines().index("    int x = 1;")
    change = document.apply_change((line, 13, line, 13), " ")
    analysis.run([change])
    after = {f.name: f for f in java_adapter.file_functions(document)}
    assert all(after[name] is before[name] for name in before)  # `x` has no function; nothing relowered
    line = SOURCE.splitlines().index('    String helper(String q) { return "select " + q; }')
    column = SOURCE.splitlines()[line].index("+ q")
    change = document.apply_change((line, column, line, column), " ")
    analysis.run([change])
    again = {f.name: f for f in java_adapter.file_functions(document)}
    assert again["helper"] is not after["helper"]
    assert again["apply"] is after["apply"] and again["safe"] is after["safe"]


INITIALISERS = """\
class Tables {
  static final int[] STARTS = { 0x0000, 0x0080, 0x0100 };
  static final Object[] NAMES = { STARTS, null, "x" };
  static final Runnable[] HOOKS = { () -> run(), null };
  static final Object ANON = new Object() { public String toString() { return "a"; } };
  static final Object[] DEEP = { new Object[] { (java.util.function.Function<String, String>) s -> s } };
  static final int SWITCHED = switch (1) { case 1 -> 2; default -> 3; };
  static void run() { }
}
"""


def test_field_initialisers_are_lowered_only_when_they_can_hold_functions():
    # A table of numbers or names is not lowered at all (Character.UnicodeBlock: 700 names); a
    # lambda or an anonymous class anywhere inside an initialiser still becomes a function.
    document = Document(INITIALISERS, path="Tables.java")
    found = {}
    for unit in java_adapter.units(document.tree.root_node):
        name = document.source[unit.start_byte : unit.end_byte].split(b"=")[0].split()[-1].decode()
        found[name] = sorted(f.name for f in java_adapter.lower_unit(unit, document))
    assert found["STARTS"] == [] and found["NAMES"] == [] and found["SWITCHED"] == []
    assert found["HOOKS"] == ["<lambda>"]
    assert found["ANON"] == ["toString"]
    assert found["DEEP"] == ["<lambda>"]


CONSTANTS = """\
class Blocks {
  static final String PREFIX = "select ";
  static final String QUERY = PREFIX + "x";
  static final Blocks LATIN = new Blocks(PREFIX, 1);
  static final String[] NAMES = { PREFIX, QUERY };
  Blocks(String a, int b) { }
}
"""


def test_a_member_whose_constant_reads_no_other_constant_is_scanned_once():
    # `new Blocks(PREFIX, 1)` and an array of names are no constants: their facts are the member's
    # own and reused by text; `PREFIX + "x"` reads PREFIX and is scanned again each time.
    document = Document(CONSTANTS, path="Blocks.java")
    facts = java_adapter.java_file(document)
    assert facts.classes["Blocks"].constants["QUERY"] == "select x"
    members = java_adapter._members(document.tree.root_node.named_children[0])
    cacheable = {}
    for member in members:
        name = document.source[member.start_byte : member.end_byte].split(b"=")[0].split()[-1].decode()
        _ops, cacheable[name] = java_adapter._member_ops(document.source, facts, member, "Blocks", "")
    assert cacheable["QUERY"] is False
    assert cacheable["PREFIX"] and cacheable["LATIN"] and cacheable["NAMES"]


def test_java_units_are_keyed_by_the_summaries_they_name_and_a_changed_helper_rechecks_its_caller():
    # A Java unit's context key holds the summaries of the same-file methods it names (not the
    # module key: a paste changing other summaries leaves it). Editing the helper changes the
    # caller's finding though the caller's text is the same.
    from landguard.checks.code_rule import rules_check

    assert rules_check("java").has_unit_context_keys()
    document = Document(SOURCE, path="Outer.java")
    analysis = Analysis(document, CONFIG)
    analysis.run()
    line = SOURCE.splitlines().index('    String helper(String q) { return "select " + q; }')
    column = SOURCE.splitlines()[line].index('"select " + q')
    change = document.apply_change((line, column, line, column + len('"select " + q')), '"select 1"')
    found = analysis.run([change])
    assert sorted(f.span.start_line for f in found if f.rule_id == "LG401") == [4]
    assert found == Analysis(Document(document.text, path="Outer.java"), CONFIG).run()


SELF_NESTED = """\
class A {
  String q;
  class A {
    void f(java.sql.Statement s) throws Exception { s.execute(zz.get() + q); }
  }
}
"""


def test_a_class_nested_in_a_class_of_its_own_name_is_analysed():
    """Classes are known by simple name: a class ``A`` inside ``A`` (broken code, e.g. a paste that
    repeats a class's first lines inside it) made ``A`` its own outer class, and looking up a name
    no class declares walked that chain for ever (the server hung on the file)."""
    found: list = []
    worker = threading.Thread(
        target=lambda: found.append(Analysis(Document(SELF_NESTED, path="A.java"), CONFIG).run()), daemon=True
    )
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "the analysis did not finish"
    assert found == [[]]
