"""Per-edit CPU time on a .vue component vs the same script as a .js file (issue #10).

    .venv/bin/python bench/vue_edit.py [--functions 150] [--edits 40]

The component is a template (with v-html bindings) plus a <script> of N functions; the .js file
is the same script alone. Each edit types one character inside a function body and re-runs the
incremental analysis; the median process_time per edit is printed for both.
"""

from __future__ import annotations

import argparse
import statistics
import time

from landguard.engine.analyze import Analysis
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document


def script(functions: int) -> str:
    body = [
        f"  f{n}(req) {{\n    const value = req.query.v{n} || '';\n"
        f"    document.getElementById('o{n}').textContent = 'item ' + value;\n    return value;\n  }},\n"
        for n in range(functions)
    ]
    return "export default {\n  methods: {\n" + "".join(body) + "  },\n};\n"


def template(functions: int) -> str:
    rows = "".join(f'    <li :id="\'o{n}\'" v-html="items[{n}]"></li>\n' for n in range(0, functions, 10))
    return f"<template>\n  <ul>\n{rows}  </ul>\n</template>\n\n"


def measure(text: str, path: str, edits: int) -> float:
    config = Config(dependencies=DependencySettings(online=False), test_paths=())
    document = Document(text, path=path)
    analysis = Analysis(document, config)
    analysis.run()
    lines = document.lines
    targets = [n for n, line in enumerate(lines) if "const value" in line]
    samples = []
    for i in range(edits):
        line = targets[(i * 7) % len(targets)]
        col = len(document.lines[line]) - 1  # before the ';'
        start = time.process_time()
        change = document.apply_change((line, col, line, col), "x")
        analysis.run([change])
        samples.append(time.process_time() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--functions", type=int, default=150)
    parser.add_argument("--edits", type=int, default=40)
    args = parser.parse_args()
    code = script(args.functions)
    component = template(args.functions) + "<script>\n" + code + "</script>\n"
    js = measure(code, "bench.js", args.edits)
    vue = measure(component, "Bench.vue", args.edits)
    print(f"{len(code.splitlines())} script lines; {len(component.splitlines())} component lines")
    print(f"median CPU per edit: .js {js:.2f} ms, .vue {vue:.2f} ms")


if __name__ == "__main__":
    main()
