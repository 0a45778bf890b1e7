"""Where each paste's run goes, by phase, and why units were checked again: per paste of
``edit_curve.py`` (the same places and lines as ``paste_units.py``), in process, exclusive CPU
(``time.process_time``) of:

- the engine's unit listing (``Analysis._units``), line checks, node finding, post-processing;
- the code rules' ``module_context_key``, ``unit_context_epoch`` and ``unit_context_key``;
- ``check_node``, split by whether the unit's text existed before the paste ("old text": it only
  moved, or its place or context changed) or not;
- for Java, the adapter's ``lower_unit``, ``JavaFile.lowering_context`` and the rest of its
  ``context_key`` (``file_functions``' walk), and the file analysis's ``summary_key``;
- "run(other)": the rest of ``Analysis._run`` (the engine's loops);

and, from the node cache's keys that are new after the paste, how many have a new text (or class
header), the same text at another grammar place (re-parented), or the same text key with another
unit context. The collector runs as in the server (``--server-gc`` of ``edit_cpu.py``).

    .venv/bin/python bench/paste_phases.py FILE... [--sizes 40] [--pastes 3]
    PYTHONPATH=/path/to/other/checkout/server .venv/bin/python bench/paste_phases.py FILE...
"""

from __future__ import annotations

import argparse
import functools
import gc
import time
from pathlib import Path

from places import paste_places

from landguard.checks.code_rule import CodeRulesCheck
from landguard.dataflow.interpret import FileAnalysis
from landguard.engine import analyze
from landguard.engine.analyze import Analysis
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard.languages import java
from landguard.lsp.gc_policy import YOUNG_THRESHOLD

_spent: dict[str, float] = {}
_calls: dict[str, int] = {}
_open: list[list] = []  # [phase, CPU of the phases called inside it]
_texts_before: set[bytes] = set()


def _timed(owner: object, name: str, phase: str | None = None, classify=None) -> None:
    """Wrap ``owner.name`` so its exclusive CPU is added to ``phase`` (or to ``classify(*args)``)."""
    method = getattr(owner, name)

    @functools.wraps(method)
    def timed(*args, **kwargs):
        label = classify(*args) if classify is not None else phase or name
        started = time.process_time()
        _open.append([label, 0.0])
        try:
            return method(*args, **kwargs)
        finally:
            elapsed = time.process_time() - started
            _, inside = _open.pop()
            _spent[label] = _spent.get(label, 0.0) + elapsed - inside
            _calls[label] = _calls.get(label, 0) + 1
            if _open:
                _open[-1][1] += elapsed

    setattr(owner, name, timed)


def _check_phase(check, unit, document, context) -> str:
    text = document.source[unit.start_byte : unit.end_byte]
    return "check_node(old text)" if text in _texts_before else "check_node(new text)"


def _instrument() -> None:
    for name in ("_units", "_run_line_check", "_find_nodes", "_changed_units"):
        _timed(Analysis, name)
    _timed(Analysis, "_run", "run(other)")
    for name in ("module_context_key", "unit_context_epoch", "unit_context_key"):
        _timed(CodeRulesCheck, name)
    _timed(CodeRulesCheck, "check_node", classify=_check_phase)
    _timed(analyze, "post_process")
    _timed(java, "lower_unit", "java.lower_unit")
    _timed(java.JavaFile, "lowering_context", "java.lowering_context")
    # The rest of ``file_functions`` (its walk over every unit, the method call counts) is in here.
    _timed(java, "context_key", "java.context_key(other)")
    _timed(FileAnalysis, "summary_key", "FileAnalysis.summary_key")


def _text_key(key):
    # With unit context keys the node cache is keyed (text key, context); without, by text key.
    return key[0] if len(key) == 2 and isinstance(key[0], tuple) else key


def survey(path: Path, pastes: int, sizes: list[int]) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    document = Document(text, path=str(path))
    analysis = Analysis(document, Config(dependencies=DependencySettings(online=False)))
    analysis.run()
    index = next(i for i, check in enumerate(analysis.checks) if isinstance(check, CodeRulesCheck))
    for size in sizes:
        for n, source, block in paste_places(lines, size, pastes):
            _texts_before.clear()
            _texts_before.update(
                document.source[unit.start_byte : unit.end_byte]
                for unit in analyze.analysis_units(document.tree.root_node)
            )
            keys_before = set(analysis._node_cache.get(index, (None, {}))[1])  # noqa: SLF001 - a measuring tool
            text_keys = {_text_key(key) for key in keys_before}
            unplaced = {key[1:] for key in text_keys}
            gc.collect()
            gc.freeze()
            _spent.clear()
            _calls.clear()
            started = time.process_time()
            change = document.apply_change((n, 0, n, 0), block)
            parsed = time.process_time()
            analysis.run([change])
            done = time.process_time()
            why = {"new text": 0, "re-parented": 0, "context": 0}
            for key in set(analysis._node_cache[index][1]) - keys_before:  # noqa: SLF001
                text_key = _text_key(key)
                if text_key in text_keys:
                    why["context"] += 1
                elif text_key[1:] in unplaced:
                    why["re-parented"] += 1
                else:
                    why["new text"] += 1
            parts = ", ".join(
                f"{phase} {seconds * 1000:.1f}" + (f" ({_calls[phase]})" if _calls[phase] > 1 else "")
                for phase, seconds in sorted(_spent.items(), key=lambda item: -item[1])
                if seconds >= 0.0005
            )
            print(
                f"| {path.name} | {size} @ {n} (from {source}) | {(parsed - started) * 1000:.1f} | "
                f"{(done - parsed) * 1000:.1f} | {why['new text']} / {why['re-parented']} / {why['context']} "
                f"| {parts} |",
                flush=True,
            )
            analysis.run([document.apply_change((n, 0, n + size, 0), "")])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--pastes", type=int, default=3)
    parser.add_argument("--sizes", default="40")
    args = parser.parse_args()
    gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    _instrument()
    print(
        "| file | paste | parse ms | run ms | new keys: new text / re-parented / context | run by phase, ms |\n"
        "|---|---|---:|---:|---|---|"
    )
    for path in args.files:
        survey(path, args.pastes, [int(s) for s in args.sizes.split(",")])


if __name__ == "__main__":
    main()
