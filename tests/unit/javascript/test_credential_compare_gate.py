"""LG321's per-file gate (its ``applies`` in a one-shot run: one pass over the file says which
units cannot hold a named comparison) hides no finding.

- On raw bytes: wherever the exact per-unit test (``_has_named_comparison``, whose search window
  is clipped to the unit's bounds) says yes for a range, the file's places meet that range —
  random texts made of the pattern's pieces, random ranges, every distance around the window.
- On the fixtures, the corpus and a real webpack tree: every unit the exact test passes, the
  gate passes; and the findings are the same with the gate as without it (an editor's run).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from landguard.checks.javascript import _support as js
from landguard.checks.javascript import hardcoded_credential_compare as lg321
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard.engine.registry import CheckContext
from landguard.languages import javascript as adapter
from landguard_testing import FIXTURES, WEBPACK_LIB, findings_for, javascript_files

CONFIG = Config(dependencies=DependencySettings(online=False))
FILES = javascript_files()
REAL = sorted(WEBPACK_LIB.glob("*.js"))[:60] if WEBPACK_LIB.is_dir() else []
COMPONENTS = sorted(FIXTURES.parent.parent.rglob("*.vue"))


def _meets(places, start: int, end: int) -> bool:
    if places is None:
        return False
    return any(low < end and start < high for low, high in zip(*places, strict=True))


def test_the_places_meet_every_range_the_exact_test_passes():
    pieces = [b"key", b"KEY", b"Pass", b"pwd", b"secreT", b"=", b"==", b"!=", b"!", b" ", b"a", b"_"]
    pieces += [b"'", b"]", b"."]
    pieces += [b" " * n for n in (10, 20, 40, 45)]
    rng = random.Random(321)
    checked = passed = 0
    for _ in range(3000):
        source = b"".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        places = lg321._places(source)
        for _ in range(8):
            start = rng.randint(0, len(source))
            end = rng.randint(start, len(source))
            checked += 1
            if lg321._has_named_comparison(source, start, end):
                passed += 1
                assert _meets(places, start, end), (source, start, end, places)
    assert passed > checked // 10  # the texts do compare names, often


@pytest.mark.parametrize("gap", range(40, 56))
def test_the_places_reach_as_far_as_the_window(gap: int):
    for text in (b"key" + b" " * gap + b"==", b"!=" + b" " * gap + b"Pwd", b"secret" + b"_" * gap + b"!=="):
        padded = b"x" * 70 + text + b"x" * 70
        expected = lg321._has_named_comparison(padded, 0, len(padded))
        assert _meets(lg321._places(padded), 0, len(padded)) or not expected
        # Clipped at the operator's side: the window can no longer reach the word.
        for start in range(60, 80):
            if lg321._has_named_comparison(padded, start, len(padded)):
                assert _meets(lg321._places(padded), start, len(padded))


@pytest.mark.parametrize("path", FILES + REAL + COMPONENTS, ids=lambda p: p.name)
def test_the_gate_passes_every_unit_the_exact_test_passes(path: Path):
    document = Document(path.read_text(encoding="utf-8"), path=str(path))
    context = CheckContext(CONFIG, one_shot=True)
    for unit in adapter.listed_units(document)[0]:
        if any(lg321._has_named_comparison(document.source, s, e) for s, e in js.unit_ranges(document, unit)):
            assert lg321.CHECK.applies(unit, document, context), (
                path.name,
                unit.start_point,
            )


def _report(path: Path) -> list[tuple]:
    findings = findings_for(path.read_text(encoding="utf-8"), str(path))
    return sorted((f.span.start_line, f.span.start_col, f.message) for f in findings if f.rule_id == "LG321")


@pytest.mark.parametrize("path", FILES + REAL + COMPONENTS, ids=lambda p: p.name)
def test_the_gate_drops_no_finding(path: Path, monkeypatch):
    gated = _report(path)
    monkeypatch.setattr(
        lg321.HardcodedCredentialCompare, "applies", lambda self, unit, document, context: True
    )
    assert _report(path) == gated


def test_the_fixture_reports_with_the_gate():
    # The gate is on in a one-shot run (``findings_for``): the fixture's comparisons are found.
    fixture = next(path for path in FILES if path.name == "LG321.js")
    assert len(_report(fixture)) == 4
