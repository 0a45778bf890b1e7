"""LG501/LG502 on imports in code, LG504 undeclared imports in Python and JavaScript projects."""

from __future__ import annotations

import json

import pytest

from landguard.checks.deps import undeclared_import
from landguard_testing import FIXTURES, apply_fix, check_fixture, findings_for, tree_has_error

IMPORTS = FIXTURES / "deps" / "imports"


@pytest.mark.parametrize("name", ["typos.py", "typos.ts"])
def test_import_typos(name):
    path = IMPORTS / name
    text = path.read_text(encoding="utf-8")
    found = check_fixture(path, "LG501") + check_fixture(path, "LG502")
    assert found
    for finding in found:
        assert finding.fixes, finding
        fixed = apply_fix(text, finding.fixes[0])
        assert not tree_has_error(fixed, str(path))
        again = {(f.rule_id, f.span.start_line) for f in findings_for(fixed, str(path))}
        assert (finding.rule_id, finding.span.start_line) not in again


def test_python_fix_is_an_import_name():
    text = "import reqeusts\n"
    (finding,) = [f for f in findings_for(text, "/nowhere/a.py") if f.rule_id == "LG501"]
    assert apply_fix(text, finding.fixes[0]) == "import requests\n"


def test_javascript_undeclared_imports(tmp_path):
    (tmp_path / "package.json").write_text(
        json.dumps({"name": "app", "dependencies": {"express": "^4"}, "devDependencies": {"jest": "^29"}})
    )
    (tmp_path / "src").mkdir()
    source = tmp_path / "src" / "index.js"
    text = (
        'import express from "express";\n'
        'const lodash = require("lodash");\n'
        'import { readFile } from "fs/promises";\n'
        'import { test } from "jest";\n'
        'import app from "app/server";\n'
        'import chalk from "chalk";\n'
        'import thing from "./thing";\n'
    )
    found = [(f.rule_id, f.span.start_line) for f in findings_for(text, str(source))]
    assert found == [("LG504", 1), ("LG504", 5)]


def test_monorepo_root_package_json_counts(tmp_path):
    (tmp_path / "package.json").write_text(json.dumps({"devDependencies": {"typescript": "^5"}}))
    package = tmp_path / "packages" / "web"
    package.mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"dependencies": {"react": "^18"}}))
    text = 'import React from "react";\nimport ts from "typescript";\nimport vue from "vue";\n'
    found = [(f.rule_id, f.span.start_line) for f in findings_for(text, str(package / "a.tsx"))]
    assert found == [("LG504", 2)]


def test_vscode_module_is_provided_by_the_host_of_an_extension(tmp_path):
    text = 'import * as vscode from "vscode";\n'
    (tmp_path / "package.json").write_text(json.dumps({"name": "tool", "dependencies": {}}))
    assert [f.rule_id for f in findings_for(text, str(tmp_path / "a.ts"))] == ["LG504"]
    (tmp_path / "package.json").write_text(json.dumps({"name": "ext", "engines": {"vscode": "^1.85.0"}}))
    undeclared_import._recent.clear()
    assert findings_for(text, str(tmp_path / "a.ts")) == []


def test_python_undeclared_follows_manifest_edits(tmp_path):
    (tmp_path / "requirements.txt").write_text("requests\n")
    script = tmp_path / "tool.py"
    text = "import requests\nimport httpx\n"
    assert [(f.rule_id, f.span.start_line) for f in findings_for(text, str(script))] == [("LG504", 1)]
    import os
    import time

    (tmp_path / "requirements.txt").write_text("requests\nhttpx\n")
    undeclared_import._recent.clear()
    later = time.time() + 5
    os.utime(tmp_path / "requirements.txt", (later, later))
    assert findings_for(text, str(script)) == []


def test_local_helpers_are_first_party(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = []\n')
    (tmp_path / "tests" / "unit").mkdir(parents=True)
    (tmp_path / "tests" / "helpers_for_tests.py").write_text("")
    test_file = tmp_path / "tests" / "unit" / "test_a.py"
    assert findings_for("import helpers_for_tests\n", str(test_file)) == []


def test_modules_installed_in_the_project_venv_are_known(tmp_path):
    (tmp_path / "requirements.txt").write_text("pandsa-dataframes\n")
    info = tmp_path / ".venv" / "lib" / "python3.11" / "site-packages" / "pandsa_dataframes-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "top_level.txt").write_text("pandsa\n")
    undeclared_import._recent.clear()
    assert findings_for("import pandsa\n", str(tmp_path / "a.py")) == []


def test_each_unit_is_queried_for_imports_once_per_run(tmp_path, monkeypatch):
    """LG502 and LG504 read every unit's imports: one query per unit and run, shared (issue #15)."""
    from landguard.checks.deps import imports

    (tmp_path / "package.json").write_text(json.dumps({"name": "app", "dependencies": {"express": "^4"}}))
    queried: list[tuple[int, int, int]] = []
    real = imports.js_imports

    def counting(unit, document):
        queried.append((unit.id, unit.start_byte, unit.end_byte))
        return real(unit, document)

    monkeypatch.setattr(imports, "js_imports", counting)
    text = 'import express from "express";\nconst lodash = require("lodash");\nfunction f() { return require("chalk"); }\n'
    found = [(f.rule_id, f.span.start_line) for f in findings_for(text, str(tmp_path / "index.js"))]
    assert found == [("LG504", 1), ("LG504", 2)]
    assert queried and len(queried) == len(set(queried)), queried
