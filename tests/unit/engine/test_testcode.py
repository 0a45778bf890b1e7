"""The test-code policy: which paths are tests, and drop / note / keep per rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from landguard.engine.analyze import analyze_text
from landguard.engine.config import Config, DependencySettings, apply_settings
from landguard.engine.findings import Severity
from landguard.engine.testcode import action_for, is_test_path, relative_path
from landguard.workspace import iter_files

OFFLINE = DependencySettings(online=False)

TLS_OFF = 'import requests\nrequests.get("https://localhost:8443", verify=False)\n'
PICKLE = "import pickle\n\ndef load(blob):\n    return pickle.loads(blob)\n"
SQL = 'def find(cursor, name):\n    cursor.execute("SELECT * FROM t WHERE n = \'" + name + "\'")\n'
PASSWORD = 'password = "Winter2024!Sunny"\n'
AWS_KEY = 'AWS_ACCESS_KEY_ID = "AKIAFAKEL814DP4ZGKDH"\n'


@pytest.mark.parametrize(
    "path",
    [
        "tests/test_app.py",
        "src/pkg/tests/helpers.py",
        "test_client.py",
        "pkg/client_test.py",
        "conftest.py",
        "app/tests.py",
        "src/__tests__/render.js",
        "src/render.test.ts",
        "src/render.spec.tsx",
        "lib/render.test.mjs",
        "test/app.js",
        "src/test/java/com/acme/DaoTest.java",
        "core/src/main/java/com/acme/DaoTest.java",
        "module/testdata/sample.py",
    ],
)
def test_default_globs_cover_each_ecosystems_tests(path: str) -> None:
    assert is_test_path(path, Config().test_paths)


@pytest.mark.parametrize(
    "path",
    [
        "src/app.py",
        "src/flask/testing.py",
        "contest.py",
        "attestation/views.py",
        "src/render.ts",
        "src/main/java/com/acme/Dao.java",
        "src/main/java/com/acme/Testament.java",
        "latest/app.js",
    ],
)
def test_application_code_is_not_test_code(path: str) -> None:
    assert not is_test_path(path, Config().test_paths)


def test_folders_above_the_project_do_not_make_a_test(tmp_path: Path) -> None:
    project = tmp_path / "tests" / "shop"
    (project / "src").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[project]\nname = 'shop'\n")
    app = project / "src" / "app.py"
    assert relative_path(str(app), None) == "src/app.py"
    assert not is_test_path(str(app), Config().test_paths)
    assert is_test_path(str(project / "tests" / "test_app.py"), Config().test_paths)
    assert relative_path(str(app), str(project)) == "src/app.py"


def _findings(text: str, path: str, config: Config | None = None):
    return analyze_text(text, config or Config(dependencies=OFFLINE, ignore=("LG5",)), path=path)


def test_normal_test_patterns_are_dropped_in_tests_and_kept_in_code() -> None:
    assert {f.rule_id for f in _findings(TLS_OFF, "src/client.py")} == {"LG205"}
    assert [f.rule_id for f in _findings(TLS_OFF, "tests/test_client.py")] == []
    assert {f.rule_id for f in _findings(PICKLE, "src/cache.py")} == {"LG204"}
    assert [f.rule_id for f in _findings(PICKLE, "tests/test_cache.py")] == []


def test_other_code_findings_become_notes_in_tests() -> None:
    (in_code,) = [f for f in _findings(SQL, "src/db.py") if f.rule_id == "LG201"]
    (in_test,) = [f for f in _findings(SQL, "tests/test_db.py") if f.rule_id == "LG201"]
    assert in_code.severity == Severity.ERROR and "testCode" not in dict(in_code.properties)
    assert in_test.severity == Severity.NOTE and dict(in_test.properties)["testCode"] == "true"


def test_fixture_passwords_are_notes_but_real_looking_tokens_stay() -> None:
    (password,) = [f for f in _findings(PASSWORD, "tests/test_login.py") if f.rule_id.startswith("LG1")]
    assert password.severity == Severity.NOTE
    tokens = [f for f in _findings(AWS_KEY, "tests/test_s3.py") if f.rule_id == "LG101"]
    assert tokens and all(f.severity == Severity.ERROR for f in tokens)


def test_settings_replace_extend_and_override_the_policy() -> None:
    config, errors = apply_settings(
        Config(dependencies=OFFLINE, ignore=("LG5",)),
        {"extendTestPaths": ["qa/"], "inTests": {"LG205": "keep", "lg2": "drop", "LG9": "bogus"}},
        "test",
    )
    assert errors and "LG9" in errors[0]
    assert "qa/" in config.test_paths and "tests/" in config.test_paths
    assert action_for("LG205", config.in_tests) == "keep"
    assert action_for("LG201", config.in_tests) == "drop"
    assert {f.rule_id for f in _findings(TLS_OFF, "qa/check.py", config)} == {"LG205"}
    assert [f for f in _findings(SQL, "qa/check.py", config) if f.rule_id == "LG201"] == []
    config, _ = apply_settings(Config(dependencies=OFFLINE, ignore=("LG5",)), {"testPaths": []}, "test")
    assert {f.rule_id for f in _findings(TLS_OFF, "tests/test_client.py", config)} == {"LG205"}


def test_generated_and_vendored_files_are_not_walked_unless_configured(tmp_path: Path) -> None:
    sphinx = ("docs/_static/searchtools.js", "docs/_static/doctools.js")
    for name in (
        "app.js",
        "app.min.js",
        "app.js.map",
        "dist/app.js",
        "vendor/lib.js",
        "static/x.bundle.js",
        *sphinx,
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("var x = 1;\n")
    config = Config(root=str(tmp_path))
    assert [p.name for p in iter_files([str(tmp_path)], config)] == ["app.js"]
    config, _ = apply_settings(config, {"generated": ["*.map"]}, "test")
    found = sorted(p.relative_to(tmp_path).as_posix() for p in iter_files([str(tmp_path)], config))
    assert found == [
        "app.js", "app.min.js", "dist/app.js", "docs/_static/doctools.js", "docs/_static/searchtools.js",
        "static/x.bundle.js", "vendor/lib.js",
    ]  # fmt: skip
    # A file named explicitly is always scanned.
    assert list(iter_files([str(tmp_path / "app.min.js")], Config())) == [tmp_path / "app.min.js"]


def test_a_binary_file_gets_one_notice_and_minified_code_is_skipped(tmp_path: Path) -> None:
    from landguard.workspace import scan_file

    late_nul = tmp_path / "data.bin.py"
    late_nul.write_bytes(b"x = 1\n" * 3000 + b"\x00\xff\xfe")
    result = scan_file(late_nul, Config(dependencies=OFFLINE))
    assert result.skipped == "binary" and not result.findings and not result.decode_errors
    bundle = tmp_path / "app.js"
    bundle.write_text("var a=1;" + "document.body.innerHTML=location.hash;" * 800 + "\n")
    assert scan_file(bundle, Config(dependencies=OFFLINE)).skipped == "generated (minified code)"
    source = tmp_path / "src.js"
    source.write_text("const x = 1;\n" * 2000 + "document.body.innerHTML = location.hash;\n")
    assert scan_file(source, Config(dependencies=OFFLINE)).skipped is None
    everything, _ = apply_settings(Config(dependencies=OFFLINE), {"generated": []}, "test")
    assert scan_file(bundle, everything).skipped is None


def test_secrets_exposure_of_test_fixtures_is_dropped(tmp_path):
    from landguard.engine.analyze import analyze_text
    from landguard.engine.config import Config

    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    key = (
        "-----BEGIN PRIVATE KEY-----\n"
        + "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" * 2
        + "\n-----END PRIVATE KEY-----\n"
    )
    config = Config(root=str(tmp_path))
    paths = {}
    for folder in ("tests/certs", "deploy"):
        (tmp_path / folder).mkdir(parents=True)
        paths[folder] = tmp_path / folder / "server.key"
        paths[folder].write_text(key, encoding="utf-8")
    in_tests = analyze_text(key, config, path=str(paths["tests/certs"]))
    in_app = analyze_text(key, config, path=str(paths["deploy"]))
    assert not [f for f in in_tests if f.rule_id == "LG604"]
    assert [f for f in in_app if f.rule_id == "LG604"]


SCRATCH_SETUP = (
    "import os\nimport socket\nimport tarfile\n\n\n"
    "def prepare(path, upload):\n"
    "    os.chmod(path, 0o777)\n"
    "    tarfile.open(upload).extractall(path)\n"
    "    server = socket.socket()\n"
    '    server.bind(("0.0.0.0", 8080))\n'
)


def test_scratch_files_archives_and_test_servers_are_normal_in_tests() -> None:
    expected = {"LG242", "LG243", "LG244"}
    assert {f.rule_id for f in _findings(SCRATCH_SETUP, "src/setup.py")} >= expected
    assert not {f.rule_id for f in _findings(SCRATCH_SETUP, "tests/test_setup.py")} & expected
