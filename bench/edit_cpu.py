"""CPU time of the per-edit work, in process (no LSP transport, no scheduling), against file size
and paste size.

On a shared machine wall-clock latency (``lsp_latency.py``, ``edit_curve.py``) swings with other
people's work; this measures with ``time.process_time``: open a file, then type a space at
``--edits`` places spread over it, and paste 1, 10, 40 and 200 lines (copied from elsewhere in the
file) ``--pastes`` times each, every edit followed by an incremental ``Analysis.run`` and the
conversion of its findings to LSP diagnostics with their JSON (what the server does before
publishing). Each paste is removed again, unmeasured.

    .venv/bin/python bench/edit_cpu.py FILE... [--edits 30] [--pastes 4] [--server-gc]
    PYTHONPATH=/path/to/other/checkout/server .venv/bin/python bench/edit_cpu.py FILE...   # compare

Prints, per file, the open cost and p50 / p95 of each kind of edit, in milliseconds of CPU, and
the garbage collector's share of the one-line edits (collections of each generation and their CPU
per edit: a full pass over a heap holding a 20,000-line file's trees and IR is what the tail of
the one-line p95 often is). ``--server-gc`` collects as the language server does
(``lsp/gc_policy.py``): young collections every 5,000 allocations and what is alive after the open
frozen, so the edits' numbers hold no full pass over the open file's objects.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
from pathlib import Path

from places import code_lines, paste_places

from landguard.engine.analyze import Analysis
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard.lsp.convert import DiagnosticCache

PASTE_SIZES = (1, 10, 40, 200)


class CollectorTime:
    """Collections per generation and the CPU they took, while ``counting`` (``gc.callbacks``)."""

    def __init__(self) -> None:
        self.counting = False
        self.collections = [0, 0, 0]
        self.seconds = 0.0
        self._started = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if not self.counting:
            return
        if phase == "start":
            self._started = time.process_time()
        else:
            self.collections[info["generation"]] += 1
            self.seconds += time.process_time() - self._started


COLLECTOR = CollectorTime()


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


def measure(path: Path, edits: int, pastes: int, server_gc: bool = False) -> dict[str, object]:
    editor = Editor(path)
    opened = editor.analyse([])
    if server_gc:
        gc.collect()
        gc.freeze()
    lines = editor.text.split("\n")
    code = code_lines(lines)
    step = max(1, len(code) // edits)
    result: dict[str, object] = {"file": path.name, "lines": len(lines), "open": opened}
    one_line = []
    COLLECTOR.collections, COLLECTOR.seconds = [0, 0, 0], 0.0
    for n in code[::step][:edits]:
        end = len(lines[n])
        COLLECTOR.counting = True
        one_line.append(editor.edit((n, end, n, end), " "))
        COLLECTOR.counting = False
        editor.edit((n, end, n, end + 1), "")
    result["one_line"] = one_line
    count = max(len(one_line), 1)
    result["gc"] = {
        "collections_per_edit": [round(c / count, 2) for c in COLLECTOR.collections],
        "ms_per_edit": round(COLLECTOR.seconds * 1000 / count, 2),
    }
    for size in PASTE_SIZES:
        samples = []
        for n, _source, block in paste_places(lines, size, pastes):
            samples.append(editor.edit((n, 0, n, 0), block))
            editor.edit((n, 0, n + size, 0), "")
        result[f"paste_{size}"] = samples
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--pastes", type=int, default=4)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--server-gc", action="store_true", help="collect as the language server does")
    args = parser.parse_args()
    if args.server_gc:
        from landguard.lsp.gc_policy import YOUNG_THRESHOLD

        gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    print(
        "| file | lines | open ms | one-line p50 / p95 | "
        + " | ".join(f"paste {s} p50 / p95" for s in PASTE_SIZES)
        + " | one-line GC ms/edit (gen 0/1/2 per edit) |\n|---|---:|---:|---:|"
        + "---:|" * (len(PASTE_SIZES) + 1),
        flush=True,
    )
    results = []
    for path in args.files:
        r = measure(path, args.edits, args.pastes, args.server_gc)
        results.append(r)
        print(
            f"| {r['file']} | {r['lines']:,} | {r['open']:.0f} | {p50_p95(r['one_line'])} | "
            + " | ".join(p50_p95(r[f"paste_{s}"]) for s in PASTE_SIZES)
            + f" | {r['gc']['ms_per_edit']:.1f} ({'/'.join(f'{c:g}' for c in r['gc']['collections_per_edit'])}) |",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
