"""Adopting Landguard on an existing repository, through the installed ``landguard`` command:
baselines, changed-lines-only checks, fixes, stdin, the CI report formats."""

import ast
import json
import os
import subprocess
import xml.etree.ElementTree as ET

import pytest
from test_cli import LANDGUARD, run

SECRET = "ghp_" + "FAKEksLxPMwnkH7KDZQEQbZYUDQZgbxYEe6i"  # assembled: not a literal token in this file

LEGACY = """import hashlib


def digest(data):
    return hashlib.md5(data).hexdigest()


def load(text):
    return eval(text)
"""


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path):
    """A git repository with legacy findings already committed."""
    git("init", "-q", cwd=tmp_path)
    git("config", "user.email", "dev@example.com", cwd=tmp_path)
    git("config", "user.name", "Dev", cwd=tmp_path)
    (tmp_path / "app.py").write_text(LEGACY)
    (tmp_path / "settings.py").write_text(f'TOKEN = "{SECRET}"\n')
    git("add", ".", cwd=tmp_path)
    git("commit", "-qm", "legacy", cwd=tmp_path)
    return tmp_path


def findings(result) -> list[tuple[str, str, int]]:
    return sorted((f["path"], f["rule"], f["start"]["line"]) for f in json.loads(result.stdout)["findings"])


# ---------------------------------------------------------------------------- baseline


def test_baseline_accepts_existing_findings_and_reports_new_ones(repo):
    created = run("baseline", "create", ".", "-o", ".landguard-baseline.json", "--no-cache", cwd=repo)
    assert created.returncode == 0, created.stderr
    baseline_text = (repo / ".landguard-baseline.json").read_text()
    entries = json.loads(baseline_text)["findings"]
    assert {e["rule"] for e in entries} >= {"LG203", "LG206"} and any(
        e["rule"].startswith("LG1") for e in entries
    )
    assert SECRET not in baseline_text and SECRET[4:20] not in baseline_text  # only hashes

    clean = run("check", ".", "--baseline", ".landguard-baseline.json", "--format", "json", cwd=repo)
    assert clean.returncode == 0 and findings(clean) == []
    assert f"{len(entries)} finding(s) accepted by the baseline" in clean.stderr

    # Lines move (an import on top), the file is re-indented elsewhere, an unrelated line changes.
    moved = "import os\n\n" + LEGACY.replace("def digest(data):", "def digest(data):  # hash it")
    moved = moved.replace("    return eval(text)", "        return eval(text)").replace(
        "def load(text):", "def load(text):\n    if True:"
    )
    (repo / "app.py").write_text(moved)
    assert (
        findings(run("check", ".", "--baseline", ".landguard-baseline.json", "--format", "json", cwd=repo))
        == []
    )

    # A new finding (another eval on a new line) is reported; so is a copy of a baselined line.
    (repo / "app.py").write_text(moved + "\n\ndef again(x):\n    return eval(x)\n")
    (repo / "other.py").write_text(f'TOKEN = "{SECRET}"\n')
    new = run("check", ".", "--baseline", ".landguard-baseline.json", "--format", "json", cwd=repo)
    assert new.returncode == 1
    reported = findings(new)
    assert ("app.py", "LG203", 16) in reported
    assert [r for r in reported if r[0] == "other.py"]
    assert not [r for r in reported if r[0] == "settings.py"]


def test_baseline_paths_do_not_depend_on_the_working_folder(repo):
    (repo / "pkg").mkdir()
    (repo / "pkg" / "mod.py").write_text("x = eval(input())\n")
    run("baseline", "create", ".", "-o", ".landguard-baseline.json", cwd=repo)
    result = run(
        "check", ".", "--baseline", "../.landguard-baseline.json", "--format", "json", cwd=repo / "pkg"
    )
    assert findings(result) == [] and result.returncode == 0


