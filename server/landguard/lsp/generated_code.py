"""A cache of the code attrs and cattrs generate, so a fresh server does not compile it again.

Importing ``lsprotocol.types`` (pygls' protocol types, ~550 attrs classes) costs a fresh process
about 300 ms of CPU on a 2-core machine, half of it in ``compile()``: attrs writes the source of
every class's ``__init__``/``__repr__``/``__eq__`` and compiles it, and cattrs does the same for
each structure/unstructure hook it builds on first use. The sources are the same in every run
of the same library versions, so the server keeps the compiled code objects (``marshal``) in
the user's cache folder and hands them back instead of compiling (issue #15, cold start).

``install()`` must run before ``lsprotocol`` is imported (``python -m landguard.lsp`` and
``landguard lsp`` call it first); ``save()`` writes what was compiled since, if anything.
What is cached is executable code, so it gets the result cache's protection
(``landguard.result_cache``): a private folder outside any repository, and the file is
authenticated with an HMAC under the per-user secret; a file that does not verify, is
malformed, or was written for other library versions (the file name covers the Python
version and the libraries' files) is ignored and rewritten, never a crash. A source that
differs between runs under one name (attrs bakes a per-process ``hash()`` into frozen classes'
``__hash__``) is compiled every time and not stored. Sources are matched by a digest of
their whole text, name and mode, so a hit is exactly what ``compile()`` would have produced
(with the calling module's ``__future__`` flags, as ``compile()`` inherits them).
"""

from __future__ import annotations
import __future__

import builtins
import hashlib
import hmac
import logging
import marshal
import os
import sys
import tempfile
import threading
from importlib.util import find_spec
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

log = logging.getLogger("landguard.lsp.generated_code")

FOLDER = "generated-code"
# ``landguard check``'s own file (``install(folder=CHECK_FOLDER)``): the server's holds attrs' and
# cattrs' code too (~2.5 times the size), which a check would verify and load for nothing.
CHECK_FOLDER = "generated-code-check"
# The modules whose module-level ``compile`` lookups are served from the cache.
GENERATORS = ("attr._make", "cattrs.gen", "cattrs.gen.typeddicts")
# The modules whose module-level ``exec`` of a source string is: the standard library's
# dataclasses writes each ``__init__``/``__repr__``/``__eq__`` of ~85 engine and rule classes
# (the IR, findings, rows) as source and runs it, ~550 compiles while the checks load.
# ``frozen_records`` writes the faster ``__init__`` of ~35 frozen IR and value classes the same way.
EXECUTORS = ("dataclasses", "landguard.frozen_records")
# The generators and the types they generate code for: another version of any of them (pip writes
# every file of a package it installs), another file name. Top-level names: looking them up
# imports nothing.
_VERSIONED = ("attr", "cattrs", "lsprotocol", "pygls")
_MAX_FILE = 32 * 1024 * 1024
_MAC_BYTES = 32

_active: GeneratedCodeCache | None = None


def _source_digest(source: str, filename: str, mode: str) -> bytes:
    return hashlib.blake2b(f"{mode}\0{filename}\0{source}".encode(), digest_size=16).digest()


def _future_flags(module: ModuleType) -> int:
    """The ``__future__`` flags a ``compile()`` called from ``module`` inherits."""
    flags = 0
    for value in vars(module).values():
        if isinstance(value, __future__._Feature):  # noqa: SLF001 - the only way to name the type
            flags |= value.compiler_flag
    return flags


