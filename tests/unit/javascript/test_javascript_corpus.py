"""The corpus of realistic, safe code produces no LG3xx finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from landguard_testing import findings_for

CORPUS = Path(__file__).parents[2] / "corpus" / "javascript"
CORPUS_FILES = sorted(p for p in CORPUS.rglob("*") if p.suffix in {".js", ".jsx", ".ts", ".tsx", ".vue"})


def test_corpus_is_substantial():
    lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in CORPUS_FILES)
    assert len(CORPUS_FILES) >= 10 and lines >= 700


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_file_is_clean(path: Path):
    text = path.read_text(encoding="utf-8")
    findings = [f for f in findings_for(text, str(path)) if f.rule_id.startswith("LG3")]
    assert not findings, "\n".join(
        f"{f.rule_id} {path.name}:{f.span.start_line + 1} {f.message}" for f in findings
    )


def test_benchmark_input_is_built_from_the_corpus():
    import importlib.util

    path = Path(__file__).parents[3] / "bench" / "make_js_corpus.py"
    spec = importlib.util.spec_from_file_location("make_js_corpus", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.build(5000)
    assert len(text.splitlines()) >= 5000
    assert "express-api/routes/users.js" in text and "LG303.js" in text
