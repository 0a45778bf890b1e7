"""Incremental == from scratch for the Python dataflow rules: edits to a helper re-check its callers.

A finding in one unit can depend on another (a helper's summary, a module constant that makes a
branch dead, in a function or in module-level code). The engine caches each unit's findings by its
text and the module context key; this property test edits helpers, constants and callers at random
and compares with a fresh analysis.
"""

from __future__ import annotations

import factory_programs
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

if DEBUG:
    os.system("rm " + request.args["m"])


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


def walk(value, depth):
    if depth > 2:
        return value
    return visit(value, depth + 1)


def visit(value, depth):
    return walk(value, depth)


def tree():
    os.system(walk(request.args["t"], 0))


def shell():
    runner = Runner()
    os.system(runner.build(request.args["s"]))
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
        # Edits inside the call cycle walk <-> visit (summarised as one unit).
        "return visit(value, depth)",
        "return walk(value, 0)",
        'return "leaf"',
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


def _incremental_equals_fresh(start: str, steps) -> None:
    document = Document(start, path="a.py")
    analysis = Analysis(document, Config(), [CHECK])
    for text, found in incremental_runs(document, analysis, steps):
        assert found == fresh(text), text


def test_hypothesis_found_a_kept_recursive_function_read_differently_after_an_edit():
    # The steps hypothesis found: error recovery makes `def helper(val(...` swallow view's body, a
    # function that calls itself; then `DEBUG = False` loses its value, which rechecks that unit
    # while its text (and its kept lowering for summaries) stays the same.
    steps = [
        (0.0, 0.0, "    os.system(helper('a'))\n"),
        (0.6796875, 0.34375, ""),
        (0.0, 0.0, "    os.system(helper('a'))\n"),
        (0.5, 0.3125, ""),
    ]
    _incremental_equals_fresh(START, steps)


RECURSIVE = """import os
from flask import request

DEBUG = False


def view(value):
    if DEBUG:
        print("debug")
    os.system(view(request.args["name"]))
    return value
"""


def test_a_recursive_call_stays_recursive_when_the_unit_is_rechecked_with_its_text_kept():
    # `view(...)` inside `view` is a call of a cycle of one: its summary (it returns its argument)
    # is iterated to a fixed point, so request data flows through it to the sink. After an edit
    # elsewhere that rechecks `view` (a constant it reads changed), the rule analyses a new lowering
    # of `view`, while calls resolve to the lowering kept for summaries: the same cycle's summary.
    document = Document(RECURSIVE, path="a.py")
    analysis = Analysis(document, Config(), [CHECK])
    sink = RECURSIVE.splitlines().index('    os.system(view(request.args["name"]))')
    assert sink in {f.span.start_line for f in analysis.run() if f.rule_id == "LG202"}
    found = analysis.run([_replace(document, "DEBUG = False", "DEBUG = 0")])
    assert sink in {f.span.start_line for f in found if f.rule_id == "LG202"}
    assert found == fresh(document.text)
    found = analysis.run([_replace(document, "DEBUG = 0", "DEBUG")])
    assert found == fresh(document.text)


def test_blank_lines_above_the_first_statement_do_not_shift_the_units_texts():
    # The module node starts at its first statement: unit texts sliced from its text at absolute
    # offsets were shifted by the blank line, so the next run (the blank line gone) matched none of
    # the kept unit keys, missed that they read DEBUG, and kept the dead branches' findings away.
    document = Document("\n" + START, path="a.py")
    analysis = Analysis(document, Config(), [CHECK])
    module_sink = 1 + START.splitlines().index('    os.system("rm " + request.args["m"])')
    assert module_sink not in {f.span.start_line for f in analysis.run()}
    found = analysis.run([document.apply_change(utf16_range(document.text, 0, 1), "DEBUG = True\n")])
    assert module_sink in {f.span.start_line for f in found}  # DEBUG assigned twice: not a constant
    assert found == fresh(document.text)


