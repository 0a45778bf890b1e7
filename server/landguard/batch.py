"""``landguard check`` over many files: parallel across cores, cached by content hash.

The cache (``landguard.result_cache``) maps (path, content hash) to the findings of that
content, bound to Landguard's version and build, the rules, the effective configuration, the
project's manifests (dependency checks read them) and the project root. A second run over an
unchanged tree reads and hashes each file and loads the cache: no analysis at all. The cache
lives in the user's cache folder, outside the project, authenticated with a per-user secret,
and never holds source text.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from landguard import __version__, startup
from landguard.engine.ai_ignore_files import IGNORE_FILES as AI_IGNORE_FILES
from landguard.engine.config import Config
from landguard.engine.files import Unreadable, read_regular
from landguard.engine.files import display_path as printable
from landguard.engine.findings import finding_from_dict, finding_to_dict
from landguard.engine.positions import split_lines
from landguard.engine.registry import checks_for_languages, get_rule
from landguard.result_cache import CacheUnavailable, ResultCache, build_id, cache_root
from landguard.workspace import FileResult, Located, decode, iter_files, locate, read_limit, scan_file

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

_MANIFEST_LIMIT = 16 * 1024 * 1024
# Below this many files, worker start-up costs more than it saves.
PARALLEL_THRESHOLD = 24
# Work handed to a worker at a time: about 3,000 lines, a few tenths of a second (Ctrl-C waits for it).
CHUNK_BYTES = 128 * 1024
CHUNK_FILES = 32
_MANIFESTS = ("pyproject.toml", "requirements.txt", "package.json", "landguard.toml")
# AI assistants' ignore files decide LG604 findings (checks/ai/ai_context_exposure.py).
_MANIFESTS += tuple(AI_IGNORE_FILES)


@dataclass
class BatchResult:
    files: list[FileResult] = field(default_factory=list)
    cached_files: int = 0
    notices: list[str] = field(default_factory=list)  # e.g. "package registry unreachable"

    @property
    def findings_count(self) -> int:
        return sum(len(f.findings) for f in self.files)


def _content_key(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _binding(config: Config, root: Path) -> list[str]:
    """What cached results depend on besides a file's own content (see ``result_cache``).

    The rules are not listed: they are Landguard's own modules, which ``build_id`` covers, and
    listing them would import every check on a run that has nothing to analyse.
    """
    parts = [__version__, build_id(), config.fingerprint(), str(root)]
    for name in _MANIFESTS:
        try:
            parts.append(f"{name}={_content_key(read_regular(root / name, _MANIFEST_LIMIT))}")
        except Unreadable as exc:
            parts.append(f"{name}:{exc.reason}")
    return parts


def _payload(result: FileResult) -> dict:
    return {
        "findings": [finding_to_dict(f) for f in result.findings],
        "locations": [asdict(loc) for loc in result.locations],
        "skipped": result.skipped,
        "decode_errors": result.decode_errors,
        # What a report says of each rule beside the finding (JSON: its name and title), kept with
        # the result so that a warm run loads no check (the binding covers Landguard's build).
        "rules": {rule_id: _rule_title(rule_id) for rule_id in sorted({f.rule_id for f in result.findings})},
    }


def _rule_title(rule_id: str) -> list[str | None]:
    rule = get_rule(rule_id)
    return [rule.name, rule.title] if rule is not None else [None, None]


def _rule_titles(payload: dict) -> dict[str, tuple[str | None, str | None]] | None:
    """The cached rules' names and titles, if the payload has them for every finding's rule."""
    stored = payload.get("rules")
    if not isinstance(stored, dict):
        return None
    titles: dict[str, tuple[str | None, str | None]] = {}
    for rule_id, pair in stored.items():
        if not (
            isinstance(pair, list) and len(pair) == 2 and all(v is None or isinstance(v, str) for v in pair)
        ):
            return None
        titles[rule_id] = (pair[0], pair[1])
    return titles


def _from_payload(path: str, payload: dict) -> FileResult | None:
    """A cached result, or None when the (authenticated but perhaps older) payload does not decode."""
    try:
        return FileResult(
            path=path,
            findings=[finding_from_dict(f) for f in payload["findings"]],
            locations=[Located(**loc) for loc in payload["locations"]],
            skipped=payload.get("skipped"),
            decode_errors=payload.get("decode_errors", False),
            rule_titles=_rule_titles(payload),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _open_cache(config: Config, root: Path, notices: list[str]) -> ResultCache | None:
    try:
        return ResultCache(cache_root(), _binding(config, root))
    except CacheUnavailable as exc:
        notices.append(f"result cache not used: {exc}")
    except OSError as exc:
        notices.append(f"result cache not used: {exc.strerror or exc}")
    return None


# The cyclic garbage collector during a batch: a young-generation collection every this many
# allocations instead of CPython's 700 (see ``_batch_gc``).
BATCH_GC_THRESHOLD = 20_000


@contextlib.contextmanager
def _batch_gc(todo: list[tuple[str, str, Config]]) -> Iterator[None]:
    """Collect cyclic garbage less often while many files are analysed.

    An analysis allocates millions of short-lived objects (trees' nodes, IR, values), many in
    cycles; with CPython's default thresholds the collector ran about 800 times over 200 files and
    took 16 % of the CPU. The checks are loaded first and frozen (``gc.freeze``: never traversed
    again, and shared copy-on-write with forked workers), and young collections run every
    ``BATCH_GC_THRESHOLD`` allocations: the same garbage is freed, a few MB later. Restored afterwards, for a caller that goes on in the same process.

    The checks loaded are those of the files' languages (``_languages``): a tree of JavaScript
    files does not load the Python and Java rules (~60 modules), which none of its documents runs.
    """
    if len(todo) < 2:
        yield
        return
    # Loaded before freezing, so they are frozen with the rest of the start-up state.
    checks_for_languages(_languages(todo))
    thresholds = gc.get_threshold()
    # ``landguard check`` froze its start-up already (``startup.resume``), to keep it frozen to the
    # exit (whose collection then skips it): not unfrozen here. (Nothing is partly unfrozen.)
    frozen = startup.froze_start_up()
    gc.collect()
    gc.freeze()
    gc.set_threshold(BATCH_GC_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if not frozen:
            gc.unfreeze()


def _scan_one(job: tuple[str, str, Config]) -> FileResult:
    path, shown, config = job
    return scan_file(Path(path), config, shown)


def usable_cores() -> int:
    """The cores this process may run on (a container or ``taskset`` may allow fewer than exist)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def _ignore_interrupts() -> None:
    # Ctrl-C reaches the whole process group: the parent alone handles it (stops, says so once),
    # instead of every worker printing a traceback. The worker was forked with SIGINT blocked
    # (``_scan_parallel``), so a Ctrl-C before this line is held, then discarded here.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


class Terminated(SystemExit):
    """SIGTERM arrived during a parallel scan (a CI runner or a supervisor stopping us): exit
    with 128 + SIGTERM once the workers are ended."""


def _raise_terminated(signum, frame) -> None:
    raise Terminated(128 + signal.SIGTERM)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """End the workers now: left alone they would outlive the parent, each still on its chunk."""
    # The executor's pid -> process map: private, but the only handle on its workers.
    workers = list((getattr(pool, "_processes", None) or {}).values())
    for worker in workers:
        worker.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        worker.join(timeout=5)


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _scan_chunk(jobs: list[tuple[str, str, Config]]) -> list[FileResult]:
    return [_scan_one(job) for job in jobs]


def _chunks(todo: list[tuple[str, str, Config]]) -> list[list[tuple[str, str, Config]]]:
    """``todo`` largest files first, in chunks of about ``CHUNK_BYTES`` (a big file alone): so that
    no worker is left with a big file at the end while the others idle, without paying a round
    trip to a worker for each small file."""
    chunks: list[list[tuple[str, str, Config]]] = []
    chunk: list[tuple[str, str, Config]] = []
    weight = 0
    for size, job in sorted(((_size(job[0]), job) for job in todo), key=lambda pair: -pair[0]):
        chunk.append(job)
        weight += size
        if weight >= CHUNK_BYTES or len(chunk) >= CHUNK_FILES:
            chunks.append(chunk)
            chunk, weight = [], 0
    if chunk:
        chunks.append(chunk)
    return chunks


def _languages(todo: list[tuple[str, str, Config]]) -> set[str]:
    """The languages of the files to scan, as ``Document`` detects them; a component (``.vue``)
    also runs the checks of its script's language (JavaScript's package holds TypeScript's)."""
    from landguard.engine.languages import HOST_LANGUAGES, detect_language

    languages = {detect_language(path) for path, _, _ in todo}
    if languages & HOST_LANGUAGES:
        languages.add("javascript")
    return languages


def start_analysing(todo: list[tuple[str, str, Config]]) -> None:
    """Before the first file is analysed: the checks of the files' languages loaded (what the
    analyses would load on first use; the start-up caches record what their modules compile),
    then the CLI's hold on the collector and the caches ended (``startup.hold``)."""
    if todo:
        with startup.loading():
            checks_for_languages(_languages(todo))
    startup.resume()


def _preload(todo: list[tuple[str, str, Config]]) -> None:
    """Load the checks of the files' languages, and what those that apply to them import on first use."""
    languages = _languages(todo)
    for check in checks_for_languages(languages):
        if check.languages is None or check.languages & languages:
            check.preload()


def _scan_parallel(
    todo: list[tuple[str, str, Config]], jobs: int, progress: Callable[[int], None]
) -> list[FileResult]:
    """Scan ``todo`` in ``jobs`` worker processes (``_chunks`` says in what order); results come
    as they finish, and the caller sorts them by path.

    Workers are forked after the checks are loaded (grammars, models, rule modules: once, shared).
    Ctrl-C cancels what has not started, lets each worker finish its current chunk, and re-raises;
    SIGTERM ends the workers at once and raises ``Terminated``.
    """
    # Imported here: a run in one process (``-j 1``, or too few files) never needs them (~4 % of a
    # one-file run's start-up instructions: multiprocessing, pickle, sockets, tempfile).
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from multiprocessing import get_context

    _preload(todo)  # discover checks and load what they import lazily, before forking: workers inherit them
    scanned: list[FileResult] = []
    pool = ProcessPoolExecutor(
        max_workers=jobs, mp_context=get_context("fork"), initializer=_ignore_interrupts
    )
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _raise_terminated) if in_main_thread else None
    # SIGINT is blocked while the workers are forked: one arriving before a worker's initializer
    # ignores it would end that worker with a traceback. Held meanwhile, it reaches the parent after.
    hold = in_main_thread and hasattr(signal, "pthread_sigmask")
    try:
        if hold:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            futures = [pool.submit(_scan_chunk, chunk) for chunk in _chunks(todo)]
        finally:
            if hold:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        for future in as_completed(futures):
            scanned.extend(future.result())
            progress(len(scanned))
    except Terminated:
        _stop_workers(pool)
        raise
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    pool.shutdown(wait=True)
    return scanned


