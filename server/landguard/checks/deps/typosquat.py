"""Which popular package a name looks like: typos, separators, homoglyphs, affixes, npm scopes.

``typosquat_candidates(snapshot, name)`` returns the popular names ``name`` could be mistaken
for, closest and most popular first. It never loops over the 15,000 popular names per query:

- typos: every string one edit (insertion, deletion, substitution, adjacent swap) away from
  the name is generated and probed in the popular-name dict (~800 probes, ~0.1 ms);
- separators and homoglyphs use a *skeleton* (no - _ . and l/I/1, 0/o, rn/m, vv/w folded):
  ``python_dateutil`` → ``pythondateutil``, ``reque5ts`` is not folded but ``djang0`` is;
- affixes (``python-``, ``py``, ``-js``, ``node-`` ...) are stripped and looked up;
- npm scopes: ``babel-core`` or ``babelcore`` vs ``@babel/core``; ``@types/x`` is never a look-alike of ``x``.

The small skeleton and scope indexes are built once per process on first use.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from landguard.checks.deps.snapshot import NPM, PYPI, RegistrySnapshot, normalize

# Popular names at least this long are typo targets; shorter ones ("six", "ms") are one edit away from
# hundreds of legitimate names.
MIN_TYPO_LENGTH = 4
# A look-alike target for an existing, unpopular name must be this popular (rank).
EXISTING_TARGET_RANK = 5000

_PYPI_AFFIXES = ("python-", "python3-", "py-", "py3-", "-python", "-python3", "-py", "-py3", "py", "python")
_NPM_AFFIXES = ("node-", "-node", "js-", "-js", ".js", "-javascript", "javascript-", "nodejs-", "js", "node")
_SEPARATORS = re.compile(r"[-_.]")
_HOMOGLYPH_PAIRS = (("rn", "m"), ("vv", "w"), ("cl", "d"))
_FOLD_CHARACTERS = str.maketrans({"-": None, "_": None, ".": None, "1": "l", "i": "l", "0": "o"})
_FOLD_BYTES = bytes.maketrans(b"1i0", b"llo")


@dataclass(frozen=True, slots=True)
class Lookalike:
    target: str  # the popular name (normalized)
    reason: str  # how the names differ, for the message
    distance: int  # edit distance (0 for separator/homoglyph/affix matches)
    rank: int


def skeleton(name: str) -> str:
    """The name with separators removed and look-alike characters folded."""
    lowered = name.lower()
    if lowered.isascii():  # bytes.translate is several times faster than str.translate
        folded = lowered.encode().translate(_FOLD_BYTES, b"-_.").decode()
    else:
        folded = lowered.translate(_FOLD_CHARACTERS)
    for source, target in _HOMOGLYPH_PAIRS:
        if source in folded:
            folded = folded.replace(source, target)
    return folded


def osa_distance(a: str, b: str, limit: int = 3) -> int:
    """Optimal string alignment distance (Levenshtein plus adjacent swaps), capped at ``limit``."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous_previous[j - 2] + 1)
            current[j] = value
        if min(current) >= limit:
            return limit
        previous_previous, previous = previous, current
    return min(previous[-1], limit)


class _Anything(dict):
    """A 'known' mapping that accepts every string: makes ``_one_edit_away`` list all edits."""

    def __contains__(self, key: object) -> bool:
        return True


def _one_edit_away_in(candidates: dict[str, int], known: dict[str, int]) -> list[str]:
    return [name for name in candidates if name in known]


_PYPI_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789-"
_NPM_ALPHABET = _PYPI_ALPHABET + "._"


def _one_edit_away(name: str, known: dict[str, int], alphabet: str) -> set[str]:
    """Names in ``known`` one insertion, deletion, substitution or adjacent swap from ``name``.

    Generating the ~800 edits of a name and probing a dict is cheaper than any index over the
    popular names would be to build (Norvig's spelling corrector).
    """
    found: set[str] = set()
    for i in range(len(name) + 1):
        head, tail = name[:i], name[i:]
        if tail:
            deleted = head + tail[1:]
            if deleted in known:
                found.add(deleted)
            if len(tail) > 1:
                swapped = head + tail[1] + tail[0] + tail[2:]
                if swapped in known:
                    found.add(swapped)
            for char in alphabet:
                replaced = head + char + tail[1:]
                if replaced in known:
                    found.add(replaced)
        for char in alphabet:
            inserted = head + char + tail
            if inserted in known:
                found.add(inserted)
    found.discard(name)
    return found


