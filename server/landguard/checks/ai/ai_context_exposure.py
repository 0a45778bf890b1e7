"""## What it does
Flags files that hold secrets — `.env` files, private keys (`*.pem`, `*.key`, `*.p12`),
`credentials*`, `secrets*`, Terraform variables (`*.tfvars`), `.netrc`, `.pypirc`, and any
file in which the secrets rules (LG1xx) found something — when the AI assistants' ignore
files do not exclude them: `.cursorignore` (Cursor), `.aiexclude` (Gemini Code Assist,
Android Studio), `.codeiumignore` (Windsurf/Codeium), `.aiderignore` (Aider),
`.continueignore` (Continue) and `.geminiignore` (Gemini CLI). The finding sits on the
file's first line. With ignore files present, it names each one that leaves the file
readable; with none, it says that every assistant may read it.

The fix adds the file (a pattern such as `.env*` or `*.pem` for the well-known kinds, the
file's own path otherwise) to the ignore file of each tool configured in the workspace, in
that tool's syntax (all use `.gitignore` patterns relative to the ignore file's folder; an
empty `.aiexclude` already excludes everything). When no tool is configured it creates
`.cursorignore` and `.aiexclude` at the workspace root. GitHub Copilot's content exclusion
is set in the repository's or organisation's settings on GitHub, not in a file, so it cannot
be seen from here: configure it there as well.

## Why is this bad?
Assistants index the workspace and pull open or related files into the prompt: a `.env` with
production keys becomes part of a request to a model provider, may be echoed into generated
code, logs or chat transcripts, and is exposed to any prompt injection that tells the agent
to print or send it. `.gitignore` keeps the file out of git, not out of the assistant.

## Example
A workspace with `.env` (`STRIPE_SECRET_KEY=sk_live_…`) and no `.cursorignore` or `.aiexclude`.

## Use instead
```gitignore
# .cursorignore and .aiexclude
.env*
*.pem
```

## References
- CWE-538: Insertion of Sensitive Information into Externally-Accessible File or Directory
- https://cwe.mitre.org/data/definitions/538.html
- Cursor, Ignore files: https://docs.cursor.com/context/ignore-files
- Gemini Code Assist, Exclude files with .aiexclude: https://developers.google.com/gemini-code-assist/docs/create-aiexclude-file
- GitHub Copilot, Excluding content: https://docs.github.com/en/copilot/managing-copilot/configuring-and-auditing-content-exclusion
"""

from __future__ import annotations

import fnmatch
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from landguard.checks.secrets.heuristics import is_sample_path
from landguard.engine.ai_ignore_files import IGNORE_FILES
from landguard.engine.config import Config
from landguard.engine.document import Document
from landguard.engine.files import display_path
from landguard.engine.findings import Confidence, Finding, Fix, Severity, Span, TextEdit
from landguard.engine.registry import FindingsCheck, Rule
from landguard.engine.testcode import relative_path

if TYPE_CHECKING:  # imported when an ignore file is read: a server's start reads none (issue #15)
    import pathspec

RULE = Rule(
    id="LG604",
    name="secrets-exposed-to-ai",
    title="File with secrets readable by AI assistants (no AI ignore file excludes it)",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(538,),
    docs=__doc__ or "",
)

# Created when the workspace has none: the two most widely read.
DEFAULT_IGNORE_FILES = (".cursorignore", ".aiexclude")

