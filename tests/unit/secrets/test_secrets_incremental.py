"""The secrets line check rescans only what changed, and stays equal to a full scan:
PEM blocks opened, closed or edited in the middle are re-evaluated through ``widen``."""

from __future__ import annotations

import random

import pytest

from landguard.checks.secrets import scanner
from landguard.checks.secrets.scanner import CHECK, candidate_lines
from landguard.engine.analyze import Analysis, analyze_text
from landguard.engine.config import Config
from landguard.engine.document import Document
from landguard.engine.registry import CheckContext

BODY = [
    "RkFLRUtFWS1S8iZlpgwS0okYXZUO6IE2CRZvaxE9F41sD9OQH/I5oaCV8g+TlWUM",
    "+TgLjtsiSmskih6STo/Qri4alJKjMF8YjLYQkA+eNH+uiG3GUHeV7HRcTD/LLrLH",
    "PhSTTIZ+4Fe6ckmb+hIeg2sqwVcm7n1rCvarE8OOksrg0VBXsVmYf5TMdBHXF/FF",
]
PEM = ["-----BEGIN RSA PRIVATE KEY-----", *BODY, "-----END RSA PRIVATE KEY-----"]
TEXT = "\n".join(["# config", "KEY = '''", *PEM, "'''", 'password = "Tr0ub4dor3x"', "x = 1", ""])


def full(text: str, path: str = "a.py"):
    return analyze_text(text, Config(), path=path, checks=[CHECK])


def edit(analysis: Analysis, line: int, col: int, end_line: int, end_col: int, new_text: str):
    change = analysis.document.apply_change((line, col, end_line, end_col), new_text)
    return analysis.run([change])


def spans(findings):
    return [(f.rule_id, f.span) for f in findings]


def test_closing_marker_removed_and_restored() -> None:
    analysis = Analysis(Document(TEXT, path="a.py"), Config(), [CHECK])
    first = analysis.run()
    [pem] = [f for f in first if f.rule_id == "LG102"]
    assert (pem.span.start_line, pem.span.end_line) == (2, 6)
    # Delete the END line: the block now has no end, the finding changes (it starts 4 lines above).
    end_line = 6
    after = edit(analysis, end_line, 0, end_line + 1, 0, "")
    assert spans(after) == spans(full(analysis.document.text))
    [pem] = [f for f in after if f.rule_id == "LG102"]
    assert pem.span.end_line == 2
    # Put it back.
    after = edit(analysis, end_line, 0, end_line, 0, PEM[-1] + "\n")
    assert spans(after) == spans(full(analysis.document.text)) == spans(first)


def test_material_removed_below_the_begin_marker() -> None:
    analysis = Analysis(Document(TEXT, path="a.py"), Config(), [CHECK])
    analysis.run()
    # Replace the first body line with prose: a marker without key material is not reported.
    after = edit(analysis, 3, 0, 3, len(BODY[0]), "not key material")
    assert [f for f in after if f.rule_id == "LG102"] == []
    assert spans(after) == spans(full(analysis.document.text))


def test_opening_marker_typed_above_an_existing_block_end() -> None:
    text = "\n".join(["KEY = '''", *BODY, PEM[-1], "'''", ""])
    analysis = Analysis(Document(text, path="a.py"), Config(), [CHECK])
    assert analysis.run() == []
    after = edit(analysis, 1, 0, 1, 0, PEM[0] + "\n")
    assert [f.rule_id for f in after] == ["LG102"]
    assert spans(after) == spans(full(analysis.document.text))


def test_widen_reaches_the_block_around_an_edit() -> None:
    document = Document(TEXT, path="a.py")
    assert CHECK.widen(document, 4, 4) == (2, 6)
    assert CHECK.widen(document, 9, 9) == (9, 9)  # below the block: nothing to add


@pytest.mark.parametrize("seed", range(12))
def test_random_edits_match_a_full_scan(seed: int) -> None:
    rng = random.Random(seed)
    pieces = [
        PEM[0],
        PEM[-1],
        BODY[1],
        'token = "ghp_FAKEksLxPMwnkH7KDZQEQbZYUDQZgbxYEe6i"',
        'password = "Tr0ub4dor3x"',
        "x = 1",
        "",
        "'''",
    ]
    analysis = Analysis(Document(TEXT, path="notes.txt"), Config(), [CHECK])
    analysis.run()
    for _ in range(15):
        lines = analysis.document.lines
        line = rng.randrange(len(lines))
        if rng.random() < 0.5:
            new_text = rng.choice(pieces) + "\n"
            result = edit(analysis, line, 0, line, 0, new_text)
        else:
            end = min(line + rng.randrange(3), len(lines) - 1)
            result = edit(analysis, line, 0, end, len(lines[end]), rng.choice(pieces))
        assert spans(result) == spans(full(analysis.document.text, "notes.txt"))


