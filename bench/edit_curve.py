"""Keystroke latency against file size and paste size, in Python, JavaScript and Java (issue #15).

One command drives the real server (``python -m landguard.lsp``) over stdio with the raw JSON-RPC
client of ``lsp_client.py`` (no pytest-lsp: decoding thousands of diagnostics into typed objects
would time the client, not the server) on real files of about 1,000, 6,000 and 20,000 lines per language, and
prints, per file:

- open: ``didOpen`` -> first ``publishDiagnostics`` in a fresh server process (cold);
- one-line edit: a space typed at the end of ``--edits`` lines spread over the file;
- paste of 1, 10, 40 and 200 lines (lines copied from elsewhere in the same file, pasted at the
  start of a line, removed again unmeasured);
- a burst of 10 keystrokes 5 ms apart, timed from the last one (``--bursts`` of them, spread over
  the file; by default a sixth of ``--edits``);
- the server's CPU time per one-line edit (``/proc/PID/stat``, all threads), which load on a shared
  machine inflates far less than wall-clock latency.

Latency is from writing the notification to reading the ``publishDiagnostics`` of that version,
with the server's normal debounce. ``--memory`` instead opens 200 documents of 2,000 lines and
reports the resident memory before and after ``--memory-edits`` edits spread over them.

The files come from the package registries, cached outside the repository (``--cache``,
default ``/work/realworld-cache``; nothing is downloaded here): CPython's ``ftplib.py`` and
``_pydecimal.py`` (the interpreter's own ``Lib/``), libcst 1.x ``matchers/__init__.py`` (installed
with the dev dependencies); express 4.21.1 ``lib/response.js`` and lodash 4.17.21 ``lodash.js``
(``npm pack``), xregexp 3.2.0 from Django 5.1.3's admin (``pip download``); OpenJDK 17's
``ArrayList``, ``ConcurrentHashMap`` and ``Character`` (Debian ``openjdk-17-source``'s
``src.zip``). The largest real Java source there has 11,400 lines; the largest Python and
JavaScript files 17,200-17,400.

    .venv/bin/python bench/edit_curve.py [--languages python,javascript,java] [--edits 30] [--json F]
    PYTHONPATH=/tmp/main-export/server .venv/bin/python bench/edit_curve.py ...   # another version
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import sysconfig
import tarfile
import time
import zipfile
from pathlib import Path

from lsp_client import Client, cpu_seconds, lsp_range, rss_mb, start_server, stop_server
from places import code_lines, paste_places

PASTE_SIZES = (1, 10, 40, 200)
CAPABILITIES = {
    "textDocument": {
        "publishDiagnostics": {"relatedInformation": True, "versionSupport": True},
        # As VS Code and Neovim: fix edits are resolved when an action is picked.
        "codeAction": {"resolveSupport": {"properties": ["edit"]}, "dataSupport": True},
    },
    "general": {"positionEncodings": ["utf-16"]},
}


# ---------------------------------------------------------------------------------- real files


def _member(archive: Path, name: str, target: Path) -> Path:
    if not target.exists():
        if archive.suffix == ".zip":
            data = zipfile.ZipFile(archive).read(name)
        else:
            with tarfile.open(archive) as tar:
                handle = tar.extractfile(name)
                assert handle is not None
                data = handle.read()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return target


def _copy(source: Path, here: Path) -> Path:
    target = here / "libcst_matchers.py"
    if not target.exists():
        here.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    return target


def real_files(cache: Path) -> dict[str, list[Path]]:
    """Per language, real files of about 1k, 6k and the largest size at hand (17-20k lines)."""
    here = cache / "edit-curve"
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    import libcst.matchers

    src_zip = next(
        (cache / "dl" / "debian").glob("openjdk-17-source_*_all.x/usr/lib/jvm/openjdk-17/lib/src.zip"), None
    )
    files: dict[str, list[Path]] = {
        "python": [
            stdlib / "ftplib.py",
            stdlib / "_pydecimal.py",
            _copy(Path(libcst.matchers.__file__), here),
        ],
        "javascript": [
            _member(
                cache / "dl" / "npm" / "express-4.21.1.tgz",
                "package/lib/response.js",
                here / "express_response.js",
            ),
            cache / "src/django-5.1.3/django/contrib/admin/static/admin/js/vendor/xregexp/xregexp.js",
            _member(cache / "npm" / "lodash-4.17.21.tgz", "package/lodash.js", here / "lodash.js"),
        ],
        "java": [],
    }
    if src_zip is not None:
        for member in (
            "java.base/java/util/ArrayList.java",
            "java.base/java/util/concurrent/ConcurrentHashMap.java",
            "java.base/java/lang/Character.java",
        ):
            files["java"].append(_member(src_zip, member, here / Path(member).name))
    missing = [str(p) for paths in files.values() for p in paths if not p.exists()]
    if missing or src_zip is None:
        sys.exit(f"missing benchmark files (see the docstring for their sources): {missing or 'src.zip'}")
    return files


# ---------------------------------------------------------------------------------- the client


class Session:
    """Timed edits through a ``lsp_client.Client``."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def change(self, uri: str, start: tuple[int, int], end: tuple[int, int], text: str) -> int:
        return self.client.did_change(uri, lsp_range(start, end), text)

    async def edit(self, uri: str, start: tuple[int, int], end: tuple[int, int], text: str) -> float:
        future = self.client.expect(uri, self.client.versions[uri] + 1)
        started = time.perf_counter()
        self.change(uri, start, end, text)
        arrived, _ = await asyncio.wait_for(future, 600)
        return arrived - started

    async def open(self, uri: str, text: str, language_id: str) -> tuple[float, int]:
        return await self.client.open(uri, text, language_id)