# (file-name glob, the ignore pattern the fix writes for it)
_SECRET_FILES: tuple[tuple[str, str], ...] = (
    (".env", ".env*"),
    (".env.*", ".env*"),
    ("*.env", "*.env"),
    ("*.pem", "*.pem"),
    ("*.key", "*.key"),
    ("*.p12", "*.p12"),
    ("*.pfx", "*.pfx"),
    ("id_rsa", "id_rsa*"),
    ("id_ed25519", "id_ed25519*"),
    ("*.tfvars", "*.tfvars"),
    ("*.tfvars.json", "*.tfvars.json"),
    (".netrc", ".netrc"),
    (".pypirc", ".pypirc"),
    ("credentials", ""),
    ("credentials.*", ""),
    ("secrets", ""),
    ("secrets.*", ""),
)
# Templates that document variables without values.
_TEMPLATES = (".example", ".sample", ".template", ".dist", ".defaults", ".schema")
_ROOT_MARKERS = (".git", "landguard.toml", "pyproject.toml", "package.json")
_MAX_LEVELS = 12


def secret_file_pattern(path: str) -> str | None:
    """The ignore pattern for a file that holds secrets by its name ('' = its own path), or None."""
    name = os.path.basename(path)
    lowered = name.lower()
    if lowered.endswith(_TEMPLATES) or lowered.endswith((".py", ".js", ".ts", ".java", ".md")):
        return None  # a secrets.py module is code; .env.example holds no values
    for glob, pattern in _SECRET_FILES:
        if fnmatch.fnmatchcase(lowered, glob):
            return pattern
    return None


@dataclass(frozen=True)
class IgnoreFile:
    path: Path
    tool: str
    spec: pathspec.PathSpec
    blocks_everything: bool  # an empty .aiexclude
    lines: tuple[str, ...]

    def excludes(self, file: Path) -> bool:
        if self.blocks_everything:
            return True
        try:
            relative = file.resolve().relative_to(self.path.parent.resolve()).as_posix()
        except ValueError:
            return False
        return self.spec.match_file(relative)


