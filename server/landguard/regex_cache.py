"""A cache of compiled regular expressions, so a fresh process does not parse them again.

Loading the checks compiles about 550 regular expressions (provider token formats, secret
keywords, rule prefilters, pathspec's and pygls' own): ~60 ms of a cold start's CPU on a 2-core
machine (issue #15). ``re`` compiles in two steps: Python code parses the pattern and emits
the regex engine's program (a list of integers, the group names), then ``_sre.compile`` builds
the pattern object from that program in C. The first step is the expensive one and depends only
on the pattern, the flags and the interpreter, so its output is kept in the user cache folder
(``signed_cache``: HMAC-authenticated ``marshal`` data, a file per interpreter build) and handed
to ``_sre.compile`` directly on the next start. ``_sre.compile`` validates a program before
using it, and a pattern built from the cache compares equal (``==`` compares the program) to
one compiled afresh: ``install`` checks that on a few probes and leaves ``re`` alone if this
interpreter's ``re`` does it differently.

Only patterns compiled while a thread is ``recording()`` are stored: module imports and loading
the checks, never the analysis of a document, so no pattern built from source text or from a
user's configuration reaches the file. Lookups serve every thread.
"""

from __future__ import annotations

import _sre
import contextlib
import hashlib
import logging
import re
import sys
import threading
from collections.abc import Iterator
from typing import Any

from landguard import signed_cache

log = logging.getLogger("landguard.regex_cache")

FOLDER = "regex"
try:  # Python 3.11+
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # Python 3.10
    import sre_compile as _compiler  # type: ignore[no-redef]
    import sre_parse as _parser  # type: ignore[no-redef]

# What the cached program is checked against when the cache is installed.
_PROBES: tuple[tuple[str | bytes, int], ...] = (
    (r"(?P<name>[A-Za-z_]\w*)\s*=\s*(?P=name)|x{2,5}?", 0),
    (rb"(?<![A-Za-z0-9])(?=(gh[pousr]_))[\x00-\x7f]+$", 0),
    (r"[à-ÿ]+(?i:ß)|(?:a|b)*c\Z", re.IGNORECASE),
)

_recording = threading.local()
_active: RegexCache | None = None


def _program(pattern: str | bytes, flags: int) -> tuple[int, list[int], int, dict[str, int], tuple]:
    """``re``'s first compile step, as its ``compile`` does it: (flags, code, groups, groupindex, indexgroup)."""
    parsed = _parser.parse(pattern, flags)
    # Opcodes are named int constants; the engine takes them as the plain ints marshal can store.
    code = [int(word) for word in _compiler._code(parsed, flags)]  # noqa: SLF001 - the step this cache stands in for
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return int(flags | parsed.state.flags), code, parsed.state.groups - 1, groupindex, tuple(indexgroup)


def _valid(key: Any, program: Any) -> bool:
    return (
        isinstance(key, tuple)
        and len(key) == 2
        and isinstance(key[0], (str, bytes))
        and isinstance(key[1], int)
        and isinstance(program, tuple)
        and len(program) == 5
        and isinstance(program[0], int)
        and isinstance(program[1], list)
        and isinstance(program[2], int)
        and isinstance(program[3], dict)
        and isinstance(program[4], tuple)
    )


def cache_name() -> str:
    """This interpreter's file: ``re``'s programs differ between Python builds."""
    digest = hashlib.sha256(f"{sys.version}\0{_sre.MAGIC}\0{_sre.CODESIZE}".encode()).hexdigest()[:20]
    return f"{sys.implementation.cache_tag}-{digest}.bin"


class RegexCache:
    def __init__(self, stored: dict[tuple[str | bytes, int], tuple]) -> None:
        self.stored = stored
        self.used: dict[tuple[str | bytes, int], tuple] = {}
        self.new: dict[tuple[str | bytes, int], tuple] = {}
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()
        self.original = _compiler.compile

    def compile(self, pattern: Any, flags: int = 0) -> Any:
        """Stands in for ``re``'s internal compile (``re._compiler.compile``)."""
        if not isinstance(pattern, (str, bytes)) or not isinstance(flags, int) or flags & re.DEBUG:
            return self.original(pattern, flags)
        key = (pattern, int(flags))  # marshal stores plain ints (``re`` may pass a RegexFlag)
        program = self.stored.get(key)
        if program is not None:
            try:
                compiled = _sre.compile(pattern, *program)
            except Exception:  # not a program this interpreter accepts: compiled afresh below
                self.stored.pop(key, None)
            else:
                with self._lock:
                    self.used[key] = program
                    self.hits += 1
                return compiled
        if not getattr(_recording, "on", False):
            return self.original(pattern, flags)
        program = _program(pattern, flags)
        with self._lock:
            self.misses += 1
            self.new[key] = program
        return _sre.compile(pattern, *program)

    def save(self, path: Any, secret: bytes) -> bool:
        """Write the programs the file held, with those recorded in this process, if any was
        recorded. Those this process did not use are kept: a server loads only the languages it is
        opened on (``registry.checks_for``), the next one maybe others'."""
        with self._lock:
            if not self.new:
                return False
            entries = {**self.stored, **self.used, **self.new}
            self.used, self.new = entries, {}
        return signed_cache.store(path, secret, entries, others="*.bin")


_location: tuple[Any, bytes] | None = None


def _agrees() -> bool:
    """Whether a pattern built from ``_program`` is the one ``re`` builds, on this interpreter."""
    try:
        return all(_sre.compile(p, *_program(p, f)) == _compiler.compile(p, f) for p, f in _PROBES)
    except Exception:
        return False


def install() -> RegexCache | None:
    """Serve ``re``'s compiles from the cache from now on; record those of ``recording()`` threads.

    Returns None (and leaves ``re`` alone) without a usable cache folder, with
    ``LANDGUARD_NO_STARTUP_CACHE`` set, or if this interpreter's ``re`` works differently."""
    global _active, _location
    if _active is not None:
        return _active
    place = signed_cache.folder(FOLDER)
    if place is None or not _agrees():
        return None
    folder, secret = place
    path = folder / cache_name()
    loaded = signed_cache.load(path, secret)
    stored = {}
    if isinstance(loaded, dict):
        stored = {key: program for key, program in loaded.items() if _valid(key, program)}
    cache = RegexCache(stored)
    _compiler.compile = cache.compile
    _active, _location = cache, (path, secret)
    return cache


@contextlib.contextmanager
def recording() -> Iterator[None]:
    """Store what this thread compiles meanwhile (module imports, loading the checks)."""
    before = getattr(_recording, "on", False)
    _recording.on = True
    try:
        yield
    finally:
        _recording.on = before


def save() -> None:
    """Write what was recorded since ``install()`` (a no-op without a cache or anything new)."""
    if _active is not None and _location is not None:
        try:
            _active.save(*_location)
        except Exception:  # a cache must never take the process down
            log.exception("saving the regex cache failed")


def uninstall() -> None:
    """Give ``re`` its own compile back (after start-up, and in tests)."""
    global _active, _location
    if _active is not None:
        _compiler.compile = _active.original
    _active = _location = None
