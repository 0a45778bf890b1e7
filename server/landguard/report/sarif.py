"""SARIF 2.1.0 report, for GitHub code scanning and other SARIF consumers.

Like Bandit's formatter, severity and confidence stay separate: ``level`` from severity,
``precision`` from confidence, and ``security-severity`` (a CVSS-like score GitHub uses to
rank alerts) from severity; the rule descriptors carry the *configured* severities, and a
rule the configuration turns off is ``enabled: false``. Tags are ``security`` and
``external/cwe/cwe-N``.

Locations are relative to ``%SRCROOT%``, the repository root (the git toplevel, else the
deepest folder holding every scanned file), not the configuration file's folder: GitHub
resolves them against the checkout, and a monorepo's config lives in a sub-folder. A file
outside that root gets an absolute ``file://`` URI. Columns are UTF-16 code units (SARIF's
default ``columnKind``). Each result has ``partialFingerprints.primaryLocationLineHash``
(``hash:occurrence``, as GitHub computes it: a hash of the rule and the whitespace-free line,
numbered among identical ones in the file), so alerts survive line moves.

Engine notices (LG001 file too large, LG002 binary, skipped files) are not security alerts:
they go to ``invocations[0].toolExecutionNotifications`` with a descriptor in
``driver.notifications``. Inline-suppressed findings can be included with ``suppressions``
(``--show-suppressed``), as GitHub shows dismissed-in-source alerts. Fixable results carry
``fixes[]`` (the preferred fix first). ``helpUri`` is set only for published docs
(``LANDGUARD_DOCS_URL``): the default link is a local file. GitHub's documented upload limits are respected: at
most 25,000 results per run (the most severe are kept; a notification says so), at most
20 tags per rule, ``fullDescription`` at most 1,024 characters.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from landguard import __version__
from landguard.batch import BatchResult
from landguard.docs_links import project_url
from landguard.engine.config import Config
from landguard.engine.findings import Confidence, Finding, Fix, Severity
from landguard.engine.positions import span_to_utf16, split_lines
from landguard.engine.registry import Rule, all_rules, doc_section
from landguard.report.locations import absolute, relative_path, repository_root
from landguard.workspace import FileResult, Located, decode

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
ENGINE_NOTICES = frozenset({"LG001", "LG002"})
MAX_RESULTS = 25_000  # GitHub: results per run
MAX_TAGS = 20  # GitHub: tags per rule
MAX_DESCRIPTION = 1024
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}
_SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.5", Severity.NOTE: "2.0"}
_PRECISION = {Confidence.HIGH: "high", Confidence.MEDIUM: "medium", Confidence.LOW: "low"}


# ---------------------------------------------------------------------------- text


def plain_text(markdown: str) -> str:
    """Rule docs without Markdown syntax, for ``text`` fields that viewers show verbatim."""
    lines = []
    for line in markdown.strip().splitlines():
        if line.strip().startswith("```"):
            continue
        heading = re.match(r"^#+\s*(.*?)\s*$", line)
        if heading:
            line = heading.group(1) + ":" if not heading.group(1).endswith((":", "?")) else heading.group(1)
        line = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1 (\2)", line)
        line = re.sub(r"\*\*(.+?)\*\*", r"\1", line)
        lines.append(line.replace("`", ""))
    return "\n".join(lines)


def _truncate(text: str, limit: int = MAX_DESCRIPTION) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"


# ---------------------------------------------------------------------------- descriptors


def _severity(rule: Rule, config: Config | None) -> Severity:
    return config.severity_for(rule.id, rule.severity) if config else rule.severity


def _rule_descriptor(rule: Rule, config: Config | None) -> dict:
    severity = _severity(rule, config)
    tags = ["security", *(f"external/cwe/cwe-{n}" for n in rule.cwe)][:MAX_TAGS]
    what = plain_text(doc_section(rule.docs, "What it does") or rule.title)
    configuration: dict = {"level": _LEVEL[severity]}
    if config is not None and not config.is_enabled(rule.id):
        configuration["enabled"] = False
    descriptor = {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.name.split("-")),
        "shortDescription": {"text": _truncate(rule.title)},
        "fullDescription": {"text": _truncate(what)},
        "help": {"text": plain_text(rule.docs), "markdown": rule.docs.strip()},
        "defaultConfiguration": configuration,
        "properties": {
            "tags": tags,
            "precision": _PRECISION[rule.confidence],
            "problem.severity": _LEVEL[severity] if severity != Severity.NOTE else "recommendation",
            "security-severity": _SECURITY_SEVERITY[severity],
        },
    }
    _add_help_uri(descriptor, rule)
    return descriptor


def _add_help_uri(descriptor: dict, rule: Rule) -> None:
    """A published docs URL only: the default local file means nothing where the log is viewed."""
    uri = rule.help_uri
    if not uri.startswith("file:"):
        descriptor["helpUri"] = uri


def _notification_descriptor(rule: Rule) -> dict:
    descriptor = {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.name.split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": _truncate(plain_text(doc_section(rule.docs, "What it does")))},
        "defaultConfiguration": {"level": "note"},
    }
    _add_help_uri(descriptor, rule)
    return descriptor


# ---------------------------------------------------------------------------- locations


class _Artifacts:
    """Artifact locations relative to the repository root; ``file://`` for files outside it."""

    def __init__(self, root: Path, base: Path) -> None:
        self.root = root
        self.base = base

    def location(self, shown: str) -> dict:
        path = absolute(shown, self.root)
        relative = relative_path(path, self.base)
        if relative is None:
            return {"uri": path.as_uri()}
        return {"uri": quote(relative), "uriBaseId": "%SRCROOT%"}

    def lines(self, shown: str) -> list[str] | None:
        try:
            text, _ = decode(absolute(shown, self.root).read_bytes())
        except OSError:
            return None
        if text is None:
            return None
        return split_lines(text[1:] if text.startswith("\ufeff") else text)


