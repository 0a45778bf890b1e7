"""Incremental == from scratch for the Python dataflow rules: edits to a helper re-check its callers.

A finding in one unit can depend on another (a helper's summary, a module constant that makes a
branch dead). The engine caches each unit's findings by its text and the module context key; this
property test edits helpers, constants and callers at random and compares with a fresh analysis.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from landguard.checks.code_rule import rules_check
from landguard.engine.analyze import Analysis
from landguard.engine.config import Config
from landguard.engine.document import Document
from landguard_testing import incremental_runs, utf16_range

CHECK = rules_check("python")

START = """import os
from flask import request

DEBUG = False


def helper(value):
    return "echo " + value


class Runner:
    def build(self, value):
        return "ls"

    def run(self):
        os.system(self.build(request.args["x"]))


def view():
    if DEBUG:
        os.system("rm " + request.args["f"])
    os.system(helper(request.args["name"]))
"""

pieces = st.sampled_from(
    [
        "",
        "x",
        "\n",
        "DEBUG = True\n",
        'return "fixed"',
        "return value",
        'return "ls " + value',
        "request.args['y']",
        '"constant"',
        "int(value)",
        "    os.system(helper('a'))\n",
        "True",
        "\n\ndef helper2(value):\n    return int(value)\n",
        "helper2",
        "return helper(value)",
    ]
)


def fresh(text: str):
    return Analysis(Document(text, path="a.py"), Config(), [CHECK]).run()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), pieces), min_size=1, max_size=8))
def test_incremental_dataflow_findings_equal_a_scan_from_scratch(steps):
    document = Document(START, path="a.py")
    analysis = Analysis(document, Config(), [CHECK])
    for text, found in incremental_runs(document, analysis, steps):
        assert found == fresh(text)


def _replace(document: Document, old: str, new: str):
    start = document.text.index(old)
    return document.apply_change(utf16_range(document.text, start, start + len(old)), new)


def test_editing_a_helper_rechecks_its_callers():
    document = Document(START, path="a.py")
    analysis = Analysis(document, Config(), [CHECK])
    before = {f.span.start_line for f in analysis.run() if f.rule_id == "LG202"}
    assert 21 in before  # os.system(helper(request...)): the helper builds a command from its argument
    after = {
        f.span.start_line
        for f in analysis.run([_replace(document, 'return "echo " + value', 'return "echo"')])
    }
    assert 21 not in after
    assert 15 not in after  # Runner.build returns a constant
    changed = analysis.run([_replace(document, 'return "ls"', "return value")])
    assert 15 in {f.span.start_line for f in changed}


def test_a_constant_that_kills_a_branch_is_part_of_the_key():
    document = Document(START, path="a.py")
    analysis = Analysis(document, Config(), [CHECK])
    assert 20 not in {f.span.start_line for f in analysis.run()}  # `if DEBUG:` with DEBUG = False
    findings = analysis.run([_replace(document, "DEBUG = False", "DEBUG = True")])
    assert 20 in {f.span.start_line for f in findings}


CHAIN = """import os
from flask import request


def inner(value):
    return "echo " + value


def outer(value):
    return inner(value)


def view():
    os.system(outer(request.args["x"]))
"""


def test_a_change_two_calls_away_rechecks_the_caller():
    document = Document(CHAIN, path="a.py")
    analysis = Analysis(document, Config(), [CHECK])
    assert 13 in {f.span.start_line for f in analysis.run()}
    # inner now returns a constant: outer's summary changes through it, and view is rechecked.
    assert 13 not in {
        f.span.start_line for f in analysis.run([_replace(document, '"echo " + value', '"echo"')])
    }
    assert 13 in {
        f.span.start_line for f in analysis.run([_replace(document, 'return "echo"', "return value")])
    }


LATE_HELPER = """import os
from flask import request


def middle(value):
    return clean(value)


def view():
    os.system("ls " + middle(request.args["name"]))
"""


def test_a_helper_declared_later_reaches_the_callers_of_an_unchanged_function():
    # `middle` keeps its text (and its IR): its kept summary rested on `clean` being unknown.
    document = Document(LATE_HELPER, path="a.py")
    analysis = Analysis(document, Config(), [CHECK])
    assert 9 in {f.span.start_line for f in analysis.run() if f.rule_id == "LG202"}
    end = len(document.text)
    change = document.apply_change(
        utf16_range(document.text, end, end), "\n\ndef clean(value):\n    return int(value)\n"
    )
    found = analysis.run([change])
    assert 9 not in {f.span.start_line for f in found if f.rule_id == "LG202"}
    assert found == fresh(document.text)
