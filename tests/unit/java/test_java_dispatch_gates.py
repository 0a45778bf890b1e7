"""The Java dispatch's shortcuts change no finding (issue #9, whole-tree throughput).

- ``JavaCheck.file_needles`` / ``JavaFrontend.check_unit``: a rule left out for a file, or a unit
  it says no to, is one the plain prefilter (every unit needle, searched in the unit) says no to.
- ``FileAnalysis.may_reach_sink(function, kind)``: a function it says cannot reach a sink of
  ``kind`` has no sink hit of that kind and no summary sink of it (``_helpers_with`` skips it);
  ``may_carry`` for ``_random_helpers`` is ``test_sink_prefilter``'s.
- A one-shot analysis (``landguard check``: no unit keys, no summary digest) finds exactly what
  the editor's incremental analysis finds with every shortcut switched off.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from landguard.checks.code_rule import Frontend, occurs_in
from landguard.checks.java import _support
from landguard.dataflow.interpret import FileAnalysis
from landguard.engine.analyze import Analysis, analysis_units
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard.engine.findings import finding_to_dict
from landguard.engine.registry import CheckContext, all_checks
from landguard.languages import java as java_adapter

TESTS = Path(__file__).resolve().parents[2]
CONFIG = Config(dependencies=DependencySettings(online=False))
FILES = sorted((TESTS / "unit" / "fixtures" / "java").rglob("*.java")) + sorted(
    (TESTS / "corpus" / "java").rglob("*.java")
)

# A unit that names no sink itself, calling a helper that reaches one through another helper:
# only the helper needles (``name(`` of a function whose summary has the sink) let it through.
HELPER_CHAIN = """\
import java.io.File;
import javax.servlet.http.HttpServletRequest;

class Chain {
    void handle(HttpServletRequest request) {
        open(request.getParameter("name"));
    }

    void open(String name) {
        touch("/srv/" + name);
    }

    void touch(String where) {
        new File(where).delete();
    }
}
"""


def test_the_files_exist():
    assert len(FILES) > 30


def _java_rules() -> list[_support.JavaCheck]:
    return [
        rule
        for check in all_checks()
        for rule in getattr(check, "code_rules", ())
        if isinstance(rule, _support.JavaCheck)
    ]


def _plain_applies(rule: _support.JavaCheck, unit, document: Document, context: CheckContext) -> bool:
    """The prefilter as it was before the file's needles were sorted out: every unit needle."""
    needles = rule.unit_needles(document, context)
    if needles and not occurs_in(document.source, unit, needles):
        return False
    return not rule.also_needles or occurs_in(document.source, unit, rule.also_needles)


@pytest.mark.parametrize("text", [HELPER_CHAIN], ids=["helper-chain"])
def test_a_unit_reaching_a_sink_through_helpers_only_is_checked(text: str):
    document = Document(text, path="Chain.java")
    context = CheckContext(CONFIG)
    path_rule = next(rule for rule in _java_rules() if rule.kind == "path")
    handle = next(unit for unit in analysis_units(document.tree.root_node) if b"handle(" in unit.text)
    assert not occurs_in(document.source, handle, path_rule.needles)
    assert path_rule.applies(handle, document, context)
    findings = [f for f in Analysis(document, CONFIG, incremental=False).run() if f.rule_id == "LG408"]
    assert [f.span.start_line for f in findings] == [5]  # open(...) in handle(), 0-based


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_file_needles_say_no_only_where_the_plain_prefilter_does(path: Path):
    document = Document(path.read_text(encoding="utf-8"), path=str(path))
    context = CheckContext(CONFIG)
    rules = _java_rules()
    assert len(rules) > 15
    units = list(analysis_units(document.tree.root_node))
    passed = 0
    for rule in rules:
        live = rule.file_needles(document, context) is not None
        for unit in units:
            expected = _plain_applies(rule, unit, document, context)
            assert rule.applies(unit, document, context) == expected, (rule.rule.id, unit.start_point)
            assert live or not expected, (rule.rule.id, unit.start_point)
            passed += expected
    assert passed


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_function_that_cannot_reach_a_sink_of_a_kind_has_none_of_it(path: Path):
    document = Document(path.read_text(encoding="utf-8"), path=str(path))
    analysis = _support.file_analysis(document, CheckContext(CONFIG))
    kinds = {row.kind for row in analysis.models.sinks.rows}
    functions = [
        f
        for unit in java_adapter.units(document.tree.root_node)
        for f in java_adapter.lower_unit(unit, document)
    ]
    functions += analysis.functions
    assert functions
    for function in functions:
        for kind in kinds:
            if analysis.may_reach_sink(function, kind):
                continue
            assert not analysis.facts(function).sink_hits(kind, strengths=None), (function.name, kind)
            summary = analysis.summary(function)
            assert summary is None or all(sink.kind != kind for sink in summary.sinks), (function.name, kind)


def test_the_kind_shortcut_is_taken():
    # Else the test above proves nothing: a function names the sinks of few kinds.
    ruled_out = asked = 0
    for path in FILES:
        document = Document(path.read_text(encoding="utf-8"), path=str(path))
        analysis = _support.file_analysis(document, CheckContext(CONFIG))
        kinds = {row.kind for row in analysis.models.sinks.rows}
        for function in analysis.functions:
            asked += len(kinds)
            ruled_out += sum(not analysis.may_reach_sink(function, kind) for kind in kinds)
    assert ruled_out > asked // 2, (ruled_out, asked)


def _findings(document: Document, *, incremental: bool) -> list[dict]:
    return [finding_to_dict(f) for f in Analysis(document, CONFIG, incremental=incremental).run()]


@pytest.mark.parametrize("path", [*FILES, None], ids=lambda p: p.name if p else "helper-chain")
def test_one_shot_analysis_with_the_shortcuts_finds_what_the_editor_finds_without(
    path: Path | None, monkeypatch
):
    text = path.read_text(encoding="utf-8") if path else HELPER_CHAIN
    name = str(path) if path else "Chain.java"
    one_shot = _findings(Document(text, path=name), incremental=False)
    with monkeypatch.context() as patched:
        patched.setattr(FileAnalysis, "may_reach_sink", lambda self, function, kind=None: True)
        patched.setattr(FileAnalysis, "may_carry", lambda self, function, strength: True)
        patched.setattr(_support.JavaFrontend, "check_unit", Frontend.check_unit)
        patched.setattr(_support.JavaCheck, "applies", _plain_applies)
        everything = _findings(Document(text, path=name), incremental=True)
    assert one_shot == everything
    if path is None:
        assert any(f["rule"] == "LG408" for f in one_shot), one_shot


@pytest.mark.parametrize("incremental", [False, True])
def test_the_shortcuts_are_taken_in_a_one_shot_run_only(incremental: bool, monkeypatch):
    # The engine says which run is which (``CheckContext.one_shot``): an editor's run taking the
    # one-shot shortcuts doubled ArrayList's per-edit CPU (5 -> 10 ms), and no finding shows it.
    asked: set[bool] = set()
    original = _support.one_shot

    def recording(context: CheckContext) -> bool:
        asked.add(original(context))
        return original(context)

    monkeypatch.setattr(_support, "one_shot", recording)
    _findings(Document(HELPER_CHAIN, path="Chain.java"), incremental=incremental)
    assert asked == {not incremental}