def test_baseline_audit_and_update_drop_fixed_findings(repo):
    run("baseline", "create", ".", "--no-cache", cwd=repo)
    assert run("baseline", "audit", ".", cwd=repo).returncode == 0
    (repo / "app.py").write_text(LEGACY.replace("eval(text)", "int(text)"))
    audit = run("baseline", "audit", ".", cwd=repo)
    assert audit.returncode == 1
    assert "app.py:9: LG203 no longer found" in audit.stdout and "1 stale baseline entry" in audit.stdout
    assert run("baseline", "update", ".", cwd=repo).returncode == 0
    assert run("baseline", "audit", ".", cwd=repo).returncode == 0
    # The fixed finding does not come back silently.
    (repo / "app.py").write_text(LEGACY)
    result = run("check", ".", "--baseline", ".landguard-baseline.json", "--format", "json", cwd=repo)
    assert findings(result) == [("app.py", "LG203", 9)]
    # A deleted file's entries are stale too; update --add-new accepts what is new.
    (repo / "settings.py").unlink()
    assert "settings.py" in run("baseline", "audit", ".", cwd=repo).stdout
    run("baseline", "update", ".", "--add-new", cwd=repo)
    assert (
        findings(run("check", ".", "--baseline", ".landguard-baseline.json", "--format", "json", cwd=repo))
        == []
    )


def test_bad_baseline_is_a_usage_error(repo):
    (repo / "b.json").write_text("{}")
    result = run("check", ".", "--baseline", "b.json", cwd=repo)
    assert result.returncode == 2 and "not a landguard baseline" in result.stderr
    assert run("check", ".", "--baseline", "missing.json", cwd=repo).returncode == 2


# ---------------------------------------------------------------------------- changed lines


def test_diff_base_reports_only_changed_lines(repo):
    text = LEGACY + "\n\ndef added(x):\n    return eval(x)\n"
    (repo / "app.py").write_text(text)
    (repo / "fresh.py").write_text("y = eval(input())\n")  # untracked: every line is new
    result = run("check", ".", "--diff-base", "HEAD", "--format", "json", "--no-cache", cwd=repo)
    assert findings(result) == [("app.py", "LG203", 13), ("fresh.py", "LG203", 1)]
    assert result.returncode == 1
    # An unrelated clean edit to a file with legacy findings passes (the pre-commit complaint).
    (repo / "fresh.py").unlink()
    (repo / "app.py").write_text(LEGACY.replace("import hashlib", "import hashlib  # digests"))
    assert run("check", ".", "--diff-base", "HEAD", cwd=repo).returncode == 0
    bad = run("check", ".", "--diff-base", "no-such-ref", cwd=repo)
    assert bad.returncode == 2 and "no-such-ref" in bad.stderr


def test_diff_base_counts_from_where_the_branch_started(repo):
    git("branch", "-M", "main", cwd=repo)
    git("checkout", "-qb", "feature", cwd=repo)
    (repo / "feature.py").write_text("z = eval(input())\n")
    git("add", ".", cwd=repo)
    git("commit", "-qm", "feature", cwd=repo)
    git("checkout", "-q", "main", cwd=repo)
    # main moves on: the legacy eval line is reworded (still a finding) after the branch started.
    (repo / "app.py").write_text(LEGACY.replace("return eval(text)", "return eval(text.strip())"))
    git("commit", "-qam", "main moves", cwd=repo)
    git("checkout", "-q", "feature", cwd=repo)
    result = run("check", ".", "--diff-base", "main", "--format", "json", "--no-cache", cwd=repo)
    assert findings(result) == [("feature.py", "LG203", 1)]


def test_staged_checks_the_index_content(repo):
    (repo / "app.py").write_text(LEGACY + "\nx = eval(input())\n")
    git("add", "app.py", cwd=repo)
    # Unstaged edits neither add findings nor move the staged ones.
    (repo / "app.py").write_text("# unstaged\n" + LEGACY + "\nx = eval(input())\ny = eval(input())\n")
    result = run("check", "app.py", "--staged", "--format", "json", "--no-cache", cwd=repo)
    assert findings(result) == [("app.py", "LG203", 11)]
    outside = run("check", ".", "--staged", cwd=repo.parent)
    assert outside.returncode == 2 and "git" in outside.stderr


# ---------------------------------------------------------------------------- fixes


