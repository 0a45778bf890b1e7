"""The offline registry snapshot: which package names exist on PyPI and npm, and which are popular.

Existence is answered from ``data/{pypi,npm}-names.bin``: every normalized name as a 40-bit
hash (blake2b), sorted, searched by binary search over an mmap. Nothing is loaded into the
heap: opening is an mmap (well under a millisecond), a lookup is ~20 probes of 5 bytes, and the
pages stay in the OS page cache, shared between processes. A false "exists" needs a 40-bit
collision: about one lookup in a million, and it only makes a check stay quiet.

Popularity comes from ``data/{pypi,npm}-popular.txt`` (15,000 names each, most downloaded
first); those are small enough to hold as a dict. ``data/README.md`` says when and from what
the snapshot was built.
"""

from __future__ import annotations

import functools
import hashlib
import json
import mmap
import re
import threading
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent.parent / "data"
MAGIC = b"LGNAMES1"
HEADER_SIZE = len(MAGIC) + 4 + 1
PYPI = "pypi"
NPM = "npm"
# Names ranked this high are never reported as missing or as look-alikes.
POPULAR_RANK = 15000

_PYPI_SEPARATORS = re.compile(r"[-_.]+")


def normalize_pypi(name: str) -> str:
    """PEP 503 normalization: case-insensitive, runs of - _ . are one '-'."""
    return _PYPI_SEPARATORS.sub("-", name.strip()).lower()


def normalize_npm(name: str) -> str:
    return name.strip().lower()


def normalize(ecosystem: str, name: str) -> str:
    return normalize_pypi(name) if ecosystem == PYPI else normalize_npm(name)


def name_hash(normalized: str, width: int = 5) -> int:
    digest = hashlib.blake2b(normalized.encode("utf-8", errors="replace"), digest_size=width).digest()
    return int.from_bytes(digest, "big")


class NameSet:
    """A sorted array of fixed-width name hashes in a file, searched in place through mmap."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        if self._map[: len(MAGIC)] != MAGIC:
            raise ValueError(f"{path} is not a Landguard name set")
        self.count = int.from_bytes(self._map[len(MAGIC) : len(MAGIC) + 4], "big")
        self.width = self._map[len(MAGIC) + 4]

    def __len__(self) -> int:
        return self.count

    def __contains__(self, normalized: str) -> bool:
        target = name_hash(normalized, self.width)
        data, width = self._map, self.width
        low, high = 0, self.count
        while low < high:
            middle = (low + high) // 2
            offset = HEADER_SIZE + middle * width
            value = int.from_bytes(data[offset : offset + width], "big")
            if value < target:
                low = middle + 1
            elif value > target:
                high = middle
            else:
                return True
        return False


@dataclass
class RegistrySnapshot:
    """One ecosystem's names (hashed, on disk) and its most popular names (in memory)."""

    ecosystem: str
    names: NameSet
    popular: list[str]  # most downloaded first
    rank: dict[str, int]  # normalized name -> 1-based rank
    complete: bool  # False: the list leaves out little-used packages (npm)
    date: str
    source: str
    min_monthly_downloads: int = 0

    @property
    def registry_label(self) -> str:
        return "PyPI" if self.ecosystem == PYPI else "the npm registry"

    def exists(self, name: str) -> bool:
        normalized = normalize(self.ecosystem, name)
        return normalized in self.rank or normalized in self.names

    def scope_known(self, name: str) -> bool:
        """For a scoped npm name: whether anyone publishes under its scope (else: a private registry's)."""
        if not name.startswith("@") or "/" not in name:
            return True
        return normalize_npm(name.split("/", 1)[0] + "/") in self.names

    def rank_of(self, name: str) -> int | None:
        return self.rank.get(normalize(self.ecosystem, name))

    def is_popular(self, name: str, limit: int = POPULAR_RANK) -> bool:
        rank = self.rank_of(name)
        return rank is not None and rank <= limit


_lock = threading.Lock()


@functools.cache
def _meta() -> dict:
    try:
        return json.loads((DATA_DIR / "snapshot.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _load(ecosystem: str) -> RegistrySnapshot:
    popular = (DATA_DIR / f"{ecosystem}-popular.txt").read_text(encoding="utf-8").split()
    meta = _meta().get(ecosystem, {})
    return RegistrySnapshot(
        ecosystem=ecosystem,
        names=NameSet(DATA_DIR / f"{ecosystem}-names.bin"),
        popular=popular,
        rank={name: index + 1 for index, name in enumerate(popular)},
        complete=bool(meta.get("complete", ecosystem == PYPI)),
        date=str(_meta().get("date", "unknown date")),
        source=str(meta.get("source", "")),
        min_monthly_downloads=int(meta.get("min_monthly_downloads", 0)),
    )


_snapshots: dict[str, RegistrySnapshot] = {}


def snapshot(ecosystem: str) -> RegistrySnapshot:
    """The snapshot of ``pypi`` or ``npm``, opened once per process (thread-safe)."""
    found = _snapshots.get(ecosystem)
    if found is None:
        with _lock:
            found = _snapshots.get(ecosystem)
            if found is None:
                found = _snapshots[ecosystem] = _load(ecosystem)
    return found
