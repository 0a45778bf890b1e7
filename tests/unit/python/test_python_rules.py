"""Behaviour of the LG201-LG209 rules beyond the fixtures: exact fixes, tolerance, incrementality."""

from __future__ import annotations

import ast
import logging
import textwrap

import pytest

from landguard.engine.analyze import Analysis
from landguard.engine.config import Config
from landguard.engine.document import Document
from landguard_testing import apply_fix, findings_for


def _findings(code: str, rule_id: str):
    return [f for f in findings_for(textwrap.dedent(code), "example.py") if f.rule_id == rule_id]


def _fixed(code: str, rule_id: str, index: int = 0) -> str:
    code = textwrap.dedent(code)
    found = _findings(code, rule_id)
    assert found, f"no {rule_id} finding"
    assert found[index].fixes, f"{rule_id} offered no fix"
    fixed = apply_fix(code, found[index].fixes[0])
    ast.parse(fixed)
    return fixed


# ------------------------------------------------------------------ tolerance


def test_syntax_error_elsewhere_hides_nothing() -> None:
    code = """\
        import os
        import pickle

        def before(data):
            return pickle.loads(data)

        def broken(:
            x = = 1
            return [

        def after(cmd):
            os.system("ls " + cmd)
            return eval(cmd)
        """
    found = {(f.rule_id, f.span.start_line) for f in findings_for(textwrap.dedent(code), "example.py")}
    assert ("LG204", 4) in found
    assert ("LG202", 11) in found
    assert ("LG203", 12) in found


@pytest.mark.parametrize(
    "code",
    [
        "cur.execute(f'SELECT * FROM t WHERE a = {",
        "eval(",
        "subprocess.run(f'ls {x}', shell=",
        "\x00\x01binary",
        "def f():\n    q = f'SELECT {x}'\n    cur.execute(q, ",
    ],
)
def test_half_written_code_does_not_crash(code: str, caplog: pytest.LogCaptureFixture) -> None:
    # The engine logs (and survives) a check or rule that raises: there must be no such log line.
    with caplog.at_level(logging.ERROR):
        findings_for(code, "example.py")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


# ------------------------------------------------------------------ names


def test_local_function_named_eval_is_not_the_builtin() -> None:
    code = """\
        def eval(expression):
            return expression

        def use(x):
            return eval(x)
        """
    assert not _findings(code, "LG203")


def test_renamed_module_import_is_resolved() -> None:
    code = """\
        import subprocess as sp
        from hashlib import md5 as h

        def run(cmd):
            sp.run(cmd + " -v", shell=True)
            return h(cmd.encode()).hexdigest()
        """
    assert _findings(code, "LG202")
    assert _findings(code, "LG206")


def test_function_level_import_is_resolved() -> None:
    code = """\
        def load(blob):
            import pickle as p
            return p.loads(blob)
        """
    assert _findings(code, "LG204")


def test_adding_an_import_rechecks_unchanged_units() -> None:
    document = Document("def read(stream):\n    return parse(stream)\n", path="example.py")
    analysis = Analysis(document, Config())
    assert not [f for f in analysis.run() if f.rule_id == "LG204"]
    change = document.apply_change((0, 0, 0, 0), "from pickle import loads as parse\n")
    assert [f.span.start_line for f in analysis.run([change]) if f.rule_id == "LG204"] == [2]


# ------------------------------------------------------------------ SQL fixes


def test_sqlite_fstring_becomes_qmark_parameters() -> None:
    fixed = _fixed(
        """\
        import sqlite3

        def find(conn, name, age):
            cur = conn.cursor()
            cur.execute(f"SELECT * FROM users WHERE name = '{name}' AND age > {age}")  # lookup
        """,
        "LG201",
    )
    assert 'cur.execute("SELECT * FROM users WHERE name = ? AND age > ?", (name, age))  # lookup' in fixed


