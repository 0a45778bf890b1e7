"""CPU time of the per-edit work, in process (no LSP transport, no scheduling), against file size
and paste size.

On a shared machine wall-clock latency (``lsp_latency.py``, ``edit_curve.py``) swings with other
people's work; this measures with ``time.process_time``: open a file, then type a space at
``--edits`` places spread over it, and paste 1, 10, 40 and 200 lines (copied from elsewhere in the
file) ``--pastes`` times each, every edit followed by an incremental ``Analysis.run`` and the
conversion of its findings to LSP diagnostics with their JSON (what the server does before
publishing). Each paste is removed again, unmeasured.

    .venv/bin/python bench/edit_cpu.py FILE... [--edits 30] [--pastes 4]
    PYTHONPATH=/path/to/other/checkout/server .venv/bin/python bench/edit_cpu.py FILE...   # compare

Prints, per file, the open cost and p50 / p95 of each kind of edit, in milliseconds of CPU.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from landguard.engine.analyze import Analysis
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard.lsp.convert import DiagnosticCache

PASTE_SIZES = (1, 10, 40, 200)


class Editor:
    """A document, its analysis and its diagnostics, as the server keeps them."""

    def __init__(self, path: Path) -> None:
        self.text = path.read_text(encoding="utf-8")
        self.document = Document(self.text, path=str(path))
        self.analysis = Analysis(self.document, Config(dependencies=DependencySettings(online=False)))
        self.cache = DiagnosticCache()
        # Older checkouts' cache takes no line changes and has no JSON text per diagnostic.
        self.incremental = hasattr(self.cache, "json_text_for")

    def analyse(self, changes: list) -> float:
        start = time.process_time()
        findings = self.analysis.run(changes)
        if self.incremental:
            diagnostics = self.cache.convert(findings, self.document, True, changes)
            ",".join(self.cache.json_text_for(d) for d in diagnostics)
        else:
            diagnostics = self.cache.convert(findings, self.document, True)
            json.dumps([self.cache.json_for(d) for d in diagnostics])
        return (time.process_time() - start) * 1000

    def edit(self, utf16_range: tuple[int, int, int, int], text: str) -> float:
        start = time.process_time()
        change = self.document.apply_change(utf16_range, text)
        applied = (time.process_time() - start) * 1000
        return applied + self.analyse([change])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def p50_p95(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} / {percentile(values, 0.95):.1f}" if values else "—"


def measure(path: Path, edits: int, pastes: int) -> dict[str, object]:
    editor = Editor(path)
    opened = editor.analyse([])
    lines = editor.text.split("\n")
    code = [n for n, line in enumerate(lines) if line.strip() and not line.rstrip().endswith("\\")]
    step = max(1, len(code) // edits)
    result: dict[str, object] = {"file": path.name, "lines": len(lines), "open": opened}
    one_line = []
    for n in code[::step][:edits]:
        end = len(lines[n])
        one_line.append(editor.edit((n, end, n, end), " "))
        editor.edit((n, end, n, end + 1), "")
    result["one_line"] = one_line
    for size in PASTE_SIZES:
        starts = [n for n in code if n + size < len(lines)]
        stride = max(1, len(starts) // max(pastes, 1))
        samples = []
        for k, n in enumerate(starts[::stride][:pastes]):
            source = starts[(k * 7919 + len(starts) // 2) % len(starts)]
            samples.append(editor.edit((n, 0, n, 0), "\n".join(lines[source : source + size]) + "\n"))
            editor.edit((n, 0, n + size, 0), "")
        result[f"paste_{size}"] = samples
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--pastes", type=int, default=4)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    print(
        "| file | lines | open ms | one-line p50 / p95 | "
        + " | ".join(f"paste {s} p50 / p95" for s in PASTE_SIZES)
        + " |\n|---|---:|---:|---:|"
        + "---:|" * len(PASTE_SIZES),
        flush=True,
    )
    results = []
    for path in args.files:
        r = measure(path, args.edits, args.pastes)
        results.append(r)
        print(
            f"| {r['file']} | {r['lines']:,} | {r['open']:.0f} | {p50_p95(r['one_line'])} | "
            + " | ".join(p50_p95(r[f"paste_{s}"]) for s in PASTE_SIZES)
            + " |",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
