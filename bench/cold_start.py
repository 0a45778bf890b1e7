"""Cold process to first diagnostics (issue #15: "first diagnostics <= 300 ms for a 6k-line file,
cold process included").

Two measurements per run, each in a fresh Python process, on CPython's ``_pydecimal.py`` (6.4k
lines, the interpreter's own ``Lib/``) unless ``--file`` names another:

- lsp: spawn ``python -m landguard.lsp`` (``lsp_client.py``), send ``initialize``, ``initialized``
  and ``didOpen`` at once, time until the first ``publishDiagnostics``; also the server's CPU time
  up to then (``/proc/PID/stat``), which load on a shared machine inflates less. ``--conforming``:
  ``initialized`` and ``didOpen`` only once ``initialize`` is answered, as the protocol asks of a
  client (VS Code's and Neovim's wait), and the answer's time too; ``--capabilities full``: the
  client declares every capability (``lsp_client.every_client_capability``), as a full editor
  does, instead of only ``publishDiagnostics.versionSupport``;
- check: ``landguard check --no-cache --offline --jobs 1 FILE``, wall and CPU time (``wait4``).

``--compare DIR`` also runs the version whose ``landguard`` package is in DIR (e.g. a ``git archive
main`` export's ``server/``), interleaved run by run with this one, so both see the same load.
Prints medians of ``--runs`` runs, after one unmeasured run per version that compiles its modules
(``PYTHONDONTWRITEBYTECODE`` is ignored here), as an installed Landguard has them compiled; it then
checks that every module the server's path loads has current bytecode, and stops if one has not
(``require_compiled``: a module compiled again by each measured process would be counted).

    .venv/bin/python bench/cold_start.py [--runs 7] [--compare /tmp/main-export/server] [--file F]
    .venv/bin/python bench/cold_start.py --conforming --capabilities full   # as an editor starts it
    .venv/bin/python bench/cold_start.py --breakdown [--runs 7] [--compare DIR]   # where the CPU goes, step by step
    .venv/bin/python bench/cold_start.py --instructions [--compare DIR]   # the same, instructions (valgrind)
    LANDGUARD_NO_CODE_CACHE=1 .venv/bin/python bench/cold_start.py --breakdown   # without lsp/generated_code.py
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from lsp_client import cpu_seconds, every_client_capability, initialize_params, spawn_server

# The `landguard` console script, run by this interpreter so PYTHONPATH picks the version.
CLI = "import sys; from landguard.cli import main; sys.exit(main())"


def _env(pythonpath: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    # An installed Landguard has its modules compiled (pip compiles them): "cold" is a fresh
    # process, not a first run that compiles every module (``__pycache__`` is ignored by git).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    # Each version its own start-up caches (warm after the unmeasured run): versions or other
    # checkouts sharing one folder drop each other's files (one installation keeps one file).
    digest = hashlib.sha256(f"{pythonpath}\0{Path(__file__).resolve()}".encode()).hexdigest()[:10]
    env.setdefault("LANDGUARD_CACHE_DIR", str(Path(tempfile.gettempdir()) / f"landguard-cold-start-{digest}"))
    env["LANDGUARD_LSP_DEBOUNCE_MS"] = "0"
    return env


# The languageId an editor sends with ``didOpen`` (``--file`` may be JavaScript or Java).
LANGUAGE_IDS = {".py": "python", ".js": "javascript", ".ts": "typescript", ".java": "java"}

MINIMAL_CAPABILITIES = {"textDocument": {"publishDiagnostics": {"versionSupport": True}}}


def lsp_first_diagnostics(
    path: Path, pythonpath: str | None, capabilities: dict, conforming: bool = False
) -> tuple[float, float, float]:
    """Seconds (wall, server CPU) from spawning the server to the file's first diagnostics, and
    to the ``initialize`` answer (``nan`` unless ``conforming``: the answer is not waited for)."""
    return asyncio.run(_first_diagnostics(path, pythonpath, capabilities, conforming))


async def _first_diagnostics(
    path: Path, pythonpath: str | None, capabilities: dict, conforming: bool
) -> tuple[float, float, float]:
    text = path.read_text(encoding="utf-8")
    uri = path.with_name("cold_" + path.name).as_uri()
    started = time.perf_counter()
    process, client = await spawn_server(_env(pythonpath))
    try:
        answered = float("nan")
        if conforming:
            await client.request(0, "initialize", initialize_params(path.parent, capabilities))
            answered = time.perf_counter() - started
        else:  # all three at once, without waiting for the answer
            client.send(id=0, method="initialize", params=initialize_params(path.parent, capabilities))
        client.send(method="initialized", params={})
        first = client.expect(uri, 1)
        client.did_open(uri, text, LANGUAGE_IDS.get(path.suffix, "plaintext"))
        arrived, _ = await asyncio.wait_for(first, 120)
        return arrived - started, cpu_seconds(process.pid), answered
    finally:
        process.kill()
        await process.wait()


def check_one_file(path: Path, pythonpath: str | None) -> tuple[float, float]:
    """Seconds (wall, CPU) of ``landguard check`` of one file in a fresh process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", CLI, "check", "--no-cache", "--offline", "--jobs", "1", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_env(pythonpath),
    )
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise RuntimeError(f"landguard check exited {process.returncode}")
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


