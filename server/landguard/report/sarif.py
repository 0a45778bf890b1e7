"""SARIF 2.1.0 report, for GitHub code scanning and other SARIF consumers.

Like Bandit's formatter, severity and confidence stay separate: ``level`` from severity,
``precision`` from confidence, and ``security-severity`` (a CVSS-like score GitHub uses to
rank alerts) from severity. Tags are ``security`` and ``external/cwe/cwe-N``. Locations
are relative to ``%SRCROOT%`` (the project root), columns in UTF-16 code units (SARIF's
default ``columnKind``), and each result has a partial fingerprint that survives line moves.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from landguard import __version__
from landguard.batch import BatchResult
from landguard.engine.findings import Confidence, Severity
from landguard.engine.registry import Rule, all_rules, doc_section

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}
_SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.5", Severity.NOTE: "2.0"}
_PRECISION = {Confidence.HIGH: "high", Confidence.MEDIUM: "medium", Confidence.LOW: "low"}


def _rule_descriptor(rule: Rule) -> dict:
    tags = ["security", *(f"external/cwe/cwe-{n}" for n in rule.cwe)]
    what = doc_section(rule.docs, "What it does") or rule.title
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.name.split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": what},
        "help": {"text": rule.docs.strip(), "markdown": rule.docs.strip()},
        "helpUri": rule.help_uri,
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {
            "tags": tags,
            "precision": _PRECISION[rule.confidence],
            "problem.severity": _LEVEL[rule.severity] if rule.severity != Severity.NOTE else "recommendation",
            "security-severity": _SECURITY_SEVERITY[rule.severity],
        },
    }


def to_data(result: BatchResult, root: Path) -> dict:
    rules = list(all_rules().values())
    index = {rule.id: number for number, rule in enumerate(rules)}
    results = []
    for file_result in result.files:
        uri = quote(file_result.path)
        for finding, located in zip(file_result.findings, file_result.locations, strict=True):
            span = finding.span
            results.append(
                {
                    "ruleId": finding.rule_id,
                    "ruleIndex": index[finding.rule_id],
                    "level": _LEVEL[finding.severity],
                    "message": {"text": finding.display_message},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                                "region": {
                                    "startLine": span.start_line + 1,
                                    "startColumn": located.utf16_start_col + 1,
                                    "endLine": span.end_line + 1,
                                    "endColumn": located.utf16_end_col + 1,
                                },
                            }
                        }
                    ],
                    "partialFingerprints": {"landguardLineHash/v1": located.line_hash},
                    "properties": {
                        "confidence": finding.confidence.label,
                        "security-severity": _SECURITY_SEVERITY[finding.severity],
                    },
                }
            )
    notifications = [
        {
            "level": "note",
            "message": {"text": f"{f.path}: skipped ({f.skipped})"},
            "locations": [
                {"physicalLocation": {"artifactLocation": {"uri": quote(f.path), "uriBaseId": "%SRCROOT%"}}}
            ],
        }
        for f in result.files
        if f.skipped
    ]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "landguard",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": "https://github.com/landguard/landguard",
                        "rules": [_rule_descriptor(rule) for rule in rules],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": root.resolve().as_uri() + "/"}},
                "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
                "results": results,
                "columnKind": "utf16CodeUnits",
            }
        ],
    }


def render(result: BatchResult, out: TextIO, root: Path) -> None:
    json.dump(to_data(result, root), out, indent=2)
    out.write("\n")
