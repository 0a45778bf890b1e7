"""The scanner's second stage (``detector_masks``) never keeps a detector from a line it would
report on: every line of the secrets fixtures, the generated sample set and near-misses of each
gate (in other cases, and with the non-ASCII letters that case-insensitive matching folds) gets
each detector whose own gate matches it, and the scanner reports the same with the masks as with
every detector on every candidate line.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from test_detector_gates import NEAR_MISSES, _lines
from test_secrets_sample_set import generator

from landguard.checks.secrets import scanner
from landguard.checks.secrets.scanner import (
    _GATES,
    EVERY_DETECTOR,
    MAX_LINE_LENGTH,
    PROVIDER_TOKENS,
    candidate_lines,
    detector_masks,
)
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard.engine.registry import CheckContext
from landguard_testing import FIXTURES

# Letters that a case-insensitive pattern takes for ASCII ones but lowercasing does not turn into
# them ("İ" lowercases to "i" and a combining dot) or turns into them (the Kelvin sign).
FOLDED = {"i": "İ", "k": "\u212a", "s": "\u017f"}


def _variants(line: str) -> list[str]:
    """The line, upper- and title-cased, and with each foldable letter in its non-ASCII form."""
    variants = [line, line.upper(), line.title(), line.swapcase()]
    for ascii_letter, other in FOLDED.items():
        variants.append(line.replace(ascii_letter, other).replace(ascii_letter.upper(), other))
    return variants


def _near_misses() -> list[str]:
    """Each gate's near-misses and texts, in every variant."""
    texts = [text for _, _, plain, any_case in _GATES for text in (*plain, *any_case)]
    near = [*NEAR_MISSES, *(f"x = {text} and more" for text in texts), *texts]
    return list(dict.fromkeys(variant for line in near for variant in _variants(line)))


def _gate_lines() -> list[str]:
    """Every line of the fixtures and samples in every variant, and the near-misses."""
    return list(
        dict.fromkeys([*(variant for line in _lines() for variant in _variants(line)), *_near_misses()])
    )


def test_a_line_gets_every_detector_whose_gate_matches_it() -> None:
    lines = _gate_lines()
    # Each line alone and all of them joined (the scanner's search of many lines at once), once
    # with ASCII lines only (found by text) and once with all (non-ASCII text meets the patterns).
    ascii_lines = [line for line in lines if line.isascii()]
    for group in (ascii_lines, lines):
        joined = detector_masks(group, list(range(len(group))))
        for line, mask in zip(group, joined, strict=True):
            alone = detector_masks([line], [0])[0]
            assert mask == alone, line
            for bit, gate, _, _ in _GATES:
                if gate.search(line):
                    assert mask & bit, (line, gate.pattern)
    assert len(ascii_lines) > 1_000 and len(lines) > len(ascii_lines)


def test_the_masks_turn_detectors_away() -> None:
    """Not every detector on every line (then the test above could not fail)."""
    masks = detector_masks(["total = count + 1", "const url = 'ftp://x.test';"], [0, 1])
    assert masks[0] == PROVIDER_TOKENS  # LG101's anchors are tested on each line by LG101 itself
    assert masks[1] == PROVIDER_TOKENS | scanner.URL_CREDENTIALS


def test_a_long_line_meets_every_detector() -> None:
    assert detector_masks(["a" * (MAX_LINE_LENGTH + 1)], [0]) == [EVERY_DETECTOR]


_FRAGMENTS = st.sampled_from(
    [
        "pass",
        "PASS",
        "Key",
        "tok",
        "en",
        "to\u212aen",
        "authorİzation",
        "://",
        ";",
        "JDBC:",
        "curl ",
        "x",
        " ",
        "=",
        '"',
    ]
    + ["_auth", '"auth"', "PRIVATE KEY", "PuTTY-User-Key-File-", "password", "redis-cli", "é", "\u017fecret"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_FRAGMENTS, max_size=8).map("".join), min_size=1, max_size=6))
def test_joined_lines_mask_as_each_line_alone(lines: list[str]) -> None:
    joined = detector_masks(lines, list(range(len(lines))))
    for line, mask in zip(lines, joined, strict=True):
        for bit, gate, _, _ in _GATES:
            assert bool(mask & bit) >= bool(gate.search(line)), (line, gate.pattern)


def _documents() -> list[tuple[str, str]]:
    documents = [
        (path.read_text("utf-8", errors="replace"), str(path))
        for path in sorted((FIXTURES / "secrets").rglob("*"))
        if path.is_file()
    ]
    # The samples of one file name in one document (one analysis each, not one per sample).
    by_path: dict[str, list[str]] = {}
    for sample in generator().generate(draws=1):
        by_path.setdefault(sample.path, []).append(sample.text)
    documents += [("\n".join(texts), path) for path, texts in by_path.items()]
    # ASCII lines apart: one non-ASCII character sends all the candidates to the gates' patterns.
    near = _near_misses()
    documents.append(("\n".join(line for line in near if line.isascii()), "near_misses.py"))
    documents.append(("\n".join(line for line in near if not line.isascii()), "near_misses_folded.py"))
    return documents


def _every_detector(lines: list[str], numbers: list[int]) -> list[int]:
    return [EVERY_DETECTOR] * len(numbers)


def _hits(document: Document, context: CheckContext) -> list:
    return list(scanner.CHECK.scan_lines(document, 0, len(document.lines) - 1, context))


def test_the_masks_change_no_finding(monkeypatch) -> None:
    # The scanner's hits, not the engine's findings: the fixes built for each do not depend on
    # which detectors met the line, and building them would be most of the test's time.
    monkeypatch.setattr(
        scanner, "_finding", lambda document, hit: (hit.rule.id, hit.kind, hit.value, hit.span)
    )
    context = CheckContext(Config(dependencies=DependencySettings(online=False), test_paths=()))
    documents = [Document(text, path=path) for text, path in _documents()]
    with_masks = [_hits(document, context) for document in documents]
    monkeypatch.setattr(scanner, "detector_masks", _every_detector)
    found = 0
    for document, expected in zip(documents, with_masks, strict=True):
        unmasked = _hits(document, context)
        assert expected == unmasked, document.path
        found += len(unmasked)
    assert found >= 200


def test_candidates_are_searched_as_given() -> None:
    lines = ["nothing here", "api_key = 'x'", "plain", "curl -u a:b https://h"]
    numbers = candidate_lines(lines, 0, len(lines) - 1)
    assert detector_masks(lines, numbers)[numbers.index(3)] & scanner.COMMAND_CREDENTIALS
