"""When text reads as SQL: what the SQL rule (LG302) asks of a query method's text on a receiver
of unknown type (``cache.get(key)`` is no query), and the cheap test, over a whole file, of
whether any text of the file can.

Every constant part of a value's text comes from a string literal (or template, or regular
expression) of the same file (an identifier property key is one too in the IR, ``{select: 1}``,
but no modelled operation turns keys into query text), so a file whose literals hold no pair of words one of the SQL
patterns starts with cannot build such text: the dataflow facts need not be worked out for its
``get``/``set``/``exec`` calls (``_flow.unit_facts``), most calls of most files.
"""

from __future__ import annotations

import re
from collections.abc import Callable

READS_AS_SQL = re.compile(
    r"(?is)\b(?:select\b.*\bfrom\b|insert\s+into|update\b.*\bset\b|delete\s+from|replace\s+into|"
    r"(?:create|drop|alter|truncate)\s+table|where\s+[\w.\"`]+\s*(?:=|<>|!=|<|>|like\b|in\b|is\b))"
)

# The words each alternative of READS_AS_SQL needs, lower-cased, in any order and in any
# literals (``"SELECT a " + "FROM t"`` reads as SQL although no one literal does). The word asked
# first (``may_read_as_sql_where`` stops at the first a text lacks, and its holder remembers the
# answers) is the one few files have, or one shared by other rows: most files lack it.
_WORDS_NEEDED = (
    (b"where",),
    (b"select", b"from"),
    (b"delete", b"from"),
    (b"into", b"insert"),
    (b"into", b"replace"),
    (b"table", b"create"),
    (b"table", b"drop"),
    (b"table", b"alter"),
    (b"table", b"truncate"),
    (b"update", b"set"),
)

# An escape can spell any word (``"SEL\x45CT"``): such literals may hold anything.
_ESCAPES = (b"\\x", b"\\u")


def may_read_as_sql_where(holds: Callable[[bytes], bool]) -> bool:
    """Whether text made of parts of a text (lower-cased source bytes) may read as SQL, the text
    known by ``holds(word)``: whether it holds the lower-cased ``word`` (no line break in any).
    False only where ``READS_AS_SQL`` cannot match any such text. A keyword split across two
    literals (``"SEL" + "ECT"``) is not read."""
    return may_spell_anything_where(holds) or any(all(map(holds, words)) for words in _WORDS_NEEDED)


def may_spell_anything_where(holds: Callable[[bytes], bool]) -> bool:
    """Whether the text ``holds`` knows (see ``may_read_as_sql_where``) has an escape sequence,
    which can spell any word."""
    return any(map(holds, _ESCAPES))
