"""Finding and scanning files on disk: the shared core of ``landguard check`` and the
LSP ``landguard.scanWorkspace`` command.

Files are found by walking the given paths, skipping what ``.gitignore`` files (at the
root and in sub-folders), the configured ``exclude`` globs and the generated/vendored files
(``generated``: minified code, bundles, ``dist/``, ``vendor/``, source maps) exclude, plus VCS and
dependency folders nobody wants scanned. Each file is read as bytes: binary files
(a NUL byte anywhere) and minified JavaScript/CSS are skipped and reported, once; invalid UTF-8 is decoded with
replacement characters and analysed anyway (a secret next to a bad byte is still a secret).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from landguard.engine.config import Config, Exclusions
from landguard.engine.files import DEFAULT_READ_LIMIT, Unreadable, read_regular, reason_for
from landguard.engine.files import display_path as printable
from landguard.engine.findings import Finding
from landguard.engine.globs import gitignore_spec
from landguard.engine.positions import span_to_utf16

if TYPE_CHECKING:  # pathspec itself is imported on first use (``engine/globs``)
    import pathspec

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
_GITIGNORE_LIMIT = 1_000_000
_GIT_TIMEOUT = 60


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
    fs_path: str | None = None  # the file on disk (``path`` is for display; None when from the cache)
    # Read from the result cache: the name and title of each rule it reports, so that a report of
    # cached results needs no check loaded (None: ask the registry).
    rule_titles: dict[str, tuple[str | None, str | None]] | None = None


class _IgnoreRules:
    """``exclude`` globs plus the .gitignore files met while walking, each applying below its folder.

    Paths are POSIX strings relative to the configuration root (the walked folder's ``root_prefix``
    joined with the path below it); nothing is resolved (resolving a symlink loop raises). Across .gitignore files the deepest match wins, as in git: a
    sub-folder's ``!keep.log`` re-includes what a parent's ``*.log`` ignored.
    """

    def __init__(self, root_prefix: str, exclude: tuple[str, ...], notices: list[str]) -> None:
        # root_prefix: the walked folder relative to the configuration root ("" when they coincide).
        self.root_prefix = root_prefix
        self.exclusions = Exclusions(exclude)
        self.specs: list[tuple[str, pathspec.PathSpec]] = []
        self.notices = notices

    def load(self, folder: Path, relative: str) -> None:
        """Read ``folder``'s .gitignore; ``relative``: that folder relative to the configuration root."""
        gitignore = folder / ".gitignore"
        try:
            os.lstat(gitignore)
        except OSError:
            return  # none (or the folder cannot be listed: said when walking it)
        try:
            data = read_regular(gitignore, _GITIGNORE_LIMIT)
        except Unreadable as exc:
            self.notices.append(
                f"{printable(gitignore)}: not read ({exc.reason}); its rules were not applied"
            )
            return
        lines = data.decode("utf-8", errors="replace").splitlines()
        self.specs.append((relative, gitignore_spec(lines)))

    def ignored(self, relative: str, name: str, is_dir: bool) -> bool:
        """Whether ``relative`` (to the walked folder) is excluded or ignored."""
        suffix = "/" if is_dir else ""
        full = _join(self.root_prefix, relative)  # relative to the configuration root
        if self.exclusions.level(full, name, is_dir):
            return True
        decision = None
        for folder, spec in self.specs:  # each .gitignore's folder, relative to the configuration root
            if folder and not full.startswith(folder + "/"):
                continue
            inner = full[len(folder) + 1 :] if folder else full
            include = spec.check_file(inner + suffix).include
            if include is not None:
                decision = include
        return decision is True


def _join(prefix: str, relative: str) -> str:
    return f"{prefix}/{relative}" if prefix else relative


