"""Behaviour of the LG3xx rules beyond the fixtures: imports, local flow, fixes, robustness, caching."""

from __future__ import annotations

import textwrap

import pytest

from landguard.engine.analyze import Analysis
from landguard.engine.config import Config
from landguard.engine.document import Document
from landguard_testing import apply_fix, findings_for, tree_has_error


def lg3(code: str, path: str = "app.js", config: Config | None = None):
    return [f for f in findings_for(textwrap.dedent(code), path, config) if f.rule_id.startswith("LG3")]


def ids(code: str, path: str = "app.js") -> list[tuple[int, str]]:
    return [(f.span.start_line, f.rule_id) for f in lg3(code, path)]


# ---------------------------------------------------------------- error tolerance


def test_syntax_error_elsewhere_does_not_hide_findings():
    code = """\
    const cp = require('child_process');
    function broken( {
      const x = ;
    }
    function run(dir) {
      cp.exec(`ls ${dir}`);
    }
    el.innerHTML = `<b>${name}</b>`;
    """
    assert Document(textwrap.dedent(code), path="a.js").tree.root_node.has_error
    found = ids(code)
    assert (5, "LG303") in found
    assert (7, "LG301") in found


def test_half_written_code_and_junk_do_not_crash():
    for code in [
        "cp.exec(`ls ${",
        "eval(",
        "new RegExp(req.query.",
        "x.innerHTML = ",
        "\x00\x01binary",
        "}" * 500,
    ]:
        lg3(code)
        lg3(code, "a.tsx")


def test_deeply_nested_expressions_do_not_crash():
    nested = "(a ? " * 400 + "req.query.x" + " : b)" * 400
    lg3(f"el.innerHTML = {nested};\n")
    concatenated = " + ".join(["req.query.x", "'<b>'"] * 2000)
    handler = f"app.get('/', (req, res) => {{\n  el.innerHTML = {concatenated};\n}});\n"
    assert [r for _, r in ids(handler)] == ["LG301"]


# ---------------------------------------------------------------- imports and aliases


@pytest.mark.parametrize(
    "imports, call",
    [
        ("const cp = require('child_process');", "cp.exec"),
        ("const { exec } = require('child_process');", "exec"),
        ("const { exec: run } = require('child_process');", "run"),
        ("import { exec as run } from 'node:child_process';", "run"),
        ("import * as child from 'child_process';", "child.exec"),
        ("import cp from 'child_process';", "cp.exec"),
        ("const run = require('child_process').exec;", "run"),
        ("const cp = require('child_process');\nconst run = cp.exec;", "run"),
        ("", "require('child_process').exec"),
    ],
)
def test_renamed_imports_are_resolved(imports, call):
    code = f"{imports}\nfunction go(dir) {{\n  {call}(`ls ${{dir}}`);\n}}\n"
    assert [r for _, r in ids(code)] == ["LG303"]


def test_same_named_local_function_is_not_child_process():
    code = """\
    function exec(sql) { return sql; }
    exec(`rm -rf ${dir}`);
    const db = { exec: (s) => s };
    db.exec(`echo ${dir}`);
    """
    assert ids(code) == []


def test_local_variable_shadows_the_import():
    code = """\
    const { exec } = require('child_process');
    function run(dir, exec) {
      return exec(`ls ${dir}`);
    }
    """
    assert ids(code) == []


def test_module_context_key_follows_imports():
    from lg3_checks import JS_CHECKS

    from landguard.engine.registry import CheckContext

    (check,) = JS_CHECKS
    before = Document("const cp = require('child_process');\ncp.exec(`ls ${d}`);\n", path="a.js")
    after = Document("const cp = require('./my-cp');\ncp.exec(`ls ${d}`);\n", path="a.js")
    key_before = check.module_context_key(before, CheckContext(Config()))
    key_after = check.module_context_key(after, CheckContext(Config()))
    assert key_before != key_after
    assert key_before == check.module_context_key(before, CheckContext(Config()))


def test_incremental_analysis_rechecks_units_when_an_import_changes():
    text = "const cp = require('./local-runner');\n\nfunction go(dir) {\n  cp.exec(`ls ${dir}`);\n}\n"
    document = Document(text, path="a.js")
    analysis = Analysis(document, Config())
    assert not [f for f in analysis.run() if f.rule_id == "LG303"]
    change = document.apply_change((0, 19, 0, 35), "'child_process'")
    assert document.lines[0] == "const cp = require('child_process');"
    assert [f.span.start_line for f in analysis.run([change]) if f.rule_id == "LG303"] == [3]
    change = document.apply_change((0, 0, 1, 0), "")
    assert not [f for f in analysis.run([change]) if f.rule_id == "LG303"]


