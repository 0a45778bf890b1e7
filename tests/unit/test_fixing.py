"""``landguard check --fix`` internals: every round re-checked, overlapping fixes in later rounds."""

import ast
from dataclasses import replace

from landguard.engine.config import Config
from landguard.engine.findings import Fix, Span, TextEdit
from landguard.fixing import apply_edits, chosen_fix, fix_text

CONFIG = replace(Config(), dependencies=replace(Config().dependencies, online=False))


def every(findings, lines):
    return findings


def test_nested_findings_are_fixed_over_several_rounds():
    text = "def f(x):\n    return eval(eval(x))\n"
    outcome = fix_text(text, "m.py", CONFIG, every)
    ast.parse(outcome.text)
    assert "eval(" not in outcome.text.replace("literal_eval(", "")
    assert [rule for rule, _ in outcome.applied] == ["LG203", "LG203"]
    assert not [f for f in outcome.findings if f.rule_id == "LG203"]


def test_a_fix_that_breaks_the_syntax_or_leaves_the_finding_is_refused():
    text = "def f(t):\n    return eval(t)\n"

    def bogus(edit_text, span):
        def select(findings, lines):
            return [
                replace(f, fixes=(Fix("bogus", (TextEdit(span, edit_text),), preferred=True),))
                for f in findings
                if f.rule_id == "LG203"
            ]

        return select

    broken = fix_text(text, "m.py", CONFIG, bogus("eval(t", Span(1, 11, 1, 18)))
    assert broken.text == text and broken.rejected == [("LG203", "bogus")] and not broken.applied
    # Parenthesises the argument: the code changes, the finding stays. (Renaming `t` to a free name
    # no longer does: the dataflow rules decide on data, and an unknown global carries none.)
    useless = fix_text(text, "m.py", CONFIG, bogus("(t)", Span(1, 16, 1, 17)))
    assert useless.text == text and useless.rejected == [("LG203", "bogus")]


def test_unsafe_and_non_preferred_fixes_need_asking():
    edit = (TextEdit(Span(0, 0, 0, 0), "x"),)
    from landguard.engine.findings import Confidence, Finding, Severity

    finding = Finding("LG206", Span(0, 0, 0, 1), "m", Severity.WARNING, Confidence.HIGH)
    assert chosen_fix(replace(finding, fixes=(Fix("a", edit),)), unsafe=True) is None
    unsafe = Fix("b", edit, preferred=True, unsafe=True)
    assert chosen_fix(replace(finding, fixes=(unsafe,)), unsafe=False) is None
    assert chosen_fix(replace(finding, fixes=(unsafe,)), unsafe=True) is unsafe


def test_edits_apply_bottom_up_with_crlf():
    text = "a = 1\r\nb = 2\r\n"
    fixes = [Fix("x", (TextEdit(Span(0, 4, 0, 5), "10"),)), Fix("y", (TextEdit(Span(1, 0, 1, 1), "c"),))]
    assert apply_edits(text, fixes) == "a = 10\r\nc = 2\r\n"
