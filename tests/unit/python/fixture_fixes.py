"""Shared by the LG2xx fixture tests (``test_fixtures`` here and in ``python_web``): the fix cases
of a set of fixtures, and the checks every fix must pass before its finding is looked at."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import libcst
import pytest

from landguard.engine.findings import Fix
from landguard_testing import apply_fix, findings_for, tree_has_error


def fix_cases(fixtures: Iterable[Path], rule_id_of: Callable[[Path], str]) -> Iterator[object]:
    """One ``pytest.param(path, finding, fix)`` per fix offered for a fixture's own rule."""
    for path in fixtures:
        text = path.read_text(encoding="utf-8")
        rule_id = rule_id_of(path)
        for finding in findings_for(text, str(path)):
            if finding.rule_id != rule_id:
                continue
            for number, fix in enumerate(finding.fixes):
                yield pytest.param(path, finding, fix, id=f"{rule_id}:{finding.span.start_line + 1}:{number}")


def apply_parsing_fix(path: Path, fix: Fix) -> tuple[str, str]:
    """The fixture's text and the text after ``fix``, which must change it and still parse."""
    text = path.read_text(encoding="utf-8")
    fixed = apply_fix(text, fix)
    assert fixed != text, f"{fix.title!r} changes nothing"
    ast.parse(fixed)
    libcst.parse_module(fixed)
    assert not tree_has_error(fixed, str(path)), f"{fix.title!r} leaves a syntax error:\n{fixed}"
    return text, fixed