def _replace(document: Document, old: str, new: str):
    start = document.text.index(old)
    return document.apply_change(utf16_range(document.text, start, start + len(old)), new)


def test_editing_a_helper_rechecks_its_callers():
    document = Document(START, path="a.py")
    analysis = Analysis(document, Config(), [CHECK])
    before = {f.span.start_line for f in analysis.run() if f.rule_id == "LG202"}
    assert 24 in before  # os.system(helper(request...)): the helper builds a command from its argument
    after = {
        f.span.start_line
        for f in analysis.run([_replace(document, 'return "echo " + value', 'return "echo"')])
    }
    assert 24 not in after
    assert 18 not in after  # Runner.build returns a constant
    changed = analysis.run([_replace(document, 'return "ls"', "return value")])
    assert 18 in {f.span.start_line for f in changed}


def test_a_constant_that_kills_a_branch_is_part_of_the_key():
    document = Document(START, path="a.py")
    analysis = Analysis(document, Config(), [CHECK])
    before = {f.span.start_line for f in analysis.run()}
    assert 23 not in before  # `if DEBUG:` with DEBUG = False
    assert 6 not in before  # the same branch in module-level code
    findings = analysis.run([_replace(document, "DEBUG = False", "DEBUG = True")])
    assert {6, 23} <= {f.span.start_line for f in findings}


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


TABLE = """import os
from flask import request


def indexed():
    table = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69]
    if table[2] == 2:
        os.system("rm " + request.args["g"])
"""


def test_a_table_of_numbers_is_read_as_its_items():
    # The table is lowered from its text (no node per number), and still folds: table[2] == 2.
    document = Document(TABLE, path="a.py")
    analysis = Analysis(document, Config(), [CHECK])
    line = TABLE.splitlines().index('        os.system("rm " + request.args["g"])')
    assert line in {f.span.start_line for f in analysis.run() if f.rule_id == "LG202"}
    found = analysis.run([_replace(document, "[0, 1, 2, 3,", "[0, 1, 5, 3,")])
    assert line not in {f.span.start_line for f in found if f.rule_id == "LG202"}
    assert found == fresh(document.text)


def _count_context_keys(monkeypatch) -> list[int]:
    """From now on, the first line of every unit the Python frontend is asked a context key for."""
    from landguard.checks.python._dispatch import PythonFrontend

    asked: list[int] = []
    original = PythonFrontend.unit_context_key

    def counting(self, unit, document, context):
        asked.append(unit.start_point[0])
        return original(self, unit, document, context)

    monkeypatch.setattr(PythonFrontend, "unit_context_key", counting)
    return asked


def test_an_edit_asks_for_the_context_key_of_the_changed_unit_only(monkeypatch):
    document = Document(START, path="a.py")
    analysis = Analysis(document, Config(), [CHECK])
    analysis.run()
    analysis.tidy()  # the first run's keys (``Analysis._deferred_keys``), as the server does after it
    asked = _count_context_keys(monkeypatch)
    found = analysis.run([_replace(document, 'os.system("rm " + request.args["f"])', "pass")])
    view = START.splitlines().index("def view():")
    assert asked == [view]  # no summary changed: the other units' keys are reused
    assert found == fresh(document.text)
    asked.clear()
    # A helper's summary changes: every unit's key is asked for again, and its caller rechecked.
    found = analysis.run([_replace(document, 'return "echo " + value', 'return "echo"')])
    assert len(asked) > 1
    assert found == fresh(document.text)


