"""An idle document's first edit keeps the unit keys it had, as objects, for the units it did not touch.

The cached results of an open document are keyed by its units' texts (``Analysis`` unit keys). An
idle copy (``Document.idle_copy``) parses afresh on its next edit, so every unit is found and
keyed again: if the new, equal keys replaced the old ones in the caches, each first edit of an idle
document would allocate a fresh copy of the whole file's text among that edit's garbage (a parse
and lowering of the file) and free the old one, and the server's resident memory grew with the
edits by what those long-lived copies scattered over the allocator (``docs/benchmarks.md``, branch
``soak``). The keys of the untouched units must stay the objects they were.
"""

from __future__ import annotations

import pytest

from landguard.engine.analyze import Analysis
from landguard.engine.config import Config, DependencySettings
from landguard.engine.document import Document

CONFIG = Config(dependencies=DependencySettings(online=False))

FUNCTIONS = 12
SOURCES = {
    "app.py": "import os\n\n"
    + "".join(
        f"def handler_{n}(request):\n    return eval(request.args.get('q{n}'))\n\n" for n in range(FUNCTIONS)
    ),
    "app.js": "".join(f"function run{n}(req) {{\n  eval(req.query.code{n});\n}}\n" for n in range(FUNCTIONS)),
    "App.java": "class App {\n"
    + "".join(
        f'  void run{n}(java.sql.Statement s, String q) throws Exception {{\n    s.executeQuery("select {n}" + q);\n  }}\n'
        for n in range(FUNCTIONS)
    )
    + "}\n",
}


def _key_objects(analysis: Analysis) -> dict[object, int]:
    return {key: id(key) for key in analysis._unit_keys}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_first_edit_of_an_idle_copy_keeps_the_untouched_units_keys(name: str) -> None:
    text = SOURCES[name]
    document = Document(text, path=f"/project/{name}")
    analysis = Analysis(document, CONFIG)
    analysis.run()
    before = _key_objects(analysis)
    assert len(before) >= FUNCTIONS

    copy = document.idle_copy()
    analysis.replace_document(copy)
    # One character at the end of the last line: the units before it keep their text.
    last_line = len(text.splitlines()) - 1
    change = copy.apply_change((last_line, 0, last_line, 0), " ")
    analysis.run([change])
    after = _key_objects(analysis)

    kept = before.keys() & after.keys()
    assert len(kept) >= FUNCTIONS - 1
    new_objects = [key for key in kept if after[key] != before[key]]
    assert new_objects == []
