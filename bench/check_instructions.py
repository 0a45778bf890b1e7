"""Instructions of a whole-tree ``landguard check --no-cache -j 1``, this checkout and a git ref.

    .venv/bin/python bench/check_instructions.py DIR [--before main] [-- CHECK OPTIONS ...]

Options after ``--`` go to both versions' ``landguard check`` (``-- --select LG201,LG202``: the
rules an older build has, so the comparison is of the same work).

CPU time on a shared machine swings by ±15 % and more from one minute to the next; the number of
instructions a run executes does not (``valgrind --tool=callgrind`` counts them whatever else the
machine is doing, where ``perf stat`` has no counters). One process (``-j 1``), so the count is
the whole run's: start-up, every file, the report. Instructions are not time (a cache miss costs
more than an add), so this is for before/after on the same machine, next to ``check_cpu.py``;
a run takes about 50 times as long as without valgrind.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from check_cpu import check_command  # noqa: E402 - the sibling benchmark's command line
from edit_sizes import compiled, export  # noqa: E402 - the sibling benchmark's export of a git ref

_TOTAL = re.compile(rb"^summary:\s+(\d+)", re.MULTILINE)


def _command(tree: Path, options: list[str]) -> list[str]:
    return check_command(tree, "-j", "1", *options)


def instructions_of(server: Path, tree: Path, options: list[str]) -> int:
    env = dict(os.environ, PYTHONPATH=str(server))
    # Once without valgrind first: the export's bytecode and the start-up cache are written then,
    # as they are for any installed build, and not counted.
    subprocess.run(
        _command(tree, options), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "callgrind.out"
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *_command(tree, options)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        found = _TOTAL.search(out.read_bytes())
        if found is None:
            raise SystemExit(f"no instruction total in {out}")
        return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--before", metavar="REF")
    argv = sys.argv[1:]
    options = argv[argv.index("--") + 1 :] if "--" in argv else []
    args = parser.parse_args(argv[: len(argv) - len(options) - (1 if options else 0)])
    versions = {"after": compiled(HERE.parent / "server")}
    if args.before:
        versions = {"before": export(args.before), **versions}
    # Counts do not depend on load: both versions at once, one core each.
    with ThreadPoolExecutor(max_workers=len(versions)) as pool:
        counts = dict(
            zip(
                versions,
                pool.map(lambda s: instructions_of(s, args.tree, options), versions.values()),
                strict=True,
            )
        )
    files = sum(1 for path in args.tree.rglob("*") if path.is_file())
    print(f"| version | instructions ({files} files) |\n|---|---:|")
    for name, count in counts.items():
        print(f"| {name} | {count / 1e9:.3f} G |")
    if "before" in counts:
        print(f"\nafter / before: {counts['after'] / counts['before']:.3f}")


if __name__ == "__main__":
    main()
