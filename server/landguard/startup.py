"""A fresh process's start (issue #15, cold open): what it defers and what it reuses.

- **The cyclic garbage collector waits.** Importing pygls' types and loading the checks creates
  ~130,000 long-lived objects (classes, functions, compiled patterns); with CPython's default
  thresholds the collector traverses them ~200 times before the first diagnostics (~60-80 ms of
  CPU on a 2-core machine), finding little garbage. ``begin()`` turns it off; ``release()``
  collects once what loading left (attrs' replaced classes, ~8 MB), freezes the survivors
  (``gc.freeze``: never traversed again, so later full collections cost what the documents cost)
  and turns it back on. The server releases it after its first publish (without collecting:
  that publish was an open, after which the server's ``lsp/gc_policy`` collects and freezes
  anyway), or ``RELEASE_AFTER`` seconds after start, whichever comes first; a one-shot CLI run
  freezes without collecting.
- **``landguard check``** holds the collector and serves the regex and generated-code caches
  from its start until its checks are loaded (``hold``/``resume``), then freezes what start-up
  left, without collecting, before any file is analysed.
- **Compiled regular expressions are reused** (``regex_cache``): the thread that imports modules
  or loads the checks records what it compiles, inside ``loading()``.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

from landguard import regex_cache
from landguard.lsp import generated_code

RELEASE_AFTER = 5.0

_lock = threading.Lock()
_held = False


def begin() -> None:
    """Call first thing in a fresh process: the collector off, the regex cache in."""
    global _held
    with _lock:
        if gc.isenabled():
            gc.disable()
            _held = True
    regex_cache.install()


_check_held = False
_check_cache = False
_check_froze = False


def hold() -> None:
    """``landguard check``'s start: the collector off, the regex cache and the generated-code cache
    (dataclasses' methods) in while modules are imported and the checks loaded (inside
    ``loading()``). Their ~80 young collections were ~5 % of a one-file run's instructions and
    found ~500 objects of garbage; the ~230 patterns they compile, ~10 %; dataclasses' ~500
    compiles, ~8 %. ``resume()`` turns the collector back on before the first file is analysed
    (an analysis makes garbage) and saves the caches."""
    global _check_held, _check_cache
    with _lock:
        if gc.isenabled():
            gc.disable()
            _check_held = True
        if regex_cache._active is None and generated_code._active is None:  # noqa: SLF001 - not the server's
            _check_cache = regex_cache.install() is not None
            # dataclasses' generated methods (~500 compiles; attrs and cattrs are the server's)
            code = generated_code.install(generators=(), folder=generated_code.CHECK_FOLDER)
            _check_cache = code is not None or _check_cache


def resume() -> None:
    """After ``hold()`` (a no-op otherwise): the caches saved and taken out of the way (``re``'s
    and dataclasses' own compiles again); what start-up left frozen without a collection
    (``gc.freeze``: the analysis' collections, and the one at exit, never traverse it again; a
    one-shot run keeps it to the end) and the collector back on."""
    global _check_held, _check_cache
    with _lock:
        held, _check_held = _check_held, False
        installed, _check_cache = _check_cache, False
    if installed:
        regex_cache.save()
        regex_cache.uninstall()
        generated_code.save()
        generated_code.uninstall()
    if held:
        global _check_froze
        gc.freeze()
        _check_froze = True
        gc.enable()


def froze_start_up() -> bool:
    """Whether ``resume()`` froze a check's start-up (kept frozen to the exit)."""
    return _check_froze


def holding() -> bool:
    return _held


def release(collect: bool = True) -> None:
    """The collector back on (once): collect what loading left, freeze the rest. Saves the regex
    cache and takes it out (nothing compiled later is recorded, so it has nothing more to give)."""
    global _held
    with _lock:
        if not _held:
            return
        _held = False
    if collect:
        gc.collect()
    gc.freeze()
    gc.enable()
    regex_cache.save()
    regex_cache.uninstall()  # start-up is over: ``re`` as it was, and its ~1.5 MB of programs freed


def loaded() -> None:
    """The checks are loaded: keep the patterns they compiled (a no-op once the cache has them all)."""
    regex_cache.save()


def release_later(seconds: float = RELEASE_AFTER) -> None:
    """``release()`` after ``seconds`` if nothing did it before (a client that never opens a file)."""
    timer = threading.Timer(seconds, release)
    timer.daemon = True
    timer.start()


@contextlib.contextmanager
def loading() -> Iterator[None]:
    """Around module imports and loading the checks: their regexes are worth keeping."""
    with regex_cache.recording():
        yield
