"""One-line edits and keystroke bursts through two builds of the server, paired (issue #15).

On a shared machine the wall-clock latency of an edit follows the load of the moment, so timing
one build after the other compares two moments, not two builds. This script starts both servers
(this checkout's ``server/`` and ``--base``, e.g. a ``git worktree add /tmp/base main`` export),
opens the same real file in each (``bench/edit_curve.py``'s files) and, at each of ``--places``
lines spread over it, times on one server and then the other (the order flips from place to
place), so each pair of samples saw nearly the same load:

- one-line edit: a space typed at the end of the line, ``publishDiagnostics`` of that version;
- burst: 10 keystrokes 5 ms apart at the end of the line, timed from the last one to its
  ``publishDiagnostics`` (as ``edit_curve.py --bursts``).

Both are undone, unmeasured, before the next place. Per file it prints p50 / p95 of each build
and the median of the paired differences (branch minus base).

    .venv/bin/python bench/burst_pairs.py --base /tmp/base/server [--places 12] [--languages python]
    .venv/bin/python bench/burst_pairs.py --base /tmp/base/server --file some/file.js --json out.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from pathlib import Path

from edit_curve import CAPABILITIES, LANGUAGE_IDS, Session, p50_p95, real_files
from lsp_client import start_server, stop_server
from places import code_lines

HERE = Path(__file__).resolve().parents[1] / "server"


async def _one_line(session: Session, uri: str, line: int, column: int) -> float:
    took = await session.edit(uri, (line, column), (line, column), " ")
    await session.edit(uri, (line, column), (line, column + 1), "")
    return took


async def _burst(session: Session, uri: str, line: int, column: int) -> float:
    for k in range(9):
        session.change(uri, (line, column + k), (line, column + k), "x")
        await asyncio.sleep(0.005)
    took = await session.edit(uri, (line, column + 9), (line, column + 9), "x")
    await session.edit(uri, (line, column), (line, column + 10), "")
    return took


async def measure_file(path: Path, builds: dict[str, str], places: int, pause: float) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    uri = path.with_name("pairs_" + path.name).as_uri()
    sessions: dict[str, Session] = {}
    processes = []
    result: dict[str, object] = {"file": path.name, "lines": len(lines)}
    try:
        for name, pythonpath in builds.items():
            process, client = await start_server(
                path.parent, CAPABILITIES, dict(os.environ, PYTHONPATH=pythonpath)
            )
            processes.append((process, client))
            sessions[name] = Session(client)
            await sessions[name].open(uri, text, LANGUAGE_IDS[path.suffix])
        samples: dict[str, dict[str, list[float]]] = {name: {"one_line": [], "burst": []} for name in builds}
        code = code_lines(lines)
        names = list(builds)
        for k, n in enumerate(code[:: max(1, len(code) // places)][:places]):
            order = names if k % 2 == 0 else names[::-1]
            column = len(lines[n])
            for name in order:
                await asyncio.sleep(pause)
                samples[name]["one_line"].append(await _one_line(sessions[name], uri, n, column))
            for name in order[::-1]:
                await asyncio.sleep(pause)
                samples[name]["burst"].append(await _burst(sessions[name], uri, n, column))
        result.update(samples)
    finally:
        for process, client in processes:
            await stop_server(process, client)
    return result


def _paired(result: dict[str, object], kind: str) -> float:
    """Median of branch minus base over the places, in ms."""
    base, branch = result["base"][kind], result["branch"][kind]  # type: ignore[index]
    return statistics.median(b - a for a, b in zip(base, branch, strict=True)) * 1000


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the other build's server/ folder (its PYTHONPATH)")
    parser.add_argument("--cache", type=Path, default=Path("/work/realworld-cache"))
    parser.add_argument("--languages", default="python,javascript,java")
    parser.add_argument("--places", type=int, default=12)
    parser.add_argument("--pause", type=float, default=0.12, help="seconds before each timed edit")
    parser.add_argument("--file", type=Path, action="append", help="measure these files instead")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    files = real_files(args.cache) if not args.file else {"given": [p.resolve() for p in args.file]}
    languages = ["given"] if args.file else args.languages.split(",")
    builds = {"base": str(Path(args.base).resolve()), "branch": str(HERE)}
    print(f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    print(
        "| file | lines | one-line base | one-line branch | paired Δ p50 | burst base | burst branch | paired Δ p50 |"
    )
    print("|---|---|---|---|---|---|---|---|")
    results = []
    for language in languages:
        for path in files[language]:
            r = await measure_file(path, builds, args.places, args.pause)
            results.append(r)
            print(
                f"| {r['file']} | {r['lines']:,} | {p50_p95(r['base']['one_line'])} | "  # type: ignore[index]
                f"{p50_p95(r['branch']['one_line'])} | {_paired(r, 'one_line'):+.1f} | "  # type: ignore[index]
                f"{p50_p95(r['base']['burst'])} | {p50_p95(r['branch']['burst'])} | "  # type: ignore[index]
                f"{_paired(r, 'burst'):+.1f} |",
                flush=True,
            )
    print(f"load at the end {os.getloadavg()[0]:.1f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    asyncio.run(main())
