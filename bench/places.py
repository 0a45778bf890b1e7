"""Where the edit benchmarks type and paste, one definition for all of them.

``edit_curve.py`` (through the server), ``edit_cpu.py``, ``edit_positions.py``, ``paste_units.py``,
``paste_phases.py`` and ``paste_exact.py`` (in process) measure the same edits, so their numbers can be
set side by side: a space typed at the end of every step-th code line, and blocks of real lines of the
file pasted at column 0 of evenly spread code lines.
"""

from __future__ import annotations


def code_lines(lines: list[str]) -> list[int]:
    """The lines with code on them (not blank, not a backslash continuation)."""
    return [n for n, line in enumerate(lines) if line.strip() and not line.rstrip().endswith("\\")]


def paste_places(lines: list[str], size: int, pastes: int) -> list[tuple[int, int, str]]:
    """``pastes`` (line, source line, block) triples: ``size`` consecutive lines of the file, taken
    from a spread-out place, pasted at column 0 of evenly spaced code lines (the first code line
    first)."""
    starts = [n for n in code_lines(lines) if n + size < len(lines)]
    if not starts:
        return []
    stride = max(1, len(starts) // max(pastes, 1))
    places = []
    for k, n in enumerate(starts[::stride][:pastes]):
        source = starts[(k * 7919 + len(starts) // 2) % len(starts)]
        places.append((n, source, "\n".join(lines[source : source + size]) + "\n"))
    return places
