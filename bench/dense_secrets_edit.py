"""Engine cost of a one-line edit in a module where every line holds a secret (issue #16).

3,000 lines without ``import os``: 1,000 AWS access key ids and 2,000 ``password = "..."``
assignments. Every finding's environment fix inserts ``import os`` at the top, which used to make
the engine rescan every line on every edit. Measures a full analysis, then 15 one-line edits
(a comment appended to a line in the middle), each followed by an incremental run.

    .venv/bin/python bench/dense_secrets_edit.py
"""

from __future__ import annotations

import platform
import random
import statistics
import string
import time

from landguard.engine.analyze import Analysis
from landguard.engine.config import Config
from landguard.engine.document import Document
from landguard.engine.registry import all_checks


def dense_module(lines: int = 3000) -> str:
    rng = random.Random(7)
    out = []
    for n in range(lines):
        if n % 3 == 0:
            key = "AKIA" + "".join(rng.choice(string.ascii_uppercase + "234567") for _ in range(16))
            out.append(f'key_{n} = "{key}"')
        else:
            out.append(f'password = "Xk9#mP2v{n:06d}q"')
    return "\n".join(out) + "\n"


def main() -> None:
    all_checks()
    document = Document(dense_module(), path="dense.py")
    analysis = Analysis(document, Config())
    started = time.perf_counter()
    findings = analysis.run()
    full = time.perf_counter() - started
    samples = []
    for i in range(15):
        line = 1500 + i
        end = len(document.lines[line])
        change = document.apply_change((line, end, line, end), "  # x")
        started = time.perf_counter()
        analysis.run([change])
        samples.append(time.perf_counter() - started)
    print(
        f"{len(findings)} findings; full analysis {full * 1000:.0f} ms; one-line edit median "
        f"{statistics.median(samples) * 1000:.1f} ms, max {max(samples) * 1000:.1f} ms "
        f"({time.strftime('%Y-%m-%d')}, {platform.machine()}, Python {platform.python_version()})"
    )


if __name__ == "__main__":
    main()