# ---------------------------------------------------------------------------------- measuring

LANGUAGE_IDS = {".py": "python", ".js": "javascript", ".java": "java"}


async def measure_file(
    path: Path, edits: int, pastes: int, pause: float, burst_count: int | None = None
) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    language_id = LANGUAGE_IDS[path.suffix]
    process, client = await start_server(path.parent, CAPABILITIES)
    session = Session(client)
    result: dict[str, object] = {"file": path.name, "lines": len(lines)}
    try:
        uri = path.with_name("curve_" + path.name).as_uri()
        opened, count = await session.open(uri, text, language_id)
        result["open_ms"] = opened * 1000
        result["findings"] = count
        code = code_lines(lines)
        step = max(1, len(code) // edits)
        one_line: list[float] = []
        cpu_before = cpu_seconds(process.pid)
        for n in code[::step][:edits]:
            await asyncio.sleep(pause)
            one_line.append(await session.edit(uri, (n, len(lines[n])), (n, len(lines[n])), " "))
        result["cpu_per_edit_ms"] = (cpu_seconds(process.pid) - cpu_before) / len(one_line) * 1000
        result["one_line"] = one_line
        # Undo the typed spaces, unmeasured, so the pastes see the file's own text.
        for n in code[::step][:edits]:
            await asyncio.sleep(0.01)
            await session.edit(uri, (n, len(lines[n])), (n, len(lines[n]) + 1), "")
        for size in PASTE_SIZES:
            samples = []
            for n, _source, block in paste_places(lines, size, pastes):
                await asyncio.sleep(pause)
                samples.append(await session.edit(uri, (n, 0), (n, 0), block))
                await session.edit(uri, (n, 0), (n + size, 0), "")
            result[f"paste_{size}"] = samples
        bursts = []
        burst_step = max(1, len(code) // burst_count) if burst_count else step
        for n in code[::burst_step][: burst_count or max(1, edits // 6)]:
            await asyncio.sleep(pause)
            column = len(lines[n])
            for k in range(9):
                session.change(uri, (n, column + k), (n, column + k), "x")
                await asyncio.sleep(0.005)
            bursts.append(await session.edit(uri, (n, column + 9), (n, column + 9), "x"))
            await session.edit(uri, (n, column), (n, column + 10), "")
        result["burst_last"] = bursts
    finally:
        await stop_server(process, client)
    return result


async def measure_memory(files: list[Path], documents: int, lines_each: int, edits: int) -> dict[str, float]:
    texts = []
    for path in files:
        lines = path.read_text(encoding="utf-8").split("\n")
        texts.append((path, "\n".join(lines[:lines_each]) + "\n"))
    root = files[0].parent
    process, client = await start_server(root, CAPABILITIES)
    session = Session(client)
    result: dict[str, float] = {"rss_start_mb": rss_mb(process.pid)}
    try:
        uris = []
        for index in range(documents):
            path, text = texts[index % len(texts)]
            uri = (root / f"mem{index}{path.suffix}").as_uri()
            uris.append(uri)
            await session.open(uri, text, LANGUAGE_IDS[path.suffix])
        result["rss_open_mb"] = rss_mb(process.pid)
        for n in range(edits):
            uri = uris[n % len(uris)]
            line = (n * 37) % (lines_each - 1)
            if n % 2 == 0:
                await session.edit(uri, (line, 0), (line, 0), "x")
            else:
                await session.edit(uri, (line, 0), (line, 1), "")
            if n % 1000 == 999:
                result[f"rss_after_{n + 1}_edits_mb"] = rss_mb(process.pid)
    finally:
        await stop_server(process, client)
    return result


# ---------------------------------------------------------------------------------- output


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def p50_p95(values: list[float]) -> str:
    if not values:
        return "—"
    ms = [v * 1000 for v in values]
    return f"{statistics.median(ms):.1f} / {percentile(ms, 0.95):.1f}"


def table(results: list[dict[str, object]]) -> str:
    head = (
        "| file | lines | findings | open ms | one-line p50 / p95 | CPU/edit ms | "
        + " | ".join(f"paste {s} p50 / p95" for s in PASTE_SIZES)
        + " | burst last p50 / p95 |"
    )
    rows = [head, "|" + "---|" * (7 + len(PASTE_SIZES))]
    for r in results:
        rows.append(
            f"| {r['file']} | {r['lines']:,} | {r['findings']} | {r['open_ms']:.0f} | {p50_p95(r['one_line'])} | "
            f"{r['cpu_per_edit_ms']:.1f} | "
            + " | ".join(p50_p95(r[f"paste_{s}"]) for s in PASTE_SIZES)
            + f" | {p50_p95(r['burst_last'])} |"
        )
    return "\n".join(rows)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/work/realworld-cache"))
    parser.add_argument("--languages", default="python,javascript,java")
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--pastes", type=int, default=6, help="pastes per paste size (0: none)")
    parser.add_argument("--pause", type=float, default=0.12, help="seconds between measured edits")
    parser.add_argument("--bursts", type=int, help="bursts of 10 keystrokes (default: a sixth of --edits)")
    parser.add_argument("--memory", action="store_true", help="only the 200-document memory measurement")
    parser.add_argument("--memory-documents", type=int, default=200)
    parser.add_argument("--memory-edits", type=int, default=2000)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--file", type=Path, action="append", help="measure these files instead")
    args = parser.parse_args()
    files = real_files(args.cache) if not args.file else {"given": [p.resolve() for p in args.file]}
    if args.file:
        args.languages = "given"
    print(
        f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, {platform.machine()}, "
        f"{platform.python_implementation()} {platform.python_version()}, load {os.getloadavg()[0]:.1f}"
    )
    if args.memory:
        chosen = [files["python"][1], files["javascript"][1], files["java"][1]]
        memory = await measure_memory(chosen, args.memory_documents, 2000, args.memory_edits)
        print(json.dumps({k: round(v, 1) for k, v in memory.items()}, indent=2))
        if args.json:
            args.json.write_text(json.dumps(memory, indent=2) + "\n")
        return
    results = []
    for language in args.languages.split(","):
        for path in files[language]:
            result = await measure_file(path, args.edits, args.pastes, args.pause, args.bursts)
            print(f"  {path.name}: one-line p50 / p95 {p50_p95(result['one_line'])} ms", flush=True)
            results.append(result)
    print()
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    asyncio.run(main())
