"""The taint rules' relevance test (``_flow._relevant``: which functions of a unit are interpreted)
is cheap where it can be and says what it said before.

- It gives every function of the fixtures, the corpus and a real webpack tree the answer of the
  plain formula (every call: a read method, a sink helper, a sink row, or an instance call that
  can run a same-file method passing a parameter to a sink; else a store a rule reads).
- The literal gates (``_flow._literal_reads``: a file whose literals cannot hold SQL text or name
  a `Location` header does not count its ``sql-text`` query calls and header setters) drop no
  finding: every rule reports the same, gates on or off, on the same files.
- They read the literals' text at the places the source has the words (``adapter.literal_words``)
  and say what the words in the text of all the literals (a query over the tree) say: for every
  word asked and more, and at sampled places of every file, as the literals' ranges say.
- It reads the calls the lowering recorded (a superset of the body's: ``test_recorded_calls``),
  and every rule reports what it reports with a walk of each body instead.
- It reads a function's instance calls (``instance_methods``: a walk of its whole IR) only when a
  call's method is the name of a method of the file: a file without such methods never walks.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from landguard.checks.javascript import _flow
from landguard.checks.javascript import _sql_text as sql_text
from landguard.dataflow import shapes
from landguard.dataflow.interpret import instance_methods
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard.engine.languages import captures
from landguard.engine.registry import CheckContext
from landguard.languages import javascript as adapter
from landguard_testing import FIXTURES, WEBPACK_LIB, findings_for, javascript_files

CONFIG = Config(dependencies=DependencySettings(online=False))
FILES = javascript_files()
# A real tree with classes, factories and Map/Set instance calls everywhere (read-only cache).
REAL = sorted(WEBPACK_LIB.glob("*.js"))[:40] if WEBPACK_LIB.is_dir() else []
# Components: their source is the script, the rest blanked (the same offsets).
COMPONENTS = sorted(
    path for folder in (FIXTURES, FIXTURES.parent.parent / "corpus") for path in folder.rglob("*.vue")
)


def _plain_relevant(function, fa, is_sink_helper, document, context) -> bool:
    """``_relevant`` as first written: the instance calls read up front, every test on every call."""
    models = fa.models
    methods = instance_methods(function)
    literals = _flow._literals_of(document, context)
    for call in shapes.function_calls(function):
        if (
            call.method in _flow._ALSO_READ
            or (literals.location and call.method in _flow._HEADER_SETTERS)
            or is_sink_helper(call.callee)
            or any(
                literals.sql or row.kind != _flow.SQL_TEXT
                for row in models.sinks.match(call.callee, call.method)
            )
            or (call.method in methods and _flow._runs_sink_helper(call, fa, is_sink_helper))
        ):
            return True
    return any(_flow._store_read(assign.target) for assign in shapes.assignments(function.body))


def test_the_files_exist():
    assert len(FILES) > 30


@pytest.mark.parametrize("one_shot", [True, False], ids=["one-shot", "editor"])
@pytest.mark.parametrize("path", FILES + REAL, ids=lambda p: p.name)
def test_the_relevance_test_answers_as_the_plain_formula(path: Path, one_shot: bool):
    document = Document(path.read_text(encoding="utf-8"), path=str(path))
    context = CheckContext(CONFIG, one_shot=one_shot)
    fa = _flow.analysis(document, context)
    helper = _flow._sink_helper_test(document, context)
    reads = _flow._call_test(document, context)
    for function in adapter.file_functions(document):
        expected = _plain_relevant(function, fa, helper, document, context)
        assert _flow._relevant(function, fa, helper, reads) == expected, (path.name, function.name)


def _report(path: Path) -> list[tuple]:
    findings = findings_for(path.read_text(encoding="utf-8"), str(path))
    return sorted((f.rule_id, f.span.start_line, f.span.start_col, f.message) for f in findings)


@pytest.mark.parametrize("path", FILES + REAL, ids=lambda p: p.name)
def test_the_literal_gates_drop_no_finding(path: Path, monkeypatch):
    gated = _report(path)
    monkeypatch.setattr(
        _flow, "_literal_reads", lambda document: _flow._LiteralReads(sql=True, location=True)
    )
    assert _report(path) == gated


@pytest.mark.parametrize("path", FILES + REAL, ids=lambda p: p.name)
def test_the_recorded_calls_drop_and_add_no_finding(path: Path, monkeypatch):
    """The test reads the calls the lowering recorded (``shapes.function_calls``, a superset of
    the body's): the findings are those of a walk of each body."""
    recorded = _report(path)
    monkeypatch.setattr(shapes, "function_calls", lambda function: shapes.calls_in(function.body))
    assert _report(path) == recorded


def test_the_literal_gates_close_on_code_words_and_open_on_literals():
    def reads(source):
        return _flow._literal_reads(Document(source, path="gate.js"))

    # `delete ... from` and `update ... set` as code and in comments: no literal says SQL.
    code = "// select rows from the cache\ndelete cache[key]; Array.from(x); hash.update(y); m.set(k, v);\n"
    assert reads(code) == _flow._LiteralReads(sql=False, location=False)
    assert reads(code + 'const q = "SELECT * " + "FROM t";\n').sql
    assert reads(code + "db.get(`select ${c} from t`);\n").sql
    assert reads(code + 'const q = "SEL\\x45CT";\n').sql  # an escape can spell any word
    assert reads(code + 'res.set("Location", url);\n') == _flow._LiteralReads(sql=False, location=True)
    # An editor's run does not pay for the query on every keystroke: both stay open.
    document = Document(code, path="gate.js")
    assert _flow._literals_of(document, CheckContext(CONFIG, one_shot=True)).sql is False
    assert _flow._literals_of(document, CheckContext(CONFIG)) == _flow._LiteralReads(sql=True, location=True)


def _literals_text(document: Document) -> bytes:
    return b"\n".join(adapter.literal_texts(document)).lower()


def _reads_of_the_text(text: bytes) -> _flow._LiteralReads:
    """``_literal_reads`` as first written: the words in the text of all the literals."""
    escape = b"\\x" in text or b"\\u" in text
    sql = escape or any(all(word in text for word in words) for words in sql_text._WORDS_NEEDED)
    return _flow._LiteralReads(sql=sql, location=escape or b"location" in text)


# The words the gates ask, and others: common in code, quotes, braces, slashes, spaces.
_WORDS = sorted(
    {word for words in sql_text._WORDS_NEEDED for word in words}
    | {b"location", b"\\x", b"\\u", b"the", b"e", b"${", b"}", b"{", b"/", b"a b", b"'", b'"', b"`", b"=>"}
)


@pytest.mark.parametrize("path", FILES + REAL + COMPONENTS, ids=lambda p: p.name)
def test_the_literal_words_are_the_literals_text(path: Path):
    document = Document(path.read_text(encoding="utf-8"), path=str(path))
    text = _literals_text(document)
    assert _flow._literal_reads(document) == _reads_of_the_text(text)
    holds = adapter.literal_words(document)
    for word in _WORDS:
        assert holds(word) == (word in text), word


@pytest.mark.parametrize("path", FILES + REAL + COMPONENTS, ids=lambda p: p.name)
def test_in_literal_answers_as_the_literals_ranges(path: Path):
    document = Document(path.read_text(encoding="utf-8"), path=str(path))
    if document.tree.root_node.has_error:
        return  # read through the query (literal_words)
    found = captures(document.language, adapter._LITERALS, document.tree.root_node).get("literal", ())
    ranges = [(node.start_byte, node.end_byte) for node in found]
    in_literal = adapter.literal_test(document)
    size = len(document.source)
    rng = random.Random(path.name)
    for _ in range(min(3000, size)):
        start = rng.randrange(size)
        end = min(size, start + rng.choice((1, 2, 3, 6, 12)))
        expected = any(low <= start and end <= high for low, high in ranges)
        assert in_literal(start, end) == expected, (start, end, document.source[start:end])


_PLACES = """\
// select the rows from a table where the location is: none of this is in a literal
/* update ... set, insert into, \\u0041 */
import { select } from 'lib';
const where = new Set(), table = Array.from(where);
const a = `${where}-${ /* location */ table }`;
const b = `x ${ `inner ${ "set" } update` } y`;
const c = /select\\b/gi, d = <a href="where">update</a>;
"""


@pytest.mark.parametrize(
    ("line", "word", "expected"),
    [
        (0, b"select", False),  # a comment
        (1, b"update", False),
        (1, b"\\u", False),
        (2, b"select", False),  # an import's name, and its `from`
        (2, b"from", False),
        (2, b"lib", True),  # the module's string
        (3, b"where", False),
        (4, b"where", True),  # a template's substitution is in its text
        (4, b"location", True),  # so is a comment inside one
        (5, b"set", True),  # a string in a template in a template
        (5, b"update", True),
        (6, b"select", True),  # a regular expression
        (6, b"\\b", True),
        (6, b"where", True),  # a JSX attribute's string
        (6, b"update", False),  # JSX text is no literal
    ],
)
def test_in_literal_at_the_places_of_a_line(line: int, word: bytes, expected: bool):
    document = Document(_PLACES, path="places.jsx")
    assert not document.tree.root_node.has_error
    source = document.source
    start = sum(len(text) + 1 for text in source.split(b"\n")[:line])
    at = source.lower().find(word, start, source.index(b"\n", start))
    if word == b"update" and line == 6:
        at = source.lower().rfind(word, start, source.index(b"\n", start))
    assert at >= 0
    assert adapter.literal_test(document)(at, at + len(word)) is expected


def test_the_literal_words_of_a_tree_with_errors_come_from_the_query():
    document = Document("function f( {\n  db.get(`select ${x} from t`);\n// where\n", path="broken.js")
    assert document.tree.root_node.has_error
    holds = adapter.literal_words(document)
    text = _literals_text(document)
    for word in _WORDS:
        assert holds(word) == (word in text), word


def test_the_literal_words_of_typescript_template_types():
    source = "type Where = `where-${string}`;\nconst q: Where = `select ${`from`}`;\nlet s = 'location';\n"
    for path in ("types.ts", "types.tsx"):
        document = Document(source, path=path)
        assert not document.tree.root_node.has_error
        text = _literals_text(document)
        holds = adapter.literal_words(document)
        for word in (*_WORDS, b"string"):
            assert holds(word) == (word in text), (path, word)


_NO_METHODS = """\
const cache = new Map();
function remember(key, value) {
  const seen = new Set();
  seen.add(key);
  cache.set(key, value);
  return cache.get(key);
}
"""

_A_METHOD = """\
class Store {
  grow(key) { return key; }
}
function make() { return new Store(); }
function use(key) { return make().grow(key); }
"""


def _walks(source: str, monkeypatch) -> int:
    """How many times the relevance test read a function's instance calls, checking ``source``."""
    walked = []

    def counting(function):
        walked.append(function)
        return instance_methods(function)

    monkeypatch.setattr(_flow, "instance_methods", counting)
    document = Document(source, path="walks.js")
    context = CheckContext(CONFIG)
    for unit in adapter.listed_units(document)[0]:
        _flow.unit_facts(unit, document, context)
    return len(walked)


def test_a_file_without_methods_reads_no_instance_calls(monkeypatch):
    # ``new Map()``/``new Set()`` results are instance receivers; with no method of the file named
    # ``add``/``set``/``get``, none can run a same-file method (the old test walked every function).
    assert _walks(_NO_METHODS, monkeypatch) == 0


def test_a_call_named_as_a_method_of_the_file_reads_them(monkeypatch):
    assert _walks(_A_METHOD, monkeypatch) > 0
