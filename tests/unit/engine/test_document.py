"""Documents: incremental edits keep text and tree-sitter tree equal to a fresh parse."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from landguard.engine.document import Document, EditOutOfRange
from landguard.engine.languages import detect_language
from landguard_testing import utf16_range

PYTHON = 'import os\n\ndef handler(q):\n    """Docs 🙂."""\n    return os.path.join("a", q)\n'


def test_incremental_edit_matches_fresh_parse():
    document = Document(PYTHON, path="app.py")
    start = PYTHON.index('"a"')
    change = document.apply_change(utf16_range(PYTHON, start, start + 3), '"b",\n        "c"')
    expected = PYTHON.replace('"a"', '"b",\n        "c"')
    assert document.text == expected
    assert str(document.tree.root_node) == str(Document(expected, path="app.py").tree.root_node)
    assert (change.first, change.old_last, change.new_last) == (4, 4, 5)


def test_edit_after_an_emoji_uses_utf16_columns():
    document = Document('s = "🙂"; t = 1\n', path="a.py")
    # "t" sits at code point 9 but UTF-16 column 10.
    document.apply_change((0, 10, 0, 11), "u")
    assert document.text == 's = "🙂"; u = 1\n'


def test_out_of_range_edit_is_clamped_and_reported():
    document = Document("a = 1\n", path="a.py")
    with pytest.raises(EditOutOfRange) as raised:
        document.apply_change((7, 0, 9, 0), "b = 2\n")
    assert document.text == "a = 1\nb = 2\n"
    assert raised.value.args[1].first == 1


def test_binary_and_large_documents_get_no_tree():
    assert Document("x\x00y", path="a.py").tree is None
    big = Document("x = 1\n" * 100, path="a.py", max_bytes=60)
    assert big.too_large and big.tree is None and big.analysed_line_count == 10


@pytest.mark.parametrize(
    ("path", "language_id", "expected"),
    [
        ("app.py", None, "python"),
        ("src/App.tsx", None, "tsx"),
        ("Main.java", None, "java"),
        (".env.local", None, "dotenv"),
        ("Dockerfile", None, "dockerfile"),
        ("requirements-dev.txt", None, "requirements"),
        (None, "typescriptreact", "tsx"),
        ("notes", "plaintext", "text"),
    ],
)
def test_language_detection(path, language_id, expected):
    assert detect_language(path, language_id) == expected


edits = st.lists(
    st.tuples(
        st.floats(0, 1), st.floats(0, 1), st.sampled_from(["", "x", "\n", "(", "é🙂", "def f():\n  ", "'''"])
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(edits)
def test_random_edit_sequences_keep_the_tree_equal_to_a_fresh_parse(steps):
    document = Document(PYTHON, path="a.py")
    text = PYTHON
    for a, b, new in steps:
        start, end = sorted((int(a * len(text)), int(b * len(text))))
        if text[start - 1 : start + 1] == "\r\n":
            start -= 1
        document.apply_change(utf16_range(text, start, end), new)
        text = text[:start] + new + text[end:]
        assert document.text == text
    assert str(document.tree.root_node) == str(Document(text, path="a.py").tree.root_node)


def test_lines_with_matches_a_line_by_line_search() -> None:
    """``lines_with`` searches the whole lower-cased text at once; it must say what lower-casing
    and searching each line says, also where lower-casing changes a text's length (``İ``)."""
    import random

    pieces = ["a", "N", "noqa", "NoQA", "\u0130", "\u212a", "k", "ey", " ", "\t", "#", "ab"]
    rng = random.Random(7)
    for _ in range(2000):
        lines = [
            "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))) for _ in range(rng.randint(1, 6))
        ]
        words = tuple(rng.sample(["noqa", "ab", "k", "key", "qa"], rng.randint(1, 3)))
        document = Document("\n".join(lines), path="x.txt")
        expected = [n for n, line in enumerate(document.lines) if any(w in line.lower() for w in words)]
        assert document.lines_with(words) == expected, (lines, words)
    # As written (``exact``): the lines holding the words with their case, kept through edits.
    document = Document("import os\nImportAlias = 1\nx = 'IMPORT'\n", path="a.py")
    assert document.lines_with(("import",), exact=True) == [0]
    document.apply_change((1, 0, 1, 0), "import re; ")
    assert document.lines_with(("import",), exact=True) == [0, 1]
    assert document.lines_with(("import",)) == [0, 1, 2]


def test_top_level_nodes_with_gives_every_statement_on_a_line_naming_a_word() -> None:
    text = (
        "import os\n"  # 0
        "x = 1; import re\n"  # 1: two statements on the line
        "class A:\n"  # 2
        "    ImportAlias = 1\n"  # 3: not "import" as written
        "    def f(self):\n"
        "        import sys\n"  # 5: inside A, whose start is on an earlier line
        "        import json\n"  # 6: A again, not twice
        "y = 2\n"  # 7
        "def g(): pass; import abc\n"  # 8
    )
    document = Document(text, path="a.py")
    found = document.top_level_nodes_with(("import",))
    assert [node.start_point[0] for node in found] == [0, 1, 1, 2, 8]
    root = document.tree.root_node
    assert found == [
        child
        for child in root.named_children
        if any("import" in line for line in text.splitlines()[child.start_point[0] : child.end_point[0] + 1])
    ]
    assert document.top_level_nodes_with(("nothing here",)) == []
