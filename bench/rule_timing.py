"""Full-scan cost per check on the benchmark files: CPython's _pydecimal.py (6,400 lines) and
generated 5,000-line JavaScript and Java files (bench/make_js_corpus.py, make_java_corpus.py).

For each file: parse time, then each check's time for a whole-document run (median of N),
and the total of `Analysis.run()` from scratch. This is the cost of opening a file; edits
cost far less because only changed lines and units are rechecked (see lsp_latency.py).

Usage: python bench/rule_timing.py [--runs 5]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sysconfig
import time
from pathlib import Path

from landguard.engine.analyze import Analysis
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard.engine.registry import all_checks

HERE = Path(__file__).parent
CONFIG = Config(dependencies=DependencySettings(online=False))


def _load(script: str):
    spec = importlib.util.spec_from_file_location(script[:-3], HERE / script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def benchmark_files() -> list[Path]:
    """_pydecimal.py and the generated 5,000-line JavaScript and Java files (written to bench/.work/)."""
    work = HERE / ".work"
    work.mkdir(parents=True, exist_ok=True)
    javascript = work / "bench5000.js"
    javascript.write_text(_load("make_js_corpus.py").build(5000), encoding="utf-8")
    java = work / "Bench5000.java"
    java.write_text(_load("make_java_corpus.py").generate(5000), encoding="utf-8")
    return [Path(sysconfig.get_paths()["stdlib"]) / "_pydecimal.py", javascript, java]


def median_ms(fn, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    all_checks()
    for path in benchmark_files():
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        parse = median_ms(lambda t=text, p=str(path): Document(t, path=p), args.runs)
        document = Document(text, path=str(path))
        # A new Analysis has an empty cache: each run below is a whole-document analysis of the parsed tree.
        analysis = median_ms(lambda d=document: Analysis(d, CONFIG).run(), args.runs)
        print(f"\n### {path.name} ({lines:,} lines)\n")
        print("| step | median ms |\n|---|---:|")
        print(f"| tree-sitter parse | {parse:.1f} |")
        for check in Analysis(document, CONFIG).checks:
            cost = median_ms(lambda c=check, d=document: Analysis(d, CONFIG, [c]).run(), args.runs)
            ids = ",".join(r.id for r in check.rules)
            print(f"| {type(check).__module__.rsplit('.', 1)[-1]} ({ids}) | {cost:.1f} |")
        print(f"| **all checks (one run, parse excluded)** | **{analysis:.1f}** |")
        print(f"| **open: parse + all checks** | **{parse + analysis:.1f}** |")


if __name__ == "__main__":
    main()
