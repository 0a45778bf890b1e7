"""The language-neutral SQL placeholder rewrite every language's SQL fix builds on."""

from __future__ import annotations

import pytest

from landguard.fixes.sql_placeholders import placeholder_parts, placeholder_sql


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


def test_in_lists_take_values_beside_other_items_only():
    several = [
        ("sql", "SELECT * FROM t WHERE id IN ("),
        ("value", "a"),
        ("sql", ", "),
        ("value", "b"),
        ("sql", ")"),
    ]
    assert placeholder_sql(several, "?") == ("SELECT * FROM t WHERE id IN (?, ?)", ["a", "b"])
    alone = [("sql", "SELECT * FROM t WHERE id IN ("), ("value", "ids"), ("sql", ")")]
    assert placeholder_sql(alone, "?") is None  # it may be a joined list: one parameter would change it


def test_format_style_doubles_the_percent_of_the_sql_text():
    parts = [("sql", "SELECT * FROM t WHERE a LIKE 'x%' AND b = "), ("value", "B")]
    assert placeholder_sql(parts, "%s") == ("SELECT * FROM t WHERE a LIKE 'x%%' AND b = %s", ["B"])


def test_named_placeholders_take_their_names_from_the_language():
    parts = [("sql", "SELECT * FROM t WHERE a = "), ("value", "user.id"), ("sql", " AND b = :c")]
    assert placeholder_sql(parts, ":", name_of=lambda v: "x") is None  # named placeholders already
    parts[2] = ("sql", " AND b = 1")
    assert placeholder_sql(parts, ":", name_of=lambda v: str(v).rsplit(".")[-1]) == (
        "SELECT * FROM t WHERE a = :id AND b = 1",
        ["user.id"],
    )


def test_kept_expressions_and_like_wildcards_bound_with_the_value():
    parts = [
        ("keep", "TABLE"),
        ("sql", " WHERE name LIKE '%"),
        ("value", "name"),
        ("sql", "%' AND id = "),
        ("value", "id"),
    ]
    assert placeholder_parts(parts, "?") is None  # without wildcards: part of a string
    query, bound = placeholder_parts(parts, "?", wildcards=True)
    assert query == [("keep", "TABLE"), ("sql", " WHERE name LIKE ? AND id = ?")]
    assert [(b.value, b.quoted, b.prefix, b.suffix) for b in bound] == [
        ("name", True, "%", "%"),
        ("id", False, "", ""),
    ]
    # A value right after a kept expression is not in a value position: the expression may be a name.
    assert (
        placeholder_parts([("sql", "SELECT * FROM t WHERE "), ("keep", "COLUMN"), ("value", "x")], "?")
        is None
    )
