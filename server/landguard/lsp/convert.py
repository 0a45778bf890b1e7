"""Findings <-> LSP diagnostics.

Every position conversion goes through ``engine/positions.py``; this module only shapes the
results. A diagnostic carries, in ``data``, everything its code actions need (the rule's fixes
and a suppression edit, with UTF-16 ranges), so ``textDocument/codeAction`` never re-analyses.
For clients that resolve code actions, ``data`` is *lean* instead (rule id, a key and the number
of fixes): the edits are computed from the kept finding on ``codeAction/resolve``.
"""

from __future__ import annotations

import re
from typing import Any

from lsprotocol import types
from pygls.protocol import default_converter
from pygls.uris import from_fs_path

from landguard.engine import positions
from landguard.engine.document import Document
from landguard.engine.findings import Finding, Severity, Span
from landguard.engine.registry import get_rule
from landguard.engine.suppress import statement_lines

SOURCE = "landguard"
# The same converter configuration pygls uses to serialise messages.
CONVERTER = default_converter()

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.NOTE: types.DiagnosticSeverity.Information,
}

# Comment syntax per language, for "suppress on this line". Languages without line comments (JSON)
# get no suppress action.
_HASH = frozenset({"python", "yaml", "toml", "shell", "dotenv", "ini", "dockerfile", "requirements"})
_SLASH = frozenset({"javascript", "typescript", "tsx", "java"})
# Where a trailing comment would change meaning (Dockerfile and INI have no inline comments; many
# dotenv loaders keep ` # ...` as part of the value), the suppression goes on its own line above.
_OWN_LINE = frozenset({"dockerfile", "ini", "dotenv"})
_EXISTING_IGNORE = re.compile(r"landguard:\s*ignore\[([^\]]*)\]", re.I)
_EXISTING_FILE_IGNORE = re.compile(r"landguard:\s*ignore-file\[([^\]]*)\]", re.I)
# Lines that must stay first: a shebang, Python's coding declaration.
_HEADER = re.compile(r"^(#!|#.*coding[:=])")


def comment_prefix(language: str) -> str | None:
    if language in _HASH:
        return "#"
    if language in _SLASH:
        return "//"
    if language == "markdown":
        return "<!--"
    return None


def lsp_range(span: Span, lines: list[str]) -> types.Range:
    start_line, start_char, end_line, end_char = positions.span_to_utf16(span, lines)
    return types.Range(types.Position(start_line, start_char), types.Position(end_line, end_char))


def _range_json(span: Span, lines: list[str]) -> dict[str, Any]:
    start_line, start_char, end_line, end_char = positions.span_to_utf16(span, lines)
    return {
        "start": {"line": start_line, "character": start_char},
        "end": {"line": end_line, "character": end_char},
    }


def _edit_json(span: Span, new_text: str, lines: list[str]) -> dict[str, Any]:
    return {"range": _range_json(span, lines), "newText": new_text}


def suppress_edit(
    finding: Finding, document: Document, statement: tuple[int, int] | None = None
) -> dict[str, Any] | None:
    """The edit adding ``landguard: ignore[LGnnn] -- reason`` for this finding, or None if impossible."""
    prefix = comment_prefix(document.language)
    lines = document.lines
    if prefix is None or not 0 <= finding.span.start_line < len(lines):
        return None
    first, last = statement or statement_lines(document, finding.span.start_line, finding.span.start_col)
    last = max(last, finding.span.start_line)
    if last >= len(lines):
        return None
    # A suppression comment already on the statement's last line: add the id to its list.
    existing = _EXISTING_IGNORE.search(lines[last])
    if existing is not None:
        ids = [s.strip().upper() for s in existing.group(1).split(",") if s.strip()]
        if finding.rule_id in ids:
            return None
        insert_at = existing.end(1)
        separator = ", " if ids else ""
        return _edit_json(Span.on_line(last, insert_at, insert_at), f"{separator}{finding.rule_id}", lines)
    comment = f"{prefix} landguard: ignore[{finding.rule_id}] -- reason"
    if prefix == "<!--":
        comment += " -->"
    if document.language in _OWN_LINE:
        line_text = lines[first]
        indent = line_text[: len(line_text) - len(line_text.lstrip())]
        newline = "\r\n" if "\r\n" in document.text else "\n"
        return _edit_json(Span.on_line(first, 0, 0), f"{indent}{comment}{newline}", lines)
    end = len(lines[last])
    return _edit_json(Span.on_line(last, end, end), f"  {comment}", lines)


def file_suppress_edit(rule_id: str, document: Document) -> dict[str, Any] | None:
    """The edit adding ``landguard: ignore-file[LGnnn] -- reason`` at the top of the file (or the
    id to an existing one), or None when the language has no comments or the rule is there already."""
    prefix = comment_prefix(document.language)
    if prefix is None:
        return None
    lines = document.lines
    for number, line in enumerate(lines):
        existing = _EXISTING_FILE_IGNORE.search(line)
        if existing is not None:
            ids = [s.strip().upper() for s in existing.group(1).split(",") if s.strip()]
            if rule_id in ids:
                return None
            at = existing.end(1)
            return _edit_json(Span.on_line(number, at, at), f"{', ' if ids else ''}{rule_id}", lines)
    line = 0
    while line < min(len(lines), 2) and _HEADER.match(lines[line]):
        line += 1
    comment = f"{prefix} landguard: ignore-file[{rule_id}] -- reason"
    if prefix == "<!--":
        comment += " -->"
    newline = "\r\n" if "\r\n" in document.text else "\n"
    if line >= len(lines):  # a file made only of header lines
        end = len(lines[-1]) if lines else 0
        return _edit_json(Span.on_line(max(len(lines) - 1, 0), end, end), f"{newline}{comment}", lines)
    return _edit_json(Span.on_line(line, 0, 0), f"{comment}{newline}", lines)


