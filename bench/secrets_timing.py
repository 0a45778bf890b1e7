"""Cost of the secrets scanner (LG1xx): a whole file, and the per-line path an editor edit takes.

For each benchmark file of ``rule_timing.py`` (CPython's ``_pydecimal.py``, the generated
5,000-line JavaScript and Java files) and the generated secrets sample set (tests/corpus/secrets):

- whole file: ``scan_lines`` over every line (what opening the file costs), median of N runs;
- one line: ``scan_lines`` on a single line, as after a one-character edit: the median and p95
  over every line of the file, in microseconds;
- the share of lines that pass the keyword/prefix prefilter (the rest cost one C-level pass).

Usage: python bench/secrets_timing.py [--runs 5]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

from landguard.checks.secrets.scanner import CHECK, candidate_lines
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard.engine.registry import CheckContext

HERE = Path(__file__).parent
ROOT = HERE.parent
CONTEXT = CheckContext(Config(dependencies=DependencySettings(online=False)))


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def sample_set() -> Path | None:
    """The generated labeled secrets set as one file per context, if its generator exists."""
    generator = ROOT / "tests" / "corpus" / "secrets" / "generate.py"
    if not generator.exists():
        return None
    module = _load(generator)
    out = HERE / ".work" / "secrets_samples.env"
    out.write_text("\n".join(s.text for s in module.generate() if s.context == "dotenv") + "\n")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    paths = list(_load(HERE / "rule_timing.py").benchmark_files())
    samples = sample_set()
    if samples is not None:
        paths.append(samples)
    print("| file | lines | prefilter pass | whole file ms | one line µs p50 / p95 |")
    print("|---|---:|---:|---:|---:|")
    for path in paths:
        document = Document(path.read_text(encoding="utf-8"), path=str(path))
        count = len(document.lines)
        whole = []
        for _ in range(args.runs):
            start = time.perf_counter()
            list(CHECK.scan_lines(document, 0, count - 1, CONTEXT))
            whole.append((time.perf_counter() - start) * 1000)
        per_line = []
        for number in range(count):
            start = time.perf_counter()
            first, last = CHECK.widen(document, number, number)
            list(CHECK.scan_lines(document, first, last, CONTEXT))
            per_line.append((time.perf_counter() - start) * 1e6)
        per_line.sort()
        passed = len(candidate_lines(document.lines, 0, count - 1))
        print(
            f"| {path.name} | {count:,} | {passed / count:.1%} | {statistics.median(whole):.1f} | "
            f"{statistics.median(per_line):.0f} / {per_line[int(0.95 * (count - 1))]:.0f} |"
        )


if __name__ == "__main__":
    main()