def test_fix_applies_safe_fixes_and_the_result_parses_and_is_clean(repo):
    result = run("check", "app.py", "--fix", "--no-cache", "--format", "json", cwd=repo)
    fixed = (repo / "app.py").read_text()
    ast.parse(fixed)
    assert "ast.literal_eval(text)" in fixed and "eval(text)" not in fixed.replace("literal_eval", "")
    assert "hashlib.md5" in fixed  # SHA-256 changes stored digests: an unsafe fix
    assert findings(result) == [("app.py", "LG206", 5)] and result.returncode == 1
    unsafe = run("check", "app.py", "--fix", "--unsafe-fixes", "--no-cache", cwd=repo)
    assert unsafe.returncode == 0, unsafe.stdout
    fixed = (repo / "app.py").read_text()
    ast.parse(fixed)
    assert "hashlib.sha256" in fixed
    assert run("check", "app.py", "--no-cache", cwd=repo).returncode == 0


def test_diff_prints_without_writing_and_exit_codes_follow_ruff(repo):
    result = run("check", "app.py", "--diff", "--no-cache", cwd=repo)
    assert result.returncode == 1
    assert result.stdout.startswith("--- a/app.py\n+++ b/app.py\n")
    assert "+    return ast.literal_eval(text)" in result.stdout
    assert (repo / "app.py").read_text() == LEGACY
    (repo / "clean.py").write_text("x = 1\n")
    assert run("check", "clean.py", "--diff", cwd=repo).returncode == 0
    (repo / "only_eval.py").write_text("def load(t):\n    return eval(t)\n")
    assert run("check", "only_eval.py", "--fix", cwd=repo).returncode == 0  # nothing remains
    (repo / "only_eval.py").write_text("def load(t):\n    return eval(t)\n")
    assert run("check", "only_eval.py", "--fix", "--exit-non-zero-on-fix", cwd=repo).returncode == 1


def test_fix_respects_the_baseline(repo):
    run("baseline", "create", ".", cwd=repo)
    (repo / "app.py").write_text(LEGACY + "\n\ndef again(x):\n    return eval(x)\n")
    run("check", "app.py", "--fix", "--baseline", ".landguard-baseline.json", cwd=repo)
    text = (repo / "app.py").read_text()
    assert "    return eval(text)" in text  # legacy: left alone
    assert "ast.literal_eval(x)" in text


# ---------------------------------------------------------------------------- stdin


