"""Incremental analysis equals analysis from scratch, for any edit sequence.

Synthetic checks of each shape (line, multi-line block, tree node, whole document) keep this
test about the engine's bookkeeping; the rule families have their own incremental tests.
"""

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from landguard.engine.analyze import Analysis, analysis_units
from landguard.engine.config import Config
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Fix, Severity, Span, TextEdit
from landguard.engine.registry import DocumentCheck, LineCheck, NodeCheck, Rule
from landguard_testing import incremental_runs

DOCS = "## What it does\nTest rule.\n"


def rule(rule_id):
    return Rule(rule_id, "test", "test", Severity.WARNING, Confidence.HIGH, (1,), DOCS)


WORD, BLOCK, CALL, COUNT = rule("LG901"), rule("LG902"), rule("LG903"), rule("LG904")


class WordCheck(LineCheck):
    rules = (WORD,)

    def scan_lines(self, document, first, last, context):
        for n in range(first, last + 1):
            for m in re.finditer("TOKEN", document.lines[n]):
                yield WORD.finding(Span.on_line(n, m.start(), m.end()), "word")


class EnvLookupCheck(LineCheck):
    """Like the secrets' environment fix: an edit on its line plus ``import os`` at the top."""

    rules = (rule("LG906"),)

    def scan_lines(self, document, first, last, context):
        for n in range(first, last + 1):
            col = document.lines[n].find("KEY")
            if col >= 0:
                span = Span.on_line(n, col, col + 3)
                fix = Fix(
                    "env", (TextEdit(Span(0, 0, 0, 0), "import os\n"), TextEdit(span, "os.environ['K']"))
                )
                yield self.rules[0].finding(span, "key", fixes=[fix])


class BlockCheck(LineCheck):
    """BEGIN ... END blocks, like PEM keys: an edit anywhere inside must rescan the whole block."""

    rules = (BLOCK,)

    def widen(self, document, first, last):
        lines = document.lines
        while first > 0 and not lines[first].startswith("BEGIN"):
            above = lines[first - 1]
            if "END" in above and not above.startswith("BEGIN"):
                break  # the block above ended there; a `BEGIN…END` line starts one of its own
            first -= 1
        while last + 1 < len(lines) and "BEGIN" not in lines[last + 1] and "END" not in lines[last]:
            last += 1
        return first, last

    def scan_lines(self, document, first, last, context):
        lines = document.lines
        for n in range(first, last + 1):
            if lines[n].startswith("BEGIN"):
                for m in range(n + 1, len(lines)):
                    if lines[m].startswith("BEGIN"):
                        break
                    if "END" in lines[m]:
                        yield BLOCK.finding(Span(n, 0, m, len(lines[m])), "block")
                        break


class CallCheck(NodeCheck):
    rules = (CALL,)
    languages = frozenset({"python"})

    def check_node(self, node, document, context):
        stack = [node]
        while stack:
            current = stack.pop()
            if current.type == "call" and document.node_text(current).startswith("danger("):
                yield CALL.finding(document.node_span(current), "call")
            stack.extend(current.children)


class ImportingFixCheck(NodeCheck):
    """Like a fix that adds an import at the top of the file: an edit outside the unit."""

    rules = (rule("LG905"),)
    languages = frozenset({"python"})

    def check_node(self, node, document, context):
        if document.node_text(node).startswith("def "):
            fix = Fix(
                "import", (TextEdit(Span(0, 0, 0, 0), "import os\n"), TextEdit(document.node_span(node), ""))
            )
            yield self.rules[0].finding(document.node_span(node), "def", fixes=[fix])


class CountCheck(DocumentCheck):
    rules = (COUNT,)

    def check_document(self, document, context):
        if document.text.count("TOKEN") >= 3:
            yield COUNT.finding(Span.on_line(0, 0, 0), "many")


CHECKS = [WordCheck(), BlockCheck(), CallCheck(), CountCheck(), ImportingFixCheck(), EnvLookupCheck()]
START = "def f(x):\n    danger(x)\n\nclass C:\n    y = TOKEN\n    def g(self):\n        return danger(1)\n"


