"""Line results whose fixes edit elsewhere (``import os`` at the top) are reused, not rescanned.

A 3,000-line module where every line holds a secret used to cost seconds per keystroke: each
line's environment fix inserts ``import os`` at the top, so every line was rescanned on every
run, and each fix looked for ``import os`` over the whole file again. Now such results are kept
while ``LineCheck.module_context_key`` is unchanged, and their outside edits stay where they are.
"""

from __future__ import annotations

import random
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from landguard.engine.analyze import Analysis
from landguard.engine.config import Config
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Fix, Severity, Span, TextEdit
from landguard.engine.registry import LineCheck, Rule, all_checks
from landguard.fixes import secrets as secret_fixes
from landguard_testing import incremental_runs

RULE = Rule("LG907", "test", "test", Severity.WARNING, Confidence.HIGH, (1,), "## What it does\nTest.\n")


def _import_anchor(document: Document) -> TextEdit | None:
    """Like the real fix: none when ``import os`` is there, else after a first-line docstring."""
    if "import os" in document.lines:
        return None
    line = 1 if document.lines and document.lines[0].startswith('"""') else 0
    return TextEdit(Span(line, 0, line, 0), "import os\n")


class KeyedEnvCheck(LineCheck):
    rules = (RULE,)

    def __init__(self) -> None:
        self.scanned: list[int] = []

    def module_context_key(self, document, context):
        return ("anchor", _import_anchor(document))

    def scan_lines(self, document, first, last, context):
        for n in range(first, last + 1):
            self.scanned.append(n)
            col = document.lines[n].find("KEY")
            if col >= 0:
                span = Span.on_line(n, col, col + 3)
                edits = [TextEdit(span, "os.environ['K']")]
                anchor = _import_anchor(document)
                if anchor is not None:
                    edits.append(anchor)
                yield RULE.finding(span, "key", fixes=[Fix("env", tuple(edits))])


START = '"""doc"""\nx = KEY\n\ny = 1\nz = KEY\n'
pieces = st.sampled_from(["", "x", "\n", "KEY", "k = KEY\n", "import os\n", "import os", '"""d"""\n', "🙂"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), pieces), min_size=1, max_size=12))
def test_reused_results_equal_a_scan_from_scratch(steps):
    document = Document(START, path="a.py")
    analysis = Analysis(document, Config(), [KeyedEnvCheck()])
    for text, found in incremental_runs(document, analysis, steps):
        assert found == Analysis(Document(text, path="a.py"), Config(), [KeyedEnvCheck()]).run()


def test_a_one_line_edit_rescans_one_line_while_the_key_holds():
    check = KeyedEnvCheck()
    text = "".join(f"k{n} = KEY\n" for n in range(3000))
    document = Document(text, path="a.py")
    analysis = Analysis(document, Config(), [check])
    assert len(analysis.run()) == 3000
    check.scanned.clear()
    change = document.apply_change((1500, 0, 1500, 0), "x")
    findings = analysis.run([change])
    assert check.scanned == [1500] and len(findings) == 3000
    # Every fix still inserts the import at the top, not at its line's old offset.
    assert all(f.fixes[0].edits[1].span == Span(0, 0, 0, 0) for f in findings)
    check.scanned.clear()
    change = document.apply_change((2000, 0, 2000, 0), "import os\n")  # the key changes: all rescanned
    findings = analysis.run([change])
    assert len(check.scanned) == 3001 and all(len(f.fixes[0].edits) == 1 for f in findings)


def _aws_key(rng: random.Random) -> str:
    return "AKIA" + "".join(rng.choice(string.ascii_uppercase + "234567") for _ in range(16))


def test_secrets_in_every_line_cost_one_line_per_edit(monkeypatch):
    """The real secrets check on 3,000 keys in a module without ``import os``."""
    rng = random.Random(7)
    lines = [f'key_{n} = "{_aws_key(rng)}"' for n in range(1000)]
    lines += [f'password = "Xk9#mP2v{n:06d}q"' for n in range(2000)]
    document = Document("\n".join(lines) + "\n", path="big.py")
    analysis = Analysis(document, Config(), [c for c in all_checks() if type(c).__name__ == "SecretsScanner"])
    first = analysis.run()
    assert len(first) >= 2900
    computed = []
    real = secret_fixes._compute_python_import_os
    monkeypatch.setattr(secret_fixes, "_compute_python_import_os", lambda d: computed.append(1) or real(d))
    [check] = analysis.checks
    scanned: list[int] = []
    real_scan = check.scan_lines
    monkeypatch.setattr(
        check, "scan_lines", lambda d, a, b, c: scanned.extend(range(a, b + 1)) or real_scan(d, a, b, c)
    )
    end = len(lines[1500])
    change = document.apply_change((1500, end, 1500, end), "  # rotated")
    findings = analysis.run([change])
    assert scanned == [1500] and len(computed) == 1
    assert len(findings) == len(first)
    import_edits = {e for f in findings for fix in f.fixes for e in fix.edits if e.new_text == "import os\n"}
    assert import_edits == {TextEdit(Span(0, 0, 0, 0), "import os\n")}
