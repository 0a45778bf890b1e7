"""GitHub Actions workflow commands: one annotation per finding, shown on the pull request's diff.

``::error file=app.py,line=3,endLine=3,col=5,endColumn=9,title=LG201 sql-injection::message``
(https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions). Paths
are relative to the repository root, which is where Actions checks the code out; severities
map error -> error, warning -> warning, note -> notice. Values are escaped as the Actions
toolkit does (``%``, CR, LF everywhere; ``:`` and ``,`` in properties too), so a message cannot
inject a second command.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from landguard.batch import BatchResult
from landguard.engine.findings import Severity
from landguard.engine.registry import get_rule
from landguard.report.locations import report_path, repository_root

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: BatchResult, out: TextIO, root: Path | None = None) -> None:
    root = root or Path.cwd()
    base = repository_root(result, root)
    for file_result in result.files:
        path = report_path(file_result.path, root, base)
        for finding in file_result.findings:
            span = finding.span
            rule = get_rule(finding.rule_id)
            title = f"{finding.rule_id} {rule.name}" if rule else finding.rule_id
            properties = {
                "file": path,
                "line": str(span.start_line + 1),
                "endLine": str(span.end_line + 1),
                "col": str(span.start_col + 1),
                "endColumn": str(span.end_col + 1),
                "title": title,
            }
            joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
            out.write(f"::{_LEVEL[finding.severity]} {joined}::{escape_data(finding.display_message)}\n")
