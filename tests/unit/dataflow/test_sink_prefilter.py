"""The whole-tree scan's shortcuts change no finding (issue #15).

- ``FileAnalysis.may_reach_sink``: a function it says cannot reach a sink has no sink hit of any
  kind and a summary without sinks, on every function of the fixture and corpus files and of real
  standard-library modules; ``may_carry(function, strength)``: no value in its facts has a label
  of that strength.
- ``PythonFlow._may_reach_sink_by_text`` (read from the units' words, no lowering): a unit it says
  cannot reach a sink has no function ``may_reach_sink`` says can.
- A one-shot analysis (``Analysis(..., incremental=False)``: ``landguard check``) with the sink
  prefilter finds exactly what the editor's incremental analysis (unit cache keys, every summary
  computed) finds with the prefilter switched off.
"""

from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest

from landguard.dataflow.interpret import FileAnalysis
from landguard.engine.analyze import Analysis, analysis_units
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard.engine.findings import finding_to_dict
from landguard.engine.registry import CheckContext
from landguard.languages.python import PythonFlow

TESTS = Path(__file__).resolve().parents[2]
CONFIG = Config(dependencies=DependencySettings(online=False))
_CODE = (".py", ".js", ".mjs", ".ts", ".tsx", ".jsx")
FIXTURES = sorted(
    path
    for folder in (
        TESTS / "unit" / "fixtures" / "python",
        TESTS / "unit" / "fixtures" / "javascript",
        TESTS / "corpus",
    )
    for path in folder.rglob("*")
    if path.suffix in _CODE and path.is_file()
)
# Real code with helpers, closures, subprocesses, files and randomness (always installed).
STDLIB = Path(sysconfig.get_paths()["stdlib"])
REAL = [
    STDLIB / name
    for name in ("subprocess.py", "shutil.py", "tempfile.py", "random.py", "webbrowser.py", "http/server.py")
]


def test_the_files_exist():
    assert len(FIXTURES) > 60
    assert all(path.is_file() for path in REAL)


def _file_analysis(document: Document) -> tuple[FileAnalysis, list, object]:
    """The analysis the rules use for ``document``, the functions to test it on, and what owns the
    analysis (a Python analysis calls back into its ``PythonFlow``, which it does not keep alive)."""
    context = CheckContext(CONFIG)
    root = document.tree.root_node
    if document.language == "python":
        from landguard.checks.python._support import python_dataflow

        flow = python_dataflow(root, context)
        functions = [f for unit in analysis_units(root) for f in flow.lower_unit(unit).functions]
        return flow.analysis, functions, flow
    from landguard.checks.javascript import _flow

    analysis = _flow.analysis(document, context)
    return analysis, list(analysis.functions), context


@pytest.mark.parametrize("path", FIXTURES + REAL, ids=lambda p: p.name)
def test_a_function_that_cannot_reach_a_sink_has_no_sink_hit(path: Path):
    document = Document(path.read_text(encoding="utf-8"), path=str(path))
    assert document.tree is not None
    analysis, functions, _owner = _file_analysis(document)
    kinds = {row.kind for row in analysis.models.sinks.rows}
    assert kinds and functions
    for function in functions:
        if analysis.may_reach_sink(function):
            continue
        facts = analysis.facts(function)
        assert not [hit for kind in kinds for hit in facts.sink_hits(kind, strengths=None)], function.name
        summary = analysis.summary(function)
        assert summary is None or not summary.sinks, function.name


def test_the_sink_shortcut_is_taken():
    # Else the test above proves nothing: most functions of real code reach no sink.
    ruled_out = total = 0
    for path in REAL:
        document = Document(path.read_text(encoding="utf-8"), path=str(path))
        analysis, functions, _owner = _file_analysis(document)
        total += len(functions)
        ruled_out += sum(not analysis.may_reach_sink(function) for function in functions)
    assert ruled_out > total // 3, (ruled_out, total)


def _labels(facts) -> set:
    values = list(facts.values.values()) + list(facts.returns)
    values += [store.value for store in facts.stores]
    for call in facts.calls:
        values += [*call.args, *call.keywords.values(), call.result]
        values += [call.receiver] if call.receiver is not None else []
    return {label for value in values for label in value.all_labels()}


