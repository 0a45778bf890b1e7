"""Fuzz the real server: random edits (CR, LF, CRLF, multi-line, secrets, NUL, emoji) interleaved
with well- and wrongly-typed requests, unknown methods and broken frames.

Asserts that every request is answered, and that the final diagnostics of every edited document
equal those of a fresh server that opens the final text. A fixed seed per case keeps failures
reproducible; the sequence is short so the test takes a few seconds.
"""

from __future__ import annotations

import random
import re

import pytest
from raw_lsp import RawServer, frame, message

TOKEN = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0" + "P9o8N7m6L5k4J3i2"
DOCUMENTS = {
    "app.py": ("python", f'import os\n\nAPI = "{TOKEN}"\ndef f(q):\n    return eval(q)\n'),
    "config.yaml": ("yaml", f'db:\n  password: "Tr0ub4dor3x!"\n  token: {TOKEN}\n'),
    "app.js": ("javascript", f'const t = "{TOKEN}";\nfunction g(r) {{\n  eval(r.q);\n}}\n'),
}
PIECES = [
    "",
    "x",
    "\n",
    "\r",
    "\r\n",
    '"',
    '"""\n',
    "\x00",
    "🙂",
    f"k = '{TOKEN}'\n",
    "  y = eval(z)\r",
    "-----BEGIN RSA PRIVATE KEY-----\rMIIEowIBAAKCAQEA1c7+9z5Pad7OejecsQ0bu3aozN3tihPmljnnudb9G3HcZ5P5\r",
    "-----END RSA PRIVATE KEY-----\n",
]
_BREAK = re.compile(r"\r\n|\r|\n")


class ClientText:
    """The client's copy of a document: LSP lines (CRLF, LF, CR) and UTF-16 columns."""

    def __init__(self, text: str) -> None:
        self.text = text

    def lines(self) -> list[tuple[int, int]]:
        """(start, content end) offsets per line."""
        spans, start = [], 0
        for match in _BREAK.finditer(self.text):
            spans.append((start, match.start()))
            start = match.end()
        spans.append((start, len(self.text)))
        return spans

    def offset(self, line: int, character: int) -> int:
        start, end = self.lines()[line]
        units = 0
        for index in range(start, end):
            if units >= character:
                return index
            units += 2 if ord(self.text[index]) > 0xFFFF else 1
        return end

    def random_range(self, rng: random.Random) -> dict:
        lines = self.lines()
        first = rng.randrange(len(lines))
        last = min(len(lines) - 1, first + rng.choice([0, 0, 0, 1, 2]))

        def character(line: int) -> int:
            start, end = lines[line]
            cut = rng.randint(start, end)
            return len(self.text[start:cut].encode("utf-16-le")) // 2

        start, end = (first, character(first)), (last, character(last))
        if end < start:
            start, end = end, start
        return {
            "start": {"line": start[0], "character": start[1]},
            "end": {"line": end[0], "character": end[1]},
        }

    def apply(self, rng_dict: dict, new_text: str) -> None:
        start = self.offset(rng_dict["start"]["line"], rng_dict["start"]["character"])
        end = self.offset(rng_dict["end"]["line"], rng_dict["end"]["character"])
        self.text = self.text[:start] + new_text + self.text[end:]


def bad_requests(uri: str) -> list[tuple[str, object]]:
    position = {"line": 0, "character": 0}
    return [
        ("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": "a", "character": 0}}),
        ("textDocument/hover", None),
        (
            "textDocument/codeAction",
            {"textDocument": {"uri": uri}, "range": "all", "context": {"diagnostics": []}},
        ),
        ("textDocument/definition", {"textDocument": {"uri": uri}, "position": position}),
        ("textDocument/definition", "nonsense"),
        ("textDocument/didSave", {"textDocument": {"uri": uri}}),
        ("workspace/symbol", {"query": 5}),
    ]


def good_requests(uri: str, text: ClientText) -> list[tuple[str, object]]:
    whole = {"start": {"line": 0, "character": 0}, "end": {"line": len(text.lines()) - 1, "character": 0}}
    return [
        ("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 2, "character": 3}}),
        (
            "textDocument/codeAction",
            {"textDocument": {"uri": uri}, "range": whole, "context": {"diagnostics": []}},
        ),
    ]


def summary(diagnostics: list[dict]) -> list[tuple]:
    return sorted(
        (
            d["code"],
            d["range"]["start"]["line"],
            d["range"]["start"]["character"],
            d["range"]["end"]["line"],
            d["range"]["end"]["character"],
            tuple(fix["title"] for fix in d.get("data", {}).get("fixes", ())),
        )
        for d in diagnostics
    )


@pytest.mark.parametrize("seed", [1])
async def test_fuzzed_session_answers_everything_and_ends_like_a_fresh_server(tmp_path, seed):
    rng = random.Random(seed)
    edited, fresh_root = tmp_path / "edited", tmp_path / "fresh"
    edited.mkdir()
    fresh_root.mkdir()
    server = await RawServer.start(edited)
    try:
        texts, versions, pending = {}, {}, []
        for name, (language, text) in DOCUMENTS.items():
            uri = (edited / name).as_uri()
            texts[uri], versions[uri] = ClientText(text), 1
            server.send(
                message(
                    method="textDocument/didOpen",
                    params={"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}},
                )
            )
        for step in range(150):
            uri = rng.choice(sorted(texts))
            roll = rng.random()
            if roll < 0.65:
                changes = []
                for _ in range(rng.choice([1, 1, 2])):
                    rng_dict, new_text = texts[uri].random_range(rng), rng.choice(PIECES)
                    texts[uri].apply(rng_dict, new_text)
                    changes.append({"range": rng_dict, "text": new_text})
                versions[uri] += 1
                server.send(
                    message(
                        method="textDocument/didChange",
                        params={
                            "textDocument": {"uri": uri, "version": versions[uri]},
                            "contentChanges": changes,
                        },
                    )
                )
            elif roll < 0.85:
                method, params = rng.choice(bad_requests(uri))
                pending.append(step)
                server.send(message(id=step, method=method, params=params))
            elif roll < 0.97:
                method, params = rng.choice(good_requests(uri, texts[uri]))
                pending.append(step)
                server.send(message(id=step, method=method, params=params))
            else:
                server.send(frame(b'{"jsonrpc": "2.0", "method": "textDocument/didChange", "params": '))
        for msg_id in pending:
            await server.response(msg_id)

        finals = {uri: await server.diagnostics(uri, versions[uri]) for uri in texts}
        fresh = await RawServer.start(fresh_root)
        try:
            for uri, text in texts.items():
                name = uri.rsplit("/", 1)[1]
                fresh_uri = (fresh_root / name).as_uri()
                fresh.send(
                    message(
                        method="textDocument/didOpen",
                        params={
                            "textDocument": {
                                "uri": fresh_uri,
                                "languageId": DOCUMENTS[name][0],
                                "version": 1,
                                "text": text.text,
                            }
                        },
                    )
                )
                assert summary(finals[uri]) == summary(await fresh.diagnostics(fresh_uri, 1)), name
            assert await fresh.stop() == 0
        finally:
            await fresh.kill()
        assert await server.stop() == 0
    finally:
        await server.kill()
