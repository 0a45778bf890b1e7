"""Programs with same-file factories, and edits of them, for the incremental == fresh property tests.

A call on a factory's result (``make().run(x)``, ``q = make(); q.run(x)``) runs the method of the
class the factory's summary says it returns: editing the factory to return another class, or
editing, renaming or removing that class's method, must re-check the callers (and the callers of
a helper that makes such a call). Random edits at random places rarely hit those spots, so a step
here is either a targeted replacement (the first occurrence of an old text, when there is one) or
a random edit of a few characters (which also breaks and repairs the syntax).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from hypothesis import strategies as st

from landguard.engine.analyze import Analysis
from landguard.engine.document import Document
from landguard.engine.findings import Finding
from landguard_testing import utf16_range

PYTHON = """import os
import shlex
from flask import request

from lib import Imported


class Shell:
    def run(self, command):
        os.system(command)


class Quoted:
    def run(self, command):
        os.system(shlex.quote(command))


def make():
    return Quoted()


def pick(flag):
    if flag:
        return Quoted()
    runner = Quoted()
    return runner


def view():
    make().run(request.args["a"])


def kept():
    runner = pick(request.args.get("f"))
    runner.run(request.args["b"])


def wrapper(value):
    make().run(value)


def outer():
    wrapper(request.args["c"])
"""

PYTHON_REPLACEMENTS = (
    ("return Quoted()", "return Shell()"),
    ("return Shell()", "return Quoted()"),
    ("runner = Quoted()", "runner = Shell()"),
    ("runner = Shell()", "runner = Quoted()"),
    ("return Quoted()", "return Imported()"),
    ("return Imported()", "return Shell()"),
    ("os.system(shlex.quote(command))", "os.system(command)"),
    ("os.system(command)", "os.system(shlex.quote(command))"),
    ("def run(self, command)", "def start(self, command)"),
    ("def start(self, command)", "def run(self, command)"),
    ("runner = pick(", "runner = make("),
    ("runner = make(", "runner = pick("),
    ('make().run(request.args["a"])', 'runner = make()\n    runner.run(request.args["a"])'),
    ("make().run(value)", 'make().run("ls")'),
    ("class Quoted:", "class Other:"),
    ("class Other:", "class Quoted:"),
)

JAVASCRIPT = """const cp = require('child_process');

class Shell {
  launch(command) {
    cp.exec(command);
  }
}

class Counted {
  launch(lines) {
    cp.exec('head -n ' + parseInt(lines, 10));
  }
}

function make() {
  return new Counted();
}

function pick(flag) {
  if (flag) {
    return new Counted();
  }
  const runner = new Counted();
  return runner;
}

function literal() {
  return {
    launch(command) {
      cp.exec('ls ' + parseInt(command, 10));
    },
  };
}

function view(req, res) {
  make().launch(req.query.a);
}

function kept(req, res) {
  const runner = pick(req.query.f);
  runner.launch(req.query.b);
}

function viaLiteral(req, res) {
  literal().launch(req.query.c);
}

function wrapper(value) {
  make().launch(value);
}

function outer(req, res) {
  wrapper(req.query.d);
}
"""

JAVASCRIPT_REPLACEMENTS = (
    ("return new Counted()", "return new Shell()"),
    ("return new Shell()", "return new Counted()"),
    ("runner = new Counted()", "runner = new Shell()"),
    ("runner = new Shell()", "runner = new Counted()"),
    ("return new Counted()", "return new Imported()"),
    ("return new Imported()", "return new Shell()"),
    ("parseInt(lines, 10)", "lines"),
    ("'head -n ' + lines", "'head -n ' + parseInt(lines, 10)"),
    ("parseInt(command, 10)", "command"),
    ("'ls ' + command", "'ls ' + parseInt(command, 10)"),
    ("launch(command) {", "start(command) {"),
    ("start(command) {", "launch(command) {"),
    ("runner = pick(", "runner = make("),
    ("runner = make(", "runner = pick("),
    ("make().launch(req.query.a)", "const runner = make();\n  runner.launch(req.query.a)"),
    ("make().launch(value)", "make().launch('ls')"),
    ("class Counted {", "class Other {"),
    ("class Other {", "class Counted {"),
    ("return {", "const made = {"),
    ("const made = {", "return {"),
)

_PIECES = st.sampled_from(["", "x", "\n", "(", "return ", "    "])


def steps(replacements: tuple[tuple[str, str], ...]):
    """Lists of steps: ``(index,)`` replaces the first occurrence of ``replacements[index][0]``;
    ``(a, b, text)`` replaces the text between the fractions ``a`` and ``b`` of its length."""
    targeted = st.tuples(st.integers(0, len(replacements) - 1))
    random = st.tuples(st.floats(0, 1), st.floats(0, 1), _PIECES)
    return st.lists(st.one_of(targeted, targeted, targeted, random), min_size=1, max_size=8)


def edited_runs(
    document: Document,
    analysis: Analysis,
    replacements: tuple[tuple[str, str], ...],
    edits: Iterable[tuple],
) -> Iterator[tuple[str, list[Finding]]]:
    """Apply ``edits`` (``steps``) one by one, re-running ``analysis`` incrementally after each;
    yields the text after the edit and the incremental findings (a replacement whose old text is
    not there is skipped)."""
    analysis.run()
    text = document.text
    for edit in edits:
        if len(edit) == 1:
            old, new = replacements[edit[0]]
            start = text.find(old)
            if start < 0:
                continue
            end = start + len(old)
        else:
            a, b, new = edit
            start, end = sorted((int(a * len(text)), int(b * len(text))))
        change = document.apply_change(utf16_range(text, start, end), new)
        text = text[:start] + new + text[end:]
        yield text, analysis.run([change])
