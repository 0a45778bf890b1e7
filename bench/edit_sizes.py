"""CPU per one-line edit on real 1k / 6k / 20k-line files of each language, before and after.

One command produces the table of issue #9's latency target (one-line p95 <= 50 ms at every
size, every language)::

    .venv/bin/python bench/edit_sizes.py                  # this checkout only
    .venv/bin/python bench/edit_sizes.py --before main    # and `git archive main`, same run, alternating
    .venv/bin/python bench/edit_sizes.py --before main --paste 40 --file A.js --file B.js   # any files

Each measurement runs in its own process (``PYTHONPATH`` picks the version): open the file in an
``Analysis`` (every check, dependencies offline), then type a space at the end of ``--edits``
non-blank lines spread over the file, each followed by an incremental ``Analysis.run`` (measured
with ``time.process_time``: the machine is shared, CPU time is steadier than wall clock) and
undone (not measured). Files are real code, pinned, fetched through the registries' ordinary
clients and cached outside the repository (``LANDGUARD_REALWORLD_CACHE``, default
``/work/realworld-cache``): CPython 3.11's ``Lib/`` (Debian ``libpython3.11-stdlib``), moto's
generated ANTLR parser (PyPI, the only ~20k-line Python module at hand), js-yaml, acorn and lodash
(``npm pack``) and JDK 17 classes (Debian ``openjdk-17-source``; no JDK class reaches 20k lines,
the largest with methods is 10k).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("LANDGUARD_REALWORLD_CACHE", "/work/realworld-cache"))
WORK = CACHE / "bench-edit"

# (language, size, label, where it comes from, path inside)
FILES = [
    ("Python", "1k", "smtplib.py", "cpython", "smtplib.py"),
    ("Python", "6k", "_pydecimal.py", "cpython", "_pydecimal.py"),
    (
        "Python",
        "20k",
        "ASLParser.py (moto 5.0.28)",
        "moto",
        "moto/stepfunctions/parser/asl/antlr/runtime/ASLParser.py",
    ),
    ("JavaScript", "1k", "dumper.js (js-yaml 4.1.0)", "js-yaml-4.1.0", "package/lib/dumper.js"),
    ("JavaScript", "6k", "acorn.js (acorn 8.14.0)", "acorn-8.14.0", "package/dist/acorn.js"),
    ("JavaScript", "20k", "lodash.js (lodash 4.17.21)", "lodash-4.17.21", "package/lodash.js"),
    ("Java", "1k", "HttpCookie.java", "jdk", "java.base/java/net/HttpCookie.java"),
    ("Java", "6k", "ConcurrentHashMap.java", "jdk", "java.base/java/util/concurrent/ConcurrentHashMap.java"),
    ("Java", "10k", "CachedRowSetImpl.java", "jdk", "java.sql.rowset/com/sun/rowset/CachedRowSetImpl.java"),
]


def _run(command: list[str], cwd: Path | None = None) -> None:
    subprocess.run(command, check=True, cwd=cwd, stdout=subprocess.DEVNULL)


def fetch(origin: str, inner: str) -> Path:
    """The file, fetched and unpacked into the cache when missing."""
    target = WORK / origin / inner
    if target.exists():
        return target
    (WORK / origin).mkdir(parents=True, exist_ok=True)
    downloads = CACHE / "dl"
    if origin == "cpython":
        source = CACHE / "src" / "cpython-Lib-3.11.2" / inner
        if not source.exists():
            deb = downloads / "debian" / "libpython3.11-stdlib_3.11.2-6+deb12u9_amd64.deb"
            if not deb.exists():
                deb.parent.mkdir(parents=True, exist_ok=True)
                _run(["apt-get", "download", "libpython3.11-stdlib=3.11.2-6+deb12u9"], cwd=deb.parent)
            with tempfile.TemporaryDirectory() as tmp:
                _run(["dpkg-deb", "-x", str(deb), tmp])
                source = Path(tmp) / "usr/lib/python3.11" / inner
                target.write_bytes(source.read_bytes())
                return target
        target.write_bytes(source.read_bytes())
    elif origin == "moto":
        wheel = downloads / "pypi" / "moto-5.0.28-py3-none-any.whl"
        if not wheel.exists():
            wheel.parent.mkdir(parents=True, exist_ok=True)
            _run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "moto==5.0.28",
                    "--no-deps",
                    "-d",
                    str(wheel.parent),
                ]
            )
        with zipfile.ZipFile(wheel) as archive:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(inner))
    elif origin == "jdk":
        deb_dir = downloads / "debian"
        src_zip = deb_dir / "openjdk-17-source_17.0.21.1+2-1~deb12u1_all.x/usr/lib/jvm/openjdk-17/lib/src.zip"
        if not src_zip.exists():
            deb = deb_dir / "openjdk-17-source_17.0.21.1+2-1~deb12u1_all.deb"
            if not deb.exists():
                deb_dir.mkdir(parents=True, exist_ok=True)
                _run(["apt-get", "download", "openjdk-17-source=17.0.21.1+2-1~deb12u1"], cwd=deb_dir)
            _run(["dpkg-deb", "-x", str(deb), str(deb_dir / (deb.stem + ".x"))])
        with zipfile.ZipFile(src_zip) as archive:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(inner))
    else:
        name, _, version = origin.rpartition("-")
        tgz = CACHE / "npm" / f"{name}-{version}.tgz"
        if not tgz.exists():
            tgz.parent.mkdir(parents=True, exist_ok=True)
            _run(["npm", "pack", f"{name}@{version}", "--silent"], cwd=tgz.parent)
        with tarfile.open(tgz) as archive:
            archive.extractall(WORK / origin, filter="data")
    return target


def measure(path: Path, edits: int, paste: int = 0, freeze: bool = False) -> dict[str, float]:
    """Open cost and CPU per one-line edit of ``Analysis.run`` (ms), in this process; with
    ``paste``, also per paste of that many lines (copied from elsewhere in the file, pasted at the
    start of a line, removed again unmeasured). ``freeze``: what is alive after the open is frozen
    (``gc.freeze``) as the language server does (``lsp/gc_policy.py``), so the edits' times are the
    engine's work without full collections of the open file's state."""
    from landguard.engine.analyze import Analysis
    from landguard.engine.config import Config, DependencySettings
    from landguard.engine.document import Document

    document = Document(path.read_text(encoding="utf-8"), path=str(path))
    analysis = Analysis(document, Config(dependencies=DependencySettings(online=False)))
    start = time.process_time()
    analysis.run()
    opened = (time.process_time() - start) * 1000
    if freeze:
        gc.collect()
        gc.freeze()
    candidates = [n for n, line in enumerate(document.lines) if line.strip()]
    times = []
    for n in random.Random(1).sample(candidates, min(edits, len(candidates))):
        column = len(document.lines[n].rstrip())
        change = document.apply_change((n, column, n, column), " ")
        start = time.process_time()
        analysis.run([change])
        times.append((time.process_time() - start) * 1000)
        analysis.run([document.apply_change((n, column, n, column + 1), "")])
    times.sort()
    result = {
        "open": opened,
        "p50": statistics.median(times),
        "p95": times[max(0, int(len(times) * 0.95) - 1)],
        "max": times[-1],
        "lines": len(document.lines),
    }
    if paste:
        lines = list(document.lines)
        starts = [n for n in candidates if n + paste < len(lines)]
        rng = random.Random(2)
        pasted = []
        for n in rng.sample(starts, min(max(edits // 3, 5), len(starts))):
            source = rng.choice(starts)
            change = document.apply_change((n, 0, n, 0), "\n".join(lines[source : source + paste]) + "\n")
            start = time.process_time()
            analysis.run([change])
            pasted.append((time.process_time() - start) * 1000)
            analysis.run([document.apply_change((n, 0, n + paste, 0), "")])
        pasted.sort()
        result["paste_p50"] = statistics.median(pasted)
        result["paste_p95"] = pasted[max(0, int(len(pasted) * 0.95) - 1)]
    return result


def export(ref: str) -> Path:
    """``git archive REF`` unpacked into a temporary directory; its ``server/`` goes on PYTHONPATH."""
    target = Path(tempfile.mkdtemp(prefix="landguard-before-"))
    archive = subprocess.run(["git", "archive", ref], check=True, capture_output=True, cwd=HERE.parent).stdout
    subprocess.run(["tar", "x", "-C", str(target)], input=archive, check=True)
    return compiled(target / "server")


def compiled(server: Path) -> Path:
    """``server`` with its bytecode written, whatever PYTHONDONTWRITEBYTECODE says: a version
    measured without it compiles every module on every run (about a tenth of a whole-tree check)."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(server)], check=True, stdout=subprocess.DEVNULL
    )
    return server


