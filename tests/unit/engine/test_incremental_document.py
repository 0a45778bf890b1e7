"""The state a ``Document`` keeps up to date edit by edit equals the same text's, computed fresh.

An edit updates the lines, the per-line sizes behind its offsets, the UTF-8 source tree-sitter
parses, the binary/size facts and the prefilter flags for the replaced lines only; after any
sequence of edits (multi-line, CR / LF / CRLF joins and splits, NUL, emoji, lone surrogates) all
of it must equal what a fresh ``Document`` of the resulting text computes from scratch.
"""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from landguard.engine.document import Document
from landguard_testing import snap, utf16_range

TEXTS = {
    "a.py": "import os\n\ndef f(x):\n    # nosec\n    return eval(x)  # noqa: S307\n\nKEY = 'abc'\n",
    "a.js": "// landguard: ignore[LG301]\nfunction run(a) {\r\n  eval(a);\r\n}\r\n",
    "a.java": "class A {\r  void f() { int x = 1; }\r}\r",
    "a.txt": "plain text\nwith 🙂 and é\n",
}
PIECES = ["", "x", "\n", "\r", "\r\n", "é", "🙂", "\ud83d", "\x00", "# NOSEC\n", "a\r\nb\rc\nd", "IMPORT"]
WORDS = ("nosec", "import", "ignore")


def state(document: Document) -> dict:
    return {
        "text": document.text,
        "lines": document.lines,
        "chars": document._chars,
        "bytes": document._bytes,
        "source": document.source,
        "binary": document.is_binary,
        "crlf": document.uses_crlf,
        "size": document.size,
        "too_large": document.too_large,
        "with_words": document.lines_with(WORDS),
        "line_offsets": [document.line_offset(n) for n in range(len(document.lines))],
        "tree": str(document.tree.root_node) if document.tree is not None else None,
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(path="a.js", steps=[(0.3, 0, "\n"), (0.3, 1, "")])
@example(path="a.java", steps=[(0.5, 0, "\r\n"), (0.1, 4, "é\r")])
@given(
    path=st.sampled_from(sorted(TEXTS)),
    steps=st.lists(
        st.tuples(st.floats(0, 1), st.sampled_from([0, 0, 1, 2, 5, 30]), st.sampled_from(PIECES)),
        min_size=1,
        max_size=10,
    ),
)
def test_document_state_after_edits_equals_a_fresh_document(path, steps):
    text = TEXTS[path]
    document = Document(text, path=path, max_bytes=200)
    document.source  # the source is kept up to date once it exists
    document.lines_with(WORDS)  # so are the prefilter flags
    for where, length, new in steps:
        start = snap(text, int(where * len(text)))
        end = snap(text, min(len(text), start + length))
        document.apply_change(utf16_range(text, start, end), new)
        text = text[:start] + new + text[end:]
        assert state(document) == state(Document(text, path=path, max_bytes=200)), (path, steps)


def test_edits_update_only_the_replaced_lines_objects():
    """Unchanged lines keep their string objects: what caches them by identity stays valid."""
    document = Document("".join(f"line {n}\n" for n in range(1000)), path="big.py")
    before = list(document.lines)
    document.apply_change((500, 0, 500, 0), "x")
    assert all(a is b for a, b in zip(before[:500], document.lines[:500]))
    assert all(a is b for a, b in zip(before[501:], document.lines[501:]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(path="a.js", steps=[(0.3, 0, "\n", True), (0.3, 1, "", True), (0.5, 0, "x", False)])
@given(
    path=st.sampled_from(sorted(TEXTS)),
    steps=st.lists(
        st.tuples(
            st.floats(0, 1), st.sampled_from([0, 0, 1, 2, 5, 30]), st.sampled_from(PIECES), st.booleans()
        ),
        min_size=1,
        max_size=10,
    ),
)
def test_deferred_parses_give_the_tree_of_a_fresh_document(path, steps):
    """Edits whose reparse waits (``defer_parse``) leave the text as any edit does; the next use of
    the tree, or the next edit that parses, parses once what a fresh document of the text has. A
    parse that covered several edits names no single change (``change_since``)."""
    text = TEXTS[path]
    document = Document(text, path=path, max_bytes=200)
    document.source
    document.lines_with(WORDS)
    waiting = 0
    for where, length, new, deferred in steps:
        start = snap(text, int(where * len(text)))
        end = snap(text, min(len(text), start + length))
        generation = document.tree_generation
        change = document.apply_change(utf16_range(text, start, end), new, defer_parse=deferred)
        text = text[:start] + new + text[end:]
        assert document.text == text
        if deferred:
            assert change.syntax_changes is None
            if document.parse_deferred:  # a tree to reparse (not a binary or too large text)
                waiting += 1
                assert document.tree_generation == generation
            continue
        assert not document.parse_deferred
        if waiting:
            assert change.syntax_changes is None and document.change_since(generation) is None
        waiting = 0
        assert state(document) == state(Document(text, path=path, max_bytes=200)), (path, steps)
    assert state(document) == state(Document(text, path=path, max_bytes=200)), (path, steps)
    assert not document.parse_deferred


def test_a_deferred_burst_is_parsed_once():
    document = Document("function f(a) {\n  return a;\n}\n" * 50, path="big.js")
    tree, generation = document.tree, document.tree_generation
    for column in range(10):
        document.apply_change((1, 2 + column, 1, 2 + column), "x", defer_parse=True)
    assert document.parse_deferred and document.tree_generation == generation
    assert document.tree is not tree and document.tree_generation == generation + 1
    assert "xxxxxxxxxxreturn" in document.text
    assert str(document.tree.root_node) == str(Document(document.text, path="big.js").tree.root_node)