def _display_path(path: Path, root: Path) -> str:
    try:
        shown = Path(os.path.realpath(path)).relative_to(root).as_posix()
    except (ValueError, OSError):
        shown = path.as_posix()
    return printable(shown)


def run_check(
    paths: list[str],
    config: Config,
    *,
    use_cache: bool = True,
    jobs: int | None = None,
    root: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BatchResult:
    """Scan ``paths``; results come back in a stable order (by path).

    ``progress(done, total)`` is called as files are analysed (cached files count as done).
    """
    root = (root or Path(config.root or os.getcwd())).resolve()
    result = BatchResult()
    files = list(dict.fromkeys(iter_files(paths, config, result.notices)))
    cache = _open_cache(config, root, result.notices) if use_cache else None

    by_path: dict[str, FileResult] = {}
    todo: list[tuple[str, str, Config]] = []
    keys: dict[str, str] = {}
    seen: set[str] = set()
    limit = read_limit(config)
    for path in files:
        shown = _display_path(path, root)
        if shown in seen:
            continue  # the same file named twice (`check a.py ./a.py`): scanned and reported once
        seen.add(shown)
        if cache is not None:
            try:
                key = _content_key(read_regular(path, limit))
            except Unreadable:
                key = ""  # scan_file says why
            keys[shown] = key
            payload = cache.get(shown, key) if key else None
            cached = _from_payload(shown, payload) if payload is not None else None
            if payload is not None and cached is None:
                cache.drop(shown)
            if cached is not None:
                cached.fs_path = str(path)
                by_path[shown] = cached
                result.cached_files += 1
                continue
        todo.append((str(path), shown, config))

    jobs = max(1, jobs or usable_cores())
    total, done = len(seen), len(seen) - len(todo)
    start_analysing(todo)
    with _batch_gc(todo):
        if len(todo) >= PARALLEL_THRESHOLD and jobs > 1:
            scanned = _scan_parallel(todo, jobs, lambda n: progress(done + n, total) if progress else None)
        else:
            scanned = []
            for job in todo:
                scanned.append(_scan_one(job))
                if progress is not None:
                    progress(done + len(scanned), total)
    scanned.sort(key=lambda r: r.path)  # the cache file is written in the same order every run
    for file_result in scanned:
        by_path[file_result.path] = file_result
        if cache is not None and keys.get(file_result.path):
            cache.put(file_result.path, keys[file_result.path], _payload(file_result))
    if cache is not None:
        cache.save()
    result.files = [by_path[k] for k in sorted(by_path)]
    if config.dependencies.online:
        paths = {f.path: f.fs_path for f in result.files if f.fs_path}
        result.notices.extend(_confirm_online(result.files, paths, config))
    return result


def _confirm_online(files: list[FileResult], paths: dict[str, str], config: Config) -> list[str]:
    """Registry and advisory lookups for manifests, merged into their offline results.

    Not cached with the offline results: registries change; the lookups keep their own cache.
    """
    from concurrent.futures import ThreadPoolExecutor

    from landguard.checks.deps.manifests import manifest_kind
    from landguard.checks.deps.online import merge_online, online_findings

    manifests = [f for f in files if not f.skipped and manifest_kind(paths.get(f.path, f.path))]
    if not manifests:
        return []

    def confirm(file_result: FileResult) -> str | None:
        path = paths.get(file_result.path, file_result.path)
        try:
            text, _ = decode(read_regular(path, read_limit(config)))
        except Unreadable:
            return None
        if text is None:
            return None
        online = online_findings(text, path, config)
        file_result.findings = merge_online(file_result.findings, online)
        lines = split_lines(text)
        file_result.locations = [locate(f, lines) for f in file_result.findings]
        return online.notice

    with ThreadPoolExecutor(max_workers=4) as pool:
        notices = {notice for notice in pool.map(confirm, manifests) if notice}
    return sorted(notices)