@pytest.mark.parametrize("path", FIXTURES + REAL, ids=lambda p: p.name)
def test_a_function_that_cannot_carry_a_strength_has_no_label_of_it(path: Path):
    document = Document(path.read_text(encoding="utf-8"), path=str(path))
    analysis, functions, _owner = _file_analysis(document)
    strengths = {row.get("strength", "request") for row in analysis.models.sources.rows}
    assert strengths
    for function in functions:
        carried = {label.strength for label in _labels(analysis.facts(function))}
        for strength in strengths:
            if not analysis.may_carry(function, strength):
                assert strength not in carried, (function.name, strength)


def _findings(document: Document, *, incremental: bool) -> list[dict]:
    return [finding_to_dict(f) for f in Analysis(document, CONFIG, incremental=incremental).run()]


@pytest.mark.parametrize("path", FIXTURES + REAL, ids=lambda p: p.name)
def test_one_shot_analysis_with_the_prefilter_finds_what_the_editor_finds(path: Path, monkeypatch):
    text = path.read_text(encoding="utf-8")
    one_shot = _findings(Document(text, path=str(path)), incremental=False)
    with monkeypatch.context() as patched:
        patched.setattr(FileAnalysis, "may_reach_sink", lambda self, function: True)
        patched.setattr(FileAnalysis, "may_carry", lambda self, function, strength: True)
        patched.setattr(PythonFlow, "_may_reach_sink_by_text", lambda self, unit: True)
        everything = _findings(Document(text, path=str(path)), incremental=True)
    assert one_shot == everything


def _walk_everything(function) -> list:
    """Every IR item of ``function`` and of the functions nested in it, walked naively."""
    from landguard.dataflow import ir

    kinds = (ir.Expr, ir.Stmt, ir.Case)
    found, stack = [], list(function.body)
    while stack:
        item = stack.pop()
        found.append(item)
        if isinstance(item, (ir.FuncRef, ir.Define)):
            stack.extend(item.function.body)
        if isinstance(item, ir.Case):
            stack.extend(item.tests)
            stack.extend(item.body)
        elif isinstance(item, (ir.Expr, ir.Stmt)):
            for slot in item.__slots__:
                child = getattr(item, slot, None)
                children = child if isinstance(child, tuple) else (child,)
                for element in children:
                    inner = element if isinstance(element, tuple) else (element,)
                    stack.extend(e for e in inner if isinstance(e, kinds))
    return found


@pytest.mark.parametrize("path", FIXTURES + REAL, ids=lambda p: p.name)
def test_the_names_a_prefilter_reads_are_those_of_the_whole_function(path: Path):
    """The names ``may_reach_sink``/``may_carry`` read are collected per function and merged into
    the functions around it (each body walked once): the same as walking each function with all
    its nested functions."""
    from landguard.dataflow import interpret, ir

    document = Document(path.read_text(encoding="utf-8"), path=str(path))
    _, functions, _owner = _file_analysis(document)
    for function in functions:
        items = _walk_everything(function)
        calls = {(i.callee, i.method) for i in items if type(i) is ir.Call}
        callees = {
            i.callee or i.method for i in items if type(i) is ir.Call and (i.callee or i.receiver is None)
        }
        callees |= {i.name for i in items if type(i) is ir.Name}
        qualified = {
            (i.qualname, None) for i in items if type(i) in (ir.Name, ir.Attr) and i.qualname is not None
        }
        assert interpret._call_names(function) == calls, function.name
        assert interpret._callee_set(function) == callees, function.name
        assert interpret._source_names(function) == calls | qualified, function.name


def test_nested_functions_lend_their_names_to_the_functions_around_them():
    from landguard.dataflow import interpret

    source = "import os\ndef outer(a):\n    def inner(b):\n        return (lambda c: os.system(c))(b)\n    return inner(a)\n"
    document = Document(source, path="nested.py")
    _, functions, _owner = _file_analysis(document)
    outer = next(f for f in functions if f.name == "outer")
    assert ("os.system", "system") in interpret._call_names(outer)
    assert "inner" in interpret._callee_set(outer)


@pytest.mark.parametrize("path", [p for p in FIXTURES + REAL if p.suffix == ".py"], ids=lambda p: p.name)
def test_the_model_sink_prefilter_sees_the_callees_the_unit_keys_see(path: Path):
    """``PythonFlow.may_reach_sink`` takes a unit's callees from the run's call list: for every
    unit, the same callees as the names query the editor's unit keys are made of."""
    from landguard.checks.python._support import python_dataflow, unit_calls
    from landguard.languages.python import _callees_as_written

    document = Document(path.read_text(encoding="utf-8"), path=str(path))
    context = CheckContext(CONFIG)
    root = document.tree.root_node
    flow = python_dataflow(root, context)
    units = analysis_units(root)
    assert units
    for unit in units:
        assert _callees_as_written(unit_calls(unit, context)) == flow.unit_names(unit)[0]


