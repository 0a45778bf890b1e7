"""Diagnostics reused across edits (by finding identity, then by value) equal a full conversion.

``DiagnosticCache.convert`` skips all work for a finding that is the same object as before on
lines no edit touched or moved, and keeps each diagnostic's JSON text for publishing. After any
sequence of edits (multi-line statements, line insertions above findings, suppression comments,
CRLF), both the typed diagnostics and the JSON text must equal converting every finding afresh.
"""

from __future__ import annotations

import json
import random
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landguard.engine.analyze import Analysis
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard.lsp.convert import CONVERTER, DiagnosticCache, to_diagnostic
from landguard_testing import snap, utf16_range

CONFIG = Config(dependencies=DependencySettings(online=False))
AWS = "AKIA" + "QYLPMN5HHHFPZAM2"
TEXTS = {
    "app.py": (
        '"""Doc."""\n'
        f'key_1 = "{AWS}"\n'
        'password = "Xk9#mP2v000001q"\n'
        "value = call(\n"
        f'    "{AWS}",\n'
        ")\n"
        "def run(x):\n"
        "    return eval(x)\n"
    ),
    "app.js": f'const a = "{AWS}";\nfunction run(x) {{\n  eval(x);\n}}\nconst b = [\n  "{AWS}",\n];\n',
    "app.env": f"KEY={AWS}\r\nOTHER={AWS}\r\n",
}
PIECES = ["", "x", "\n", "(", ")", "import os\n", "# landguard: ignore\n", "  # nosec", "\r\n", '"', "🙂"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.sampled_from(sorted(TEXTS)),
    lean=st.booleans(),
    steps=st.lists(
        st.lists(
            st.tuples(st.floats(0, 1), st.sampled_from([0, 0, 1, 4, 20]), st.sampled_from(PIECES)),
            min_size=1,
            max_size=3,
        ),
        min_size=1,
        max_size=8,
    ),
)
def test_reused_diagnostics_equal_a_full_conversion(path, lean, steps):
    text = TEXTS[path]
    document = Document(text, path=path)
    analysis = Analysis(document, CONFIG)
    cache = DiagnosticCache()
    cache.convert(analysis.run(), document, lean, [])
    for batch in steps:  # several edits between two analyses, as a burst coalesced by the scheduler
        changes = []
        for where, length, new in batch:
            start = snap(text, int(where * len(text)))
            end = snap(text, min(len(text), start + length))
            changes.append(document.apply_change(utf16_range(text, start, end), new))
            text = text[:start] + new + text[end:]
        findings = analysis.run(changes)
        diagnostics = cache.convert(findings, document, lean, changes)
        fresh_document = Document(text, path=path)
        fresh = [CONVERTER.unstructure(to_diagnostic(f, fresh_document, lean=lean)) for f in findings]
        assert [CONVERTER.unstructure(d) for d in diagnostics] == fresh, (path, steps)
        assert [json.loads(cache.json_text_for(d)) for d in diagnostics] == fresh
        assert set(cache.findings) == {
            f"{f.rule_id}:{f.span.start_line}:{f.span.start_col}:{f.span.end_line}:{f.span.end_col}"
            for f in findings
        }


def test_a_one_line_edit_converts_only_the_edited_lines_findings(monkeypatch):
    rng = random.Random(7)
    key = "".join(rng.choice(string.ascii_uppercase + "234567") for _ in range(16))
    lines = [f'key_{n} = "AKIA{key[n % 16 :]}{key[: n % 16]}"' for n in range(100)]
    lines += [f'password = "Xk9#mP2v{n:06d}q"' for n in range(200)]
    document = Document("\n".join(lines) + "\n", path="dense.py")
    analysis = Analysis(document, CONFIG)
    cache = DiagnosticCache()
    before = cache.convert(analysis.run(), document, True, [])
    assert len(before) >= 300
    import landguard.lsp.convert as convert

    converted = []
    real = convert.to_diagnostic
    monkeypatch.setattr(convert, "to_diagnostic", lambda f, *a, **k: converted.append(f) or real(f, *a, **k))
    end = len(document.lines[150])
    change = document.apply_change((150, end, 150, end), "  # rotated")
    after = cache.convert(analysis.run([change]), document, True, [change])
    assert len(after) == len(before)
    assert {f.span.start_line for f in converted} == {150}
    assert sum(a is b for a, b in zip(before, after, strict=True)) == len(before) - len(converted)
