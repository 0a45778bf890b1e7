"""Findings <-> LSP diagnostics.

Every position conversion goes through ``engine/positions.py``; this module only shapes the
results. A diagnostic carries, in ``data``, everything its code actions need (the rule's fixes
and a suppression edit, with UTF-16 ranges), so ``textDocument/codeAction`` never re-analyses.
For clients that resolve code actions, ``data`` is *lean* instead (rule id, a key and the number
of fixes): the edits are computed from the kept finding on ``codeAction/resolve``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from lsprotocol import types
from pygls.uris import from_fs_path

from landguard.engine import positions
from landguard.engine.document import Document, LineChange
from landguard.engine.findings import Finding, Severity, Span
from landguard.engine.registry import get_rule
from landguard.engine.suppress import statement_lines
from landguard.engine.templates import is_template
from landguard.lsp import converter

SOURCE = "landguard"
# pygls' default converter configuration (lazily resolved types, ``converter``); the server's
# protocol structures and serialises messages with this one too.
CONVERTER = converter.build()

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.NOTE: types.DiagnosticSeverity.Information,
}

# Comment syntax per language, for "suppress on this line". Languages without line comments (JSON)
# get no suppress action.
_HASH = frozenset({"python", "yaml", "toml", "shell", "dotenv", "ini", "dockerfile", "requirements"})
_SLASH = frozenset({"javascript", "typescript", "tsx", "java"})
# How comments that need one are closed.
_CLOSER = {"<!--": " -->", "{#": " #}"}
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


def comment_prefix_at(document: Document, line: int) -> str | None:
    """The comment syntax at ``line``: a Vue component's script takes ``//``, the rest ``<!--``;
    a Django/Jinja template (analysed as text) takes a template comment, ``{#``."""
    layout = document.layout
    if document.host is None or layout is None:
        if document.language == "text" and is_template(document):
            return "{#"
        return comment_prefix(document.language)
    source = document.raw_source
    for block in layout.scripts:
        if source.count(b"\n", 0, block.start) <= line < source.count(b"\n", 0, block.end):
            return "//"
    return "<!--"


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
    prefix = comment_prefix_at(document, finding.span.start_line)
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
    comment += _CLOSER.get(prefix, "")
    if document.language in _OWN_LINE:
        line_text = lines[first]
        indent = line_text[: len(line_text) - len(line_text.lstrip())]
        newline = "\r\n" if document.uses_crlf else "\n"
        return _edit_json(Span.on_line(first, 0, 0), f"{indent}{comment}{newline}", lines)
    end = len(lines[last])
    return _edit_json(Span.on_line(last, end, end), f"  {comment}", lines)


def file_suppress_edit(rule_id: str, document: Document) -> dict[str, Any] | None:
    """The edit adding ``landguard: ignore-file[LGnnn] -- reason`` at the top of the file (or the
    id to an existing one), or None when the language has no comments or the rule is there already."""
    prefix = comment_prefix_at(document, 0)
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
    comment += _CLOSER.get(prefix, "")
    newline = "\r\n" if document.uses_crlf else "\n"
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


class _Entry:
    """One converted diagnostic: its finding, the typed diagnostic, its JSON (as a dict and as
    text), the lines its content depends on, and the key that names it for ``codeAction/resolve``."""

    __slots__ = ("data", "diagnostic", "finding", "key", "lean", "statement", "text", "touched", "value_key")

    def __init__(
        self,
        finding: Finding,
        diagnostic: types.Diagnostic,
        statement: tuple[int, int],
        touched: tuple[tuple[int, int], ...],
        lean: bool,
    ) -> None:
        self.finding = finding
        self.diagnostic = diagnostic
        self.data = CONVERTER.unstructure(diagnostic)
        self.text = json.dumps(self.data)
        self.statement = statement
        self.touched = touched
        self.lean = lean
        self.key = finding_key(finding)
        self.value_key: tuple = ()


# Entries of findings no longer reported that a cache keeps (a finding typed away and back, an
# undo) before it drops them all: each holds a diagnostic, its JSON and its finding (a few KB),
# in every open document (200 documents: 2n + 100 of them grew the soak by tens of MB).
_STALE_ENTRIES = 16


class DiagnosticCache:
    """The diagnostics of a document's previous analysis, reused for findings that did not change.

    A diagnostic depends on its finding, the text of the lines its ranges and fix edits touch
    (UTF-16 columns), and the statement a suppression comment would go on. Converting and
    serialising thousands of diagnostics on every keystroke costs far more than the analysis, so:

    - a finding that is the *same object* as in the previous conversion (the engine keeps the
      objects of unchanged results, ``engine/analyze.py``), whose lines no edit since then touched
      or moved, keeps its diagnostic without any work (``changes`` says what the edits were);
    - any other finding is looked up by value (the finding, its statement and the text of those
      lines), so a result that was recomputed but came out the same is not converted again;
    - each diagnostic keeps its JSON text, so a publish joins strings instead of serialising.
    """

    def __init__(self) -> None:
        self._entries: dict[tuple, _Entry] = {}
        self._by_id: dict[int, _Entry] = {}
        self._by_diagnostic: dict[int, _Entry] = {}
        self._crlf: bool | None = None
        # The findings of the last conversion by ``finding_key`` (what lean diagnostics name).
        self.findings: dict[str, Finding] = {}
        self.statements: dict[str, tuple[int, int]] = {}

    def convert(
        self,
        findings: list[Finding],
        document: Document,
        lean: bool = False,
        changes: Sequence[LineChange] | None = None,
    ) -> list[types.Diagnostic]:
        """Diagnostics for ``findings``; ``changes``: the line changes since the previous call
        (``None``: not known, so nothing is reused by identity)."""
        lines = document.lines
        crlf = document.uses_crlf
        reuse_objects = changes is not None and crlf == self._crlf
        previous = self._by_id if reuse_objects else {}
        changes = list(changes or ())
        by_id: dict[int, _Entry] = {}
        diagnostics = []
        for finding in findings:
            entry = previous.get(id(finding))
            if (
                entry is None
                or entry.finding is not finding
                or entry.lean != lean
                or not _unmoved(entry.touched, changes)
            ):
                entry = self._by_value(finding, document, lines, crlf, lean)
            by_id[id(finding)] = entry
            diagnostics.append(entry.diagnostic)
        if len(self._entries) > len(by_id) + _STALE_ENTRIES:
            # Keep what the current findings use, so the cache never outgrows the document.
            self._entries = {entry.value_key: entry for entry in by_id.values()}
        self._by_id, self._crlf = by_id, crlf
        self._by_diagnostic = {id(entry.diagnostic): entry for entry in by_id.values()}
        by_key: dict[str, Finding] = {}
        statements: dict[str, tuple[int, int]] = {}
        for entry in by_id.values():
            if entry.key not in by_key:
                by_key[entry.key] = entry.finding
                statements[entry.key] = entry.statement
        self.findings, self.statements = by_key, statements
        return diagnostics

    def _by_value(
        self,
        finding: Finding,
        document: Document,
        lines: list[str],
        crlf: bool,
        lean: bool,
    ) -> _Entry:
        span = finding.span
        statement = statement_lines(document, span.start_line, span.start_col)
        # What the diagnostic is made of: its range, the suppression comment's place (the
        # statement's first and last lines) and each fix edit's range. Kept as line ranges, not
        # every line in them: a finding in a 2,000-line statement (an unclosed string) would key
        # and keep a tuple of 2,000 line numbers and texts per entry, and every stale entry the
        # cache holds would keep those old lines alive (issue #15's soak).
        touched = [statement, (span.start_line, span.end_line)]
        if not lean:
            touched.extend((e.span.start_line, e.span.end_line) for fix in finding.fixes for e in fix.edits)
        # Only the end lines' texts decide the content (columns are counted on them; the comment
        # goes on the statement's first or last line); a change between them moves or replaces
        # lines inside a range, which ``_unmoved`` sees for a reused entry and the statement or
        # span in the key shows for a new one.
        count = len(lines)
        key = (
            finding,
            statement,
            tuple(lines[n] if 0 <= n < count else None for first, last in touched for n in (first, last)),
            crlf,
            lean,
        )
        entry = self._entries.get(key)
        if entry is None:
            entry = _Entry(finding, to_diagnostic(finding, document, statement, lean), statement, (), lean)
        elif entry.finding is not finding:
            # The same diagnostic for an equal finding: remember this object for the next edit.
            reused = object.__new__(_Entry)
            for name in _Entry.__slots__:
                setattr(reused, name, getattr(entry, name))
            reused.finding = finding
            entry = reused
        entry.touched = tuple(touched)
        entry.value_key = key
        self._entries[key] = entry
        return entry

    def json_for(self, diagnostic: types.Diagnostic) -> dict[str, Any]:
        """The JSON form of a diagnostic (from the cache when it is one of ours)."""
        entry = self._by_diagnostic.get(id(diagnostic))
        return (
            entry.data
            if entry is not None and entry.diagnostic is diagnostic
            else CONVERTER.unstructure(diagnostic)
        )

    def json_text_for(self, diagnostic: types.Diagnostic) -> str:
        """The serialised JSON of a diagnostic (from the cache when it is one of ours)."""
        entry = self._by_diagnostic.get(id(diagnostic))
        if entry is not None and entry.diagnostic is diagnostic:
            return entry.text
        return json.dumps(CONVERTER.unstructure(diagnostic))


def _unmoved(touched: tuple[tuple[int, int], ...], changes: list[LineChange]) -> bool:
    """Whether no line of the ``touched`` ranges (first and last line, inclusive) was replaced or
    moved by ``changes`` (in order): each range is mapped back through the changes whole."""
    if not changes:
        return True
    for first, last in touched:
        low, high = first, last
        for change in reversed(changes):
            if change.first <= change.new_last:  # new lines first..new_last replaced old ones
                if high < change.first:
                    continue
                if low > change.new_last:
                    low, high = low - change.delta, high - change.delta
                    continue
                return False  # a line of the range is one of the new lines
            # Only a deletion: the lines after it moved up, the range may lie on both sides.
            if high <= change.new_last:
                continue
            if low > change.new_last:
                low, high = low - change.delta, high - change.delta
                continue
            if not _lines_unmoved(range(first, last + 1), changes):
                return False
            break
        else:
            if low != first:
                return False
    return True


def _lines_unmoved(lines: Iterable[int], changes: list[LineChange]) -> bool:
    """``_unmoved`` line by line (for a range a deletion splits)."""
    for line in lines:
        at = line
        for change in reversed(changes):
            if at > change.new_last:
                at -= change.delta
            elif at >= change.first:
                return False
        if at != line:
            return False
    return True


def range_from_json(value: dict[str, Any]) -> types.Range:
    start, end = value["start"], value["end"]
    return types.Range(
        types.Position(int(start["line"]), int(start["character"])),
        types.Position(int(end["line"]), int(end["character"])),
    )


def text_edit_from_json(value: dict[str, Any]) -> types.TextEdit:
    return types.TextEdit(range=range_from_json(value["range"]), new_text=str(value["newText"]))
