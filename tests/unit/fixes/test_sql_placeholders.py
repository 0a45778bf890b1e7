"""The language-neutral SQL placeholder rewrite every language's SQL fix builds on."""

from __future__ import annotations

import pytest

from landguard.fixes.sql_placeholders import placeholder_sql


def test_values_become_numbered_or_question_mark_placeholders():
    parts = [
        ("sql", "SELECT * FROM t WHERE a = "),
        ("value", "A"),
        ("sql", " AND b = '"),
        ("value", "B"),
        ("sql", "'"),
    ]
    assert placeholder_sql(parts, "$") == ("SELECT * FROM t WHERE a = $1 AND b = $2", ["A", "B"])
    assert placeholder_sql(parts, "?") == ("SELECT * FROM t WHERE a = ? AND b = ?", ["A", "B"])
    assert placeholder_sql(parts, "%s") == ("SELECT * FROM t WHERE a = %s AND b = %s", ["A", "B"])


def test_values_lists_are_values_too():
    parts = [
        ("sql", "INSERT INTO t (a, b) VALUES ("),
        ("value", 1),
        ("sql", ", "),
        ("value", 2),
        ("sql", ")"),
    ]
    assert placeholder_sql(parts, "?") == ("INSERT INTO t (a, b) VALUES (?, ?)", [1, 2])


@pytest.mark.parametrize(
    "parts",
    [
        [("sql", "SELECT * FROM "), ("value", "t")],  # a table name
        [("sql", "SELECT * FROM t ORDER BY "), ("value", "c")],  # a column
        [("sql", "SELECT * FROM t WHERE a LIKE '%"), ("value", "x"), ("sql", "%'")],  # part of a string
        [("sql", "SELECT * FROM t WHERE a = ? AND b = "), ("value", "x")],  # placeholders already
        [("sql", "SELECT 1")],  # nothing to bind
    ],
)
def test_rewrites_that_would_change_the_query_are_refused(parts):
    assert placeholder_sql(parts, "?") is None


def test_existing_numbered_placeholders_block_dollar_style_only():
    parts = [("sql", "SELECT $1, a FROM t WHERE b = "), ("value", "x")]
    assert placeholder_sql(parts, "$") is None
