"""The flow fixture suite as a whole, counted from the fixtures themselves (issue #9's "Done when").

The three languages' flow fixtures (``fixtures/python/flow/*.py``, ``fixtures/javascript/LG3*.flow.*``,
``fixtures/java/flow/*.java``) hold vulnerable functions (``*_vulnerable``, ``bad*``) next to safe
ones (``*_safe``, ``good*``); each language's own test checks that findings land exactly on the
``expect:`` lines. This module reads the functions in order, pairs each vulnerable function with
the safe function beside it, takes a pair's kind from the rules its ``expect:`` lines name and its
shape from the two names, and checks that the suite is what the issue asks: at least 150 pairs,
every vulnerable function paired, every taint kind a language has a rule for with pairs, and every
flow shape with pairs in every language.

``python tests/unit/test_flow_suite.py`` prints the table (language x kind, and shapes).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
EXPECT = re.compile(r"expect:\s*(LG\d{3}(?:\s*,\s*LG\d{3})*)")

# Function headers: (name, "bad"/"good") from the groups named ``name`` and ``polarity``.
_HEADERS = {
    "python": re.compile(r"^\s*def (?P<name>\w+?_(?P<polarity>vulnerable|safe))\s*\(", re.M),
    "javascript": re.compile(
        r"^(?:export\s+)?(?:async\s+)?function\s+(?P<name>(?P<polarity>[Bb]ad|[Gg]ood)\w*)"
        r"|^\s+(?P<method>(?P<method_polarity>bad|good)\w*)\s*\(",
        re.M,
    ),
    "java": re.compile(
        r"^\s+(?:public|private|protected|static|\s)*[\w<>\[\], ?]+\s+(?P<name>(?P<polarity>bad|good)\w*)\s*\(",
        re.M,
    ),
}
FLOW_FIXTURES = {
    "python": sorted((FIXTURES / "python" / "flow").glob("*.py")),
    "javascript": sorted((FIXTURES / "javascript").glob("LG3*.flow.*")),
    "java": sorted((FIXTURES / "java" / "flow").glob("*.java")),
}

# The taint kinds of the issue, by the rule that reports each in each language. A kind a language
# has no rule for (LDAP, XPath and trust boundaries in JavaScript; code, SSRF, NoSQL and regular
# expressions in Java; NoSQL in Python) has no pairs there, nor has Python's deserialization:
# LG204 reports every pickle/marshal/unsafe YAML load whatever it reads (request data only raises
# the confidence), so no safe neighbour of the same shape exists.
TAINT_RULES = {
    "python": {
        "sql": ("LG201",),
        "command": ("LG202",),
        "code": ("LG203",),
        "path": ("LG220",),
        "ssrf": ("LG221",),
        "xss": ("LG222",),
        "redirect": ("LG223",),
        "regex": ("LG228",),
        "xpath": ("LG231",),
        "ldap": ("LG232",),
        "trust-boundary": ("LG233",),
    },
    "javascript": {
        "sql": ("LG302",),
        "command": ("LG303",),
        "code": ("LG304",),
        "path": ("LG308",),
        "redirect": ("LG309",),
        "xss": ("LG301", "LG310"),
        "nosql": ("LG311",),
        "deserialization": ("LG313",),
        "regex": ("LG316",),
        "ssrf": ("LG317",),
    },
    "java": {
        "sql": ("LG401",),
        "command": ("LG404",),
        "deserialization": ("LG405",),
        "path": ("LG408",),
        "ldap": ("LG409",),
        "xpath": ("LG410",),
        "trust-boundary": ("LG412",),
        "xss": ("LG413",),
        "redirect": ("LG414",),
    },
}

# A pair's shapes, read from its two names (lower case, without underscores). The wrong-kind
# sanitizer is the vulnerable one's shape, the right-kind sanitizer the safe one's.
SHAPES = {
    "constant branch": r"(constant|dead|live)branch|branch(dead|live)",
    "ternary": r"ternary",
    "switch/match": r"switch|match(live|dead)case",
    "branch merge": r"branchmerge|clearedin|botharms|earlyreturn|returnbeforeoverwrite|returnendspath",
    "overwrite": r"overwrit|assigned(before|after)",
    "list": r"(?<!allow)list|array",
    "map": r"map|dict|objectproperty|propertystore|destructur",
    "builder": r"builder|join|stringio",
    "loop": r"loop",
    "helper": r"helper|recursi|cycle",
    "inner class": r"inner|classhelper|methodhelper",
    "interface": r"interface|protocol",
    "propagator": r"propagat|decode|base64|valueof|split|format|stringmethods|trim|cast|nonnull|optionalchain",
}
# Shapes the engine does not follow yet in a language: strict xfails, so fixing one says so.
KNOWN_GAPS: dict[tuple[str, str], str] = {}
WRONG_KIND = re.compile(r"wrongkind|isno|doesnot|unrelatedescape|sqlconnectionescape|rightkindelsewhere")
RIGHT_KIND = re.compile(
    r"rightkind|sanitiz|escaped|encode[dr]|allowlist|secured|normalis|normaliz|filenameonly|lastcomponent"
    r"|quoted|linebreaks|stripped|filenameutils|xpathencoder|esapi|commonstext|escapedregex|safeloader"
)


@dataclass(frozen=True)
class Function:
    name: str
    bad: bool
    rules: frozenset[str]  # the rules its expect: lines name (up to the next bad/good function)


@dataclass(frozen=True)
class Pair:
    language: str
    path: Path
    bad: Function
    good: Function

    @property
    def words(self) -> str:
        return (self.bad.name + " " + self.good.name).lower().replace("_", "")


def functions(language: str, path: Path) -> list[Function]:
    text = path.read_text(encoding="utf-8")
    matches = list(_HEADERS[language].finditer(text))
    found = []
    for i, match in enumerate(matches):
        groups = match.groupdict()
        name = groups["name"] or groups.get("method")
        polarity = (groups["polarity"] or groups.get("method_polarity")).lower()
        body = text[match.start() : matches[i + 1].start() if i + 1 < len(matches) else len(text)]
        rules = frozenset(rule.strip() for marks in EXPECT.findall(body) for rule in marks.split(","))
        found.append(Function(name, polarity in ("bad", "vulnerable"), rules))
    return found


def pairs_and_leftovers(language: str, path: Path) -> tuple[list[Pair], list[Function]]:
    """Each vulnerable function paired with the safe function just before or after it (pairing
    left to right); the functions left without a neighbour of the other sort."""
    found = functions(language, path)
    pairs, leftovers, i = [], [], 0
    while i < len(found):
        if i + 1 < len(found) and found[i].bad != found[i + 1].bad:
            bad, good = (found[i], found[i + 1]) if found[i].bad else (found[i + 1], found[i])
            pairs.append(Pair(language, path, bad, good))
            i += 2
        else:
            leftovers.append(found[i])
            i += 1
    return pairs, leftovers


def all_pairs() -> list[Pair]:
    return [
        pair
        for language, paths in FLOW_FIXTURES.items()
        for path in paths
        for pair in pairs_and_leftovers(language, path)[0]
    ]


def kinds_of(pair: Pair) -> set[str]:
    rules = TAINT_RULES[pair.language]
    return {kind for kind, ids in rules.items() if pair.bad.rules & set(ids)}


def shapes_of(pair: Pair) -> set[str]:
    shapes = {shape for shape, pattern in SHAPES.items() if re.search(pattern, pair.words)}
    bad, good = pair.bad.name.lower().replace("_", ""), pair.good.name.lower().replace("_", "")
    if WRONG_KIND.search(bad):
        shapes.add("wrong-kind sanitizer")
    if RIGHT_KIND.search(good):
        shapes.add("right-kind sanitizer")
    return shapes


ALL_SHAPES = (*SHAPES, "wrong-kind sanitizer", "right-kind sanitizer")


def test_at_least_150_pairs_in_all():
    assert len(all_pairs()) >= 150


@pytest.mark.parametrize("language", FLOW_FIXTURES)
def test_every_vulnerable_function_has_a_safe_neighbour(language):
    unpaired = [
        f"{path.name}: {function.name}"
        for path in FLOW_FIXTURES[language]
        for function in pairs_and_leftovers(language, path)[1]
        if function.bad
    ]
    assert not unpaired


@pytest.mark.parametrize("language", FLOW_FIXTURES)
def test_every_vulnerable_function_expects_a_finding(language):
    silent = [
        f"{path.name}: {function.name}"
        for path in FLOW_FIXTURES[language]
        for function in functions(language, path)
        if function.bad and not function.rules
    ]
    assert not silent


@pytest.mark.parametrize(
    ("language", "kind"), [(language, kind) for language, kinds in TAINT_RULES.items() for kind in kinds]
)
def test_every_taint_kind_has_pairs(language, kind):
    count = sum(kind in kinds_of(pair) for pair in all_pairs() if pair.language == language)
    assert count >= 3, f"{language} {kind}: {count} pairs"


@pytest.mark.parametrize(
    ("language", "shape"),
    [
        pytest.param(
            language,
            shape,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[language, shape])]
            if (language, shape) in KNOWN_GAPS
            else [],
        )
        for language in FLOW_FIXTURES
        for shape in ALL_SHAPES
    ],
)
def test_every_shape_has_pairs_in_every_language(language, shape):
    assert any(shape in shapes_of(pair) for pair in all_pairs() if pair.language == language)


def test_the_rules_named_are_taint_rules_of_their_language():
    from landguard.engine.registry import all_rules

    by_id = all_rules()
    for language, kinds in TAINT_RULES.items():
        for ids in kinds.values():
            for rule_id in ids:
                assert rule_id in by_id, rule_id
                languages = by_id[rule_id].languages
                assert language in languages or (language == "javascript" and "typescript" in languages), (
                    rule_id
                )


def table() -> str:
    """Pairs per language and kind, and per language and shape."""
    pairs = all_pairs()
    lines = [f"{len(pairs)} pairs"]
    for language in FLOW_FIXTURES:
        mine = [pair for pair in pairs if pair.language == language]
        kinds = Counter(
            kind
            for pair in mine
            for kind in kinds_of(pair) or {"other (" + ",".join(sorted(pair.bad.rules)) + ")"}
        )
        shapes = Counter(shape for pair in mine for shape in shapes_of(pair))
        lines.append(f"{language}: {len(mine)} pairs")
        lines.append("  kinds:  " + ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())))
        lines.append("  shapes: " + ", ".join(f"{shape} {shapes[shape]}" for shape in ALL_SHAPES))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(table() + "\n")