class LookalikeIndex:
    """Deletion, skeleton and bare-name indexes over one ecosystem's popular names."""

    def __init__(self, snapshot: RegistrySnapshot) -> None:
        self.snapshot = snapshot
        self.rank = snapshot.rank
        # One name per key (the most popular, since names come most popular first): small and enough.
        self.skeletons: dict[str, str] = {}
        self.scoped_bare: dict[str, str] = {}
        for name in snapshot.popular:
            self.skeletons.setdefault(skeleton(name), name)
            if name.startswith("@") and "/" in name:
                scope, bare = name[1:].split("/", 1)
                for joined in (f"{scope}-{bare}", f"{scope}{bare}", f"{scope}/{bare}"):
                    self.scoped_bare.setdefault(joined, name)
        self.affixes = _PYPI_AFFIXES if snapshot.ecosystem == PYPI else _NPM_AFFIXES
        self.alphabet = _PYPI_ALPHABET if snapshot.ecosystem == PYPI else _NPM_ALPHABET

    def candidates(self, name: str, max_rank: int | None = None) -> list[Lookalike]:
        normalized = normalize(self.snapshot.ecosystem, name)
        found: dict[str, Lookalike] = {}
        rank = self.rank

        def add(target: str, reason: str, distance: int) -> None:
            if target == normalized or (max_rank is not None and rank[target] > max_rank):
                return
            if self.snapshot.ecosystem == NPM and _legitimate_npm_pair(normalized, target):
                return
            previous = found.get(target)
            if previous is None or distance < previous.distance:
                found[target] = Lookalike(target, reason, distance, rank[target])

        target = self.skeletons.get(skeleton(normalized))
        if target is not None:
            same_letters = _SEPARATORS.sub("", target) == _SEPARATORS.sub("", normalized)
            add(target, "differs only in separators" if same_letters else "uses look-alike characters", 0)

        if self.snapshot.ecosystem == NPM:
            target = self.scoped_bare.get(normalized)
            if target is not None:
                add(target, "is the scoped package's name without its scope", 0)
            if normalized.startswith("@") and "/" in normalized:
                # "@bable/core": a typo of a popular scope, same package name.
                scope, bare = normalized[1:].split("/", 1)
                scoped = {f"@{s}/{bare}": 0 for s in _one_edit_away(scope, _Anything(), self.alphabet)}
                for target in _one_edit_away_in(scoped, rank):
                    add(target, "has a one-letter typo in the scope", 1)

        for affix in self.affixes:
            if affix.endswith(("-", "_", ".")) or (len(affix) <= 3 and not affix.startswith(("-", "."))):
                stripped = normalized[len(affix) :] if normalized.startswith(affix) else ""
            else:
                stripped = normalized[: -len(affix)] if normalized.endswith(affix) else ""
            stripped = stripped.strip("-_.")
            if len(stripped) >= MIN_TYPO_LENGTH and stripped in rank:
                add(stripped, f"adds '{affix.strip('-.')}' to the name", 0)
            for prefix in (affix, affix + "-") if not affix.startswith(("-", ".")) else ():
                extended = prefix + normalized
                if len(normalized) >= MIN_TYPO_LENGTH and extended in rank:
                    add(extended, f"drops '{affix.strip('-.')}' from the name", 0)

        if len(normalized) >= MIN_TYPO_LENGTH - 1:
            for target in _one_edit_away(normalized, rank, self.alphabet):
                if len(target) >= MIN_TYPO_LENGTH:
                    add(target, _typo_reason(normalized, target), 1)
        return sorted(found.values(), key=lambda m: (m.distance, m.rank))


def _legitimate_npm_pair(name: str, target: str) -> bool:
    """``@types/x`` and ``x`` (and other scoped variants of the same package) belong together."""
    if name.startswith("@types/") or target.startswith("@types/"):
        return True
    return False


def _typo_reason(name: str, target: str) -> str:
    if len(name) == len(target) + 1:
        for i in range(len(name)):
            if name[:i] + name[i + 1 :] == target:
                doubled = (i > 0 and name[i] == name[i - 1]) or (i + 1 < len(name) and name[i] == name[i + 1])
                return "has a doubled letter" if doubled else "has an extra letter"
        return "is one letter off"
    if len(name) + 1 == len(target):
        return "is missing a letter"
    if len(name) == len(target):
        diffs = [i for i in range(len(name)) if name[i] != target[i]]
        if len(diffs) == 2 and diffs[1] == diffs[0] + 1 and name[diffs[0]] == target[diffs[1]]:
            return "has two letters swapped"
        if len(diffs) == 1:
            return "has one letter changed"
    return "is a near-miss spelling"


_indexes: dict[str, LookalikeIndex] = {}
_lock = threading.Lock()


def lookalike_index(snapshot: RegistrySnapshot) -> LookalikeIndex:
    index = _indexes.get(snapshot.ecosystem)
    if index is None:
        with _lock:
            index = _indexes.get(snapshot.ecosystem)
            if index is None:
                index = _indexes[snapshot.ecosystem] = LookalikeIndex(snapshot)
    return index


def typosquat_candidates(
    snapshot: RegistrySnapshot, name: str, max_rank: int | None = None
) -> list[Lookalike]:
    """Popular names ``name`` looks like, best first; empty when ``name`` is itself popular."""
    if snapshot.is_popular(name):
        return []
    return lookalike_index(snapshot).candidates(name, max_rank)
