"""Turning SQL built from values into SQL with placeholders: the language-neutral edit core.

A language's SQL fix splits the query into parts — constant SQL text and the values spliced
into it — and asks ``placeholder_sql`` for the parameterised text and the values in order. The
answer is None whenever a placeholder would not mean the same thing: a value that is not a whole
SQL value (``LIKE '%${x}%'``, a table or column name, part of a keyword), or a query that already
has placeholders (renumbering them is not worth the risk). A quoted value (``'${x}'``) loses its
quotes: the driver quotes bound parameters itself.
"""

from __future__ import annotations

import re
from typing import TypeVar

T = TypeVar("T")

# A value may become a bound parameter only where SQL expects a value, not a name or a keyword.
_VALUE_POSITION = re.compile(r"(?:=|<>|!=|<=|>=|<|>|\bLIKE|\bLIMIT|\bOFFSET)\s*$", re.I)
_VALUES_LIST = re.compile(r"\bVALUES\s*\((?:[^()]*,)?\s*$", re.I)
_NUMBERED = re.compile(r"\$\d")


def placeholder(style: str, number: int) -> str:
    """``$1`` (PostgreSQL, Prisma), ``?`` (MySQL, SQLite, JDBC), ``%s`` (Python DB-API)."""
    return f"${number}" if style == "$" else style


def placeholder_sql(parts: list[tuple[str, object]], style: str) -> tuple[str, list[object]] | None:
    """(SQL with placeholders, the values in order) for ``parts`` — ``("sql", text)`` and
    ``("value", anything)`` in order — or None when the rewrite would change the query."""
    sql_so_far = "".join(str(payload) for kind, payload in parts if kind == "sql")
    if style == "$" and _NUMBERED.search(sql_so_far) or style != "$" and style in sql_so_far:
        return None
    parts = list(parts)
    pieces: list[str] = []
    values: list[object] = []
    index = 0
    while index < len(parts):
        kind, payload = parts[index]
        if kind == "sql":
            pieces.append(str(payload))
            index += 1
            continue
        before = "".join(pieces)
        has_after = index + 1 < len(parts) and parts[index + 1][0] == "sql"
        after = str(parts[index + 1][1]) if has_after else ""
        if before[-1:] in ("'", '"') and after[:1] == before[-1:]:
            before, after = before[:-1], after[1:]  # '${x}': the whole quoted value
        elif before[-1:] in ("'", '"', "%") or after[:1] in ("'", '"', "%"):
            return None  # part of a quoted string (LIKE '%x%'): not a whole value
        if not (_VALUE_POSITION.search(before) or _VALUES_LIST.search(before)):
            return None
        values.append(payload)
        if style == "$" and after[:1] == "{":
            return None
        pieces = [before, placeholder(style, len(values))]
        if has_after:
            parts[index + 1] = ("sql", after)
        index += 1
    if not values:
        return None
    return "".join(pieces), values