def test_psycopg_percent_becomes_format_parameters_and_escapes_percent() -> None:
    fixed = _fixed(
        """\
        import psycopg2

        def find(cur, pattern, owner):
            cur.execute("SELECT * FROM files WHERE owner = %s AND path LIKE 'x%%'" % owner)
        """,
        "LG201",
    )
    assert """cur.execute("SELECT * FROM files WHERE owner = %s AND path LIKE 'x%%'", (owner,))""" in fixed


def test_sqlalchemy_text_gets_named_binds() -> None:
    fixed = _fixed(
        """\
        from sqlalchemy import text

        def find(conn, user_id):
            return conn.execute(text(f"SELECT * FROM users WHERE id = {user_id}"))
        """,
        "LG201",
    )
    assert (
        'conn.execute(text("SELECT * FROM users WHERE id = :user_id").bindparams(user_id=user_id))' in fixed
    )


def test_query_through_a_variable_fixes_both_statements() -> None:
    fixed = _fixed(
        """\
        import sqlite3

        def find(cur, email):
            query = "SELECT * FROM users WHERE email = '" + email + "'"
            cur.execute(query)
            return cur.fetchall()
        """,
        "LG201",
    )
    assert '    query = "SELECT * FROM users WHERE email = ?"\n    cur.execute(query, (email,))\n' in fixed


def test_variable_used_elsewhere_gets_no_fix() -> None:
    code = """\
        import sqlite3

        def find(cur, email):
            query = f"SELECT * FROM users WHERE email = '{email}'"
            print(query)
            cur.execute(query)
        """
    found = _findings(code, "LG201")
    assert found and not found[0].fixes


@pytest.mark.parametrize(
    "query",
    [
        'f"SELECT * FROM {table} WHERE id = 1"',  # a table name is not a value
        "f\"SELECT * FROM t WHERE name LIKE '%{term}%'\"",  # partial string
        'f"SELECT * FROM t WHERE {condition}"',  # a whole condition
        'f"SELECT * FROM t WHERE id = {user_id!r}"',  # a conversion changes the value
    ],
)
def test_no_fix_when_parameters_cannot_replace_the_value(query: str) -> None:
    code = f"import sqlite3\n\ndef find(cur, table, term, condition, user_id):\n    cur.execute({query})\n"
    found = _findings(code, "LG201")
    assert found and not found[0].fixes


def test_unknown_driver_gets_no_fix() -> None:
    code = """\
        def find(cur, user_id):
            cur.execute(f"SELECT * FROM users WHERE id = {user_id}")
        """
    found = _findings(code, "LG201")
    assert found and not found[0].fixes


def test_request_data_raises_confidence() -> None:
    code = """\
        from flask import request

        def view(cur):
            cur.execute("SELECT * FROM t WHERE id = " + request.args["id"])

        def helper(cur, value):
            cur.execute("SELECT * FROM t WHERE id = " + value)
        """
    first, second = _findings(code, "LG201")
    assert first.confidence.label == "high"
    assert second.confidence.label == "medium"


def test_fastapi_handler_parameters_are_request_data() -> None:
    code = """\
        from fastapi import FastAPI

        app = FastAPI()

        @app.get("/items")
        def items(q: str, db=None):
            return db.execute(f"SELECT * FROM items WHERE name = '{q}'")
        """
    (finding,) = _findings(code, "LG201")
    assert finding.confidence.label == "high"


# ------------------------------------------------------------------ other fixes


def test_command_fix_splits_into_an_argument_list() -> None:
    fixed = _fixed(
        """\
        import subprocess

        def convert(src, dst):
            subprocess.run(f"convert {src} -resize 50% {dst}", shell=True, check=True)
        """,
        "LG202",
    )
    assert (
        'subprocess.run(["convert", str(src), "-resize", "50%", str(dst)], shell=False, check=True)' in fixed
    )


def test_no_command_fix_for_shell_syntax() -> None:
    code = """\
        import subprocess

        def logs(name):
            subprocess.run(f"cat {name} | grep ERROR > out.txt", shell=True)
        """
    found = _findings(code, "LG202")
    assert found and not found[0].fixes