def test_prefilter_finds_every_candidate_line() -> None:
    lines = ["x = 1", "café = 'ß' * 3", 'password = "Tr0ub4dor3x"', "y = 2", "a" * 25, "ok"]
    assert candidate_lines(lines, 0, len(lines) - 1) == [2, 4]
    assert candidate_lines(lines, 3, 5) == [4]


def test_bad_input_does_not_crash() -> None:
    for text in ["\x00\x01binary", "x" * 100_000, "password =", "password = '", "KEY = '''\n" + PEM[0]]:
        full(text)
    # A lone surrogate (from a broken client) reaches the scanner itself without harm.
    document = Document("\ud800 password = 'Tr0ub4dor3x'\n", path="a.py")
    found = list(CHECK.scan_lines(document, 0, 1, CheckContext(Config())))
    assert [f.rule_id for f in found] == ["LG104"]
    long_line = 'token = "' + "A" * (scanner.MAX_LINE_LENGTH * 2) + '"'
    full(long_line)


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize(
    ("path", "pieces"),
    [
        (
            "README.md",
            [
                "```python",
                "```",
                "```yaml",
                "~~~",
                'password = "Tr0ub4dor3x"',
                "password: Tr0ub4dor3x",
                "Prose.",
                "",
            ],
        ),
        (
            "index.rst",
            [
                ".. code-block:: python",
                "Example::",
                '    password = "Tr0ub4dor3x"',
                "Prose line.",
                "",
                "    x = 1",
            ],
        ),
        (
            "secret.yaml",
            [
                "kind: Secret",
                "kind: ConfigMap",
                "data:",
                "  password: S3g5M0xtUTd2VDJwWjh3UjRuWTY=",
                "---",
                "x: 1",
                "",
            ],
        ),
    ],
)
def test_random_edits_of_structure_match_a_full_scan(seed: int, path: str, pieces: list[str]) -> None:
    # Fences, directives and `kind: Secret` change how lines far from the edit read.
    rng = random.Random(seed)
    analysis = Analysis(
        Document("\n".join(rng.choice(pieces) for _ in range(12)) + "\n", path=path), Config(), [CHECK]
    )
    analysis.run()
    for _ in range(15):
        lines = analysis.document.lines
        line = rng.randrange(len(lines))
        if rng.random() < 0.5:
            result = edit(analysis, line, 0, line, 0, rng.choice(pieces) + "\n")
        else:
            end = min(line + rng.randrange(3), len(lines) - 1)
            result = edit(analysis, line, 0, end, len(lines[end]), rng.choice(pieces))
        assert spans(result) == spans(full(analysis.document.text, path)), analysis.document.text


def test_an_edit_to_a_continuation_line_rescans_the_line_the_value_starts_on() -> None:
    # An expired JWT split over literal-only lines is judged whole; making its last piece
    # unparseable (an edit two lines below the finding's line) brings the finding back.
    import base64
    import json

    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    token = f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part({'sub': '42', 'exp': 1000000000})}.Qm9vT7zL2xV8nR4kW1pY6cJ3dF5gH0aS9eU2iO4"
    pieces = [token[i : i + 40] for i in range(0, len(token), 40)]
    lines = ['RESPONSE = {"access_token": "' + pieces[0] + '"', *(f'    "{p}"' for p in pieces[1:]), "}", ""]
    text = "\n".join(lines)
    analysis = Analysis(Document(text, path="a.py"), Config(), [CHECK])
    assert analysis.run() == [] == full(text)
    # The second line holds most of the claims: with them garbled the token is no longer known
    # to be expired, and the first line's value is reported again.
    after = edit(analysis, 1, 5, 1, 5 + len(pieces[1]), "x" * len(pieces[1]))
    assert spans(after) == spans(full(analysis.document.text))
    assert [f.span.start_line for f in after] == [0]
    # Restored: quiet again.
    after = edit(analysis, 1, 5, 1, 5 + len(pieces[1]), pieces[1])
    assert after == [] == full(analysis.document.text)
