"""LG504/LG501 on real project layouts: setup.py / setup.cfg / PKG-INFO declarations, nested
manifests up to the project root, the project's own package, platform modules, `import type`."""

from __future__ import annotations

from pathlib import Path

import pytest

from landguard.checks.deps import undeclared_import
from landguard.checks.deps.manifests import setup_declarations
from landguard_testing import findings_for


@pytest.fixture(autouse=True)
def _forget_projects():
    undeclared_import._recent.clear()
    yield
    undeclared_import._recent.clear()


def _undeclared(path: Path, text: str) -> list[str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return sorted(
        dict(f.properties).get("module") or dict(f.properties).get("package", "")
        for f in findings_for(text, str(path))
        if f.rule_id in ("LG504", "LG501")
    )


SETUP_PY = """
from setuptools import setup
requires = ["urllib3>=1.21.1,<3", "certifi>=2017.4.17"]
setup(
    name="shop-client",
    install_requires=requires,
    extras_require={"socks": ["PySocks>=1.5.6"], "yaml": "PyYAML"},
    tests_require=["pytest"],
)
"""


def test_setup_py_is_read_not_run(tmp_path: Path) -> None:
    (tmp_path / "setup.py").write_text(SETUP_PY + "\nraise SystemExit('never executed')\n")
    names, own = setup_declarations(tmp_path / "setup.py")
    assert sorted(names) == ["PySocks", "PyYAML", "certifi", "pytest", "urllib3"]
    assert own == "shop-client"
    code = "import urllib3\nimport socks\nimport yaml\nimport shop_client\nimport numpy\n"
    assert _undeclared(tmp_path / "shop_client" / "api.py", code) == ["numpy"]


def test_setup_cfg_and_pkg_info_declare_too(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text(
        "[metadata]\nname = PyJWT\n[options]\ninstall_requires =\n    idna\n"
        "[options.extras_require]\ncrypto =\n    cryptography>=3.4\n"
    )
    (tmp_path / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: PyJWT\nRequires-Dist: certifi\n\nbody\n")
    code = "import idna\nimport cryptography\nimport certifi\nimport requests\n"
    assert _undeclared(tmp_path / "jwt" / "algorithms.py", code) == ["requests"]


def test_manifests_are_merged_up_to_the_project_root(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "urllib3"\ndependencies = ["idna"]\n')
    (tmp_path / "src" / "urllib3").mkdir(parents=True)
    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements" / "docs.txt").write_text("sphinx\n")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "requirements.txt").write_text("furo\n")
    code = "import urllib3\nimport idna\nimport sphinx\nimport furo\nimport requests\n"
    assert _undeclared(tmp_path / "docs" / "conf.py", code) == ["requests"]


def test_python2_and_platform_modules_are_not_packages(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "bottle"\ndependencies = []\n')
    code = (
        "import sys\nif sys.version_info < (3,):\n    import httplib\n    import cPickle\n"
        "import js\nfrom pyodide.ffi import to_js\nimport reqeusts\n"
    )
    found = [f for f in findings_for(code, str(tmp_path / "bottle.py")) if f.rule_id.startswith("LG50")]
    assert [(f.rule_id, f.span.start_line) for f in found] == [("LG501", 6)]


def test_import_type_is_satisfied_by_definitely_typed(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "app", "devDependencies": {"@types/express": "4"}}')
    code = 'import type { Request } from "express";\nimport { Router } from "express";\n'
    path = tmp_path / "src" / "app.ts"
    path.parent.mkdir()
    found = [f for f in findings_for(code, str(path)) if f.rule_id == "LG504"]
    assert [f.span.start_line for f in found] == [1]


def test_optional_elsewhere_direct_references_and_setup_py_backend(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "drf"\ndependencies = []\n')
    (tmp_path / "dev-requirements.txt").write_text("trustme @ git+https://example.invalid/trustme@abc\n")
    code = (
        "try:\n    import markdown\nexcept ImportError:\n    markdown = None\n\n"
        "if markdown is not None:\n    from markdown.preprocessors import Preprocessor\n"
        "import trustme\nimport pygments\n"
    )
    assert _undeclared(tmp_path / "drf" / "compat.py", code) == ["pygments"]
    setup = "from setuptools import setup\nimport numpy\nsetup(name='drf')\n"
    assert _undeclared(tmp_path / "setup.py", setup) == ["numpy"]
    # setuptools outside setup.py is an ordinary undeclared import.
    assert _undeclared(tmp_path / "drf" / "build.py", "import setuptools\n") == ["setuptools"]


def test_one_finding_per_module_and_path_aliases_to_own_folders(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "wiki"\ndependencies = []\n')
    code = "from sqlalchemy import Table\nfrom sqlalchemy.orm import relation\nimport redis\n"
    path = tmp_path / "wiki" / "db.py"
    path.parent.mkdir()
    path.write_text(code)
    found = [f for f in findings_for(code, str(path)) if f.rule_id == "LG504"]
    assert [f.span.start_line for f in found] == [0, 2]
    (tmp_path / "package.json").write_text('{"name": "kit", "dependencies": {}}')
    (tmp_path / "src" / "types").mkdir(parents=True)
    ts = 'import { Options } from "types";\nimport { x } from "leftpad";\n'
    found = [f for f in findings_for(ts, str(tmp_path / "src" / "app.ts")) if f.rule_id == "LG504"]
    assert [f.span.start_line for f in found] == [1]


def test_a_stray_manifest_in_the_temp_folder_is_no_project(tmp_path: Path, monkeypatch) -> None:
    # Another tool's build file in /tmp is not the manifest of a checkout below it (it leaked into
    # a finding's message): the temp and home folders and / are never a project's folder.
    monkeypatch.setattr(undeclared_import.tempfile, "gettempdir", lambda: str(tmp_path))
    (tmp_path / "requirements.txt").write_text("requests\n")
    assert _undeclared(tmp_path / "checkout" / "app.py", "import requests\n") == []
    assert undeclared_import._find_project(str(tmp_path / "checkout" / "app.py"), "python") is None
    (tmp_path / "checkout" / "requirements.txt").write_text("flask\n")
    undeclared_import._recent.clear()
    assert _undeclared(tmp_path / "checkout" / "app.py", "import flask\nimport requests\n") == ["requests"]


def test_documentation_importing_the_projects_sample_app(tmp_path: Path) -> None:
    # docs/ snippets say `from app.db import ...`: the app of examples/sqlalchemy/app/, not a
    # distribution. The library's own code importing `app`, or docs importing a real
    # distribution nothing declares, are still reported.
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "shop-users"\ndependencies = ["fastapi"]\n')
    (tmp_path / "examples" / "sqlalchemy" / "app").mkdir(parents=True)
    (tmp_path / "examples" / "sqlalchemy" / "app" / "__init__.py").write_text("")
    snippet = "from app.db import get_session\nfrom app.users import manager\nimport motor\n"
    assert _undeclared(tmp_path / "docs" / "src" / "cookbook.py", snippet) == ["motor"]
    assert _undeclared(tmp_path / "shop_users" / "core.py", "from app.db import get_session\n") == ["app"]


def test_the_files_of_a_folder_share_one_project_lookup(tmp_path: Path, monkeypatch):
    (tmp_path / "package.json").write_text('{"dependencies": {"left-pad": "1"}}')
    calls = []
    find = undeclared_import._find_project
    monkeypatch.setattr(
        undeclared_import, "_find_project", lambda path, language: calls.append(path) or find(path, language)
    )
    projects = {undeclared_import.project_for(str(tmp_path / f"f{i}.js"), "javascript") for i in range(5)}
    assert len(calls) == 1 and len(projects) == 1
    assert "left-pad" in projects.pop().declared


def test_a_linked_file_has_the_project_of_what_it_links_to(tmp_path: Path):
    here, there = tmp_path / "here", tmp_path / "there"
    for folder, dependency in ((here, "here-dep"), (there, "there-dep")):
        folder.mkdir()
        (folder / "package.json").write_text(f'{{"dependencies": {{"{dependency}": "1"}}}}')
    (there / "real.js").write_text("x")
    (here / "link.js").symlink_to(there / "real.js")
    assert "here-dep" in undeclared_import.project_for(str(here / "own.js"), "javascript").declared
    assert "there-dep" in undeclared_import.project_for(str(here / "link.js"), "javascript").declared
