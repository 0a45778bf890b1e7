"""Plain-text report: one line per finding, then a summary.

``path:line:col: LG201 [error/high] message (CWE-89)`` — 1-based lines and columns, the
form editors and terminals turn into links. With ``color`` (the CLI decides: a TTY, no
``NO_COLOR``) the path is bold and the rule coloured by severity, as Ruff and compilers do.
"""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from landguard.batch import BatchResult

_SEVERITY_COLOR = {"error": "31", "warning": "33", "note": "36"}  # red, yellow, cyan


def _paint(text: str, code: str, color: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if color else text


def render(result: BatchResult, out: TextIO, color: bool = False) -> None:
    counts: Counter[str] = Counter()
    for file_result in result.files:
        for finding in file_result.findings:
            counts[finding.severity.label] += 1
            span = finding.span
            where = _paint(f"{file_result.path}:{span.start_line + 1}:{span.start_col + 1}:", "1", color)
            rule = _paint(finding.rule_id, "1;" + _SEVERITY_COLOR[finding.severity.label], color)
            out.write(
                f"{where} {rule} "
                f"[{finding.severity.label}/{finding.confidence.label}] {finding.display_message}"
                f"{'  (fix available)' if finding.fixes else ''}\n"
            )
    skipped = [f for f in result.files if f.skipped]
    for file_result in skipped:
        out.write(f"{file_result.path}: skipped ({file_result.skipped})\n")
    for file_result in result.files:
        if file_result.decode_errors:
            out.write(f"{file_result.path}: note: invalid UTF-8 replaced before analysis\n")
    total = sum(counts.values())
    breakdown = ", ".join(
        f"{counts[level]} {level}" for level in ("error", "warning", "note") if counts[level]
    )
    analysed = len(result.files) - len(skipped)
    summary = f"{total} finding{'s' if total != 1 else ''}"
    if breakdown:
        summary += f" ({breakdown})"
    summary += f" in {analysed} file{'s' if analysed != 1 else ''}"
    if skipped:
        summary += f"; {len(skipped)} skipped"
    if result.cached_files:
        summary += f"; {result.cached_files} from cache"
    out.write(summary + "\n")
