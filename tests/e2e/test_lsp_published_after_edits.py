"""End to end: after a sequence of edits, each analysed and published in turn, the diagnostics the
server publishes are exactly those of the final text opened afresh: every field, ``data`` (the
fixes' and the suppression's edits, or the lean keys) included, in the same order.

The server reuses the diagnostics (and their JSON) of findings that did not change
(``lsp/convert.DiagnosticCache``); this holds that reuse to a fresh conversion in Python,
JavaScript and Java, for clients that resolve code actions (lean ``data``) and those that do not.
A fixed seed per case keeps failures reproducible.
"""

from __future__ import annotations

import random

import pytest
from conftest import apply_text_edits
from lsprotocol import types

TOKEN = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0" + "P9o8N7m6L5k4J3i2"

PYTHON = f'''import pickle
import subprocess

from flask import Flask, request

app = Flask(__name__)
token = "{TOKEN}"
😀 = 'emoji'


@app.route("/run")
def run():
    return subprocess.check_output("ls " + request.args["dir"], shell=True)


@app.route("/calc")
def calc():
    return str(eval(request.args["expr"]))


def load(blob):
    return pickle.loads(blob)
'''

JAVASCRIPT = f"""const express = require('express');
const child_process = require('child_process');
const crypto = require('crypto');
const app = express();
const apiToken = "{TOKEN}";

app.get('/run', (req, res) => {{
  const dir = req.query.dir;
  child_process.exec('ls ' + dir, (err, out) => res.send(out));
}});

app.get('/calc', (req, res) => {{
  res.send(String(eval(req.query.expr)));
}});

app.get('/hello', (req, res) => {{
  res.send('<p>Hello ' + req.query.name + '</p>');
}});

function digest(data) {{
  return crypto.createHash('md5').update(data).digest('hex');
}}

app.get('/fn', (req, res) => {{
  const f = new Function('x', req.body.code);
  res.json({{ value: f(1), digest: digest(req.query.v) }});
}});

app.listen(3000);
"""

JAVA = f"""package com.example.shop;

import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.servlet.http.HttpServletRequest;

public class Shop {{
    private static final String TOKEN = "{TOKEN}";
    private Connection connection;

    public void run(HttpServletRequest request) throws Exception {{
        String command = request.getParameter("cmd");
        Runtime.getRuntime().exec(command);
    }}

    public ResultSet find(HttpServletRequest request) throws Exception {{
        Statement statement = connection.createStatement();
        return statement.executeQuery("SELECT * FROM items WHERE name = '" + request.getParameter("name") + "'");
    }}

    public byte[] digest(byte[] data) throws Exception {{
        return MessageDigest.getInstance("MD5").digest(data);
    }}
}}
"""

CASES = {
    "python": ("app.py", PYTHON, "# ignored\n"),
    "javascript": ("app.js", JAVASCRIPT, "// ignored\n"),
    "java": ("Shop.java", JAVA, "    // ignored\n"),
}


# After how many edits the published diagnostics are compared with a fresh open of the text.
CHECKPOINTS = (3, 10, 20, 30)


def _code_points(line: str, utf16: int) -> int:
    count = 0
    for index, char in enumerate(line):
        if count >= utf16:
            return index
        count += 2 if ord(char) > 0xFFFF else 1
    return len(line)


def _utf16(line: str, code_points: int) -> int:
    return len(line[:code_points].encode("utf-16-le")) // 2


def random_edit(
    rng: random.Random, text: str, filler: str, diagnostics: list[types.Diagnostic]
) -> types.TextEdit:
    """An edit as a person makes them: a character typed or deleted, a line duplicated (moving every
    finding below it), deleted, split or joined, or a comment line pasted above a line. Half of them
    on a line that has a diagnostic, after its range: where the finding may stay the same while
    what its ``data`` says (the suppression comment's column, a fix's range) moves."""
    lines = text.split("\n")
    n = rng.randrange(len(lines) - 1)
    column = rng.randint(0, len(lines[n]))
    if diagnostics and rng.random() < 0.5:
        end = rng.choice(diagnostics).range.end
        n = min(end.line, len(lines) - 2)
        column = rng.randint(min(_code_points(lines[n], end.character), len(lines[n])), len(lines[n]))
    line = lines[n]
    at = types.Position(n, _utf16(line, column))
    start_of_line = types.Position(n, 0)
    kind = rng.choice(["type", "delete", "duplicate", "remove", "split", "join", "paste"])
    if kind == "type":
        return types.TextEdit(range=types.Range(at, at), new_text=rng.choice([" ", "x", "(", "'", "1"]))
    if kind == "delete" and column < len(line):
        end = types.Position(n, _utf16(line, rng.randint(column + 1, len(line))))
        return types.TextEdit(range=types.Range(at, end), new_text="")
    if kind == "duplicate":
        return types.TextEdit(range=types.Range(start_of_line, start_of_line), new_text=line + "\n")
    if kind == "remove":
        return types.TextEdit(range=types.Range(start_of_line, types.Position(n + 1, 0)), new_text="")
    if kind == "join":
        end_of_line = types.Position(n, _utf16(line, len(line)))
        return types.TextEdit(range=types.Range(end_of_line, types.Position(n + 1, 0)), new_text="")
    if kind == "paste":
        return types.TextEdit(range=types.Range(start_of_line, start_of_line), new_text=filler)
    return types.TextEdit(range=types.Range(at, at), new_text="\n")


@pytest.mark.parametrize("resolve", [True, False], ids=["lean", "full-data"])
@pytest.mark.parametrize("language", sorted(CASES))
async def test_published_diagnostics_after_edits_equal_a_fresh_open(session, language, resolve):
    session.resolve = resolve
    await session.initialize()
    name, text, filler = CASES[language]
    rng = random.Random(f"{language}-{resolve}")
    uri = session.open(f"edited/{name}", text, language)
    diagnostics = await session.diagnostics(uri, version=1)
    compared: list[set[str]] = []
    for step in range(1, 31):
        edit = random_edit(rng, text, filler, diagnostics)
        text = apply_text_edits(text, [edit])
        version = session.change(
            uri, types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text)
        )
        # Each version analysed and published: the next analysis reuses this one's diagnostics.
        diagnostics = await session.diagnostics(uri, version=version)
        if step in CHECKPOINTS:
            fresh_uri = session.open(f"fresh{step}/{name}", text, language)
            assert diagnostics == await session.diagnostics(fresh_uri, version=1), f"after {step} edits"
            session.close(fresh_uri)
            compared.append({str(d.code) for d in diagnostics})
    assert max(map(len, compared)) >= 2, "some checkpoint should have findings of more than one rule"
