"""JSON report: every finding with its rule, location (1-based lines, columns in code points
and UTF-16), severity, confidence, CWE and fixes; skipped files; a summary."""

from __future__ import annotations

import json
from typing import TextIO

from landguard import __version__
from landguard.batch import BatchResult
from landguard.engine.findings import fix_to_dict
from landguard.engine.registry import get_rule
from landguard.workspace import FileResult


def _name_and_title(file_result: FileResult, rule_id: str) -> tuple[str | None, str | None]:
    """From the cached result when it has them (no check loaded on a warm run), else the registry."""
    titles = file_result.rule_titles
    if titles is not None and rule_id in titles:
        return titles[rule_id]
    rule = get_rule(rule_id)
    return (rule.name, rule.title) if rule else (None, None)


def to_data(result: BatchResult) -> dict:
    findings = []
    for file_result in result.files:
        for finding, located in zip(file_result.findings, file_result.locations, strict=True):
            name, title = _name_and_title(file_result, finding.rule_id)
            span = finding.span
            findings.append(
                {
                    "path": file_result.path,
                    "rule": finding.rule_id,
                    "name": name,
                    "title": title,
                    "severity": finding.severity.label,
                    "confidence": finding.confidence.label,
                    "cwe": [f"CWE-{n}" for n in finding.cwe],
                    "message": finding.display_message,
                    "start": {
                        "line": span.start_line + 1,
                        "column": span.start_col + 1,
                        "utf16Column": located.utf16_start_col + 1,
                    },
                    "end": {
                        "line": span.end_line + 1,
                        "column": span.end_col + 1,
                        "utf16Column": located.utf16_end_col + 1,
                    },
                    "fixes": [fix_to_dict(fix) for fix in finding.fixes],
                    "properties": dict(finding.properties),
                }
            )
    return {
        "tool": "landguard",
        "version": __version__,
        "findings": findings,
        "skipped": [{"path": f.path, "reason": f.skipped} for f in result.files if f.skipped],
        "summary": {"files": len(result.files), "findings": len(findings), "cached": result.cached_files},
    }


def render(result: BatchResult, out: TextIO) -> None:
    json.dump(to_data(result), out, indent=2)
    out.write("\n")
