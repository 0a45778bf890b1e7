"""In-process CPU of one-line edits at the places ``bench/edit_curve.py`` types, per place.

``edit_curve`` reports a p50/p95 over its edits; this says which places are slow, and whether a
slow one stays slow when the edits come in the opposite order (a property of the place, not of
what ran before it). Runs the current engine, or another one with ``PYTHONPATH=DIR/server``.

Usage: python bench/edit_positions.py FILE [--edits 20] [--in-project]

``--in-project`` opens the file at its own path, so the project around it applies (a vendored
bundle inside Django's tree: LG504 reads Django's package.json); by default it is opened
outside any project, as ``edit_curve``'s copies are.
"""

from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path

from places import code_lines

from landguard.engine.analyze import Analysis
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document


def edit_places(text: str, edits: int) -> list[int]:
    """The lines of ``text`` that edit_curve's one-line edits type a space at the end of: every
    step-th code line, ``edits`` of them."""
    lines = text.split("\n")
    code = code_lines(lines)
    return code[:: max(1, len(code) // edits)][:edits]


def opened_analysis(path: str, text: str) -> tuple[Document, Analysis]:
    """``text`` opened at ``path`` and analysed once, as the server holds a file after its open."""
    document = Document(text, path=path)
    analysis = Analysis(document, Config(dependencies=DependencySettings(online=False)))
    analysis.run()
    gc.collect()
    gc.freeze()  # as the server does after an open (lsp/gc_policy.py)
    return document, analysis


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--in-project", action="store_true", help="open the file at its own path")
    args = parser.parse_args()
    text = args.file.read_text(encoding="utf-8")
    places = edit_places(text, args.edits)
    path = str(args.file.resolve()) if args.in_project else "curve_" + args.file.name
    document, analysis = opened_analysis(path, text)
    for order, label in ((places, "in order"), (list(reversed(places)), "reversed")):
        cost: dict[int, float] = {}
        for line in order:
            column = len(document.lines[line])
            started = time.process_time()
            analysis.run([document.apply_change((line, column, line, column), " ")])
            cost[line] = (time.process_time() - started) * 1000
        print(
            f"{label}: " + ", ".join(f"{line + 1}: {cost[line]:.1f}" for line in places) + " (line: CPU ms)"
        )


if __name__ == "__main__":
    main()
