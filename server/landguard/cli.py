"""The ``landguard`` command: check | baseline | lsp | rules | explain | audit.

Exit codes of ``check``: 0 when nothing at or above ``--fail-on`` was found, 1 when
something was, 2 for usage or configuration errors (printed to stderr), 130 when interrupted
(Ctrl-C).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TextIO

from landguard import __version__
from landguard.cli_options import EXTRA_FORMATS, add_baseline_command, add_check_arguments

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
EXIT_TERMINATED = 143  # 128 + SIGTERM


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="landguard",
        description="Security checks for code as it lands: secrets, dangerous patterns, risky dependencies.",
    )
    parser.add_argument("--version", action="version", version=f"landguard {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="check files or folders and report findings")
    check.add_argument(
        "paths", nargs="+", metavar="PATH", help="files or folders (folders respect .gitignore)"
    )
    check.add_argument("--format", choices=("text", "json", "sarif", *EXTRA_FORMATS), default="text")
    check.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    check.add_argument(
        "--fail-on",
        choices=("note", "warning", "error", "never"),
        default="warning",
        help="exit 1 when a finding of this severity or higher is found (default: warning)",
    )
    check.add_argument("--no-cache", action="store_true", help="analyse every file, ignoring cached results")
    check.add_argument("--config", metavar="FILE", help="use this landguard.toml or pyproject.toml")
    check.add_argument(
        "--select", metavar="IDS", help="comma-separated rule ids or prefixes to enable (e.g. LG1,LG201)"
    )
    check.add_argument("--ignore", metavar="IDS", help="comma-separated rule ids or prefixes to disable")
    check.add_argument("--offline", action="store_true", help="no package-registry lookups")
    check.add_argument(
        "--jobs", "-j", type=int, default=None, help="worker processes (default: the usable cores)"
    )
    check.add_argument(
        "--ai-only",
        action="store_true",
        help="report only findings in code marked as AI-generated (aiMarkers comments; LG605)",
    )
    add_check_arguments(check)
    add_baseline_command(commands)

    lsp = commands.add_parser("lsp", help="run the language server (stdio by default)")
    lsp.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio")

    rules = commands.add_parser("rules", help="list the rules")
    rules.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="markdown renders docs/rules.md (every rule with its documentation)",
    )

    explain = commands.add_parser("explain", help="print a rule's documentation")
    explain.add_argument("rule", metavar="RULE", help="rule id, e.g. LG101")

    audit = commands.add_parser(
        "audit", help="the audit trail (.landguard/audit.jsonl): verify it, report on it"
    )
    audit_commands = audit.add_subparsers(dest="audit_command", metavar="ACTION")
    verify = audit_commands.add_parser(
        "verify", help="check the hash chain; name each edited, deleted, inserted or moved record"
    )
    verify.add_argument("root", nargs="?", default=".", metavar="ROOT", help="project root (default: .)")
    audit_report = audit_commands.add_parser(
        "report", help="findings per rule and per 1,000 lines, fixed vs suppressed, ..."
    )
    audit_report.add_argument(
        "root", nargs="?", default=".", metavar="ROOT", help="project root (default: .)"
    )
    audit_report.add_argument("--format", choices=("markdown", "json"), default="markdown")

    deps = commands.add_parser("deps", help="dependency data: `landguard deps import-osv FILE`")
    deps.add_argument("deps_args", nargs=argparse.REMAINDER, metavar="...")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # `landguard check | head`: the reader left; say nothing more. Point stdout at devnull so
        # the interpreter's final flush does not raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FINDINGS
    except KeyboardInterrupt:
        # Ctrl-C: workers were stopped (batch.run_check); no traceback, the shell's convention code.
        print("\nlandguard: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except SystemExit as stop:
        if stop.code == EXIT_TERMINATED:  # SIGTERM during a parallel scan (batch.Terminated)
            print("\nlandguard: terminated", file=sys.stderr)
        raise


def _main(argv: list[str] | None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command == "baseline":
        from landguard.cli_adoption import baseline_command

        return baseline_command(args, _baseline_config)
    if args.command == "check":
        return _check(args)
    if args.command == "lsp":
        return _lsp(args)
    if args.command == "rules":
        return _rules(args, sys.stdout)
    if args.command == "explain":
        return _explain(args, sys.stdout)
    if args.command == "audit":
        return _audit(args, parser)
    if args.command == "deps":
        from landguard.checks.deps.advisories import import_osv_command

        return import_osv_command(args.deps_args)
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def _error(message: str) -> int:
    print(f"landguard: error: {message}", file=sys.stderr)
    return EXIT_USAGE


class _UsageExit(Exception):
    pass


def _load_check_config(args: argparse.Namespace) -> tuple[object, Path]:
    """(config, root) for ``check`` and ``baseline``; raises _UsageExit after printing the error."""
    from landguard.engine.config import Config, apply_settings, load_config, load_project_file

    missing = [p for p in args.paths if p != "-" and not os.path.exists(p)]
    if missing:
        _error(f"no such file or folder: {', '.join(missing)}")
        raise _UsageExit
    if args.config:
        config_path = Path(args.config)
        if not config_path.is_file():
            _error(f"config file not found: {args.config}")
            raise _UsageExit
        loaded = load_project_file(config_path)
    elif args.paths[0] == "-":
        stdin_name = getattr(args, "stdin_filename", None)
        loaded = load_config(os.path.dirname(os.path.abspath(stdin_name)) if stdin_name else ".")
    else:
        loaded = load_config(args.paths[0])
    overrides: dict[str, object] = {}
    if getattr(args, "select", None):
        overrides["select"] = [s for s in args.select.split(",") if s.strip()]
    if getattr(args, "ignore", None):
        overrides["extendIgnore"] = [s for s in args.ignore.split(",") if s.strip()]
    if args.offline:
        overrides["dependencies"] = {"online": False}
    config, errors = apply_settings(loaded.config, overrides, "command line")
    errors = loaded.errors + errors
    if errors:
        for message in errors:
            print(f"landguard: config error: {message}", file=sys.stderr)
        raise _UsageExit
    assert isinstance(config, Config)
    return config, Path(config.root) if config.root else Path.cwd()


def _baseline_config(args: argparse.Namespace) -> tuple[object, Path]:
    try:
        return _load_check_config(args)
    except _UsageExit:
        raise SystemExit(EXIT_USAGE) from None


def _check(args: argparse.Namespace) -> int:
    from landguard import startup

    startup.hold()  # no collections, the regex cache in, while it imports and loads (run_check resumes)
    try:
        return _check_held(args)
    finally:
        startup.resume()  # (run_check did, unless it was not reached)


def _check_held(args: argparse.Namespace) -> int:
    from landguard import startup

    with startup.loading():  # what importing compiles is kept (the regex cache); not the config's globs
        from landguard import cli_adoption as adoption
        from landguard.engine.findings import Severity

    try:
        adoption.validate(args)
        config, root = _load_check_config(args)
        scanned = adoption.scan(args, config, root)
    except _UsageExit:
        return EXIT_USAGE
    except adoption.UsageError as exc:
        return _error(str(exc))
    result = scanned.result
    for notice in result.notices:
        print(f"landguard: {notice}", file=sys.stderr)
    if config.audit:
        _record_audit(result, root, config)
    if args.ai_only:
        _keep_ai_marked(result)
    if scanned.accepted:
        print(
            f"landguard: {scanned.accepted} finding(s) accepted by the baseline, not shown", file=sys.stderr
        )

    fixes = None
    if args.fix or args.diff:
        fixes = adoption.apply_fixes(args, config, scanned)
        if args.diff:
            sys.stdout.write(fixes.diff)
            note = f"{fixes.applied} fix{'es' * (fixes.applied != 1)} in {fixes.files_changed} file(s) would apply"
            print(
                f"landguard: {note}"
                + (f"; {fixes.rejected} refused by the re-check" if fixes.rejected else ""),
                file=sys.stderr,
            )
            return EXIT_FINDINGS if fixes.diff else EXIT_CLEAN
        if fixes.stdin_text is not None:
            sys.stdout.write(fixes.stdin_text)  # Ruff's convention: fixed source on stdout, report on stderr
        print(
            f"landguard: fixed {fixes.applied} finding(s) in {fixes.files_changed} file(s)"
            + (f"; {fixes.rejected} fix(es) refused by the re-check" if fixes.rejected else ""),
            file=sys.stderr,
        )

    out: TextIO
    if fixes is not None and fixes.stdin_text is not None and not args.output:
        out = sys.stderr
    elif args.output:
        try:
            out = open(args.output, "w", encoding="utf-8")  # noqa: SIM115 - closed below
        except OSError as exc:
            return _error(f"cannot write {args.output}: {exc.strerror}")
    else:
        out = sys.stdout
    try:
        if args.statistics:
            adoption.render_statistics(result, out, args.format, args.unsafe_fixes)
        elif args.format in EXTRA_FORMATS:
            adoption.render_extra(args.format, result, out, root)
        elif args.format == "text":
            from landguard.report import text

            text.render(result, out, color=adoption.use_color(args.color, out))
        elif args.format == "json":
            from landguard.report import json_report

            json_report.render(result, out)
        else:
            from landguard.report import sarif

            silenced = adoption.suppressed_findings(result, config, root) if args.show_suppressed else None
            sarif.render(result, out, root, config, silenced)
    finally:
        if out not in (sys.stdout, sys.stderr):
            out.close()

    if fixes is not None and fixes.applied and args.exit_non_zero_on_fix:
        return EXIT_FINDINGS
    if args.fail_on == "never":
        return EXIT_CLEAN
    threshold = Severity.parse(args.fail_on)
    failing = any(f.severity >= threshold for file in result.files for f in file.findings)
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def _record_audit(result, root: Path, config) -> None:
    """Append this run to the project's audit trail (opt-in: ``audit = true``)."""
    from landguard.audit import AuditTrail, observe
    from landguard.engine.positions import split_lines
    from landguard.workspace import decode

    trail = AuditTrail(root, "cli")
    for file_result in result.files:
        if file_result.skipped:
            continue
        path = Path(file_result.path)
        try:
            text, _ = decode((path if path.is_absolute() else root / path).read_bytes())
        except OSError:
            continue
        if text is None:
            continue
        lines = split_lines(text)
        marked = _marked_lines(text, path, config.ai_markers)
        observation = observe(trail.key, path.as_posix(), lines, file_result.findings, ai_marked_lines=marked)
        trail.record_observation(observation)
        if trail.problem:
            print(f"landguard: {trail.problem}", file=sys.stderr)
            return


