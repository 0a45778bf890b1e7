"""A JavaScript program's imports kept across edits (``imports.program_imports``).

After one edit only the imports whose site the edited lines or the syntax changes reach are read
again; the others are kept and moved. Kept or not, they must equal a fresh scan of the program,
and LG504's findings (which read them for each package's first import) a fresh analysis's, in a
project whose package.json declares some of the packages.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from landguard.checks.deps.imports import js_imports, program_imports
from landguard.engine.analyze import Analysis
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard_testing import edit_runs, fresh_document, snap, utf16_range

PROGRAM = """\
import express from "express";
const lodash = require("lodash");
const local = require("./local");

(function () {
  var left = require("left-pad");
  function helper(x) {
    const chalk = require("chalk");
    return chalk(x) + require("undeclared-a", require("nested-b"));
  }
  module.exports = { helper: helper, fs: require("fs") };
})();

export { thing } from "reexported";
async function later() {
  const m = await import("dynamic-pkg"); const n = require("same-line");
  return "é" + m + n;
}
"""
PIECES = [
    *("", " ", "x", "\n", '"', "'", "`", "(", ")", "{", "}", "//", "/*", "*/", ";", "é", "require"),
    *('require("lodash")', 'require("left-pad")', "\nconst q = require('new-pkg');\n", "import("),
    *('import y from "express";\n', 'export * from "star";\n', 'import type { T } from "types-only";\n'),
    *("function f() {\n", "  const z = require(\"chalk\") + require('undeclared-c');\n"),
]
DECLARED = {"dependencies": {"express": "^4", "lodash": "^4", "chalk": "^5"}}
OFFLINE = Config(dependencies=DependencySettings(online=False))
EDITS = edit_runs(PIECES, longest=20, per_run=2, runs=6)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    folder = tmp_path_factory.mktemp("project")
    (folder / "package.json").write_text(json.dumps(DECLARED))
    (folder / "src").mkdir()
    return folder


def _edit(document: Document, where: float, length: int, piece: str):
    text = document.text
    start = snap(text, int(where * len(text)))
    end = snap(text, min(len(text), start + length))
    return document.apply_change(utf16_range(text, start, end), piece)


def _fresh_imports(document: Document):
    fresh = fresh_document(document)
    return tuple(js_imports(fresh.tree.root_node, fresh)) if fresh.tree is not None else ()


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(name=st.sampled_from(["index.js", "index.ts"]), edits=EDITS)
@example(name="index.js", edits=[[(0.3, 0, "é")], [(0.35, 0, "\n")]])
@example(name="index.js", edits=[[(0.28, 0, '"')], [(0.28, 1, "")]])
def test_kept_imports_equal_a_fresh_scan(project, name, edits):
    document = Document(PROGRAM, path=str(project / "src" / name))
    assert program_imports(document) == _fresh_imports(document)
    for group in edits:  # the edits between two reads (more than one: all read again)
        for where, length, piece in group:
            _edit(document, where, length, piece)
        assert program_imports(document) == _fresh_imports(document)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(edits=EDITS)
@example(edits=[[(0.0, 0, "\nconst q = require('new-pkg');\n")], [(0.5, 0, " ")]])
def test_undeclared_imports_equal_a_fresh_analysis(project, edits):
    document = Document(PROGRAM, path=str(project / "src" / "index.js"))
    analysis = Analysis(document, OFFLINE)
    analysis.run()
    for group in edits:
        changes = [_edit(document, where, length, piece) for where, length, piece in group]
        assert analysis.run(changes) == Analysis(fresh_document(document), OFFLINE).run()


def test_an_edit_reads_only_the_imports_it_reached(project, monkeypatch):
    from landguard.checks.deps import imports

    document = Document(PROGRAM, path=str(project / "src" / "index.js"))
    before = program_imports(document)
    read: list[tuple[int, int | None]] = []
    reading = imports._read
    monkeypatch.setattr(imports, "_read", lambda d, root, a, b: read.append((a, b)) or reading(d, root, a, b))
    line = PROGRAM.splitlines().index('  return "é" + m + n;')
    document.apply_change((line, 0, line, 0), "\n")
    after = program_imports(document)
    assert len(read) == 1 and read[0][1] is not None  # the edited line's bytes only
    assert after == _fresh_imports(document)
    assert [i.span.start_line for i in after] == [i.span.start_line for i in before]
    # Above the imports inside the wrapper: they move down a line, read again or not.
    document.apply_change((4, 0, 4, 0), "// a comment\n")
    assert [i.span.start_line for i in program_imports(document)][2:] == [
        i.span.start_line + 1 for i in before
    ][2:]
    assert program_imports(document) == _fresh_imports(document)


def test_a_program_without_the_import_words_has_none_until_an_edit_adds_one(project):
    # `export*from"pkg"` is an import to tree-sitter, but js_imports' text prefilter (no
    # `import`, `require` or ` from `) finds none: the kept imports follow it either way.
    document = Document('export*from"star-pkg"\nlet a = 1;\n', path=str(project / "src" / "index.js"))
    assert program_imports(document) == _fresh_imports(document) == ()
    document.apply_change((1, 0, 1, 0), "// import\n")
    assert [i.package for i in program_imports(document)] == ["star-pkg"]
    assert program_imports(document) == _fresh_imports(document)
    document.apply_change((1, 3, 1, 9), "")
    assert program_imports(document) == _fresh_imports(document) == ()


def test_a_byte_ranged_query_returns_the_matches_overlapping_it_whole():
    # What the splice relies on (tree-sitter's byte range): a match whose site overlaps the range
    # is answered even when its specifier lies outside it; one that does not overlap is not.
    from landguard.checks.deps.imports import _JS_IMPORTS

    text = 'var x = require(\n   "pkgx");\nfoo(function () { return require("inner") });\n'
    document = Document(text, path="a.js")
    source = document.source
    root = document.tree.root_node

    def answered(start: int, end: int) -> list[str]:
        return [
            document.node_text(spec)
            for _q, spec, _n in _JS_IMPORTS.ask_overlapping(root, document, start, end)
        ]

    call = source.index(b"require(")
    assert answered(call, call + 8) == ["pkgx"]
    assert answered(call + 9, call + 11) == ["pkgx"]  # the line break inside the call's arguments
    word = source.index(b"return")
    assert answered(word, word + 3) == []
