"""CPU of a whole-tree ``landguard check`` per phase, in one process (``-j 1``).

    PYTHONPATH=server .venv/bin/python bench/phase_cpu.py TREE

Timers wrap each phase's entry point (reading, decoding, parsing, lowering, interpretation, the
secrets scanner, tree-sitter queries, every rule's ``check_unit``, the JSON report ...) and count
CPU time (``time.process_time``) exclusively: a phase entered inside another is not counted in its
caller. Reentry into the phase already running (recursive lowering) is not timed again. The timers
cost ~10 % themselves, and the cyclic collector's time lands in whichever phase allocated.
"""

from __future__ import annotations

import collections
import contextlib
import importlib
import inspect
import io
import pkgutil
import sys
import time
from collections.abc import Callable

clock = time.process_time
totals: collections.Counter[str] = collections.Counter()
calls: collections.Counter[str] = collections.Counter()
running: list[list] = []  # [phase, start, time spent in phases entered from it]


def timed(owner: object, attribute: str, phase: str) -> None:
    original: Callable = getattr(owner, attribute)

    def wrapper(*args, **kwargs):
        if running and running[-1][0] == phase:
            return original(*args, **kwargs)
        running.append([phase, clock(), 0.0])
        try:
            result = original(*args, **kwargs)
            if phase.startswith("rule ") and hasattr(result, "__next__"):
                result = iter(list(result))  # a rule's generator runs here, not in its caller
            return result
        finally:
            name, start, inner = running.pop()
            spent = clock() - start
            totals[name] += spent - inner
            calls[name] += 1
            if running:
                running[-1][2] += spent

    setattr(owner, attribute, wrapper)


def instrument() -> None:
    module = importlib.import_module
    from landguard.engine import analyze, languages
    from landguard.engine.document import Document

    workspace = module("landguard.workspace")
    timed(workspace, "scan_file", "scan glue (scan_file, locate)")
    timed(workspace, "read_regular", "read")
    timed(workspace, "decode", "decode")
    timed(Document, "__init__", "document (lines, index)")
    timed(Document, "_parse", "tree-sitter parse")
    timed(analyze.Analysis, "_run_line_check", "line checks (other)")
    timed(analyze, "post_process", "post-process (suppressions, markers)")
    timed(analyze.Analysis, "_run_node_check_by_text", "checks by unit text (imports ...)")
    timed(analyze.Analysis, "_run_document_check", "document checks")
    timed(analyze, "unit_matches", "queries (unit_matches)")
    timed(languages, "captures", "queries (captures)")
    timed(module("landguard.checks.secrets.scanner").SecretsScanner, "scan_lines", "secrets scanner")
    timed(module("landguard.checks.code_rule").CodeRulesCheck, "check_node", "code rules (dispatch)")
    timed(module("landguard.checks.code_rule").CodeRulesCheck, "check_nodes", "code rules (dispatch)")
    timed(module("landguard.languages.javascript")._Lowerer, "lower_unit", "lowering JS")
    timed(module("landguard.languages.python")._Lowerer, "function", "lowering Python")
    timed(module("landguard.languages.java")._Lowerer, "unit", "lowering Java")
    timed(module("landguard.checks.java._support").JavaCheck, "applies", "Java prefilters (applies)")
    interpret = module("landguard.dataflow.interpret")
    timed(interpret._Interpreter, "run", "dataflow interpretation")
    timed(interpret.FileAnalysis, "may_reach_sink", "dataflow prefilters")
    timed(interpret.FileAnalysis, "summary", "dataflow summaries")
    timed(module("landguard.checks.javascript._support"), "_build_unit_index", "JS pattern index (query)")
    timed(module("landguard.checks.javascript._flow"), "_relevant", "JS relevance test")
    timed(module("landguard.checks.python._dispatch"), "_model_sink_findings", "Python model-sink pass")
    timed(module("landguard.report.json_report"), "render", "JSON output")
    checks = module("landguard.checks")
    for info in pkgutil.walk_packages(checks.__path__, "landguard.checks."):
        leaf = info.name.rsplit(".", 1)[-1]
        if leaf.startswith("_") or leaf == "code_rule":
            continue
        rules = module(info.name)
        family = info.name.split(".")[2]
        for cls in vars(rules).values():
            if inspect.isclass(cls) and cls.__module__ == rules.__name__:
                for method in ("check_unit", "check_call"):
                    if method in vars(cls):
                        timed(cls, method, f"rule {family}/{leaf}")


def main() -> None:
    tree = sys.argv[1]
    from landguard import cli

    instrument()
    start = clock()
    sys.argv = ["landguard", "check", tree, "--no-cache", "--offline", "--format", "json", "-j", "1"]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        cli.main()
    total = clock() - start
    print(f"total CPU {total:.2f} s\n\n| phase | CPU s | share | calls |\n|---|---:|---:|---:|")
    for phase, spent in totals.most_common():
        print(f"| {phase} | {spent:.2f} | {100 * spent / total:.1f} % | {calls[phase]} |")
    rest = total - sum(totals.values())
    print(f"| not in a phase (start-up, file walk) | {rest:.2f} | {100 * rest / total:.1f} % | |")


if __name__ == "__main__":
    main()
