"""Size of one ``textDocument/publishDiagnostics`` notification on finding-dense files, with
diagnostics carrying every fix edit in ``data`` (clients without ``codeAction/resolve``) and with
the lean ``data`` clients that resolve code actions get (rule id, key, fix count); plus the time
to convert and serialise it (median of N).

Usage: python bench/diagnostic_payload.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from rule_timing import CONFIG, benchmark_files

from landguard.engine.analyze import Analysis
from landguard.engine.document import Document
from landguard.engine.registry import all_checks
from landguard.lsp.convert import CONVERTER, to_diagnostic


def payload(findings, document, lean: bool) -> bytes:
    diagnostics = [to_diagnostic(f, document, lean=lean) for f in findings]
    params = {"uri": "file:///bench", "version": 1, "diagnostics": CONVERTER.unstructure(diagnostics)}
    message = {"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": params}
    return json.dumps(message, separators=(",", ":")).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    all_checks()
    print("| file | findings | with fix edits (bytes) | lean (bytes) | ratio | convert ms full / lean |")
    print("|---|---:|---:|---:|---:|---:|")
    for path in benchmark_files():
        document = Document(path.read_text(encoding="utf-8"), path=str(path))
        findings = Analysis(document, CONFIG).run()
        sizes, times = {}, {}
        for lean in (False, True):
            samples = []
            for _ in range(args.runs):
                start = time.perf_counter()
                sizes[lean] = len(payload(findings, document, lean))
                samples.append((time.perf_counter() - start) * 1000)
            times[lean] = statistics.median(samples)
        print(
            f"| {path.name} | {len(findings)} | {sizes[False]:,} | {sizes[True]:,} | "
            f"{sizes[False] / sizes[True]:.1f}x | {times[False]:.0f} / {times[True]:.0f} |"
        )


if __name__ == "__main__":
    main()
