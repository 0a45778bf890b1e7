"""Which lines changed relative to a git ref (``--diff-base REF``) or in the index (``--staged``).

What pre-commit hooks and pull-request checks want: findings on the lines this change touched,
not the ones the repository already had. Read from ``git diff --unified=0`` (new-side line
ranges of each hunk) against the merge base of REF and HEAD, as ``git diff REF...`` and
pull-request views count changes: what landed on REF since the branch started is not the
branch's change. A file git does not
track yet (untracked, for ``--diff-base``) is new as a whole; with ``--staged`` only what is in
the index counts, and the index's text is what is checked (``git show :path``), so unstaged
edits neither hide nor add findings.

Git runs with ``--no-ext-diff`` and ``--no-textconv`` and external diff drivers off: nothing in
the repository's configuration gets to run a program.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
WHOLE_FILE = None  # a file whose every line counts as changed


class GitError(RuntimeError):
    """git is missing, the folder is not a repository, or the ref is unknown."""


def _git(args: list[str], cwd: Path) -> str:
    try:
        completed = subprocess.run(
            ["git", "-c", "core.quotepath=off", "-c", "diff.external=", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"cannot run git: {exc}") from None
    if completed.returncode != 0:
        raise GitError(completed.stderr.strip() or f"git {' '.join(args)} failed")
    return completed.stdout


def repository_root(start: Path) -> Path | None:
    """The git toplevel containing ``start``, or None outside a repository (or without git)."""
    folder = start if start.is_dir() else start.parent
    try:
        return Path(_git(["rev-parse", "--show-toplevel"], folder).strip()).resolve()
    except GitError:
        return None


@dataclass
class ChangedLines:
    """Changed 0-based line numbers per file (absolute path); ``WHOLE_FILE`` for new files."""

    top: Path
    files: dict[Path, set[int] | None] = field(default_factory=dict)
    staged: bool = False

    def lines_for(self, path: Path) -> set[int] | None | bool:
        """The changed lines of ``path``; None: all of them; False: none (unchanged file)."""
        resolved = path.resolve()
        if resolved in self.files:
            return self.files[resolved]
        return False

    def index_text(self, path: Path) -> str | None:
        """With ``--staged``: the staged content of ``path`` (what the commit will hold)."""
        relative = path.resolve().relative_to(self.top).as_posix()
        try:
            return _git(["show", f":{relative}"], self.top)
        except GitError:
            return None


def parse_diff(diff: str, top: Path) -> dict[Path, set[int] | None]:
    """New-side changed lines per file from ``git diff --unified=0`` output."""
    files: dict[Path, set[int] | None] = {}
    current: set[int] | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            target = line[4:]
            if target == "/dev/null":
                current = None  # deleted: nothing of it is checked
                continue
            target = target[2:] if target.startswith("b/") else target
            current = files.setdefault((top / target).resolve(), set())
        elif current is not None:
            hunk = _HUNK.match(line)
            if hunk:
                start, count = int(hunk.group(1)), int(hunk.group(2) or 1)
                current.update(range(start - 1, start - 1 + count))
    return files


def _merge_base(base: str, top: Path) -> str:
    """Where this branch left ``base`` (``git diff base...``'s left side), so commits that landed
    on ``base`` since are not counted as this branch's changes; ``base`` itself if unrelated."""
    try:
        return _git(["merge-base", base, "HEAD"], top).strip() or base
    except GitError:
        return base


def changed_lines(start: Path, base: str | None = None, staged: bool = False) -> ChangedLines:
    """The lines changed relative to ``base`` (working tree vs the ref), or staged in the index."""
    top = repository_root(start)
    if top is None:
        raise GitError(f"{start} is not inside a git repository")
    options = ["diff", "--no-ext-diff", "--no-textconv", "--no-color", "--unified=0", "--diff-filter=d"]
    if staged:
        diff = _git([*options, "--cached"], top)
    else:
        if base is None:
            raise ValueError("changed_lines needs a base ref or staged=True")
        _git(["rev-parse", "--verify", "--quiet", f"{base}^{{commit}}"], top)
        diff = _git([*options, _merge_base(base, top), "--"], top)
    result = ChangedLines(top, parse_diff(diff, top), staged=staged)
    if not staged:
        untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], top)
        for name in filter(None, untracked.split("\0")):
            result.files[(top / name).resolve()] = WHOLE_FILE
    return result
