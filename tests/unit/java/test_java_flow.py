"""The Java flow fixture suite: vulnerable and safe methods of the same shape, per sink kind.

Each file under ``fixtures/java/flow/`` pairs every ``bad…`` method with a ``good…`` neighbour
(constant branch/ternary/switch, branch merge, overwrite before/after the sink, list/map/builder,
loops, same-file helpers/inner classes/interfaces, right- and wrong-kind sanitizers,
propagators); ``// expect: LG4nn`` marks the lines that must be reported, and nothing else may be.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from landguard_testing import FIXTURES, check_fixture, findings_for

FLOW = sorted((FIXTURES / "java" / "flow").glob("*.java"))
RULE_OF = {
    "SqlFlow": "LG401",
    "CommandFlow": "LG404",
    "CycleFlow": "LG404",
    "PathFlow": "LG408",
    "LdapFlow": "LG409",
    "XpathFlow": "LG410",
    "SessionFlow": "LG412",
    "RedirectFlow": "LG414",
    "HeaderFlow": "LG415",
    "JndiFlow": "LG416",
    "LogFlow": "LG417",
    "RandomFlow": "LG403",
    "XssFlow": "LG413",
    "XssEntityFlow": "LG413",
    "DeserializationFlow": "LG405",
}
_METHOD = re.compile(
    r"^\s+(?:public|private|protected|static|\s)*[\w<>\[\], ?]+\s+(bad|good)(\w*)\s*\(", re.M
)


def _pairs(text: str) -> tuple[list[str], list[str]]:
    bad = [m.group(2) for m in _METHOD.finditer(text) if m.group(1) == "bad"]
    good = [m.group(2) for m in _METHOD.finditer(text) if m.group(1) == "good"]
    return bad, good


@pytest.mark.parametrize("path", FLOW, ids=[p.stem for p in FLOW])
def test_flow_fixture(path: Path):
    check_fixture(path, RULE_OF[path.stem])


@pytest.mark.parametrize("path", FLOW, ids=[p.stem for p in FLOW])
def test_every_bad_method_has_a_good_neighbour(path: Path):
    bad, good = _pairs(path.read_text(encoding="utf-8"))
    # Adjacency (each bad method next to its good one) is checked across languages by test_flow_suite.
    assert bad and len(good) >= len(bad), (bad, good)


def test_the_suite_covers_every_kind_with_enough_pairs():
    assert {path.stem for path in FLOW} == set(RULE_OF)
    pairs = sum(len(_pairs(path.read_text(encoding="utf-8"))[0]) for path in FLOW)
    assert pairs >= 60


@pytest.mark.parametrize("path", FLOW, ids=[p.stem for p in FLOW])
def test_request_data_is_high_confidence_and_parameters_medium(path: Path):
    """Lines marked ``(medium: a parameter)`` are reached by a method parameter only; every other
    finding is request data, reported with high confidence."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    for finding in findings_for(text, str(path)):
        if finding.rule_id == RULE_OF[path.stem] and finding.rule_id != "LG408":
            line = lines[finding.span.start_line]
            assert finding.confidence.label == ("medium" if "(medium" in line else "high"), line


def test_classes_without_methods_and_nested_types():
    text = (
        "import java.sql.Statement;\nimport javax.servlet.http.HttpServletRequest;\n\n"
        "class A {\n    interface Marker {}\n    static class Empty {}\n    enum Mode { ON, OFF }\n"
        "    record Pair(String left, String right) {}\n"
        "    void m(Statement st, HttpServletRequest request) throws Exception {\n"
        '        Pair pair = new Pair(request.getParameter("a"), "b");\n'
        '        st.executeQuery("SELECT * FROM t WHERE a = \'" + pair.left() + "\'");\n'
        '        st.executeQuery("SELECT * FROM t WHERE m = \'" + Mode.ON + "\'");\n'
        "    }\n}\n"
    )
    found = [f for f in findings_for(text, "A.java") if f.rule_id == "LG401"]
    assert [f.span.start_line for f in found] == [10]
