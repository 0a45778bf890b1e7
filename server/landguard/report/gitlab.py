"""GitLab code quality report (``artifacts: reports: codequality``): a JSON array of issues.

Each issue has ``description``, ``check_name`` (the rule id), a ``fingerprint`` unique per issue
and stable across line moves (so GitLab's merge-request widget shows new and fixed issues, not
every moved one), ``severity`` (``info`` < ``minor`` < ``major`` < ``critical`` < ``blocker``)
and ``location.path`` relative to the repository root with ``location.lines.begin``
(https://docs.gitlab.com/ee/ci/testing/code_quality.html#code-quality-report-format).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import TextIO

from landguard.batch import BatchResult
from landguard.engine.findings import Severity
from landguard.report.locations import report_path, repository_root

_SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.NOTE: "minor"}


def to_data(result: BatchResult, root: Path | None = None) -> list[dict]:
    root = root or Path.cwd()
    base = repository_root(result, root)
    issues = []
    for file_result in result.files:
        path = report_path(file_result.path, root, base)
        seen: Counter[str] = Counter()
        for finding, located in zip(file_result.findings, file_result.locations, strict=True):
            # The nth identical finding of a file gets its own fingerprint (GitLab requires uniqueness).
            seen[located.line_hash] += 1
            fingerprint = hashlib.sha256(
                f"{path}\0{finding.rule_id}\0{located.line_hash}\0{seen[located.line_hash]}".encode()
            ).hexdigest()[:32]
            issues.append(
                {
                    "type": "issue",
                    "description": finding.display_message,
                    "check_name": finding.rule_id,
                    "categories": ["Security"],
                    "fingerprint": fingerprint,
                    "severity": _SEVERITY[finding.severity],
                    "location": {
                        "path": path,
                        "lines": {"begin": finding.span.start_line + 1, "end": finding.span.end_line + 1},
                    },
                }
            )
    return issues


def render(result: BatchResult, out: TextIO, root: Path | None = None) -> None:
    json.dump(to_data(result, root), out, indent=2)
    out.write("\n")
