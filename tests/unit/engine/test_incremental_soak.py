"""Incremental equals fresh with the real checks, under the edits a long editing session makes.

The synthetic-check property test (``test_analyze.py``) covers the engine's bookkeeping; this one
runs every real check over documents of every language we analyse (Python, JavaScript, Java,
YAML, .env) and edits them the way a soak run does: multi-line insertions and deletions, edits
inside string literals and PEM blocks, and every kind of line end (LF, CRLF, lone CR, and edits
that join a CR and an LF into one line end or split one). After every edit, the incremental
findings (with their fixes) must equal those of the same text analysed from scratch.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from landguard.engine import positions
from landguard.engine.analyze import Analysis
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document
from landguard_testing import fresh_document, utf16_range

CONFIG = Config(dependencies=DependencySettings(online=False))
TOKEN = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0" + "P9o8N7m6L5k4J3i2"
AWS = "AKIA" + "QYLPMN5HHHFPZAM2"
PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEA1c7+9z5Pad7OejecsQ0bu3aozN3tihPmljnnudb9G3HcZ5P5\n"
    "+TgLjtsiSmskih6STo/Qri4alJKjMF8YjLYQkA+eNH+uiG3GUHeV7HRcTD/LLrLH\n"
    "-----END RSA PRIVATE KEY-----\n"
)

DOCUMENTS = {
    "app.py": (
        "import os\nimport pickle\n\n"
        f'API = "{TOKEN}"\n'
        "def handler(request):\n"
        "    data = request.args.get('q')\n"
        "    value = eval(data)\n"
        "    return pickle.loads(value)\n\n"
        f"KEY = '''{PEM}'''\n"
        'password = "Tr0ub4dor3x!"\n'
    ),
    "app.js": (
        f'const token = "{TOKEN}";\n'
        "function run(req) {\n"
        "  eval(req.query.code);\n"
        "  document.body.innerHTML = location.hash;\n"
        "}\n"
        f"const key = `{PEM}`;\n"
    ),
    "App.java": (
        "class App {\n"
        f'  String key = "{AWS}";\n'
        "  void run(java.sql.Statement s, String q) throws Exception {\n"
        '    s.executeQuery("select * from t where a = " + q);\n'
        "    Runtime.getRuntime().exec(q);\n"
        "  }\n"
        "}\n"
    ),
    # Nested classes and an enum with members and constant bodies: units inside them (issue #15).
    "Nested.java": (
        "class Outer {\n"
        '  static final String BASE = "select * from t where a = ";\n'
        "  enum Op {\n"
        "    PLUS {\n"
        "      void apply(java.sql.Statement s, String q) throws Exception { s.executeQuery(BASE + q); }\n"
        "    };\n"
        "    static final int N = 2;\n"
        "    void go(String q) throws Exception { Runtime.getRuntime().exec(q); }\n"
        "  }\n"
        "  static class Inner {\n"
        '    String helper(String q) { return "select " + q; }\n'
        "    void run(java.sql.Statement s, String q) throws Exception {\n"
        "      s.executeQuery(helper(q));\n"
        "    }\n"
        "    int x = 1;\n"
        "  }\n"
        "}\n"
    ),
    "config.yaml": (
        "database:\n"
        f"  aws_access_key_id: {AWS}\n"
        '  password: "Tr0ub4dor3x!"\n'
        f"  token: {TOKEN}\n"
        "  key: |\n" + "".join(f"    {line}\n" for line in PEM.splitlines())
    ),
    ".env": f"AWS_ACCESS_KEY_ID={AWS}\nGITHUB_TOKEN={TOKEN}\nDEBUG=1\n",
}

PIECES = [
    "",
    "x",
    "\n",
    "\r",
    "\r\n",
    '"',
    "'''",
    '"""\n',
    "#",
    "//",
    "/*",
    "*/",
    "\x00",
    "🙂",
    "\ud83d",  # a lone surrogate, as a broken client can send
    f"token = '{TOKEN}'\n",
    f"  secret: {AWS}\n",
    "    y = eval(x)\n",
    "-----BEGIN RSA PRIVATE KEY-----\n",
    "-----END RSA PRIVATE KEY-----",
    "MIIEowIBAAKCAQEA1c7+9z5Pad7OejecsQ0bu3aozN3tihPmljnnudb9G3HcZ5P5\n",
    "def f(a):\n    return eval(a)\n",
    "if (a) {\n  eval(b);\n}\n",
    "void g(java.sql.Statement s, String q) throws Exception { s.execute(q + BASE); }\n",
    "String helper(String q) { return q; }\n",
]


