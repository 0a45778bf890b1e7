"""File-wide code actions: ``source.fixAll.landguard`` (fix on save), "Fix all LGnnn in file"
and "Suppress LGnnn in this file".

A fix-all applies the *safe* fixes (the ones a rule marks preferred, which the quick fix menu
also puts first) that only edit this document, in document order, skipping a fix whose edits
overlap one already taken (the next save or run picks it up); identical edits shared by several
fixes (the same import added twice) are applied once.
"""

from __future__ import annotations

from collections.abc import Iterable

from lsprotocol import types

from landguard.engine.document import Document
from landguard.engine.findings import Finding, TextEdit
from landguard.lsp.convert import file_suppress_edit, lsp_range, text_edit_from_json

SOURCE_FIX_ALL = "source.fixAll.landguard"
FIX_ALL = "fixAll"
FIX_RULE = "fixRule"
SUPPRESS_FILE = "suppressFile"


def safe_fix_edits(findings: Iterable[Finding], rule_id: str | None = None) -> list[TextEdit]:
    """The edits of every safe fix (of ``rule_id`` only, if given), non-overlapping."""
    taken: list[TextEdit] = []
    for finding in sorted(findings, key=Finding.sort_key):
        if rule_id is not None and finding.rule_id != rule_id:
            continue
        fix = next((f for f in finding.fixes if f.preferred), None)
        if fix is None or any(edit.path is not None for edit in fix.edits):
            continue
        new = [edit for edit in fix.edits if edit not in taken]
        if any(_overlap(edit, other) for edit in new for other in taken):
            continue
        taken.extend(new)
    return taken


def _overlap(a: TextEdit, b: TextEdit) -> bool:
    a_start, a_end = (a.span.start_line, a.span.start_col), (a.span.end_line, a.span.end_col)
    b_start, b_end = (b.span.start_line, b.span.start_col), (b.span.end_line, b.span.end_col)
    if a_start == b_start:
        return True  # two edits at one place: their order would be arbitrary
    return a_start < b_end and b_start < a_end


def fixable_rules(findings: Iterable[Finding]) -> dict[str, int]:
    """How many findings per rule have a safe fix."""
    counts: dict[str, int] = {}
    for finding in findings:
        if any(f.preferred and all(e.path is None for e in f.edits) for f in finding.fixes):
            counts[finding.rule_id] = counts.get(finding.rule_id, 0) + 1
    return counts


def text_edits(action: str, rule_id: str | None, findings: Iterable[Finding], document: Document):
    """The LSP text edits of a file-wide action on the document the findings are of."""
    if action == SUPPRESS_FILE:
        edit = file_suppress_edit(str(rule_id), document)
        return [text_edit_from_json(edit)] if edit is not None else []
    chosen = safe_fix_edits(findings, rule_id if action == FIX_RULE else None)
    lines = document.lines
    return [types.TextEdit(range=lsp_range(edit.span, lines), new_text=edit.new_text) for edit in chosen]


def title(action: str, rule_id: str | None) -> str:
    if action == FIX_ALL:
        return "Landguard: fix all safely fixable problems"
    if action == FIX_RULE:
        return f"Fix all {rule_id} in file"
    return f"Suppress {rule_id} in this file"
