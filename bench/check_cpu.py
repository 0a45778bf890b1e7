"""CPU time of a whole-tree ``landguard check --no-cache``, this checkout and a git ref, alternating.

    .venv/bin/python bench/check_cpu.py DIR [--before main] [--runs 3]

Each run is its own process (``PYTHONPATH`` picks the version); the CPU time of the process and
its workers (user + system) is taken, since wall clock swings on a shared machine. Prints the
median per version.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from edit_sizes import compiled, export  # noqa: E402 - the sibling benchmark's export of a git ref


def check_command(tree: Path, *options: str) -> list[str]:
    """``landguard check TREE`` as the benchmarks run it (no cache, offline, JSON) with ``options``."""
    return [sys.executable, "-c", "from landguard.cli import main; main()", "check", str(tree)] + [
        "--no-cache",
        "--offline",
        "--fail-on",
        "never",
        "--format",
        "json",
        *options,
    ]


def cpu_of(server: Path, tree: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        check_command(tree),
        check=True,
        stdout=subprocess.DEVNULL,
        env=dict(os.environ, PYTHONPATH=str(server)),
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--before", metavar="REF")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    versions = {"after": compiled(HERE.parent / "server")}
    if args.before:
        versions = {"before": export(args.before), **versions}
    samples: dict[str, list[float]] = {name: [] for name in versions}
    for _ in range(args.runs):
        for name, server in versions.items():
            samples[name].append(cpu_of(server, args.tree))
    files = sum(1 for path in args.tree.rglob("*") if path.is_file())
    print(f"| version | CPU s (median of {args.runs}, {files} files) |\n|---|---:|")
    for name, values in samples.items():
        print(f"| {name} | {statistics.median(values):.2f} |")


if __name__ == "__main__":
    main()
