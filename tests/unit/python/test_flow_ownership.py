"""A run's ``PythonFlow`` owns its ``FileAnalysis``; the analysis's callbacks into the flow (its
resolver of same-file keys, its class-method names) hold the flow weakly. Were they strong, each
run's flow, analysis, lowerings and facts would form a cycle freed only by the cyclic collector
(on a whole tree, thousands of objects per large file waiting for a full collection)."""

from __future__ import annotations

import gc
import weakref

from landguard.checks.python._support import python_dataflow
from landguard.engine.analyze import Analysis, analysis_units
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard.engine.registry import CheckContext

CONFIG = Config(dependencies=DependencySettings(online=False))

SOURCE = """\
import os
from flask import request


def make():
    return Shell()


class Shell:
    def run(self, command):
        os.system(command)


def view():
    shell = make()
    shell.run(request.args["c"])
"""


def test_a_runs_flow_and_its_analysis_are_freed_without_the_cyclic_collector():
    document = Document(SOURCE, path="app.py")
    root = document.tree.root_node
    gc.collect()
    gc.disable()
    try:
        context = CheckContext(CONFIG)
        flow = python_dataflow(root, context)
        facts = [
            flow.analysis.facts(f) for unit in analysis_units(root) for f in flow.lower_unit(unit).functions
        ]
        assert any(facts_of.sink_hits("command") for facts_of in facts)  # the callbacks were used
        references = (weakref.ref(flow), weakref.ref(flow.analysis))
        del flow, facts, context
        assert [reference() for reference in references] == [None, None]
    finally:
        gc.enable()


def test_a_one_shot_run_leaves_no_garbage_cycle_of_the_python_analysis():
    document = Document(SOURCE, path="app.py")
    Analysis(document, CONFIG, incremental=False).run()  # imports, models, the rules' registry
    gc.collect()
    gc.disable()
    try:
        findings = Analysis(Document(SOURCE, path="app.py"), CONFIG, incremental=False).run()
        assert findings
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        kinds = {type(garbage).__module__ for garbage in gc.garbage}
        assert not {kind for kind in kinds if kind and kind.startswith("landguard")}, kinds
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
