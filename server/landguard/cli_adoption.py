"""The ``landguard check`` options for adopting Landguard on an existing repository, and ``landguard baseline``.

Kept apart from ``cli.py`` (which parses and dispatches) so each concern reads on its own:

- what is checked: stdin (``-`` with ``--stdin-filename``), only lines changed relative to a git
  ref or staged (``--diff-base``/``--staged``), only findings a baseline does not accept (``--baseline``);
- fixing (``--fix``, ``--diff``, ``--unsafe-fixes``), with Ruff's exit codes: 0 when nothing at
  the fail level remains (``--exit-non-zero-on-fix`` makes applied fixes count too); with
  ``--diff``, 1 when there is a diff to apply;
- the extra report formats and ``--statistics``; the progress line on a terminal.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from landguard.baseline import Baseline, BaselineError
from landguard.batch import BatchResult, run_check, start_analysing
from landguard.cli_options import STDIN
from landguard.engine.config import Config
from landguard.engine.findings import Finding
from landguard.engine.positions import split_lines
from landguard.workspace import FileResult, decode, iter_files, locate

if TYPE_CHECKING:
    from landguard.changed_lines import ChangedLines

# ``difflib`` and ``changed_lines`` are imported by the options that use them (--fix, --diff,
# --diff-base, --staged): a plain ``landguard check`` does not.


class UsageError(Exception):
    """Bad options or inputs: printed as ``landguard: error: ...``, exit 2."""


def validate(args: argparse.Namespace) -> None:
    if STDIN in args.paths:
        if args.paths != [STDIN]:
            raise UsageError("`-` (stdin) cannot be combined with other paths")
        if args.staged or args.diff_base:
            raise UsageError("--staged and --diff-base read git, not stdin")
    elif args.stdin_filename:
        raise UsageError("--stdin-filename needs PATH `-`")
    if args.staged and args.diff_base:
        raise UsageError("use either --staged or --diff-base, not both")
    if (args.fix or args.diff) and args.staged:
        raise UsageError(
            "--fix with --staged would edit the working tree, not the index; stage, then run --fix"
        )


# ---------------------------------------------------------------------------- scanning


class Progress:
    """A ``files done/total`` line on stderr, on a terminal only, once a scan takes a while."""

    def __init__(self, stream: TextIO = sys.stderr, delay: float = 0.5) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self.started = time.monotonic()
        self.delay = delay
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.started < self.delay or now - self.last < 0.1:
            return
        self.last = now
        self.shown = True
        self.stream.write(f"\rlandguard: {done}/{total} files")
        self.stream.flush()

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def scan_text(text: str, path: str, config: Config, shown: str | None = None) -> FileResult:
    """Analyse text that is not (or not as it is) on disk: stdin, the staged content."""
    from landguard.engine.analyze import Analysis
    from landguard.engine.document import Document

    if text.startswith("\ufeff"):
        text = text[1:]
    document = Document(text, path=path, max_bytes=config.max_file_size)
    findings = Analysis(document, config, incremental=False).run()
    return FileResult(shown or path, findings, [locate(f, document.lines) for f in findings])


@dataclass
class Scan:
    result: BatchResult
    root: Path
    baseline: Baseline | None = None
    changed: ChangedLines | None = None
    stdin_text: str | None = None
    accepted: int = 0  # findings the baseline accepted (not reported)


def scan(args: argparse.Namespace, config: Config, root: Path) -> Scan:
    if args.paths == [STDIN]:
        return _scan_stdin(args, config, root)
    changed = None
    paths = args.paths
    if args.staged or args.diff_base:
        from landguard.changed_lines import GitError, changed_lines

        try:
            changed = changed_lines(Path(args.paths[0]).resolve(), args.diff_base, staged=args.staged)
        except GitError as exc:
            if args.diff_base:
                raise UsageError(f"--diff-base {args.diff_base}: {exc}") from None
            raise UsageError(f"--staged: {exc}") from None
        # Only changed files are analysed, with the usual exclusions applied first.
        paths = [str(p) for p in iter_files(args.paths, config) if changed.lines_for(p) is not False]
    baseline = _load_baseline(args.baseline) if args.baseline else None
    progress = Progress()
    try:
        result = run_check(
            paths, config, use_cache=not args.no_cache, jobs=args.jobs, root=root, progress=progress
        )
    finally:
        progress.finish()
    outcome = Scan(result, root, baseline, changed)
    if changed is not None and changed.staged:
        _rescan_staged(outcome, config)
    select_reported(outcome)
    return outcome


def _load_baseline(file: str) -> Baseline:
    try:
        return Baseline.load(Path(file))
    except BaselineError as exc:
        raise UsageError(str(exc)) from None


def _scan_stdin(args: argparse.Namespace, config: Config, root: Path) -> Scan:
    name = args.stdin_filename or "stdin"
    text, _ = decode(sys.stdin.buffer.read())
    start_analysing([(name, name, config)])  # the collector back on before the analysis, as run_check does
    if text is None:
        result = BatchResult([FileResult(name, skipped="binary")])
    else:
        file_result = scan_text(text, name, config)
        if config.dependencies.online:
            from landguard.checks.deps.manifests import manifest_kind

            if manifest_kind(name):
                from landguard.checks.deps.online import merge_online, online_findings

                online = online_findings(text, name, config)
                file_result.findings = merge_online(file_result.findings, online)
                file_result.locations = [locate(f, split_lines(text)) for f in file_result.findings]
        result = BatchResult([file_result])
    outcome = Scan(result, root, _load_baseline(args.baseline) if args.baseline else None, None, text)
    select_reported(outcome)
    return outcome


def _absolute(shown: str, root: Path) -> Path:
    path = Path(shown)
    return path if path.is_absolute() else root / path


def _rescan_staged(outcome: Scan, config: Config) -> None:
    """Replace results of files whose staged content differs from the working tree."""
    assert outcome.changed is not None
    for number, file_result in enumerate(outcome.result.files):
        path = _absolute(file_result.path, outcome.root)
        staged = outcome.changed.index_text(path)
        if staged is None:
            continue
        try:
            on_disk, _ = decode(path.read_bytes())
        except OSError:
            on_disk = None
        if staged != on_disk:
            outcome.result.files[number] = scan_text(staged, str(path), config, file_result.path)


def _on_changed_lines(finding: Finding, lines: set[int] | None | bool) -> bool:
    if lines is None:
        return True
    if lines is False:
        return False
    return any(line in lines for line in range(finding.span.start_line, finding.span.end_line + 1))


def select_reported(outcome: Scan) -> None:
    """Keep, in place, only the findings to report: on changed lines, not in the baseline."""
    for file_result in outcome.result.files:
        if outcome.changed is not None:
            lines = outcome.changed.lines_for(_absolute(file_result.path, outcome.root))
            keep = [i for i, f in enumerate(file_result.findings) if _on_changed_lines(f, lines)]
            file_result.findings = [file_result.findings[i] for i in keep]
            file_result.locations = [file_result.locations[i] for i in keep]
    if outcome.baseline is not None:
        outcome.accepted += outcome.baseline.filter(outcome.result.files, outcome.root)


# ---------------------------------------------------------------------------- fixing


def _selector(outcome: Scan, file_result: FileResult, original: list[str]) -> Callable:
    """Which findings of a (possibly already fixed) text are to be fixed: those that would be reported."""
    changed = None
    if outcome.changed is not None:
        changed = outcome.changed.lines_for(_absolute(file_result.path, outcome.root))

    def select(findings: list[Finding], lines: list[str]) -> list[Finding]:
        if changed is not None:
            mapped = _map_changed(changed, original, lines)
            findings = [f for f in findings if _on_changed_lines(f, mapped)]
        if outcome.baseline is not None:
            located = FileResult(file_result.path, findings, [locate(f, lines) for f in findings])
            findings = [findings[i] for i in outcome.baseline.new_findings(located, outcome.root)]
        return findings

    return select


def _map_changed(
    changed: set[int] | None | bool, original: list[str], lines: list[str]
) -> set[int] | None | bool:
    """Changed lines of ``original`` carried over to ``lines`` (lines a fix wrote count as changed)."""
    if changed is None or changed is False or original == lines:
        return changed
    import difflib

    mapped: set[int] = set()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, original, lines, autojunk=False).get_opcodes():
        if tag == "equal":
            mapped.update(j1 + (i - i1) for i in range(i1, i2) if i in changed)
        else:
            mapped.update(range(j1, j2))
    return mapped


@dataclass
class FixReport:
    applied: int = 0
    rejected: int = 0
    files_changed: int = 0
    diff: str = ""
    stdin_text: str | None = None  # the fixed stdin text (printed instead of written)


def apply_fixes(args: argparse.Namespace, config: Config, outcome: Scan) -> FixReport:
    import difflib

    from landguard.fixing import chosen_fix, fix_text

    report = FixReport()
    for number, file_result in enumerate(outcome.result.files):
        if not any(chosen_fix(f, args.unsafe_fixes) for f in file_result.findings):
            continue
        is_stdin = outcome.stdin_text is not None
        path = _absolute(file_result.path, outcome.root)
        if is_stdin:
            raw, bom = outcome.stdin_text, ""
        else:
            try:
                data = path.read_bytes()
            except OSError:
                continue
            raw, decode_errors = decode(data)
            if raw is None or decode_errors:
                continue  # writing back would destroy the bytes that are not UTF-8
            bom = "\ufeff" if raw.startswith("\ufeff") else ""
        text = raw[len(bom) :]
        select = _selector(outcome, file_result, split_lines(text))
        fixed = fix_text(text, str(path), config, select, unsafe=args.unsafe_fixes)
        report.rejected += len(fixed.rejected)
        if not fixed.changed:
            continue
        report.applied += len(fixed.applied)
        report.files_changed += 1
        report.diff += "".join(
            difflib.unified_diff(
                text.splitlines(keepends=True),
                fixed.text.splitlines(keepends=True),
                fromfile=f"a/{file_result.path}",
                tofile=f"b/{file_result.path}",
            )
        )
        if args.diff:
            continue
        if is_stdin:
            report.stdin_text = bom + fixed.text
        else:
            path.write_bytes((bom + fixed.text).encode("utf-8"))
        lines = split_lines(fixed.text)
        remaining = select(fixed.findings, lines)
        outcome.result.files[number] = FileResult(
            file_result.path, remaining, [locate(f, lines) for f in remaining], decode_errors=False
        )
    if is_stdin_scan(outcome) and report.stdin_text is None and not args.diff:
        report.stdin_text = outcome.stdin_text
    return report


def is_stdin_scan(outcome: Scan) -> bool:
    return outcome.stdin_text is not None


# ---------------------------------------------------------------------------- output


def suppressed_findings(result: BatchResult, config: Config, root: Path) -> dict[str, list]:
    """Per file, the findings inline comments silence (for SARIF ``suppressions``).

    Only files with a suppression comment are analysed again, keeping every finding; the
    configuration (select/ignore, severities, AI markers) applies as usual.
    """
    from landguard.engine.analyze import Analysis, raise_for_ai_markers
    from landguard.engine.document import Document
    from landguard.engine.suppress import apply_suppressions, parse_line

    class _KeepSuppressed(Analysis):
        def _finish(self, findings: list[Finding]) -> list[Finding]:
            from dataclasses import replace

            findings = [f for f in findings if self.config.is_enabled(f.rule_id)]
            findings = [
                replace(f, severity=self.config.severity_for(f.rule_id, f.severity)) for f in findings
            ]
            findings = raise_for_ai_markers(self.document, findings, self.config.ai_markers)
            unique = {(f.rule_id, f.span, f.message): f for f in findings}
            return sorted(unique.values(), key=Finding.sort_key)

    silenced: dict[str, list] = {}
    for file_result in result.files:
        if file_result.skipped:
            continue
        try:
            text, _ = decode(_absolute(file_result.path, root).read_bytes())
        except OSError:
            continue
        if text is None:
            continue
        text = text[1:] if text.startswith("\ufeff") else text
        lines = split_lines(text)
        if not any(parse_line(line) for line in lines):
            continue
        document = Document(text, path=str(_absolute(file_result.path, root)), max_bytes=config.max_file_size)
        everything = _KeepSuppressed(document, config).run()
        kept = set(apply_suppressions(document, everything))
        found = [(f, locate(f, lines)) for f in everything if f not in kept]
        if found:
            silenced[file_result.path] = found
    return silenced


def use_color(choice: str, stream: TextIO) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):
        return False


def render_statistics(result: BatchResult, out: TextIO, fmt: str, unsafe: bool) -> None:
    """Ruff's ``--statistics``: a count per rule, most frequent first, ``[*]`` when fixable."""
    from landguard.engine.registry import get_rule
    from landguard.fixing import chosen_fix

    counts: Counter[str] = Counter()
    fixable: Counter[str] = Counter()
    for file_result in result.files:
        for finding in file_result.findings:
            counts[finding.rule_id] += 1
            if chosen_fix(finding, unsafe):
                fixable[finding.rule_id] += 1
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if fmt == "json":
        json.dump(
            [
                {
                    "code": rule_id,
                    "name": (rule.name if (rule := get_rule(rule_id)) else None),
                    "count": count,
                    "fixable": fixable[rule_id],
                }
                for rule_id, count in rows
            ],
            out,
            indent=2,
        )
        out.write("\n")
        return
    width = max((len(str(count)) for _, count in rows), default=1)
    for rule_id, count in rows:
        rule = get_rule(rule_id)
        mark = "[*]" if fixable[rule_id] == count else "[-]" if fixable[rule_id] else "   "
        out.write(f"{count:>{width}}\t{rule_id}\t{mark} {rule.name if rule else ''}\n")


