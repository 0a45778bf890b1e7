"""The server's side of the audit trail (``landguard/audit.py``), opt-in with ``audit = true``.

- After an analysis is published, what it found is recorded (off the event loop): findings raised
  and resolved, suppressions added, and large insertions (one change of many lines: an accepted
  completion or a paste), counted, never copied.
- Quick fixes carry a command, ``landguard.audit.fixApplied``, which the editor runs after applying
  the edit (LSP: a code action's command runs after its edit), so the trail knows a finding went
  away by a fix rather than by hand.
- A trail that cannot be written (read-only or full disk) is turned off and the user is told once;
  diagnostics go on as before.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from landguard.audit import LARGE_INSERTION_LINES, AuditTrail, Observation, fingerprint, observe
from landguard.engine.analyze import ai_marked_regions
from landguard.engine.config import Config
from landguard.engine.document import Document, LineChange
from landguard.engine.findings import Finding

if TYPE_CHECKING:
    from landguard.lsp.server import LandguardServer

log = logging.getLogger("landguard.lsp.audit")

FIX_APPLIED = "landguard.audit.fixApplied"

_trails: dict[str, AuditTrail] = {}
_trails_lock = threading.Lock()
_problem_shown = False


def trail_for(root: str | None) -> AuditTrail | None:
    if not root:
        return None
    with _trails_lock:
        trail = _trails.get(root)
        if trail is None:
            trail = _trails[root] = AuditTrail(root, "lsp")
        return trail


def project_root(config: Config, workspace_root: str | None) -> str | None:
    return config.root or workspace_root


def snapshot(
    document: Document,
    path: str | None,
    findings: list[Finding],
    changes: list[LineChange],
    config: Config,
    workspace_root: str | None,
) -> tuple[str, Observation] | None:
    """Worker, under the document's lock: reduce the analysis to what the trail may keep."""
    root = project_root(config, workspace_root)
    trail = trail_for(root) if config.audit and path else None
    if trail is None or trail.problem is not None or root is None or path is None:
        return None
    try:
        relative = Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return None  # outside the project: not its trail's business
    regions = ai_marked_regions(document, config.ai_markers) if config.ai_markers else []
    marked_lines = {
        n for _, start, end in regions for n in range(start, min(end, len(document.lines) - 1) + 1)
    }
    insertions = [
        (change.delta, any(change.first <= n <= change.new_last for n in marked_lines))
        for change in changes
        if change.delta >= LARGE_INSERTION_LINES
    ]
    observation = observe(trail.key, relative, document.lines, findings, len(marked_lines), insertions)
    return root, observation


def record(ls: LandguardServer, audit: tuple[str, Observation]) -> None:
    """Event loop: append the observation in the background; tell the user once if the trail broke."""
    root, observation = audit
    trail = trail_for(root)
    if trail is None:
        return

    def write() -> None:
        trail.record_observation(observation)
        if trail.problem is not None:
            ls.loop.call_soon_threadsafe(_show_problem, ls, trail.problem)

    ls.scheduler.background.submit(write)


def fix_command(
    ls: LandguardServer, uri: str, diagnostic: types.Diagnostic, title: str
) -> types.Command | None:
    """The command a quick fix carries so the trail learns it was applied (None: no trail here)."""
    doc = ls.documents.get(uri)
    path = doc.path if doc is not None else None
    lines = None
    if doc is not None and doc.lock.acquire(timeout=0.05):  # an analysis holds it for milliseconds at most
        try:
            lines = list(doc.document.lines) if doc.document is not None else None
        finally:
            doc.lock.release()
    config = ls.settings.resolve(path).config if path else None
    if config is None or not config.audit:
        return None
    root = project_root(config, ls.settings.root)
    trail = trail_for(root)
    if trail is None or trail.problem is not None or root is None or lines is None:
        return None
    try:
        relative = Path(path or "").resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return None
    line = diagnostic.range.start.line
    rule = str(diagnostic.code)
    print_ = fingerprint(trail.key, rule, lines[line] if 0 <= line < len(lines) else "")
    return types.Command(
        title="Record the fix in the audit trail",
        command=FIX_APPLIED,
        arguments=[root, relative, rule, print_, title],
    )


def _show_problem(ls: LandguardServer, problem: str) -> None:
    global _problem_shown
    if _problem_shown:
        return
    _problem_shown = True
    log.warning("%s", problem)
    ls.window_show_message(
        types.ShowMessageParams(type=types.MessageType.Warning, message=f"Landguard: {problem}")
    )


def register(server: LandguardServer) -> None:
    # No annotations: pygls reads a command handler's type hints to convert its arguments, which it
    # passes one by one.
    @server.command(FIX_APPLIED)
    def fix_applied(ls, *arguments):  # noqa: ANN001, ANN002, ANN202
        try:
            root, file, rule, print_, title = (str(a) for a in arguments)
        except (TypeError, ValueError):
            log.warning("ignoring %s with malformed arguments", FIX_APPLIED)
            return
        with _trails_lock:
            trail = _trails.get(root)  # only a trail this server opened: the client cannot pick a folder
        if trail is None:
            return

        def write() -> None:
            trail.record_fix(file, rule, print_, title)
            if trail.problem is not None:
                ls.loop.call_soon_threadsafe(_show_problem, ls, trail.problem)

        ls.scheduler.background.submit(write)
