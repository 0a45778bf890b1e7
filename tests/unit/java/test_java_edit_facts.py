"""The Java adapter's per-tree facts kept across one edit equal the same text's, computed fresh.

An edit inside one class member keeps the last tree's file facts (``_facts_after_edit``) when the
member's ops are what they were, and the last tree's units outside the edit and its syntax
changes (``_splice_units``), with their lowerings, call counts and context key. After any
sequence of edits (members deleted whole, broken braces, renamed classes, new overloads) the
units, their classes, the file facts and the context key must equal a fresh document's.
"""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from landguard.checks.java import _support
from landguard.engine.config import Config
from landguard.engine.document import Document
from landguard.engine.registry import CheckContext
from landguard.languages import java as java_adapter
from landguard_testing import fresh_document, snap, utf16_range

TEXT = """package p;

import java.util.List;

@RestController
class Outer {
    static final int LIMIT = 3;
    private static final String NAME = "n";
    private List<String> items;

    int size() { return items.size(); }

    String name(int n) { return NAME + n; }

    static class Inner {
        int size() { return 0; }
        void run() { helper(1); }
        void helper(int x) { int y = x; }
    }

    enum Kind {
        A, B;
        private static final int[] STARTS = { 1, 2, 3 };
        int code() { return 1; }
    }

    void helper(int x) { size(); }
}
"""
PIECES = [
    "",
    " ",
    "x",
    "\n",
    "}",
    "{",
    ";",
    "// c\n",
    "int size;",
    "String name() { return null; }\n",
    "static final int LIMIT = 4;",
    "class Other {",
    "helper(2);",
    "@ResponseBody ",
    "\r\n",
    "name(1);",
]


def _state(document: Document) -> tuple:
    java_adapter.file_functions(document)
    memo = java_adapter._memo(document)
    context = CheckContext(Config())
    units = (
        list(zip(memo.starts, memo.ends, memo.classes, strict=True)),
        _support.module_facts(document, context),
        _support.body_classes(document, context),
    )
    # In trees with errors too: a unit's lowering is reused by its text (``_BY_TEXT``) only where
    # neither subtree has errors, whose recovery can parse the same text into another subtree.
    lowered = [(entry.key, entry.calls, entry.names) for entry in memo.entries]
    return units, lowered, memo.facts, java_adapter.context_key(document)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# A member deleted whole: tree-sitter reports no syntax change, the facts lose its field.
@example(steps=[(0.13, 60, "")])
# Typing inside a method body, then inside a nested enum's table: the facts are kept.
@example(steps=[(0.5, 0, "x"), (0.21484375, 0, ";")])  # a lowering kept by text, then broken
@example(steps=[(0.35, 0, " "), (0.78, 0, "x")])
# ``NAME ;= "n"``: ``size()``'s body parses with a MISSING node, its text as before: no call.
@example(steps=[(0.53125, 0, " "), (0.23828125, 0, ";")])
@given(
    steps=st.lists(
        st.tuples(st.floats(0, 1), st.sampled_from([0, 0, 0, 1, 3, 20, 60]), st.sampled_from(PIECES)),
        min_size=1,
        max_size=8,
    )
)
def test_facts_and_units_kept_across_edits_equal_a_fresh_documents(steps):
    text = TEXT
    document = Document(text, path="Outer.java")
    _state(document)
    for where, length, new in steps:
        start = snap(text, int(where * len(text)))
        end = snap(text, min(len(text), start + length))
        document.apply_change(utf16_range(text, start, end), new)
        text = text[:start] + new + text[end:]
        assert _state(document) == _state(fresh_document(document)), steps


def test_typing_inside_a_method_keeps_the_facts_and_lowers_only_that_method():
    document = Document(TEXT, path="Outer.java")
    java_adapter.file_functions(document)
    facts = java_adapter.java_file(document)
    entries = list(java_adapter._memo(document).entries)
    line = next(n for n, text in enumerate(document.lines) if "void run()" in text)
    document.apply_change((line, 20, line, 20), " ")
    java_adapter.file_functions(document)
    memo = java_adapter._memo(document)
    assert memo.facts is facts
    changed = [new for old, new in zip(entries, memo.entries, strict=True) if old is not new]
    assert [entry.key[0].decode().split("(")[0].strip() for entry in changed] == ["void run"]


def test_deleting_a_field_whole_scans_the_facts_again():
    document = Document(TEXT, path="Outer.java")
    java_adapter.file_functions(document)
    line = next(n for n, text in enumerate(document.lines) if "List<String> items" in text)
    document.apply_change((line, 0, line + 1, 0), "")
    assert "items" not in java_adapter.java_file(document).classes["Outer"].fields


def test_a_first_call_of_a_method_changes_the_context_key_as_a_fresh_document_has_it():
    document = Document(TEXT, path="Outer.java")
    before = java_adapter.context_key(document)
    line = next(n for n, text in enumerate(document.lines) if "void run()" in text)
    column = document.lines[line].index("helper(1)")
    document.apply_change((line, column, line, column), "name(1); ")
    assert java_adapter.context_key(document) == java_adapter.context_key(fresh_document(document)) != before


def _module_facts(document: Document):
    java_adapter.file_functions(document)  # the units the next tree's facts are kept by
    return _support.module_facts(document, CheckContext(Config()))


def test_a_field_made_final_gives_the_module_facts_its_constant():
    """``final`` on an instance field is no constant of the file facts (not static): those are
    kept, the rules' module facts (final fields with literal values) are not."""
    text = "class A {\n    private int count = 1;\n    void f() { }\n}\n"
    document = Document(text, path="A.java")
    _module_facts(document)
    document.apply_change((1, 12, 1, 12), "final ")
    assert java_adapter.kept_facts(document) is not None  # the file facts are the same
    assert _module_facts(document) == _module_facts(fresh_document(document))
    assert dict(_module_facts(document).constants) == {"count": "1"}


def test_a_line_ending_changed_inside_a_method_changes_the_module_facts():
    text = "class A { int a; void f() {\n} }\n"
    document = Document(text, path="A.java")
    _module_facts(document)
    document.apply_change((0, 27, 0, 27), "\r")
    assert java_adapter.kept_facts(document) is not None
    assert _module_facts(document).line_ending == "\r\n"
