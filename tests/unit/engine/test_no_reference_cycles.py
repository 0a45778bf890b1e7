"""A checked file's analysis is freed when the run lets go of it, by reference counting alone.

A reference cycle through the document (the JavaScript unit walk's recursive closure) kept its tree
and every unit's IR alive until the cyclic collector ran; in a whole-tree scan of webpack those
collections were ~8 % of the CPU, most of it spent tracing the IR of files already done. With the
collector off, the document must go.
"""

from __future__ import annotations

import gc
import weakref

import pytest

from landguard.engine.analyze import Analysis
from landguard.engine.config import Config
from landguard.engine.document import Document

JS = """
const { exec } = require("child_process");
function helper(cmd) { exec(cmd); }
module.exports = function handler(req, res) {
  const items = [1, 2].map((x) => x + 1);
  helper(req.query.cmd);
  res.send(items);
};
"""

PY = """
import subprocess

def helper(cmd):
    subprocess.run(cmd, shell=True)

def view(request):
    helper(request.GET["cmd"])
"""


@pytest.fixture
def no_collector():
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@pytest.mark.parametrize(("text", "path"), [(JS, "app.js"), (PY, "app.py")], ids=["javascript", "python"])
def test_a_checked_document_is_freed_without_the_collector(text, path, no_collector) -> None:
    document = Document(text, path=path)
    findings = Analysis(document, Config(), incremental=False).run()
    assert findings  # the taint rules ran: the flow, its analysis and the file's IR were built
    gone = weakref.ref(document)
    del document
    assert gone() is None
