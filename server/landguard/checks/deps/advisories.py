"""Security advisories in OSV's format: which versions they affect, where they are fixed, and an offline copy.

``affected_by(record, ecosystem, name, version)`` and ``first_fixed(...)`` read an OSV record
(https://ossf.github.io/osv-schema/) the same way for the online answers (api.osv.dev) and
for the offline database a user imports with ``landguard deps import-osv FILE`` (an OSV export:
a zip such as osv.dev's ``PyPI/all.zip``, a folder of JSON records, one record or a JSON list).

The import keeps only PyPI and npm records, reduced to what the checks need, in
``osv-index.json`` under the cache folder; ``offline_database()`` loads it once and again when
the file changes.
"""

from __future__ import annotations

import json
import os
import threading
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from landguard.checks.deps.cache import cache_dir
from landguard.checks.deps.snapshot import NPM, PYPI, normalize
from landguard.checks.deps.versions import same_version, version_key

OSV_ECOSYSTEMS = {PYPI: "PyPI", NPM: "npm"}
_FROM_OSV = {"pypi": PYPI, "npm": NPM}
INDEX_NAME = "osv-index.json"


# ---------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Advisory:
    id: str
    aliases: tuple[str, ...]
    summary: str
    fixed: str | None  # the first version after ``version`` that fixes it, if any


def _matches_package(affected: dict, ecosystem: str, name: str) -> bool:
    package = affected.get("package") or {}
    osv_ecosystem = str(package.get("ecosystem", "")).split(":", 1)[0].lower()
    if _FROM_OSV.get(osv_ecosystem) != ecosystem:
        return False
    return normalize(ecosystem, str(package.get("name", ""))) == normalize(ecosystem, name)


def _range_affects(events: list[dict], ecosystem: str, version: str) -> bool:
    """Whether ``version`` falls in an OSV ECOSYSTEM/SEMVER range, evaluated as OSV specifies.

    Events are applied in version order: ``introduced`` (``"0"``: before every version) turns
    the range on at its version, ``fixed`` and ``limit`` turn it off at theirs, ``last_affected``
    just after its. An event whose version does not parse is ignored; a version that does not
    parse is not judged (unknown is not "affected").
    """
    key = version_key(ecosystem, version)
    if key is None:
        return False
    points = []
    for event in events:
        if not isinstance(event, dict):
            continue
        for kind in ("introduced", "fixed", "last_affected", "limit"):
            if kind not in event:
                continue
            value = str(event[kind])
            if kind == "introduced" and value == "0":
                points.append(((0,), 0, kind))
                continue
            point = version_key(ecosystem, value)
            if point is not None:
                points.append(((1, point), 0 if kind == "introduced" else 1, kind))
    affected = False
    for (_, *point), _, kind in sorted(points, key=lambda p: (p[0], p[1])):
        if kind == "introduced":
            if not point or key >= point[0]:
                affected = True
        elif kind == "last_affected":
            if key > point[0]:
                affected = False
        elif key >= point[0]:
            affected = False
    return affected


def affected_by(record: dict, ecosystem: str, name: str, version: str) -> bool:
    for affected in record.get("affected") or ():
        if not isinstance(affected, dict) or not _matches_package(affected, ecosystem, name):
            continue
        versions = affected.get("versions") or ()
        if any(same_version(ecosystem, str(listed), version) for listed in versions):
            return True
        for range_ in affected.get("ranges") or ():
            if isinstance(range_, dict) and range_.get("type") in ("ECOSYSTEM", "SEMVER"):
                if _range_affects(range_.get("events") or [], ecosystem, version):
                    return True
    return False


def first_fixed(record: dict, ecosystem: str, name: str, version: str) -> str | None:
    """The lowest ``fixed`` version above ``version`` in the record's ranges for this package."""
    key = version_key(ecosystem, version)
    if key is None:
        return None
    candidates = []
    for affected in record.get("affected") or ():
        if not isinstance(affected, dict) or not _matches_package(affected, ecosystem, name):
            continue
        for range_ in affected.get("ranges") or ():
            for event in (range_ or {}).get("events") or ():
                fixed = event.get("fixed") if isinstance(event, dict) else None
                fixed_key = version_key(ecosystem, str(fixed)) if fixed else None
                if fixed_key is not None and fixed_key > key:
                    candidates.append((fixed_key, str(fixed)))
    return min(candidates)[1] if candidates else None


def advisory_from(record: dict, ecosystem: str, name: str, version: str) -> Advisory:
    return Advisory(
        id=str(record.get("id", "?")),
        aliases=tuple(str(a) for a in record.get("aliases") or ()),
        summary=str(record.get("summary") or record.get("details", "")[:120]).strip(),
        fixed=first_fixed(record, ecosystem, name, version),
    )


