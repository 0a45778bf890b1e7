"""Where a cold ``landguard check`` spends its time: per phase, per kind of work, per code rule.

Takes an evenly spread sample of a real tree (``bench/cli_throughput.py``'s corpora, cached in
``$LANDGUARD_REALWORLD_CACHE``), copies it to a temporary folder and records one cold
single-process run over it (``--no-cache --jobs 1``) with ``py-spy record --native``; then
attributes every sample to

- a phase: the first of parse, unit keys, line checks (secrets ...), code rules, other node checks
  (dependencies ...), post-processing ... on its stack;
- a kind of work: garbage collection, dataflow interpretation, lowering to the IR, tree-sitter
  queries and parsing, regular expressions, other Python;
- within the code rules: the rule whose ``check_call``/``check_unit`` is on the stack, or the piece
  of the dispatcher (model sinks, the dead-code test ...).

    .venv/bin/python bench/cold_profile.py [--corpus cpython:200,webpack:100] [--server DIR]

``--server DIR``: profile another checkout's ``server/`` (e.g. a ``git archive`` of main). py-spy
samples wall-clock time: on a loaded machine, compare shares, not seconds.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from cli_throughput import CORPORA  # noqa: E402 - the sibling benchmark's pinned corpora

# The first of these on a sample's stack names its phase.
PHASES = [
    ("unit cache keys", ("unit_context_key",)),
    ("parse + document", ("Document.__init__",)),
    ("line checks (secrets, invisible Unicode ...)", ("Analysis._run_line_check",)),
    ("code rules (LG2xx/LG3xx/LG4xx)", ("CodeRulesCheck.check_node",)),
    (
        "other node checks (dependencies ...)",
        ("Analysis._run_node_check_by_text", "Analysis._run_node_check"),
    ),
    ("document checks (manifests)", ("Analysis._run_document_check",)),
    ("post-processing (suppressions ...)", ("Analysis._finish",)),
    ("analysis set-up (loading checks)", ("Analysis.__init__",)),
    ("reading, decoding, locating", ("scan_file",)),
    ("start-up imports", ("_find_and_load",)),
]
# The first of these (prefixes ending in "." or "_" match any name they start) names the work.
KINDS = [
    ("gc", ("gc_collect_main",)),
    ("interpret", ("FileAnalysis.facts", "FileAnalysis.summary", "_Interpreter.")),
    ("lower", ("_Lowerer.", "lower_unit")),
    ("ts query", ("captures", "query_cursor_")),
    ("ts parse", ("ts_parser_parse",)),
    ("regex", ("sre_",)),
]
_DISPATCH = (
    "_model_sink_findings",
    "PythonFlow.is_dead",
    "_call_index",
    "_aliases",
    "qualified_call_name",
    "scope_imports",
)
_RULE_METHOD = re.compile(r"\w+\.(check_call|check_unit|applies)$")
_FRONTENDS = ("CodeRulesCheck", "PythonFrontend", "Frontend", "JavaScriptFrontend", "JavaFrontend")


def _name(frame: str) -> str:
    return frame.split(" (", 1)[0]


def _matches(name: str, mark: str) -> bool:
    if mark.endswith((".", "_")):
        return name.startswith(mark)
    return name == mark or name.endswith("." + mark)


def _first(names: list[str], table: list[tuple[str, tuple[str, ...]]], default: str) -> str:
    for label, marks in table:
        if any(_matches(name, mark) for name in names for mark in marks):
            return label
    return default


def _rule_of(names: list[str]) -> str | None:
    if "CodeRulesCheck.check_node" not in names:
        return None
    for name in names[names.index("CodeRulesCheck.check_node") + 1 :]:
        if _RULE_METHOD.match(name) and not name.startswith(_FRONTENDS):
            return "rule " + name
        if name in _DISPATCH:
            return "dispatcher: " + name
    return "dispatcher: other"


def summarise(raw: Path) -> str:
    total = 0
    table: dict[str, Counter] = defaultdict(Counter)
    rules: Counter = Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        samples = int(count)
        total += samples
        names = [_name(frame) for frame in stack.split(";")]
        table[_first(names, PHASES, "other")][_first(names, KINDS, "python other")] += samples
        rule = _rule_of(names)
        if rule is not None:
            rules[rule] += samples
    kinds = [label for label, _ in KINDS] + ["python other"]
    out = [f"{total:,} samples\n", "| phase | share % | " + " | ".join(kinds) + " |"]
    out.append("|---|---:|" + "---:|" * len(kinds))
    for phase, counts in sorted(table.items(), key=lambda item: -sum(item[1].values())):
        cells = " | ".join(f"{100 * counts[k] / total:.1f}" for k in kinds)
        out.append(f"| {phase} | {100 * sum(counts.values()) / total:.1f} | {cells} |")
    overall: Counter = Counter()
    for counts in table.values():
        overall.update(counts)
    out.append("| **all** | 100 | " + " | ".join(f"{100 * overall[k] / total:.1f}" for k in kinds) + " |")
    out += ["", "| inside the code rules | share of the run % |", "|---|---:|"]
    out += [f"| {rule} | {100 * n / total:.1f} |" for rule, n in rules.most_common(25)]
    return "\n".join(out)


def sample(root: Path, suffixes: tuple[str, ...], count: int, into: Path) -> int:
    """Copy ``count`` files spread evenly over ``root``'s sorted code files; returns their lines."""
    files = sorted(
        p
        for p in root.rglob("*")
        if p.suffix in suffixes and p.is_file() and not p.is_symlink() and "node_modules" not in p.parts
    )
    step = max(1, len(files) / max(count, 1))
    picked = [files[int(i * step)] for i in range(min(count, len(files)))]
    for path in picked:
        target = into / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return sum(p.read_bytes().count(b"\n") for p in picked)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", default="cpython:200,webpack:100", help="NAME:FILES,... (cli_throughput's)"
    )
    parser.add_argument("--server", type=Path, help="profile this checkout's server/ instead of this one's")
    parser.add_argument("--rate", type=int, default=200, help="py-spy samples per second")
    args = parser.parse_args()
    py_spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if py_spy is None:
        raise SystemExit("py-spy is not installed (it comes with the [dev] extra: `make setup`)")
    server = (args.server or HERE.parent / "server").resolve()
    env = {**os.environ, "PYTHONPATH": str(server)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed tools run: bytecode cached
    for item in args.corpus.split(","):
        name, _, count = item.strip().partition(":")
        corpus = CORPORA[name]()
        with tempfile.TemporaryDirectory(prefix=f"landguard-profile-{name}-") as work:
            tree = Path(work, "tree")
            lines = sample(corpus.root, corpus.suffixes, int(count or 200), tree)
            raw = Path(work, "profile.txt")
            command = [sys.executable, "-P", "-m", "landguard.cli", "check", str(tree), "--no-cache"]
            command += ["--jobs", "1", "--offline", "--format", "json", "--fail-on", "never"]
            subprocess.run(
                [py_spy, "record", "--native", "-r", str(args.rate), "-f", "raw", "-o", str(raw), "--"]
                + command,
                check=True,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            print(f"\n### {corpus.name}: {count} files, {lines:,} lines (cold, --jobs 1, {server})\n")
            print(summarise(raw))


if __name__ == "__main__":
    main()