# ---------------------------------------------------------------- values and request data


def test_string_building_in_locals_is_followed():
    code = """\
    const { Pool } = require('pg');
    const pool = new Pool();
    async function search(name, sort) {
      let sql = 'SELECT * FROM users WHERE 1 = 1';
      if (name) sql += " AND name = '" + name + "'";
      const text = sql;
      return pool.query(text);
    }
    async function fixed() {
      const sql = 'SELECT * FROM users';
      return pool.query(sql);
    }
    """
    assert ids(code) == [(6, "LG302")]


def test_request_data_raises_confidence():
    code = """\
    app.get('/a', (req, res, someValue) => {
      const { q } = req.query;
      el.innerHTML = q;
      other.innerHTML = someValue;
    });
    """
    found = {f.span.start_line: f.confidence.label for f in lg3(code)}
    assert found == {2: "high", 3: "medium"}


def test_sanitised_values_are_not_reported():
    code = """\
    import DOMPurify from 'dompurify';
    el.innerHTML = DOMPurify.sanitize(html);
    el.innerHTML = escapeHtml(name);
    res.send(`<p>${escapeHtml(req.query.q)}</p>`);
    new RegExp(escapeRegExp(req.query.q));
    """
    assert ids(code) == []


# ---------------------------------------------------------------- fixes


def _only_fix(code: str, path: str, rule: str):
    code = textwrap.dedent(code)
    found = [f for f in lg3(code, path) if f.rule_id == rule]
    assert len(found) == 1, found
    return code, found[0].fixes


@pytest.mark.parametrize(
    "driver, expected",
    [
        ("const { Pool } = require('pg');", "pool.query('SELECT * FROM t WHERE a = $1 AND b = $2', [a, b])"),
        ("const mysql = require('mysql2');", "pool.query('SELECT * FROM t WHERE a = ? AND b = ?', [a, b])"),
        ("import sqlite3 from 'sqlite3';", "pool.query('SELECT * FROM t WHERE a = ? AND b = ?', [a, b])"),
    ],
)
def test_sql_fix_uses_the_drivers_placeholders(driver, expected):
    code = f"{driver}\nasync function f(a, b) {{\n  return pool.query('SELECT * FROM t WHERE a = ' + a + \" AND b = '\" + b + \"'\");\n}}\n"
    code, fixes = _only_fix(code, "a.js", "LG302")
    (fix,) = fixes
    fixed = apply_fix(code, fix)
    assert expected in fixed
    assert not tree_has_error(fixed, "a.js")


@pytest.mark.parametrize(
    "prelude, call",
    [
        ("", "db.query(`SELECT * FROM t WHERE a = ${a}`)"),  # driver unknown
        (
            "const pg = require('pg');\nconst mysql = require('mysql');",
            "db.query(`SELECT * FROM t WHERE a = ${a}`)",
        ),
        (
            "const pg = require('pg');",
            "db.query(`SELECT * FROM ${table} WHERE a = 1`)",
        ),  # identifier position
        ("const pg = require('pg');", "db.query(`SELECT * FROM t ORDER BY ${column}`)"),
        ("const pg = require('pg');", "db.query(`SELECT * FROM t WHERE a = ${a}`, { timeout: 5 })"),
        ("const pg = require('pg');", "db.query(`SELECT * FROM t WHERE a LIKE '%${a}%'`)"),
    ],
)
def test_sql_fix_is_withheld_when_unsafe(prelude, call):
    code = f"{prelude}\nasync function f(a, table, column) {{\n  return {call};\n}}\n"
    _code, fixes = _only_fix(code, "a.js", "LG302")
    assert fixes == ()


def test_sql_fix_keeps_a_callback_last():
    code = (
        "const mysql = require('mysql');\n"
        "function byId(id) {\n  conn.query(`SELECT * FROM t WHERE id = ${id}`, (err, rows) => done(rows));\n}\n"
    )
    code, (fix,) = _only_fix(code, "a.js", "LG302")
    assert "conn.query(`SELECT * FROM t WHERE id = ?`, [id], (err, rows) => done(rows));" in apply_fix(
        code, fix
    )