def describe(advisories: list[Advisory], ecosystem: str = PYPI) -> tuple[str, str | None]:
    """The advisory ids (with a CVE alias) for a message, and the version that fixes them all."""
    ids = []
    for advisory in sorted(advisories, key=lambda a: a.id):
        cve = next((a for a in advisory.aliases if a.startswith("CVE-")), None)
        ids.append(f"{advisory.id} ({cve})" if cve and cve != advisory.id else advisory.id)
    fixed_versions = [a.fixed for a in advisories]
    fix = None
    keys = [version_key(ecosystem, v) if v else None for v in fixed_versions]
    if keys and all(k is not None for k in keys):
        # The lowest version that fixes every advisory: the highest of their first fixes.
        fix = max(zip(keys, fixed_versions, strict=True), key=lambda pair: pair[0])[1]
    return ", ".join(ids), fix


# ---------------------------------------------------------------------------- offline database


def _records_from(path: Path) -> Iterator[dict]:
    def parse(data: bytes) -> Iterable[dict]:
        try:
            value = json.loads(data)
        except ValueError:
            return ()
        if isinstance(value, list):
            return [v for v in value if isinstance(v, dict)]
        if isinstance(value, dict) and isinstance(value.get("vulns"), list):
            return [v for v in value["vulns"] if isinstance(v, dict)]
        return [value] if isinstance(value, dict) else ()

    if path.is_dir():
        for child in sorted(path.rglob("*.json")):
            yield from parse(child.read_bytes())
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.filename.endswith(".json") and info.file_size < 20_000_000:
                    yield from parse(archive.read(info))
    else:
        yield from parse(path.read_bytes())


def reduce_record(record: dict) -> dict:
    """Only the fields the checks read, to keep the index small."""
    affected = []
    for item in record.get("affected") or ():
        if not isinstance(item, dict):
            continue
        affected.append(
            {
                "package": item.get("package") or {},
                "ranges": [
                    {"type": r.get("type"), "events": r.get("events") or []}
                    for r in item.get("ranges") or ()
                    if isinstance(r, dict)
                ],
                "versions": list(item.get("versions") or ()),
            }
        )
    return {
        "id": record.get("id"),
        "aliases": record.get("aliases") or [],
        "summary": (record.get("summary") or "")[:200],
        "affected": affected,
    }


def import_osv(source: str | os.PathLike[str], destination: Path | None = None) -> dict[str, int]:
    """Import an OSV export for offline LG503; returns advisories imported per ecosystem."""
    index: dict[str, dict[str, list[dict]]] = {PYPI: {}, NPM: {}}
    counts = {PYPI: 0, NPM: 0}
    for record in _records_from(Path(source)):
        if record.get("withdrawn"):
            continue
        reduced = None
        for affected in record.get("affected") or ():
            package = (affected or {}).get("package") or {}
            ecosystem = _FROM_OSV.get(str(package.get("ecosystem", "")).split(":", 1)[0].lower())
            if ecosystem is None or not package.get("name"):
                continue
            reduced = reduced or reduce_record(record)
            bucket = index[ecosystem].setdefault(normalize(ecosystem, str(package["name"])), [])
            if reduced not in bucket:
                bucket.append(reduced)
                counts[ecosystem] += 1
    destination = destination or cache_dir() / INDEX_NAME
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_suffix(".tmp")
    temporary.write_text(json.dumps(index, separators=(",", ":")), encoding="utf-8")
    os.replace(temporary, destination)
    return counts


class OfflineAdvisories:
    """The imported OSV index, reloaded when its file changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: tuple[str, float, dict[str, Any]] | None = None

    def index(self) -> dict[str, Any]:
        path = cache_dir() / INDEX_NAME
        try:
            mtime = path.stat().st_mtime
        except OSError:
            return {}
        with self._lock:
            if self._loaded is None or self._loaded[0] != str(path) or self._loaded[1] != mtime:
                try:
                    data = json.loads(path.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    data = {}
                self._loaded = (str(path), mtime, data if isinstance(data, dict) else {})
            return self._loaded[2]

    def advisories(self, ecosystem: str, name: str, version: str) -> list[Advisory]:
        records = self.index().get(ecosystem, {}).get(normalize(ecosystem, name), ())
        return [
            advisory_from(r, ecosystem, name, version)
            for r in records
            if affected_by(r, ecosystem, name, version)
        ]


OFFLINE_ADVISORIES = OfflineAdvisories()


def import_osv_command(argv: list[str]) -> int:
    """``landguard deps import-osv FILE``: the CLI entry (the lead's cli.py calls this)."""
    import argparse

    parser = argparse.ArgumentParser(prog="landguard deps", description="Dependency data management")
    commands = parser.add_subparsers(dest="command", required=True)
    importer = commands.add_parser(
        "import-osv", help="import an OSV export (zip, folder or JSON) for offline LG503"
    )
    importer.add_argument("file")
    args = parser.parse_args(argv)
    if not Path(args.file).exists():
        print(f"landguard deps: {args.file}: no such file or folder", file=__import__("sys").stderr)
        return 2
    counts = import_osv(args.file)
    print(f"imported {counts[PYPI]} PyPI and {counts[NPM]} npm advisories into {cache_dir() / INDEX_NAME}")
    return 0
