"""An analysis stopped part-way (the editor sent a newer version) and pastes that move a file's
imports: the next incremental run still equals a scan from scratch (issue #15's paste and burst path)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_analyze import CHECKS, START, fresh, pieces

from landguard.engine.analyze import Analysis, AnalysisCancelled
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard_testing import fresh_document, record_checked_units, utf16_range

FIXTURES = Path(__file__).parents[1] / "fixtures"
CONFIG = Config(dependencies=DependencySettings(online=False))


def stopping_after(asked: int):
    """A ``stop`` that says yes from its ``asked``-th question on."""
    counter = itertools.count()
    return lambda: next(counter) >= asked


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), pieces, st.integers(0, 14)), min_size=1, max_size=12)
)
# Found by hypothesis in CI: a stopped run did not put back the lines its edits added since the
# last unit listing (``_lines_since_units``), so the next run moved the kept units by them twice.
@example(steps=[(0.0, 0.25, "", 0)])
def test_a_stopped_run_leaves_the_next_run_equal_to_a_scan_from_scratch(steps):
    document = Document(START, path="a.py")
    analysis = Analysis(document, Config(), CHECKS)
    analysis.run()
    text = document.text
    carried = []  # line changes of the stopped runs, given to the next one (as the server does)
    for a, b, new, asked in steps:
        start, end = sorted((int(a * len(text)), int(b * len(text))))
        carried.append(document.apply_change(utf16_range(text, start, end), new))
        text = text[:start] + new + text[end:]
        try:
            found = analysis.run(carried, stop=stopping_after(asked))
        except AnalysisCancelled:
            continue
        carried = []
        assert found == fresh(text)
    assert analysis.run(carried) == fresh(text)


def test_a_run_is_stopped_between_units_not_only_between_checks():
    document = Document(START, path="a.py")
    analysis = Analysis(document, Config(), CHECKS)
    analysis.run()
    asked = []

    def stop():
        asked.append(1)
        return False

    analysis.run([document.apply_change((0, 0, 0, 0), "x = 1\n")], stop=stop)
    # One question before each check and after the last, plus one per unit checked by a node check.
    assert len(asked) > len(CHECKS) + 1


def _paste_steps(lines: list[str], draws: list[tuple[float, float, int, int]]):
    for at, source, size, asked in draws:
        n = int(at * (len(lines) - 1))
        s = int(source * (len(lines) - 1))
        yield n, "\n".join(lines[s : s + size]) + "\n", asked


REAL_FILES = ["python/LG202.py", "javascript/LG304.js", "java/LG403.java"]


@pytest.mark.parametrize("name", REAL_FILES)
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    draws=st.lists(
        st.tuples(st.floats(0, 1), st.floats(0, 1), st.sampled_from([1, 3, 10]), st.integers(0, 40)),
        min_size=1,
        max_size=4,
    )
)
def test_real_rules_stopped_mid_paste_equal_a_fresh_scan(name, draws):
    """Pastes of the file's own lines at a line start (as ``bench/edit_curve.py`` does), each run
    stopped after a drawn number of check points, then removed again."""
    path = FIXTURES / name
    text = path.read_text(encoding="utf-8")
    document = Document(text, path=str(path))
    analysis = Analysis(document, CONFIG)
    analysis.run()
    lines = text.split("\n")
    carried = []
    for n, block, asked in _paste_steps(lines, draws):
        for edit in ((n, 0, n, 0), None):
            if edit is None:  # undo the paste
                edit, block = (n, 0, n + block.count("\n"), 0), ""
            carried.append(document.apply_change(edit, block))
            try:
                found = analysis.run(carried, stop=stopping_after(asked))
            except AnalysisCancelled:
                continue
            carried = []
            assert found == _fresh(document)
    assert analysis.run(carried) == _fresh(document)


def _fresh(document: Document):
    return Analysis(fresh_document(document), CONFIG, incremental=False).run()


def test_a_paste_above_java_imports_rechecks_only_the_pasted_lines(monkeypatch):
    """Where a new import goes is not part of a Java unit's context: findings whose fixes add an
    import are never cached, so moving the import line (a paste at the top of the file) keeps every
    other unit's results, and the fixes still insert at the new import line."""
    path = FIXTURES / "java/LG401.java"
    text = path.read_text(encoding="utf-8")
    document = Document(text, path=str(path))
    analysis = Analysis(document, CONFIG)
    analysis.run()
    checked = record_checked_units(monkeypatch)
    change = document.apply_change((0, 0, 0, 0), "// Copyright the authors.\n\n")
    found = analysis.run([change])
    monkeypatch.undo()
    assert found == _fresh(document)
    fixes_with_imports = [
        edit
        for f in found
        for fix in f.fixes
        for edit in fix.edits
        if "import java.sql.PreparedStatement" in edit.new_text
    ]
    assert fixes_with_imports, "the fixture's LG401 fixes add an import"
    last_import = max(n for n, line in enumerate(document.lines) if line.startswith("import "))
    assert {edit.span.start_line for edit in fixes_with_imports} == {last_import}
    # The units whose findings carry an import edit are rechecked every run; no others.
    with_import_edits = {
        f.span.start_line for f in found if any("import " in e.new_text for fix in f.fixes for e in fix.edits)
    }
    assert len(set(checked)) <= len(with_import_edits) + 1, (checked, with_import_edits)


class _Server:
    """What ``Scheduler._analyse`` asks of the server."""

    def __init__(self) -> None:
        from landguard.lsp.settings import Settings

        self.settings = Settings()
        self.settings.set_editor_settings({"dependencies": {"online": False}})

    def supports_code_action_resolve(self) -> bool:
        return True