@pytest.mark.parametrize(
    "command",
    [
        "`cat ${f} | grep x`",
        "`ls ${dir} > out.txt`",
        "`ls $HOME/${dir}`",
        "`${tool} --version`",
        "'ls \"' + d + '\" *'",
    ],
)
def test_exec_fix_is_withheld_for_shell_syntax(command):
    code = (
        f"const cp = require('child_process');\nfunction f(f, dir, tool, d) {{\n  cp.exec({command});\n}}\n"
    )
    _code, fixes = _only_fix(code, "a.js", "LG303")
    assert fixes == ()


def test_exec_fix_needs_exec_file_in_scope_for_bare_calls():
    without = "const { exec } = require('child_process');\nfunction f(d) {\n  exec(`ls ${d}`);\n}\n"
    assert _only_fix(without, "a.js", "LG303")[1] == ()
    with_it = (
        "const { exec, execFile } = require('child_process');\nfunction f(d) {\n  exec(`ls -la ${d}`);\n}\n"
    )
    code, (fix,) = _only_fix(with_it, "a.js", "LG303")
    assert "execFile('ls', ['-la', d]);" in apply_fix(code, fix)


def test_promisified_exec_is_found_but_not_rewritten_to_callback_exec_file():
    code = (
        "const { exec, execFile } = require('child_process');\nconst util = require('util');\n"
        "const execAsync = util.promisify(exec);\nasync function f(d) {\n  await execAsync(`ls ${d}`);\n}\n"
    )
    _code, fixes = _only_fix(code, "a.js", "LG303")
    assert fixes == ()


def test_dompurify_fix_only_when_imported():
    code = "el.innerHTML = `<b>${name}</b>`;\n"
    _code, fixes = _only_fix(code, "a.js", "LG301")
    assert [f.title for f in fixes] == ["Set textContent instead (the value is shown as text)"]
    code = "import DOMPurify from 'dompurify';\n" + code
    code, fixes = _only_fix(code, "a.js", "LG301")
    purify = [f for f in fixes if "DOMPurify" in f.title]
    assert purify and purify[0].preferred  # markup: sanitising is the fix that keeps it working
    assert "el.innerHTML = DOMPurify.sanitize(`<b>${name}</b>`);" in apply_fix(code, purify[0])


def test_fix_spans_count_code_points_not_bytes():
    code = "const label = '✓ 🎉'; el.innerHTML = label + `<i>${name}</i>`; // ünïcödé\n"
    code, fixes = _only_fix(code, "a.js", "LG301")
    assert apply_fix(code, fixes[0]) == code.replace("el.innerHTML", "el.textContent")


def test_randomness_fix_leaves_foreign_crypto_alone():
    code = "const crypto = require('./my-crypto');\nconst token = Math.random().toString(36).slice(2);\n"
    assert _only_fix(code, "a.js", "LG306")[1] == ()


# ---------------------------------------------------------------- configuration and languages


def test_ignored_rule_is_not_reported_and_others_are():
    code = "function f(userCode, userHtml) {\n  eval(userCode);\n  el.innerHTML = userHtml;\n}\n"
    found = lg3(code, config=Config(ignore=("LG304",)))
    assert [f.rule_id for f in found] == ["LG301"]


@pytest.mark.parametrize("path", ["a.js", "a.jsx", "a.mjs", "a.ts", "a.tsx"])
def test_every_js_family_language_is_checked(path):
    assert [
        r
        for _, r in ids(
            "function f(input) { return eval(input as any); }"
            if path.endswith("ts")
            else "eval(location.hash);",
            path,
        )
    ] == ["LG304"]


def test_rules_have_complete_docs_and_metadata():
    from lg3_checks import JS_CHECKS

    from landguard.engine.registry import doc_section

    rules = [rule for check in JS_CHECKS for rule in check.rules]
    assert len(rules) == 21 and len({r.id for r in rules}) == 21
    for rule in rules:
        assert rule.cwe and rule.languages and rule.family == "javascript"
        for section in ("What it does", "Why is this bad?", "Example", "Use instead", "References"):
            assert doc_section(rule.docs, section), (rule.id, section)
        assert f"CWE-{rule.cwe[0]}" in rule.docs