def fresh(text):
    return Analysis(Document(text, path="a.py"), Config(), CHECKS).run()


pieces = st.sampled_from(
    [
        "",
        "x",
        "\n",
        "TOKEN",
        "KEY",
        "y = KEY\n",
        "danger(a)",
        "\nBEGIN\n",
        "END\n",
        "    z = danger(TOKEN)\n",
        "def h():\n  ",
        "🙂",
        "#",
    ]
)


@settings(max_examples=150, deadline=None)
# Found by this test: a unit starting after an emoji on its line reused findings cached for the same
# unit text after ASCII, with code-point columns off by three.
@example(steps=[(0.75, 0.75, "x"), (0.0, 0.25, "danger(a)"), (0.5, 0.78125, "🙂")])
# ... and a key made by concatenation confused "    def g(" + "x" with "    " + "def g(x".
@example(steps=[(1.0, 0.75, "TOKEN"), (1.0, 0.8125, "x"), (0.0, 0.5, "")])
# ... and a line holding both BEGIN and END starts a block that a later END closes.
@example(
    steps=[
        (0.0, 0.5, ""),
        (0.0, 0.5, ""),
        (0.625, 0.25, "\nBEGIN\n"),
        (1.0, 0.5625, "END\n"),
        (1.0, 1.0, "END\n"),
    ]
)
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), pieces), min_size=1, max_size=15))
def test_incremental_findings_equal_a_scan_from_scratch(steps):
    document = Document(START, path="a.py")
    analysis = Analysis(document, Config(), CHECKS)
    for text, found in incremental_runs(document, analysis, steps):
        assert found == fresh(text)


def test_unchanged_units_are_not_rechecked():
    calls = []

    class Counting(CallCheck):
        def check_node(self, node, document, context):
            calls.append(node.start_point[0])
            return super().check_node(node, document, context)

    document = Document(START, path="a.py")
    analysis = Analysis(document, Config(), [Counting()])
    analysis.run()
    calls.clear()
    change = document.apply_change((6, 22, 6, 23), "2")  # danger(1) -> danger(2), inside C.g only
    findings = analysis.run([change])
    assert calls == [5]
    assert [f.span.start_line for f in findings] == [1, 6]


def test_classes_are_split_into_member_units():
    document = Document(START, path="a.py")
    assert [u.type for u in analysis_units(document.tree.root_node)] == [
        "function_definition",
        "expression_statement",
        "function_definition",
    ]


@pytest.mark.check_errors_expected
def test_a_failing_check_does_not_blind_the_others(caplog):
    class Broken(WordCheck):
        def scan_lines(self, document, first, last, context):
            raise RuntimeError("boom")

    findings = Analysis(Document(START, path="a.py"), Config(), [Broken(), CallCheck()]).run()
    assert [f.rule_id for f in findings] == ["LG903", "LG903"]

    assert "boom" in caplog.text


def test_select_ignore_and_severity_overrides():
    config = Config(ignore=("LG903", "LG905", "LG906"), severity=(("LG901", Severity.ERROR),))
    findings = Analysis(Document(START, path="a.py"), config, CHECKS).run()
    assert {f.rule_id for f in findings} == {"LG901"}
    assert findings[0].severity is Severity.ERROR


def test_ai_marker_raises_severity_in_the_marked_function_only():
    text = "x = 1\n\n\n\n\n# ai-generated\ndef f(x):\n    danger(x)\n\ndef g(x):\n    danger(x)\n"
    findings = Analysis(Document(text, path="a.py"), Config(), [CallCheck()]).run()
    assert [(f.span.start_line, f.severity) for f in findings] == [
        (7, Severity.ERROR),
        (10, Severity.WARNING),
    ]


def test_ai_marker_in_the_header_marks_the_whole_file():
    text = "# ai-generated\ndef f(x):\n    danger(x)\n"
    findings = Analysis(Document(text, path="a.py"), Config(), [CallCheck()]).run()
    assert findings[0].severity is Severity.ERROR
