"""One line-splitting rule everywhere (LSP's: CRLF, LF, lone CR), and the edits that change line ends.

Tree-sitter counts rows at LF only; with classic-Mac line ends every finding used to be reported
on line 0. Edits that join a CR and an LF into one line end (or split one) change a line end
outside their range; the document and the analysis must see exactly the lines a fresh open does.
"""

from __future__ import annotations

import pytest

from landguard.engine import positions
from landguard.engine.analyze import Analysis, analyze_text
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document, EditOutOfRange
from landguard.lsp.convert import DiagnosticCache

CONFIG = Config(dependencies=DependencySettings(online=False))
TOKEN = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0" + "P9o8N7m6L5k4J3i2"

SAMPLES = {
    "a.py": ("import pickle\nx = 1\ny = eval(input())\nz = pickle.loads(data)\n", {"LG203", "LG204"}),
    "a.js": (
        "const a = 1;\nconst b = 2;\neval(location.hash);\ndocument.body.innerHTML = location.hash;\n",
        {"LG301", "LG304"},
    ),
    "A.java": (
        "class A {\n  void f(java.sql.Statement s, String q) throws Exception {\n    int x = 1;\n"
        '    s.executeQuery("select * from t where a = " + q);\n  }\n}\n',
        {"LG401"},
    ),
}


def summary(findings):
    return [
        (f.rule_id, f.span, [[(e.span, e.new_text) for e in fix.edits] for fix in f.fixes]) for f in findings
    ]


@pytest.mark.parametrize("path", sorted(SAMPLES))
@pytest.mark.parametrize("newline", ["\r", "\r\n"])
def test_findings_keep_their_lines_and_columns_with_any_line_end(path, newline):
    text, rules = SAMPLES[path]
    with_lf = analyze_text(text, CONFIG, path=path)
    assert {f.rule_id for f in with_lf} >= rules
    assert all(f.span.start_line > 0 for f in with_lf)
    # Fix edits keep their spans too, except for the text they insert (which uses the file's line end).
    assert [(f.rule_id, f.span) for f in analyze_text(text.replace("\n", newline), CONFIG, path=path)] == [
        (f.rule_id, f.span) for f in with_lf
    ]


def test_tree_rows_are_lsp_lines():
    document = Document("a = 1\rb = eval(x)\r\nc = 2\n", path="a.py")
    statements = document.tree.root_node.named_children
    assert [s.start_point[0] for s in statements] == [0, 1, 2]
    assert document.node_span(statements[1]) == positions.Span(1, 0, 1, 11)


def incremental_equals_fresh(text: str, edits, path: str = "a.py") -> Document:
    document = Document(text, path=path)
    analysis = Analysis(document, CONFIG)
    analysis.run()
    for rng, new_text in edits:
        change = document.apply_change(rng, new_text)
        findings = analysis.run([change])
        reopened = Document(document.text, path=path)
        assert document.lines == reopened.lines
        if reopened.tree is not None:
            assert str(document.tree.root_node) == str(reopened.tree.root_node)
        assert summary(findings) == summary(Analysis(reopened, CONFIG).run())
    return document


T = f"t = '{TOKEN}'"


@pytest.mark.parametrize(
    ("text", "edit", "expected"),
    [
        # LF typed right after a lone CR: the two become one CRLF line end (line count unchanged).
        (f"a = 1\rb = 2\r{T}\r", ((1, 0, 1, 0), "\n"), f"a = 1\r\nb = 2\r{T}\r"),
        # CR typed before an LF.
        (f"a = 1\nb = 2\n{T}\n", ((0, 5, 0, 5), "\r"), f"a = 1\r\nb = 2\n{T}\n"),
        # What stood between a CR and an LF deleted: two line ends become one.
        (f"a = 1\rQ\nb = 2\n{T}\n", ((1, 0, 1, 1), ""), f"a = 1\r\nb = 2\n{T}\n"),
        # ... and the other way: a CRLF's LF replaced, or a CR typed after a CRLF's LF.
        (f"a = 1\r\nb = 2\n{T}\n", ((0, 5, 1, 0), "\n"), f"a = 1\nb = 2\n{T}\n"),
        (f"a = 1\r\n\rb = 2\n{T}\n", ((1, 0, 2, 0), "z\r"), f"a = 1\r\nz\rb = 2\n{T}\n"),
    ],
)
def test_edits_that_join_or_split_line_ends(text, edit, expected):
    document = incremental_equals_fresh(text, [edit])
    assert document.text == expected
    secret_line = positions.split_lines(expected).index(T)
    found = analyze_text(document.text, CONFIG, path="a.py")
    assert [f.span.start_line for f in found if f.rule_id == "LG101"] == [secret_line]


def test_a_line_past_the_end_means_the_end_of_the_document():
    document = Document("a = 1\nb = 2\n", path="a.py")
    with pytest.raises(EditOutOfRange):
        document.apply_change((1, 0, 5, 0), "")
    assert document.text == "a = 1\n"


def test_a_nul_typed_then_deleted_leaves_no_ghost():
    text = f'key: "{TOKEN}"\n'
    incremental_equals_fresh(
        text,
        [((0, 0, 0, 0), "\x00"), ((0, 0, 0, 0), "\n\n"), ((2, 0, 2, 1), ""), ((2, 0, 3, 0), "")],
        path="a.yaml",
    )


def test_a_lone_surrogate_on_a_line_with_a_finding_still_converts():
    text = f'token = "{TOKEN}"  # \ud83d\nx = eval(input()) \udc00\n'  # eval of the user's own input: LG203
    document = Document(text, path="a.py")
    findings = Analysis(document, CONFIG).run()
    assert {f.rule_id for f in findings} >= {"LG101", "LG203"}
    diagnostics = DiagnosticCache().convert(findings, document)
    [evaluated] = [d for d in diagnostics if d.code == "LG203"]
    assert (evaluated.range.start.line, evaluated.range.start.character) == (1, 4)
    assert positions.utf16_len("a\ud83db") == 3


def test_a_fix_is_not_offered_once_its_line_is_wrapped_into_a_docstring():
    text = f'def f():\n    pass\n\napi = "{TOKEN}"\n'
    document = incremental_equals_fresh(text, [((3, 0, 3, 0), '"""\n'), ((5, 0, 5, 0), '"""\n')])
    [secret] = [f for f in analyze_text(document.text, CONFIG, path="a.py") if f.rule_id == "LG101"]
    assert not any("environment" in fix.title for fix in secret.fixes)
