"""When documents are analysed and their diagnostics published.

- Bursts of edits are coalesced per document: an edit after a quiet moment (``debounce``
  since the last one) is analysed at once. While keystrokes keep arriving, each (re)starts a
  timer of about twice the gaps between them (``_edit_delay``, at most the debounce): 10
  keystrokes 5 ms apart wait ~10 ms after the last, not a fixed 30 ms. Meanwhile each edit is
  applied to the document's text on a worker as it arrives; the tree is reparsed once, for all
  of them, when the timer's job reads it (a reparse holds the GIL, ~1-6 ms on a 17k-line file,
  per keystroke before). That one job analyses every change since the last run once.
- One job per document at a time; edits that arrive meanwhile make it run again after. The
  running job is then for a version nobody will see: it stops at its next check point
  (between checks and units, ``Analysis.run``'s ``stop``; what it cached stays exact, see
  ``engine.analyze``), and the job for the newest version starts when the keystrokes pause,
  its line changes carried over: a burst over a slow file is not restarted at every keystroke.
- A result is published only if it is for the newest version the client sent and the
  document is still open (stale versions are dropped, never shown).
- Diagnostics are kept per source (``engine``, ``online-deps``) and merged at publish, so the
  slow online dependency lookups, which run afterwards in the background, never clobber the
  local results (and vice versa).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import threading
import time
import weakref
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from landguard import startup
from landguard.engine import positions
from landguard.engine.analyze import Analysis, AnalysisCancelled
from landguard.engine.config import Config, ConfigResult
from landguard.engine.document import Document, EditOutOfRange, LineChange
from landguard.engine.languages import detect_language
from landguard.engine.registry import checks_for, warm_lazy_imports
from landguard.lsp import audit_hooks, generated_code, pull_diagnostics
from landguard.lsp.convert import DiagnosticCache, to_diagnostics
from landguard.lsp.documents import ENGINE, ONLINE_DEPS, OpenDocument
from landguard.lsp.gc_policy import Collector

if TYPE_CHECKING:
    from landguard.lsp.server import LandguardServer

log = logging.getLogger("landguard.lsp.scheduler")

DEFAULT_DEBOUNCE = 0.03
# While keystrokes arrive, the analysis waits this many times the gaps between them for a pause
# (an edit that came later than that was not part of the burst) ...
BURST_PAUSE_FACTOR = 2.0
# ... and at least this long: edits sent together (one read of the pipe) are analysed together.
MIN_BURST_PAUSE = 0.003
# Documents analysed most recently keep their trees and per-document analysis state; the others
# are swapped for a copy without them (``Document.idle_copy``), which parses again on the next
# edit. A tree and the dataflow state of a 2,000-line file take about 1.5 MB (docs/benchmarks.md).
HOT_DOCUMENTS = 16
# After a publish, the work the diagnostics did not wait for (``Analysis.tidy``: a few ms after an
# edit in a large function) waits this long for the next keystroke, so a burst is not slowed by it.
TIDY_DELAY = 0.02
# Online lookups wait for the typing to settle a little longer than local analysis does.
ONLINE_DELAY = 0.4
_DEPENDENCY_LANGUAGES = frozenset({"python", "javascript", "typescript", "tsx", "requirements"})
_MANIFEST_NAMES = frozenset({"package.json", "pyproject.toml", "setup.cfg", "Pipfile"}) | frozenset(
    {"mcp.json", ".mcp.json", "mcp_config.json", "claude_desktop_config.json"}  # packages MCP servers launch
)


@dataclass
class OnlineOutcome:
    diagnostics: list[types.Diagnostic] | None
    retracted: frozenset[tuple[str, tuple[int, int, int, int]]]
    notice: str | None


@dataclass
class AnalysisResult:
    version: int | None
    diagnostics: list[types.Diagnostic]
    config: Config
    config_result: ConfigResult
    seconds: float
    audit: Any = None  # what the opt-in audit trail records of this analysis (lsp/audit_hooks.py)
    opened: bool = False  # the document's first analysis since it was opened


_CHECKS_LOCK = threading.Lock()


def load_checks(language: str | None = None) -> None:
    """Load the common checks and ``language``'s (``registry.checks_for``: the other languages'
    wait for a document of theirs); the warm-up at initialize and the first analysis must not race."""
    with _CHECKS_LOCK, startup.loading():
        checks_for(language)
    startup.loaded()
    generated_code.save()  # the checks' dataclasses (a no-op once the cache has them)


def _warm_lazy_imports() -> None:
    try:
        warm_lazy_imports()
    except Exception:  # the checks import it again when needed and report what fails then
        log.exception("warming the lazily imported modules failed")


def debounce_from_env() -> float:
    """The coalescing delay; LANDGUARD_LSP_DEBOUNCE_MS overrides it (the latency benchmark sets 0)."""
    value = os.environ.get("LANDGUARD_LSP_DEBOUNCE_MS")
    if value is None:
        return DEFAULT_DEBOUNCE
    try:
        return max(float(value), 0.0) / 1000
    except ValueError:
        log.warning("ignoring LANDGUARD_LSP_DEBOUNCE_MS=%r: not a number", value)
        return DEFAULT_DEBOUNCE


class Scheduler:
    def __init__(self, server: LandguardServer, debounce: float | None = None) -> None:
        self.server = server
        self.debounce = debounce_from_env() if debounce is None else debounce
        # Keystroke analysis gets its own workers, so a workspace scan or a slow registry never delays it.
        self.executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="landguard-analysis")
        self.background = ThreadPoolExecutor(max_workers=2, thread_name_prefix="landguard-background")
        self._online_notice_shown = False
        self._online_missing_logged = False
        self._warmed = False
        # The HOT_DOCUMENTS documents analysed last, oldest first (weakly: a closed one just goes).
        self._hot: OrderedDict[str, weakref.ref[OpenDocument]] = OrderedDict()
        self._hot_lock = threading.Lock()
        # The cyclic garbage collector runs between analyses, not in them (``gc_policy``).
        self.collector = Collector(lambda: self.loop, self._busy)
        _resume_online_lookups()  # an earlier scheduler's shutdown in this process refused them

    def _busy(self) -> bool:
        """Whether an analysis is running or waiting for its debounce timer."""
        return any(
            doc.running or doc.tidying or doc.timer is not None for doc in self.server.documents.values()
        )

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self.server.loop

    def shutdown(self) -> None:
        self.collector.cancel()
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.background.shutdown(wait=False, cancel_futures=True)
        _abort_online_lookups()  # a lookup in flight must not hold the exit

    # ------------------------------------------------------------------ local analysis

    def schedule(self, doc: OpenDocument, delay: float | None = None) -> None:
        """Analyse ``doc`` after ``delay`` seconds (for an edit: see ``_edit_delay``), replacing a pending timer."""
        if delay is None:
            delay = self._edit_delay(doc)
        if doc.timer is not None:
            doc.timer.cancel()
        if doc.tidy_timer is not None:
            doc.tidy_timer.cancel()
            doc.tidy_timer = None
        # A run asked for when an earlier timer fired during a job is this timer's to start now:
        # the keystrokes had not paused after all.
        doc.rerun = False
        doc.timer = self.loop.call_later(delay, self._start, doc)
        if delay > 0:
            self._apply_soon(doc)

    def _edit_delay(self, doc: OpenDocument) -> float:
        """Leading-edge, adaptive debounce: the first edit after a quiet moment is analysed at once
        (a job running for an older version stops for it). Edits following it within the debounce
        wait for the keystrokes to pause: ``BURST_PAUSE_FACTOR`` times the longest recent gap
        between them (decaying, so one slow gap does not stretch the rest of the burst), at most
        the debounce. A burst costs one more analysis, started soon after its last keystroke."""
        now = self.loop.time()
        gap = now - doc.last_edit
        doc.last_edit = now
        if gap >= self.debounce and doc.timer is None:
            doc.burst_gap = 0.0
            return 0.0
        doc.burst_gap = max(gap, doc.burst_gap / 2)
        return min(self.debounce, max(MIN_BURST_PAUSE, BURST_PAUSE_FACTOR * doc.burst_gap))

    def _start(self, doc: OpenDocument) -> None:
        doc.timer = None
        if self.server.documents.get(doc.uri) is not doc:
            return
        if doc.running:
            doc.rerun = True
            return
        doc.running = True
        future = self.executor.submit(self._analyse, doc)
        future.add_done_callback(lambda f: self.loop.call_soon_threadsafe(self._finished, doc, f))

    def _apply_soon(self, doc: OpenDocument) -> None:
        """Apply the queued edits' text on a worker while the keystrokes go on (``_apply_queued``),
        so the run after the burst begins with one reparse for all of them, not with every
        keystroke's edit."""
        if doc.applying or doc.running:
            return  # the queued task, or the running job's successor, takes these edits too
        doc.applying = True
        self.executor.submit(self._apply_queued, doc)

    def _apply_queued(self, doc: OpenDocument) -> None:
        """Worker: apply the queued edits to the document; the next analysis takes their line changes."""
        doc.applying = False  # edits queued from now on get a task of their own
        if not doc.lock.acquire(blocking=False):
            return  # a job is analysing: the next one applies them
        try:
            # Parsed once, by the run after the burst: each keystroke's reparse would hold the GIL
            # (~6 ms on a 17k-line file) against the next keystrokes and the client's messages.
            self._apply_pending(doc, defer_parse=True)
        finally:
            doc.lock.release()

    def _apply_pending(self, doc: OpenDocument, defer_parse: bool = False) -> None:
        """Worker, under the document's lock: apply the queued edits (or open the document); their
        line changes join ``carried_changes`` for the next analysis. ``defer_parse``: the text
        only, the tree when the analysis reads it (``Document.apply_change``)."""
        for item in doc.take_pending():
            if item.open_text is not None:
                doc.opened = True
                doc.document = Document(
                    item.open_text, path=doc.path, language_id=doc.language_id, version=item.version
                )
                doc.analysis = None
                doc.carried_changes = []
                doc.unconverted_changes.clear()
                doc.diagnostic_cache = DiagnosticCache()
                continue
            if doc.document is None:
                continue
            for change in item.changes:
                doc.carried_changes.append(self._apply(doc, doc.document, change, item.version, defer_parse))
            doc.document.version = item.version

    def _analyse(self, doc: OpenDocument) -> AnalysisResult | None:
        """Worker: apply the queued edits, then analyse what changed. Holds the document's lock."""
        started = time.perf_counter()
        settings = self.server.settings
        with doc.lock:
            self._apply_pending(doc)
            # Every line change not analysed yet: a stopped job's, the edits applied while waiting.
            changes: list[LineChange] = doc.carried_changes
            doc.carried_changes = []
            opened, doc.opened = doc.opened, False
            document = doc.document
            if document is None:
                return None
            generation = settings.generation
            config_result = settings.resolve(doc.path)
            config = config_result.config
            if self._excluded(doc, config, config.root or settings.root):
                # Excluded files get no diagnostics, as in `landguard check`. Only a settings change can
                # include the file again, and the analysis is then rebuilt from scratch.
                findings = []
                doc.analysis = None
            else:
                if doc.analysis is None:
                    load_checks(document.language)
                    doc.analysis = Analysis(document, config)
                    doc.config_generation = generation
                elif doc.config_generation != generation:
                    doc.analysis.set_config(config)
                    doc.config_generation = generation
                analysed = document.version
                try:
                    # Stop as soon as the client has sent a newer version: this one would not be shown.
                    findings = doc.analysis.run(changes, stop=lambda: doc.version != analysed)
                except AnalysisCancelled:
                    doc.carried_changes = changes
                    doc.opened = opened
                    log.debug("stopped analysing %s v%s: a newer version arrived", doc.uri, analysed)
                    return None
            lean = self.server.supports_code_action_resolve()
            # Every line change since the last conversion (a failed run's too), so diagnostics of
            # unchanged findings on lines no edit touched are reused as they are.
            doc.unconverted_changes.extend(changes)
            diagnostics = doc.diagnostic_cache.convert(findings, document, lean, doc.unconverted_changes)
            doc.unconverted_changes.clear()
            version = document.version
            audit = (
                audit_hooks.snapshot(document, doc.path, findings, changes, config, settings.root)
                if config.audit
                else None
            )
        seconds = time.perf_counter() - started
        log.debug("analysed %s v%s in %.1f ms: %d findings", doc.uri, version, seconds * 1000, len(findings))
        self._release_idle(doc)
        return AnalysisResult(version, diagnostics, config, config_result, seconds, audit, opened)

    def _tidy_later(self, doc: OpenDocument) -> None:
        """Loop thread, after a publish: tidy ``doc`` (``_tidy``) if no edit comes within ``TIDY_DELAY``
        (an edit cancels the timer, ``schedule``): not inside a burst of keystrokes."""
        if doc.tidy_timer is not None:
            doc.tidy_timer.cancel()

        def start() -> None:
            doc.tidy_timer = None
            if self.server.documents.get(doc.uri) is doc and not doc.running and doc.timer is None:
                self.executor.submit(self._tidy, doc)

        doc.tidy_timer = self.loop.call_later(TIDY_DELAY, start)

    @staticmethod
    def _tidy(doc: OpenDocument) -> None:
        """Worker: the last run's work that its diagnostics did not wait for (``Analysis.tidy``),
        unless the document is busy again (the next run does it then)."""
        if doc.pending or not doc.lock.acquire(blocking=False):
            return
        doc.tidying = True  # no collection meanwhile (``_busy``): it would freeze this work's temporaries
        try:
            analysis = doc.analysis
            if analysis is not None and analysis.document is doc.document and not doc.pending:
                analysis.tidy()
        except Exception:  # the next run does what is left of it: a failure must not cost that run
            log.exception("tidying after the analysis of %s failed", doc.uri)
        finally:
            doc.tidying = False
            doc.lock.release()

    @staticmethod
    def _excluded(doc: OpenDocument, config: Config, root: str | None) -> bool:
        """Worker, under the document's lock: whether ``config`` excludes the document. Kept per
        (config, root): ``Exclusions.file`` resolves the path on disk, ~0.4 ms a keystroke."""
        if not doc.path:
            return False
        kept = doc.exclusion
        if kept is None or kept[0] is not config or kept[1] != root:
            kept = doc.exclusion = (config, root, config.exclusions.file(doc.path, root))
        return kept[2]

    def _release_idle(self, analysed: OpenDocument) -> None:
        """Worker: mark ``analysed`` hot; swap the documents that fell out of the hot set for idle copies."""
        idle: list[OpenDocument] = []
        with self._hot_lock:
            self._hot.pop(analysed.uri, None)
            self._hot[analysed.uri] = weakref.ref(analysed)
            while len(self._hot) > HOT_DOCUMENTS:
                other = self._hot.popitem(last=False)[1]()
                if other is not None:
                    idle.append(other)
        for doc in idle:
            # One being analysed right now is hot again when that ends; never wait for its lock.
            if not doc.lock.acquire(blocking=False):
                continue
            try:
                if (
                    doc.document is not None
                    and doc.analysis is not None
                    and doc.analysis.document is doc.document
                ):
                    copy = doc.document.idle_copy()
                    doc.analysis.replace_document(copy)
                    doc.document = copy
            finally:
                doc.lock.release()

    @staticmethod
    def _apply(
        doc: OpenDocument, document: Document, change: Any, version: int | None, defer_parse: bool = False
    ) -> LineChange:
        if isinstance(change, types.TextDocumentContentChangePartial):
            r = change.range
            try:
                return document.apply_change(
                    (r.start.line, r.start.character, r.end.line, r.end.character),
                    change.text,
                    version,
                    defer_parse=defer_parse,
                )
            except EditOutOfRange as exc:
                log.warning("%s v%s: edit range outside the document; clamped", doc.uri, version)
                return exc.args[1]
        return document.apply_change(None, change.text, version)

    def _finished(self, doc: OpenDocument, future: Future) -> None:
        doc.running = False
        if self.server.documents.get(doc.uri) is not doc:
            return  # closed (or reopened) meanwhile: its result must not be published
        try:
            result = future.result()
        except Exception:
            log.exception("analysis of %s failed", doc.uri)
            result = None
        if result is not None and result.version == doc.version:
            self.server.report_config_errors(result.config_result)
            shown = (doc.analysed_version, doc.merged_diagnostics())
            doc.diagnostics[ENGINE] = result.diagnostics
            doc.analysed_version = result.version
            self._maybe_online(doc, result)
            # A second run of the version shown that found the same (the diagnostics of unchanged
            # findings are the same objects): the client has these already.
            if shown != (doc.analysed_version, doc.merged_diagnostics()):
                self.publish(doc)
            if startup.holding():  # the first diagnostics are out: the collector's turn (``startup``)
                # Without collecting: this first analysis was an open, so ``self.collector``
                # collects and freezes right after it anyway (``gc_policy``).
                self.background.submit(startup.release, collect=False)
            if not self._warmed:
                # After the first diagnostics, not before them (see ``warm_lazy_imports``), and at
                # the first idle moment: ~0.3 s of imports on another thread would hold the GIL
                # against the keystrokes that often follow an open.
                self._warmed = True
                self.collector.when_idle(lambda: self.background.submit(_warm_lazy_imports))
            if result.audit is not None:
                audit_hooks.record(self.server, result.audit)
        if doc.rerun:
            doc.rerun = False
            self._start(doc)
        elif doc.timer is not None and doc.pending:
            # The edits that came while this job held the document wait for the keystrokes to pause:
            # apply them now rather than at the start of the run after the pause.
            self._apply_soon(doc)
        elif doc.timer is None and result is not None:
            self._tidy_later(doc)
        if result is not None:
            self.collector.analysed(result.opened)

    def publish(self, doc: OpenDocument) -> None:
        if self.server.uses_pull_diagnostics():
            pull_diagnostics.changed(self.server, doc)
            return
        cache = doc.diagnostic_cache
        diagnostics = doc.merged_diagnostics()
        send_serialised = getattr(self.server.protocol, "send_serialised", None)
        if send_serialised is None:
            params: dict[str, Any] = {"uri": doc.uri, "diagnostics": [cache.json_for(d) for d in diagnostics]}
            if doc.analysed_version is not None:
                params["version"] = doc.analysed_version
            self.server.protocol._send_data(  # noqa: SLF001 - pygls 2 has no public raw-notify API
                {"jsonrpc": "2.0", "method": types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, "params": params}
            )
            return
        # Each diagnostic keeps its JSON text (``convert.DiagnosticCache``): the message is joined
        # from those, not converted and serialised again in full on every keystroke.
        version = "" if doc.analysed_version is None else f',"version":{int(doc.analysed_version)}'
        send_serialised(
            '{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":'
            + json.dumps(doc.uri)
            + ',"diagnostics":['
            + ",".join(cache.json_text_for(d) for d in diagnostics)
            + "]"
            + version
            + "}}"
        )

    # ------------------------------------------------------------------ online dependency checks

    def _maybe_online(self, doc: OpenDocument, result: AnalysisResult) -> None:
        if doc.deps_timer is not None:
            doc.deps_timer.cancel()
            doc.deps_timer = None
        if not result.config.dependencies.online or not _dependency_bearing(doc):
            doc.diagnostics.pop(ONLINE_DEPS, None)
            doc.retracted = frozenset()
            return
        online = _online_findings()
        if online is None:
            if not self._online_missing_logged:
                self._online_missing_logged = True
                log.info("online dependency checks are not available in this build")
            return
        version, config = result.version, result.config
        doc.deps_timer = self.loop.call_later(ONLINE_DELAY, self._submit_online, doc, version, config, online)

    def _submit_online(self, doc: OpenDocument, version: int | None, config: Config, online: Any) -> None:
        doc.deps_timer = None
        if self.server.documents.get(doc.uri) is not doc or doc.version != version:
            return
        future = self.background.submit(self._online, doc, version, config, online)
        future.add_done_callback(
            lambda f: self.loop.call_soon_threadsafe(self._online_finished, doc, version, f, config)
        )

    def _online(self, doc: OpenDocument, version: int | None, config: Config, online: Any):
        """Worker: the online lookups run without the document's lock (they can take seconds)."""
        with doc.lock:
            document = doc.document
            if document is None or document.version != version:
                return None
            text = document.text
        result = online(text, doc.path or "", config)
        notice = getattr(result, "notice", None)
        findings = list(getattr(result, "findings", result) or ())
        retracted = list(getattr(result, "retracted", ()) or ())
        with doc.lock:
            document = doc.document
            if document is None or document.version != version:
                return OnlineOutcome(None, frozenset(), notice)
            # online_findings already applied configuration and suppressions (engine.analyze.post_process).
            keys = frozenset((f.rule_id, positions.span_to_utf16(f.span, document.lines)) for f in retracted)
            return OnlineOutcome(to_diagnostics(findings, document), keys, notice)

    def _online_finished(self, doc: OpenDocument, version: int | None, future: Future, asked: Config) -> None:
        try:
            outcome = future.result()
        except Exception:
            log.exception("online dependency checks failed for %s", doc.uri)
            return
        if outcome is None:
            return
        current = self.server.settings.resolve(doc.path).config.dependencies
        if not current.online or current != asked.dependencies:
            # Settings changed while the lookups ran (online turned off, another registry): the current
            # settings would not have made these requests, so their answers are dropped.
            log.debug("dropping online verdicts for %s: settings changed meanwhile", doc.uri)
            return
        if outcome.notice and not self._online_notice_shown:
            self._online_notice_shown = True
            self.server.window_show_message(
                types.ShowMessageParams(type=types.MessageType.Info, message=f"Landguard: {outcome.notice}")
            )
        if outcome.diagnostics is None or self.server.documents.get(doc.uri) is not doc:
            return
        if doc.version != version or doc.analysed_version != version:
            return
        doc.diagnostics[ONLINE_DEPS] = outcome.diagnostics
        doc.retracted = outcome.retracted
        self.publish(doc)


def _dependency_bearing(doc: OpenDocument) -> bool:
    if doc.path and os.path.basename(doc.path) in _MANIFEST_NAMES:
        return True
    return detect_language(doc.path, doc.language_id) in _DEPENDENCY_LANGUAGES


def _abort_online_lookups() -> None:
    try:
        from landguard.checks.deps.online import abort_all
    except ImportError:
        return
    abort_all()


def _resume_online_lookups() -> None:
    # Only a loaded module can have refused lookups; importing it here would slow the start-up.
    online = sys.modules.get("landguard.checks.deps.online")
    if online is not None:
        online.resume()


def _online_findings() -> Any:
    """``landguard.checks.deps.online.online_findings`` if this build has it (imported lazily)."""
    try:
        from landguard.checks.deps.online import online_findings
    except ImportError:
        return None
    return online_findings
