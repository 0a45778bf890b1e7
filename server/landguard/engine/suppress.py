"""Inline suppression comments: ours, and the ones users already have from other tools.

Ours: ``landguard: ignore[LG101, LG203] -- reason`` in the language's comment syntax
(``#``, ``//``, ``/* */``, ``--``, ``;``, ``<!-- -->``, a template's ``{# #}``). Without ``[...]`` it silences every
rule. It applies to the whole *statement* it sits in, so a formatter that re-wraps a long
call does not detach it from the finding; a comment alone on the line directly above a
statement applies to that statement too.

Honoured from other tools, mapped to the equivalent Landguard rules:

- detect-secrets ``pragma: allowlist secret`` (and ``pragma: allowlist nextline secret``)
  and ``gitleaks:allow``: the secrets rules (LG1xx);
- Bandit ``nosec`` (bare: every rule with a Bandit equivalent, and secrets; ``nosec B608``:
  the rules mapped to B608);
- Ruff ``noqa: S608``: the rules mapped to that flake8-bandit code (a bare ``noqa`` is not
  honoured: it is usually there for style checks, and must not silently hide security ones);
- ``nosemgrep`` (with or without a rule id): every rule, since Semgrep ids do not map.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from landguard.engine.document import Document
from landguard.engine.findings import Finding
from landguard.engine.positions import col_to_byte
from landguard.engine.registry import all_rules, rules_by_alias

ALL = "*"
# A marker comment counts after the first comment opener on the line. "Opener, then anything, then
# the marker" as one regex (``#.*?\bnoqa``) is quadratic on a line of ``#``; so the opener is found
# first and the marker searched after it (``_after_comment``): the same matches, in linear time.
_COMMENT_OPENER = re.compile(r"#|//|/\*|--|;|<!--|\{/\*|\{#")
_OURS = re.compile(r"\blandguard:\s*ignore\b(?!-)(?:\[([^\]]*)\])?", re.I)
# A whole-file suppression: the marker in a comment that starts its line.
_FILE = re.compile(r"\blandguard:\s*ignore-file\b(?:\[([^\]]*)\])?", re.I)
_ALLOWLIST = re.compile(r"pragma:\s*allowlist\s+secret", re.I)
_ALLOWLIST_NEXT = re.compile(r"pragma:\s*allowlist\s+nextline\s+secret", re.I)
_GITLEAKS = re.compile(r"gitleaks:allow", re.I)
_NOSEC = re.compile(r"\bnosec\b(?:\s*:?\s*([A-Z]\d{3}(?:\s*,\s*[A-Z]\d{3})*))?", re.I)
_NOQA = re.compile(r"\bnoqa\s*:\s*([A-Z]+\d+(?:\s*,\s*[A-Z]+\d+)*)", re.I)
_NOSEMGREP = re.compile(r"\bnosemgrep\b", re.I)


def _after_comment(pattern: re.Pattern[str], line: str) -> re.Match[str] | None:
    opener = _COMMENT_OPENER.search(line)
    return pattern.search(line, opener.end()) if opener is not None else None


# Markers cheap to look for before running the regexes on a line.
_PREFILTER = ("landguard", "allowlist", "gitleaks", "nosec", "noqa", "nosemgrep")

# Statement containers per grammar: a node whose parent is one of these is a statement.
_CONTAINERS = frozenset(
    {
        "module",
        "block",
        "program",
        "statement_block",
        "class_body",
        "interface_body",
        "enum_body",
        "enum_body_declarations",
        "constructor_body",
        "switch_body",
        "switch_block",
        "switch_block_statement_group",
        "switch_case",
        "switch_default",
    }
)


@dataclass(frozen=True)
class LineSuppression:
    """Rule ids (or ``ALL``, or a family prefix like ``LG1``) silenced by comments on one line."""

    selectors: frozenset[str]
    applies_to_next_line: bool = False

    def covers(self, rule_id: str) -> bool:
        return ALL in self.selectors or any(rule_id.startswith(s) for s in self.selectors)


@functools.cache
def _bandit_family() -> frozenset[str]:
    ids = {rid for rid, rule in all_rules().items() if any(a.upper().startswith("B") for a in rule.aliases)}
    return frozenset(ids | {"LG1"})


def parse_line(line: str) -> LineSuppression | None:
    """The suppression a line's comments express, if any."""
    lowered = line.lower()
    if not any(marker in lowered for marker in _PREFILTER):
        return None
    selectors: set[str] = set()
    next_line = False
    match = _after_comment(_OURS, line)
    if match:
        if match.group(1) is None:
            selectors.add(ALL)
        else:
            selectors.update(s.strip().upper() for s in match.group(1).split(",") if s.strip())
    if _ALLOWLIST_NEXT.search(line):
        next_line = True
        selectors.add("LG1")
    elif _ALLOWLIST.search(line) or _GITLEAKS.search(line):
        selectors.add("LG1")
    match = _after_comment(_NOSEC, line)
    if match:
        if match.group(1):
            aliases = rules_by_alias()
            for code in re.split(r"\s*,\s*", match.group(1).upper()):
                selectors.update(aliases.get(code, ()))
        else:
            selectors.update(_bandit_family())
    match = _after_comment(_NOQA, line)
    if match:
        aliases = rules_by_alias()
        for code in re.split(r"\s*,\s*", match.group(1).upper()):
            selectors.update(aliases.get(code, ()))
    if _after_comment(_NOSEMGREP, line):
        selectors.add(ALL)
    if not selectors:
        return None
    return LineSuppression(frozenset(selectors), next_line)


