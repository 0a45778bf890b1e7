"""Where a paste's CPU goes: per paste of ``edit_curve.py`` (the same lines, copied from elsewhere
in the file and pasted at the start of a line), in process, with ``time.process_time``:

- ``parse``: ``Document.apply_change`` (tree-sitter's incremental reparse, error recovery included);
- ``run``: the incremental ``Analysis.run`` after it;
- how many units the code rules rechecked (and their lines), how many units have a cache key
  that is new since the run before, and of those how many only moved in the tree (the same
  text and the same text before it on its line, another parent: error recovery re-parenting);
- ``module key``: whether the code rules' module context key changed (every unit rechecked).

    .venv/bin/python bench/paste_units.py FILE... [--pastes 3] [--sizes 1,10,40,200]
    PYTHONPATH=/path/to/other/checkout/server .venv/bin/python bench/paste_units.py FILE...
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from places import paste_places

from landguard.checks.code_rule import CodeRulesCheck
from landguard.engine.analyze import Analysis
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document

_seen: dict[str, list] = {"checked": [], "module_keys": []}


def _instrument() -> None:
    check_node = CodeRulesCheck.check_node
    module_key = CodeRulesCheck.module_context_key

    def counting(self, unit, document, context):
        _seen["checked"].append(unit.end_point[0] - unit.start_point[0] + 1)
        return check_node(self, unit, document, context)

    def keyed(self, document, context):
        key = module_key(self, document, context)
        _seen["module_keys"].append(hash(repr(key)))
        return key

    CodeRulesCheck.check_node = counting
    CodeRulesCheck.module_context_key = keyed


def survey(path: Path, pastes: int, sizes: list[int]) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    document = Document(text, path=str(path))
    analysis = Analysis(document, Config(dependencies=DependencySettings(online=False)))
    analysis.run()
    for size in sizes:
        for n, _source, block in paste_places(lines, size, pastes):
            before = {key for _, _, key in analysis._units()}  # noqa: SLF001 - a measuring tool
            placed = {(key[1], key[2]) for key in before}
            for seen in _seen.values():
                seen.clear()
            analysis.run()  # the module key as it was
            started = time.process_time()
            change = document.apply_change((n, 0, n, 0), block)
            parsed = time.process_time()
            _seen["checked"].clear()
            after = [key for _, _, key in analysis._units()]  # noqa: SLF001
            new = [key for key in after if key not in before]
            moved = sum(1 for key in new if (key[1], key[2]) in placed)
            ran = time.process_time()
            analysis.run([change])
            done = time.process_time()
            keys = _seen["module_keys"]
            print(
                f"| {path.name} | {size} | {n} | {int(document.tree.root_node.has_error)} | "
                f"{(parsed - started) * 1000:.1f} | {(done - ran) * 1000:.1f} | {len(_seen['checked'])} "
                f"({sum(_seen['checked']):,} lines) | {len(new)} | {moved} | "
                f"{'changed' if len(set(keys)) > 1 else 'same'} |",
                flush=True,
            )
            analysis.run([document.apply_change((n, 0, n + size, 0), "")])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--pastes", type=int, default=3)
    parser.add_argument("--sizes", default="1,10,40,200")
    args = parser.parse_args()
    _instrument()
    print(
        "| file | paste lines | at line | syntax error | parse ms | run ms | units rechecked | new unit keys "
        "| of which only re-parented | module key |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    )
    for path in args.files:
        survey(path, args.pastes, [int(s) for s in args.sizes.split(",")])


if __name__ == "__main__":
    main()
