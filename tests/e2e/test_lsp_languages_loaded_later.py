"""End to end: a language whose rules the server loads only when its first document arrives.

The server loads the common checks at start and a language's rules with the first document of
that language (``registry.checks_for``). A Java and a JavaScript file opened after a Python one
must still get every finding the engine gives them with every check loaded, and a Python file
opened after them still its own.
"""

from __future__ import annotations

from landguard.engine.analyze import analyze_text
from landguard.engine.config import Config
from landguard.engine.registry import all_checks

PYTHON = """import hashlib
import subprocess


def digest(data, name):
    subprocess.call("gzip " + name, shell=True)
    return hashlib.md5(data).hexdigest()
"""

JAVA = """import java.security.MessageDigest;
import java.sql.Statement;

class Store {
    byte[] digest(byte[] data) throws Exception {
        return MessageDigest.getInstance("MD5").digest(data);
    }

    void find(Statement statement, String name) throws Exception {
        statement.executeQuery("SELECT * FROM users WHERE name = '" + name + "'");
    }
}
"""

JAVASCRIPT = """function show(el, html) {
  el.innerHTML = '<b>' + html;
}

function run(code) {
  return eval(code);
}
"""


def expected(name: str, text: str) -> list[tuple[str, int, int]]:
    """What the engine finds with every language's checks loaded (as ``landguard check`` does)."""
    findings = analyze_text(text, Config(), path=name, checks=all_checks())
    return sorted((f.rule_id, f.span.start_line, f.span.start_col) for f in findings)


def published(diagnostics) -> list[tuple[str, int, int]]:
    return sorted((str(d.code), d.range.start.line, d.range.start.character) for d in diagnostics)


async def test_languages_opened_after_the_first_get_their_full_diagnostics(session):
    await session.initialize()
    files = [
        ("first.py", PYTHON, "python", "LG2"),
        ("Store.java", JAVA, "java", "LG4"),
        ("show.js", JAVASCRIPT, "javascript", "LG3"),
        ("second.py", PYTHON, "python", "LG2"),
    ]
    for name, text, language_id, family in files:
        want = expected(name, text)
        assert sum(rule.startswith(family) for rule, _, _ in want) >= 2, want  # the language's own rules
        uri = session.open(name, text, language_id)
        # (The engine's columns are code points, the LSP's UTF-16 units: the same in ASCII.)
        assert published(await session.diagnostics(uri, version=1)) == want, name
