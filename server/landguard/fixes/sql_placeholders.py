"""Turning SQL built from values into SQL with placeholders: the language-neutral edit core.

A language's SQL fix (Python, JavaScript/TypeScript, Java) splits the query into parts — constant
SQL text (``"sql"``), expressions kept in the query as they are (``"keep"``: a constant naming a
table), and the values spliced into it (``"value"``) — and asks ``placeholder_parts`` (or
``placeholder_sql``, for text without kept expressions) for the parameterised query and the values
in order. The answer is None whenever a placeholder would not mean the same thing: a value that is
not a whole SQL value (a table or column name, part of a keyword, ``LIKE '%${x}%'`` unless the
language binds the wildcards with the value), a value alone in ``IN (...)`` (it may be a joined
list), or a query that already has placeholders of the style (renumbering them is not worth the
risk). A quoted value (``'${x}'``) loses its quotes: the driver quotes bound parameters itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

# A value may become a bound parameter only where SQL expects a value, not a name or a keyword.
_VALUE_BEFORE = re.compile(
    r"(?:=|<>|!=|<|>|\bLIKE|\bILIKE|\bLIMIT|\bOFFSET|\bIS|\bBETWEEN|\bTHEN|\bELSE|\bWHEN)\s*$", re.I
)
_LIST_OPENER = re.compile(r"\b(VALUES|IN)\s*$", re.I)
_EXISTING = {
    "$": re.compile(r"\$\d"),
    "?": re.compile(r"\?"),
    "%s": re.compile(r"%s"),
    ":": re.compile(r":\w"),
}


@dataclass(frozen=True)
class Bound(Generic[T]):
    """A value bound to a placeholder: what the language passes (with LIKE wildcards it carried)."""

    value: T
    quoted: bool = False  # it stood between quotes in the SQL ('${x}')
    prefix: str = ""  # "%" of LIKE '%${x}': bound as "%" + value
    suffix: str = ""


def placeholder(style: str, number: int, name: str = "") -> str:
    """``$1`` (PostgreSQL, Prisma), ``?`` (MySQL, SQLite, JDBC), ``%s`` (Python DB-API), ``:name``
    (SQLAlchemy ``text()``)."""
    if style == "$":
        return f"${number}"
    return f":{name}" if style == ":" else style


def _list_position(before: str, after: str) -> bool:
    """Inside ``VALUES (...)``, or ``IN (...)`` beside other items (alone, it may be a joined list)."""
    stripped = before.rstrip()
    if not stripped.endswith(("(", ",")):
        return False
    depth = 0
    for index in range(len(stripped) - 1, -1, -1):
        char = stripped[index]
        if char == ")":
            depth += 1
        elif char == "(":
            if depth:
                depth -= 1
                continue
            opener = _LIST_OPENER.search(stripped[:index])
            if opener is None:
                return False
            alone = stripped.endswith("(") and after.lstrip()[:1] == ")"
            return opener.group(1).upper() == "VALUES" or not alone
    return False


def placeholder_parts(
    parts: Sequence[tuple[str, object]],
    style: str,
    *,
    name_of: Callable[[object], str] | None = None,
    wildcards: bool = False,
) -> tuple[list[tuple[str, object]], list[Bound]] | None:
    """(the query as ``("sql", text)`` and ``("keep", expression)`` parts with placeholders in the
    text, the bound values in order), or None when the rewrite would change the query.

    ``style``: see ``placeholder`` (``":"`` names each placeholder by ``name_of(value)``; ``"%s"``
    doubles the ``%`` of the SQL text, as DB-API format style wants). ``wildcards``: a value inside
    ``'%...%'`` is bound with its wildcards (``Bound.prefix``/``suffix``) rather than refused.
    """
    text = "".join(str(payload) for kind, payload in parts if kind == "sql")
    if _EXISTING[style].search(text):
        return None
    parts = list(parts)
    out: list[tuple[str, object]] = []
    current = ""  # SQL text since the last kept expression
    bound: list[Bound] = []
    index = 0
    while index < len(parts):
        kind, payload = parts[index]
        if kind == "sql":
            current += str(payload)
            index += 1
            continue
        if kind == "keep":
            out.extend([("sql", current), ("keep", payload)])
            current = ""
            index += 1
            continue
        has_after = index + 1 < len(parts) and parts[index + 1][0] == "sql"
        after = str(parts[index + 1][1]) if has_after else ""
        before, prefix, suffix, quoted = current, "", "", False
        if wildcards and before.endswith(("'%", '"%')) and after[:1] in ("%", "'", '"'):
            before, prefix = before[:-1], "%"
        if wildcards and after.startswith(("%'", '%"')) and before[-1:] in ("'", '"'):
            after, suffix = after[1:], "%"
        if before[-1:] in ("'", '"') and after[:1] == before[-1:] and before[-2:-1] not in ("\\", "%"):
            before, after, quoted = before[:-1], after[1:], True  # '${x}': the whole quoted value
        elif before[-1:] in ("'", '"', "%") or after[:1] in ("'", '"', "%"):
            return None  # part of a quoted string (LIKE '%x%'): not a whole value
        if not (_VALUE_BEFORE.search(before) or _list_position(before, after)):
            return None
        if style == "$" and after[:1] == "{":
            return None
        bound.append(Bound(payload, quoted, prefix, suffix))
        name = name_of(payload) if name_of is not None else ""
        current = before + placeholder(style, len(bound), name)
        if has_after:
            parts[index + 1] = ("sql", after)
        index += 1
    out.append(("sql", current))
    if not bound:
        return None
    if style == "%s":
        out = [(kind, _escape_percent(str(p)) if kind == "sql" else p) for kind, p in out]
    return [(kind, p) for kind, p in out if kind != "sql" or p], bound


def _escape_percent(text: str) -> str:
    """``%`` doubled in SQL text for DB-API format style, the ``%s`` placeholders kept."""
    return "%s".join(piece.replace("%", "%%") for piece in text.split("%s"))


def placeholder_sql(
    parts: Sequence[tuple[str, object]], style: str, *, name_of: Callable[[object], str] | None = None
) -> tuple[str, list[object]] | None:
    """(SQL with placeholders, the values in order) for ``parts`` — ``("sql", text)`` and
    ``("value", anything)`` in order — or None when the rewrite would change the query."""
    rewritten = placeholder_parts(parts, style, name_of=name_of)
    if rewritten is None:
        return None
    query, bound = rewritten
    return "".join(str(payload) for _, payload in query), [b.value for b in bound]