def render_extra(fmt: str, result: BatchResult, out: TextIO, root: Path) -> None:
    if fmt == "github":
        from landguard.report import github

        github.render(result, out, root)
    elif fmt == "gitlab":
        from landguard.report import gitlab

        gitlab.render(result, out, root)
    else:
        from landguard.report import junit

        junit.render(result, out)


# ---------------------------------------------------------------------------- landguard baseline


def baseline_command(
    args: argparse.Namespace, load: Callable[[argparse.Namespace], tuple[Config, Path]]
) -> int:
    """``landguard baseline create|update|audit``; ``load`` gives the configuration and root."""
    config, root = load(args)
    progress = Progress()
    try:
        result = run_check(args.paths, config, use_cache=not args.no_cache, root=root, progress=progress)
    finally:
        progress.finish()
    if args.baseline_command == "create":
        file = Path(args.output)
        baseline = Baseline.from_results(result.files, root, file.resolve().parent)
        baseline.save(file)
        total = sum(baseline.entries.values())
        print(f"landguard: recorded {total} finding{'s' * (total != 1)} in {file}", file=sys.stderr)
        return 0
    file = Path(args.baseline)
    try:
        old = Baseline.load(file)
    except BaselineError as exc:
        print(f"landguard: error: {exc}", file=sys.stderr)
        return 2
    current = Baseline.from_results(result.files, root, old.folder)
    stale = old.stale(current, old.scanned_paths(result.files, root))
    if args.baseline_command == "audit":
        for (path, rule, fingerprint), count in sorted(stale.items()):
            line = old.lines.get((path, rule, fingerprint), 0)
            copies = f" ({count} copies)" if count > 1 else ""
            print(f"{path}:{line}: {rule} no longer found{copies} (fingerprint {fingerprint})")
        total = sum(stale.values())
        print(f"{total} stale baseline entr{'ies' if total != 1 else 'y'} in {file}")
        return 1 if total else 0
    updated = Baseline(old.folder)
    for key, count in old.entries.items():
        keep = count - stale.get(key, 0)
        if keep > 0:
            updated.entries[key] = keep
            updated.lines[key] = current.lines.get(key, old.lines.get(key, 0))
    added = 0
    if args.add_new:
        for key, count in current.entries.items():
            extra = count - updated.entries.get(key, 0)
            if extra > 0:
                updated.entries[key] += extra
                updated.lines.setdefault(key, current.lines[key])
                added += extra
    updated.save(file)
    removed = sum(stale.values())
    print(
        f"landguard: {file}: removed {removed} stale entr{'ies' if removed != 1 else 'y'}, added {added}",
        file=sys.stderr,
    )
    return 0
