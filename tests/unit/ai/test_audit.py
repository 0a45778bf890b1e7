"""The audit trail: what the CLI records, that no source or secret gets in, the chain, the report."""

import json
import os
from pathlib import Path

import pytest

from landguard import audit
from landguard.cli import main

# Assembled at run time so no whole credential sits in the repository.
GITHUB_TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
SQL_TEXT = "SELECT name FROM accounts WHERE id = '"

SOURCE = f'''import sqlite3

TOKEN = "{GITHUB_TOKEN}"


def find(conn, user_id):
    return conn.execute("{SQL_TEXT}" + user_id + "'")
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "landguard.toml").write_text("audit = true\n")
    (tmp_path / "app.py").write_text(SOURCE)
    return tmp_path


def check(project: Path, capsys=None) -> int:
    cwd = os.getcwd()
    os.chdir(project)
    try:
        return main(
            ["check", ".", "--offline", "--no-cache", "--fail-on", "never", "-o", str(report_file(project))]
        )
    finally:
        os.chdir(cwd)


def report_file(project: Path) -> Path:
    return project.parent / f"{project.name}-report.txt"


def log_records(project: Path) -> list[dict]:
    return [json.loads(line) for line in (project / ".landguard" / "audit.jsonl").read_text().splitlines()]


def everything_written(project: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in (project / ".landguard").iterdir() if p.is_file())


def test_off_unless_opted_in(project):
    (project / "landguard.toml").write_text("")
    check(project)
    assert not (project / ".landguard").exists()


def test_a_run_records_scan_and_findings_without_source_or_secrets(project):
    check(project)
    records = log_records(project)
    events = [r["event"] for r in records]
    assert events[0] == "scan" and events.count("finding.raised") >= 2
    rules = {r["rule"] for r in records if r["event"] == "finding.raised"}
    assert {"LG101", "LG201"} <= rules
    written = everything_written(project)
    assert GITHUB_TOKEN not in written and GITHUB_TOKEN[4:20] not in written
    assert SQL_TEXT not in written and "conn.execute" not in written and "TOKEN =" not in written
    # An unchanged second run adds only its scan record.
    check(project)
    assert [r["event"] for r in log_records(project)[len(records) :]] == ["scan"] * events.count("scan")


def test_fixed_and_suppressed_findings_are_resolved_with_how(project):
    check(project)
    text = SOURCE.replace(f'"{GITHUB_TOKEN}"', 'os.environ["TOKEN"]')
    text = text.replace(
        '+ user_id + "\'")',
        f'+ user_id + "\'")  # landguard: ignore[LG201] -- false positive: ids are ints; see {GITHUB_TOKEN}',
    )
    (project / "app.py").write_text(text)
    check(project)
    records = log_records(project)
    resolved = {r["rule"]: r for r in records if r["event"] == "finding.resolved"}
    assert resolved["LG101"]["how"] == "changed" and resolved["LG201"]["how"] == "suppressed"
    (suppression,) = [r for r in records if r["event"] == "suppression.added"]
    assert suppression["rules"] == ["LG201"] and suppression["falsePositive"] is True
    assert suppression["reason"].startswith("false positive: ids are ints")
    assert GITHUB_TOKEN not in everything_written(project)  # planted in a reason: masked


def test_verify_an_intact_trail(project, capsys):
    check(project)
    check(project)
    assert main(["audit", "verify", str(project)]) == 0
    assert "intact" in capsys.readouterr().out


def tamper(project: Path, change) -> list[str]:
    log = project / ".landguard" / "audit.jsonl"
    lines = log.read_text().splitlines()
    log.write_text("\n".join(change(lines)) + "\n")
    return audit.verify(project).problems


@pytest.fixture
def trail(project):
    for _ in range(3):
        check(project)
    assert len(log_records(project)) >= 6
    return project


def test_an_edited_record_is_named(trail):
    def edit(lines):
        record = json.loads(lines[2])
        record["rule" if "rule" in record else "lines"] = "LG999" if "rule" in record else 1
        lines[2] = json.dumps(record)
        return lines

    problems = tamper(trail, edit)
    assert any("record 3 (line 3) was edited" in p for p in problems), problems


def test_an_edited_record_with_its_hash_recomputed_is_caught_at_the_next_link(trail):
    def edit(lines):
        record = json.loads(lines[2])
        record["time"] = "2000-01-01T00:00:00Z"
        record["hash"] = audit.record_hash(record)
        lines[2] = json.dumps(record)
        return lines

    problems = tamper(trail, edit)
    assert any("record 3 was edited and its hash recomputed" in p for p in problems), problems


def test_a_deleted_record_is_named(trail):
    problems = tamper(trail, lambda lines: lines[:3] + lines[4:])
    assert problems == ["record 4 deleted (before line 4)"]


def test_records_deleted_at_the_end_are_caught_by_the_head(trail):
    count = len(log_records(trail))
    problems = tamper(trail, lambda lines: lines[:-2])
    assert problems == [f"records {count - 1}-{count} deleted from the end (the head file records {count})"]


def test_an_inserted_record_is_named(trail):
    def insert(lines):
        forged = json.loads(lines[2])
        forged["event"], forged["seq"] = "fix.applied", forged["seq"] + 1
        forged["hash"] = audit.record_hash(forged)
        return lines[:3] + [json.dumps(forged)] + lines[3:]

    problems = tamper(trail, insert)
    assert problems == ["record at line 4 (seq 4) was inserted: it is not part of the chain"]


def test_reordered_records_are_named(trail):
    problems = tamper(trail, lambda lines: lines[:2] + [lines[3], lines[2]] + lines[4:])
    assert problems == ["record 4 (line 3) was moved: it belongs after line 4"]


def test_report_measures(project, capsys):
    check(project)
    (project / "app.py").write_text(
        SOURCE.replace(f'"{GITHUB_TOKEN}"', 'os.environ["TOKEN"]')
        + '\n\n# ai-generated\ndef more(conn, x):\n    return conn.execute("SELECT 1 WHERE a = \'" + x + "\'")\n'
    )
    check(project)
    assert main(["audit", "report", str(project), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["perRule"]["LG201"]["findings"] == 2 and data["perRule"]["LG101"]["findings"] == 1
    assert data["linesScanned"] > 0 and data["findingsPer1000Lines"] > 0
    # The secret went (LG101), and with it the file's exposure to assistants (LG604).
    assert data["resolved"]["changed"] == 2 and data["shareFixed"] == 1.0
    assert data["secondsToFix"]["count"] == 2
    assert data["aiMarked"]["findings"] == 1 and data["aiMarked"]["lines"] >= 2
    assert main(["audit", "report", str(project)]) == 0
    markdown = capsys.readouterr().out
    assert "| LG201 | 2 |" in markdown and "false positive" in markdown


def test_an_unwritable_trail_is_reported_once_and_checking_goes_on(project, capsys):
    (project / ".landguard").write_text("not a folder")  # mkdir fails as on a read-only disk
    (project / "second.py").write_text(SOURCE)
    check(project)
    err = capsys.readouterr().err
    assert err.count("audit trail is off") == 1
    assert "LG201" in report_file(project).read_text()


def test_a_full_disk_turns_the_trail_off(tmp_path, monkeypatch):
    trail = audit.AuditTrail(tmp_path, "lsp")
    observation = audit.Observation("a.py", 10, 0, (("LG201", "f1", 3, "error", False),), ())

    def no_space(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    trail.record_observation(observation)
    assert trail.problem and "No space left" in trail.problem
    trail.record_observation(observation)  # no exception, nothing more tried


def test_large_insertions_are_counted_not_copied(tmp_path):
    trail = audit.AuditTrail(tmp_path, "lsp")
    lines = ["x = 1"] * 30
    observation = audit.observe(trail.key, "a.py", lines, [], insertions=[(25, True)])
    trail.record_observation(observation)
    (insertion,) = [
        r for r in audit.read_records(tmp_path / ".landguard" / "audit.jsonl") if r["event"] == "insertion"
    ]
    assert insertion == {**insertion, "lines": 25, "aiMarked": True, "file": "a.py"}
    assert "x = 1" not in (tmp_path / ".landguard" / "audit.jsonl").read_text()
