"""The JS/TS flow fixture suite (``LG3nn.flow.*``): vulnerable and safe neighbours for every flow shape.

Each fixture holds ``bad*`` functions (each with at least one ``expect:`` line) and ``good*``
functions (with none); ``test_javascript_fixtures`` checks that findings land exactly on the
``expect:`` lines (they match its file pattern). This file checks the suite itself: pairs are real pairs, and there are enough.
"""

from __future__ import annotations

import re

import pytest

from landguard_testing import FIXTURES

FLOW_FIXTURES = sorted((FIXTURES / "javascript").glob("LG3*.flow.*"))
_HEADER = re.compile(
    r"^(?:export\s+)?(?:async\s+)?function\s+((?:[Bb]ad|[Gg]ood)\w*)|^\s+((?:bad|good)\w*)\s*\(", re.M
)

_NEXT_DECLARATION = re.compile(r"\n(?:export\s+)?(?:async\s+)?(?:function|class)\s")


def _functions(text: str) -> list[tuple[str, str]]:
    """(name, text up to the next bad*/good* function) for every bad*/good* function."""
    matches = list(_HEADER.finditer(text))
    return [
        (
            match.group(1) or match.group(2),
            text[match.start() : matches[i + 1].start() if i + 1 < len(matches) else len(text)],
        )
        for i, match in enumerate(matches)
    ]


def test_flow_suite_has_enough_pairs():
    bad = good = 0
    for path in FLOW_FIXTURES:
        names = [name for name, _ in _functions(path.read_text(encoding="utf-8"))]
        bad += sum(name.lower().startswith("bad") for name in names)
        good += sum(name.lower().startswith("good") for name in names)
    assert min(bad, good) >= 60, (bad, good)


@pytest.mark.parametrize("path", FLOW_FIXTURES, ids=lambda p: p.name)
def test_bad_functions_expect_findings_and_good_ones_do_not(path):
    for name, body in _functions(path.read_text(encoding="utf-8")):
        if name.lower().startswith("bad"):
            assert "expect: LG3" in body, f"{path.name}: {name} expects no finding"
        else:
            own = _NEXT_DECLARATION.split(body)[0]  # not the helper function or class after it
            assert "expect: LG3" not in own, f"{path.name}: {name} expects a finding"


@pytest.mark.parametrize(
    "kind",
    ["LG301", "LG302", "LG303", "LG304", "LG308", "LG309", "LG310", "LG311", "LG313", "LG316", "LG317"],
)
def test_every_kind_has_flow_fixtures(kind):
    assert any(p.name.startswith(kind + ".flow.") for p in FLOW_FIXTURES)