def iter_files(paths: list[str], config: Config, notices: list[str] | None = None) -> Iterator[Path]:
    """Every file to scan under ``paths`` (files given explicitly are always scanned).

    Inside a git work tree the files are those git knows (``git ls-files -co --exclude-standard``):
    tracked files even when a .gitignore matches them, untracked files that no ignore rule covers.
    Elsewhere, folders are walked with .gitignore semantics. Either way the ``exclude`` globs and
    ``ALWAYS_SKIPPED_DIRS`` apply, symlinks are not followed, and what cannot be listed is said
    once in ``notices``. Special files (FIFOs, devices) are yielded: ``scan_file`` refuses them
    without opening them, so the report says they were skipped.
    """
    notices = notices if notices is not None else []
    for given in paths:
        path = Path(given)
        try:
            info = os.stat(path)
        except OSError as exc:
            notices.append(f"{printable(path)}: not scanned ({reason_for(exc)})")
            continue
        if not stat.S_ISDIR(info.st_mode):
            yield path
            continue
        prefix = _prefix_within_root(path, config.root)
        listed = _git_files(path)
        if listed is not None:
            yield from _from_git(path, listed, prefix, config, notices)
            continue
        rules = _IgnoreRules(prefix, config.skipped_paths, notices)
        if config.root and prefix:
            # .gitignore files between the configuration root and the scanned folder apply too.
            parts = prefix.split("/")
            for depth in range(len(parts)):
                rules.load(Path(config.root, *parts[:depth]), "/".join(parts[:depth]))
        rules.load(path, prefix)
        yield from _walk(path, "", rules)


def _prefix_within_root(path: Path, root: str | None) -> str:
    """The scanned folder relative to the configuration root ("" outside it or at it)."""
    if not root:
        return ""
    try:
        relative = os.path.relpath(os.path.realpath(path), os.path.realpath(root))
    except (OSError, ValueError):
        return ""
    if relative == "." or relative.startswith(".."):
        return ""
    return Path(relative).as_posix()


def _git_files(folder: Path) -> list[str] | None:
    """Files under ``folder`` as git lists them, or None outside a git work tree (or without git).

    Git reads the repository's config, which may name programs to run (``core.fsmonitor``): those
    are switched off, since Landguard never runs code a repository brings.
    """
    git = shutil.which("git")
    if git is None:
        return None
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}
    try:
        done = subprocess.run(
            [
                git,
                "--no-pager",
                "-c",
                "core.fsmonitor=false",
                "-c",
                "core.untrackedCache=false",
                "ls-files",
                "-co",
                "--exclude-standard",
                "-z",
            ],
            cwd=folder,
            capture_output=True,
            timeout=_GIT_TIMEOUT,
            env=env,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None  # not a work tree, or one git refuses (another user's: "dubious ownership")
    return [os.fsdecode(item) for item in done.stdout.split(b"\0") if item]


def _from_git(
    folder: Path, listed: list[str], prefix: str, config: Config, notices: list[str]
) -> Iterator[Path]:
    exclusions = config.exclusions
    for relative in sorted(set(listed)):
        nested = relative.endswith("/")  # an untracked repository inside this one
        relative = relative.rstrip("/")
        parts = relative.split("/")
        if any(part in ALWAYS_SKIPPED_DIRS for part in parts[:-1]) or (
            nested and parts[-1] in ALWAYS_SKIPPED_DIRS
        ):
            continue
        if exclusions.path(relative, below=prefix, is_dir=nested):
            continue
        path = folder.joinpath(*parts)
        try:
            info = os.lstat(path)
        except OSError:
            continue  # tracked but deleted from the work tree
        if stat.S_ISLNK(info.st_mode):
            continue
        if stat.S_ISDIR(info.st_mode):
            if nested:
                yield from iter_files([str(path)], config, notices)
            continue  # a submodule: a repository of its own
        yield path


def _walk(folder: Path, relative: str, rules: _IgnoreRules) -> Iterator[Path]:
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        rules.notices.append(f"{printable(folder)}: folder not scanned ({reason_for(exc)})")
        return
    for entry in entries:
        entry_relative = _join(relative, entry.name)
        try:
            if entry.is_symlink():
                continue  # not followed: it may lead outside the project or into a loop
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            continue
        if is_dir:
            if entry.name in ALWAYS_SKIPPED_DIRS or rules.ignored(entry_relative, entry.name, is_dir=True):
                continue
            count = len(rules.specs)
            rules.load(Path(entry.path), _join(rules.root_prefix, entry_relative))
            yield from _walk(Path(entry.path), entry_relative, rules)
            del rules.specs[count:]
        elif not rules.ignored(entry_relative, entry.name, is_dir=False):
            yield Path(entry.path)  # regular or special: scan_file tells them apart


_UTF16_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode(data: bytes) -> tuple[str | None, bool]:
    """(text, had_decode_errors); text is None for binary data (a NUL byte anywhere: the whole file
    is searched, so a file is either skipped as binary or analysed, never both half-way).

    UTF-16 and UTF-32 files say so with a byte order mark (Windows tools write them): decoded, not
    taken for binary for the NUL bytes every ASCII character carries there.
    """
    for bom, encoding in _UTF16_BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                text = body.decode(encoding)
                errors = False
            except UnicodeDecodeError:
                text, errors = body.decode(encoding, errors="replace"), True
            return (None, False) if "\x00" in text[:BINARY_SNIFF_BYTES] else (text, errors)
    if b"\x00" in data:  # anywhere: a file is either skipped as binary or analysed, never both
        return None, False
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), True