def test_stdin_with_a_file_name(tmp_path):
    source = "def load(t):\n    return eval(t)\n"
    result = subprocess.run(
        [LANDGUARD, "check", "-", "--stdin-filename", "pkg/mod.py", "--format", "json"],
        input=source,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 1 and findings(result) == [("pkg/mod.py", "LG203", 2)]
    fixed = subprocess.run(
        [LANDGUARD, "check", "-", "--stdin-filename", "mod.py", "--fix"],
        input=source,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    ast.parse(fixed.stdout)
    assert "ast.literal_eval(t)" in fixed.stdout and fixed.returncode == 0
    as_js = subprocess.run(
        [LANDGUARD, "check", "-", "--stdin-filename", "a.js", "--format", "json"],
        input="el.innerHTML = location.hash;\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert any(rule.startswith("LG3") for _, rule, _ in findings(as_js))
    assert run("check", "-", "other.py", cwd=tmp_path).returncode == 2


# ---------------------------------------------------------------------------- output


def test_github_gitlab_and_junit_formats(repo):
    github = run("check", ".", "--format", "github", "--no-cache", cwd=repo)
    lines = github.stdout.splitlines()
    assert (
        "::error file=app.py,line=9,endLine=9,col=12,endColumn=22,title=LG203 code-injection::"
        in "\n".join(lines)
    )
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert SECRET not in github.stdout

    issues = json.loads(run("check", ".", "--format", "gitlab", "--no-cache", cwd=repo).stdout)
    assert {i["check_name"] for i in issues} >= {"LG203", "LG206"}
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    assert all(i["severity"] in {"info", "minor", "major", "critical", "blocker"} for i in issues)
    assert {"path": "app.py", "lines": {"begin": 9, "end": 9}} in [i["location"] for i in issues]

    junit = ET.fromstring(run("check", ".", "--format", "junit", "--no-cache", cwd=repo).stdout)
    cases = junit.findall("./testsuite/testcase")
    assert junit.get("failures") == str(len(cases)) and any(
        c.get("name") == "org.landguard.LG203" for c in cases
    )
    (repo / "clean").mkdir()
    (repo / "clean" / "x.py").write_text("x = 1\n")
    clean = ET.fromstring(run("check", "clean", "--format", "junit", cwd=repo).stdout)
    assert clean.get("failures") == "0" and clean.find("./testsuite/testcase") is not None


def test_github_annotations_escape_newlines_and_commas():
    from landguard.report.github import escape_data, escape_property

    assert escape_data("a\nb%\r") == "a%0Ab%25%0D"
    assert escape_property("a,b:c") == "a%2Cb%3Ac"


def test_statistics(repo):
    (repo / "more.py").write_text("a = eval(input())\nb = eval(input())\n")
    result = run("check", ".", "--statistics", "--no-cache", cwd=repo)
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert rows[0][:2] == ["3", "LG203"] and rows[0][2].startswith("[*]")
    assert result.returncode == 1
    as_json = json.loads(run("check", ".", "--statistics", "--format", "json", cwd=repo).stdout)
    assert as_json[0] == {"code": "LG203", "name": "code-injection", "count": 3, "fixable": 3}


def test_colour_only_on_a_terminal_and_never_with_no_color(repo):
    import pty

    assert "\033[" not in run("check", ".", cwd=repo).stdout  # a pipe
    assert "\033[" in run("check", ".", "--color", "always", cwd=repo).stdout

    def on_tty(env):
        leader, follower = pty.openpty()
        process = subprocess.Popen(
            [LANDGUARD, "check", "app.py"],
            cwd=repo,
            stdout=follower,
            stderr=follower,
            env={**os.environ, **env},
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=120)
        os.close(leader)
        return b"".join(chunks).decode()

    env = {k: "" for k in ("NO_COLOR",)}
    assert "\033[1m" in on_tty({**env, "TERM": "xterm"})
    assert "\033[" not in on_tty({"NO_COLOR": "1", "TERM": "xterm"})


def test_progress_line_only_on_a_terminal():
    import io

    from landguard.cli_adoption import Progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    progress = Progress(terminal, delay=0)
    progress(5, 10)
    progress.finish()
    assert "5/10 files" in terminal.getvalue() and terminal.getvalue().endswith("\r\033[K")
    piped = io.StringIO()
    quiet = Progress(piped, delay=0)
    quiet(5, 10)
    quiet.finish()
    assert piped.getvalue() == ""


def test_closed_pipe_is_not_a_traceback(repo):
    for n in range(30):
        (repo / f"m{n}.py").write_text("x = eval(input())\n" * 20)
    shell = subprocess.run(
        f"'{LANDGUARD}' check . --no-cache | head -1",
        shell=True,
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shell.stdout.count("\n") == 1
    assert "Traceback" not in shell.stderr and "BrokenPipe" not in shell.stderr


def test_pre_commit_hooks_run_as_declared(repo):
    """Each hook's entry, run as pre-commit runs it (entry + the staged file names)."""
    import shlex
    from pathlib import Path

    import yaml

    hooks = {
        h["id"]: h for h in yaml.safe_load((Path(__file__).parents[2] / ".pre-commit-hooks.yaml").read_text())
    }
    assert set(hooks) == {"landguard", "landguard-staged"}
    (repo / "app.py").write_text(
        LEGACY.replace("import hashlib", "import hashlib  # a clean one-line change")
    )
    git("add", "app.py", cwd=repo)
    results = {}
    for name, hook in hooks.items():
        command, *args = shlex.split(hook["entry"])
        assert command == "landguard"
        results[name] = run(*args, "app.py", cwd=repo).returncode
    assert results == {"landguard": 1, "landguard-staged": 0}
