"""``landguard check --fix``: apply the editor's quick fixes from the command line.

For each finding to fix, the fix applied is its *preferred* one (the fix the editor marks as
preferred, what "fix all" takes); a finding whose fixes are all alternatives (suppress it, or
one of several names) is left for a person. Fixes marked ``unsafe`` (they may change what the
program does beyond removing the risk) are applied only with ``--unsafe-fixes``.

Every round is re-checked before it is kept: the whole file is analysed again, it must parse
as well as before (no new tree-sitter error; JSON and TOML still load) and, for each rule, the
findings must have gone down by at least the fixes applied and no rule may gain any. A round
that fails is retried one fix at a time, and a fix that fails alone is dropped. Fixes whose
edits overlap are applied in later rounds, against the re-analysed text, so edits never apply
to stale positions (Ruff's iterative model, at most ``MAX_ROUNDS`` rounds).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from landguard.engine.analyze import Analysis
from landguard.engine.config import Config
from landguard.engine.document import Document
from landguard.engine.findings import Finding, Fix, Span
from landguard.engine.positions import LineIndex, split_lines

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

MAX_ROUNDS = 10

# Which findings of a text to fix: called with the findings and the text's lines.
Selector = Callable[[list[Finding], list[str]], list[Finding]]


@dataclass
class FixOutcome:
    text: str
    applied: list[tuple[str, str]] = field(default_factory=list)  # (rule id, fix title)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # failed the re-check
    findings: list[Finding] = field(default_factory=list)  # of the final text

    @property
    def changed(self) -> bool:
        return bool(self.applied)


def chosen_fix(finding: Finding, unsafe: bool) -> Fix | None:
    for fix in finding.fixes:
        if fix.preferred and (unsafe or not fix.unsafe) and fix.edits:
            return fix
    return None


def apply_edits(text: str, fixes: list[Fix]) -> str:
    """The text with every edit of ``fixes`` applied (bottom-up, so positions stay valid)."""
    index = LineIndex(text)
    edits = [edit for fix in fixes for edit in fix.edits]
    result = text
    for edit in sorted(
        edits,
        key=lambda e: (e.span.start_line, e.span.start_col, e.span.end_line, e.span.end_col),
        reverse=True,
    ):
        start = index.offset(edit.span.start_line, edit.span.start_col)
        end = index.offset(edit.span.end_line, edit.span.end_col)
        result = result[:start] + edit.new_text + result[end:]
    return result


def _extent(fix: Fix) -> tuple[tuple[int, int], tuple[int, int]]:
    starts = [(e.span.start_line, e.span.start_col) for e in fix.edits]
    ends = [(e.span.end_line, e.span.end_col) for e in fix.edits]
    return min(starts), max(ends)


def _overlaps(a: Fix, b: Fix) -> bool:
    """Whether two fixes touch the same text (edits at one point conflict too: order unknown)."""
    for x in a.edits:
        for y in b.edits:
            if _span_overlap(x.span, y.span):
                return True
    return False


def _span_overlap(x: Span, y: Span) -> bool:
    x_start, x_end = (x.start_line, x.start_col), (x.end_line, x.end_col)
    y_start, y_end = (y.start_line, y.start_col), (y.end_line, y.end_col)
    if x_start == y_start:
        return True
    return x_start < y_end and y_start < x_end


class _Checker:
    """Analysis of candidate texts, and the well-formedness the original text had."""

    def __init__(self, path: str, config: Config, original: str) -> None:
        self.path = path
        self.config = config
        document = self._document(original)
        self.tree_errors = self._tree_errors(document)
        self.loads = self._loads(original)

    def _document(self, text: str) -> Document:
        return Document(text, path=self.path, max_bytes=self.config.max_file_size)

    @staticmethod
    def _tree_errors(document: Document) -> bool:
        return document.tree is not None and document.tree.root_node.has_error

    def _loads(self, text: str) -> bool | None:
        """Whether a JSON/TOML file loads (None: neither format)."""
        lower = self.path.lower()
        try:
            if lower.endswith((".json", "pipfile.lock")):
                json.loads(text)
            elif lower.endswith((".toml", "poetry.lock", "uv.lock")):
                tomllib.loads(text)
            else:
                return None
        except ValueError:
            return False
        return True

    def analyse(self, text: str) -> tuple[list[Finding], bool]:
        """(findings, well formed): well formed means it parses at least as well as the original."""
        document = self._document(text)
        findings = Analysis(document, self.config).run()
        well_formed = self.tree_errors or not self._tree_errors(document)
        if well_formed and self.loads:
            well_formed = bool(self._loads(text))
        return findings, well_formed


def _improves(before: list[Finding], after: list[Finding], fixed: list[Finding]) -> bool:
    counts_before = Counter(f.rule_id for f in before)
    counts_after = Counter(f.rule_id for f in after)
    expected_drop = Counter(f.rule_id for f in fixed)
    for rule, count in counts_after.items():
        if count > counts_before.get(rule, 0) - expected_drop.get(rule, 0):
            return False
    return True


def fix_text(text: str, path: str, config: Config, select: Selector, *, unsafe: bool = False) -> FixOutcome:
    """Apply the fixes of the findings ``select`` picks, round by round, each round re-checked."""
    checker = _Checker(path, config, text)
    findings, _ = checker.analyse(text)
    outcome = FixOutcome(text, findings=findings)
    # Fixes that failed the re-check, by (rule, title, edits): not tried again.
    refused: set[tuple] = set()

    def key(finding: Finding, fix: Fix) -> tuple:
        return (finding.rule_id, fix.title, fix.edits)

    for _ in range(MAX_ROUNDS):
        candidates = []
        for finding in select(findings, split_lines(text)):
            fix = chosen_fix(finding, unsafe)
            if fix is not None and key(finding, fix) not in refused:
                candidates.append((finding, fix))
        batch: list[tuple[Finding, Fix]] = []
        for finding, fix in sorted(candidates, key=lambda c: _extent(c[1])):
            if not any(_overlaps(fix, other) for _, other in batch):
                batch.append((finding, fix))
        if not batch:
            break
        accepted = _try(checker, text, findings, batch)
        if accepted is None and len(batch) > 1:
            # One bad fix must not cost the others: apply them one at a time.
            for finding, fix in batch:
                single = _try(checker, text, findings, [(finding, fix)])
                if single is None:
                    refused.add(key(finding, fix))
                    outcome.rejected.append((finding.rule_id, fix.title))
                    continue
                text, findings = single
                outcome.applied.append((finding.rule_id, fix.title))
                break  # positions moved: the rest go in the next round
            continue
        if accepted is None:
            finding, fix = batch[0]
            refused.add(key(finding, fix))
            outcome.rejected.append((finding.rule_id, fix.title))
            continue
        text, findings = accepted
        outcome.applied.extend((finding.rule_id, fix.title) for finding, fix in batch)
    outcome.text = text
    outcome.findings = findings
    return outcome


def _try(
    checker: _Checker, text: str, findings: list[Finding], batch: list[tuple[Finding, Fix]]
) -> tuple[str, list[Finding]] | None:
    candidate = apply_edits(text, [fix for _, fix in batch])
    if candidate == text:
        return None
    after, well_formed = checker.analyse(candidate)
    if not well_formed or not _improves(findings, after, [finding for finding, _ in batch]):
        return None
    return candidate, after
