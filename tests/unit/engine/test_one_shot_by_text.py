"""A run with no other (``Analysis(incremental=False)``, ``landguard check``) runs the node checks
keyed by unit text (dependencies, LG226, LG230) without the cache's bookkeeping
(``Analysis._run_node_check_by_text_once``); its findings must be the incremental run's: the first
unit of each text checked, its findings placed at every unit of that text, findings that depend on
text outside their unit taken from each unit itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from landguard.engine import analyze
from landguard.engine.analyze import Analysis
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard_testing import FIXTURES

CONFIG = Config(dependencies=DependencySettings(online=False))
_CORPUS = Path(__file__).parents[2] / "corpus"
_SUFFIXES = (".py", ".js", ".jsx", ".ts", ".tsx")


def _files() -> list[Path]:
    return sorted(
        path
        for folder in (FIXTURES / "deps", FIXTURES / "python", FIXTURES / "javascript", _CORPUS)
        for path in folder.rglob("*")
        if path.suffix in _SUFFIXES and path.is_file()
    )


def _both(text: str, path: str) -> tuple[list, list]:
    incremental = Analysis(Document(text, path=path), CONFIG).run()
    once = Analysis(Document(text, path=path), CONFIG, incremental=False).run()
    return incremental, once


def test_fixtures_and_corpus_have_the_same_findings_in_one_shot_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    once_calls = []
    original = Analysis._run_node_check_by_text_once

    def counted(self, check, context, by_text):
        found = original(self, check, context, by_text)
        once_calls.append(len(found))
        return found

    monkeypatch.setattr(Analysis, "_run_node_check_by_text_once", counted)
    files = _files()
    assert len(files) > 50
    for path in files:
        incremental, once = _both(path.read_text(encoding="utf-8"), str(path))
        assert once == incremental, path
    assert sum(once_calls), "no by-text check found anything: the comparison shows nothing"


# The same import in three units, an undeclared and a misspelt package (LG502/LG504), debug mode
# twice (LG226): findings of one text placed at each of its units.
_REPEATED = """\
import reqeusts


def a():
    import reqeusts
    import notdeclaredpkg


def b():
    import reqeusts
    import notdeclaredpkg


app.run(debug=True)
app.run(debug=True)
"""


def test_findings_of_repeated_unit_texts_are_placed_at_each(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    (tmp_path / "requirements.txt").write_text("flask\n", encoding="utf-8")
    incremental, once = _both(_REPEATED, str(path))
    assert once == incremental
    lines = {(f.rule_id, f.span.start_line) for f in once}
    assert {("LG226", 13), ("LG226", 14)} <= lines
    repeated = analyze._UnitsByText(Analysis(Document(_REPEATED, path=str(path)), CONFIG)._units())
    assert repeated.others, "no two units share a text: the case shows nothing"