def cache_file(folder: Path) -> Path:
    """This Python's and these library versions' cache file in ``folder``."""
    digest = hashlib.sha256(sys.version.encode())
    for name in _VERSIONED:
        spec = find_spec(name)
        origin = spec.origin if spec is not None else None
        if origin is None:
            digest.update(f"{name}\0-\0".encode())
            continue
        info = os.stat(origin)
        digest.update(f"{name}\0{origin}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return folder / f"{sys.implementation.cache_tag}-{digest.hexdigest()[:20]}.bin"


class GeneratedCodeCache:
    """Code objects by the name attrs/cattrs give their generated source (``<attrs generated ...>``)."""

    def __init__(self, path: Path, secret: bytes) -> None:
        self.path = path
        self.secret = secret
        self.stored: dict[str, tuple[str, bytes, CodeType]] = {}
        self.used: dict[str, tuple[str, bytes, CodeType]] = {}
        self.new: dict[str, tuple[str, bytes, CodeType]] = {}
        self.varying: set[str] = set()
        self.known_varying: frozenset[str] = frozenset()
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()
        self._load()

    def _load(self) -> None:
        try:
            with open(self.path, "rb", opener=_no_follow) as handle:
                data = handle.read(_MAX_FILE + 1)
        except FileNotFoundError:
            return
        except OSError as error:
            log.debug("generated code cache unreadable: %s", error)
            return
        mac, payload = data[:_MAC_BYTES], data[_MAC_BYTES:]
        if len(data) > _MAX_FILE or not hmac.compare_digest(mac, self._mac(payload)):
            log.debug("generated code cache %s does not verify; ignored", self.path)
            return
        try:
            loaded = marshal.loads(payload)  # noqa: S302 - our own file, its HMAC verified above
        except (ValueError, EOFError, TypeError):
            return
        if not (isinstance(loaded, tuple) and len(loaded) == 2 and isinstance(loaded[0], dict)):
            return
        entries, varying = loaded
        if isinstance(varying, (list, tuple)):
            self.known_varying = frozenset(name for name in varying if isinstance(name, str))
            self.varying.update(self.known_varying)
        for name, entry in entries.items():
            if (
                isinstance(name, str)
                and isinstance(entry, tuple)
                and len(entry) == 3
                and isinstance(entry[0], str)
                and isinstance(entry[1], bytes)
                and isinstance(entry[2], CodeType)
            ):
                self.stored[name] = entry

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self.secret, payload, hashlib.sha256).digest()

    def compile_for(self, module: ModuleType) -> Any:
        """A ``compile`` for ``module``'s globals: cached for ``compile(source, filename, mode)``."""
        flags = _future_flags(module)

        def compile(source: Any, filename: Any = "<string>", mode: str = "exec", *args: Any, **kwargs: Any):  # noqa: A001
            if args or kwargs or not isinstance(source, str) or not isinstance(filename, str) or not filename:
                # landguard: ignore[LG203] -- the generators' own call, passed on as it came
                return builtins.compile(source, filename, mode, *args, **kwargs)
            return self._code(filename, source, filename, mode, flags)

        return compile

    def exec_for(self, module: ModuleType) -> Any:
        """An ``exec`` for ``module``'s globals: a source string's code comes from the cache.

        Such sources all have the file name ``<string>``: entries are named by the source's
        digest instead, so a hit is the code ``exec`` would have compiled from that very text."""
        flags = _future_flags(module)

        def exec(source: Any, globals: Any = None, locals: Any = None, *args: Any, **kwargs: Any):  # noqa: A001
            if args or kwargs or not isinstance(source, str):
                # landguard: ignore[LG203] -- the generator's own call, passed on as it came
                return builtins.exec(source, globals, locals, *args, **kwargs)  # noqa: S102
            name = "<exec " + hashlib.blake2b(source.encode(), digest_size=16).hexdigest() + ">"
            code = self._code(name, source, "<string>", "exec", flags)
            # landguard: ignore[LG203] -- dataclasses' generated source, run as it would be
            return builtins.exec(code, globals, locals)  # noqa: S102

        return exec

    def _code(self, name: str, source: str, filename: str, mode: str, flags: int) -> CodeType:
        """The code of ``compile(source, filename, mode)``: stored under ``name``, or compiled."""
        digest = _source_digest(source, filename, mode)
        with self._lock:
            entry = self.stored.pop(name, None) or self.used.get(name) or self.new.get(name)
            if entry is not None and entry[:2] == (mode, digest):
                self.used.setdefault(name, entry)
                self.hits += 1
                return entry[2]
        # landguard: ignore[LG203] -- attrs'/cattrs'/dataclasses' generated source, compiled as they would
        code = builtins.compile(source, filename, mode, flags, True)
        with self._lock:
            self.misses += 1
            if entry is not None or name in self.varying:
                self.varying.add(name)  # differs between runs or calls: not worth keeping
                self.new.pop(name, None)
            else:
                self.new[name] = (mode, digest, code)
        return code

    def save(self) -> bool:
        """Write the code the file held, with what this process compiled, if anything new was."""
        with self._lock:
            if not self.new and self.varying <= self.known_varying:
                return False
            # What the file held and this process did not use is kept: a server loads only the
            # languages it is opened on (``registry.checks_for``), the next one maybe others'.
            entries = {**self.stored, **self.used, **self.new}
            self.used, self.new = entries, {}
            varying = sorted(self.varying)
            self.known_varying = frozenset(varying)
        payload = marshal.dumps((entries, varying))
        folder = self.path.parent
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".code-")  # created 0600
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(self._mac(payload) + payload)
            os.replace(temporary, self.path)
        except OSError as error:
            log.debug("cannot write the generated code cache: %s", error)
            try:
                os.unlink(temporary)
            except OSError:
                pass
            return False
        for other in folder.glob("*.bin"):  # other versions' files
            if other != self.path:
                try:
                    other.unlink()
                except OSError:
                    pass
        return True


def _no_follow(path: str, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NOFOLLOW", 0))


def install(generators: tuple[str, ...] = GENERATORS, folder: str = FOLDER) -> GeneratedCodeCache | None:
    """Serve attrs' and cattrs' ``compile()`` calls (``generators``) and dataclasses' ``exec`` from
    the cache, from now on in this process (``uninstall`` ends it).

    Call before importing ``lsprotocol``. Returns None (and changes nothing) when the cache
    folder cannot be used safely or ``LANDGUARD_NO_CODE_CACHE`` is set. ``landguard check``
    passes no generators (it imports neither attrs nor cattrs) and its own ``folder``."""
    global _active
    if _active is not None:
        return _active
    if os.environ.get("LANDGUARD_NO_CODE_CACHE"):
        return None
    from landguard.result_cache import CacheUnavailable, _private_folder, cache_root, user_secret

    try:
        root = _private_folder(cache_root())
        place = _private_folder(root / folder)
        cache = GeneratedCodeCache(cache_file(place), user_secret(root))
    except (CacheUnavailable, OSError) as error:
        log.debug("no generated code cache: %s", error)
        return None
    import importlib

    for name in generators:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        module.compile = cache.compile_for(module)  # a module global shadows the builtin
    for name in EXECUTORS:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        module.exec = cache.exec_for(module)
    _active = cache
    return cache


def uninstall() -> None:
    """The generators' and dataclasses' own ``compile`` and ``exec`` back (after a check's start-up)."""
    global _active
    if _active is None:
        return
    for name in (*GENERATORS, *EXECUTORS):
        module = sys.modules.get(name)
        for patched in ("compile", "exec"):
            if module is not None and patched in vars(module):
                delattr(module, patched)  # the builtin again
    _active = None


def save() -> None:
    """Write what was compiled since ``install()`` (a no-op without a cache or anything new)."""
    if _active is not None:
        try:
            _active.save()
        except Exception:  # a cache must never take the server down
            log.exception("saving the generated code cache failed")
