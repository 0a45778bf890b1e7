"""Finding and scanning files on disk: the shared core of ``landguard check`` and the
LSP ``landguard.scanWorkspace`` command.

Files are found by walking the given paths, skipping what ``.gitignore`` files (at the
root and in sub-folders) and the configured ``exclude`` globs exclude, plus VCS and
dependency folders nobody wants scanned. Each file is read as bytes: binary files
(NUL bytes in the first 8 KB) are skipped and reported; invalid UTF-8 is decoded with
replacement characters and analysed anyway (a secret next to a bad byte is still a secret).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from landguard.engine.analyze import Analysis
from landguard.engine.config import Config
from landguard.engine.document import Document
from landguard.engine.findings import Finding
from landguard.engine.positions import span_to_utf16

ALWAYS_SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".tox",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".landguard_cache",
        ".landguard",  # the audit trail
        ".hypothesis",
        "site-packages",
    }
)
BINARY_SNIFF_BYTES = 8192


@dataclass
class Located:
    """Where a finding is, in the forms reports need beyond code-point spans."""

    utf16_start_col: int
    utf16_end_col: int
    # A hash of the rule and the finding's line text (whitespace removed): stable across line moves,
    # for SARIF partialFingerprints and baselines. The line itself is never stored (it may hold a secret).
    line_hash: str


@dataclass
class FileResult:
    path: str  # as given/found, relative to the scan root when possible
    findings: list[Finding] = field(default_factory=list)
    locations: list[Located] = field(default_factory=list)  # parallel to findings
    skipped: str | None = None  # why the file was not analysed (binary, unreadable)
    decode_errors: bool = False  # invalid UTF-8 was replaced before analysis


class _IgnoreRules:
    """.gitignore files met while walking, each applying below its own folder."""

    def __init__(self, root: Path, exclude: tuple[str, ...]) -> None:
        self.root = root
        self.exclude = pathspec.PathSpec.from_lines("gitwildmatch", exclude) if exclude else None
        self.specs: list[tuple[Path, pathspec.PathSpec]] = []

    def load(self, folder: Path) -> None:
        gitignore = folder / ".gitignore"
        if gitignore.is_file():
            try:
                lines = gitignore.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                return
            self.specs.append((folder, pathspec.PathSpec.from_lines("gitwildmatch", lines)))

    def ignored(self, path: Path, is_dir: bool) -> bool:
        suffix = "/" if is_dir else ""
        if self.exclude is not None:
            try:
                relative = path.relative_to(self.root).as_posix()
            except ValueError:
                relative = path.as_posix()
            if self.exclude.match_file(relative + suffix) or self.exclude.match_file(path.name + suffix):
                return True
        for folder, spec in self.specs:
            try:
                relative = path.relative_to(folder).as_posix()
            except ValueError:
                continue
            if spec.match_file(relative + suffix):
                return True
        return False


def iter_files(paths: list[str], config: Config) -> Iterator[Path]:
    """Every file to scan under ``paths`` (files given explicitly are always scanned)."""
    for given in paths:
        path = Path(given)
        if path.is_file():
            yield path
            continue
        if not path.is_dir():
            continue
        root = Path(config.root) if config.root and _is_within(path, Path(config.root)) else path
        rules = _IgnoreRules(root.resolve(), config.exclude)
        for folder in [*reversed(path.resolve().parents), path.resolve()]:
            if _is_within(folder, root.resolve()):
                rules.load(folder)
        yield from _walk(path, rules)


def _walk(folder: Path, rules: _IgnoreRules) -> Iterator[Path]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        entry_path = Path(entry.path)
        resolved = entry_path.resolve()
        if entry.is_dir(follow_symlinks=False):
            if entry.name in ALWAYS_SKIPPED_DIRS or rules.ignored(resolved, is_dir=True):
                continue
            count = len(rules.specs)
            rules.load(resolved)
            yield from _walk(entry_path, rules)
            del rules.specs[count:]
        elif entry.is_file(follow_symlinks=False) and not rules.ignored(resolved, is_dir=False):
            yield entry_path


def _is_within(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def decode(data: bytes) -> tuple[str | None, bool]:
    """(text, had_decode_errors); text is None for binary data."""
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        return None, False
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), True


def scan_file(path: Path, config: Config, display_path: str | None = None) -> FileResult:
    """Analyse one file on disk."""
    shown = display_path or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return FileResult(shown, skipped=f"unreadable: {exc.strerror or exc}")
    text, decode_errors = decode(data)
    if text is None:
        return FileResult(shown, skipped="binary")
    if text.startswith("\ufeff"):
        text = text[1:]
    document = Document(text, path=str(path), max_bytes=config.max_file_size)
    findings = Analysis(document, config).run()
    return FileResult(
        shown, findings, [locate(f, document.lines) for f in findings], decode_errors=decode_errors
    )


def locate(finding: Finding, lines: list[str]) -> Located:
    start_line, start_u16, end_line, end_u16 = span_to_utf16(finding.span, lines)
    # All whitespace removed: re-indenting or reformatting the line keeps its fingerprint (baselines).
    line_text = "".join(lines[start_line].split()) if start_line < len(lines) else ""
    digest = hashlib.blake2b(f"{finding.rule_id}\0{line_text}".encode("utf-8", "replace"), digest_size=8)
    return Located(start_u16, end_u16, digest.hexdigest())


def scan_paths(
    paths: list[str],
    config: Config,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[FileResult]:
    """Scan files sequentially in this process (the LSP command's form; the CLI parallelises)."""
    files = list(iter_files(paths, config))
    results = []
    for number, path in enumerate(files, start=1):
        results.append(scan_file(path, config))
        if progress is not None:
            progress(number, len(files), str(path))
    return results