# The server's path to its first diagnostics, step by step, in one fresh process (CPU, ms).
BREAKDOWN = """
import json, sys, time
clock = time.process_time
steps, last = [], clock()
def step(name):
    global last
    now = clock(); steps.append((name, (now - last) * 1000)); last = now
    if len(sys.argv) > 3 and len(steps) == int(sys.argv[3]):  # --instructions: stop here
        print(json.dumps(steps)); sys.exit(0)
import contextlib
try:  # as ``python -m landguard.lsp`` starts (``landguard.startup``; older versions have none)
    from landguard import startup
    startup.begin(); loading = startup.loading
except ImportError:
    loading = contextlib.nullcontext
step("import landguard; startup (GC held, regex cache loaded)")
with loading():
    from landguard.lsp import generated_code
    generated_code.install(); step("import logging, hashlib; load the generated-code cache")
    try:  # lsprotocol's classes created on first use (older versions have none)
        from landguard.lsp import lazy_types
        lazy_types.install()
    except ImportError:
        pass
    import lsprotocol.types; step("import lsprotocol.types")
    import pygls.lsp.server; step("import pygls (rest), cattrs")
    import landguard.lsp.server as server; step("import landguard.lsp.server (ours)")
    built = server.build_server(); step("build_server (pygls converter, features)")
    from landguard.engine import registry
    from landguard.engine.languages import detect_language
    language = detect_language(sys.argv[1])
    if hasattr(registry, "checks_for"):  # the common checks and the file's language's only
        registry.checks_for(language)
    else:  # older versions load every language's
        registry.all_checks()
    step("load the checks (rule modules, regexes, TOML models, grammars)")
import asyncio
class _Writer:
    def write(self, data):
        pass
built.protocol.set_writer(_Writer())
async def _initialize():  # as pygls receives it: structure the params, build and serialise the answer
    built.protocol.receive({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "processId": None, "rootUri": None, "capabilities": json.loads(sys.argv[2]),
        "initializationOptions": {"dependencies": {"online": False}}}})
    for _ in range(5):
        await asyncio.sleep(0)
asyncio.run(_initialize()); step("initialize (pygls: structure the params, answer the capabilities)")
from landguard.engine.analyze import Analysis
from landguard.engine.config import Config
from landguard.engine.document import Document
text = open(sys.argv[1], encoding="utf-8").read()
document = Document(text, path="/tmp/cold/" + sys.argv[1].rsplit("/", 1)[-1])
document.tree; step("Document: lines, UTF-8, tree-sitter parse")
findings = Analysis(document, Config()).run(); step("first analysis")
from landguard.lsp.convert import DiagnosticCache
DiagnosticCache().convert(findings, document, True, []); step("convert to diagnostics")
print(json.dumps(steps))
generated_code.save()  # after measuring, as the server does: warm for the next process
if loading is not contextlib.nullcontext:
    startup.loaded()
"""


# The modules the server's path loads whose bytecode is missing or older than their source (pyc
# header: flags, source mtime, source size). Run after a version's unmeasured run, which writes
# bytecode where it may: a module left uncompiled (a read-only folder, a source newer than its
# pyc and no write) is compiled again by every measured process, ~0.3 s of CPU for the whole
# server, and would be counted as start-up.
STALE_BYTECODE = """
import importlib.util, json, os, sys
from landguard.lsp import generated_code
import landguard.lsp.server
from landguard.engine.analyze import Analysis
from landguard.engine.config import Config
from landguard.engine.document import Document
text = open(sys.argv[1], encoding="utf-8").read()
Analysis(Document(text, path="/tmp/cold/" + os.path.basename(sys.argv[1])), Config()).run()
import landguard.cli
stale = []
for module in list(sys.modules.values()):
    source = getattr(module, "__file__", None)
    if not source or not source.endswith(".py") or getattr(module, "__cached__", None) is None:
        continue
    try:
        status = os.stat(source)
        with open(importlib.util.cache_from_source(source), "rb") as handle:
            header = handle.read(16)
    except OSError:
        stale.append(source)
        continue
    if int.from_bytes(header[4:8], "little") & 1:  # hash-based pyc: checked by its own rule
        continue
    if (int.from_bytes(header[8:12], "little"), int.from_bytes(header[12:16], "little")) != (
        int(status.st_mtime) & 0xFFFFFFFF, status.st_size & 0xFFFFFFFF
    ):
        stale.append(source)
print(json.dumps(stale))
"""


