"""What a check reports: Finding, Fix, TextEdit and the one position model, Span.

Positions inside Landguard are always 0-based lines and 0-based columns counted in
Unicode code points (Python ``str`` indices within the line). Every other convention
(tree-sitter byte columns, libcst 1-based lines, LSP UTF-16 columns) is converted in
``engine/positions.py`` and nowhere else.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace

from landguard.frozen_records import fast_init


class Severity(enum.IntEnum):
    """How bad a finding is. Ordered, so ``>=`` compares levels; names follow SARIF."""

    NOTE = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls[value.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {value!r} (expected note, warning or error)") from None

    def raised(self) -> Severity:
        return Severity(min(self + 1, Severity.ERROR))

    @property
    def label(self) -> str:
        return self.name.lower()


class Confidence(enum.IntEnum):
    """How sure the rule is that this is a real problem; a separate axis from severity (as in Bandit)."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@fast_init
@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A range of text: 0-based lines, code-point columns, end exclusive."""

    start_line: int
    start_col: int
    end_line: int
    end_col: int

    @classmethod
    def on_line(cls, line: int, start_col: int, end_col: int) -> Span:
        return cls(line, start_col, line, end_col)

    def shifted(self, lines: int) -> Span:
        return Span(self.start_line + lines, self.start_col, self.end_line + lines, self.end_col)

    def contains_line(self, line: int) -> bool:
        return self.start_line <= line <= self.end_line


@fast_init
@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace ``span`` with ``new_text``.

    ``path``: the edit is to another file (an ignore file next to a ``.env``), created when it does
    not exist; None (nearly always) means the document the finding is in.
    """

    span: Span
    new_text: str
    path: str | None = None

    def shifted(self, lines: int) -> TextEdit:
        if self.path is not None:
            return self  # another file's lines do not move with this document's
        return TextEdit(self.span.shifted(lines), self.new_text)


@fast_init
@dataclass(frozen=True, slots=True)
class Fix:
    """A quick fix: a title for the editor's menu and the edits that carry it out.

    ``unsafe`` (Ruff's sense): the fix may change what the program does beyond removing the
    risk, e.g. stored digests differ or a dependency's API changed, so ``landguard check --fix``
    applies it only with ``--unsafe-fixes``; the editor offers it like any other.
    """

    title: str
    edits: tuple[TextEdit, ...]
    preferred: bool = False
    unsafe: bool = False

    def shifted(self, lines: int) -> Fix:
        return replace(self, edits=tuple(e.shifted(lines) for e in self.edits))


@fast_init
@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one place.

    ``message`` is the rule-specific sentence without the CWE; ``display_message`` adds it,
    so every face (LSP, text, SARIF) names the CWE the same way. A secret never appears
    whole in ``message``: detectors put a masked form there (see ``mask_secret``).
    """

    rule_id: str
    span: Span
    message: str
    severity: Severity
    confidence: Confidence
    cwe: tuple[int, ...] = ()
    fixes: tuple[Fix, ...] = ()
    # Free-form, JSON-serialisable facts a face may show (e.g. where a dependency verdict came from).
    properties: tuple[tuple[str, str], ...] = field(default=())

    @property
    def display_message(self) -> str:
        if not self.cwe:
            return self.message
        return f"{self.message} ({', '.join(f'CWE-{n}' for n in self.cwe)})"

    def shifted(self, lines: int) -> Finding:
        if lines == 0:
            return self
        return replace(self, span=self.span.shifted(lines), fixes=tuple(f.shifted(lines) for f in self.fixes))

    def sort_key(self) -> tuple:
        return (
            self.span.start_line,
            self.span.start_col,
            self.rule_id,
            self.span.end_line,
            self.span.end_col,
        )


def mask_secret(value: str) -> str:
    """A recognisable but useless form of a secret: a few characters at each end.

    Short values are masked entirely, so nothing close to the whole secret is ever shown.
    """
    if len(value) <= 8:
        return "…" * min(len(value), 3) or "…"
    keep_start = 4 if len(value) >= 16 else 2
    keep_end = 3 if len(value) >= 16 else 1
    return f"{value[:keep_start]}…{value[-keep_end:]}"


# ---------------------------------------------------------------------------- serialisation
# One JSON shape for findings, shared by the CLI's cache, the JSON report and LSP payloads.


def span_to_dict(span: Span) -> dict:
    return {"start": [span.start_line, span.start_col], "end": [span.end_line, span.end_col]}


def span_from_dict(data: dict) -> Span:
    (start_line, start_col), (end_line, end_col) = data["start"], data["end"]
    return Span(int(start_line), int(start_col), int(end_line), int(end_col))


def fix_to_dict(fix: Fix) -> dict:
    return {
        "title": fix.title,
        "preferred": fix.preferred,
        **({"unsafe": True} if fix.unsafe else {}),
        "edits": [
            {
                **span_to_dict(edit.span),
                "newText": edit.new_text,
                **({"path": edit.path} if edit.path else {}),
            }
            for edit in fix.edits
        ],
    }


def fix_from_dict(data: dict) -> Fix:
    edits = tuple(
        TextEdit(span_from_dict(edit), str(edit["newText"]), edit.get("path")) for edit in data["edits"]
    )
    return Fix(str(data["title"]), edits, bool(data.get("preferred", False)), bool(data.get("unsafe", False)))


def finding_to_dict(finding: Finding) -> dict:
    return {
        "rule": finding.rule_id,
        **span_to_dict(finding.span),
        "message": finding.message,
        "severity": finding.severity.label,
        "confidence": finding.confidence.label,
        "cwe": list(finding.cwe),
        "fixes": [fix_to_dict(fix) for fix in finding.fixes],
        "properties": dict(finding.properties),
    }


def finding_from_dict(data: dict) -> Finding:
    return Finding(
        rule_id=data["rule"],
        span=span_from_dict(data),
        message=data["message"],
        severity=Severity.parse(data["severity"]),
        confidence=Confidence[data["confidence"].upper()],
        cwe=tuple(data.get("cwe", ())),
        fixes=tuple(fix_from_dict(fix) for fix in data.get("fixes", ())),
        properties=tuple(sorted(data.get("properties", {}).items())),
    )
