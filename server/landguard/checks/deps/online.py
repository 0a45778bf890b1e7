"""Online confirmation of the dependency checks: PyPI, the npm registry and OSV.

The LSP layer publishes the offline findings at once (they come from the engine's checks)
and then, in a worker thread, calls ``online_findings(text, path, config)``. It asks:

- PyPI ``GET {pypiUrl}/{name}/json`` and npm ``GET {npmUrl}/{name}`` (scoped names URL-encoded)
  whether each non-popular name exists (200 / 404), and for npm whether its latest version is a
  ``0.0.1-security`` holding package;
- OSV ``POST {osvUrl}/v1/querybatch`` for every exact pin, then ``GET {osvUrl}/v1/vulns/{id}``
  for the advisories' fixed versions.

Answers are cached on disk (``cache.RESPONSES``), requests run a few at a time with the
configured timeout as a total deadline, and the first network failure stops further requests to
that host.
``OnlineResult.findings`` are the online verdicts; ``OnlineResult.retracted`` lists the offline
findings they replace (the registry confirmed a name the snapshot lacked, or restated a missing
one with more confidence), so the LSP layer can drop those from what it published first.
``notice`` is set, once, when the network failed. Nothing here raises.

Only the standard library's ``http.client`` is used: four small JSON requests do not justify a
dependency. Each request has a total deadline and each call one too (``_Client``): a slow or
hostile server costs at most a few times the configured timeout, and never follows a redirect out
of the configured registry's origin.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from landguard import __version__
from landguard.checks.deps import confusable_package, lookalike_package, missing_package
from landguard.checks.deps.advisories import (
    OSV_ECOSYSTEMS,
    Advisory,
    advisory_from,
    affected_by,
    reduce_record,
)
from landguard.checks.deps.cache import RESPONSES
from landguard.checks.deps.manifests import Dependency, Manifest, parse_manifest
from landguard.checks.deps.snapshot import NPM, PYPI, normalize, snapshot
from landguard.checks.deps.typosquat import typosquat_candidates
from landguard.checks.deps.verdicts import LOOKALIKE, MISSING, existing_lookalikes, offline_verdict
from landguard.checks.deps.vulnerable_version import vulnerable_finding
from landguard.engine.analyze import post_process
from landguard.engine.config import Config
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Fix, TextEdit

if TYPE_CHECKING:
    import socket

# ``socket`` and ``concurrent.futures`` are imported by the lookups that use them: loading the
# checks (every ``landguard check``, ``--offline`` too) imports this module, not them.

log = logging.getLogger("landguard.deps.online")

NOTICE = "package registry unreachable; dependency checks are offline only"
USER_AGENT = f"landguard/{__version__}"
EXISTS_TTL = 7 * 24 * 3600
MISSING_TTL = 3600  # a free name can be registered at any time: ask again soon
OSV_TTL = 24 * 3600
MAX_WORKERS = 6
MAX_LOOKUPS = 200  # a generated manifest with thousands of entries must not flood the registry
SOURCE_LABELS = {PYPI: "PyPI", NPM: "npm registry"}


@dataclass
class OnlineResult:
    findings: list[Finding] = field(default_factory=list)
    notice: str | None = None
    # Offline findings (same rule id and span as published) that the online answers replace.
    retracted: list[Finding] = field(default_factory=list)


class _Unreachable(Exception):
    """The host did not answer usefully (refused, timed out, 5xx, malformed)."""


class _Client:
    """HTTP for one ``online_findings`` call: deadlines, redirect rules, a circuit breaker per host.

    - Every request has a total deadline (``timeout`` seconds from its start, for connecting,
      headers and body together), and the whole call has one too (``RUN_DEADLINE_FACTOR`` times
      ``timeout``): a server that drips its answer a byte at a time cannot hold a run. A watchdog
      shuts the socket down when the deadline passes, whatever the socket is waiting for.
    - Redirects are followed only within the origin of the URL asked (the configured registry):
      same scheme, host and port, or from ``http`` to ``https`` on the same host. Never elsewhere,
      never to another scheme.
    - ``abort_all`` (editor shutdown) ends every request in flight at once.
    """

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.run_deadline = time.monotonic() + timeout * RUN_DEADLINE_FACTOR
        self.failed_hosts: set[str] = set()
        self._lock = threading.Lock()

    def request(self, url: str, body: dict | None = None) -> tuple[int, bytes]:
        host = urllib.parse.urlsplit(url).netloc
        with self._lock:
            if host in self.failed_hosts:
                raise _Unreachable(host)
        if _closing.is_set():
            raise _Unreachable("shutting down")
        data = json.dumps(body).encode() if body is not None else None
        import http.client  # here, not at module level: loading the checks must stay cheap

        deadline = min(time.monotonic() + self.timeout, self.run_deadline)
        try:
            return self._follow(url, data, deadline)
        except _Refused as error:
            self._fail(host)
            raise _Unreachable(f"{host}: {error}") from None
        except (
            OSError,
            ValueError,
            http.client.HTTPException,
        ) as error:  # refused, reset, timed out, bad URL
            self._fail(host)
            reason = (
                "no complete answer in time"
                if time.monotonic() >= deadline
                else str(error) or type(error).__name__
            )
            raise _Unreachable(f"{host}: {reason}") from None

    def _follow(self, url: str, data: bytes | None, deadline: float) -> tuple[int, bytes]:
        origin = _origin(url)
        method = "POST" if data is not None else "GET"
        for _ in range(MAX_REDIRECTS + 1):
            status, location, payload = _fetch(url, method, data, deadline)
            if status not in (301, 302, 303, 307, 308) or not location:
                if status >= 500 or status == 429:
                    raise _Refused(f"HTTP {status}")
                return status, payload
            target = urllib.parse.urljoin(url, location)
            if not _redirect_allowed(origin, _origin(target)):
                raise _Refused(
                    f"redirect to another origin refused ({_origin(target)[0]}://{_origin(target)[1]})"
                )
            url = target
            if status == 303:
                method, data = "GET", None
        raise _Refused("too many redirects")

    def _fail(self, host: str) -> None:
        with self._lock:
            self.failed_hosts.add(host)


class _Refused(Exception):
    """An answer Landguard will not use (off-origin redirect, 5xx)."""


RUN_DEADLINE_FACTOR = 3  # registry lookups, then the OSV batch, then advisory records
MAX_REDIRECTS = 5
MAX_BODY = 4_000_000
_closing = threading.Event()
_active: set[socket.socket] = set()
_active_lock = threading.Lock()


def abort_all() -> None:
    """End every lookup in flight and refuse new ones (the editor is shutting down)."""
    _closing.set()
    with _active_lock:
        sockets = list(_active)
    for sock in sockets:
        _shut(sock)


def _shut(sock: socket.socket) -> None:
    import socket

    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def resume() -> None:
    """Let lookups start again after ``abort_all``: a new scheduler serves in this process.

    The refusal belongs to the scheduler that shut down; without this, one server's shutdown
    would leave every later one in the same process (tests, an embedding host) offline.
    """
    _closing.clear()


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port


def _redirect_allowed(origin: tuple[str, str, int | None], target: tuple[str, str, int | None]) -> bool:
    if target[1] != origin[1] or target[0] not in ("http", "https"):
        return False
    if target == origin:
        return True
    return origin[0] == "http" and target[0] == "https" and target[2] == 443  # an upgrade, same host


def _fetch(url: str, method: str, data: bytes | None, deadline: float) -> tuple[int, str | None, bytes]:
    """One HTTP exchange, over by ``deadline`` (monotonic) at the latest: (status, Location, body)."""
    import http.client
    import ssl

    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {parts.scheme}://")
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("deadline passed")
    if parts.scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=remaining, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=remaining)
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json", "Accept-Encoding": "identity"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    expired = threading.Event()

    def watchdog() -> None:
        expired.set()
        if connection.sock is not None:
            _shut(connection.sock)

    timer = threading.Timer(remaining, watchdog)
    timer.daemon = True
    timer.start()
    sock = None
    try:
        connection.connect()
        sock = connection.sock
        with _active_lock:
            _active.add(sock)
        if _closing.is_set() or expired.is_set():
            raise TimeoutError("deadline passed")
        connection.request(method, target, body=data, headers=headers)
        response = connection.getresponse()
        chunks, size = [], 0
        while size <= MAX_BODY:
            chunk = response.read1(65536) if hasattr(response, "read1") else response.read(65536)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if expired.is_set():
                raise TimeoutError("deadline passed")
        if expired.is_set() or _closing.is_set():
            raise TimeoutError("deadline passed")
        return response.status, response.getheader("Location"), b"".join(chunks)[:MAX_BODY]
    finally:
        timer.cancel()
        if sock is not None:
            with _active_lock:
                _active.discard(sock)
        connection.close()


# ---------------------------------------------------------------------------- registries


@dataclass(frozen=True)
class RegistryAnswer:
    exists: bool
    holding: bool = False  # npm security holding package


def registry_url(ecosystem: str, name: str, config: Config) -> str:
    settings = config.dependencies
    if ecosystem == PYPI:
        return f"{settings.pypi_url}/{urllib.parse.quote(name, safe='')}/json"
    return f"{settings.npm_url}/{urllib.parse.quote(name, safe='@')}"


def _ask_registry(client: _Client, ecosystem: str, name: str, config: Config) -> RegistryAnswer:
    key = f"{ecosystem}:{normalize(ecosystem, name)}"
    cached = RESPONSES.get(key, MISSING_TTL)
    if cached is None:
        cached = RESPONSES.get(key, EXISTS_TTL)
        if cached is not None and not cached.get("exists"):
            cached = None
    if isinstance(cached, dict):
        return RegistryAnswer(bool(cached.get("exists")), bool(cached.get("holding")))
    status, payload = client.request(registry_url(ecosystem, name, config))
    if status in (404, 410):
        answer = RegistryAnswer(False)
    elif status == 200:
        holding = False
        if ecosystem == NPM:
            try:
                latest = str(json.loads(payload).get("dist-tags", {}).get("latest", ""))
            except (ValueError, AttributeError):
                latest = ""
            holding = latest.endswith("-security")
        answer = RegistryAnswer(True, holding)
    else:
        raise _Unreachable(f"unexpected HTTP {status} for {name}")
    RESPONSES.put_many({key: {"exists": answer.exists, "holding": answer.holding}})
    return answer


# ---------------------------------------------------------------------------- OSV


def _osv_query(client: _Client, pins: list[Dependency], config: Config) -> dict[int, list[Advisory]]:
    """Index in ``pins`` -> the advisories affecting that pin."""
    results: dict[int, list[Advisory]] = {}
    ids_by_pin: dict[int, list[str]] = {}
    to_ask: list[int] = []
    for index, pin in enumerate(pins):
        cached = RESPONSES.get(_osv_key(pin), OSV_TTL)
        if isinstance(cached, list):
            ids_by_pin[index] = [str(i) for i in cached]
        else:
            to_ask.append(index)
    for start in range(0, len(to_ask), 100):
        chunk = to_ask[start : start + 100]
        body = {
            "queries": [
                {
                    "package": {"name": pins[i].name, "ecosystem": OSV_ECOSYSTEMS[pins[i].ecosystem]},
                    "version": pins[i].pinned,
                }
                for i in chunk
            ]
        }
        status, payload = client.request(f"{config.dependencies.osv_url}/v1/querybatch", body)
        try:
            answers = json.loads(payload)["results"] if status == 200 else None
        except (ValueError, KeyError, TypeError):
            answers = None
        if not isinstance(answers, list) or len(answers) != len(chunk):
            raise _Unreachable(f"OSV answered HTTP {status} with an unexpected body")
        fresh = {}
        for index, answer in zip(chunk, answers, strict=True):
            vulns = answer.get("vulns") if isinstance(answer, dict) else None
            ids = [str(v["id"]) for v in vulns or () if isinstance(v, dict) and "id" in v]
            ids_by_pin[index] = ids
            fresh[_osv_key(pins[index])] = ids
        RESPONSES.put_many(fresh)
    all_ids = sorted({i for ids in ids_by_pin.values() for i in ids})
    records = _vulnerability_records(client, all_ids[:100], config)
    for index, ids in ids_by_pin.items():
        pin = pins[index]
        advisories = []
        for vuln_id in ids:
            record = records.get(vuln_id)
            if record is None:
                advisories.append(Advisory(vuln_id, (), "", None))
            elif affected_by(record, pin.ecosystem, pin.name, pin.pinned or ""):
                advisories.append(advisory_from(record, pin.ecosystem, pin.name, pin.pinned or ""))
            elif not record.get("affected"):
                advisories.append(advisory_from(record, pin.ecosystem, pin.name, pin.pinned or ""))
        if advisories:
            results[index] = advisories
    return results


def _osv_key(pin: Dependency) -> str:
    return f"osv:{pin.ecosystem}:{normalize(pin.ecosystem, pin.name)}@{pin.pinned}"


def _vulnerability_records(client: _Client, ids: list[str], config: Config) -> dict[str, dict]:
    records: dict[str, dict] = {}
    missing = []
    for vuln_id in ids:
        cached = RESPONSES.get(f"vuln:{vuln_id}", EXISTS_TTL)
        if isinstance(cached, dict):
            records[vuln_id] = cached
        else:
            missing.append(vuln_id)

    def fetch(vuln_id: str) -> tuple[str, dict | None]:
        try:
            status, payload = client.request(
                f"{config.dependencies.osv_url}/v1/vulns/{urllib.parse.quote(vuln_id, safe='')}"
            )
            record = json.loads(payload) if status == 200 else None
            return vuln_id, record if isinstance(record, dict) else None
        except (_Unreachable, ValueError):
            return vuln_id, None

    fresh = {}
    if missing:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=MAX_WORKERS) as pool:
            for vuln_id, record in pool.map(fetch, missing):
                if record is not None:
                    records[vuln_id] = fresh[f"vuln:{vuln_id}"] = reduce_record(record)
    RESPONSES.put_many(fresh)
    return records


# ---------------------------------------------------------------------------- verdicts


def _offline_finding(dependency: Dependency, manifest: Manifest) -> Finding | None:
    for check in (missing_package.CHECK, lookalike_package.CHECK, confusable_package.CHECK):
        finding = check.finding_for(dependency, manifest)
        if finding is not None:
            return finding
    return None


def _suggestion_fixes(dependency: Dependency, suggestions: tuple[str, ...]) -> list[Fix]:
    return [
        Fix(f"Replace with `{name}`", (TextEdit(dependency.span, name),), preferred=index == 0, unsafe=True)
        for index, name in enumerate(suggestions)
    ]


def _registry_finding(
    dependency: Dependency, answer: RegistryAnswer, custom_index: bool = False
) -> Finding | None:
    ecosystem, name = dependency.ecosystem, dependency.name
    source = SOURCE_LABELS[ecosystem]
    props = {"source": source, "ecosystem": ecosystem, "package": name}
    registry = snapshot(ecosystem)
    if answer.holding:
        return confusable_package.RULE.finding(
            dependency.span,
            f"`{name}` is an npm security holding package (npm removed malware published under this name); "
            f"remove it ({source})",
            confidence=Confidence.HIGH,
            properties={**props, "kind": "security-holding"},
        )
    if not answer.exists and custom_index:
        # pip takes the highest version from *any* index: a private name free on PyPI can be hijacked there.
        return missing_package.RULE.finding(
            dependency.span,
            f"`{name}` does not exist on PyPI ({source}), but this file also installs from another index: "
            "anyone can register the name on PyPI with a higher version (dependency confusion); "
            "register it, or use --index-url with a proxy that serves it",
            confidence=Confidence.MEDIUM,
            properties={**props, "kind": "dependency-confusion"},
        )
    if not answer.exists:
        suggestions = tuple(c.target for c in typosquat_candidates(registry, name))[:3]
        did_you_mean = (
            ("; did you mean " + " or ".join(f"`{s}`" for s in suggestions) + "?") if suggestions else ""
        )
        where = "PyPI" if ecosystem == PYPI else "the npm registry"
        return missing_package.RULE.finding(
            dependency.span,
            f"`{name}` does not exist on {where} ({source}){did_you_mean}",
            fixes=_suggestion_fixes(dependency, suggestions),
            confidence=Confidence.HIGH,
            properties=props,
        )
    candidates = existing_lookalikes(registry, name)
    if not candidates:
        return None
    best = candidates[0]
    suggestions = tuple(c.target for c in candidates)[:3]
    return lookalike_package.RULE.finding(
        dependency.span,
        f"`{name}` looks like the popular `{best.target}` (it {best.reason}), but is a little-used package "
        f"({source}); did you mean " + " or ".join(f"`{s}`" for s in suggestions) + "?",
        fixes=_suggestion_fixes(dependency, suggestions),
        confidence=Confidence.LOW if best.reason.startswith(("adds", "drops")) else Confidence.MEDIUM,
        properties={**props, "kind": "lookalike", "lookalike_of": best.target},
    )


def merge_online(offline: list[Finding], result: OnlineResult) -> list[Finding]:
    """The offline findings less those the online answers retract, plus the online findings.

    For faces that show one list (the CLI); the LSP layer keeps the two sets apart and drops the
    retracted ones (same rule id and span) from what it published first.
    """
    retracted = {(f.rule_id, f.span) for f in result.retracted}
    kept = [f for f in offline if (f.rule_id, f.span) not in retracted]
    return sorted(kept + list(result.findings), key=Finding.sort_key)


def online_findings(text: str, path: str, config: Config) -> OnlineResult:
    """Registry and OSV verdicts for a manifest's dependencies; blocking, thread-safe, never raises."""
    try:
        return _online_findings(text, path, config)
    except Exception:  # the editor must never see this fail
        log.exception("online dependency check failed for %s", path)
        return OnlineResult()


