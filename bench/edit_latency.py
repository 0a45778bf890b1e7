"""In-process cost of re-analysing a file after a one-line edit (no LSP transport, no debounce).

Opens the file in an ``Analysis``, then types a space at the end of ``--edits`` statement lines
spread over the file (each undone, unmeasured) and reports p50/p95 of ``Analysis.run`` for the
edit. Run it twice with different ``PYTHONPATH`` to compare two versions on the same files, in the
same session (the machine is shared: compare numbers taken together, not across days).

    .venv/bin/python bench/edit_latency.py FILE... [--edits 40]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from landguard.engine.analyze import Analysis
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document


def measure(path: Path, edits: int) -> tuple[float, float, float, int]:
    text = path.read_text(encoding="utf-8")
    document = Document(text, path=str(path))
    analysis = Analysis(document, Config(dependencies=DependencySettings(online=False)))
    start = time.perf_counter()
    analysis.run()
    opened = (time.perf_counter() - start) * 1000
    lines = [
        n for n, line in enumerate(document.lines) if line.rstrip().endswith(";") and line.startswith("    ")
    ]
    times = []
    for n in random.Random(1).sample(lines, min(edits, len(lines))):
        column = len(document.lines[n])
        change = document.apply_change((n, column, n, column), " ")
        start = time.perf_counter()
        analysis.run([change])
        times.append((time.perf_counter() - start) * 1000)
        analysis.run([document.apply_change((n, column, n, column + 1), "")])
    times.sort()
    return opened, statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], len(document.lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--edits", type=int, default=40)
    args = parser.parse_args()
    print("| file | lines | open ms | one-line edit p50 ms | p95 ms |\n|---|---:|---:|---:|---:|")
    for path in args.files:
        opened, p50, p95, lines = measure(path, args.edits)
        print(f"| {path.name} | {lines:,} | {opened:.0f} | {p50:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