def test_only_long_tables_of_plain_integers_are_read_from_their_text():
    from landguard.languages.python import _number_table

    def table_node(source: str):
        document = Document(source, path="t.py")
        return document.tree.root_node.named_children[0].named_children[0].child_by_field_name("right")

    numbers = ", ".join(str(n) for n in range(70))
    items = _number_table(table_node(f"T = [{numbers}]\n"))
    assert items is not None and [item.value for item in items] == list(range(70))
    assert all(item.node is None for item in items)
    assert _number_table(table_node(f"T = ({numbers},)\n")) is not None
    assert _number_table(table_node("T = [1, 2, 3]\n")) is None  # short: lowered node by node
    assert _number_table(table_node(f"T = [{numbers}, x]\n")) is None
    assert _number_table(table_node(f"T = [{numbers}, -1]\n")) is None
    assert _number_table(table_node(f"T = [{numbers}, 0x10]\n")) is None
    assert _number_table(table_node(f"T = [{numbers},  # note\n 1]\n")) is None


def test_the_same_numbers_give_the_same_table_and_its_value_is_made_once():
    # Typing a space or a line break inside a generated table changes no number: the table and its
    # interpreted value are reused; another number is another table (the fold above sees it).
    from landguard.dataflow import ir
    from landguard.languages.python import _number_table

    def table_node(source: str):
        document = Document(source, path="t.py")
        return document.tree.root_node.named_children[0].named_children[0].child_by_field_name("right")

    numbers = ", ".join(str(n) for n in range(70))
    table = _number_table(table_node(f"T = [{numbers}]\n"))
    assert type(table) is ir.LitTable
    spaced = numbers.replace(", 5,", ",\n 5,")
    assert _number_table(table_node(f"T = [ {spaced} ,]\n")) is table
    changed = numbers.replace(", 5,", ", 50,")
    other = _number_table(table_node(f"T = [{changed}]\n"))
    assert other is not table and [item.value for item in other][5] == 50
    document = Document(TABLE, path="a.py")
    analysis = Analysis(document, Config(), [CHECK])
    analysis.run()
    found = analysis.run([_replace(document, "[0, 1, 2, 3,", "[0, 1,  2, 3,")])
    assert found == fresh(document.text)
    found = analysis.run([_replace(document, "[0, 1,  2, 3,", "[0, 1, 7, 3,")])
    assert found == fresh(document.text)
    assert not any(f.rule_id == "LG202" for f in found)


def test_a_new_function_nobody_calls_yet_keeps_the_other_units_keys(monkeypatch):
    document = Document(START, path="a.py")
    analysis = Analysis(document, Config(), [CHECK])
    analysis.run()
    analysis.tidy()  # the first run's keys (``Analysis._deferred_keys``), as the server does after it
    asked = _count_context_keys(monkeypatch)
    end = len(document.text)
    pasted = "\n\ndef helper2(value):\n    return int(value)\n\n\nLIMIT = 3\n"
    found = analysis.run([document.apply_change(utf16_range(document.text, end, end), pasted)])
    assert sorted(asked) == [len(START.splitlines()) + 2, len(START.splitlines()) + 6]
    assert found == fresh(document.text)
    asked.clear()
    # A caller appears: only it is new; then the function's summary changes, and every key is
    # asked for again (some unit shows it now).
    found = analysis.run([_replace(document, 'os.system(helper(request.args["name"]))', "helper2(1)")])
    assert asked == [START.splitlines().index("def view():")]
    assert found == fresh(document.text)
    asked.clear()
    found = analysis.run([_replace(document, "return int(value)", "return value")])
    assert len(asked) > 2
    assert found == fresh(document.text)


SHAPED = """import os
from flask import request


def helper(value):
    return [value, "x"]


def view():
    os.system(helper(request.args["name"])[1])
"""


def test_a_helper_returning_the_same_labels_in_another_shape_rechecks_its_callers():
    # The summary's signature (what callers' keys show) had the returned labels but not which
    # item of the returned list holds them: swapping the items kept the caller's old findings.
    document = Document(SHAPED, path="a.py")
    analysis = Analysis(document, Config(), [CHECK])
    sink = SHAPED.splitlines().index('    os.system(helper(request.args["name"])[1])')
    assert sink not in {f.span.start_line for f in analysis.run()}
    found = analysis.run([_replace(document, '[value, "x"]', '["x", value]')])
    assert sink in {f.span.start_line for f in found if f.rule_id == "LG202"}
    assert found == fresh(document.text)