def _online_findings(text: str, path: str, config: Config) -> OnlineResult:
    if not config.dependencies.online or "\x00" in text or len(text) > config.max_file_size:
        return OnlineResult()
    manifest = parse_manifest(text, path)
    if manifest is None or not manifest.dependencies:
        return OnlineResult()
    client = _Client(config.dependencies.timeout)
    failures: list[str] = []
    result = OnlineResult()

    # Names the registry is asked about: everything not already known as popular or placeholder.
    to_ask: dict[tuple[str, str], Dependency] = {}
    if not manifest.is_lock_file and not manifest.pypi_replaced:
        for dependency in manifest.dependencies:
            verdict = offline_verdict(dependency.name, dependency.ecosystem, manifest.custom_index)
            if verdict is not None and verdict.rule_id not in (MISSING, LOOKALIKE):
                continue  # curated or other-ecosystem verdicts do not depend on the registry's answer
            if snapshot(dependency.ecosystem).is_popular(dependency.name):
                continue
            to_ask.setdefault(
                (dependency.ecosystem, normalize(dependency.ecosystem, dependency.name)), dependency
            )
    keys = list(to_ask)[:MAX_LOOKUPS]

    def ask(key: tuple[str, str]) -> RegistryAnswer | None:
        try:
            return _ask_registry(client, key[0], to_ask[key].name, config)
        except _Unreachable as error:
            failures.append(str(error))
            return None

    answers: dict[tuple[str, str], RegistryAnswer | None] = {}
    if keys:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(keys))) as pool:
            answers = dict(zip(keys, pool.map(ask, keys), strict=True))

    for dependency in manifest.dependencies:
        key = (dependency.ecosystem, normalize(dependency.ecosystem, dependency.name))
        answer = answers.get(key)
        if answer is None:
            continue
        offline = _offline_finding(dependency, manifest)
        online = _registry_finding(dependency, answer, manifest.custom_index)
        if offline is not None and offline.rule_id in (MISSING, LOOKALIKE):
            result.retracted.append(offline)
        if online is not None:
            result.findings.append(online)

    pins = [d for d in manifest.dependencies if d.pinned and d.ecosystem in OSV_ECOSYSTEMS][: MAX_LOOKUPS * 5]
    if pins:
        try:
            for index, advisories in _osv_query(client, pins, config).items():
                result.findings.append(vulnerable_finding(pins[index], advisories))
        except _Unreachable as error:
            failures.append(str(error))

    result.findings = _finish(result.findings, text, path, config)
    if failures:
        log.info("dependency lookups failed: %s", "; ".join(sorted(set(failures))[:5]))
        hosts = ", ".join(sorted(client.failed_hosts))
        result.notice = f"{NOTICE} (no answer from {hosts})" if hosts else NOTICE
    return result


def _finish(findings: list[Finding], text: str, path: str, config: Config) -> list[Finding]:
    """Configuration, AI markers and suppression comments, exactly as for the engine's own findings."""
    if not findings:
        return findings
    return post_process(Document(text, path=path), findings, config)
