"""`landguard check` over whole real trees, side by side with peers in the same run.

Corpora (pinned, fetched through the registries once, cached outside the repository in
``$LANDGUARD_REALWORLD_CACHE``, default ``/work/realworld-cache``; never committed):

- ``cpython``: all of CPython's ``Lib/`` (recursively, tests included) as Debian ships it in
  ``libpython3.11-minimal``, ``libpython3.11-stdlib`` and ``libpython3.11-testsuite`` 3.11.2.
- ``webpack``: the ``webpack`` 5.95.0 npm package (``lib/``, ``hot/``, ``schemas/``...), a large
  hand-written JavaScript code base.

Peers: Bandit (Python security patterns) plus ``detect-secrets scan`` (secrets) — together the
closest equivalent of what Landguard checks — and Ruff's flake8-bandit rules (``--select S``) as
the speed reference of a native tool. Semgrep installs from PyPI but its rule packs come from its
own service, which this workplace cannot reach; ``--semgrep-config RULES.yml`` adds it with a
local rules file. Landguard runs cold (``--no-cache``) and warm (its cache filled), with
``--before DIR`` also an older checkout's ``server/`` (e.g. ``git archive main``) in the same run.

Every command runs ``--runs`` times; the table has medians of wall-clock time and of CPU time
(user + system of the command and its workers: the shared machine's load swings wall-clock, CPU
time much less) and lines per second per core (lines of the corpus's code files / CPU seconds).

Usage: python bench/cli_throughput.py [--runs 3] [--corpus cpython,webpack] [--before DIR]
(``make bench-tools`` installs the peers; ``make cli-bench`` runs this.)
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

CACHE = Path(os.environ.get("LANDGUARD_REALWORLD_CACHE", "/work/realworld-cache"))
DEBIAN_PYTHON = "3.11.2-6+deb12u9"
WEBPACK = "5.95.0"


@dataclass
class Corpus:
    name: str
    root: Path
    suffixes: tuple[str, ...]  # the code files whose lines are counted

    def lines(self) -> tuple[int, int]:
        files = lines = 0
        for path in self.root.rglob("*"):
            if path.suffix in self.suffixes and path.is_file() and not path.is_symlink():
                files += 1
                lines += path.read_bytes().count(b"\n")
        return files, lines


def _run(command: list[str], cwd: Path) -> None:
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def fetch_cpython() -> Path:
    target = CACHE / "src" / "cpython-Lib-3.11.2"
    if target.is_dir():
        return target
    downloads = CACHE / "dl" / "debian"
    downloads.mkdir(parents=True, exist_ok=True)
    packages = ["libpython3.11-minimal", "libpython3.11-stdlib", "libpython3.11-testsuite"]
    _run(["apt-get", "download", *(f"{name}={DEBIAN_PYTHON}" for name in packages)], downloads)
    staging = Path(tempfile.mkdtemp(prefix="cpython-lib-"))
    for deb in downloads.glob(f"libpython3.11-*_{DEBIAN_PYTHON.replace(':', '%3a')}_*.deb"):
        _run(["dpkg-deb", "-x", str(deb), str(staging)], downloads)
    shutil.copytree(staging / "usr" / "lib" / "python3.11", target, symlinks=True)
    shutil.rmtree(staging)
    for path in list(target.rglob("*")):
        if path.is_symlink():  # Debian's links into /usr/lib/x86_64-linux-gnu: not part of Lib/
            path.unlink()
    return target


def fetch_webpack() -> Path:
    target = CACHE / "src" / f"webpack-{WEBPACK}"
    if target.is_dir():
        return target
    downloads = CACHE / "dl" / "npm"
    downloads.mkdir(parents=True, exist_ok=True)
    archive = downloads / f"webpack-{WEBPACK}.tgz"
    if not archive.exists():
        _run(["npm", "pack", "--silent", f"webpack@{WEBPACK}"], downloads)
    target.mkdir(parents=True)
    _run(["tar", "xzf", str(archive), "-C", str(target), "--strip-components=1"], downloads)
    return target


CORPORA = {
    "cpython": lambda: Corpus("CPython 3.11.2 Lib/ (recursive)", fetch_cpython(), (".py",)),
    "webpack": lambda: Corpus(f"webpack {WEBPACK} (npm package)", fetch_webpack(), (".js", ".mjs", ".cjs")),
}


def tool(name: str) -> str | None:
    return shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], cwd: Path, runs: int, env: dict[str, str] | None = None) -> tuple[float, float]:
    """(median wall seconds, median CPU seconds) of ``command`` over ``runs`` runs."""
    walls, cpus = [], []
    for _ in range(runs):
        cpu, start = _children_cpu(), time.perf_counter()
        subprocess.run(
            command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env
        )
        walls.append(time.perf_counter() - start)
        cpus.append(_children_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def landguard_rows(label: str, command: list[str], corpus: Corpus, runs: int, env: dict[str, str]):
    check = [*command, "check", ".", "--fail-on", "never", "--offline"]
    cold = timed([*check, "--no-cache"], corpus.root, runs, env)
    subprocess.run(check, cwd=corpus.root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    warm = timed(check, corpus.root, runs, env)
    return [(f"{label} (cold, --no-cache)", cold), (f"{label} (warm cache)", warm)]


def bench_corpus(corpus: Corpus, args: argparse.Namespace) -> None:
    files, lines = corpus.lines()
    cache = Path(tempfile.mkdtemp(prefix="landguard-bench-cache-"))  # keeps the user's cache out
    env = {**os.environ, "LANDGUARD_CACHE_DIR": str(cache)}
    # As installed tools run: with their bytecode cached (pip compiles it), not compiled on every start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    rows: list[tuple[str, tuple[float, float]]] = []
    landguard = tool("landguard")
    if landguard is None:
        raise SystemExit("landguard is not installed in this environment (run `make setup`)")
    if args.before:
        before_env = {**env, "PYTHONPATH": str(Path(args.before, "server").resolve())}
        before = landguard_rows(
            "landguard before", [sys.executable, "-P", "-m", "landguard.cli"], corpus, args.runs, before_env
        )
        rows += before
        shutil.rmtree(cache, ignore_errors=True)
    rows += landguard_rows("landguard", [landguard], corpus, args.runs, env)
    shutil.rmtree(cache, ignore_errors=True)
    peers: dict[str, tuple[float, float]] = {}
    commands = {
        "bandit -r": ["bandit", "-q", "-r", ".", "-f", "json", "-o", os.devnull],
        "detect-secrets scan --all-files": ["detect-secrets", "scan", "--all-files", "."],
        "ruff check --select S (reference)": ["ruff", "check", "--no-cache", "--select", "S", "--exit-zero", "-q", "."],
    }  # fmt: skip
    if args.semgrep_config:
        commands["semgrep scan (local rules)"] = [
            "semgrep", "scan", "--metrics", "off", "--config", str(Path(args.semgrep_config).resolve()), "-q", ".",
        ]  # fmt: skip
    for label, command in commands.items():
        found = tool(command[0])
        if found is None:
            print(f"({command[0]} not installed: `make bench-tools`)", file=sys.stderr)
            continue
        peers[label] = timed([found, *command[1:]], corpus.root, args.runs)
    pair = ("bandit -r", "detect-secrets scan --all-files")
    if all(p in peers for p in pair):
        peers["bandit + detect-secrets"] = (
            peers[pair[0]][0] + peers[pair[1]][0],
            peers[pair[0]][1] + peers[pair[1]][1],
        )
    rows += list(peers.items())
    reference = peers.get("bandit + detect-secrets")

    print(
        f"\n### {corpus.name}: {files:,} code files, {lines:,} lines\n\n"
        f"Median of {args.runs} runs; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"{platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end, "
        f"Python {platform.python_version()}\n"
    )
    print("| command | wall s | CPU s | vs Bandit + detect-secrets (wall / CPU) | lines/s/core |")
    print("|---|---:|---:|---:|---:|")
    for label, (wall, cpu) in rows:
        ratio = f"{reference[0] / wall:.1f}× / {reference[1] / cpu:.1f}×" if reference else "-"
        print(f"| {label} | {wall:.2f} | {cpu:.2f} | {ratio} | {lines / cpu:,.0f} |")
    ruff = peers.get("ruff check --select S (reference)")
    cold = dict(rows).get("landguard (cold, --no-cache)")
    if ruff and cold:
        print(f"\nRuff --select S is {cold[0] / ruff[0]:.1f}× faster (wall), {cold[1] / ruff[1]:.1f}× (CPU).")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", default="cpython,webpack", help="comma-separated: " + ", ".join(CORPORA))
    parser.add_argument("--before", metavar="DIR", help="also run the landguard of DIR/server (PYTHONPATH)")
    parser.add_argument(
        "--semgrep-config", metavar="RULES", help="also run semgrep with this local rules file"
    )
    args = parser.parse_args()
    for name in args.corpus.split(","):
        bench_corpus(CORPORA[name.strip()](), args)


if __name__ == "__main__":
    main()