def test_literal_eval_fix_adds_the_import() -> None:
    fixed = _fixed(
        """\
        def parse(text):
            if text:
                return eval(text)
        """,
        "LG203",
    )
    assert "        import ast\n        return ast.literal_eval(text)\n" in fixed


def test_literal_eval_fix_uses_an_existing_alias() -> None:
    fixed = _fixed(
        """\
        import ast as syntax

        def parse(text):
            return eval(text)
        """,
        "LG203",
    )
    assert "return syntax.literal_eval(text)" in fixed
    assert fixed.count("import") == 1


def test_secrets_fix_adds_the_import() -> None:
    fixed = _fixed(
        """\
        import random

        def make_token():
            token = random.getrandbits(128)
            return token
        """,
        "LG207",
    )
    assert "    import secrets\n    token = secrets.randbits(128)\n" in fixed


def test_weak_hash_in_checksum_context_is_quiet_and_unknown_purpose_offers_both_fixes() -> None:
    code = """\
        import hashlib

        def cache_key(body):
            return hashlib.md5(body).hexdigest()
        """
    assert _findings(code, "LG206") == []
    code = """\
        import hashlib

        def digest(body):
            return hashlib.md5(body).hexdigest()
        """
    (finding,) = _findings(code, "LG206")
    titles = " | ".join(fix.title for fix in finding.fixes)
    assert "usedforsecurity" in titles and "SHA-256" in titles


@pytest.mark.check_errors_expected
def test_a_failing_rule_does_not_silence_the_others() -> None:
    from landguard.checks.code_rule import CodeRulesCheck
    from landguard.checks.python._dispatch import FRONTEND, CallRule
    from landguard.checks.python.code_injection import CHECK as code_injection

    class Broken(CallRule):
        rule = code_injection.rule
        callee_names = frozenset({"eval"})

        def check_call(self, call, name, unit, document, context):
            raise RuntimeError("bug")

    check = CodeRulesCheck(FRONTEND, [Broken(), code_injection])
    document = Document("def f(x):\n    return eval(x)\n", path="example.py")
    findings = Analysis(document, Config(), [check]).run()
    assert [f.rule_id for f in findings] == ["LG203"]


def test_command_through_a_variable_fixes_both_statements() -> None:
    fixed = _fixed(
        """\
        import subprocess

        def compress(path):
            command = "gzip -k " + path
            subprocess.run(command, shell=True, check=True)
        """,
        "LG202",
    )
    assert (
        '    command = ["gzip", "-k", path]\n    subprocess.run(command, shell=False, check=True)\n' in fixed
    )


def test_literal_eval_fix_in_a_compound_header() -> None:
    fixed = _fixed(
        """\
        def check(text):
            if eval(text):  # truthy?
                return 1
        """,
        "LG203",
    )
    assert "    import ast\n    if ast.literal_eval(text):  # truthy?\n" in fixed


def test_django_views_behind_login_required_middleware_are_authenticated(tmp_path) -> None:
    from landguard.checks.python import unauthenticated_route

    unauthenticated_route._login_required_in.cache_clear()
    view = (
        "from django.shortcuts import redirect\n\n"
        "def create_article(request):\n"
        "    Article(title=request.POST['title']).save()\n"
        "    return redirect('/')\n"
    )
    app = tmp_path / "blog" / "views.py"
    app.parent.mkdir()
    (tmp_path / "manage.py").write_text("")
    (tmp_path / "site").mkdir()
    settings = tmp_path / "site" / "settings.py"
    settings.write_text("MIDDLEWARE = ['django.contrib.auth.middleware.AuthenticationMiddleware']\n")
    assert [f.rule_id for f in findings_for(view, str(app)) if f.rule_id == "LG230"] == ["LG230"]
    settings.write_text("MIDDLEWARE = ['django.contrib.auth.middleware.LoginRequiredMiddleware']\n")
    unauthenticated_route._login_required_in.cache_clear()
    assert [f for f in findings_for(view, str(app)) if f.rule_id == "LG230"] == []
