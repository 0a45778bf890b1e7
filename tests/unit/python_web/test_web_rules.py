"""LG220+ beyond the fixtures: robustness, incremental runs, corpus, and the helpers' decisions."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest

from landguard.checks.python._web import is_secret_name
from landguard.checks.python.regex_dos import has_catastrophic_backtracking
from landguard.engine.analyze import Analysis
from landguard.engine.config import Config
from landguard.engine.document import Document
from landguard.engine.registry import all_rules
from landguard_testing import FIXTURES, apply_fix, expected_findings, findings_for

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "python"
WEB_IDS = [f"LG{n}" for n in range(220, 231)]
WEB_FIXTURES = [FIXTURES / "python" / f"{rule_id}.py" for rule_id in WEB_IDS]


def _web(rule_id: str) -> bool:
    return rule_id.startswith("LG2") and int(rule_id[2:]) >= 220


def test_every_rule_is_registered_with_docs_and_cwe() -> None:
    rules = all_rules()
    for rule_id in WEB_IDS:
        rule = rules[rule_id]
        assert rule.cwe and rule.languages == frozenset({"python"})
        for section in ("What it does", "Why is this bad?", "Example", "Use instead", "References"):
            assert f"## {section}" in rule.docs, (rule_id, section)
        assert f"CWE-{rule.cwe[0]}" in rule.docs


@pytest.mark.parametrize("path", WEB_FIXTURES, ids=lambda p: p.stem)
def test_a_syntax_error_elsewhere_hides_nothing(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    expected = {item for item in expected_findings(text) if item[1] == path.stem}
    broken = text + "\n\ndef half_written(request:\n    return f\"<b>{request.args['x']\n"
    document = Document(broken, path=str(path))
    assert document.tree is not None and document.tree.root_node.has_error
    found = {
        (f.span.start_line, f.rule_id) for f in findings_for(broken, str(path)) if f.rule_id == path.stem
    }
    assert expected <= found


def test_a_syntax_error_above_a_finding_does_not_hide_it() -> None:
    text = (
        "from flask import request, redirect\n"
        "import requests\n"
        "def broken(:\n"
        "    pass\n"
        "\n"
        "def view():\n"
        "    return requests.get(request.args['url'], timeout=3)\n"
    )
    found = [f for f in findings_for(text, "app.py") if f.rule_id == "LG221"]
    assert [f.span.start_line for f in found] == [6]


def _incremental_equals_fresh(before: str, edit: tuple[tuple[int, int, int, int], str], path: str) -> list:
    config = Config()
    document = Document(before, path=path)
    analysis = Analysis(document, config)
    analysis.run()
    change = document.apply_change(*edit)
    incremental = [f for f in analysis.run([change]) if _web(f.rule_id)]
    fresh = [f for f in Analysis(Document(document.text, path=path), config).run() if _web(f.rule_id)]
    assert incremental == fresh
    return incremental


def test_settings_detection_follows_edits_elsewhere_in_the_module() -> None:
    before = "import os\n\nDEBUG = True\n\nTIME_ZONE = 'UTC'\n"
    # Turning TIME_ZONE into ALLOWED_HOSTS makes the module settings-like: DEBUG, untouched, is now reported.
    found = _incremental_equals_fresh(before, ((4, 0, 4, 9), "ALLOWED_HOSTS"), "config_module.py")
    assert [f.rule_id for f in found] == ["LG226"]


def test_import_changes_rerun_units() -> None:
    before = "from flask import redirect\nfrom flask import request\n\ndef go():\n    return redirect(request.args['n'])\n"
    assert [f.rule_id for f in findings_for(before, "app.py") if _web(f.rule_id)] == ["LG223"]
    # `redirect` now comes from another module: the unchanged function is rechecked, the finding goes.
    found = _incremental_equals_fresh(before, ((0, 5, 0, 10), "other"), "app.py")
    assert found == []


@pytest.mark.parametrize(
    ("rule_id", "from_request", "from_elsewhere"),
    [
        (
            "LG222",
            "from flask import request\nfrom markupsafe import Markup\n"
            "def f():\n    return Markup('<b>' + request.args['x'] + '</b>')\n",
            "from markupsafe import Markup\ndef f(x):\n    return Markup('<b>' + x + '</b>')\n",
        ),
        (
            "LG224",
            "import xml.etree.ElementTree as ET\nfrom flask import request\n"
            "def f():\n    return ET.fromstring(request.data)\n",
            "import xml.etree.ElementTree as ET\ndef f(data):\n    return ET.fromstring(data)\n",
        ),
    ],
)
def test_request_data_raises_confidence(rule_id: str, from_request: str, from_elsewhere: str) -> None:
    (high,) = [f for f in findings_for(from_request, "app.py") if f.rule_id == rule_id]
    (lower,) = [f for f in findings_for(from_elsewhere, "app.py") if f.rule_id == rule_id]
    assert high.confidence > lower.confidence


@pytest.mark.parametrize(
    ("path", "flagged"),
    [
        ("project/settings.py", True),
        ("project/settings/production.py", True),
        ("project/prod_settings.py", True),
        ("project/settings_dev.py", False),
        ("project/local_settings.py", False),
        ("project/constants.py", False),
    ],
)
def test_debug_true_only_in_settings_modules(path: str, flagged: bool) -> None:
    found = [f for f in findings_for("DEBUG = True\n", path) if f.rule_id == "LG226"]
    assert bool(found) == flagged


@pytest.mark.parametrize(
    "pattern",
    [r"(a+)+$", r"(\w*)*", r"(.*a){12}", r"(\w+\s?)+$", r"^([a-z0-9]+\.?)+@", r"(a+|b)+", r"((ab)*b*)*x"],
)
def test_nested_quantifiers_are_found(pattern: str) -> None:
    assert has_catastrophic_backtracking(pattern)


@pytest.mark.parametrize(
    "pattern",
    [
        r"(\d+\.)+\d+",
        r"(\w+\s)+",
        r"^(\d{1,3}\.){3}\d{1,3}$",
        r"^[a-z]+(?:\.[a-z]+)*$",
        r"(a|b)*c",
        r"(?>a+)+",
        r"(a++)+",
        r"[(a+)+]",
        r"(unclosed",
        "x" * 5000,
    ],
)
def test_linear_patterns_are_not(pattern: str) -> None:
    assert not has_catastrophic_backtracking(pattern)


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("password", True),
        ("db_password", True),
        ("self_api_key", True),
        ("apiKey", True),
        ("client_secret", True),
        ("refresh_token", True),
        ("password_confirmation", True),
        ("SECRET_KEY", True),
        ("token_type", False),
        ("token_range", False),
        ("password_hash", False),
        ("api_key_name", False),
        ("max_tokens", False),
        ("secrets", False),
        ("cache_key", False),
        ("passwordHash", False),
    ],
)
def test_secret_names(name: str, secret: bool) -> None:
    assert is_secret_name(name) is secret


def _good_corpus() -> list[Path]:
    return sorted(CORPUS.glob("web_*.py")) + sorted((CORPUS / "good").glob("*.py"))


def test_corpus_is_there() -> None:
    assert len(sorted(CORPUS.glob("web_*.py"))) >= 3


@pytest.mark.parametrize("path", _good_corpus(), ids=lambda p: p.name)
def test_good_code_has_no_findings(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [f for f in findings_for(text, str(path)) if _web(f.rule_id)]
    lines = text.splitlines()
    assert not found, "\n".join(
        f"{f.rule_id} {path.name}:{f.span.start_line + 1}: {lines[f.span.start_line].strip()} -- {f.message}"
        for f in found
    )


@pytest.mark.parametrize(
    "text",
    [
        "\x00\x01binary",
        "def f(:\n",
        "re.compile(r'(' * 500)\n",
        "import re\nre.compile(r'" + "(" * 300 + "a" + ")+" * 300 + "')\n",
        "from flask import request\nopen(" * 200 + "\n",
    ],
)
def test_bad_input_does_not_crash(text: str, caplog: pytest.LogCaptureFixture) -> None:
    # The engine logs (and survives) a check that raises: there must be no such log line.
    with caplog.at_level(logging.ERROR, logger="landguard.analyze"):
        findings_for(text, "broken.py")
    assert not [r for r in caplog.records if "failed" in r.getMessage()]


@pytest.mark.parametrize(
    ("path", "text", "rule_id", "expected"),
    [
        (
            "settings.py",
            "SECRET_KEY = 1\nDEBUG = True\n",
            "LG226",
            'import os\nDEBUG = os.environ.get("DJANGO_DEBUG")',
        ),
        (
            "app.py",
            "app.run(debug=True)\n",
            "LG226",
            'import os\napp.run(debug=os.environ.get("FLASK_DEBUG")',
        ),
        (
            "app.py",
            "import xml.etree.ElementTree as ET\ndoc = ET.fromstring(data)\n",
            "LG224",
            "import defusedxml.ElementTree\ndoc = defusedxml.ElementTree.fromstring(data)",
        ),
        (
            "app.py",
            "import defusedxml.ElementTree as safe\nfrom xml.dom.minidom import parseString\n\n"
            "def f(text):\n    return parseString(text)\n",
            "LG224",
            "    import defusedxml.minidom\n    return defusedxml.minidom.parseString(text)",
        ),
        (
            "app.py",
            "import tempfile as tf\np = tf.mktemp(dir=base)\n",
            "LG227",
            "tf.NamedTemporaryFile(delete=False, dir=base).name",
        ),
    ],
)
def test_fixes_outside_the_fixtures(path: str, text: str, rule_id: str, expected: str) -> None:
    (finding,) = [f for f in findings_for(text, path) if f.rule_id == rule_id]
    (fix,) = finding.fixes
    fixed = apply_fix(text, fix)
    assert expected in fixed
    ast.parse(fixed)
    assert not [f for f in findings_for(fixed, path) if f.rule_id == rule_id]


@pytest.mark.parametrize(
    ("text", "rule_id"),
    [
        ("import xml.etree.ElementTree as ET\nif ET.fromstring(data):\n    pass\n", "LG224"),
        ("from tempfile import mktemp\np = mktemp()\n", "LG227"),
        ("import tempfile\np = tempfile.mktemp('.txt')\n", "LG227"),
        ("import xml.parsers.expat\np = xml.parsers.expat.ParserCreate()\n", "LG224"),
        (
            "from vendor import defusedxml\nimport xml.etree.ElementTree as ET\ndoc = ET.fromstring(data)\n",
            "LG224",
        ),
    ],
)
def test_no_fix_where_it_cannot_be_made_safely(text: str, rule_id: str) -> None:
    (finding,) = [f for f in findings_for(text, "app.py") if f.rule_id == rule_id]
    assert finding.fixes == ()


@pytest.mark.parametrize("path", WEB_FIXTURES, ids=lambda p: p.stem)
def test_incremental_runs_equal_fresh_runs_on_the_fixtures(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    first_import = next(n for n, line in enumerate(lines) if line.startswith(("import ", "from ")))
    edits = [
        ((0, 0, 0, 0), "\n\n"),  # everything moves down
        ((first_import + 2, 0, first_import + 3, 0), ""),  # an import disappears
        ((len(lines) - 1, 0, len(lines) - 1, 0), "x = 1\n"),  # an edit at the end
    ]
    config = Config()
    document = Document(text, path=str(path))
    analysis = Analysis(document, config)
    analysis.run()
    for edit in edits:
        change = document.apply_change(*edit)
        incremental = [f for f in analysis.run([change]) if _web(f.rule_id)]
        fresh = [
            f for f in Analysis(Document(document.text, path=str(path)), config).run() if _web(f.rule_id)
        ]
        assert incremental == fresh
