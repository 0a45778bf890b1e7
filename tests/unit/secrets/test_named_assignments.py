"""LG104 and LG105 parse a line's assignments once between them, and LG105 asks its entropy test
before the placeholder tests: the same hits as each detector parsing the line on its own."""

from __future__ import annotations

import pytest
from test_detector_gates import LANGUAGES, _hits, _lines

from landguard.checks.secrets import hardcoded_passwords, high_entropy_assignments
from landguard.checks.secrets.heuristics import looks_random


def _fresh(line: str, language: str | None, *, weak: bool) -> list:
    hardcoded_passwords._LAST_LINE = (None, None, ())  # nothing remembered from another call
    return list(hardcoded_passwords.find_hardcoded_secrets(line, 0, language, weak=weak))


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return _lines()


def _counting_parses(monkeypatch) -> list[str]:
    """The lines ``find_assignments`` parses from now on."""
    parsed: list[str] = []
    parse = hardcoded_passwords.find_assignments

    def counting(line, language):
        parsed.append(line)
        return parse(line, language)

    monkeypatch.setattr(hardcoded_passwords, "find_assignments", counting)
    return parsed


def test_the_shared_parse_gives_each_detector_its_own_hits(lines, monkeypatch) -> None:
    found = parsed_once = 0
    for line in lines:
        for language in LANGUAGES:
            strong, weak = _fresh(line, language, weak=False), _fresh(line, language, weak=True)
            hardcoded_passwords._LAST_LINE = (None, None, ())  # the line not remembered from _fresh
            parsed = _counting_parses(monkeypatch)
            # In the scanner's order: LG104 then LG105 on the same line object, the second from memory.
            assert _hits(hardcoded_passwords.find_hardcoded_secrets(line, 0, language, weak=False)) == _hits(
                strong
            )
            assert _hits(hardcoded_passwords.find_hardcoded_secrets(line, 0, language, weak=True)) == _hits(
                weak
            )
            assert len(parsed) <= 1, (line, language)  # parsed once for both (none without a secret word)
            monkeypatch.undo()
            parsed_once += len(parsed)
            found += bool(strong) + bool(weak)
    assert found >= 50 and parsed_once >= 50


def test_an_equal_line_in_another_language_is_parsed_again() -> None:
    line = "ENV SMTP_PWD S3cr3tPassw0rd"
    docker = _hits(hardcoded_passwords.find_hardcoded_secrets(line, 0, "dockerfile", weak=False))
    python = _hits(hardcoded_passwords.find_hardcoded_secrets(line, 0, "python", weak=False))
    assert docker and docker != python
    assert python == _hits(_fresh(line, "python", weak=False))


def test_the_entropy_test_first_keeps_lg105s_hits(lines, monkeypatch) -> None:
    found = 0
    placeholder_tested: list[str] = []
    is_not_a_secret_value = hardcoded_passwords.is_not_a_secret_value
    for line in lines:
        for language in LANGUAGES:
            expected = [hit for hit in _fresh(line, language, weak=True) if looks_random(hit.value)]
            monkeypatch.setattr(
                hardcoded_passwords,
                "is_not_a_secret_value",
                lambda value: placeholder_tested.append(value) or is_not_a_secret_value(value),
            )
            got = list(high_entropy_assignments.find_high_entropy_secrets(line, 0, language))
            monkeypatch.undo()
            assert [(h.value, h.span) for h in got] == [(h.value, h.span) for h in expected], (line, language)
            assert all(hit.rule is high_entropy_assignments.RULE for hit in got)
            found += bool(got)
    assert found >= 10
    # The placeholder tests (the dearer ones) only ever see values that passed the entropy test.
    assert placeholder_tested and all(looks_random(value) for value in placeholder_tested)