def require_compiled(path: Path, pythonpath: str | None) -> None:
    """Fail unless every module the server's path loads has current bytecode (see above)."""
    result = subprocess.run(
        [sys.executable, "-c", STALE_BYTECODE, str(path)],
        capture_output=True,
        text=True,
        env=_env(pythonpath),
        check=True,
    )
    stale = json.loads(result.stdout.splitlines()[-1])
    if stale:
        raise SystemExit(
            f"{len(stale)} modules without current bytecode ({pythonpath or 'this version'}), e.g."
            f" {stale[:3]}: run `python -m compileall -q` on their folders (or make them writable) first"
        )


def breakdown(path: Path, runs: int, versions: dict[str, str | None], capabilities: dict) -> None:
    """Medians of the in-process steps, and of a bare interpreter's start (``python -c pass``),
    per version (interleaved run by run)."""
    samples: dict[str, dict[str, list[float]]] = {name: {} for name in versions}
    for run in range(runs + 1):  # the first run writes bytecode and the caches; not counted
        for name, pythonpath in versions.items():
            process = subprocess.Popen(
                [sys.executable, "-c", "pass"], stdout=subprocess.DEVNULL, env=_env(pythonpath)
            )
            usage = os.wait4(process.pid, 0)[2]
            process.returncode = 0
            result = subprocess.run(
                [sys.executable, "-c", BREAKDOWN, str(path), json.dumps(capabilities)],
                capture_output=True,
                text=True,
                env=_env(pythonpath),
            )
            if result.returncode != 0:
                raise RuntimeError(result.stderr[-2000:])
            if run == 0:
                require_compiled(path, pythonpath)
                continue
            steps = samples[name]
            steps.setdefault("interpreter start (python -c pass)", []).append(
                (usage.ru_utime + usage.ru_stime) * 1000
            )
            for step, ms in json.loads(result.stdout):
                steps.setdefault(step, []).append(ms)
    print(f"{path.name}: the server's path to first diagnostics, CPU ms, median of {runs} fresh processes")
    print("| step | " + " | ".join(versions) + " |")
    print("|---|" + "---:|" * len(versions))
    names = list(dict.fromkeys(step for steps in samples.values() for step in steps))
    for step in names:
        cells = [
            f"{statistics.median(samples[v][step]):.0f}" if step in samples[v] else "-" for v in versions
        ]
        print(f"| {step} | " + " | ".join(cells) + " |")
    totals = [sum(statistics.median(values) for values in samples[v].values()) for v in versions]
    print("| total | " + " | ".join(f"{t:.0f}" for t in totals) + " |")


# --instructions: the process stops after these steps of BREAKDOWN (1-based), each prefix run
# under valgrind; a segment's count is the difference of two prefixes'.
INSTRUCTION_CUTS = {
    4: "interpreter, startup, generated-code cache, lsprotocol.types, pygls, cattrs",
    6: "landguard.lsp.server imported, build_server",
    7: "load the checks",
    8: "initialize (full capabilities)",
    10: "Document (tree-sitter parse) and first analysis",
}


def instruction_count(argv: list[str], pythonpath: str | None) -> int:
    """Instructions a process executes (``valgrind --tool=cachegrind --cache-sim=no``: exact and
    the same under any load, unlike CPU time; a fixed hash seed so dict and set orders repeat)."""
    env = {**_env(pythonpath), "PYTHONHASHSEED": "0"}
    result = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", *argv],
        capture_output=True,
        text=True,
        env=env,
    )
    for line in result.stderr.splitlines():
        if "I" in line and "refs:" in line:
            return int(line.rsplit(":", 1)[1].replace(",", "").strip())
    raise RuntimeError(result.stderr[-2000:])


