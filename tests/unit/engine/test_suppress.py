"""Suppression comments: ours (statement-scoped) and other tools' (mapped to our rules)."""

import pytest

from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Severity, Span
from landguard.engine.suppress import apply_suppressions, parse_line


def finding(line, col=4, rule_id="LG101"):
    return Finding(rule_id, Span.on_line(line, col, col + 3), "m", Severity.ERROR, Confidence.HIGH)


@pytest.mark.parametrize(
    ("comment", "rule_id", "suppressed"),
    [
        ("# landguard: ignore[LG101] -- test fixture", "LG101", True),
        ("# landguard: ignore[LG101] -- test fixture", "LG201", False),
        ("// landguard: ignore", "LG305", True),
        ("# landguard: ignore[LG1]", "LG104", True),
        ("# pragma: allowlist secret", "LG101", True),
        ("# pragma: allowlist secret", "LG201", False),
        ("// gitleaks:allow", "LG103", True),
        ("# nosemgrep: python.lang.security", "LG201", True),
        ("# noqa", "LG101", False),
        ("x = 'landguard: ignore'", "LG101", False),
    ],
)
def test_parse_line(comment, rule_id, suppressed):
    parsed = parse_line("value = call()  " + comment)
    assert (parsed is not None and parsed.covers(rule_id)) is suppressed


def test_comment_anywhere_in_a_wrapped_statement_applies_to_it():
    text = 'client = make_client(\n    token="abc",\n)  # landguard: ignore[LG101] -- rotated test token\nother = 1\n'
    document = Document(text, path="a.py")
    kept = apply_suppressions(document, [finding(1), finding(3, 0)])
    assert [f.span.start_line for f in kept] == [3]


def test_comment_in_a_function_body_does_not_silence_the_signature():
    text = 'def f(token="abc"):\n    return 1  # landguard: ignore\n'
    document = Document(text, path="a.py")
    assert len(apply_suppressions(document, [finding(0, 6)])) == 1


def test_own_line_comment_above_applies_to_the_next_statement():
    text = "// landguard: ignore[LG101] -- public demo key\nconst key = 'abc';\nconst other = 'def';\n"
    document = Document(text, path="a.js")
    kept = apply_suppressions(document, [finding(1), finding(2)])
    assert [f.span.start_line for f in kept] == [2]


def test_text_documents_are_line_scoped():
    text = "A=1 # pragma: allowlist secret\nB=2\n"
    document = Document(text, path=".env")
    assert [f.span.start_line for f in apply_suppressions(document, [finding(0), finding(1)])] == [1]


def test_detect_secrets_nextline_pragma():
    text = "# pragma: allowlist nextline secret\nB=2\nC=3\n"
    document = Document(text, path="x.ini")
    assert [f.span.start_line for f in apply_suppressions(document, [finding(1), finding(2)])] == [2]


@pytest.mark.parametrize(
    ("header", "kept_rules"),
    [
        ("# landguard: ignore-file[LG101] -- fixtures of the test suite", ["LG201"]),
        ("# landguard: ignore-file[LG101, LG2] -- fixtures", []),
        ("# landguard: ignore-file -- generated", []),
        ("# landguard: ignore[LG101] -- line-level only", ["LG101", "LG201"]),
        ('x = "# landguard: ignore-file"', ["LG101", "LG201"]),
    ],
)
def test_file_level_suppression(header, kept_rules):
    text = f"{header}\nimport os\n\n\nvalue = call()\nother = call()\n"
    document = Document(text, path="a.py")
    kept = apply_suppressions(document, [finding(4, rule_id="LG101"), finding(5, rule_id="LG201")])
    assert [f.rule_id for f in kept] == kept_rules


def test_file_level_suppression_in_javascript_anywhere_in_the_file():
    text = "const a = call();\n\n// landguard: ignore-file[LG305] -- vendored\n"
    kept = apply_suppressions(Document(text, path="a.js"), [finding(0, rule_id="LG305")])
    assert kept == []


def test_template_comments_suppress_a_line_and_the_whole_file():
    """A Django/Jinja ``{# ... #}`` comment works as a line and as a file-level suppression."""
    line_level = (
        "<p>{{ a|safe }}</p>  {# landguard: ignore[LG260] -- trusted markup #}\n<p>{{ b|safe }}</p>\n"
    )
    document = Document(line_level, path="templates/page.html")
    kept = apply_suppressions(document, [finding(0, rule_id="LG260"), finding(1, rule_id="LG260")])
    assert [f.span.start_line for f in kept] == [1]
    file_level = "{# landguard: ignore-file[LG260] -- the CMS stores sanitised HTML #}\n<p>{{ b|safe }}</p>\n"
    document = Document(file_level, path="templates/page.html")
    assert apply_suppressions(document, [finding(1, rule_id="LG260")]) == []
