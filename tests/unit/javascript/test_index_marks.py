"""The pattern rules' unit index (``_support.unit_index``) is made from what the lowering met
(``javascript.IndexMarks``) plus the index's query over the subtrees the lowering left alone,
instead of the query over the whole unit: the same nodes in the same buckets, in the same order,
for every unit of the fixtures, the corpus, a real webpack tree and a file of every shape the
lowering does not descend into (each shape's node is found only by the query over it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from landguard.checks.javascript import _support as js
from landguard.engine.config import Config
from landguard.engine.document import Document
from landguard.engine.registry import CheckContext
from landguard.languages import javascript as adapter
from landguard_testing import WEBPACK_LIB, javascript_files

FILES = javascript_files()
REAL = sorted(WEBPACK_LIB.rglob("*.js"))[1::4] if WEBPACK_LIB.is_dir() else []

# Every place the lowering reads a node without lowering what is inside it, each holding
# something the index looks for (a `get(...)`/`exec(...)` call, an `innerHTML` store, a keyed
# pair, a `for ... in`, a subscript store).
UNLOWERED = """\
class A extends mixin(exec(x)) {
  field = exec(a);
  static { exec(b); }
  [exec(c)]() { return 1; }
  m() { return /* why */ exec(d); }
}
function f(req) {
  const n = exec(req.q).length;
  const K = class { x = exec(e); };
  const p = new (make(exec(g)))();
  const o = { ["k" + exec(h)]: 1, 'reject\\u0055nauthorized': false, "rejectUnauthorized": true };
  (/* c */ exec(i));
  el[exec(j)] = 1;
  el.innerHTML += exec(k);
  for (const key in exec(l)) { o[key] = exec(m); }
  with (o) { exec(n); }
  require(exec(q))(r);
  s.replace(/[.*+?^${}()|[\\]\\\\]/g, '\\\\$&');
  throw /* t */ exec(t);
}
"""
UNLOWERED_TS = """\
@Component({ rejectUnauthorized: false, shell: exec(a) })
export class C {
  constructor(@Inject(exec(b)) private readonly x: X) {}
  @Input() set value(v: string) { el.innerHTML = v; }
  y = exec(c) as string;
}
enum E { A = exec(d) }
namespace N { exec(e); }
const v = (exec(f) as any).get(g)!;
"""
UNLOWERED_JSX = """\
function View(props) {
  return <div title=<b onClick={() => exec(a)} /> dangerouslySetInnerHTML={{ __html: props.h }}>
    {/* note */ exec(b)}
  </div>;
}
"""


def _canonical(index: js.UnitIndex) -> tuple:
    def spans(nodes):
        return [(node.start_byte, node.end_byte, node.type) for node in nodes]

    return (
        [(name, spans(nodes)) for name, nodes in index.calls.items()],
        [(name, spans(nodes)) for name, nodes in index.news.items()],
        [(name, spans(nodes)) for name, nodes in index.assignments.items()],
        [(name, spans(nodes)) for name, nodes in index.pairs.items()],
        spans(index.subscript_assignments),
        spans(index.for_in_loops),
        spans(index.jsx_html),
    )


def _aliases(document: Document) -> frozenset[str]:
    names = adapter.module_names(document)
    return frozenset(
        local
        for local, qualified in names.imports.items()
        if qualified not in names.modules
        and qualified.rsplit(".", 1)[-1] in js._CALL_NAME_SET
        and local not in js._CALL_NAME_SET
    )


def _marks(document: Document) -> list[tuple[object, adapter.IndexMarks]]:
    """Each unit with the marks of its lowering (taken: the lowering hands them over once)."""
    found = []
    for unit in adapter.listed_units(document)[0]:
        adapter.lower_unit(unit, document)
        marks = adapter.take_index_marks(document, unit)
        assert marks is not None
        assert adapter.take_index_marks(document, unit) is None
        found.append((unit, marks))
    return found


def _compare(document: Document) -> int:
    """Asserts both indexes equal for every unit; the number of entries they hold."""
    aliases = _aliases(document)
    entries = 0
    for unit, marks in _marks(document):
        assert _canonical(js._index_of_marks(marks, unit, document, aliases)) == _canonical(
            js._queried_index(unit, document, aliases)
        ), (
            document.path,
            unit.start_point,
        )
        entries += _entries(js._queried_index(unit, document, aliases))
    return entries


def test_the_files_exist():
    assert len(FILES) > 30


@pytest.mark.parametrize("path", FILES + REAL, ids=lambda p: p.name)
def test_the_marks_give_the_query_s_index(path: Path):
    _compare(Document(path.read_text(encoding="utf-8"), path=str(path)))


def _found_only_by_the_query(document: Document) -> int:
    """The entries the index would lose without the query over the subtrees left alone."""
    lost = 0
    for unit, marks in _marks(document):
        whole = _entries(js._index_of_marks(marks, unit, document, frozenset()))
        kept, marks.unlowered = marks.unlowered, []
        lost += whole - _entries(js._index_of_marks(marks, unit, document, frozenset()))
        marks.unlowered = kept
    return lost


def _entries(index: js.UnitIndex) -> int:
    canonical = _canonical(index)
    return sum(len(nodes) for bucket in canonical[:4] for _name, nodes in bucket) + sum(
        len(bucket) for bucket in canonical[4:]
    )


@pytest.mark.parametrize(
    ("source", "name", "entries", "queried"),
    [(UNLOWERED, "shapes.js", 21, 9), (UNLOWERED_TS, "shapes.ts", 7, 2), (UNLOWERED_JSX, "shapes.jsx", 4, 2)],
)
def test_what_the_lowering_leaves_alone_is_queried(source: str, name: str, entries: int, queried: int):
    assert _compare(Document(source, path=name)) == entries
    assert _found_only_by_the_query(Document(source, path=name)) == queried


def test_a_split_unit_s_parts_keep_their_entries():
    # A wrapper of SPLIT_LINES lines: its statements are units of their own (holes of the wrapper).
    body = "".join(f"  function h{i}(x) {{ return exec(x); }}\n" for i in range(adapter.SPLIT_LINES))
    document = Document(f"(function () {{\n  exec(a);\n{body}}})();\n", path="bundle.js")
    assert _compare(document) == adapter.SPLIT_LINES + 1


def test_a_lowering_from_an_earlier_tree_is_not_read():
    document = Document("function f(a) { return exec(a); }\nfunction g(b) { return b; }\n", path="edit.js")
    adapter.file_functions(document)
    document.apply_change((1, 0, 1, 0), "\n")
    adapter.file_functions(document)  # `f` keeps its lowering, made in the first tree
    [first, _second] = adapter.listed_units(document)[0]
    assert adapter.take_index_marks(document, first) is None
    assert _compare(document) == 1


def test_without_the_rules_names_the_lowering_notes_nothing(monkeypatch):
    monkeypatch.setattr(adapter, "_INDEX_NAMES", None)
    document = Document("function f(a) { return exec(a); }\n", path="plain.js")
    [unit] = adapter.listed_units(document)[0]
    adapter.lower_unit(unit, document)
    assert adapter.take_index_marks(document, unit) is None
    assert js.unit_index(unit, document, CheckContext(Config())).calls.keys() == {"exec"}  # queried
