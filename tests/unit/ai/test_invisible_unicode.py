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
        "label = 'ភាសា\u200bខ្មែរ'\n",  # zero-width space between Khmer words
        "title = 'سلام\u200fعليكم'\n",  # right-to-left mark inside Arabic text
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


def test_translation_catalogs_report_only_tag_characters():
    catalog = 'msgid "exists"\nmsgstr "bestaan \u200b\u200buit"\nmsgstr "\u202bRTL\u202c"\n'
    assert not lg601(catalog, "locale/af/LC_MESSAGES/django.po")
    assert len(lg601(catalog, "notes.py")) == 3  # the same text in code is reported
    hidden = 'msgstr "ok\U000e0049\U000e0067"\n'
    assert len(lg601(hidden, "locale/af/LC_MESSAGES/django.po")) == 1


def test_word_breaks_next_to_ascii_are_still_reported():
    assert len(lg601("name = 'ad\u200bmin'\n")) == 1
    assert len(lg601("x = 'ខ\u200bmin'\n")) == 1
    assert len(lg601("team = '👩\u200b💻'\n")) == 1  # a zero-width space is no emoji joiner


def test_a_character_on_its_own_in_a_string_and_marks_in_locale_data_are_quiet():
    table = "ENTITIES = {'ZeroWidthSpace;': '\u200b', 'rlm;': '\u200f'}\n"
    assert not lg601(table, "src/entities.js")
    assert len(lg601("name = 'x\u200b'\n", "src/entities.js")) == 1
    formats = 'SHORT_DATE_FORMAT = "d\u200f/m\u200f/Y"\n'
    assert not lg601(formats, "django/conf/locale/ar/formats.py")
    assert not lg601(formats, "app/formats.py")  # direction marks alone are never reported
    override = 'FORMAT = "d\u202e/m"\n'  # an override still reorders: reported even in locale data
    assert len(lg601(override, "django/conf/locale/ar/formats.py")) == 1
