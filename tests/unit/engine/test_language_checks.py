"""A language's rules are loaded with its first document (``registry.checks_for``; issue #15,
cold open): a server opened on a Python file never imports the Java and JavaScript rules, and what
a document runs is exactly what it would run with every check loaded, in the same order."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from landguard.engine import registry
from landguard.engine.document import Document

# In a fresh process: which rule modules of each language package are imported after ``steps``.
PROBE = """
import json, sys
from landguard.engine import registry
from landguard.lsp import scheduler
loaded = []
for step in sys.argv[1:]:
    if step == "warm-up":
        scheduler.load_checks()  # what the server runs at start and at initialize
    else:
        registry.checks_for(step)
    loaded.append(sorted({name.split(".")[2] for name in sys.modules
                          if name.count(".") == 3 and name.split(".")[2] in registry.LANGUAGE_PACKAGES
                          and name.startswith("landguard.checks.")}))
print(json.dumps(loaded))
"""


def _packages_loaded(*steps: str) -> list[list[str]]:
    env = dict(os.environ, LANDGUARD_NO_STARTUP_CACHE="1")
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *steps], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(result.stdout)


def test_each_language_package_is_imported_with_its_first_document():
    assert _packages_loaded("warm-up", "python", "java", "typescript", "python") == [
        [],
        ["python"],
        ["java", "python"],
        ["java", "javascript", "python"],
        ["java", "javascript", "python"],
    ]
    # Documents of no language package (manifests, templates, text) load none of them.
    assert _packages_loaded("requirements", "text", "yaml") == [[], [], []]


DOCUMENTS = [
    ("app.py", None),
    ("Main.java", None),
    ("app.js", None),
    ("app.ts", None),
    ("view.tsx", None),
    ("Note.vue", "<template><div v-html='x'></div></template>\n<script>\nlet a = 1\n</script>\n"),
    ("requirements.txt", "flask==3.0\n"),
    ("package.json", "{}\n"),
    (".mcp.json", "{}\n"),
    ("Pipfile.lock", "{}\n"),
    ("page.html", "{{ x|safe }}\n"),
    ("notes.txt", "x\n"),
    ("settings.yaml", "a: 1\n"),
    (None, "x = 1\n"),
]


@pytest.mark.parametrize(("path", "text"), DOCUMENTS)
def test_a_document_runs_the_checks_it_would_with_every_check_loaded(path, text):
    document = Document(text or "x = 1\n", path=path)
    lazily = [c for c in registry.checks_for(document.language) if c.applies_to(document)]
    every = [c for c in registry.all_checks() if c.applies_to(document)]
    assert lazily == every  # the same objects, in the same order
    assert registry.checks_for(document.language) is registry.checks_for(document.language)


def test_every_check_is_in_exactly_one_assembled_set_order():
    # The union over the languages is every check, each once, in discovery order.
    every = registry.all_checks()
    seen = {
        id(c) for language in ("python", "java", "javascript", None) for c in registry.checks_for(language)
    }
    assert seen == {id(c) for c in every}
    assert len(every) == len({id(c) for c in every})


def test_a_check_in_a_language_package_must_apply_to_that_language_only():
    from landguard.engine.registry import LineCheck

    class Everywhere(LineCheck):
        languages = None

    class Elsewhere(LineCheck):
        languages = frozenset({"java"})

    class ByFileName(LineCheck):
        languages = frozenset({"python"})
        file_names = frozenset({"setup.py"})

    class Own(LineCheck):
        languages = frozenset({"python"})

    registry._require_language("python", [Own()])
    for check in (Everywhere(), Elsewhere(), ByFileName()):
        with pytest.raises(RuntimeError, match="must apply to"):
            registry._require_language("python", [check])


def test_a_rule_of_a_loaded_language_is_found_without_loading_the_others():
    registry.checks_for("python")
    rule = registry.loaded_rule("lg201")
    assert rule is not None and registry.get_rule("LG201") is rule
    assert registry.get_rule("LG401") is registry.all_rules()["LG401"]