class _IgnoreFileCache:
    """Parsed ignore files by (path, mtime, size): a keystroke in a .env costs a few stat calls."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._parsed: dict[Path, tuple[tuple[int, int], IgnoreFile]] = {}

    def load(self, path: Path) -> IgnoreFile | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        key = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._parsed.get(path)
            if cached is not None and cached[0] == key:
                return cached[1]
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        lines = tuple(text.splitlines())
        patterns = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
        import pathspec

        parsed = IgnoreFile(
            path,
            IGNORE_FILES[path.name],
            pathspec.PathSpec.from_lines("gitignore", patterns),
            path.name == ".aiexclude" and not patterns,
            lines,
        )
        with self._lock:
            self._parsed[path] = (key, parsed)
        return parsed


_CACHE = _IgnoreFileCache()


def workspace_root(file: Path, config: Config) -> Path:
    """The folder an ignore file for ``file`` belongs in: the project root above it."""
    configured = Path(config.root).resolve() if config.root else None
    folder = file.parent
    for _ in range(_MAX_LEVELS):
        if configured is not None and folder == configured:
            return folder
        if any((folder / marker).exists() for marker in _ROOT_MARKERS[:1]):
            return folder  # a repository's root wins over any manifest below it
        if folder.parent == folder:
            break
        folder = folder.parent
    if configured is not None and configured in file.parents:
        return configured
    for folder in [file.parent, *file.parents][:_MAX_LEVELS]:
        if any((folder / marker).exists() for marker in _ROOT_MARKERS[1:]):
            return folder
    return file.parent


def ignore_files(file: Path, root: Path) -> list[IgnoreFile]:
    """The AI ignore files that apply to ``file``: in its folder and each one up to ``root``."""
    found = []
    folder = file.parent
    for _ in range(_MAX_LEVELS):
        for name in IGNORE_FILES:
            parsed = _CACHE.load(folder / name)
            if parsed is not None:
                found.append(parsed)
        if folder == root or folder.parent == folder:
            break
        folder = folder.parent
    return found


class AiContextExposure(FindingsCheck):
    rules = (RULE,)

    def check_findings(
        self, document: Document, findings: Sequence[Finding], config: Config
    ) -> Iterable[Finding]:
        if not document.path:
            return
        pattern = secret_file_pattern(document.path)
        found_secrets = any(f.rule_id.startswith("LG1") for f in findings)
        if pattern is None and not found_secrets:
            return
        if pattern is not None and not found_secrets and _holds_no_secret(document, config):
            return
        file = Path(document.path).resolve()
        if not file.is_file():
            return  # not on disk (an unsaved buffer): no assistant indexes it yet
        finding = exposure_finding(document, file, pattern or "", config)
        if finding is not None:
            yield finding


def _holds_no_secret(document: Document, config: Config) -> bool:
    """A file named like a secret that is not one: a PEM file holding only certificates, or a
    demo's or dummy server's key (``examples/server.key``, ``dummyserver/certs/``), which the
    secrets rules treat as published sample material."""
    if document.path.lower().endswith(".pem") and "PRIVATE KEY" not in document.text:
        return True
    return is_sample_path(relative_path(document.path, config.root))


def exposure_finding(document: Document, file: Path, pattern: str, config: Config) -> Finding | None:
    root = workspace_root(file, config)
    present = ignore_files(file, root)
    # Per tool (one ignore-file name), any of its files excluding the file is enough; the nearest one
    # (listed first) is where a missing pattern goes.
    by_tool: dict[str, list[IgnoreFile]] = {}
    for ignore in present:
        by_tool.setdefault(ignore.path.name, []).append(ignore)
    leaking = {name: files[0] for name, files in by_tool.items() if not any(f.excludes(file) for f in files)}
    if present and not leaking:
        return None
    try:
        relative = file.relative_to(root).as_posix()
    except ValueError:
        return None  # outside the workspace: no ignore file of ours can reach it
    written = pattern or "/" + relative
    first_line = document.lines[0] if document.lines else ""
    span = Span.on_line(0, 0, len(first_line))
    what = "holds secrets" if pattern else "holds secrets (found by the secrets rules)"
    if not present:
        targets = [root / name for name in DEFAULT_IGNORE_FILES]
        message = (
            f"`{display_path(file.name)}` {what} and no AI assistant's ignore file excludes it: Cursor, Copilot, Gemini "
            "and others may read it into their prompts"
        )
    else:
        # Each configured tool that still reads the file gets the pattern in its nearest ignore file.
        targets = [p.path for p in leaking.values()]
        tools = ", ".join(f"{p.path.name} ({p.tool})" for p in leaking.values())
        message = f"`{display_path(file.name)}` {what} and is not excluded by {tools}: that assistant may read it into its prompts"
    edits = tuple(_append_edit(target, written, root) for target in targets)
    names = ", ".join(t.name for t in targets)
    fix = Fix(f"Exclude it from AI assistants ({names})", edits, preferred=True)
    return RULE.finding(span, message, fixes=[fix], properties={"pattern": written})


def _append_edit(target: Path, pattern: str, root: Path) -> TextEdit:
    """The edit adding ``pattern`` at the end of ``target`` (a new file when it does not exist).

    Patterns are relative to the ignore file's folder, so a root-relative path is rewritten for a
    nested ignore file.
    """
    if pattern.startswith("/") and target.parent != root:
        try:
            pattern = "/" + (root / pattern[1:]).relative_to(target.parent).as_posix()
        except ValueError:
            pass
    parsed = _CACHE.load(target)
    if parsed is None:
        header = "# Files AI assistants must not read (added by Landguard, LG604)\n"
        return TextEdit(Span(0, 0, 0, 0), f"{header}{pattern}\n", str(target))
    lines = parsed.lines
    try:
        ends_with_newline = target.read_bytes().endswith((b"\n", b"\r"))
    except OSError:
        ends_with_newline = True
    if not lines or ends_with_newline:
        return TextEdit(Span(len(lines), 0, len(lines), 0), f"{pattern}\n", str(target))
    last = len(lines) - 1
    return TextEdit(Span(last, 0, last, len(lines[last])), f"{lines[last]}\n{pattern}\n", str(target))


CHECK = AiContextExposure()
