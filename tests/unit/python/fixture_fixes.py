"""Shared by the LG2xx fixture tests (``test_fixtures`` here and in ``python_web``): the checks
every fix must pass before its finding is looked at."""

from __future__ import annotations

import ast
from pathlib import Path

import libcst

from landguard.engine.findings import Fix
from landguard_testing import apply_fix, tree_has_error


def apply_parsing_fix(path: Path, fix: Fix) -> tuple[str, str]:
    """The fixture's text and the text after ``fix``, which must change it and still parse."""
    text = path.read_text(encoding="utf-8")
    fixed = apply_fix(text, fix)
    assert fixed != text, f"{fix.title!r} changes nothing"
    ast.parse(fixed)
    libcst.parse_module(fixed)
    assert not tree_has_error(fixed, str(path)), f"{fix.title!r} leaves a syntax error:\n{fixed}"
    return text, fixed
