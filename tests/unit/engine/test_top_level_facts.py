"""Facts read from one top-level statement, kept across edits (``Document.top_level_facts``).

A fact of a statement the edit since the last call (and its syntax changes) did not reach is
kept, not read again; every other one is read from the new tree. Kept or not, the facts must
equal those of a fresh document, and so must the Python import map folded from them.
"""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings

from landguard.checks.python._support import ImportMap, module_imports
from landguard.engine.config import Config
from landguard.engine.document import Document
from landguard.engine.registry import CheckContext
from landguard.languages.python import collect_imports
from landguard_testing import edit_at, edit_runs, fresh_document

MODULE = """\
import os
from subprocess import run as sh


def max(a, b):
    return a


try:
    import ujson as json
except ImportError:
    import json

if True:
    def sh(x):
        return x


@decorated
class List:
    def f(self):
        os.system("x")


def helper():
    pass
"""
PIECES = [
    *("", " ", "x", "\n", "#", '"', '"""', "(", ")", ":", "    ", "\n\n"),
    *("import sys\n", "from a import b as os\n", "def len(x):\n    pass\n", "class os:\n    pass\n"),
]


def facts(document: Document) -> list[tuple[str, int, int]]:
    return document.top_level_facts("test.types", lambda node: (node.type, node.end_byte - node.start_byte))


def fresh_import_map(document: Document) -> list[tuple[str, str]]:
    imports = ImportMap()
    collect_imports(document.tree.root_node.named_children, imports)
    return list(imports.items())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=edit_runs(PIECES, longest=12, per_run=2, runs=6))
@example(edits=[[(0.0, 0, "import sys\n")], [(0.5, 3, "")]])
# Found by hypothesis: after an unclosed `"""` and a `"` at the end, the incremental tree has two
# top-level statements more than a fresh parse of the same text (error recovery depends on the
# parse's history), so the facts are held to a fresh reading of the same tree (``fresh_document``).
@example(edits=[[(0.65625, 0, '"""')], [(0.0, 0, ""), (1.0, 0, '"')]])
def test_kept_facts_and_the_import_map_equal_a_fresh_documents(edits):
    document = Document(MODULE, path="m.py")
    facts(document)
    for group in edits:  # the edits between two calls
        for where, length, piece in group:
            edit_at(document, where, length, piece)
        fresh = fresh_document(document)
        assert facts(document) == facts(fresh)
        imports = module_imports(document, CheckContext(Config()))
        assert list(imports.items()) == fresh_import_map(fresh)


def test_an_edit_reads_only_the_statement_it_changed():
    document = Document(MODULE, path="m.py")
    read: list[str] = []

    def compute(node):
        read.append(node.type)
        return node.type

    assert len(document.top_level_facts("test.read", compute)) == len(read) == 7
    read.clear()
    line = MODULE.splitlines().index("    return a")
    document.apply_change((line, 12, line, 12), " + b")
    assert document.top_level_facts("test.read", compute)[2] == "function_definition"
    assert read == ["function_definition"]
    read.clear()
    # A new statement above the others: it and the one the edit touches the start of are read.
    document.apply_change((0, 0, 0, 0), "import sys\n")
    assert document.top_level_facts("test.read", compute)[:2] == ["import_statement"] * 2
    assert read == ["import_statement"] * 2
    # Two edits before the next call: every statement is read again (not worth splicing).
    read.clear()
    document.apply_change((0, 0, 0, 0), "#\n")
    document.apply_change((0, 0, 0, 0), "#\n")
    document.top_level_facts("test.read", compute)
    assert len(read) == 10  # two comments and the 8 statements


def test_a_quote_that_turns_the_rest_into_a_string_reads_what_it_reached():
    document = Document(MODULE, path="m.py")
    facts(document)
    line = MODULE.splitlines().index("    return a")
    document.apply_change((line, 12, line, 12), '"""')
    assert facts(document) == facts(Document(document.text, path="m.py"))
    assert list(module_imports(document, CheckContext(Config())).items()) == fresh_import_map(
        Document(document.text, path="m.py")
    )