def file_suppression(lines: list[str]) -> LineSuppression | None:
    """The rules ``landguard: ignore-file[...]`` comments silence in the whole file, if any."""
    selectors: set[str] = set()
    for line in lines:
        if "ignore-file" not in line.lower():
            continue
        stripped = line.lstrip()
        match = _FILE.search(stripped) if _COMMENT_OPENER.match(stripped) else None
        if match is None:
            continue
        if match.group(1) is None:
            selectors.add(ALL)
        else:
            selectors.update(s.strip().upper() for s in match.group(1).split(",") if s.strip())
    return LineSuppression(frozenset(selectors)) if selectors else None


def statement_lines(document: Document, line: int, col: int) -> tuple[int, int]:
    """First and last line of the statement at (line, col); for text documents, just the line.

    For compound statements (def, class, if, a Java method ...) only the header counts, so a
    comment deep inside a function body does not silence the function's signature line.
    """
    tree = document.tree
    if tree is None or line >= len(document.lines):
        return line, line
    point = (line, col_to_byte(document.lines[line], col))
    node = tree.root_node.descendant_for_point_range(point, point)
    while node is not None and node.parent is not None and node.parent.type not in _CONTAINERS:
        node = node.parent
    if node is None or node.parent is None:
        return line, line
    start, end = node.start_point[0], node.end_point[0]
    for child in node.children:
        if child.type in _CONTAINERS or child.type.endswith("_body"):
            end = max(start, child.start_point[0] - 1 if child.start_point[0] > start else start)
            break
    return start, end


def apply_suppressions(document: Document, findings: Iterable[Finding]) -> list[Finding]:
    """Drop the findings silenced by a suppression comment in their statement."""
    findings = list(findings)
    if not findings:
        return findings
    # The document keeps, per line, whether a marker is there: no lower-casing of the whole text.
    if not document.has_lines_with(_PREFILTER):
        return findings
    lines = document.lines
    whole_file = (
        file_suppression([lines[n] for n in document.lines_with(("ignore-file",))])
        if document.has_lines_with(("ignore-file",))
        else None
    )
    if whole_file is not None:
        findings = [f for f in findings if not whole_file.covers(f.rule_id)]
    parsed: dict[int, LineSuppression | None] = {}

    def at(line: int) -> LineSuppression | None:
        if line not in parsed:
            parsed[line] = parse_line(lines[line]) if 0 <= line < len(lines) else None
        return parsed[line]

    kept = []
    for finding in findings:
        span = finding.span
        start, end = statement_lines(document, span.start_line, span.start_col)
        start, end = min(start, span.start_line), max(end, span.end_line)
        candidates = [at(n) for n in range(start, end + 1)]
        above = at(start - 1)
        if above is not None and (above.applies_to_next_line or _comment_only(lines[start - 1])):
            candidates.append(above)
        if any(s is not None and s.covers(finding.rule_id) for s in candidates):
            continue
        kept.append(finding)
    return kept


def _comment_only(line: str) -> bool:
    return _COMMENT_OPENER.match(line.lstrip()) is not None
