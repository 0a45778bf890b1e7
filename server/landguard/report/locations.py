"""Where reports say a file is: relative to the repository root, the way CI systems expect.

GitHub code scanning, workflow annotations and GitLab's code-quality widget all resolve paths
against the repository's checkout, not the folder of a configuration file (a monorepo's
``services/api/landguard.toml`` must not turn ``services/api/app.py`` into ``app.py``). The
root is the git toplevel of the scan root; outside git, the deepest folder holding every
scanned file (and the scan root).
"""

from __future__ import annotations

import os
from pathlib import Path

from landguard.batch import BatchResult


def absolute(shown: str, root: Path) -> Path:
    path = Path(shown)
    return (path if path.is_absolute() else root / path).resolve()


def repository_root(result: BatchResult, root: Path) -> Path:
    from landguard.changed_lines import repository_root as git_toplevel

    top = git_toplevel(root.resolve())
    if top is not None:
        return top
    folders = [str(root.resolve())] + [str(absolute(f.path, root).parent) for f in result.files]
    try:
        return Path(os.path.commonpath(folders))
    except ValueError:  # different drives
        return root.resolve()


def relative_path(path: Path, base: Path) -> str | None:
    """``path`` relative to ``base`` with ``/`` separators; None when it lies outside."""
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return None


def report_path(shown: str, root: Path, base: Path) -> str:
    """A repository-relative path, or the absolute path for a file outside the repository."""
    path = absolute(shown, root)
    return relative_path(path, base) or path.as_posix()
