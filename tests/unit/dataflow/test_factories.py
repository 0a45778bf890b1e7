"""Interface implementations returned by a same-file factory (issue #9, docs/dataflow.md).

A method called on a factory's result runs the method of the class the factory's summary returns
(its ``classes``); a factory picking between two classes runs both (joined); a class the file does
not define (imported, unknown) leaves the call unknown, as before.
"""

from __future__ import annotations

from landguard.checks.code_rule import rules_check
from landguard.dataflow import ir
from landguard.dataflow.interpret import FileAnalysis, instance_methods
from landguard.dataflow.models import load_models
from landguard.engine.analyze import Analysis
from landguard.engine.config import Config
from landguard.engine.document import Document


def _lines(text: str, path: str, rule: str) -> set[int]:
    language = "python" if path.endswith(".py") else "javascript"
    found = Analysis(Document(text, path=path), Config(), [rules_check(language)]).run()
    return {f.span.start_line + 1 for f in found if f.rule_id == rule}


PYTHON = """import os
from flask import request
from lib import Imported


class Fixed:
    def build(self, value):
        return "ls"


class Passing:
    def build(self, value):
        return "ls " + value


def fixed():
    return Fixed()


def either(flag):
    if flag:
        return Fixed()
    return Passing()


def imported():
    return Imported()


def constant_from_the_returned_class():
    os.system(fixed().build(request.args["a"]))


def either_class_may_pass_it_on():
    os.system(either(request.args.get("f")).build(request.args["a"]))


def an_imported_class_is_an_unknown_call():
    os.system(imported().build(request.args["a"]))
"""


def test_python_the_returned_class_decides_what_the_call_returns():
    # Line 31: Fixed.build returns a constant (before: an unknown call carrying its argument);
    # line 35: Passing.build passes it on; line 39: Imported is not this file's, so unknown.
    assert _lines(PYTHON, "a.py", "LG202") == {35, 39}


JAVASCRIPT = """const cp = require('child_process');

function literal() {
  return {
    build(value) {
      return 'ls';
    },
    passing(value) {
      return this.build(value) + value;
    },
  };
}

function constantFromTheLiteral(req, res) {
  cp.exec(literal().build(req.query.a));
}

function passedOnByTheLiteral(req, res) {
  const made = literal();
  cp.exec(made.passing(req.query.a));
}
"""


def test_javascript_an_object_literal_a_factory_returns_is_its_instance():
    # `this.build` inside the literal's method is the literal's own `build` (`literal().build`).
    assert _lines(JAVASCRIPT, "a.js", "LG303") == {20}


def test_instance_calls_are_read_from_the_ir_alone():
    make = ir.Call("make", "make")
    q = ir.Name("q")
    function = ir.Function(
        "f",
        (),
        (
            ir.Assign(q, make),
            ir.Eval(ir.Call(None, "run", receiver=q)),
            ir.Eval(ir.Call(None, "stop", receiver=ir.Call("make", "make"))),
            ir.Eval(ir.Call(None, "append", receiver=ir.Name("items"))),  # not a factory's result
        ),
        key="f",
    )
    run = ir.Function("run", (), (), key="Shell.run", class_name="Shell")
    other = ir.Function("run", (), (), key="Other.run", class_name="Other")
    analysis = FileAnalysis([function, run, other], load_models("python"))
    assert instance_methods(function) == {"run", "stop"}
    # Every class's `run`, whichever the factory returns: the call graph is the IR's.
    assert {"Shell.run", "Other.run"} <= analysis.summary_names(function)


def test_an_instance_assigned_on_one_branch_keeps_its_class():
    text = """import os
from flask import request


class Shell:
    def run(self, command):
        os.system(command)


def make():
    return Shell()


def view():
    if request.args.get("f"):
        runner = make()
    runner.run(request.args["x"])
"""
    assert _lines(text, "a.py", "LG202") == {17}
