"""Baselines: record the findings a repository already has, then report only new ones.

``landguard baseline create [PATH] -o .landguard-baseline.json`` writes every current finding
as ``{path, rule, fingerprint, count, line}``; ``landguard check --baseline FILE`` drops findings
the file records; ``landguard baseline update`` drops entries that are gone (fixed code must not
come back silently) and ``landguard baseline audit`` lists them.

A finding's fingerprint is a hash of its rule and the normalised text of the line it starts on
(all whitespace removed), so it survives lines moving, re-indentation and edits to other lines,
and changes when the flagged code itself changes. It is the same hash SARIF's partial
fingerprints use (``Located.line_hash``). The line text itself is never stored: it may hold a
secret. Two identical findings on identical lines share a fingerprint; ``count`` says how many
the baseline accepts, so a third copy of a baselined line is reported.

Paths are stored relative to the baseline file's folder, with ``/`` separators, so the file
works whatever folder ``landguard`` runs from.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from landguard import __version__
from landguard.workspace import FileResult

BASELINE_FORMAT = 1


class BaselineError(ValueError):
    """A baseline file that cannot be read; the message says why."""


def _absolute(shown: str, root: Path) -> Path:
    path = Path(shown)
    return (path if path.is_absolute() else root / path).resolve()


def _relative_to(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return Path(os.path.relpath(path, folder)).as_posix()


@dataclass
class Baseline:
    """Accepted findings: (path relative to ``folder``, rule, fingerprint) -> how many."""

    folder: Path
    entries: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    lines: dict[tuple[str, str, str], int] = field(default_factory=dict)  # a hint for people, not matched

    # ------------------------------------------------------------------ files

    @classmethod
    def load(cls, file: Path) -> Baseline:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BaselineError(f"baseline file not found: {file}") from None
        except (OSError, ValueError) as exc:
            raise BaselineError(f"cannot read baseline {file}: {exc}") from None
        if not isinstance(data, dict) or data.get("format") != BASELINE_FORMAT:
            raise BaselineError(f"{file} is not a landguard baseline (format {BASELINE_FORMAT})")
        baseline = cls(file.resolve().parent)
        for entry in data.get("findings") or ():
            try:
                key = (str(entry["path"]), str(entry["rule"]), str(entry["fingerprint"]))
                baseline.entries[key] += int(entry.get("count", 1))
                baseline.lines.setdefault(key, int(entry.get("line", 0)))
            except (KeyError, TypeError, ValueError):
                raise BaselineError(f"{file}: malformed entry {entry!r}") from None
        return baseline

    def save(self, file: Path) -> None:
        findings = [
            {
                "path": path,
                "rule": rule,
                "fingerprint": fingerprint,
                "count": count,
                "line": self.lines.get(key, 0),
            }
            for key in sorted(self.entries)
            for path, rule, fingerprint in [key]
            for count in [self.entries[key]]
            if count > 0
        ]
        data = {
            "format": BASELINE_FORMAT,
            "generatedBy": f"landguard {__version__}",
            "findings": findings,
        }
        file.parent.mkdir(parents=True, exist_ok=True)
        temporary = file.with_name(file.name + ".tmp")
        temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, file)

    # ------------------------------------------------------------------ building and matching

    @classmethod
    def from_results(cls, files: list[FileResult], root: Path, folder: Path) -> Baseline:
        baseline = cls(folder.resolve())
        for file_result in files:
            path = _relative_to(_absolute(file_result.path, root), baseline.folder)
            for finding, located in zip(file_result.findings, file_result.locations, strict=True):
                key = (path, finding.rule_id, located.line_hash)
                baseline.entries[key] += 1
                baseline.lines.setdefault(key, finding.span.start_line + 1)
        return baseline

    def _path_of(self, file_result: FileResult, root: Path) -> str:
        return _relative_to(_absolute(file_result.path, root), self.folder)

    def new_findings(self, file_result: FileResult, root: Path) -> list[int]:
        """Indexes of the findings of ``file_result`` the baseline does not accept."""
        path = self._path_of(file_result, root)
        budget: Counter[tuple[str, str, str]] = Counter()
        new = []
        for number, (finding, located) in enumerate(
            zip(file_result.findings, file_result.locations, strict=True)
        ):
            key = (path, finding.rule_id, located.line_hash)
            budget[key] += 1
            if budget[key] > self.entries.get(key, 0):
                new.append(number)
        return new

    def filter(self, files: list[FileResult], root: Path) -> int:
        """Drop accepted findings from ``files`` in place; returns how many were dropped."""
        dropped = 0
        for file_result in files:
            keep = self.new_findings(file_result, root)
            dropped += len(file_result.findings) - len(keep)
            file_result.findings = [file_result.findings[i] for i in keep]
            file_result.locations = [file_result.locations[i] for i in keep]
        return dropped

    def stale(self, current: Baseline, scanned: set[str] | None = None) -> Counter[tuple[str, str, str]]:
        """Entries (with how many copies) that ``current`` no longer has.

        ``scanned``: the baseline-relative paths that were scanned; entries of other files are
        not judged (a scan of one folder says nothing of the rest). None: judge every entry.
        """
        gone: Counter[tuple[str, str, str]] = Counter()
        for key, count in self.entries.items():
            if scanned is not None and key[0] not in scanned:
                if (self.folder / key[0]).exists():
                    continue
                gone[key] = count  # the file itself is gone
                continue
            missing = count - current.entries.get(key, 0)
            if missing > 0:
                gone[key] = missing
        return gone

    def scanned_paths(self, files: list[FileResult], root: Path) -> set[str]:
        return {self._path_of(f, root) for f in files}
