"""A function in no call cycle when its summary was kept, and no suspect now, is in none: the call
graph's walk for cycles (``FileAnalysis.cycle_of``) stops there instead of walking all it reaches
again (``_kept_acyclic``). An edit inside a helper that many functions call then walks from those
callers to the helper only; and an edit that closes a cycle through kept functions is found."""

from __future__ import annotations

import pytest

from landguard.dataflow.interpret import FileAnalysis
from landguard.engine.analyze import Analysis
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document

CONFIG = Config(dependencies=DependencySettings(online=False))

# ``leaf_N`` chain below ``helper`` (unchanged by the edits), ``caller_N`` above it.
CHAIN = 30
HEAD = "const express = require('express');\nconst cp = require('child_process');\nconst app = express();\n"


def _program(helper_body: str) -> str:
    leaves = "".join(f"function leaf{n}(x) {{ return leaf{n + 1}(x).trim(); }}\n" for n in range(CHAIN))
    leaves += f"function leaf{CHAIN}(x) {{ return x; }}\n"
    callers = "".join(f"function caller{n}(x) {{ return helper(x) + {n}; }}\n" for n in range(10))
    handler = "app.get('/', (req, res) => { res.send(caller3(req.query.q)); });\n"
    return HEAD + leaves + f"function helper(x) {{ {helper_body} }}\n" + callers + handler


def _fresh(document: Document) -> list:
    return Analysis(Document(document.text, path=document.path), CONFIG, incremental=False).run()


def _edit_helper(document: Document, body: str):
    line = next(n for n, text in enumerate(document.lines) if text.startswith("function helper("))
    return document.apply_change(
        (line, 0, line, len(document.lines[line])), f"function helper(x) {{ {body} }}"
    )


def _walked(monkeypatch) -> list[str]:
    walked: list[str] = []
    original = FileAnalysis._graph_callees

    def recording(self, function, memo):
        if id(function) not in memo:
            walked.append(function.name)
        return original(self, function, memo)

    monkeypatch.setattr(FileAnalysis, "_graph_callees", recording)
    return walked


def test_an_edit_inside_a_helper_does_not_walk_what_the_helper_reaches_again(monkeypatch):
    document = Document(_program("return leaf0(x);"), path="app.js")
    analysis = Analysis(document, CONFIG)
    analysis.run()
    analysis.tidy()
    walked = _walked(monkeypatch)
    change = _edit_helper(document, "cp.exec('ls ' + x); return leaf0(x);")
    found = analysis.run([change])
    assert any(name == "helper" for name in walked)
    assert not any(name.startswith("leaf") for name in walked), walked  # kept: in no cycle, no suspect
    assert found == _fresh(document) and found


@pytest.mark.parametrize("body", ["return caller3(x);", "return leaf0(caller5(x));"])
def test_an_edit_that_closes_a_cycle_through_kept_functions_is_analysed_as_a_cycle(body):
    document = Document(_program("cp.exec('ls ' + x); return leaf0(x);"), path="app.js")
    analysis = Analysis(document, CONFIG)
    analysis.run()
    analysis.tidy()
    change = _edit_helper(document, "cp.exec('ls ' + x); " + body)
    assert analysis.run([change]) == _fresh(document)
    change = _edit_helper(document, "return leaf0(x);")  # and open again
    assert analysis.run([change]) == _fresh(document)