def _region(finding: Finding, located: Located) -> dict:
    span = finding.span
    return {
        "startLine": span.start_line + 1,
        "startColumn": located.utf16_start_col + 1,
        "endLine": span.end_line + 1,
        "endColumn": located.utf16_end_col + 1,
    }


def _sarif_fix(fix: Fix, artifact: dict, lines: list[str]) -> dict:
    replacements = []
    for edit in sorted(fix.edits, key=lambda e: (e.span.start_line, e.span.start_col)):
        start_line, start_col, end_line, end_col = span_to_utf16(edit.span, lines)
        replacements.append(
            {
                "deletedRegion": {
                    "startLine": start_line + 1,
                    "startColumn": start_col + 1,
                    "endLine": end_line + 1,
                    "endColumn": end_col + 1,
                },
                "insertedContent": {"text": edit.new_text},
            }
        )
    return {
        "description": {"text": fix.title},
        "artifactChanges": [{"artifactLocation": artifact, "replacements": replacements}],
    }


# ---------------------------------------------------------------------------- the log


def to_data(
    result: BatchResult,
    root: Path,
    config: Config | None = None,
    suppressed: dict[str, list[tuple[Finding, Located]]] | None = None,
) -> dict:
    """The SARIF log. ``suppressed``: per file, findings silenced by inline comments, to include."""
    registry = all_rules()
    rules = [rule for rule in registry.values() if rule.id not in ENGINE_NOTICES]
    notice_rules = [registry[i] for i in sorted(ENGINE_NOTICES) if i in registry]
    index = {rule.id: number for number, rule in enumerate(rules)}
    notice_index = {rule.id: number for number, rule in enumerate(notice_rules)}
    base = repository_root(result, root)
    artifacts = _Artifacts(root, base)

    results: list[dict] = []
    notifications: list[dict] = []
    for file_result in result.files:
        artifact = artifacts.location(file_result.path)
        if file_result.skipped:
            notifications.append(
                {
                    "level": "note",
                    "message": {"text": f"{file_result.path}: skipped ({file_result.skipped})"},
                    "locations": [{"physicalLocation": {"artifactLocation": artifact}}],
                }
            )
        results.extend(_file_results(file_result, artifact, artifacts, index, notice_index, notifications))
        silenced: Counter[str] = Counter()
        for finding, located in (suppressed or {}).get(file_result.path, ()):
            if finding.rule_id in index:
                silenced[located.line_hash] += 1
                entry = _result(
                    finding, located, artifact, index, f"{located.line_hash}:{silenced[located.line_hash]}"
                )
                entry["suppressions"] = [{"kind": "inSource", "status": "accepted"}]
                results.append(entry)

    if len(results) > MAX_RESULTS:
        order = {"error": 0, "warning": 1, "note": 2}
        results.sort(key=lambda r: order[r["level"]])
        notifications.append(
            {
                "level": "warning",
                "message": {
                    "text": f"{len(results):,} results; GitHub code scanning accepts {MAX_RESULTS:,} per run, "
                    f"so only the {MAX_RESULTS:,} most severe are included"
                },
            }
        )
        results = results[:MAX_RESULTS]

    driver = {
        "name": "landguard",
        "version": __version__,
        "semanticVersion": __version__,
        "rules": [_rule_descriptor(rule, config) for rule in rules],
        "notifications": [_notification_descriptor(rule) for rule in notice_rules],
    }
    home = project_url()
    if home:
        driver["informationUri"] = home
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "originalUriBaseIds": {"%SRCROOT%": {"uri": base.as_uri().rstrip("/") + "/"}},
                "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
                "results": results,
                "columnKind": "utf16CodeUnits",
            }
        ],
    }


