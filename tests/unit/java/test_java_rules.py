"""The Java rules (LG4xx): fixtures, fixes, tolerance of broken code, incremental context, corpus."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from landguard.engine.analyze import Analysis
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard.engine.registry import all_rules, doc_section
from landguard_testing import FIXTURES, apply_fix, check_fixture, findings_for, fix_cases, tree_has_error

JAVA_FIXTURES = sorted((FIXTURES / "java").glob("LG4*.java"))
CORPUS = sorted((Path(__file__).parents[2] / "corpus" / "java").rglob("*.java"))
JAVA_RULES = [rule for rule in all_rules().values() if rule.id.startswith("LG4")]


def java_findings(text: str, path: str = "Example.java", prefix: str = "LG4"):
    return [f for f in findings_for(text, path) if f.rule_id.startswith(prefix)]


def test_every_java_rule_has_a_fixture():
    assert len(JAVA_RULES) >= 12
    assert {rule.id for rule in JAVA_RULES} == {path.stem for path in JAVA_FIXTURES}


@pytest.mark.parametrize("rule", JAVA_RULES, ids=[r.id for r in JAVA_RULES])
def test_rule_metadata(rule):
    assert rule.languages == frozenset({"java"})
    assert rule.cwe
    for section in ("What it does", "Why is this bad", "Example", "Use instead", "References"):
        assert doc_section(rule.docs, section), section
    assert f"CWE-{rule.cwe[0]}" in doc_section(rule.docs, "References")


@pytest.mark.parametrize("path", JAVA_FIXTURES, ids=[p.stem for p in JAVA_FIXTURES])
def test_fixture(path: Path):
    found = check_fixture(path, path.stem)
    assert found, "a fixture must exercise its rule"


FIX_CASES = list(fix_cases(JAVA_FIXTURES, lambda path: {path.stem}))


def test_rules_with_fixes_offer_them():
    rules_with_fixes = {case.values[0].stem for case in FIX_CASES}
    assert {"LG401", "LG402", "LG403", "LG405", "LG406", "LG408", "LG411", "LG418"} <= rules_with_fixes


@pytest.mark.parametrize(("path", "finding", "fix"), FIX_CASES)
def test_fix_parses_and_removes_the_finding(path: Path, finding, fix):
    text = path.read_text(encoding="utf-8")
    fixed = apply_fix(text, fix)
    assert fixed != text
    assert not tree_has_error(fixed, str(path)), fixed
    before = java_findings(text, str(path), finding.rule_id)
    after = java_findings(fixed, str(path), finding.rule_id)
    assert len(after) == len(before) - 1
    # Exactly the fixed finding went away: the others are still there, on the same code.
    old_lines, new_lines = text.splitlines(), fixed.splitlines()
    remaining = Counter(old_lines[f.span.start_line].strip() for f in before)
    remaining[old_lines[finding.span.start_line].strip()] -= 1
    assert +remaining == Counter(new_lines[f.span.start_line].strip() for f in after)


SQL_FIX_CASES = {
    "inline": (
        'Statement st = conn.createStatement();\n        ResultSet rs = st.executeQuery("SELECT * FROM t WHERE a = \'" + a + "\' AND b = " + b);',
        [
            'PreparedStatement st = conn.prepareStatement("SELECT * FROM t WHERE a = ? AND b = ?");',
            "st.setString(1, a);",
            "st.setLong(2, b);",
            "ResultSet rs = st.executeQuery();",
        ],
    ),
    "chained_variable": (
        'String sql = "DELETE FROM t WHERE id = \'" + id + "\'";\n        conn.createStatement().executeUpdate(sql);',
        [
            'String sql = "DELETE FROM t WHERE id = ?";',
            "PreparedStatement ps = conn.prepareStatement(sql);",
            "ps.setString(1, id);",
            "ps.executeUpdate();",
        ],
    ),
    "switch_case": (
        "Statement st = conn.createStatement();\n        switch (n) {\n            case 1:\n"
        '                String v = a.trim();\n                st.executeUpdate("DELETE FROM t WHERE a = \'" + v + "\'");\n'
        "                break;\n            default:\n                break;\n        }",
        ["String v = a.trim();\n                st.setString(1, v);\n                st.executeUpdate();"],
    ),
    "format_with_constant": (
        'Statement st = conn.createStatement();\n        st.execute(String.format("UPDATE " + "t SET x = %d WHERE a = \'%s\'", n, a));',
        None,  # a concatenated format template is not a shape the fix rewrites
    ),
}


@pytest.mark.parametrize("case", sorted(SQL_FIX_CASES))
def test_sql_fix_shapes(case):
    body, expected = SQL_FIX_CASES[case]
    text = (
        "import java.sql.*;\n\nclass Dao {\n    void run(Connection conn, String a, long b, String id, int n)"
        f" throws Exception {{\n        {body}\n    }}\n}}\n"
    )
    [finding] = java_findings(text, "Dao.java", "LG401")
    if expected is None:
        assert not finding.fixes
        return
    [fix] = finding.fixes
    fixed = apply_fix(text, fix)
    assert not tree_has_error(fixed, "Dao.java")
    for line in expected:
        assert line in fixed, fixed
    # java.sql.* is imported: no import is added.
    assert "import java.sql.PreparedStatement;" not in fixed
    assert not java_findings(fixed, "Dao.java", "LG401")


@pytest.mark.parametrize(
    "body",
    [
        # A table name cannot be a parameter.
        'Statement st = conn.createStatement();\n        st.executeQuery("SELECT * FROM " + table + " WHERE x = 1");',
        # The statement runs a second SQL string: a PreparedStatement would reject it.
        'Statement st = conn.createStatement();\n        st.executeQuery("SELECT * FROM t WHERE a = \'" + a + "\'");\n'
        '        st.executeUpdate("DELETE FROM t WHERE a = \'" + a + "\'");',
        # The value changes between building the SQL and running it.
        'String sql = "SELECT * FROM t WHERE a = \'" + a + "\'";\n        a = a.trim();\n'
        "        Statement st = conn.createStatement();\n        st.executeQuery(sql);",
        # An unquoted String value: bound as text it may no longer compare as a number.
        'Statement st = conn.createStatement();\n        st.executeQuery("SELECT * FROM t WHERE id = " + a);',
        # A joined list is not one parameter.
        'Statement st = conn.createStatement();\n        st.executeQuery("SELECT * FROM t WHERE id IN (" + a + ")");',
        # The SQL string is run a second time elsewhere, where no setter would bind its values.
        'String sql = "SELECT * FROM t WHERE a = \'" + a + "\'";\n        Statement st = conn.createStatement();\n'
        "        st.executeQuery(sql);\n        conn.createStatement().executeQuery(sql);",
        # The value is the variable of an unbraced loop: setters cannot go before the loop.
        "Statement st = conn.createStatement();\n"
        '        for (String n : java.util.List.of(a)) st.executeUpdate("DELETE FROM t WHERE a = \'" + n + "\'");',
        # Quotes that do not enclose the value.
        'Statement st = conn.createStatement();\n        st.executeQuery("SELECT * FROM t WHERE a = \'x" + a + "\'");',
    ],
)
def test_sql_fix_declines_unsafe_shapes(body):
    text = f"class Dao {{\n    void run(java.sql.Connection conn, String a, String table) throws Exception {{\n        {body}\n    }}\n}}\n"
    found = java_findings(text, "Dao.java", "LG401")
    assert found
    assert all(not f.fixes for f in found)


def test_syntax_errors_elsewhere_do_not_hide_findings():
    path = FIXTURES / "java" / "LG401.java"
    text = path.read_text(encoding="utf-8")
    clean = {(f.span.start_line, f.rule_id) for f in java_findings(text, str(path))}
    lines = text.splitlines()
    # A half-written method at the top of the class and a dangling expression at the end.
    broken_lines = lines[:13] + ["    public void half(String x) { if (x == ", ""] + lines[13:] + ["int = ;"]
    broken = "\n".join(broken_lines) + "\n"
    assert tree_has_error(broken, str(path))
    found = {
        (f.span.start_line - 2 if f.span.start_line > 13 else f.span.start_line, f.rule_id)
        for f in java_findings(broken, str(path))
    }
    # Everything found in the clean file is still found after the broken lines (allowing the first
    # method after the error, which tree-sitter may fold into the broken one).
    later = {item for item in clean if item[0] > 25}
    assert later and later <= found


def _analysis(text: str) -> Analysis:
    config = Config(dependencies=DependencySettings(online=False), test_paths=())
    return Analysis(Document(text, path="Dao.java"), config)


def _lg4(findings):
    return [f for f in findings if f.rule_id.startswith("LG4")]


def test_class_constants_are_module_context():
    text = (
        "import java.sql.*;\n\nclass Dao {\n"
        '    private static final String TABLE_SUFFIX = "_v2";\n'
        "    ResultSet run(Statement st, String q) throws Exception {\n"
        "        if (MODE == 1) {\n"
        '            return st.executeQuery("SELECT * FROM users WHERE name = \'" + q + "\'");\n'
        "        }\n"
        "        return null;\n"
        "    }\n}\n"
    )
    analysis = _analysis(text)
    assert len(_lg4(analysis.run())) == 1
    # Declaring `MODE` as a constant elsewhere in the class makes the branch dead: the unchanged
    # method's finding goes.
    document = analysis.document
    change = document.apply_change((3, 0, 3, 0), "    private static final int MODE = 0;\n")
    assert _lg4(analysis.run([change])) == []


def test_helper_summaries_are_module_context():
    text = (
        "import java.sql.*;\nimport javax.servlet.http.HttpServletRequest;\n\nclass Dao {\n"
        "    private static String clean(String s) {\n"
        "        return s.trim();\n"
        "    }\n"
        "    void run(Statement st, HttpServletRequest request) throws Exception {\n"
        '        st.executeQuery("SELECT * FROM t WHERE a = \'" + clean(request.getParameter("a")) + "\'");\n'
        "    }\n}\n"
    )
    analysis = _analysis(text)
    [finding] = _lg4(analysis.run())
    assert finding.confidence.label == "high"
    # Editing only the helper (it now parses a number) clears the caller's finding ...
    document = analysis.document
    change = document.apply_change((5, 15, 5, 23), "String.valueOf(Integer.parseInt(s))")
    assert "parseInt" in document.lines[5]
    assert _lg4(analysis.run([change])) == []
    # ... and undoing it brings the finding back.
    change = document.apply_change((5, 15, 5, 50), "s.trim()")
    assert [f.span.start_line for f in _lg4(analysis.run([change]))] == [finding.span.start_line]


def test_import_fix_stays_correct_after_lines_move():
    text = (
        "package demo;\n\nimport java.util.Random;\n\nclass Tokens {\n"
        "    String resetToken() {\n        return Long.toHexString(new Random().nextLong());\n    }\n}\n"
    )
    analysis = _analysis(text)
    [finding] = _lg4(analysis.run())
    document = analysis.document
    change = document.apply_change((4, 0, 4, 0), "// a comment\n// and another\n")
    [moved] = _lg4(analysis.run([change]))
    assert moved.span.start_line == finding.span.start_line + 2
    fixed = apply_fix(document.text, moved.fixes[0])
    assert "import java.util.Random;\nimport java.security.SecureRandom;" in fixed
    assert "new SecureRandom().nextLong()" in fixed
    assert not tree_has_error(fixed, "Tokens.java")


def test_request_data_raises_confidence():
    text = (
        "class C {\n    void a(javax.servlet.http.HttpServletRequest request, java.sql.Statement st) throws Exception {\n"
        '        String id = request.getParameter("id");\n'
        '        st.executeQuery("SELECT * FROM t WHERE id = \'" + id + "\'");\n    }\n'
        "    void b(java.sql.Statement st, String id) throws Exception {\n"
        '        st.executeQuery("SELECT * FROM t WHERE id = \'" + id + "\'");\n    }\n}\n'
    )
    first, second = java_findings(text, "C.java", "LG401")
    assert first.confidence.label == "high" and "request data" in first.message
    assert second.confidence.label == "medium"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "class",
        "\x00\x01binary",
        "class A { void m() { String s = " + " + ".join(['"a"'] * 3000) + "; st.executeQuery(s + x); } }",
        "class A { void m() { st.executeQuery(" + "(" * 400 + "x" + ")" * 400 + "); } }",
        "class A { void m() { Runtime.getRuntime().exec(new String[] {}); new ProcessBuilder().start(); } }",
    ],
)
def test_bad_input_does_not_crash(text):
    java_findings(text, "A.java")


def test_long_constant_concatenation_is_not_dynamic():
    parts = " + ".join(f'"c{n} "' for n in range(200))
    text = f'class A {{ void m(java.sql.Statement st) throws Exception {{ st.executeQuery("SELECT " + {parts} + "FROM t"); }} }}'
    assert not java_findings(text, "A.java", "LG401")


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_corpus_of_good_code_is_clean(path: Path):
    found = java_findings(path.read_text(encoding="utf-8"), str(path))
    assert not found, "\n".join(f"{f.rule_id} {path.name}:{f.span.start_line + 1} {f.message}" for f in found)


def test_corpus_exists():
    assert len(CORPUS) >= 5


def test_benchmark_generator_produces_parseable_java(tmp_path):
    sys.path.insert(0, str(Path(__file__).parents[3] / "bench"))
    try:
        import make_java_corpus
    finally:
        sys.path.pop(0)
    text = make_java_corpus.generate(lines=3000)
    assert len(text.splitlines()) >= 3000
    assert not tree_has_error(text, "Generated.java")
    found = java_findings(text, "Generated.java")
    # The generator plants a known number of bad snippets among good code.
    assert {f.rule_id for f in found} == {"LG401", "LG402", "LG403", "LG404", "LG406"}


FLOW_FIXTURES = sorted((FIXTURES / "java" / "flow").glob("*.java"))


@pytest.mark.parametrize(
    "path", JAVA_FIXTURES + FLOW_FIXTURES, ids=[p.stem for p in JAVA_FIXTURES + FLOW_FIXTURES]
)
def test_incremental_results_equal_a_fresh_scan(path: Path):
    """Edits anywhere (new lines above methods, changed imports and constants): cached results,
    fixes included, stay what a scan from scratch reports."""
    import random

    text = path.read_text(encoding="utf-8")
    analysis = _analysis(text)
    analysis.document.path = str(path)
    analysis.run()
    rng = random.Random(path.stem)
    snippets = [
        "\n",
        "// note\n",
        "import java.security.SecureRandom;\n",
        "import java.sql.*;\n",
        "    int x;\n",
        # Same-file helpers appearing, changing and disappearing: callers' summaries must follow.
        "    static String quoted(String v) { return v; }\n",
        "    static String digits(String v) { return String.valueOf(Integer.parseInt(v)); }\n",
        "    private static final boolean DEBUG = true;\n",
    ]
    for _ in range(12):
        document = analysis.document
        line = rng.randrange(len(document.lines) - 1)
        if rng.random() < 0.25 and len(document.lines) > 3:
            change = document.apply_change((line, 0, line + 1, 0), "")
        else:
            change = document.apply_change((line, 0, line, 0), rng.choice(snippets))
        incremental = _lg4(analysis.run([change]))
        fresh = _lg4(findings_for(document.text, str(path)))
        assert incremental == fresh


_SQL_LINE = '        st.executeQuery("SELECT * FROM t WHERE a = \'" + name + "\'");\n'
_HEADER = "class A {\n    void m(java.sql.Statement st, String name) throws Exception {\n"


@pytest.mark.parametrize(
    "text",
    [
        _HEADER + _SQL_LINE + '        String half = "abc" +\n    }\n}\n',  # a dangling operator below
        _HEADER + "        foo(bar,\n" + _SQL_LINE + "    }\n}\n",  # an unclosed call above
        _HEADER + _SQL_LINE + "    }\n    void n() {\n        if (x) {\n}\n",  # a method left open below
        "class A {\n    public void half(\n"
        + _HEADER.split("\n", 1)[1]
        + _SQL_LINE
        + "    }\n}\n",  # typing a method
    ],
    ids=["dangling-operator", "unclosed-call", "open-method", "half-signature"],
)
def test_half_written_code_around_a_finding(text):
    assert tree_has_error(text, "A.java")
    assert [f.rule_id for f in java_findings(text, "A.java")] == ["LG401"]


def test_fixes_keep_crlf_line_endings():
    path = FIXTURES / "java" / "LG401.java"
    text = path.read_text(encoding="utf-8").replace("\n", "\r\n")
    fixed_any = False
    for finding in java_findings(text, str(path), "LG401"):
        for fix in finding.fixes:
            fixed = apply_fix(text, fix)
            assert "\n" not in fixed.replace("\r\n", ""), "a bare LF was inserted"
            assert not tree_has_error(fixed, str(path))
            fixed_any = True
    assert fixed_any


FLOW_FIX_CASES = list(fix_cases(FLOW_FIXTURES, find=java_findings))


@pytest.mark.parametrize(("path", "finding", "fix"), FLOW_FIX_CASES)
def test_flow_fixture_fixes_parse_and_remove_their_finding(path: Path, finding, fix):
    """Fixes of findings the dataflow found (LG403 at a random value's origin, LG408's containment
    check ...) parse and remove that finding, leaving the others."""
    text = path.read_text(encoding="utf-8")
    fixed = apply_fix(text, fix)
    assert fixed != text
    assert not tree_has_error(fixed, str(path)), fixed
    before = java_findings(text, str(path), finding.rule_id)
    after = java_findings(fixed, str(path), finding.rule_id)
    assert len(after) < len(before)


def test_flow_fixtures_offer_fixes_of_the_new_shapes():
    rules = {case.values[1].rule_id for case in FLOW_FIX_CASES}
    assert {"LG401", "LG403"} <= rules


def test_number_bindings_sanitize_every_injection_kind_but_secret():
    """``java.primitive-conversion`` lists its kinds (a number is no SQL, but a predictable number
    stays predictable): every sink kind of the Java models but ``secret`` must be in the list."""
    from landguard.dataflow.models import load_models

    models = load_models("java")
    (row,) = models.sanitizers.match("java.primitive-conversion")
    assert models.sink_kinds - {"secret"} <= row.kinds
    assert "secret" not in row.kinds
