"""The model-sink pass's source gate changes no finding (issue #9).

``PythonFlow.may_carry_by_text(unit, strength)`` (read from the units' words and the file's text,
no lowering): a unit it says cannot carry a label of ``strength`` has no function whose facts hold
one, on every unit of the fixture and corpus files and of real standard-library modules; and the
one-shot analysis (``landguard check``) with the gate finds exactly what it finds without it.
"""

from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest

from landguard.checks.python._support import python_dataflow
from landguard.dataflow.values import REQUEST, Taint
from landguard.engine.analyze import Analysis, analysis_units
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard.engine.findings import finding_to_dict
from landguard.engine.registry import CheckContext
from landguard.languages.python import PythonFlow

TESTS = Path(__file__).resolve().parents[2]
CONFIG = Config(dependencies=DependencySettings(online=False))
FIXTURES = sorted(
    path
    for folder in (TESTS / "unit" / "fixtures" / "python", TESTS / "corpus")
    for path in folder.rglob("*.py")
    if path.is_file()
)
STDLIB = Path(sysconfig.get_paths()["stdlib"])
# Real code: web servers and clients (``request`` everywhere), decorators, ``event`` and ``main``.
REAL = [
    STDLIB / name
    for name in (
        "http/server.py",
        "urllib/request.py",
        "wsgiref/simple_server.py",
        "xmlrpc/server.py",
        "asyncio/events.py",
        "functools.py",
        "subprocess.py",
    )
]


def test_the_files_exist():
    assert len(FIXTURES) > 40
    assert all(path.is_file() for path in REAL)


def _labels(facts) -> set:
    values = list(facts.values.values()) + list(facts.returns)
    values += [store.value for store in facts.stores]
    values += [hit.value for hit in facts.helper_hits]
    for call in facts.calls:
        values += [*call.args, *call.keywords.values(), call.result]
        values += [call.receiver] if call.receiver is not None else []
    return {label for value in values for label in value.all_labels()}


def _strengths(flow: PythonFlow) -> set[str]:
    models = flow.models
    return {row.get("strength", REQUEST) for row in (*models.sources.rows, *models.param_sources)}


def _check_superset(document: Document, *, editor: bool = False) -> tuple[int, int]:
    """Asserts the gate's promise on every unit; (units ruled out for ``request``, units).
    ``editor``: with the document's state attached, as in the editor's runs (which read each
    unit asked about rather than the whole file)."""
    flow = python_dataflow(document.tree.root_node, CheckContext(CONFIG))
    if editor:
        flow.attach(document)
        assert flow._state is not None
    units = analysis_units(document.tree.root_node)
    strengths = _strengths(flow)
    ruled_out = 0
    # Every answer first, as the model-sink pass asks them (before lowering what it rules out).
    answers = {
        (unit.id, strength): flow.may_carry_by_text(unit, strength)
        for unit in units
        for strength in strengths
    }
    for unit in units:
        carried = {
            label.strength
            for function in flow.lower_unit(unit).functions
            for label in _labels(flow.analysis.facts(function))
        }
        for strength in strengths:
            # Asked again after lowering: lowering module code may add import words (``q = Cls()``).
            if not answers[unit.id, strength] or not flow.may_carry_by_text(unit, strength):
                assert strength not in carried, (document.path, unit.start_point, strength)
        ruled_out += not answers[unit.id, REQUEST]
    return ruled_out, len(units)


@pytest.mark.parametrize("editor", [False, True], ids=["one-shot", "editor"])
@pytest.mark.parametrize("path", FIXTURES + REAL, ids=lambda p: p.name)
def test_a_unit_the_source_gate_rules_out_carries_no_label_of_that_strength(path: Path, editor: bool):
    _check_superset(Document(path.read_text(encoding="utf-8"), path=str(path)), editor=editor)


@pytest.mark.parametrize("editor", [False, True], ids=["one-shot", "editor"])
def test_the_source_gate_rules_out_most_units_of_code_without_web_requests(editor: bool):
    # Else the test above proves little.
    ruled_out = total = 0
    for path in REAL:
        found = _check_superset(Document(path.read_text(encoding="utf-8"), path=str(path)), editor=editor)
        ruled_out, total = ruled_out + found[0], total + found[1]
    assert ruled_out > total // 2, (ruled_out, total)


