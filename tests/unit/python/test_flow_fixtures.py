"""Dataflow pairs for the Python rules: every vulnerable function is found, every safe neighbour is quiet.

Each fixture under ``fixtures/python/flow/`` holds pairs of one flow shape (overwrite, constant
branch, branch merge, containers, loops, helpers, right- and wrong-kind sanitizers …).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from landguard_testing import FIXTURES, check_fixture

FLOW_FIXTURES = sorted((FIXTURES / "python" / "flow").glob("*.py"))


@pytest.mark.parametrize("path", FLOW_FIXTURES, ids=lambda p: p.stem)
def test_flow_pairs(path: Path) -> None:
    check_fixture(path, "LG2")


def test_every_vulnerable_function_has_a_safe_neighbour() -> None:
    vulnerable = safe = 0
    for path in FLOW_FIXTURES:
        names = re.findall(r"^def (\w+)", path.read_text(encoding="utf-8"), re.M)
        vulnerable += sum(name.endswith("_vulnerable") for name in names)
        safe += sum(name.endswith("_safe") for name in names)
    assert vulnerable >= 25 and safe >= 25


def test_sinks_from_user_models_are_reported(tmp_path: Path) -> None:
    from landguard.engine.analyze import analyze_text
    from landguard.engine.config import Config, load_config

    (tmp_path / "pyproject.toml").write_text(
        '[[tool.landguard.models.python.sink]]\nname = "acme.db.run_raw"\nargs = [0]\nkind = "sql"\n',
        encoding="utf-8",
    )
    source = (
        "from acme import db\nfrom flask import request\n\n\n"
        "def view():\n    db.run_raw(request.args['q'])\n\n\n"
        "def constant():\n    db.run_raw('SELECT 1')\n"
    )
    path = tmp_path / "app.py"
    path.write_text(source, encoding="utf-8")
    config = load_config(path).config
    found = [f for f in analyze_text(source, config, path=str(path)) if f.rule_id == "LG201"]
    assert [f.span.start_line for f in found] == [5]
    assert "acme.db.run_raw" in found[0].message
    assert not [f for f in analyze_text(source, Config(), path=str(path)) if f.rule_id == "LG201"]
