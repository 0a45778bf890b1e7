"""A run with nothing cached (a document's first run, a changed module key) checks every unit and
leaves the units' context keys, which only later runs look up, until the findings are out
(``Analysis._deferred_keys``): ``tidy``, or before the document's next edit or run at the latest,
on the tree the run checked. The runs after it reuse those findings exactly as if they had been
keyed when checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from landguard.engine.analyze import Analysis
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard_testing import record_checked_units, utf16_range

CONFIG = Config(dependencies=DependencySettings(online=False))
FIXTURES = Path(__file__).parents[1] / "fixtures"
# Python, JavaScript and Java fixtures whose units call same-file helpers (keys with summaries).
FILES = ["python/LG202.py", "javascript/LG303.js", "java/LG402.java"]


def _fresh(document: Document) -> list:
    return Analysis(Document(document.text, path=document.path), CONFIG, incremental=False).run()


def _append_comment(document: Document):
    last = len(document.lines) - 1
    return document.apply_change((last, 0, last, 0), _comment(document) + "\n")


def _comment(document: Document) -> str:
    return "# typed" if document.language == "python" else "// typed"


@pytest.mark.parametrize("name", FILES)
def test_the_first_run_asks_no_unit_key_and_tidy_asks_each_once(monkeypatch, name):
    path = FIXTURES / name
    document = Document(path.read_text(encoding="utf-8"), path=str(path))
    analysis = Analysis(document, CONFIG)
    keyed = record_checked_units(monkeypatch, method="unit_context_key")
    checked = record_checked_units(monkeypatch)
    found = analysis.run()
    assert keyed == [] and checked  # every unit checked, none keyed
    analysis.tidy()
    assert sorted(keyed) == sorted(checked)  # each unit keyed once, on the tree it was checked on
    keyed.clear()
    checked.clear()
    assert analysis.run() == found  # a second run of the same tree: everything reused
    assert checked == [] and keyed == []


@pytest.mark.parametrize("tidy", [True, False])
@pytest.mark.parametrize("name", FILES)
def test_an_edit_after_the_first_run_checks_the_edited_unit_only(monkeypatch, name, tidy):
    path = FIXTURES / name
    document = Document(path.read_text(encoding="utf-8"), path=str(path))
    analysis = Analysis(document, CONFIG)
    analysis.run()
    if tidy:
        analysis.tidy()
    keyed_before_edit = record_checked_units(monkeypatch, method="unit_context_key")
    change = _append_comment(document)
    # Without a tidy, the edit itself had the keys worked out first, on the tree before it.
    assert bool(keyed_before_edit) is not tidy
    checked = record_checked_units(monkeypatch)
    found = analysis.run([change])
    assert len(set(checked)) <= 1, checked  # the edited unit (a comment), nothing else
    assert found == _fresh(document)


def test_a_changed_module_key_defers_the_keys_again(monkeypatch):
    path = FIXTURES / "python/LG202.py"
    document = Document(path.read_text(encoding="utf-8"), path=str(path))
    analysis = Analysis(document, CONFIG)
    analysis.run()
    analysis.tidy()
    # An import at the top: the module key of the import-reading checks changes, every unit again.
    change = document.apply_change((0, 0, 0, 0), "import sqlite3\n")
    keyed = record_checked_units(monkeypatch, method="unit_context_key")
    assert analysis.run([change]) == _fresh(document)
    assert keyed == []
    checked = record_checked_units(monkeypatch)
    change = _append_comment(document)
    assert keyed  # worked out before the edit
    assert analysis.run([change]) == _fresh(document)
    assert len(set(checked)) <= 1, checked


def test_keys_of_a_tree_are_never_worked_out_on_another(monkeypatch):
    """An idle copy (same text, no tree yet) replaces the document: the keys are worked out on the
    old tree first; an edit afterwards checks the edited unit only."""
    path = FIXTURES / "python/LG202.py"
    document = Document(path.read_text(encoding="utf-8"), path=str(path))
    analysis = Analysis(document, CONFIG)
    found = analysis.run()
    keyed = record_checked_units(monkeypatch, method="unit_context_key")
    copy = document.idle_copy()
    analysis.replace_document(copy)
    assert keyed
    checked = record_checked_units(monkeypatch)
    assert analysis.run() == found
    assert checked == []
    start = copy.text.index("def ")
    change = copy.apply_change(utf16_range(copy.text, start, start), "\n")
    assert analysis.run([change]) == _fresh(copy)


@pytest.mark.parametrize("name", FILES)
def test_keys_are_not_worked_out_on_text_past_its_tree(monkeypatch, name):
    """An edit whose reparse waits (``defer_parse``) leaves the tree behind the text: keys left for
    then are not worked out (a key reads the unit's text through its nodes); the next run checks
    those units again and finds what a fresh analysis does."""
    path = FIXTURES / name
    document = Document(path.read_text(encoding="utf-8"), path=str(path))
    analysis = Analysis(document, CONFIG)
    analysis.run()
    document.before_change = None  # no completion just before the edit (what would key them first)
    last = len(document.lines) - 1
    change = document.apply_change((last, 0, last, 0), _comment(document) + "\n", defer_parse=True)
    keyed = record_checked_units(monkeypatch, method="unit_context_key")
    analysis.tidy()
    assert keyed == [] and document.parse_deferred
    assert analysis.run([change]) == _fresh(document)
