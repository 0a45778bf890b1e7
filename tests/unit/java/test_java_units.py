"""Java analysis units inside nested classes and enums (issue #15: an edit costs the member it touched).

The engine splits nested classes and an enum's member declarations into member units; the Java
adapter lowers exactly those units for the file's summaries, so an edit inside a 3,000-line nested
class re-lowers one member, and methods in an enum constant's body are lowered (and checked) too.
"""

from __future__ import annotations

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
