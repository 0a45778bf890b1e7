"""Glob matching in linear time: ``exclude`` settings and ``.gitignore`` files.

Both come from the repository or the user, so both are hostile input. ``pathspec`` turns a
gitignore glob into a regular expression; run by Python's backtracking ``re``, a glob with a
dozen ``*`` takes seconds to minutes on a long path (``a*a*a*a*a*a*a*a*a*a*a*ab``). Here every
spec runs on RE2 (``google-re2``, through pathspec's ``re2`` backend), whose matching time is
linear in the path length whatever the pattern.

``invalid_glob`` names what is wrong with a glob (``!`` alone, an unclosed ``[``, a reversed
range ``[z-a]``) so configuration can say so and keep its default.

``pathspec`` is imported on first use: ~15 ms of CPU of a server's start, which matches no glob
before its first diagnostics (issue #15).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pathspec

BACKEND = "re2"


def _unclosed_bracket(glob: str) -> bool:
    index = 0
    while index < len(glob):
        char = glob[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            end = index + 1
            if end < len(glob) and glob[end] in "!^":
                end += 1
            if end < len(glob) and glob[end] == "]":
                end += 1  # a leading ']' is a member
            while end < len(glob) and glob[end] != "]":
                end += 1
            if end >= len(glob):
                return True
            index = end
        index += 1
    return False


def invalid_glob(glob: str) -> str | None:
    """Why ``glob`` is not a usable gitignore-style pattern, or None when it is."""
    stripped = glob.strip()
    if not stripped:
        return "an empty pattern matches nothing"
    if stripped.startswith("#"):
        return "a pattern starting with '#' is a comment and matches nothing"
    if not stripped.strip("/!"):
        return "a pattern of only '/' names no file"
    if _unclosed_bracket(stripped):
        return "unclosed '['"
    import pathspec

    try:
        spec = pathspec.PathSpec.from_lines("gitignore", [glob], backend=BACKEND)
    except Exception as error:  # GitWildMatchPatternError, re.error, re2.error: all mean "invalid"
        return str(error) or type(error).__name__
    if not spec.patterns or all(p.include is None for p in spec.patterns):
        return "matches nothing"
    return None


class _Spec:
    """A compiled spec whose matching accepts any path string: a file name that is not UTF-8 arrives
    with surrogate escapes (``caf`` + U+DCE9 + ``.py``), which RE2 cannot encode; it is matched with U+FFFD
    there instead (a glob naming those bytes could not be written in a UTF-8 config anyway)."""

    __slots__ = ("spec",)

    def __init__(self, spec: pathspec.PathSpec) -> None:
        self.spec = spec

    def match_file(self, path: str) -> bool:
        return self.spec.match_file(_encodable(path))

    def check_file(self, path: str):  # noqa: ANN201 - pathspec's CheckResult
        return self.spec.check_file(_encodable(path))

    @property
    def patterns(self):  # noqa: ANN201
        return self.spec.patterns


def _encodable(path: str) -> str:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return path


@functools.lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...], gitignore: bool) -> _Spec:
    import pathspec

    if gitignore:
        return _Spec(pathspec.GitIgnoreSpec.from_lines(patterns, backend=BACKEND))
    return _Spec(pathspec.PathSpec.from_lines("gitignore", patterns, backend=BACKEND))


def exclude_spec(patterns: Iterable[str], shipped: Iterable[str] = ()) -> _Spec:
    """One spec for ``exclude`` globs (already validated by the configuration), less any that is
    not a usable glob. ``shipped``: Landguard's own defaults among them, valid (a test checks each),
    so not compiled once more each on their own to learn it (~30 specs of every run's start)."""
    known = frozenset(shipped)
    usable = tuple(p for p in patterns if p in known or invalid_glob(p) is None)
    if known.issuperset(usable):
        from landguard import startup

        # Only Landguard's own globs: the regular expressions pathspec makes of them are worth
        # keeping in the start-up cache (``regex_cache``), as the checks' are; a user's are not.
        with startup.loading():
            return _compiled(usable, False)
    return _compiled(usable, False)


def gitignore_spec(lines: Iterable[str]) -> _Spec:
    """A ``.gitignore`` file's spec with git's semantics (last match wins, ``!`` re-includes).

    Lines git itself would reject are dropped one by one, so one bad line does not cost the file.
    """
    lines = tuple(lines)
    try:
        return _compiled(lines, True)
    except Exception:  # noqa: S110 -- some line is bad: keep the others
        pass
    import pathspec

    usable = []
    for line in lines:
        try:
            pathspec.GitIgnoreSpec.from_lines([line], backend=BACKEND)
        except Exception:  # noqa: S112 -- git ignores a line it cannot parse; so do we
            continue
        usable.append(line)
    return _compiled(tuple(usable), True)
