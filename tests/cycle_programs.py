"""Programs whose same-file functions call each other in cycles, in Python, JavaScript and Java.

A program is a ``Program``: a module constant ``DEBUG``, an entry function ``f0`` that reads request
data and passes it through ``f1`` to a command sink (and returns something), and helpers
``f1``..``fn-1`` whose bodies are drawn from ``BODIES``: calling the next function (the last one
calls ``f0`` again, closing the cycle), calling themselves, constant-folded branches on ``DEBUG``
around those calls, a sink inside the helper, a sanitizer, a constant, and the next function's
name as a value (handed on, returned, called through a variable or a closure: only some of those
are edges of the call graph, and the results must not tell which). ``render(program,
language)`` writes it in one of the three languages with the same meaning, so one hypothesis
strategy drives the same shapes through every adapter and the one dataflow core.

``edit(old, new)`` is the single text replacement (common prefix and suffix kept) that turns one
rendering into the other, as an editor sends it: the property tests apply it to a ``Document`` and
compare the incremental analysis with a fresh one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from hypothesis import strategies as st

# Helper bodies, in a neutral notation rendered per language: ``NEXT`` is the next function of the
# cycle, ``SELF`` the helper itself; each line is one statement, ``if DEBUG: <stmt>`` a guarded one.
BODIES: tuple[tuple[str, ...], ...] = (
    ("return NEXT(value)",),
    ("if DEBUG: return NEXT(value)", "return 'ls'"),
    ("if DEBUG: return 'ls'", "return NEXT(value)"),
    ("if DEBUG: return value", "return NEXT(value)"),
    ("return 'echo ' + value",),
    ("return 'echo ' + NEXT(value)",),
    ("return digits(NEXT(value))",),
    ("return digits(value)",),
    ("sink('ls ' + value)", "return NEXT(value)"),
    ("if DEBUG: sink('ls ' + value)", "return NEXT(value)"),
    ("return NEXT('k')",),
    ("if DEBUG: return SELF(value)", "return NEXT(value)"),
    ("return 'ls'",),
    # Function names used as values: handed on (never called here), returned, called through a
    # local variable, through a closure, through a variable a closure captured.
    ("keep(NEXT)", "return value"),
    ("if DEBUG: keep(NEXT)", "return 'echo ' + value"),
    ("return NEXT",),
    ("cb = NEXT", "return cb(value)"),
    ("cb = NEXT", "if DEBUG: return cb(value)", "return 'ls'"),
    ("run = () => NEXT(value)", "return run()"),
    ("cb = NEXT", "run = () => cb(value)", "return 'echo ' + run()"),
)
# The entry's statements before its sink, and what it returns.
ENTRY_BEFORE: tuple[tuple[str, ...], ...] = ((), ("if DEBUG: log('debug')",), ("if DEBUG: return 'ls'",))
ENTRY_RETURNS: tuple[str, ...] = ("return 'ls'", "return value", "return NEXT(value)")
DEBUG_VALUES: tuple[object, ...] = (False, True, 0, 1)


@dataclass(frozen=True)
class Program:
    debug: object
    before: int  # index into ENTRY_BEFORE
    returns: int  # index into ENTRY_RETURNS
    bodies: tuple[int, ...]  # one index into BODIES per helper f1..fn-1

    @property
    def size(self) -> int:
        return 1 + len(self.bodies)


def programs() -> st.SearchStrategy[Program]:
    """Cycles of two or three functions (the entry and one or two helpers)."""
    return st.builds(
        Program,
        st.sampled_from(DEBUG_VALUES),
        st.integers(0, len(ENTRY_BEFORE) - 1),
        st.integers(0, len(ENTRY_RETURNS) - 1),
        st.lists(st.integers(0, len(BODIES) - 1), min_size=1, max_size=2).map(tuple),
    )


def mutations(size: int) -> st.SearchStrategy[tuple[str, int, int]]:
    """One edit of a program: ("debug", value index, 0), ("before"/"returns", index, 0) or
    ("body", helper position, body index)."""
    return st.one_of(
        st.tuples(st.just("debug"), st.integers(0, len(DEBUG_VALUES) - 1), st.just(0)),
        st.tuples(st.just("before"), st.integers(0, len(ENTRY_BEFORE) - 1), st.just(0)),
        st.tuples(st.just("returns"), st.integers(0, len(ENTRY_RETURNS) - 1), st.just(0)),
        st.tuples(st.just("body"), st.integers(0, size - 2), st.integers(0, len(BODIES) - 1)),
    )


def mutate(program: Program, mutation: tuple[str, int, int]) -> Program:
    what, a, b = mutation
    if what == "debug":
        return replace(program, debug=DEBUG_VALUES[a])
    if what == "before":
        return replace(program, before=a)
    if what == "returns":
        return replace(program, returns=a)
    bodies = list(program.bodies)
    bodies[a % len(bodies)] = b
    return replace(program, bodies=tuple(bodies))


def edit(old: str, new: str) -> tuple[int, int, str]:
    """(start, end, replacement) in ``old``: the one replacement that makes ``new``."""
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    return start, end_old, new[start:end_new]


# ---------------------------------------------------------------------------------------- rendering


def render(program: Program, language: str) -> str:
    return {"python": _python, "javascript": _javascript, "java": _java}[language](program)


def _names(program: Program) -> list[str]:
    return [f"f{index}" for index in range(program.size)]


def _statements(program: Program, position: int) -> tuple[str, ...]:
    """The neutral statements of function ``position`` (0: the entry)."""
    names = _names(program)
    following = names[(position + 1) % program.size]
    if position == 0:
        lines = (
            *ENTRY_BEFORE[program.before],
            "sink(NEXT(REQUEST))",
            ENTRY_RETURNS[program.returns],
        )
    else:
        lines = BODIES[program.bodies[position - 1]]
    return tuple(line.replace("NEXT", following).replace("SELF", names[position]) for line in lines)


def _python(program: Program) -> str:
    def statement(line: str) -> str:
        line = line.replace("sink(", "os.system(").replace("log(", "print(").replace("digits(", "str(int(")
        line = line.replace("() => ", "lambda: ")
        line = line.replace("REQUEST", 'request.args["name"]')
        return line + ")" * line.count("str(int(")

    out = ["import os", "from flask import request", "", f"DEBUG = {program.debug!r}", ""]
    for position, name in enumerate(_names(program)):
        out += ["", f"def {name}(value):"]
        for line in _statements(program, position):
            if line.startswith("if DEBUG: "):
                out += ["    if DEBUG:", "        " + statement(line[len("if DEBUG: ") :])]
            else:
                out.append("    " + statement(line))
    return "\n".join(out) + "\n"


def _javascript(program: Program) -> str:
    def statement(line: str) -> str:
        line = (
            line.replace("sink(", "cp.exec(")
            .replace("log(", "console.log(")
            .replace("digits(", "String(parseInt(")
        )
        line = line.replace("REQUEST", "req.query.name")
        if line.startswith(("cb = ", "run = ")):
            line = "const " + line
        return line + ")" * line.count("String(parseInt(") + ";"

    debug = {False: "false", True: "true"}.get(program.debug, str(program.debug))  # type: ignore[arg-type]
    out = ["const cp = require('child_process');", "", f"const DEBUG = {debug};"]
    for position, name in enumerate(_names(program)):
        params = "req, res" if position == 0 else "value"
        out += ["", f"function {name}({params}) {{"]
        if position == 0:
            out.append("  const value = req;")
        for line in _statements(program, position):
            if line.startswith("if DEBUG: "):
                out += ["  if (DEBUG) {", "    " + statement(line[len("if DEBUG: ") :]), "  }"]
            else:
                out.append("  " + statement(line))
        out.append("}")
    return "\n".join(out) + "\n"


def _java(program: Program) -> str:
    def statement(line: str) -> str:
        line = line.replace("sink(", "Runtime.getRuntime().exec(").replace("log(", "System.out.println(")
        line = line.replace("digits(", "String.valueOf(Integer.parseInt(").replace("'", '"')
        line = line.replace("REQUEST", 'request.getParameter("name")')
        # Function values: a method reference in a functional interface, called through its method.
        line = line.replace("cb(value)", "cb.apply(value)").replace("run()", "run.get()")
        line = line.replace("() => ", "() -> ")
        if line.startswith("cb = "):
            line = "java.util.function.UnaryOperator<String> cb = this::" + line[len("cb = ") :]
        elif line.startswith("run = "):
            line = "java.util.function.Supplier<String> " + line
        elif line.startswith("return f") and "(" not in line:
            line = "return this::" + line[len("return ") :]
        elif line.startswith("keep("):
            line = "keep(this::" + line[len("keep(") :]
        return line + ")" * line.count("String.valueOf(Integer.parseInt(") + ";"

    # An int constant: Java has no truthy numbers, so `DEBUG > 0` is the test for every value.
    debug = {False: "0", True: "1"}.get(program.debug, str(program.debug))  # type: ignore[arg-type]
    out = [
        "import javax.servlet.http.HttpServletRequest;",
        "",
        "class Cycle {",
        f"    private static final int DEBUG = {debug};",
    ]
    for position, name in enumerate(_names(program)):
        params = "HttpServletRequest request" if position == 0 else "String value"
        out += ["", f"    String {name}({params}) throws Exception {{"]
        if position == 0:
            out.append('        String value = request.getParameter("id");')
        for line in _statements(program, position):
            if line.startswith("if DEBUG: "):
                out += [
                    "        if (DEBUG > 0) {",
                    "            " + statement(line[len("if DEBUG: ") :]),
                    "        }",
                ]
            else:
                out.append("        " + statement(line))
        out.append("    }")
    out.append("}")
    return "\n".join(out) + "\n"
