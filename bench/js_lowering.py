"""CPU of lowering every JavaScript / TypeScript unit of a tree into the dataflow IR, and a hash of the IR.

    PYTHONPATH=server .venv/bin/python bench/js_lowering.py TREE [TREE ...] [--runs 3] [--hashes FILE]

Each file is read, parsed and split into its analysis units as ``landguard check`` has them
(``javascript.listed_units``: top-level statements, class members, the parts of split units), untimed;
then every unit is lowered (``javascript._lower``, each unit once, in the engine's order) and only
that is timed (``time.process_time``: CPU, user+sys; the cyclic collector's time lands where it runs,
as it does in a check). ``--runs`` repeats the lowering in fresh documents and prints the median.

The IR is dumped canonically (every field of every IR record, tree-sitter nodes as kind and byte
span, functions by their position in the unit's list, ``extra["outer"]`` likewise) and hashed per
file: ``--hashes FILE`` writes ``path hash`` lines (from the first run), so two checkouts can be
compared file by file (``diff``); the total hash is printed too.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import hashlib
import os
import statistics
import sys
import time

from landguard.dataflow import ir
from landguard.engine.document import Document
from landguard.engine.languages import detect_language
from landguard.languages import javascript

LANGUAGES = {"javascript", "typescript", "tsx"}
SKIP_DIRS = {"node_modules", ".git"}


def files(tree: str) -> list[str]:
    found: list[str] = []
    for root, dirs, names in os.walk(tree):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(names):
            path = os.path.join(root, name)
            if detect_language(path) in LANGUAGES:
                found.append(path)
    return found


def dump(value, functions: dict[int, int], out: list[str]) -> None:
    """``value`` in a canonical text form, appended to ``out``."""
    if isinstance(value, ir.Function):
        index = functions.get(id(value))
        out.append(f"F#{index}" if index is not None else "F?")
        return
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out.append(type(value).__name__ + "(")
        for item in dataclasses.fields(value):
            out.append(item.name + "=")
            dump(getattr(value, item.name), functions, out)
            out.append(",")
        out.append(")")
        return
    if isinstance(value, (tuple, list)):
        out.append("(" if isinstance(value, tuple) else "[")
        for item in value:
            dump(item, functions, out)
            out.append(",")
        out.append(")")
        return
    if isinstance(value, (frozenset, set)):
        out.append("{" + ",".join(sorted(map(repr, value))) + "}")
        return
    if isinstance(value, dict):
        out.append("{")
        for key in sorted(value, key=repr):
            out.append(repr(key) + ":")
            dump(value[key], functions, out)
            out.append(",")
        out.append("}")
        return
    if hasattr(value, "start_byte") and hasattr(value, "type"):  # a tree-sitter node
        out.append(f"<{value.type} {value.start_byte}-{value.end_byte}>")
        return
    out.append(f"{type(value).__name__}:{value!r}")


def dump_function(function: ir.Function, functions: dict[int, int], out: list[str]) -> None:
    out.append(f"F#{functions[id(function)]} ")
    for item in dataclasses.fields(function):
        out.append(item.name + "=")
        dump(getattr(function, item.name), functions, out)
        out.append(";")
    out.append("\n")


def lower_file(path: str, source: str, digest: bool) -> tuple[float, str | None]:
    document = Document(source, path=path)
    order, _places, _texts = javascript.listed_units(document)
    gc.collect()
    start = time.process_time()
    lowered = [javascript._lower(unit, document) for unit in order]
    spent = time.process_time() - start
    if not digest:
        return spent, None
    out: list[str] = []
    for unit, lowering in zip(order, lowered, strict=True):
        out.append(
            f"unit {unit.type} {unit.start_byte}-{unit.end_byte} looked_up={sorted(lowering.looked_up)}\n"
        )
        numbers = {id(function): index for index, function in enumerate(lowering.functions)}
        for function in lowering.functions:
            dump_function(function, numbers, out)
    return spent, hashlib.sha256("".join(out).encode("utf-8", "surrogatepass")).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("trees", nargs="+")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--hashes", help="write each file's IR hash here")
    args = parser.parse_args()
    paths = [path for tree in args.trees for path in files(tree)]
    sources = {}
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as handle:
            sources[path] = handle.read()
    totals: list[float] = []
    hashes: dict[str, str] = {}
    for run in range(args.runs):
        total = 0.0
        for path in paths:
            spent, digest = lower_file(path, sources[path], digest=run == 0)
            total += spent
            if digest is not None:
                hashes[path] = digest
        totals.append(total)
        print(f"run {run + 1}: lowering CPU {total:.3f} s", file=sys.stderr)
    overall = hashlib.sha256("".join(f"{p} {h}\n" for p, h in hashes.items()).encode()).hexdigest()
    if args.hashes:
        with open(args.hashes, "w", encoding="utf-8") as handle:
            handle.writelines(f"{path} {digest}\n" for path, digest in hashes.items())
    runs = ", ".join(f"{t:.3f}" for t in totals)
    print(
        f"{len(paths)} files, lowering CPU median {statistics.median(totals):.3f} s ({runs}), IR hash {overall[:16]}"
    )


if __name__ == "__main__":
    main()