def instructions(path: Path, versions: dict[str, str | None], capabilities: dict) -> None:
    """Instruction counts of the server's path to first diagnostics, by segment, per version."""
    counts: dict[str, dict[str, int]] = {name: {} for name in versions}
    for pythonpath in versions.values():  # unmeasured: bytecode and caches written
        subprocess.run(
            [sys.executable, "-c", BREAKDOWN, str(path), json.dumps(capabilities)],
            capture_output=True,
            env=_env(pythonpath),
            check=True,
        )
        require_compiled(path, pythonpath)
    for name, pythonpath in versions.items():
        counts[name]["interpreter start (python -c pass)"] = instruction_count(
            [sys.executable, "-c", "pass"], pythonpath
        )
        previous = 0
        for cut, label in INSTRUCTION_CUTS.items():
            total = instruction_count(
                [sys.executable, "-c", BREAKDOWN, str(path), json.dumps(capabilities), str(cut)], pythonpath
            )
            counts[name][label] = total - previous
            previous = total
    print(f"{path.name}: instructions (millions) of the server's path to first diagnostics, by segment")
    print("| segment | " + " | ".join(versions) + " |")
    print("|---|" + "---:|" * len(versions))
    for label in counts[next(iter(versions))]:
        print(f"| {label} | " + " | ".join(f"{counts[v][label] / 1e6:,.0f}" for v in versions) + " |")
    totals = [sum(counts[v].values()) - counts[v]["interpreter start (python -c pass)"] for v in versions]
    print(
        "| total (the first segment includes the interpreter's start) | "
        + " | ".join(f"{t / 1e6:,.0f}" for t in totals)
        + " |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--compare", help="PYTHONPATH of another version (e.g. /tmp/main-export/server)")
    parser.add_argument("--file", type=Path, default=Path(sysconfig.get_paths()["stdlib"]) / "_pydecimal.py")
    parser.add_argument(
        "--breakdown", action="store_true", help="only the step-by-step CPU of the server's path"
    )
    parser.add_argument(
        "--conforming", action="store_true", help="didOpen only after the initialize answer, as editors do"
    )
    parser.add_argument("--capabilities", choices=("minimal", "full"), default="minimal")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="instruction counts by segment (valgrind; exact under load)",
    )
    args = parser.parse_args()
    capabilities = every_client_capability() if args.capabilities == "full" else MINIMAL_CAPABILITIES
    # "this" is this checkout's package, not whatever the interpreter has installed (a worktree
    # run with another checkout's venv would otherwise measure that checkout's editable install).
    this = str(Path(__file__).resolve().parents[1] / "server")
    versions: dict[str, str | None] = {"this": this}
    if args.compare:
        versions = {"compare": args.compare, "this": this}
    if args.breakdown:
        breakdown(args.file, args.runs, versions, capabilities)
        return
    if args.instructions:
        instructions(args.file, versions, capabilities)
        return

    def open_file(pythonpath: str | None) -> tuple[float, float, float]:
        return lsp_first_diagnostics(args.file, pythonpath, capabilities, args.conforming)

    samples: dict[tuple[str, str], list[tuple[float, ...]]] = {}
    for pythonpath in versions.values():  # unmeasured: writes each version's bytecode
        open_file(pythonpath)
        check_one_file(args.file, pythonpath)
        require_compiled(args.file, pythonpath)
    for _ in range(args.runs):
        for name, pythonpath in versions.items():
            samples.setdefault((name, "lsp"), []).append(open_file(pythonpath))
            samples.setdefault((name, "check"), []).append(check_one_file(args.file, pythonpath))
    lines = len(args.file.read_text(encoding="utf-8").splitlines())
    client = "conforming client" if args.conforming else "all three messages at once"
    print(
        f"{args.file.name}, {lines:,} lines; {client}, {args.capabilities} capabilities;"
        f" median of {args.runs} runs, ms (wall / CPU)"
    )
    answer = " | initialize answered (wall)" if args.conforming else ""
    print(f"| version | lsp spawn -> first diagnostics{answer} | landguard check FILE |")
    print("|---|---|---|" + "---|" * bool(answer))
    for name in versions:
        cells = []
        for kind in ("lsp", "check"):
            runs = samples[(name, kind)]
            wall = statistics.median(run[0] for run in runs) * 1000
            cpu = statistics.median(run[1] for run in runs) * 1000
            cells.append(f"{wall:.0f} / {cpu:.0f}")
            if kind == "lsp" and args.conforming:
                cells.append(f"{statistics.median(run[2] for run in runs) * 1000:.0f}")
        print(f"| {name} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