def test_a_one_shot_run_queries_no_callees_for_the_model_sink_prefilter(monkeypatch):
    """The whole-tree path (issue #15): the prefilter reuses the calls the rules' dispatch lists
    (one query per file after the first units) instead of a callee query per unit."""
    from landguard.languages import python as adapter

    queried: list[str] = []
    real = adapter.captures

    def counting(language, source, node):
        queried.append(source)
        return real(language, source, node)

    monkeypatch.setattr(adapter, "captures", counting)
    path = STDLIB / "subprocess.py"
    document = Document(path.read_text(encoding="utf-8"), path=str(path))
    Analysis(document, CONFIG, incremental=False).run()
    assert queried == []


# ``_pydecimal``: a factory's result (``ans = _dec_from_triple(...); ans._fix(context)``) may run
# most of class ``Decimal``'s methods, none of which names a sink.
_FACTORY_HEAVY = STDLIB / "_pydecimal.py"


@pytest.mark.parametrize(
    "path", [p for p in FIXTURES + REAL if p.suffix == ".py"] + [_FACTORY_HEAVY], ids=lambda p: p.name
)
def test_a_unit_whose_words_name_no_sink_has_no_function_that_can_reach_one(path: Path):
    from landguard.checks.python._support import python_dataflow

    document = Document(path.read_text(encoding="utf-8"), path=str(path))
    flow = python_dataflow(document.tree.root_node, CheckContext(CONFIG))
    for unit in analysis_units(document.tree.root_node):
        if flow._may_reach_sink_by_text(unit):
            continue
        for function in flow.lower_unit(unit).functions:
            assert not flow.analysis.may_reach_sink(function), (path.name, function.name)


def test_the_words_shortcut_is_taken_on_a_factory_heavy_file():
    # Else the test above proves nothing.
    from landguard.checks.python._support import python_dataflow

    document = Document(_FACTORY_HEAVY.read_text(encoding="utf-8"), path=str(_FACTORY_HEAVY))
    flow = python_dataflow(document.tree.root_node, CheckContext(CONFIG))
    units = list(analysis_units(document.tree.root_node))
    ruled_out = sum(not flow._may_reach_sink_by_text(unit) for unit in units)
    assert ruled_out > len(units) // 2, (ruled_out, len(units))


_FACTORY = """\
import os


def make(n):
    return Box(n)


class Box:
    def grow(self, n):
        return self.shrink(n)

    def shrink(self, n):
        return n

    def run(self, command):
        {run}


class Other:
    def grow(self, n):
        return n


def use(x):
    box = make(x)
    return box.grow(x)
"""


def _prefilter(source: str) -> tuple[bool, set[str]]:
    """``PythonFlow.may_reach_sink`` on ``use``'s unit, and the keys of the functions it lowered."""
    from landguard.checks.python._support import python_dataflow, unit_calls

    document = Document(source, path="factory.py")
    context = CheckContext(CONFIG)
    flow = python_dataflow(document.tree.root_node, context)
    use = flow.definitions["use"]
    reaches = flow.may_reach_sink(use, unit_calls(use, context))
    lowered = {key for key, unit in flow.definitions.items() if unit.id in flow._units and "self." not in key}
    return reaches, {key for key in lowered if not key.startswith("cls.")}


def test_the_sink_prefilter_lowers_no_method_a_factory_result_may_run_when_no_word_names_a_sink():
    # ``box.grow`` may run ``Box.grow`` or ``Other.grow`` (and ``Box.shrink`` through it): none
    # can reach a sink, which the units' words tell without lowering them (the old code lowered
    # all three to find out).
    reaches, lowered = _prefilter(_FACTORY.format(run="return command"))
    assert not reaches
    assert lowered == set()


def test_the_sink_prefilter_still_follows_a_factory_result_to_a_sink():
    # ``run`` reaches a sink, but no ``grow`` reaches ``run``.
    reaches, _ = _prefilter(_FACTORY.format(run="return self.grow(os.system(command))"))
    assert not reaches
    # ``Other.grow`` reaches one: lowered, with what ``Box.grow`` reaches.
    other_runs = _FACTORY.format(run="return command").replace("return n\n\n\n", "return os.system(n)\n\n\n")
    reaches, lowered = _prefilter(other_runs)
    assert reaches
    assert {"Box.grow", "Other.grow"} <= lowered
