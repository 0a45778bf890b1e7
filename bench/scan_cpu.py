"""CPU time of opening every JavaScript/TypeScript (or any) file under some folders, in process.

A whole-document ``Analysis.run`` per file (what opening it in the editor or one file of
``landguard check --no-cache`` costs), measured with ``time.process_time`` so that other work on a
shared machine does not inflate it; the median of ``--runs`` passes over the same files.

    .venv/bin/python bench/scan_cpu.py /work/realworld-cache/src/fastify-4.28.1 [--runs 3] [--ext js,ts]
    PYTHONPATH=/path/to/other/checkout/server .venv/bin/python bench/scan_cpu.py DIR   # compare

Prints the files, lines and findings, and the median CPU seconds of a pass.
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
    parser.add_argument("folders", type=Path, nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ext", default="js,mjs,cjs,jsx,ts,tsx")
    args = parser.parse_args()
    suffixes = {"." + e.strip() for e in args.ext.split(",")}
    files = sorted(
        p
        for folder in args.folders
        for p in folder.rglob("*")
        if p.suffix in suffixes and p.is_file() and "node_modules" not in p.parts
    )
    texts = [(str(p), p.read_text(encoding="utf-8", errors="replace")) for p in files]
    config = Config(dependencies=DependencySettings(online=False))
    passes, findings = [], 0
    for _ in range(args.runs):
        findings = 0
        start = time.process_time()
        for path, text in texts:
            findings += len(Analysis(Document(text, path=path), config).run())
        passes.append(time.process_time() - start)
    lines = sum(text.count("\n") + 1 for _, text in texts)
    print(
        f"{len(texts)} files, {lines} lines, {findings} findings; "
        f"CPU per pass: median {statistics.median(passes):.2f} s (runs: {', '.join(f'{p:.2f}' for p in passes)})"
    )


if __name__ == "__main__":
    main()
