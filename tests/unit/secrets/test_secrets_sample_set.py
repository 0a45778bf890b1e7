"""The generated, labeled sample set (tests/corpus/secrets/generate.py): recall and false alarms
per provider, and the provider table's own invariants (linear patterns, documented sources)."""

from __future__ import annotations

import importlib.util
import re
import sys
from functools import cache
from pathlib import Path

import pytest
from lg1_helpers import secret_findings

from landguard.checks.secrets import providers
from landguard.checks.secrets.scanner import candidate_lines

ROOT = Path(__file__).resolve().parents[3]
GENERATOR = ROOT / "tests" / "corpus" / "secrets" / "generate.py"


@cache
def generator():
    spec = importlib.util.spec_from_file_location("secrets_sample_generator", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@cache
def scores():
    module = generator()
    return module.evaluate(module.generate(), secret_findings)


def test_at_least_120_provider_families() -> None:
    assert len(providers.providers()) >= 120


def test_every_provider_has_positives_near_misses_and_placeholders() -> None:
    module = generator()
    labels: dict[str, set[str]] = {}
    for sample in module.generate(draws=1):
        labels.setdefault(sample.spec.provider, set()).add(sample.label)
    assert set(labels) == set(providers.providers())
    for provider, seen in labels.items():
        assert seen == {"positive", "near-miss", "placeholder"}, provider


def test_every_format_has_a_sample_spec() -> None:
    kinds = {spec.kind for spec in generator().SPECS}
    assert not [fmt.kind for fmt in providers.ALL if fmt.kind not in kinds]


@pytest.mark.parametrize("provider", providers.providers())
def test_recall_and_false_positive_rate(provider: str) -> None:
    score = scores()[provider]
    assert score.recall >= 0.95, "\n".join(score.misses[:10])
    assert score.fpr <= 0.02, "\n".join(score.alarms[:10])


def test_every_positive_passes_the_prefilter() -> None:
    # The cheap prefilter must never be what loses a token.
    for sample in generator().generate(draws=1):
        if sample.label == "positive":
            lines = sample.text.splitlines()
            assert sample.line in candidate_lines(lines, 0, len(lines) - 1), sample


def test_kinds_name_their_provider() -> None:
    for fmt in providers.ALL:
        assert fmt.provider.lower() in fmt.kind.lower(), fmt


def test_sources_are_documentation_links() -> None:
    for fmt in providers.ALL:
        assert fmt.source.startswith("https://"), fmt


def _repeats_inside_repeats(pattern: str) -> list[str]:
    """Quantified groups that contain a quantifier: the shape that makes a regex super-linear."""
    import re._parser as sre_parse  # the parser of the regex engine itself

    repeats = {sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, sre_parse.POSSESSIVE_REPEAT}
    found: list[str] = []

    def walk(items, inside: bool) -> None:
        for op, arg in items:
            if op in repeats:
                low, high, sub = arg
                sub_has_repeat = any(o in repeats for o, _ in sub) or any(
                    o in (sre_parse.SUBPATTERN, sre_parse.BRANCH) for o, _ in sub
                )
                if inside and high != 1:
                    found.append(pattern)
                walk(sub, inside or (high != 1 and sub_has_repeat))
            elif op == sre_parse.SUBPATTERN:
                walk(arg[-1], inside)
            elif op == sre_parse.BRANCH:
                for branch in arg[1]:
                    walk(branch, inside)

    walk(sre_parse.parse(pattern), False)
    return found


def test_patterns_are_linear() -> None:
    nested = [fmt.pattern for fmt in providers.ALL if _repeats_inside_repeats(fmt.pattern)]
    assert not nested
    # The check itself finds the shape it is looking for.
    assert _repeats_inside_repeats(r"(?:a+b)+")
    assert not _repeats_inside_repeats(r"ghp_[A-Za-z0-9]{36}(?:\.[a-z]{2})?")


def test_a_long_hostile_line_stays_fast() -> None:
    import time

    line = "x = '" + "ghp_" * 2000 + "A" * 20000 + "-" * 5000 + "'"
    start = time.perf_counter()
    secret_findings(line + "\n", "a.py")
    assert time.perf_counter() - start < 2.0


def test_docs_list_every_provider_with_its_source() -> None:
    text = (ROOT / "docs" / "secrets.md").read_text(encoding="utf-8")
    assert text == providers.render_markdown(), "run `make docs`"
    for fmt in providers.ALL:
        assert fmt.source in text


CLEAN_CORPORA = [
    *sorted((ROOT / "tests" / "corpus" / "python" / "good").glob("*.py")),
    *sorted((ROOT / "tests" / "corpus" / "javascript").rglob("*.*")),
    *sorted((ROOT / "tests" / "corpus" / "java").rglob("*.java")),
]


@pytest.mark.parametrize("path", CLEAN_CORPORA, ids=lambda p: str(p.relative_to(ROOT)))
def test_clean_corpora_have_no_secret_findings(path: Path) -> None:
    found = secret_findings(path.read_text(encoding="utf-8"), str(path))
    assert not found, [(f.rule_id, f.span.start_line + 1, f.message) for f in found]


def test_sample_tokens_are_generated_not_stored() -> None:
    # The set is built at test time: the generator holds templates, never a token.
    text = GENERATOR.read_text(encoding="utf-8")
    assert not secret_findings(text, str(GENERATOR))
    assert not re.search(r"ghp_[A-Za-z0-9]{36}", text)
