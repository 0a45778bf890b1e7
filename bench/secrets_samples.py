"""Recall and false-positive rate per provider on the generated secrets sample set.

Builds the labeled set of tests/corpus/secrets/generate.py (tokens generated to each provider's
documented format, in six contexts, with near-misses and placeholders of the same shapes), runs
the secrets scanner on every sample and prints one Markdown row per provider, for
docs/benchmarks.md. The same numbers are asserted per provider by
tests/unit/secrets/test_secrets_sample_set.py (recall >= 95 %, FPR <= 2 %).

Usage: python bench/secrets_samples.py [--seed 1234] [--draws 2]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

from landguard.checks.secrets.scanner import CHECK
from landguard.engine.analyze import analyze_text
from landguard.engine.config import Config, DependencySettings

ROOT = Path(__file__).resolve().parent.parent
CONFIG = Config(dependencies=DependencySettings(online=False))


def _generator():
    path = ROOT / "tests" / "corpus" / "secrets" / "generate.py"
    spec = importlib.util.spec_from_file_location("secrets_sample_generator", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--draws", type=int, default=2)
    args = parser.parse_args()
    generator = _generator()
    samples = generator.generate(seed=args.seed, draws=args.draws)
    scores = generator.evaluate(
        samples, lambda text, path: analyze_text(text, CONFIG, path=path, checks=[CHECK])
    )
    formats = {}
    for spec in generator.SPECS:
        formats.setdefault(spec.provider, set()).add(spec.kind)
    print("| provider | formats | positives | recall | negatives | false positives | FPR |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    total = generator.Score()
    for provider in sorted(scores, key=str.lower):
        s = scores[provider]
        total.positives += s.positives
        total.found += s.found
        total.negatives += s.negatives
        total.false_positives += s.false_positives
        print(
            f"| {provider} | {len(formats[provider])} | {s.positives} | {s.recall:.1%} | {s.negatives} | "
            f"{s.false_positives} | {s.fpr:.1%} |"
        )
    print(
        f"| **all {len(scores)} providers** | **{sum(map(len, formats.values()))}** | **{total.positives}** | "
        f"**{total.recall:.2%}** | **{total.negatives}** | **{total.false_positives}** | **{total.fpr:.2%}** |"
    )


if __name__ == "__main__":
    main()
