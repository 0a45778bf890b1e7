"""Version order per ecosystem, as the package managers define it (and OSV evaluates ranges by).

- PyPI: PEP 440 through ``packaging`` (what pip uses): epochs (``1!0.1`` > ``2.0``),
  dev < alpha < beta < rc < release < post (``1.0.dev1`` < ``1.0a1`` < ``1.0`` < ``1.0.post1``),
  ``1.0 == 1.0.0``, local versions (``+cpu``) after their public version.
- npm: SemVer 2.0 precedence through ``node-semver`` (a port of npm's own ``semver``, loose
  mode as npm accepts ``v1.2.3``/``=1.2.3``): prereleases before their release, numeric
  identifiers compared as numbers (``alpha.9`` < ``alpha.10``), build metadata ignored.

A version neither can parse yields None: the caller treats it as unknown rather than guess
an order (a guessed order is how a fixed version gets reported vulnerable).

Both libraries are imported on the first version compared, not with the module: loading the
checks (every module under ``landguard.checks``) must stay cheap for a cold process.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from landguard.checks.deps.snapshot import NPM, PYPI

if TYPE_CHECKING:
    import nodesemver


@functools.total_ordering
class _SemVerKey:
    __slots__ = ("version",)

    def __init__(self, version: nodesemver.SemVer) -> None:
        self.version = version

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _SemVerKey) and self.version.compare(other.version) == 0

    def __lt__(self, other: _SemVerKey) -> bool:
        return self.version.compare(other.version) < 0

    def __hash__(self) -> int:
        return hash(str(self.version))


@functools.lru_cache(maxsize=4096)
def version_key(ecosystem: str, text: str) -> Any | None:
    """An orderable key for ``text`` in ``ecosystem``, or None when it is not a valid version there."""
    text = str(text).strip()
    if ecosystem == PYPI:
        from packaging.version import InvalidVersion, Version

        try:
            return Version(text)
        except InvalidVersion:
            return None
    if ecosystem == NPM:
        import nodesemver

        try:
            return _SemVerKey(nodesemver.make_semver(text, loose=True))
        except (ValueError, TypeError):
            return None
    raise ValueError(f"unknown ecosystem {ecosystem!r}")


def same_version(ecosystem: str, a: str, b: str) -> bool:
    """Equal as the ecosystem compares (``1.0`` and ``1.0.0`` are one PEP 440 version)."""
    if a == b:
        return True
    key_a, key_b = version_key(ecosystem, a), version_key(ecosystem, b)
    return key_a is not None and key_b is not None and key_a == key_b