def in_process(
    server: Path, path: Path, edits: int, paste: int = 0, freeze: bool = False
) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(server))
    output = subprocess.run(
        [sys.executable, __file__, "--measure", str(path), "--edits", str(edits), "--paste", str(paste)]
        + (["--gc-freeze"] if freeze else []),
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    return json.loads(output.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", metavar="REF", help="also measure this git ref (exported), alternating")
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--only", help="languages to measure, comma-separated (Python,JavaScript,Java)")
    parser.add_argument(
        "--file", type=Path, action="append", help="measure these files instead of the table (repeatable)"
    )
    parser.add_argument("--paste", type=int, default=0, help="also time pastes of this many lines")
    parser.add_argument(
        "--gc-freeze", action="store_true", help="freeze the open file's state first, as the server does"
    )
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        print(json.dumps(measure(args.measure, args.edits, args.paste, args.gc_freeze)))
        return
    versions = {"after": HERE.parent / "server"}
    if args.before:
        versions = {"before": export(args.before), **versions}
    wanted = set(args.only.split(",")) if args.only else None
    head = "| language | size | file | lines |"
    rule = "|---|---|---|---:|"
    for name in versions:
        head += f" {name} open ms | {name} p50 / p95 ms |"
        rule += "---:|---:|"
        if args.paste:
            head += f" {name} paste {args.paste} p50 / p95 ms |"
            rule += "---:|"
    print(head + "\n" + rule, flush=True)
    table = FILES
    if args.file:
        table = [("", "", path.name, None, str(path)) for path in args.file]
    for language, size, label, origin, inner in table:
        if wanted and language not in wanted:
            continue
        path = fetch(origin, inner) if origin is not None else Path(inner)
        row = f"| {language} | {size} | {label} |"
        results = {
            name: in_process(server, path, args.edits, args.paste, args.gc_freeze)
            for name, server in versions.items()
        }
        row += f" {int(next(iter(results.values()))['lines']):,} |"
        for result in results.values():
            row += f" {result['open']:.0f} | {result['p50']:.1f} / {result['p95']:.1f} |"
            if args.paste:
                row += f" {result['paste_p50']:.1f} / {result['paste_p95']:.1f} |"
        print(row, flush=True)


if __name__ == "__main__":
    main()
