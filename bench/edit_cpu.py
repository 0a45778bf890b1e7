"""CPU time of the engine's work per one-line edit, in process (no LSP, no scheduling).

On a shared machine wall-clock latency (``lsp_latency.py``) swings with other people's work;
this measures the analysis itself with ``time.process_time``: open a file, then insert a space
at ``--edits`` places spread over it, each followed by an incremental ``Analysis.run``.

    .venv/bin/python bench/edit_cpu.py FILE [--edits 30]
    PYTHONPATH=/path/to/other/checkout/server .venv/bin/python bench/edit_cpu.py FILE   # compare

Prints the open cost and p50 / p95 / max of the edits, in milliseconds of CPU.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from landguard.engine.analyze import Analysis
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--edits", type=int, default=30)
    args = parser.parse_args()
    text = args.file.read_text(encoding="utf-8")
    document = Document(text, path=str(args.file))
    analysis = Analysis(document, Config(dependencies=DependencySettings(online=False)))
    start = time.process_time()
    analysis.run()
    opened = (time.process_time() - start) * 1000
    lines = len(text.splitlines())
    times = []
    for number in range(args.edits):
        line = (number * 97 + 13) % lines
        change = document.apply_change((line, 0, line, 0), " ")
        start = time.process_time()
        analysis.run([change])
        times.append((time.process_time() - start) * 1000)
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(
        f"{args.file.name}: {lines} lines; open {opened:.1f} ms; one-line edit p50 {statistics.median(times):.1f}"
        f" / p95 {p95:.1f} / max {times[-1]:.1f} ms (CPU)"
    )


if __name__ == "__main__":
    main()
