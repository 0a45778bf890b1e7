"""The JavaScript lowering records each function's calls as it makes them
(``shapes.function_calls``, read by the taint rules' relevance test instead of a walk of every
body). The record holds every call of the body, each once (the IR may share a call between two
places: ``x ??= f()``), in every function of the fixtures, the corpus and a real webpack tree,
and after an edit's relowering; beyond those only calls made for operands the IR drops
(``~s.indexOf(x)``), which no test of the record may miss (it is a superset)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from landguard.dataflow import shapes
from landguard.engine.document import Document
from landguard.languages import javascript as adapter
from landguard_testing import WEBPACK_LIB, javascript_files

FILES = javascript_files()
REAL = sorted(WEBPACK_LIB.rglob("*.js"))[::4] if WEBPACK_LIB.is_dir() else []


def _recorded_and_walked(document: Document) -> list[tuple[Counter, set[int]]]:
    pairs = []
    for function in adapter.file_functions(document):
        assert shapes.CALLS in function.extra, function.name
        recorded = Counter(map(id, function.extra[shapes.CALLS]))
        pairs.append((recorded, set(map(id, shapes.calls_in(function.body)))))
    return pairs


def _assert_superset(document: Document) -> int:
    pairs = _recorded_and_walked(document)
    for recorded, walked in pairs:
        assert set(recorded.values()) <= {1}, document.path  # each call once
        assert walked <= recorded.keys(), document.path
    return sum(len(walked) for _, walked in pairs)


def test_the_files_exist():
    assert len(FILES) > 30


@pytest.mark.parametrize("path", FILES + REAL, ids=lambda p: p.name)
def test_the_record_holds_the_body_s_calls(path: Path):
    _assert_superset(Document(path.read_text(encoding="utf-8"), path=str(path)))


def test_the_fixtures_have_calls_to_record():
    assert sum(_assert_superset(Document(p.read_text(encoding="utf-8"), path=str(p))) for p in FILES) > 500


def test_beyond_the_body_s_calls_only_those_of_dropped_operands():
    source = "function f(s, a) {\n  const n = ~s.indexOf('/');\n  return g(a) | h(a);\n}\n"
    [(recorded, walked)] = [
        pair for pair in _recorded_and_walked(Document(source, path="drop.js")) if pair[0]
    ]
    assert len(recorded) == 3 and not walked  # the IR keeps none of the three: numbers
    plain = "function f(s, a) {\n  const n = s.indexOf('/');\n  return g(a) + h(a);\n}\n"
    [(recorded, walked)] = [pair for pair in _recorded_and_walked(Document(plain, path="keep.js")) if pair[0]]
    assert recorded.keys() == walked and len(walked) == 3


def test_an_edit_s_relowering_records_its_calls_too():
    document = Document("function f(a) { return g(a); }\nfunction h(b) { return k(b); }\n", path="edit.js")
    _assert_superset(document)
    document.apply_change(
        (0, 0, 0, len("function f(a) { return g(a); }")), "function f(a) { return m(n(a)); }"
    )
    assert _assert_superset(document) == 3
