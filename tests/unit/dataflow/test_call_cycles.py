"""Functions of one file that call each other in cycles: results independent of order and cache.

The core summarises a call cycle (a strongly connected component of the file's call graph) as one
unit, iterating its members' summaries to a fixed point: which member an analysis reaches first,
and which summaries an editor's document kept from its previous run, must not change a finding.
These tests drive Python, JavaScript and Java programs with cycles of two and three functions
(``cycle_programs``) through the incremental ``Analysis`` the language server uses and compare
every run with a fresh scan of the same text.
"""

from __future__ import annotations

import pytest
from cycle_programs import Program, edit, mutate, mutations, programs, render
from hypothesis import given, settings
from hypothesis import strategies as st

from landguard.checks.code_rule import rules_check
from landguard.engine.analyze import Analysis
from landguard.engine.config import Config
from landguard.engine.document import Document
from landguard_testing import utf16_range

LANGUAGES = {"python": "a.py", "javascript": "a.js", "java": "Cycle.java"}
CHECKS = {language: rules_check(language) for language in LANGUAGES}


def _fresh(text: str, language: str):
    return Analysis(Document(text, path=LANGUAGES[language]), Config(), [CHECKS[language]]).run()


def _incremental_equals_fresh(program: Program, steps, language: str) -> None:
    text = render(program, language)
    document = Document(text, path=LANGUAGES[language])
    analysis = Analysis(document, Config(), [CHECKS[language]])
    assert analysis.run() == _fresh(text, language), text
    for mutation in steps:
        program = mutate(program, mutation)
        new_text = render(program, language)
        start, end, replacement = edit(text, new_text)
        change = document.apply_change(utf16_range(text, start, end), replacement)
        text = new_text
        assert document.text == text
        assert analysis.run([change]) == _fresh(text, language), text


@pytest.mark.parametrize("language", sorted(LANGUAGES))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_edits_to_call_cycles_equal_a_scan_from_scratch(language, data):
    program = data.draw(programs())
    steps = data.draw(st.lists(mutations(program.size), min_size=1, max_size=6))
    _incremental_equals_fresh(program, steps, language)
