"""In-process CPU per one-line edit, split into the engine's parts (where each millisecond goes).

Types a space at the end of ``--edits`` code lines spread over FILE (the places of
``edit_positions.py``), each followed by an incremental ``Analysis.run``, twice (the first round
warms the caches, the second is reported), with ``time.process_time`` around the engine's
per-edit steps: ``Document.apply_change``, ``Analysis._units`` / ``_changed_units`` /
``_UnitsByText``, each kind of check run, ``_finish``. ``--part module:Qualified.name`` times any
other function too (a part inside another part is counted in both).

    .venv/bin/python bench/edit_parts.py FILE [--edits 40] [--part landguard.languages.java:context_key]
    PYTHONPATH=/path/to/other/checkout/server .venv/bin/python bench/edit_parts.py FILE   # compare
"""

from __future__ import annotations

import argparse
import functools
import importlib
import time
from pathlib import Path

from edit_positions import edit_places, opened_analysis

from landguard.engine import analyze
from landguard.engine.analyze import Analysis
from landguard.engine.document import Document

ENGINE_PARTS = (
    (Document, "apply_change"),
    (Analysis, "_units"),
    (Analysis, "_changed_units"),
    (Analysis, "_find_nodes"),
    (Analysis, "_run_line_check"),
    (Analysis, "_run_node_check"),
    (Analysis, "_run_node_check_by_text"),
    (Analysis, "_run_document_check"),
    (Analysis, "_finish"),
    (analyze._UnitsByText, "__init__"),
)


def timed(owner: object, name: str, label: str, totals: dict[str, float]) -> None:
    """Replace ``owner.name`` by a wrapper adding its CPU time to ``totals[label]``."""
    function = getattr(owner, name)

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            totals[label] = totals.get(label, 0.0) + time.process_time() - started

    setattr(owner, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--edits", type=int, default=40)
    parser.add_argument("--part", action="append", default=[], help="module:Qualified.name to time too")
    args = parser.parse_args()
    totals: dict[str, float] = {}
    for owner, name in ENGINE_PARTS:
        timed(owner, name, name if owner is not analyze._UnitsByText else "_UnitsByText", totals)
    for part in args.part:
        module_name, _, qualified = part.partition(":")
        owner_name, _, name = qualified.rpartition(".")
        owner = importlib.import_module(module_name)
        for attribute in filter(None, owner_name.split(".")):
            owner = getattr(owner, attribute)
        timed(owner, name, qualified, totals)
    text = args.file.read_text(encoding="utf-8")
    places = edit_places(text, args.edits)
    document, analysis = opened_analysis("curve_" + args.file.name, text)
    for _round in range(2):
        totals.clear()
        started = time.process_time()
        for line in places:
            column = len(document.lines[line])
            analysis.run([document.apply_change((line, column, line, column), " ")])
        total = (time.process_time() - started) * 1000 / len(places)
    parts = sorted(totals.items(), key=lambda item: -item[1])
    print(
        f"{args.file.name}: {total:.2f} ms/edit; "
        + ", ".join(f"{label} {seconds * 1000 / len(places):.2f}" for label, seconds in parts)
    )


if __name__ == "__main__":
    main()
