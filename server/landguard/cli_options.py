"""The command-line options ``cli_adoption`` implements, kept light: ``cli.py`` builds its parser
from them on every run (``landguard --version`` and ``landguard lsp`` too), so this module
imports nothing beyond argparse.
"""

from __future__ import annotations

import argparse

EXTRA_FORMATS = ("github", "gitlab", "junit")
STDIN = "-"
DEFAULT_BASELINE = ".landguard-baseline.json"


def add_check_arguments(check: argparse.ArgumentParser) -> None:
    group = check.add_argument_group("adopting on existing code")
    group.add_argument(
        "--baseline",
        metavar="FILE",
        help="report only findings FILE does not record (`landguard baseline create`)",
    )
    group.add_argument(
        "--diff-base", metavar="REF", help="report only findings on lines changed since git REF"
    )
    group.add_argument(
        "--staged", action="store_true", help="check the staged content; report only findings on staged lines"
    )
    group.add_argument(
        "--stdin-filename", metavar="NAME", help="with PATH `-`: the name of the file read from stdin"
    )
    fixing = check.add_argument_group("fixing")
    fixing.add_argument("--fix", action="store_true", help="apply every safe preferred fix, re-checked first")
    fixing.add_argument(
        "--diff", action="store_true", help="print the fixes as a unified diff; write nothing"
    )
    fixing.add_argument("--unsafe-fixes", action="store_true", help="also apply fixes marked unsafe")
    fixing.add_argument(
        "--exit-non-zero-on-fix",
        action="store_true",
        help="exit 1 when fixes were applied, even if none remain",
    )
    output = check.add_argument_group("output")
    output.add_argument(
        "--statistics", action="store_true", help="count findings per rule instead of listing them"
    )
    output.add_argument(
        "--show-suppressed",
        action="store_true",
        help="SARIF: include findings silenced by inline comments, marked with `suppressions`",
    )
    output.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour text output (auto: on a TTY)",
    )


def add_baseline_command(commands: argparse._SubParsersAction) -> None:
    baseline = commands.add_parser("baseline", help="record existing findings so only new ones are reported")
    actions = baseline.add_subparsers(dest="baseline_command", metavar="ACTION", required=True)
    for name, text in (
        ("create", "record every current finding (replaces the file)"),
        ("update", "drop entries whose finding is gone; --add-new also records new findings"),
        ("audit", "list entries whose finding is gone (exit 1 if any)"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("paths", nargs="*", default=["."], metavar="PATH")
        if name == "create":
            action.add_argument("--output", "-o", default=DEFAULT_BASELINE, metavar="FILE")
        else:
            action.add_argument("--baseline", default=DEFAULT_BASELINE, metavar="FILE")
        if name == "update":
            action.add_argument("--add-new", action="store_true", help="also record findings that are new")
        action.add_argument("--config", metavar="FILE", help="use this landguard.toml or pyproject.toml")
        action.add_argument("--offline", action="store_true", help="no package-registry lookups")
        action.add_argument("--no-cache", action="store_true")
