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
