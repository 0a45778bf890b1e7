"""LG601: invisible and bidirectional Unicode."""

import pytest

from landguard_testing import apply_fix, findings_for


def lg601(text, path="a.py"):
    return [f for f in findings_for(text, path) if f.rule_id == "LG601"]


@pytest.mark.parametrize(
    "text",
    [
        'if level != "user\u202e \u2066# admin\u2069 \u2066":\n    grant()\n',  # Trojan Source
        "def is_ad\u200bmin(user):\n    return True\n",  # zero-width space in a name
        "# helpful rule\U000e0049\U000e0067\U000e006e\U000e006f\U000e0072\U000e0065\n",  # hidden tag text
        "const x = 'a\u2060b';\n",
    ],
)
def test_flags_hidden_characters_and_the_fix_removes_them(text):
    fixed = text
    for _ in range(10):  # one finding per run of hidden characters; fix them one by one
        found = lg601(fixed)
        if not found:
            break
        fixed = apply_fix(fixed, found[0].fixes[0])
    assert fixed != text and not lg601(fixed)


@pytest.mark.parametrize(
    "text",
    [
        "\ufeffprint('bom at start is fine')\n",
        "team = '👩\u200d💻 engineers'\n",  # ZWJ inside an emoji sequence
        "word = 'می\u200cخواهم'\n",  # ZWNJ in Persian text
        "plain = 'naïve café'\n",
        'SHORT_DATE_FORMAT = "d\u200f/m\u200f/Y"  # Django\'s Arabic locale: right-to-left marks\n',
        "greeting = 'שלום \u200eABC\u200e עולם'  # a left-to-right mark in Hebrew text\n",
        "title = 'مرحبا بالعالم'  # Arabic, no controls at all\n",
    ],
)
def test_quiet_on_legitimate_uses(text):
    assert not lg601(text)


def test_message_names_the_code_points():
    (finding,) = lg601("x = 'a\u202eb'\n", "notes.md")
    assert "U+202E" in finding.message and "bidirectional" in finding.message


def test_marks_next_to_a_control_are_still_reported():
    (finding,) = lg601("x = 'a\u200f\u202eb'\n")
    assert "U+202E" in finding.message and "U+200F" in finding.message
