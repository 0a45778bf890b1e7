"""A checked file's analysis is freed when the run lets go of it, by reference counting alone.

A reference cycle through the document or the dataflow view kept every unit's IR and facts alive
until the cyclic collector ran; in a whole-tree scan those collections were ~8 % of the CPU, most
of it spent tracing the IR of files already done. With the collector off, the objects must go.
"""

from __future__ import annotations

import gc
import weakref

import pytest

from landguard.engine.analyze import Analysis
from landguard.engine.config import Config
from landguard.engine.document import Document
from landguard.languages.python import PythonFlow

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


def test_the_python_flow_and_its_analysis_are_freed_without_the_collector(no_collector) -> None:
    root = Document(PY, path="app.py").tree.root_node
    flow = PythonFlow(root, {"subprocess": "subprocess"})
    analysis = flow.analysis
    assert flow.function_by_key("helper") is not None
    flow_gone, analysis_gone = weakref.ref(flow), weakref.ref(analysis)
    del flow, analysis
    assert flow_gone() is None and analysis_gone() is None


def test_an_analysis_outliving_its_flow_says_so() -> None:
    root = Document(PY, path="app.py").tree.root_node
    flow = PythonFlow(root, {"subprocess": "subprocess"})
    resolve = flow.analysis._resolve
    assert resolve("helper") is not None
    del flow
    gc.collect()
    with pytest.raises(ReferenceError):
        resolve("helper")