def finding_key(finding: Finding) -> str:
    """A short key naming a finding of a document's current analysis (rule and place)."""
    s = finding.span
    return f"{finding.rule_id}:{s.start_line}:{s.start_col}:{s.end_line}:{s.end_col}"


def fix_payload(finding: Finding, lines: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "title": fix.title,
            "preferred": fix.preferred,
            "edits": [
                _edit_json(edit.span, edit.new_text, lines)
                if edit.path is None
                else _other_file_edit_json(edit.span, edit.new_text, edit.path)
                for edit in fix.edits
            ],
        }
        for fix in finding.fixes
    ]


def _other_file_edit_json(span: Span, new_text: str, path: str) -> dict[str, Any]:
    """An edit to another file (an ignore file): UTF-16 columns from that file's text, and its URI."""
    try:
        with open(path, encoding="utf-8", errors="replace", newline="") as handle:
            lines = positions.split_lines(handle.read())
    except OSError:
        lines = []  # created by the fix: its edits sit at (0, 0)
    return {**_edit_json(span, new_text, lines), "uri": from_fs_path(path)}


def to_diagnostic(
    finding: Finding, document: Document, statement: tuple[int, int] | None = None, lean: bool = False
) -> types.Diagnostic:
    lines = document.lines
    rule = get_rule(finding.rule_id)
    suppress = suppress_edit(finding, document, statement)
    data: dict[str, Any]
    if lean:
        # The edits come on codeAction/resolve; the count tells clients (and tests) what to expect.
        data = {
            "ruleId": finding.rule_id,
            "confidence": finding.confidence.label,
            "key": finding_key(finding),
            "fixes": len(finding.fixes),
        }
        if suppress is not None:
            data["suppress"] = True
    else:
        data = {
            "ruleId": finding.rule_id,
            "confidence": finding.confidence.label,
            "fixes": fix_payload(finding, lines),
        }
        if suppress is not None:
            data["suppress"] = suppress
    return types.Diagnostic(
        range=lsp_range(finding.span, lines),
        message=finding.display_message,
        severity=_SEVERITY[finding.severity],
        code=finding.rule_id,
        code_description=types.CodeDescription(href=rule.help_uri) if rule is not None else None,
        source=SOURCE,
        data=data,
    )


def to_diagnostics(findings: list[Finding], document: Document) -> list[types.Diagnostic]:
    return [to_diagnostic(f, document) for f in findings]


class DiagnosticCache:
    """The diagnostics of a document's previous analysis, reused for findings that did not change.

    A diagnostic depends on its finding, the text of the lines its ranges and fix edits touch
    (UTF-16 columns), and the statement a suppression comment would go on; with all of those
    unchanged it is reused, with its JSON form — converting and serialising hundreds of
    diagnostics with fix payloads on every keystroke otherwise costs more than the analysis.
    """

    def __init__(self) -> None:
        self._entries: dict[tuple, tuple[types.Diagnostic, dict[str, Any]]] = {}
        self._json_by_id: dict[int, dict[str, Any]] = {}
        # The findings of the last conversion by ``finding_key`` (what lean diagnostics name).
        self.findings: dict[str, Finding] = {}
        self.statements: dict[str, tuple[int, int]] = {}

    def convert(
        self, findings: list[Finding], document: Document, lean: bool = False
    ) -> list[types.Diagnostic]:
        lines = document.lines
        crlf = "\r\n" in document.text
        fresh: dict[tuple, tuple[types.Diagnostic, dict[str, Any]]] = {}
        by_key: dict[str, Finding] = {}
        statements: dict[str, tuple[int, int]] = {}
        diagnostics = []
        for finding in findings:
            span = finding.span
            statement = statement_lines(document, span.start_line, span.start_col)
            edit_lines = [
                line
                for fix in finding.fixes
                for e in fix.edits
                for line in (e.span.start_line, e.span.end_line)
            ]
            by_key.setdefault(finding_key(finding), finding)
            statements.setdefault(finding_key(finding), statement)
            # The lines themselves, not the stretch between them: a fix adding ``import os`` at the top
            # would otherwise key each of 3,000 findings on every line above it (quadratic per keystroke).
            touched = sorted(
                {
                    *range(statement[0], statement[1] + 1),
                    *range(span.start_line, span.end_line + 1),
                    *edit_lines,
                }
            )
            key = (finding, statement, tuple(lines[n] for n in touched if 0 <= n < len(lines)), crlf, lean)
            entry = self._entries.get(key) or fresh.get(key)
            if entry is None:
                diagnostic = to_diagnostic(finding, document, statement, lean)
                entry = (diagnostic, CONVERTER.unstructure(diagnostic))
            fresh[key] = entry
            diagnostics.append(entry[0])
        self._entries = fresh
        self.findings, self.statements = by_key, statements
        self._json_by_id = {id(diagnostic): data for diagnostic, data in fresh.values()}
        return diagnostics

    def json_for(self, diagnostic: types.Diagnostic) -> dict[str, Any]:
        """The JSON form of a diagnostic (from the cache when it is one of ours)."""
        cached = self._json_by_id.get(id(diagnostic))
        return cached if cached is not None else CONVERTER.unstructure(diagnostic)


def range_from_json(value: dict[str, Any]) -> types.Range:
    start, end = value["start"], value["end"]
    return types.Range(
        types.Position(int(start["line"]), int(start["character"])),
        types.Position(int(end["line"]), int(end["character"])),
    )


def text_edit_from_json(value: dict[str, Any]) -> types.TextEdit:
    return types.TextEdit(range=range_from_json(value["range"]), new_text=str(value["newText"]))
