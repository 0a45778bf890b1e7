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


# The repro of issue #9: `view` calls `other`, which calls `view` again. Which of the two was
# summarised first decided the findings, so after `DEBUG = False` became `0` and then `1` the
# incremental run (summaries kept from the run before) lost the LG202 a fresh scan kept.
BRIEF = Program(debug=False, before=1, returns=0, bodies=(0,))
DEBUG_EDITS = [("debug", 2, 0), ("debug", 3, 0), ("debug", 1, 0), ("debug", 0, 0)]  # 0, 1, True, False


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_the_repro_edited_through_its_constant_equals_a_scan_from_scratch(language):
    _incremental_equals_fresh(BRIEF, DEBUG_EDITS, language)


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_the_repro_with_a_helper_that_returns_its_argument_is_reported_in_every_run(language):
    # `other` returns its argument while DEBUG is set: request data reaches the sink through the
    # cycle exactly then (and a fresh scan and the incremental run agree on each text).
    program = Program(debug=False, before=1, returns=0, bodies=(3,))
    for mutation in [None, *DEBUG_EDITS]:
        if mutation is not None:
            program = mutate(program, mutation)
        text = render(program, language)
        lines = text.splitlines()
        sink = next(n for n, line in enumerate(lines) if "f1(" in line and ("name" in line))
        reported = {f.span.start_line for f in _fresh(text, language) if f.rule_id in SINK_RULES}
        assert (sink in reported) == bool(program.debug), text
    _incremental_equals_fresh(Program(debug=False, before=1, returns=0, bodies=(3,)), DEBUG_EDITS, language)


SINK_RULES = {"LG202", "LG303", "LG404"}


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_a_caller_kept_across_a_constant_change_sees_its_callees_new_summaries(language):
    # Found by the generator: `f1` calls itself while DEBUG holds, else `f2`, which returns its
    # argument. DEBUG changing clears the document's summaries, but no function's text changed, so
    # no key was suspect: `f0`'s JavaScript unit key kept `f1`'s summary of the old constant. Once
    # `f1` sanitized (its summary equal to that stale one), `f0` kept the finding of the middle run.
    program = Program(debug=True, before=2, returns=1, bodies=(11, 4))
    _incremental_equals_fresh(program, [("debug", 2, 0), ("body", 0, 7)], language)


def _renamed(text: str, old: str, new: str) -> str:
    return text.replace(f"{old}(", f"{new}(")


@pytest.mark.parametrize("language", sorted(LANGUAGES))
@pytest.mark.parametrize("bodies", [(0,), (3,), (6,), (8,), (5, 0), (1, 11)])
def test_findings_do_not_depend_on_the_names_or_order_of_the_members(language, bodies):
    # Which member is summarised first used to follow the names (Java: sorted keys) or the order of
    # definition (JavaScript): renaming the helper so it sorts first, or defining it first, changed
    # what was reported.
    for debug in (False, True):
        text = render(Program(debug, 1, 0, bodies), language)

        def found(source: str) -> list[tuple[str, int]]:
            return sorted((f.rule_id, f.span.start_line) for f in _fresh(source, language))

        expected = found(text)
        assert found(_renamed(text, "f1", "a1")) == expected
        assert found(_renamed(_renamed(text, "f0", "z0"), "f1", "y1")) == expected
        moved = _helpers_first(text, language)
        shift = _line_shift(text, moved)
        assert sorted((rule, shift(line)) for rule, line in found(moved)) == expected


def _helpers_first(text: str, language: str) -> str:
    """The same program with the entry ``f0`` defined after the helpers."""
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if " f0(" in line and ("def" in line or "{" in line))
    if language == "python":
        end = next(n for n in range(start + 1, len(lines)) if lines[n].startswith("def "))
        end -= 2
    else:
        closing = "}" if language == "javascript" else "    }"
        end = next(n for n in range(start, len(lines)) if lines[n] == closing) + 1
    entry = lines[start:end]
    rest = lines[:start] + lines[end:]
    tail = len(rest) - (1 if language == "java" else 0)
    gap = ["", ""] if language == "python" else [""]
    return "\n".join(rest[:tail] + gap + entry + rest[tail:]).rstrip("\n") + "\n"


def _line_shift(before: str, after: str):
    """Maps a line of ``after`` to the line of ``before`` with the same text (lines are unique
    enough in these programs: the sink and each definition appear once)."""
    old = before.splitlines()
    new = after.splitlines()

    def shift(line: int) -> int:
        return old.index(new[line])

    return shift
