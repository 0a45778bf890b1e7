"""A warm ``landguard check --format json`` (every file from the result cache) loads no check: the
rules' names and titles the report shows come from the cached results, and the report is the
cold run's, byte for byte (but for the count of cached files)."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).parents[2] / "examples"

RUN = """
import sys
from landguard.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
loaded = sorted(name for name in sys.modules if name.startswith("landguard.checks."))
print("LOADED", len(loaded), file=sys.stderr)
"""


def _check(tree: Path, cache: Path, *extra: str) -> tuple[str, int]:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            RUN,
            "check",
            ".",
            "--offline",
            "--fail-on",
            "never",
            "--format",
            "json",
            *extra,
        ],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "LANDGUARD_CACHE_DIR": str(cache)},
        check=True,
    )
    loaded = int(re.search(r"LOADED (\d+)", done.stderr).group(1))
    return re.sub(r'"cached": \d+', '"cached": N', done.stdout), loaded


def test_a_warm_json_report_loads_no_check_and_says_the_same(tmp_path) -> None:
    tree = tmp_path / "project"
    shutil.copytree(EXAMPLES, tree)
    (tree / "pyproject.toml").write_text('[project]\nname = "demo"\ndependencies = ["requests"]\n')
    cold, loaded_cold = _check(tree, tmp_path / "cache")
    warm, loaded_warm = _check(tree, tmp_path / "cache")
    report = json.loads(warm.replace('"cached": N', '"cached": 0'))
    assert report["findings"] and all(f["name"] and f["title"] for f in report["findings"])
    assert warm == cold
    assert loaded_cold > 20 and loaded_warm == 0


def test_a_cache_written_without_rule_titles_still_reports_them(tmp_path) -> None:
    """Results cached by an earlier build (no titles stored) are reported through the registry."""
    from landguard.batch import _from_payload

    result = _from_payload("a.py", {"findings": [], "locations": [], "skipped": None, "decode_errors": False})
    assert result is not None and result.rule_titles is None
