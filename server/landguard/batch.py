"""``landguard check`` over many files: parallel across cores, cached by content hash.

The cache maps (path, content hash) to the findings of that content under one
configuration fingerprint (settings + Landguard version + the project's manifests, since
dependency checks read them). A second run over an unchanged tree reads and hashes each
file and loads the cache: no analysis at all. The cache lives in ``.landguard_cache/``
at the project root (or ``$LANDGUARD_CACHE_DIR``) and never holds source text.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path

from landguard import __version__
from landguard.engine.config import Config
from landguard.engine.findings import finding_from_dict, finding_to_dict
from landguard.engine.positions import split_lines
from landguard.engine.registry import all_checks
from landguard.workspace import FileResult, Located, decode, iter_files, locate, scan_file

CACHE_FORMAT = 2  # 2: line hashes ignore all whitespace
# Below this many files, worker start-up costs more than it saves.
PARALLEL_THRESHOLD = 24
_MANIFESTS = ("pyproject.toml", "requirements.txt", "package.json", "landguard.toml")
# AI assistants' ignore files decide LG604 findings (checks/ai/ai_context_exposure.py).
_MANIFESTS += (
    ".cursorignore",
    ".aiexclude",
    ".codeiumignore",
    ".aiderignore",
    ".continueignore",
    ".geminiignore",
)


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


def _fingerprint(config: Config, root: Path) -> str:
    parts = [str(CACHE_FORMAT), __version__, config.fingerprint()]
    for name in _MANIFESTS:
        manifest = root / name
        if manifest.is_file():
            parts.append(_content_key(manifest.read_bytes()))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:20]


class ResultCache:
    """One JSON file per configuration fingerprint: {path: [content hash, result]}."""

    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.file = folder / f"results-{fingerprint}.json"
        self.folder = folder
        self.entries: dict[str, list] = {}
        self.dirty = False
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            if isinstance(data, dict):
                self.entries = data
        except (OSError, ValueError):
            self.entries = {}

    def get(self, path: str, key: str) -> FileResult | None:
        entry = self.entries.get(path)
        if not entry or entry[0] != key:
            return None
        try:
            payload = entry[1]
            return FileResult(
                path=path,
                findings=[finding_from_dict(f) for f in payload["findings"]],
                locations=[Located(**loc) for loc in payload["locations"]],
                skipped=payload.get("skipped"),
                decode_errors=payload.get("decode_errors", False),
            )
        except (KeyError, TypeError, ValueError):
            return None

    def put(self, path: str, key: str, result: FileResult) -> None:
        self.entries[path] = [
            key,
            {
                "findings": [finding_to_dict(f) for f in result.findings],
                "locations": [asdict(loc) for loc in result.locations],
                "skipped": result.skipped,
                "decode_errors": result.decode_errors,
            },
        ]
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            gitignore = self.folder / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("# Created by landguard\n*\n")
            # Drop caches of other configurations so the folder does not grow without bound.
            for old in self.folder.glob("results-*.json"):
                if old != self.file:
                    old.unlink(missing_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=self.folder, delete=False, encoding="utf-8") as handle:
                json.dump(self.entries, handle)
            os.replace(handle.name, self.file)
        except OSError:
            pass  # A cache that cannot be written only costs speed.


def _scan_one(job: tuple[str, str, Config]) -> FileResult:
    path, shown, config = job
    return scan_file(Path(path), config, shown)


def _display_path(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


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
    files = list(dict.fromkeys(iter_files(paths, config)))
    cache = None
    if use_cache:
        cache_dir = Path(os.environ.get("LANDGUARD_CACHE_DIR") or root / ".landguard_cache")
        cache = ResultCache(cache_dir, _fingerprint(config, root))

    result = BatchResult()
    by_path: dict[str, FileResult] = {}
    todo: list[tuple[str, str, Config]] = []
    keys: dict[str, str] = {}
    for path in files:
        shown = _display_path(path, root)
        if cache is not None:
            try:
                key = _content_key(path.read_bytes())
            except OSError:
                key = ""
            keys[shown] = key
            cached = cache.get(shown, key) if key else None
            if cached is not None:
                by_path[shown] = cached
                result.cached_files += 1
                continue
        todo.append((str(path), shown, config))

    jobs = jobs or os.cpu_count() or 1
    total, done = len(files), len(files) - len(todo)
    scanned: list[FileResult] = []
    if len(todo) >= PARALLEL_THRESHOLD and jobs > 1:
        all_checks()  # discover checks before forking so workers inherit them
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork")) as pool:
            for file_result in pool.map(_scan_one, todo, chunksize=max(1, len(todo) // (jobs * 8))):
                scanned.append(file_result)
                if progress is not None:
                    progress(done + len(scanned), total)
    else:
        for job in todo:
            scanned.append(_scan_one(job))
            if progress is not None:
                progress(done + len(scanned), total)
    for file_result in scanned:
        by_path[file_result.path] = file_result
        if cache is not None and keys.get(file_result.path):
            cache.put(file_result.path, keys[file_result.path], file_result)
    if cache is not None:
        cache.save()
    result.files = [by_path[k] for k in sorted(by_path)]
    if config.dependencies.online:
        paths = {_display_path(path, root): str(path) for path in files}
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
            text, _ = decode(Path(path).read_bytes())
        except OSError:
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
