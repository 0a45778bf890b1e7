"""Soak: memory of the real language server over many edits.

Drives ``python -m landguard.lsp`` over stdio (``lsp_client``: a raw JSON-RPC client, no
pytest-lsp, so the client's own memory and speed do not matter) in one of two ways:

- rounds (default): ``--rounds`` rounds; each opens ``--documents`` documents of every language
  (Python, JavaScript, Java, YAML, .env), makes ``--edits`` random incremental edits spread over
  them (multi-line pastes, secrets, PEM blocks, CR/LF line ends), waits for the diagnostics of
  the last version of every document, closes them all, and records the server's resident
  memory (``VmRSS``). A server that keeps nothing for closed documents levels off after the
  first round.
- ``--open-files N`` (issue #15: "200 open files of 2,000 lines; flat over 10,000 edits"): opens
  N documents of ``--lines`` lines of real Python, JavaScript and Java in turn (the first lines
  of CPython's ``_pydecimal.py``, Django's admin ``xregexp.js`` and OpenJDK 17's
  ``ConcurrentHashMap.java``, from ``--cache``, as ``bench/edit_curve.py`` gets them), keeps them
  open through ``--edits`` random edits of the same kinds spread over all of them, and records
  the RSS every ``--sample`` edits, then once more after closing them all.

    .venv/bin/python bench/soak.py [--rounds 4] [--edits 2500] [--documents 50] [--seed 1]
    .venv/bin/python bench/soak.py --open-files 200 --lines 2000 --edits 10000 [--restore-every 20]
    PYTHONPATH=/tmp/main-export/server .venv/bin/python bench/soak.py ...   # another version's server

Prints one row per round (or sample) and a JSON summary (``--json FILE`` writes it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import time
from pathlib import Path

from lsp_client import rss_mb, start_server, stop_server

REAL_FILES = ("_pydecimal.py", "xregexp.js", "ConcurrentHashMap.java")
TOKEN = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0" + "P9o8N7m6L5k4J3i2"
AWS = "AKIA" + "QYLPMN5HHHFPZAM2"
PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEA1c7+9z5Pad7OejecsQ0bu3aozN3tihPmljnnudb9G3HcZ5P5\n"
    "-----END RSA PRIVATE KEY-----\n"
)
TEMPLATES = {
    "py": "import os\nimport pickle\n\n"
    + "".join(
        f"def handler_{n}(request):\n    data = request.args.get('q')\n    return eval(data)\n\n"
        for n in range(30)
    )
    + f'API = "{TOKEN}"\n',
    "js": "".join(f"function run{n}(req) {{\n  eval(req.query.code);\n  return {n};\n}}\n" for n in range(30))
    + f'const token = "{TOKEN}";\n',
    "java": "class App {\n"
    + "".join(
        f'  void run{n}(java.sql.Statement s, String q) throws Exception {{\n    s.executeQuery("select " + q);\n  }}\n'
        for n in range(30)
    )
    + "}\n",
    "yaml": "".join(f'service_{n}:\n  password: "Tr0ub4dor3x{n}!"\n  token: {TOKEN}\n' for n in range(30)),
    "env": "".join(f"KEY_{n}={AWS}\n" for n in range(30)),
}
LANGUAGE_IDS = {"py": "python", "js": "javascript", "java": "java", "yaml": "yaml", "env": "dotenv"}
COMMENT = {"py": "#", "js": "//", "java": "//"}
PIECES = [
    "x",
    "\n",
    "\r\n",
    "\r",
    '"',
    f"token = '{TOKEN}'\n",
    f"  secret: {AWS}\n",
    "    y = eval(x)\n",
    "def f(a):\n    return eval(a)\n",
    PEM,
    "",
]


def random_edit(rng: random.Random, text: str) -> tuple[dict, str]:
    """An LSP range (LF-split lines, like the client's own text model) and its new text."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start_line = rng.randrange(len(lines))
    end_line = min(len(lines) - 1, start_line + rng.choice([0, 0, 0, 1, 3]))
    start_char = rng.randint(0, len(lines[start_line]))
    end_char = (
        rng.randint(0, len(lines[end_line])) if end_line > start_line else start_char + rng.randint(0, 5)
    )
    end_char = min(end_char, len(lines[end_line]))
    new_text = rng.choice(PIECES)
    rng_dict = {
        "start": {"line": start_line, "character": start_char},
        "end": {"line": end_line, "character": end_char},
    }
    return rng_dict, new_text


def apply(text: str, rng_dict: dict, new_text: str) -> str:
    """The client's view of the edit (LSP line splitting; all pieces are ASCII)."""
    starts = [0]
    i = 0
    while i < len(text):
        if text[i] == "\r" and text[i + 1 : i + 2] == "\n":
            i += 2
            starts.append(i)
            continue
        if text[i] in "\r\n":
            starts.append(i + 1)
        i += 1

    def offset(position: dict) -> int:
        line = min(position["line"], len(starts) - 1)
        end = starts[line + 1] if line + 1 < len(starts) else len(text)
        content_end = end
        while content_end > starts[line] and text[content_end - 1] in "\r\n":
            content_end -= 1
        return min(starts[line] + position["character"], content_end)

    return text[: offset(rng_dict["start"])] + new_text + text[offset(rng_dict["end"]) :]


def _machine() -> dict:
    return {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, load {os.getloadavg()[0]:.1f}",
    }


async def _edit(client, rng: random.Random, texts: dict[str, str], uri: str) -> None:
    rng_dict, new_text = random_edit(rng, texts[uri])
    texts[uri] = apply(texts[uri], rng_dict, new_text)
    client.did_change(uri, rng_dict, new_text)


async def _caught_up(client, uris) -> None:
    await client.wait(lambda: all(client.published.get(u) == client.versions[u] for u in uris))


async def _spread_edits(
    client,
    rng: random.Random,
    texts: dict[str, str],
    edits: int,
    every: int = 0,
    sampled=None,
    restore_every: int = 0,
) -> None:
    """``edits`` random edits spread over the documents of ``texts``, at a typist's pace (the
    server catches up every 25); ``sampled(edits so far)`` every ``every`` edits, once the server
    has caught up with every document.

    ``restore_every`` (0: never): after that many edits to a document, one more change puts its
    opening text back (a whole-text change, as a client sends on "revert"). The random edits
    insert findings (secrets, ``eval``, PEM blocks) far more often than they delete one: over
    10,000 edits of 200 files the texts keep their size but the pieces that make findings grow
    from 67 to 4,528, so memory that grows with them is the workload, not a leak. Restored
    documents keep the workload stationary: what still grows is kept by the server."""
    uris = list(texts)
    opening = dict(texts)
    since_restore = dict.fromkeys(uris, 0)
    for n in range(edits):
        uri = rng.choice(uris)
        await _edit(client, rng, texts, uri)
        since_restore[uri] += 1
        if restore_every and since_restore[uri] >= restore_every:
            texts[uri] = opening[uri]
            client.did_change(uri, None, opening[uri])
            since_restore[uri] = 0
        if n % 25 == 24:
            await client.drain()
            await _caught_up(client, [uri])
        if sampled is not None and (n + 1) % every == 0:
            await _caught_up(client, uris)
            sampled(n + 1)


async def soak(rounds: int, edits: int, documents: int, seed: int) -> dict:
    rng = random.Random(seed)
    workspace = Path(os.environ.get("TMPDIR", "/tmp")) / "landguard-soak"
    workspace.mkdir(exist_ok=True)
    process, client = await start_server(workspace)
    rows = [{"round": 0, "edits": 0, "rss_mb": round(rss_mb(process.pid), 1), "seconds": 0.0}]
    total = 0
    for number in range(1, rounds + 1):
        started = time.perf_counter()
        texts: dict[str, str] = {}
        for index in range(documents):
            kind = list(TEMPLATES)[index % len(TEMPLATES)]
            name = ".env" if kind == "env" else f"doc{index}.{kind}"
            uri = (workspace / f"r{number}-{index}" / name).as_uri()
            texts[uri] = TEMPLATES[kind]
            client.did_open(uri, texts[uri], LANGUAGE_IDS[kind])
        uris = list(texts)
        await _spread_edits(client, rng, texts, edits)
        await _caught_up(client, uris)
        for uri in uris:
            client.did_close(uri)
        await client.wait(lambda uris=uris: all(u in client.published for u in uris))  # the empty publishes
        await client.request(
            f"settle-{number}",
            "textDocument/hover",
            {"textDocument": {"uri": uris[0]}, "position": {"line": 0, "character": 0}},
        )
        await asyncio.sleep(1.0)
        total += edits
        rows.append(
            {
                "round": number,
                "edits": total,
                "rss_mb": round(rss_mb(process.pid), 1),
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
        print(
            f"round {number}: {total:6d} edits, RSS {rows[-1]['rss_mb']:7.1f} MB, {rows[-1]['seconds']} s",
            flush=True,
        )
    await stop_server(process, client)
    return {**_machine(), "documents_per_round": documents, "rows": rows}


def real_texts(cache: Path, lines: int) -> list[tuple[str, str]]:
    """(extension, first ``lines`` lines) of each of ``REAL_FILES``."""
    texts = []
    for name in REAL_FILES:
        path = cache / "edit-curve" / name
        if not path.exists():
            raise SystemExit(f"missing {path} (bench/edit_curve.py describes where it comes from)")
        head = path.read_text(encoding="utf-8").split("\n")[:lines]
        texts.append((path.suffix[1:], "\n".join(head) + "\n"))
    return texts


async def soak_open(
    files: int, lines: int, edits: int, sample: int, seed: int, cache: Path, restore_every: int = 0
) -> dict:
    """``files`` real documents kept open through ``edits`` random edits; RSS every ``sample`` edits
    (``restore_every``: see ``_spread_edits``)."""
    rng = random.Random(seed)
    workspace = Path(os.environ.get("TMPDIR", "/tmp")) / "landguard-soak-open"
    workspace.mkdir(exist_ok=True)
    sources = real_texts(cache, lines)
    process, client = await start_server(workspace)
    started = time.perf_counter()
    rows = [{"edits": 0, "open": 0, "rss_mb": round(rss_mb(process.pid), 1), "seconds": 0.0}]

    def record(done: int, open_count: int) -> None:
        rows.append(
            {
                "edits": done,
                "open": open_count,
                "rss_mb": round(rss_mb(process.pid), 1),
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
        print(
            f"{done:6d} edits, {open_count} open: RSS {rows[-1]['rss_mb']:7.1f} MB, {rows[-1]['seconds']} s",
            flush=True,
        )

    texts: dict[str, str] = {}
    for index in range(files):
        extension, text = sources[index % len(sources)]
        # A unique first line, so no two documents share a unit's text by accident.
        text = f"{COMMENT[extension]} copy {index}\n{text}"
        uri = (workspace / f"open{index}.{extension}").as_uri()
        texts[uri] = text
        client.did_open(uri, text, LANGUAGE_IDS[extension])
        if index % 20 == 19:
            await client.drain()
            await _caught_up(client, list(texts))
    uris = list(texts)
    await _caught_up(client, uris)
    record(0, len(uris))
    await _spread_edits(
        client, rng, texts, edits, sample, lambda done: record(done, len(uris)), restore_every
    )
    for uri in uris:
        client.did_close(uri)
    await client.wait(lambda: all(u in client.published for u in uris))  # the empty publishes
    await asyncio.sleep(1.0)
    record(edits, 0)
    await stop_server(process, client)
    return {**_machine(), "files": files, "lines": lines, "restore_every": restore_every, "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--edits", type=int, default=None, help="edits per round (2,500), or in all (10,000)")
    parser.add_argument("--documents", type=int, default=50)
    parser.add_argument("--open-files", type=int, help="keep this many real documents open instead of rounds")
    parser.add_argument("--lines", type=int, default=2000, help="lines of each open document")
    parser.add_argument("--sample", type=int, default=1000, help="record the RSS every this many edits")
    parser.add_argument("--cache", type=Path, default=Path("/work/realworld-cache"))
    parser.add_argument(
        "--restore-every",
        type=int,
        default=0,
        metavar="N",
        help="with --open-files: put a document's opening text back after every N edits to it",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.open_files:
        edits = 10_000 if args.edits is None else args.edits
        coroutine = soak_open(
            args.open_files, args.lines, edits, args.sample, args.seed, args.cache, args.restore_every
        )
    else:
        coroutine = soak(args.rounds, 2500 if args.edits is None else args.edits, args.documents, args.seed)
    result = asyncio.run(coroutine)
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
