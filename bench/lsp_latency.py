"""Keystroke-to-diagnostics latency of the real language server, over stdio.

Drives ``python -m landguard.lsp`` with pytest-lsp's client on CPython's ``_pydecimal.py``
(~6,400 lines) and measures, from the moment a notification is written to the moment the
matching ``textDocument/publishDiagnostics`` (same version) arrives:

- ``didOpen`` -> first diagnostics (cold: the first document of the session; warm: a second one);
- one-line edits (typing a character at ~50 places across the file), each after a short pause
  as when typing (``--pause``);
- 40-line insertions: statements pasted into a function body, and a whole function pasted
  between top-level definitions (each is removed again, unmeasured).

- a burst: 10 one-character edits 5 ms apart, from the last edit to its diagnostics.

The server is run twice: with its normal per-document debounce (30 ms, leading edge: an edit
after a quiet moment is analysed at once, the rest of a burst waits for the window to close)
and with the debounce off (``LANDGUARD_LSP_DEBOUNCE_MS=0``: the cost of the work itself).

    .venv/bin/python bench/lsp_latency.py [--edits 50] [--inserts 20] [--file PATH]

Targets: p95 <= 50 ms for a one-line edit, <= 100 ms for a 40-line insertion, open <= 800 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import sysconfig
import time
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

SERVER = [sys.executable, "-m", "landguard.lsp"]

PASTE = "".join(
    [
        "def pasted_helper(values, scale=2):\n",
        '    """A block an assistant might paste: 40 lines of ordinary code."""\n',
        "    total = 0\n",
        "    for index, value in enumerate(values):\n",
        "        if value is None:\n",
        "            continue\n",
        "        total += value * scale + index\n",
    ]
    + [f"    step_{n} = total + {n}\n" for n in range(31)]
    + ["    return total\n", "\n"]
)
assert PASTE.count("\n") == 40


def _js_paste() -> str:
    body = [f"  const step{n} = total + {n};\n" for n in range(34)]
    lines = [
        "function pastedHelper(values, scale = 2) {\n",
        "  let total = 0;\n",
        "  for (const v of values) total += v * scale;\n",
    ]
    return "".join(lines + body + ["  return total;\n", "}\n", "\n"])


def _java_paste() -> str:
    body = [f"        int step{n} = total + {n};\n" for n in range(34)]
    lines = [
        "    public int pastedHelper(int[] values) {\n",
        "        int total = 0;\n",
        "        for (int v : values) { total += v; }\n",
    ]
    return "".join(lines + body + ["        return total;\n", "    }\n", "\n"])


# Per language: LSP language id, a 40-line definition to paste, where definitions start, and one
# statement line to paste into a body (given indentation and a number).
LANGUAGES = {
    ".py": (
        "python",
        PASTE,
        ("def ", "class "),
        lambda indent, k: f"{indent}pasted_{k} = len(str({k})) + {k}\n",
    ),
    ".js": (
        "javascript",
        _js_paste(),
        ("function ", "class ", "export function "),
        lambda indent, k: f"{indent}const pasted{k} = String({k}).length + {k};\n",
    ),
    ".java": (
        "java",
        _java_paste(),
        ("    public ", "    private ", "    protected "),
        lambda indent, k: f"{indent}int pasted{k} = String.valueOf({k}).length() + {k};\n",
    ),
}
for _language in LANGUAGES.values():
    assert _language[1].count("\n") == 40


class Session:
    def __init__(self, debounce_ms: float | None) -> None:
        self.debounce_ms = debounce_ms
        self.client = LanguageClient()
        self.waiters: dict[tuple[str, int], asyncio.Future] = {}
        features = dict(DEFAULT_CLIENT_FEATURES)

        def published(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
            self._published(params)

        def register_capability(client: LanguageClient, params: types.RegistrationParams) -> None:
            return None

        features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = published
        features[types.CLIENT_REGISTER_CAPABILITY] = register_capability
        register_lsp_features(self.client, features)
        self.versions: dict[str, int] = {}

    def _published(self, params: types.PublishDiagnosticsParams) -> None:
        now = time.perf_counter()
        future = self.waiters.pop((params.uri, params.version), None)
        if future is not None and not future.done():
            future.set_result(now)

    async def start(self, root: Path) -> None:
        env = dict(os.environ)
        if self.debounce_ms is not None:
            env["LANDGUARD_LSP_DEBOUNCE_MS"] = str(self.debounce_ms)
        await self.client.start_io(*SERVER, env=env)
        await self.client.initialize_session(
            types.InitializeParams(
                capabilities=client_capabilities("visual-studio-code"),
                root_uri=root.as_uri(),
                initialization_options={"dependencies": {"online": False}},
            )
        )

    async def stop(self) -> None:
        await self.client.shutdown_session()
        await self.client.stop()

    def _expect(self, uri: str, version: int) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        self.waiters[(uri, version)] = future
        return future

    async def open(self, uri: str, text: str, language_id: str) -> float:
        self.versions[uri] = 1
        future = self._expect(uri, 1)
        started = time.perf_counter()
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=uri, language_id=language_id, version=1, text=text)
            )
        )
        return (await asyncio.wait_for(future, 60)) - started

    async def edit(self, uri: str, start: tuple[int, int], end: tuple[int, int], text: str) -> float:
        version = self.versions[uri] = self.versions[uri] + 1
        future = self._expect(uri, version)
        started = time.perf_counter()
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(start=types.Position(*start), end=types.Position(*end)), text=text
                    )
                ],
            )
        )
        return (await asyncio.wait_for(future, 60)) - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


async def measure(
    path: Path, debounce_ms: float | None, edits: int, inserts: int, pause: float
) -> dict[str, list[float]]:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    language_id, paste, definition_starts, statement = LANGUAGES[path.suffix]
    session = Session(debounce_ms)
    await session.start(path.parent)
    results: dict[str, list[float]] = {}
    try:
        uri = path.with_name("bench_cold" + path.suffix).as_uri()
        results["open (cold, first document)"] = [await session.open(uri, text, language_id)]
        warm = path.with_name("bench_warm" + path.suffix).as_uri()
        results["open (warm, second document)"] = [await session.open(warm, text, language_id)]

        # Typing: one character appended to lines spread over the file (code lines, not blank ones).
        candidates = [n for n, line in enumerate(lines) if line.strip() and not line.rstrip().endswith("\\")]
        step = max(1, len(candidates) // edits)
        one_line = []
        for n in candidates[::step][:edits]:
            column = len(lines[n])
            await asyncio.sleep(pause)
            one_line.append(await session.edit(uri, (n, column), (n, column), " "))
        results["one-line edit"] = one_line

        # A burst: ten keystrokes 5 ms apart on one line; latency of the last one.
        bursts = []
        for n in candidates[::step][: max(1, edits // 5)]:
            await asyncio.sleep(pause)
            column = len(lines[n]) + 1
            for k in range(9):
                session.versions[uri] += 1
                session.client.text_document_did_change(
                    types.DidChangeTextDocumentParams(
                        text_document=types.VersionedTextDocumentIdentifier(
                            uri=uri, version=session.versions[uri]
                        ),
                        content_changes=[
                            types.TextDocumentContentChangePartial(
                                range=types.Range(
                                    start=types.Position(n, column + k), end=types.Position(n, column + k)
                                ),
                                text="x",
                            )
                        ],
                    )
                )
                await asyncio.sleep(0.005)
            bursts.append(await session.edit(uri, (n, column + 9), (n, column + 9), "x"))
        results["burst of 10 keystrokes (last one)"] = bursts

        # Pasting 40 lines of statements into a function body (before a `return`), then removing them.
        returns = [n for n, line in enumerate(lines) if line.lstrip().startswith("return ")]
        step = max(1, len(returns) // inserts)
        in_body = []
        for n in returns[::step][:inserts]:
            indent = lines[n][: len(lines[n]) - len(lines[n].lstrip())]
            block = "".join(statement(indent, k) for k in range(40))
            await asyncio.sleep(pause)
            in_body.append(await session.edit(uri, (n, 0), (n, 0), block))
            await session.edit(uri, (n, 0), (n + 40, 0), "")
        results["40-line insertion in a function body"] = in_body

        # Pasting a 40-line function between top-level definitions (a new top-level name), then removing it.
        tops = [n for n, line in enumerate(lines) if line.startswith(definition_starts)]
        step = max(1, len(tops) // inserts)
        pasted = []
        for n in tops[::step][:inserts]:
            await asyncio.sleep(pause)
            pasted.append(await session.edit(uri, (n, 0), (n, 0), paste))
            await session.edit(uri, (n, 0), (n + 40, 0), "")
        results["40-line function pasted between definitions"] = pasted
    finally:
        await session.stop()
    return results


def row(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    if not ms:  # e.g. no function definitions to insert beside in this file
        return f"| {name} | 0 | — | — | — |"
    if len(ms) == 1:
        return f"| {name} | 1 | {ms[0]:.1f} | — | {ms[0]:.1f} |"
    return (
        f"| {name} | {len(ms)} | {statistics.median(ms):.1f} | {percentile(ms, 0.95):.1f} | {max(ms):.1f} |"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(sysconfig.get_paths()["stdlib"]) / "_pydecimal.py"
    parser.add_argument("--file", type=Path, default=default)
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--inserts", type=int, default=20)
    parser.add_argument(
        "--pause", type=float, default=0.15, help="seconds between measured edits (typing pace)"
    )
    args = parser.parse_args()
    args.file = args.file.resolve()
    line_count = args.file.read_text(encoding="utf-8").count("\n")
    print(f"Landguard LSP latency on {args.file.name} ({line_count:,} lines)")
    print(
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}"
    )
    print()
    for label, debounce in (("with the 30 ms debounce", None), ("debounce off", 0.0)):
        results = await measure(args.file, debounce, args.edits, args.inserts, args.pause)
        print(f"### {label}")
        print()
        print("| measurement | n | p50 ms | p95 ms | max ms |")
        print("|---|---|---|---|---|")
        for name, values in results.items():
            print(row(name, values))
        print()


if __name__ == "__main__":
    asyncio.run(main())
