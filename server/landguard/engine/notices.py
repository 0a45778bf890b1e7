"""## What it does
Tells you when Landguard analysed a document only partly, or not at all: LG001 when it
is larger than the configured size limit (`maxFileSize`, default 2 MB) and only its
beginning was checked; LG002 when it holds binary content (NUL bytes) and was skipped.

## Why is this bad?
Silence is not the same as "clean". A security tool that quietly gives up on a file
would let whatever is in the unchecked part through; these notices make the gap visible.

## Example
A 10 MB generated bundle opened in the editor: one LG001 note on its first line.

## Use instead
Exclude generated or vendored files with `exclude`, or raise `maxFileSize`.

## References
- Landguard configuration: README, "Configuration"
"""

from __future__ import annotations

from collections.abc import Iterable

from landguard.engine.findings import Confidence, Finding, Severity, Span
from landguard.engine.registry import CheckContext, DocumentCheck, Rule

TOO_LARGE = Rule(
    id="LG001",
    name="analysis-truncated",
    title="Document larger than the size limit; only its beginning was analysed",
    severity=Severity.NOTE,
    confidence=Confidence.HIGH,
    cwe=(),
    docs=__doc__ or "",
)
BINARY = Rule(
    id="LG002",
    name="binary-content",
    title="Binary content; not analysed",
    severity=Severity.NOTE,
    confidence=Confidence.HIGH,
    cwe=(),
    docs=__doc__ or "",
)


class AnalysisNotices(DocumentCheck):
    rules = (TOO_LARGE, BINARY)

    def check_document(self, document, context: CheckContext) -> Iterable[Finding]:
        first_line = Span.on_line(0, 0, len(document.lines[0]))
        if document.is_binary:
            yield BINARY.finding(
                first_line, "Binary content (NUL bytes); Landguard did not analyse this document"
            )
        elif document.too_large:
            yield TOO_LARGE.finding(
                first_line,
                f"Document is {document.size:,} bytes, over the {document.max_bytes:,}-byte limit "
                f"(maxFileSize); only the first {document.analysed_line_count:,} lines were analysed",
            )


CHECK = AnalysisNotices()
