"""Units that a paste only moved keep their results, in Python, JavaScript and Java (issue #15).

A balanced paste (a whole new function or method) shifts every unit below it by the pasted lines;
their text, the text before them on their line, their class and their context are the same, so
the run after it checks the pasted unit alone, places the moved units' cached findings at their
new lines (equal to a scan from scratch), and removing the paste again checks nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from landguard.checks.code_rule import CodeRulesCheck
from landguard.engine.analyze import Analysis
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard_testing import fresh_document

FIXTURES = Path(__file__).parents[1] / "fixtures"
CONFIG = Config(dependencies=DependencySettings(online=False))

# Per language: a function nobody calls, its lines relative to the indentation of the place it
# is pasted at, and whether it goes between top-level units (column 0) or between class members.
PASTED = {
    ".py": (["def pasted_helper(self, a):", "    return a + 1", ""], None),
    ".js": (["function pastedHelper(a) {", "  return a + 1;", "}", ""], False),
    ".java": (["int pastedHelper(int a) {", "    return a + 1;", "}", ""], True),
}


def _counting_checks(monkeypatch) -> list[int]:
    checked: list[int] = []
    check_node = CodeRulesCheck.check_node

    def counting(self, unit, document, context):
        checked.append(unit.start_point[0])
        return check_node(self, unit, document, context)

    monkeypatch.setattr(CodeRulesCheck, "check_node", counting)
    return checked


def _fresh(document: Document):
    return Analysis(fresh_document(document), CONFIG, incremental=False).run()


@pytest.mark.parametrize(
    "name",
    [
        "python/LG201.py",
        "python/LG202.py",
        "javascript/LG302.flow.js",
        "javascript/LG320.js",
        "java/LG401.java",
        "java/LG403.java",
    ],
)
def test_a_balanced_paste_checks_the_pasted_unit_alone_and_moves_the_others_findings(name, monkeypatch):
    path = FIXTURES / name
    text = path.read_text(encoding="utf-8")
    document = Document(text, path=path.name)
    analysis = Analysis(document, CONFIG)
    before = analysis.run()
    assert before, "a fixture with findings: they must move with their units"
    lines, member = PASTED[path.suffix]
    # The middle unit that starts a line of its own (only blanks before it there), at the level wanted.
    rows = analysis._units()  # noqa: SLF001 - which units there are, to choose the place
    places = [
        (point.row, point.column)
        for _, point, key in rows
        if not key[1].strip() and (member is None or (point.column > 0) == member)
    ]
    line, column = places[len(places) // 2]
    moved = sum(1 for _, point, _ in rows if point.row >= line)
    assert moved >= 3
    block = "".join((" " * column + piece if piece else "") + "\n" for piece in lines)
    shift = len(lines)
    # One paste and its removal first: what the first edit after an open renews once (a JavaScript
    # comment repeated in the file gets one lowering for all its copies) is not what this is about.
    analysis.run([document.apply_change((line, 0, line, 0), block)])
    analysis.run([document.apply_change((line, 0, line + shift, 0), "")])
    checked = _counting_checks(monkeypatch)
    # Units whose findings are never cached (a fix adding an import edits outside them) are
    # checked on every run, an unchanged one too.
    assert analysis.run() == before
    always, checked[:] = list(checked), []

    found = analysis.run([document.apply_change((line, 0, line, 0), block)])
    # The pasted function; the units below it only moved.
    assert sorted(checked) == sorted([line, *(n + shift if n >= line else n for n in always)])
    assert found == _fresh(document)
    assert sorted(f.span.start_line for f in found) == sorted(
        f.span.start_line + (shift if f.span.start_line >= line else 0) for f in before
    )

    checked.clear()
    found = analysis.run([document.apply_change((line, 0, line + shift, 0), "")])
    assert sorted(checked) == sorted(always)
    assert found == before == _fresh(document)