def line_ends(text: str, style: str) -> str:
    lf = text.replace("\r\n", "\n")
    return {"lf": lf, "crlf": lf.replace("\n", "\r\n"), "cr": lf.replace("\n", "\r")}[style]


def fresh(document: Document):
    return Analysis(fresh_document(document), CONFIG).run()


def snap_to_position(text: str, offset: int) -> int:
    """The offset of the LSP position nearest ``offset``: never between a CR and its LF."""
    index = positions.LineIndex(text)
    line, col = index.position(offset)
    return index.offset(line, col)


# LANDGUARD_SOAK_EXAMPLES / _STEPS make a longer soak (``make test`` keeps this to seconds).
EXAMPLES = int(os.environ.get("LANDGUARD_SOAK_EXAMPLES", "60"))
STEPS = int(os.environ.get("LANDGUARD_SOAK_STEPS", "12"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Found by this test: an edit on the END line of a PEM block whose BEGIN line starts with another
# END marker did not rescan the block (the block finding kept its old end) ...
@example(
    path="config.yaml", style="lf", steps=[(0.40625, 0, "-----END RSA PRIVATE KEY-----"), (0.9375, 0, "x")]
)
# ... a BEGIN line whose dashes run into an END marker opens a block, but widening thought it closed
@example(
    path="config.yaml",
    style="lf",
    steps=[(0.0, 60, ""), (0.390625, 0, "-----END RSA PRIVATE KEY-----"), (0.5, 0, "\n")],
)
# ... a finding reported outside its unit (error recovery re-parses whole lines) was cached under the
# unit's text, so LG203 stayed at its old columns next to the current one ...
@example(path="app.py", style="lf", steps=[(0.1875, 60, '"'), (0.25, 0, "x")])
# ... and the environment fix of a secret kept assuming `import os` after the import was gone.
@example(path="app.py", style="lf", steps=[(0.0, 0, "x")])
@given(
    path=st.sampled_from(sorted(DOCUMENTS)),
    style=st.sampled_from(["lf", "crlf", "cr"]),
    steps=st.lists(
        st.tuples(st.floats(0, 1), st.sampled_from([0, 0, 1, 3, 12, 60]), st.sampled_from(PIECES)),
        min_size=1,
        max_size=STEPS,
    ),
)
def test_incremental_equals_fresh_with_every_check(path, style, steps):
    text = line_ends(DOCUMENTS[path], style)
    document = Document(text, path=path)
    analysis = Analysis(document, CONFIG)
    analysis.run()
    for where, length, new in steps:
        start = snap_to_position(text, int(where * len(text)))
        end = snap_to_position(text, min(len(text), start + length))
        change = document.apply_change(utf16_range(text, start, end), new)
        text = text[:start] + new + text[end:]
        assert document.text == text
        assert analysis.run([change]) == fresh(document), (path, style, steps)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(path="app.js", style="lf", steps=[(0.5, 0, "x", True), (0.5, 0, "x", True)])
@given(
    path=st.sampled_from(sorted(DOCUMENTS)),
    style=st.sampled_from(["lf", "crlf", "cr"]),
    steps=st.lists(
        st.tuples(
            st.floats(0, 1), st.sampled_from([0, 0, 1, 3, 12, 60]), st.sampled_from(PIECES), st.booleans()
        ),
        min_size=1,
        max_size=STEPS,
    ),
)
def test_bursts_with_deferred_parses_equal_fresh(path, style, steps):
    """As the server applies a burst (``defer_parse``: the text now, one reparse when the run reads
    the tree): the run after each burst, given all of its changes, equals the text analysed fresh."""
    text = line_ends(DOCUMENTS[path], style)
    document = Document(text, path=path)
    analysis = Analysis(document, CONFIG)
    analysis.run()
    burst = []
    for where, length, new, deferred in steps:
        start = snap_to_position(text, int(where * len(text)))
        end = snap_to_position(text, min(len(text), start + length))
        burst.append(document.apply_change(utf16_range(text, start, end), new, defer_parse=deferred))
        text = text[:start] + new + text[end:]
        assert document.text == text
        if not deferred:
            assert not document.parse_deferred
            assert analysis.run(burst) == fresh(document), (path, style, steps)
            burst = []
    assert analysis.run(burst) == fresh(document), (path, style, steps)
    assert not document.parse_deferred