_MINIFIABLE = (".js", ".mjs", ".cjs", ".css")


def is_minified(name: str, text: str) -> bool:
    """Minified JavaScript/CSS (a bundle whatever its name): a few very long lines. Nobody edits it,
    and findings in it belong to the library it was built from."""
    if not name.endswith(_MINIFIABLE) or len(text) < 5_000:
        return False
    lines = text.count("\n") + 1
    return len(text) / lines > 1_000 or any(len(line) > 20_000 for line in text[:200_000].splitlines()[:50])


def read_limit(config: Config) -> int:
    """How much of a file is read at most: enough for the analysis limit's notice to be right."""
    return max(DEFAULT_READ_LIMIT, 2 * config.max_file_size)


def scan_file(path: Path, config: Config, display_path: str | None = None) -> FileResult:
    """Analyse one file on disk; a file that is not a readable regular file is skipped, not opened."""
    # Imported here: a run whose files all come from the result cache never loads the engine.
    from landguard.engine.analyze import Analysis
    from landguard.engine.document import Document

    shown = display_path or printable(path)
    try:
        data = read_regular(path, read_limit(config))
    except Unreadable as exc:
        return FileResult(shown, skipped=f"unreadable: {exc.reason}", fs_path=str(path))
    text, decode_errors = decode(data)
    if text is None:
        return FileResult(shown, skipped="binary", fs_path=str(path))
    if text.startswith("\ufeff"):
        text = text[1:]
    if config.generated and is_minified(path.name, text):
        return FileResult(shown, skipped="generated (minified code)")
    document = Document(text, path=str(path), max_bytes=config.max_file_size)
    findings = Analysis(document, config, incremental=False).run()
    return FileResult(
        shown,
        findings,
        [locate(f, document.lines) for f in findings],
        decode_errors=decode_errors,
        fs_path=str(path),
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
    notices: list[str] | None = None,
) -> list[FileResult]:
    """Scan files sequentially in this process (the LSP command's form; the CLI parallelises).

    What could not be listed (an unreadable .gitignore or folder) is in ``notices``, once each.
    """
    files = list(dict.fromkeys(iter_files(paths, config, notices)))
    results = []
    for number, path in enumerate(files, start=1):
        results.append(scan_file(path, config))
        if progress is not None:
            progress(number, len(files), str(path))
    return results