def test_editing_a_method_rechecks_the_callers_of_a_local_instance():
    # `runner = Runner(); runner.build(...)` runs the same-file method: its key must change with it.
    document = Document(START, path="a.py")
    analysis = Analysis(document, Config(), [CHECK])
    line = START.splitlines().index('    os.system(runner.build(request.args["s"]))')
    assert line not in {f.span.start_line for f in analysis.run()}  # Runner.build returns a constant
    changed = analysis.run([_replace(document, 'return "ls"', "return value")])
    assert line in {f.span.start_line for f in changed if f.rule_id == "LG202"}
    assert set(changed) == set(fresh(document.text))


def test_hypothesis_found_a_caller_of_a_removed_method_kept_its_summary():
    # The steps hypothesis found: the edit removes `Runner.build` (and `Runner.run`, `view`);
    # `shell`'s `runner.build(...)` now reaches no summary, so its key must change (the epoch
    # compared the gone key with the calls as written, `runner.build`, and kept it).
    _incremental_equals_fresh(START, [(0.5, 0.25, "")])


@settings(max_examples=60, deadline=None)
@given(factory_programs.steps(factory_programs.PYTHON_REPLACEMENTS))
def test_factory_edits_incremental_equals_fresh(steps):
    # A call on a same-file factory's result runs the method of the class the factory returns:
    # editing the factory (another class, an imported one), the method, or the call re-checks.
    document = Document(factory_programs.PYTHON, path="a.py")
    analysis = Analysis(document, Config(), [CHECK])
    replacements = factory_programs.PYTHON_REPLACEMENTS
    for text, found in factory_programs.edited_runs(document, analysis, replacements, steps):
        assert found == fresh(text), text


def test_a_factory_returning_another_class_rechecks_its_callers():
    document = Document(factory_programs.PYTHON, path="a.py")
    analysis = Analysis(document, Config(), [CHECK])
    lines = factory_programs.PYTHON.splitlines()
    view = lines.index('    make().run(request.args["a"])')
    wrapped = lines.index('    wrapper(request.args["c"])')
    assert not {f.span.start_line for f in analysis.run()} & {view, wrapped}  # Quoted.run quotes
    changed = analysis.run([_replace(document, "return Quoted()", "return Shell()")])
    assert {view, wrapped} <= {f.span.start_line for f in changed if f.rule_id == "LG202"}
    assert changed == fresh(document.text)


INSTANCE_CALLS = """\
class Shell:
    def run(self, command):
        return command


def make():
    return Shell()


def direct(x):
    return make().run(x)


def kept(x):
    q = make()
    return q.run(x)


def managed(x):
    with make() as q:
        return (q).run(x)


def other_object(other, x):
    return other.run(x)


def method_result(x):
    r = x.strip()
    return r.run(x)
"""


def test_only_method_calls_on_what_a_plain_call_returned_key_the_file_s_methods_of_that_name():
    # ``other.run`` and ``r.run`` (``r`` from a method call) run no same-file summary: their units'
    # keys leave ``Shell.run`` out, so an edit of it does not recheck them (each key once summarised
    # every method named like any method call of the unit: most of a large class's methods).
    from landguard.languages.python import PythonFlow

    document = Document(INSTANCE_CALLS, path="a.py")
    flow = PythonFlow(document.tree.root_node, {})
    units = {
        unit.child_by_field_name("name").text.decode(): unit
        for unit in document.tree.root_node.named_children
    }
    keyed = {name: flow.unit_key(unit) for name, unit in units.items() if name not in ("Shell", "make")}
    shows_run = {name: "Shell.run" in repr(key) for name, key in keyed.items()}
    assert shows_run == {
        "direct": True,
        "kept": True,
        "managed": True,
        "other_object": False,
        "method_result": False,
    }