# Request data that enters only where the gate must look: a route decorator's tag, a Lambda
# handler's event, an unannotated ``request`` or ``req`` parameter, a framework import (``from flask import
# request``), a same-file helper reached through a factory's method, an annotation, a decorator
# hidden in a nested function, and a unit whose only source is split over two lines. Each reaches
# a sink inside a same-file helper (``shell``): reported by the model-sink pass alone.
_SHELL = "\n\ndef shell(c):\n    os.system(c)\n"
_ENTRIES = {
    "route": "import os\nfrom fastapi import FastAPI\napp = FastAPI()\n\n@app.get('/run')\ndef run(cmd):\n    shell(cmd)\n",
    "lambda": "import os\n\ndef lambda_handler(event, context):\n    shell(event['cmd'])\n",
    "request": "import os\n\ndef view(request):\n    shell(request.GET['cmd'])\n",
    "req": "import os\n\ndef view(req):\n    shell(req.GET['cmd'])\n",
    "flask": "import os\nfrom flask import request as r\n\ndef view():\n    shell(r.args['cmd'])\n",
    "helper": (
        "import os\nfrom flask import request\n\nclass Box:\n    def grab(self):\n        return request.args['c']\n\n"
        "def make():\n    return Box()\n\ndef use():\n    box = make()\n    shell(box.grab())\n"
    ),
    "annotated": "import os\nfrom django.http import HttpRequest\n\ndef view(r: HttpRequest):\n    shell(r.GET['cmd'])\n",
    "nested": (
        "import os\nfrom flask import Flask\napp = Flask(__name__)\n\ndef setup():\n"
        "    @app.route('/x/<cmd>')\n    def run(cmd):\n        shell(cmd)\n"
    ),
    "split": "import os\n\ndef view(request):\n    data = (request\n        .GET)\n    shell(data['cmd'])\n",
}


@pytest.mark.parametrize("incremental", [False, True], ids=["one-shot", "editor"])
@pytest.mark.parametrize("name", sorted(_ENTRIES))
def test_request_data_the_gate_must_see_is_seen_and_reported(name: str, incremental: bool):
    document = Document(_ENTRIES[name] + _SHELL, path=f"{name}.py")
    _check_superset(document, editor=incremental)
    findings = Analysis(document, CONFIG, incremental=incremental).run()
    assert any("inside `shell`" in f.message for f in findings), (name, [f.message for f in findings])


def _findings(text: str, path: str, *, gated: bool, monkeypatch) -> list[dict]:
    with monkeypatch.context() as patched:
        if not gated:
            patched.setattr(PythonFlow, "may_carry_by_text", lambda self, unit, strength: True)
        document = Document(text, path=path)
        return [finding_to_dict(f) for f in Analysis(document, CONFIG, incremental=False).run()]


@pytest.mark.parametrize("path", FIXTURES + REAL, ids=lambda p: p.name)
def test_one_shot_analysis_with_the_source_gate_finds_what_it_finds_without(path: Path, monkeypatch):
    text = path.read_text(encoding="utf-8")
    gated = _findings(text, str(path), gated=True, monkeypatch=monkeypatch)
    assert gated == _findings(text, str(path), gated=False, monkeypatch=monkeypatch)


@pytest.mark.parametrize("path", FIXTURES + REAL, ids=lambda p: p.name)
def test_request_reaches_is_taint_from_the_request_for_every_argument(path: Path):
    """``request_reaches`` (the rules' test for request data, gated) says what ``taint`` does."""
    from landguard.checks.python._support import (
        function_flow,
        request_reaches,
        scope_imports,
        taint,
        unit_calls,
    )
    from landguard.languages.python_syntax import positional_args, scope_of

    document = Document(path.read_text(encoding="utf-8"), path=str(path))
    context = CheckContext(CONFIG)
    for unit in analysis_units(document.tree.root_node):
        for call in unit_calls(unit, context):
            flow = function_flow(scope_of(call, unit), context)
            imports = scope_imports(call, document, context)
            for argument in positional_args(call)[:2]:
                for kind in ("command", "sql"):
                    expected = taint(argument, flow, imports, kind) == Taint.REQUEST
                    assert request_reaches(argument, flow, imports, kind) == expected, (
                        path.name,
                        call.start_point,
                    )


@pytest.mark.parametrize("path", FIXTURES + REAL, ids=lambda p: p.name)
def test_facts_carrying_a_strength_hold_every_label_of_it_the_unit_has(path: Path):
    """``facts_carrying`` (weak randomness, trust boundary), gated by the words: the labels of the
    strength in its facts are all those in the facts of every function of the unit."""
    document = Document(path.read_text(encoding="utf-8"), path=str(path))
    flow = python_dataflow(document.tree.root_node, CheckContext(CONFIG))
    strengths = _strengths(flow)
    for unit in analysis_units(document.tree.root_node):
        for strength in strengths:
            carrying = flow.facts_carrying(unit, strength)
            every = flow.unit_facts(unit)
            wanted = {label for facts in every for label in _labels(facts) if label.strength == strength}
            assert {
                label for facts in carrying for label in _labels(facts) if label.strength == strength
            } == wanted