def test_the_scheduler_stops_a_stale_analysis_and_carries_its_changes(tmp_path):
    from lsprotocol import types

    from landguard.lsp.documents import OpenDocument, PendingChange
    from landguard.lsp.scheduler import Scheduler

    source = (FIXTURES / "python/LG202.py").read_text(encoding="utf-8")
    path = tmp_path / "app.py"
    scheduler = Scheduler(server=_Server(), debounce=0)  # type: ignore[arg-type]
    doc = OpenDocument(uri=path.as_uri(), path=str(path), language_id="python")

    def edit(version: int, line: int, text: str) -> None:
        position = types.Position(line, 0)
        change = types.TextDocumentContentChangePartial(range=types.Range(position, position), text=text)
        doc.version = version
        doc.queue(PendingChange(version, [change]))

    try:
        doc.version = 1
        doc.queue(PendingChange(1, [], open_text=source))
        assert scheduler._analyse(doc).version == 1
        edit(2, 7, "def view():\n    os.system(request.args['q'])\n\n\n")
        doc.version = 3  # the client has sent version 3; the worker took version 2 only
        assert scheduler._analyse(doc) is None  # stopped: nobody will see version 2
        assert doc.carried_changes and doc.analysed_version is None
        edit(3, 0, "\n")
        result = scheduler._analyse(doc)
        assert result.version == 3 and not doc.carried_changes
        text = doc.document.text
        expected = Analysis(Document(text, path=str(path)), CONFIG, incremental=False).run()
        assert sorted((d.range.start.line, str(d.code)) for d in result.diagnostics) == sorted(
            (f.span.start_line, f.rule_id) for f in expected
        )
        pasted = text.split("\n").index("    os.system(request.args['q'])")
        assert any(f.rule_id == "LG202" and f.span.start_line == pasted for f in expected)
    finally:
        scheduler.shutdown()


@pytest.mark.parametrize("asked", [0, 1, 3, 6, 20])
def test_a_run_stopped_after_the_script_changed_grammar_resumes_with_the_new_checks(asked):
    """A Vue component whose ``lang="ts"`` is removed starts over (``set_config``); a stop in that
    run puts back the state as it was after starting over, not the one from before it."""
    from test_sfc import COMPONENT

    from landguard.engine.analyze import analyze_text

    config = Config(dependencies=DependencySettings(online=False), test_paths=())
    document = Document(COMPONENT, path="C.vue")
    analysis = Analysis(document, config)
    analysis.run()
    start = COMPONENT.index(' lang="ts"')
    changes = [document.apply_change(utf16_range(COMPONENT, start, start + len(' lang="ts"')), "")]
    assert document.language == "javascript"
    try:
        analysis.run(changes, stop=stopping_after(asked))
    except AnalysisCancelled:
        pass
    else:
        changes = []
    line = document.text.count("\n", 0, document.text.index("<script setup"))
    changes.append(document.apply_change((line + 1, 0, line + 1, 0), "el.innerHTML = q;\n"))
    found = analysis.run(changes)
    expected = analyze_text(document.text, config, path="C.vue")
    assert sorted(map(repr, found)) == sorted(map(repr, expected))


# Two top-level functions of one kind and length: a unit found at the wrong place would take the
# other's cache key, and with it the other's findings.
_SYSTEM = "def a():\n    os.system(request.args['q'])\n"
_GETPID = "def b():\n    os.getpid(request.args['q'])\n"


@pytest.mark.parametrize("asked", range(0, 40, 3))
def test_a_run_stopped_after_listing_its_units_leaves_no_unit_with_another_units_key(asked):
    """The run lists the units of its text (keeping them for the next run, found by the source
    edits since) and is then stopped: the next run is given the stopped run's edits again, so the
    kept units must be those from before them, or a unit lands on its neighbour's place."""
    assert len(_SYSTEM) == len(_GETPID)
    text = "import os\nfrom flask import request\n\n" + (_SYSTEM + _GETPID) * 3
    document = Document(text, path="a.py")
    analysis = Analysis(document, CONFIG)
    analysis.run()
    # A line of one unit's length above them, twice: each unit moves by exactly one neighbour.
    line = "#" * (len(_SYSTEM) - 1) + "\n"
    carried = [document.apply_change((3, 0, 3, 0), line)]
    try:
        analysis.run(carried, stop=stopping_after(asked))
        carried = []
    except AnalysisCancelled:
        pass
    carried.append(document.apply_change((3, 0, 3, 0), line))
    found = analysis.run(carried)
    assert sorted(map(repr, found)) == sorted(map(repr, _fresh(document)))
    assert [f.span.start_line for f in found if f.rule_id == "LG202"] == [6, 10, 14]


def test_a_stopped_run_keeps_the_unit_contexts_it_did_not_reach(monkeypatch):
    """A unit's context key (the summaries it calls) is reused while the summaries stay the same; a
    run stopped part-way keeps those of the units it had not reached, so the run that follows works
    out only the edited unit's, not every unit's again."""
    path = FIXTURES / "python/LG202.py"
    text = path.read_text(encoding="utf-8")
    document = Document(text, path=str(path))
    analysis = Analysis(document, CONFIG)
    analysis.run()
    analysis.tidy()  # the first run's keys (``Analysis._deferred_keys``), as the server does after it
    asked_for = record_checked_units(monkeypatch, method="unit_context_key")
    last = len(document.lines) - 2
    carried = [document.apply_change((last, 0, last, 0), "# typed\n")]
    stopped = 0
    for asked in range(1, 200):
        try:
            analysis.run(carried, stop=stopping_after(asked))
            break
        except AnalysisCancelled:
            stopped += 1
    assert stopped > 5, "the runs were stopped inside the node check"
    # Every stopped run and the one that finished asked only for the edited unit's context.
    assert len(set(asked_for)) <= 1, asked_for
    assert analysis.run([]) == _fresh(document)
