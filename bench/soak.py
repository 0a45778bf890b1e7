"""Soak: memory of the real language server over many edits, with every document closed between rounds.

Drives ``python -m landguard.lsp`` over stdio (a raw JSON-RPC client, no pytest-lsp, so the
client's own memory and speed do not matter) through ``--rounds`` rounds; each round opens
``--documents`` documents of every language (Python, JavaScript, Java, YAML, .env), makes
``--edits`` random incremental edits spread over them (multi-line pastes, secrets, PEM blocks,
CR/LF line ends), waits for the diagnostics of the last version of every document, closes them
all, and records the server's resident memory (``VmRSS``). A server that keeps nothing for
closed documents levels off after the first round.

    .venv/bin/python bench/soak.py [--rounds 4] [--edits 2500] [--documents 50] [--seed 1]

Prints one row per round and a JSON summary (``--json FILE`` writes it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import sys
import time
from pathlib import Path

SERVER = [sys.executable, "-m", "landguard.lsp"]
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


class Client:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.versions: dict[str, int] = {}
        self.published: dict[str, int | None] = {}
        self.responses: dict[object, dict] = {}
        self.arrived = asyncio.Event()
        self.reader = asyncio.ensure_future(self._read())

    def send(self, **message: object) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    async def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        while True:
            length = 0
            while (line := await stdout.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line:
                return
            message = json.loads(await stdout.readexactly(length))
            if message.get("method") == "textDocument/publishDiagnostics":
                params = message["params"]
                self.published[params["uri"]] = params.get("version")
            elif "id" in message and "method" in message:
                self.send(id=message["id"], result=None)  # registrations, configuration
            elif "id" in message:
                self.responses[message["id"]] = message
            self.arrived.set()

    async def wait(self, predicate, timeout: float = 60.0) -> None:
        async def loop() -> None:
            while not predicate():
                self.arrived.clear()
                await self.arrived.wait()

        await asyncio.wait_for(loop(), timeout)

    async def request(self, msg_id: object, method: str, params: object) -> dict:
        self.send(id=msg_id, method=method, params=params)
        await self.wait(lambda: msg_id in self.responses)
        return self.responses.pop(msg_id)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


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


async def soak(rounds: int, edits: int, documents: int, seed: int) -> dict:
    rng = random.Random(seed)
    workspace = Path(os.environ.get("TMPDIR", "/tmp")) / "landguard-soak"
    workspace.mkdir(exist_ok=True)
    process = await asyncio.create_subprocess_exec(
        *SERVER,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    client = Client(process)
    await client.request(
        0,
        "initialize",
        {
            "processId": os.getpid(),
            "rootUri": workspace.as_uri(),
            "capabilities": {},
            "initializationOptions": {"dependencies": {"online": False}},
        },
    )
    client.send(method="initialized", params={})
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
            client.versions[uri] = 1
            client.send(
                method="textDocument/didOpen",
                params={
                    "textDocument": {
                        "uri": uri,
                        "languageId": LANGUAGE_IDS[kind],
                        "version": 1,
                        "text": texts[uri],
                    }
                },
            )
        uris = list(texts)
        for n in range(edits):
            uri = rng.choice(uris)
            rng_dict, new_text = random_edit(rng, texts[uri])
            texts[uri] = apply(texts[uri], rng_dict, new_text)
            client.versions[uri] += 1
            client.send(
                method="textDocument/didChange",
                params={
                    "textDocument": {"uri": uri, "version": client.versions[uri]},
                    "contentChanges": [{"range": rng_dict, "text": new_text}],
                },
            )
            if n % 25 == 24:  # let the server keep up, as a typist would
                await process.stdin.drain()
                await client.wait(lambda u=uri: client.published.get(u) == client.versions[u])
        await client.wait(lambda uris=uris: all(client.published.get(u) == client.versions[u] for u in uris))
        for uri in uris:
            client.send(method="textDocument/didClose", params={"textDocument": {"uri": uri}})
            client.published.pop(uri, None)
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
    await client.request("bye", "shutdown", None)
    client.send(method="exit")
    await asyncio.wait_for(process.wait(), 30)
    return {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
        "documents_per_round": documents,
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--edits", type=int, default=2500, help="edits per round")
    parser.add_argument("--documents", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = asyncio.run(soak(args.rounds, args.edits, args.documents, args.seed))
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
