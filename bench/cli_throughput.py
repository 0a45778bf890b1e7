"""`landguard check` throughput on CPython's Lib/*.py, side by side with peers in the same run.

Peers: Bandit (Python security patterns) plus `detect-secrets scan` (secrets) — together the
closest equivalent of what Landguard checks in Python files — and Ruff's flake8-bandit rules
(`--select S`) as the speed reference. Each command runs N times over the same copied files;
we report medians and ratios. Landguard runs cold (`--no-cache`) and warm (cache filled).

Usage: python bench/cli_throughput.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

WORK = Path(__file__).parent / ".work" / "cpython-lib"


def prepare() -> int:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    count = 0
    for source in sorted(stdlib.glob("*.py")):
        shutil.copy(source, WORK / source.name)
        count += 1
    return count


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if not found:
        raise SystemExit(f"{name} is not installed in this environment (run `make setup`)")
    return found


def timed(command: list[str], runs: int, before=None) -> float:
    samples = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        subprocess.run(command, cwd=WORK, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    files = prepare()
    # The result cache lives outside the tree; a private one keeps the user's cache out of the numbers.
    cache = Path(tempfile.mkdtemp(prefix="landguard-bench-cache-"))
    os.environ["LANDGUARD_CACHE_DIR"] = str(cache)
    env_offline = ["--offline"]

    def clear_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    landguard_cold = timed(
        [tool("landguard"), "check", ".", "--no-cache", "--fail-on", "never", *env_offline], args.runs
    )
    subprocess.run(
        [tool("landguard"), "check", ".", "--fail-on", "never", *env_offline],
        cwd=WORK,
        stdout=subprocess.DEVNULL,
        check=False,
    )
    landguard_warm = timed([tool("landguard"), "check", ".", "--fail-on", "never", *env_offline], args.runs)
    bandit = timed([tool("bandit"), "-q", "-r", ".", "-f", "json", "-o", os.devnull], args.runs)
    detect_secrets = timed([tool("detect-secrets"), "scan", "--all-files", "."], args.runs)
    ruff = timed([tool("ruff"), "check", "--no-cache", "--select", "S", "--exit-zero", "-q", "."], args.runs)
    clear_cache()

    peers = bandit + detect_secrets
    print(
        f"CPython Lib/*.py: {files} files; median of {args.runs} runs; "
        f"{time.strftime('%Y-%m-%d')}; {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}\n"
    )
    print("| command | median s | vs Bandit + detect-secrets |")
    print("|---|---:|---:|")
    rows = [
        ("landguard check (cold, --no-cache)", landguard_cold),
        ("landguard check (warm cache)", landguard_warm),
        ("bandit -r", bandit),
        ("detect-secrets scan --all-files", detect_secrets),
        ("bandit + detect-secrets", peers),
        ("ruff check --select S (reference)", ruff),
    ]
    for label, seconds in rows:
        print(f"| {label} | {seconds:.2f} | {peers / seconds:.1f}× |")
    print(
        f"\nLandguard cold is {peers / landguard_cold:.1f}× faster than Bandit + detect-secrets (target ≥ 3×)."
    )


if __name__ == "__main__":
    main()