def _file_results(
    file_result: FileResult,
    artifact: dict,
    artifacts: _Artifacts,
    index: dict[str, int],
    notice_index: dict[str, int],
    notifications: list[dict],
) -> list[dict]:
    results = []
    occurrences: Counter[str] = Counter()
    lines: list[str] | None = None
    for finding, located in zip(file_result.findings, file_result.locations, strict=True):
        if finding.rule_id in notice_index:
            notifications.append(
                {
                    "level": "note",
                    "message": {"text": finding.display_message},
                    "descriptor": {"id": finding.rule_id, "index": notice_index[finding.rule_id]},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": artifact,
                                "region": _region(finding, located),
                            }
                        }
                    ],
                }
            )
            continue
        occurrences[located.line_hash] += 1
        entry = _result(
            finding, located, artifact, index, f"{located.line_hash}:{occurrences[located.line_hash]}"
        )
        if finding.fixes:
            lines = lines if lines is not None else artifacts.lines(file_result.path)
            if lines is not None:
                ordered = sorted(finding.fixes, key=lambda fix: not fix.preferred)
                entry["fixes"] = [_sarif_fix(fix, artifact, lines) for fix in ordered]
        results.append(entry)
    return results


def _result(
    finding: Finding, located: Located, artifact: dict, index: dict[str, int], line_hash: str
) -> dict:
    return {
        "ruleId": finding.rule_id,
        "ruleIndex": index[finding.rule_id],
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.display_message},
        "locations": [
            {"physicalLocation": {"artifactLocation": artifact, "region": _region(finding, located)}}
        ],
        "partialFingerprints": {
            "primaryLocationLineHash": line_hash,
            "landguardLineHash/v1": located.line_hash,
        },
        "properties": {
            "confidence": finding.confidence.label,
            "security-severity": _SECURITY_SEVERITY[finding.severity],
        },
    }


def render(
    result: BatchResult,
    out: TextIO,
    root: Path,
    config: Config | None = None,
    suppressed: dict[str, list[tuple[Finding, Located]]] | None = None,
) -> None:
    json.dump(to_data(result, root, config, suppressed), out, indent=2)
    out.write("\n")
