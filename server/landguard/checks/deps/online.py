"""Online confirmation of the dependency checks: PyPI, the npm registry and OSV.

The LSP layer publishes the offline findings at once (they come from the engine's checks)
and then, in a worker thread, calls ``online_findings(text, path, config)``. It asks:

- PyPI ``GET {pypiUrl}/{name}/json`` and npm ``GET {npmUrl}/{name}`` (scoped names URL-encoded)
  whether each non-popular name exists (200 / 404), and for npm whether its latest version is a
  ``0.0.1-security`` holding package;
- OSV ``POST {osvUrl}/v1/querybatch`` for every exact pin, then ``GET {osvUrl}/v1/vulns/{id}``
  for the advisories' fixed versions.

Answers are cached on disk (``cache.RESPONSES``), requests run a few at a time with the
configured timeout, and the first network failure stops further requests to that host.
``OnlineResult.findings`` are the online verdicts; ``OnlineResult.retracted`` lists the offline
findings they replace (the registry confirmed a name the snapshot lacked, or restated a missing
one with more confidence), so the LSP layer can drop those from what it published first.
``notice`` is set, once, when the network failed. Nothing here raises.

Only the standard library's ``urllib.request`` is used: four small JSON requests do not
justify a dependency.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

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
    """HTTP for one ``online_findings`` call: a timeout per request, a circuit breaker per host."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.failed_hosts: set[str] = set()
        self._lock = threading.Lock()

    def request(self, url: str, body: dict | None = None) -> tuple[int, bytes]:
        host = urllib.parse.urlsplit(url).netloc
        with self._lock:
            if host in self.failed_hosts:
                raise _Unreachable(host)
        data = json.dumps(body).encode() if body is not None else None
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, headers=headers, method="POST" if data else "GET")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 -- configured http(s) URL
                return response.status, response.read(4_000_000)
        except urllib.error.HTTPError as error:
            if error.code < 500 and error.code != 429:
                return error.code, b""
            self._fail(host)
            raise _Unreachable(f"{host}: HTTP {error.code}") from None
        except (OSError, ValueError) as error:  # URLError, timeouts, refused connections, bad URLs
            self._fail(host)
            raise _Unreachable(f"{host}: {error}") from None

    def _fail(self, host: str) -> None:
        with self._lock:
            self.failed_hosts.add(host)


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
