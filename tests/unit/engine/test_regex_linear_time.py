"""Every module-level regular expression in Landguard runs in (near) linear time on adversarial input.

Python's ``re`` backtracks: a pattern such as ``#.*?\\bnoqa`` or ``([\\w.]+)\\.startsWith`` is
quadratic on a long line of ``#`` or of name characters, which a repository can provide (minified
code, a generated file). This test collects every compiled pattern held by a ``landguard`` module
(directly or in a tuple, list or dict) and searches long runs of each character the pattern names
(plus word, space and tab characters) with it. It times nothing precisely: a linear pattern needs a
few milliseconds here, a quadratic one seconds; the bound is generous, and it is CPU time, so a
loaded machine passes.

Patterns built inside functions are not collected; they are written to match anchored, bounded
input (one token, one name), or search text found by a linear pattern first.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import time

import pytest

import landguard

LENGTH = 24_000
BOUND_SECONDS = 0.25  # CPU; quadratic patterns took 0.47-60 s on these strings, linear ones <= 0.07 s


def _collect(value, where: str, found: dict, depth: int = 0) -> None:
    if isinstance(value, re.Pattern):
        found.setdefault((value.pattern, value.flags), (value, where))
    elif depth < 2 and isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _collect(item, where, found, depth + 1)
    elif depth < 2 and isinstance(value, dict):
        for item in value.values():
            _collect(item, where, found, depth + 1)


def _patterns() -> list[tuple[re.Pattern, str]]:
    found: dict = {}
    for info in pkgutil.walk_packages(landguard.__path__, "landguard."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            _collect(value, f"{info.name}.{name}", found)
    return sorted(found.values(), key=lambda item: item[1])


PATTERNS = _patterns()


def _adversarial(pattern: re.Pattern) -> list[str]:
    source = pattern.pattern if isinstance(pattern.pattern, str) else pattern.pattern.decode("latin-1")
    characters = {c for c in re.sub(r"\\[A-Za-z]", "", source) if c.isprintable()} | set("a0A \t.-_/")
    strings = [c * LENGTH for c in sorted(characters)]
    strings += [pair * (LENGTH // 2) for pair in ("a.", "a=", "a ", "a-", "{{", "a:")]
    return strings


def test_patterns_are_collected():
    names = {where for _, where in PATTERNS}
    assert len(PATTERNS) > 100 and "landguard.engine.suppress._NOQA" in names


@pytest.mark.parametrize(("pattern", "where"), PATTERNS, ids=[where for _, where in PATTERNS])
def test_pattern_is_linear_on_long_runs(pattern, where):
    for text in _adversarial(pattern):
        subject = text.encode("latin-1") if isinstance(pattern.pattern, bytes) else text
        started = time.thread_time()  # CPU time: a loaded machine's waits are not the pattern's
        pattern.search(subject)
        elapsed = time.thread_time() - started
        assert elapsed < BOUND_SECONDS, f"{where} took {elapsed:.1f} s on {text[:6]!r}… ({LENGTH} chars)"