def _marked_lines(text: str, path: Path, markers: tuple[str, ...]) -> int:
    """How many lines of ``text`` are in code marked as AI-generated."""
    from landguard.engine.analyze import ai_marked_regions
    from landguard.engine.document import Document

    lowered = text.lower()
    if not markers or not any(m in lowered for m in markers):
        return 0
    document = Document(text, path=str(path))
    regions = ai_marked_regions(document, markers)
    covered = {n for _, start, end in regions for n in range(start, min(end, len(document.lines) - 1) + 1)}
    return len(covered)


def _audit(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from landguard import audit

    if args.audit_command == "verify":
        result = audit.verify(args.root)
        for problem in result.problems:
            print(problem)
        if result.ok:
            print(f"audit trail intact: {result.records} records")
            return EXIT_CLEAN
        return EXIT_FINDINGS
    if args.audit_command == "report":
        data = audit.report(args.root)
        if args.format == "json":
            json.dump(data, sys.stdout, indent=2)
            sys.stdout.write("\n")
        else:
            sys.stdout.write(audit.report_markdown(data))
        return EXIT_CLEAN
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def _keep_ai_marked(result) -> None:
    """``--ai-only``: drop every finding outside code marked as AI-generated."""
    from landguard.engine.analyze import AI_MARKED

    for file_result in result.files:
        kept = [
            (finding, located)
            for finding, located in zip(file_result.findings, file_result.locations, strict=True)
            if any(key == AI_MARKED for key, _ in finding.properties)
        ]
        file_result.findings = [finding for finding, _ in kept]
        file_result.locations = [located for _, located in kept]


def _lsp(args: argparse.Namespace) -> int:
    tcp = None
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not host or not port.isdigit():
            return _error("--tcp expects HOST:PORT, e.g. 127.0.0.1:2087")
        tcp = (host, int(port))
    from landguard import startup

    startup.begin()  # the collector waits, the regex cache is in, before anything heavy is imported
    with startup.loading():
        from landguard.lsp import generated_code, lazy_types

        generated_code.install()  # before pygls' types are imported
        lazy_types.install()  # pygls' types created as they are first named
        from landguard.lsp.server import serve

    serve(tcp)
    return EXIT_CLEAN


def _rules(args: argparse.Namespace, out: TextIO) -> int:
    from landguard.engine.registry import all_rules

    rules = all_rules().values()
    if args.format == "json":
        json.dump(
            [
                {
                    "id": r.id,
                    "name": r.name,
                    "title": r.title,
                    "severity": r.severity.label,
                    "confidence": r.confidence.label,
                    "cwe": [f"CWE-{n}" for n in r.cwe],
                    "languages": sorted(r.languages) if r.languages else None,
                }
                for r in rules
            ],
            out,
            indent=2,
        )
        out.write("\n")
        return EXIT_CLEAN
    if args.format == "markdown":
        out.write(rules_markdown(list(rules)))
        return EXIT_CLEAN
    for rule in rules:
        cwe = ", ".join(f"CWE-{n}" for n in rule.cwe) or "-"
        out.write(f"{rule.id}  {rule.severity.label:<7} {rule.confidence.label:<6} {cwe:<18} {rule.title}\n")
    return EXIT_CLEAN


def rules_table(rules: list, link_prefix: str = "") -> list[str]:
    """The markdown index of rules (README and docs/rules.md)."""
    lines = ["| id | title | severity | confidence | CWE |", "|---|---|---|---|---|"]
    for rule in rules:
        cwe = ", ".join(f"CWE-{n}" for n in rule.cwe) or "-"
        lines.append(
            f"| [{rule.id}]({link_prefix}#{rule.id.lower()}) | {rule.title} | {rule.severity.label} "
            f"| {rule.confidence.label} | {cwe} |"
        )
    return lines


def rules_markdown(rules: list) -> str:
    """docs/rules.md: an index table, then each rule's documentation under an anchor of its id."""
    lines = [
        "# Landguard rules",
        "",
        "Generated by `landguard rules --format markdown`; do not edit by hand.",
        "",
    ]
    lines += rules_table(rules)
    for rule in rules:
        cwe = ", ".join(f"CWE-{n}" for n in rule.cwe) or "none"
        docs = "\n".join(
            ("#" + line) if line.startswith("## ") else line for line in rule.docs.strip().splitlines()
        )
        lines += [
            "",
            f"## {rule.id}",
            "",
            f"**{rule.title}** (`{rule.name}`) · severity {rule.severity.label} · confidence "
            f"{rule.confidence.label} · {cwe}"
            + (f" · also silenced by {', '.join(rule.aliases)}" if rule.aliases else ""),
            "",
            docs,
        ]
    return "\n".join(lines) + "\n"


def _explain(args: argparse.Namespace, out: TextIO) -> int:
    from landguard.engine.registry import get_rule

    rule = get_rule(args.rule)
    if rule is None:
        return _error(f"unknown rule {args.rule!r}; `landguard rules` lists them")
    cwe = ", ".join(f"CWE-{n}" for n in rule.cwe) or "none"
    out.write(f"{rule.id} {rule.name}: {rule.title}\n")
    out.write(f"severity: {rule.severity.label}   confidence: {rule.confidence.label}   CWE: {cwe}\n")
    if rule.aliases:
        out.write(f"also silenced by: {', '.join(rule.aliases)}\n")
    out.write("\n" + rule.docs.strip() + "\n")
    return EXIT_CLEAN


if __name__ == "__main__":
    sys.exit(main())
