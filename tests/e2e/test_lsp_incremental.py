"""End to end: a document edited incrementally ends with the diagnostics of a fresh open.

Random edit sequences (a fixed seed, so failures reproduce) over text with astral characters,
CRLF line ends, secrets and risky calls: after all edits, the diagnostics of the edited
document must equal those of the same final text opened from scratch.
"""

from __future__ import annotations

import random

from conftest import apply_text_edits
from lsprotocol import types

TOKEN = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0" + "P9o8N7m6L5k4J3i2"
PIECES = [
    "x = 1\n",
    "😀 = 'emoji'\n",
    f'token = "{TOKEN}"\n',
    "value = eval(data)\n",
    "def f(a):\n    return a\n",
    "import pickle\npickle.loads(blob)\n",
    "s = 'tab\there'\r\n",
    "# comment 🎉\n",
]


def random_edit(rng: random.Random, text: str) -> types.TextEdit:
    lines = text.split("\n")
    start_line = rng.randrange(len(lines))
    end_line = min(len(lines) - 1, start_line + rng.choice([0, 0, 1, 2]))

    def column(line: int) -> int:
        # A UTF-16 column at a character boundary: editors never split a surrogate pair.
        # Nor between the CR and LF of a CRLF line end.
        code_points = rng.randint(0, len(lines[line].removesuffix("\r")))
        return len(lines[line][:code_points].encode("utf-16-le")) // 2

    start = types.Position(start_line, column(start_line))
    end = types.Position(end_line, column(end_line))
    if (end.line, end.character) < (start.line, start.character):
        start, end = end, start
    return types.TextEdit(range=types.Range(start, end), new_text=rng.choice([*PIECES, "", "y", "\n"]))


def summary(diagnostics):
    return sorted(
        (str(d.code), d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)
        for d in diagnostics
    )


async def test_incremental_edits_match_a_fresh_analysis(session):
    await session.initialize()
    rng = random.Random(20261122)
    text = "".join(PIECES)
    uri = session.open("edited.py", text)
    await session.diagnostics(uri, version=1)
    for _ in range(40):
        edit = random_edit(rng, text)
        text = apply_text_edits(text, [edit])
        session.change(uri, types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text))
    edited = await session.diagnostics(uri, version=session.versions[uri])
    fresh_uri = session.open("fresh.py", text)
    fresh = await session.diagnostics(fresh_uri, version=1)
    assert summary(edited) == summary(fresh)
    assert any(str(d.code).startswith(("LG1", "LG2")) for d in fresh), "the sequence should leave findings"
