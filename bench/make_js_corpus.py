"""Build a ~5,000-line JavaScript file from realistic code, and time the LG3xx rules on it.

The input is the safe corpus (tests/corpus/javascript/**/*.js) plus the LG3xx fixtures
(tests/unit/fixtures/javascript/*.js), so the file has both the everyday code the rules must
skim past and the risky code they must report, repeated until it is long enough.

    .venv/bin/python bench/make_js_corpus.py --output /tmp/bench.js             # just write it
    .venv/bin/python bench/make_js_corpus.py --measure                          # write and time it

Timings (median of --repeat runs, milliseconds of this process's CPU time, so that other work on a
shared machine does not inflate them; wall-clock is printed too):
- parse: tree-sitter parse of the whole file (the engine's, not the rules');
- full scan: every LG3xx check over every unit, cold caches (what opening the file costs);
- one-line edit: incremental reparse + rerun after changing one line (what typing costs).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    *sorted((ROOT / "tests" / "corpus" / "javascript").rglob("*.js")),
    *sorted((ROOT / "tests" / "unit" / "fixtures" / "javascript").glob("LG3*.js")),
]


def build(target_lines: int = 5000) -> str:
    chunks: list[str] = []
    total = 0
    round_number = 0
    while total < target_lines:
        round_number += 1
        for source in SOURCES:
            text = source.read_text(encoding="utf-8")
            chunk = f"// ---- {source.relative_to(ROOT)} (copy {round_number})\n{text.rstrip()}\n\n"
            chunks.append(chunk)
            total += chunk.count("\n")
            if total >= target_lines:
                break
    return "".join(chunks)


def _javascript_checks():
    import landguard.checks.javascript as package
    from landguard.engine.registry import discover_checks

    return discover_checks(package)


def measure(text: str, repeat: int) -> dict[str, float]:
    from landguard.engine.analyze import Analysis
    from landguard.engine.config import Config
    from landguard.engine.document import Document

    checks = _javascript_checks()
    config = Config()
    parse, full, full_wall, edit = [], [], [], []
    findings = 0
    cpu = time.process_time
    for _ in range(repeat):
        start = cpu()
        document = Document(text, path="bench.js")
        parse.append(cpu() - start)

        analysis = Analysis(document, config, checks)
        start, start_wall = cpu(), time.perf_counter()
        findings = len(analysis.run())
        full.append(cpu() - start)
        full_wall.append(time.perf_counter() - start_wall)

        line = len(document.lines) // 2
        start = cpu()
        change = document.apply_change((line, 0, line, 0), "const added = 1;\n")
        analysis.run([change])
        edit.append(cpu() - start)
    return {
        "lines": float(len(text.splitlines())),
        "findings": float(findings),
        "parse_ms": statistics.median(parse) * 1000,
        "full_scan_ms": statistics.median(full) * 1000,
        "full_scan_wall_ms": statistics.median(full_wall) * 1000,
        "one_line_edit_ms": statistics.median(edit) * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--output", type=Path)
    parser.add_argument("--measure", action="store_true")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    text = build(args.lines)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    if args.measure:
        for key, value in measure(text, args.repeat).items():
            print(f"{key:>18}: {value:,.1f}")
    elif not args.output:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
