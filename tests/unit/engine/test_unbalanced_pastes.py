"""Pastes of unbalanced text (an open brace, a dedent, an unterminated string or comment) that make
tree-sitter's error recovery re-parent the units after them: every incremental run equals a scan
from scratch, in Python, JavaScript and Java (issue #15).

And a Python top-level definition hiding a builtin (a dedent that makes a method ``def max``
top-level) rechecks the units naming it, not the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landguard.checks.code_rule import CodeRulesCheck
from landguard.engine.analyze import Analysis
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document

FIXTURES = Path(__file__).parents[1] / "fixtures"
CONFIG = Config(dependencies=DependencySettings(online=False))

# Text that leaves the file unbalanced where it is pasted, per language.
UNBALANCED = {
    ".py": [
        "class Broken:\n",
        "def broken(x):\n",
        "x = (\n",
        's = "unterminated\n',
        "if x:\n",
        "    y = 1\n",
    ],
    ".js": ["function broken() {\n", "}\n", "const o = {\n", "s = 'unterminated\n", "/*\n", "if (x) {\n"],
    ".java": ["  void broken() {\n", "}\n", "class Broken {\n", 'String s = "unterminated\n', "/*\n", "{\n"],
}

REAL_FILES = [
    "python/LG202.py",
    "python/LG201.py",
    "javascript/LG304.js",
    "javascript/LG301.js",
    "java/LG401.java",
    "java/LG403.java",
    "java/flow/CycleFlow.java",
]


def _fresh(text: str, path: Path):
    return Analysis(Document(text, path=str(path)), CONFIG, incremental=False).run()


@pytest.mark.parametrize("name", REAL_FILES)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    draws=st.lists(
        st.tuples(
            st.floats(0, 1),  # where (a line start)
            st.floats(0, 1),  # which of the file's own lines to paste after the unbalanced text
            st.sampled_from([0, 1, 3, 10]),  # how many of them
            st.integers(0, 5),  # which unbalanced text
            st.booleans(),  # undo the paste afterwards, or keep it for the next one
        ),
        min_size=1,
        max_size=4,
    )
)
def test_unbalanced_pastes_equal_a_fresh_scan(name, draws):
    path = FIXTURES / name
    document = Document(path.read_text(encoding="utf-8"), path=str(path))
    analysis = Analysis(document, CONFIG)
    analysis.run()
    for at, source, size, which, undo in draws:
        lines = document.text.split("\n")
        n = int(at * (len(lines) - 1))
        s = int(source * (len(lines) - 1))
        block = UNBALANCED[path.suffix][which] + "".join(line + "\n" for line in lines[s : s + size])
        found = analysis.run([document.apply_change((n, 0, n, 0), block)])
        assert found == _fresh(document.text, path)
        if undo:
            found = analysis.run([document.apply_change((n, 0, n + block.count("\n"), 0), "")])
            assert found == _fresh(document.text, path)


HIDING = """\
import os


def run(cmd):
    os.system(cmd)


def biggest(values):
    return max(values)


class Table:
    def rows(self):
        return []
"""


def test_a_python_definition_hiding_a_builtin_rechecks_the_units_naming_it(monkeypatch):
    """A paste that adds a top-level ``def max`` (as a dedent that ends the class above a method of
    that name does) changes what ``max`` means in the units writing it, and nothing for the others."""
    checked: list[int] = []
    check_node = CodeRulesCheck.check_node

    def counting(self, unit, document, context):
        checked.append(unit.start_point[0])
        return check_node(self, unit, document, context)

    monkeypatch.setattr(CodeRulesCheck, "check_node", counting)
    document = Document(HIDING, path="hiding.py")
    analysis = Analysis(document, CONFIG)
    analysis.run()
    checked.clear()
    end = len(HIDING.splitlines())
    found = analysis.run([document.apply_change((end, 0, end, 0), "def max(values):\n    return 0\n")])
    rechecked = sorted(set(checked))
    assert found == _fresh(document.text, Path("hiding.py"))
    lines = document.text.splitlines()
    assert rechecked == [lines.index("def biggest(values):"), lines.index("def max(values):")]
