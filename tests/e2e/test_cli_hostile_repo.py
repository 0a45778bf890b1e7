"""What a hostile repository can do to ``landguard check``: it must not blind, hang or misuse it.

Each test builds the repository an attacker would commit and runs the installed command (with a
timeout: a hang fails the test instead of the suite).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

LANDGUARD = shutil.which("landguard", path=str(Path(sys.executable).parent)) or "landguard"
AWS_KEY = "AKIAIOSFODNN7EXAMPLQ"  # a well-formed AWS access key id that is nobody's
SECRET_LINE = f'aws_key = "{AWS_KEY}"\n'


def run(*args, cwd, cache, timeout=60, env=None):
    return subprocess.run(
        [LANDGUARD, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "LANDGUARD_CACHE_DIR": str(cache), **(env or {})},
    )


def findings(result) -> list[tuple[str, str]]:
    data = json.loads(result.stdout)
    return sorted((f["path"], f["rule"]) for f in data["findings"])


@pytest.fixture
def repo(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "landguard.toml").write_text("[dependencies]\nonline = false\n")
    return project


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "user-cache"


# ------------------------------------------------------------------------------------------ cache


def test_a_committed_cache_that_lists_no_findings_is_not_believed(repo, cache):
    (repo / "app.py").write_text(SECRET_LINE)
    default_cache = {"LANDGUARD_CACHE_DIR": "", "XDG_CACHE_HOME": str(repo.parent / "xdg")}
    run("check", ".", cwd=repo, cache=cache, env=default_cache)  # the old default put it in the tree
    assert not (repo / ".landguard_cache").exists()
    # What a pull request would commit: the old in-tree cache format claiming app.py is clean.
    forged = repo / ".landguard_cache"
    forged.mkdir()
    payload = {"app.py": ["0" * 32, {"findings": [], "locations": [], "skipped": None}]}
    for name in ("results-0.json", "results-x.json"):
        (forged / name).write_text(json.dumps(payload))
    for _ in range(2):
        result = run("check", ".", "--format", "json", cwd=repo, cache=cache, env=default_cache)
        assert ("app.py", "LG101") in findings(result)


def test_a_forged_cache_file_in_the_user_cache_is_ignored(repo, cache):
    (repo / "app.py").write_text(SECRET_LINE)
    assert "LG101" in run("check", ".", cwd=repo, cache=cache).stdout  # creates the cache
    [cache_file] = (cache / "results").glob("results-*.json")
    document = json.loads(cache_file.read_text())
    entries = json.loads(document["entries"])
    entries["app.py"][1]["findings"] = []
    entries["app.py"][1]["locations"] = []
    document["entries"] = json.dumps(entries)  # the MAC no longer matches
    cache_file.write_text(json.dumps(document))
    result = run("check", ".", cwd=repo, cache=cache)
    assert "LG101" in result.stdout and "from cache" not in result.stdout


def test_the_cache_is_outside_the_tree_and_private(repo, tmp_path):
    (repo / "app.py").write_text("x = 1\n")
    home = tmp_path / "home"
    env = {"HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")}
    subprocess.run(
        [LANDGUARD, "check", "."],
        cwd=repo,
        capture_output=True,
        timeout=60,
        env={k: v for k, v in {**os.environ, **env}.items() if k != "LANDGUARD_CACHE_DIR"},
        check=False,
    )
    assert not (repo / ".landguard_cache").exists()
    secret = home / ".cache" / "landguard" / "secret.key"
    assert secret.is_file() and secret.stat().st_mode & 0o777 == 0o600
    assert list((home / ".cache" / "landguard" / "results").glob("results-*.json"))


def test_a_symlinked_cache_folder_is_not_followed(repo, tmp_path):
    (repo / "app.py").write_text(SECRET_LINE)
    target = tmp_path / "victim"
    target.mkdir()
    (target / "results-keep.json").write_text("precious")
    link = tmp_path / "cache-link"
    link.symlink_to(target)
    result = run("check", ".", cwd=repo, cache=link)
    assert result.returncode == 1 and "LG101" in result.stdout
    assert "result cache not used" in result.stderr
    assert sorted(p.name for p in target.iterdir()) == ["results-keep.json"]
    assert (target / "results-keep.json").read_text() == "precious"


def test_a_symlinked_cache_file_is_neither_read_nor_written_through(repo, cache, tmp_path):
    (repo / "app.py").write_text(SECRET_LINE)
    run("check", ".", cwd=repo, cache=cache)
    [cache_file] = (cache / "results").glob("results-*.json")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    cache_file.unlink()
    cache_file.symlink_to(victim)
    (repo / "app.py").write_text(SECRET_LINE + "y = 2\n")  # forces a write
    result = run("check", ".", cwd=repo, cache=cache)
    assert "LG101" in result.stdout
    assert victim.read_text() == "precious"
    assert not cache_file.is_symlink()  # replaced by a file of ours, the target untouched


def test_parallel_runs_share_the_cache_safely(repo, cache):
    for n in range(30):
        (repo / f"m{n}.py").write_text(SECRET_LINE if n % 5 == 0 else f"x = {n}\n")
    runs = [
        subprocess.Popen(
            [LANDGUARD, "check", ".", "--format", "json", "-j", "1"],
            cwd=repo,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "LANDGUARD_CACHE_DIR": str(cache)},
        )
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=120) for p in runs]
    assert all(json.loads(out)["summary"] if out else False for out, _ in outputs)
    counts = {
        len([f for f in json.loads(out)["findings"] if f["rule"].startswith("LG1")]) for out, _ in outputs
    }
    assert counts == {6}
    again = run("check", ".", cwd=repo, cache=cache)
    assert "30 from cache" in again.stdout or "31 from cache" in again.stdout


# ---------------------------------------------------------------------------------- special files


def test_symlink_loops_and_fifos_do_not_stop_the_scan(repo, cache):
    (repo / "self").symlink_to("self")
    (repo / "a").symlink_to("b")
    (repo / "b").symlink_to("a")
    os.mkfifo(repo / "pipe.py")
    os.mkfifo(repo / "requirements.txt")
    (repo / "zz_secret.py").write_text(SECRET_LINE)
    result = run("check", ".", "--format", "json", cwd=repo, cache=cache, timeout=30)
    assert ("zz_secret.py", "LG101") in findings(result)
    skipped = {s["path"]: s["reason"] for s in json.loads(result.stdout)["skipped"]}
    assert "FIFO" in skipped["pipe.py"] and "FIFO" in skipped["requirements.txt"]
    text = run("check", ".", cwd=repo, cache=cache, timeout=30)
    assert text.stdout.count("pipe.py: skipped") == 1


def test_fifo_given_explicitly_is_skipped_not_opened(repo, cache):
    os.mkfifo(repo / "pipe.py")
    result = run("check", "pipe.py", cwd=repo, cache=cache, timeout=30)
    assert "pipe.py: skipped" in result.stdout


@pytest.mark.parametrize("report", ["text", "json", "sarif"])
def test_file_names_that_are_not_utf8_do_not_crash_the_reports(repo, cache, report):
    name = os.fsdecode(b"caf\xe9.py")
    (repo / name).write_text(SECRET_LINE)
    result = run("check", ".", "--format", report, "--no-cache", cwd=repo, cache=cache)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "caf" in result.stdout and AWS_KEY not in result.stdout


def _as_nobody(args, cwd):
    """``landguard ARGS`` run as the user "nobody", or None where that cannot be done here
    (not root, no setpriv, or an install folder "nobody" may not enter)."""
    setpriv = shutil.which("setpriv")
    if setpriv is None or os.geteuid() != 0:
        return None
    command = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", LANDGUARD]
    env = {**os.environ, "HOME": "/tmp", "LANDGUARD_CACHE_DIR": "/tmp/landguard-nobody-cache"}
    probe = subprocess.run(
        [*command, "--version"], cwd="/", capture_output=True, text=True, timeout=60, env=env
    )
    if probe.returncode != 0:
        return None
    return subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True, timeout=60, env=env)


def test_unreadable_gitignore_and_file_are_skipped_with_one_notice(repo, cache, monkeypatch, capsys):
    # Root reads anything: the chmod 000 case runs as "nobody" where possible, else in this process
    # with the same PermissionError raised by os.open for the two files.
    for folder in (repo, *repo.parents):
        if folder == Path(tempfile.gettempdir()):
            break
        folder.chmod(0o755)  # so "nobody" can reach the project (pytest's folders are 0700)
    (repo / ".gitignore").write_text("ignored.py\n")
    (repo / ".gitignore").chmod(0o000)
    (repo / "locked.py").write_text(SECRET_LINE)
    (repo / "locked.py").chmod(0o000)
    (repo / "open.py").write_text(SECRET_LINE)
    result = _as_nobody(["check", ".", "--no-cache"], repo)
    if result is not None:
        stdout, stderr = result.stdout, result.stderr
    else:
        from landguard.cli import main

        real_open = os.open

        def deny(path, *args, **kwargs):
            if str(path).endswith((".gitignore", "locked.py")):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(os, "open", deny)
        monkeypatch.chdir(repo)
        monkeypatch.setenv("LANDGUARD_CACHE_DIR", str(cache))
        main(["check", ".", "--no-cache"])
        stdout, stderr = capsys.readouterr()
    assert "Traceback" not in stderr, stderr
    assert "open.py:1" in stdout and "LG101" in stdout
    assert stdout.count("locked.py: skipped (unreadable: permission denied)") == 1
    assert stderr.count(".gitignore: not read (permission denied)") == 1


# --------------------------------------------------------------------------------- what is scanned


def git(*args, cwd):
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_inside_git_files_are_those_git_knows(repo, cache):
    git("init", "-q", cwd=repo)
    (repo / ".gitignore").write_text("*.log.py\nbuild/\n")
    (repo / "tracked.log.py").write_text(SECRET_LINE)  # ignored by name, but committed: scanned
    git("add", "-f", "tracked.log.py", ".gitignore", "landguard.toml", cwd=repo)
    git("commit", "-qm", "x", cwd=repo)
    (repo / "untracked.log.py").write_text(SECRET_LINE)  # ignored and untracked: not scanned
    (repo / "build").mkdir()
    (repo / "build" / "out.py").write_text(SECRET_LINE)
    (repo / "sub").mkdir()
    (repo / "sub" / ".gitignore").write_text("!keep.log.py\n")
    (repo / "sub" / "keep.log.py").write_text(SECRET_LINE)  # re-included by the nested rule
    (repo / "sub" / "drop.log.py").write_text(SECRET_LINE)
    (repo / ".git" / "info" / "exclude").write_text("private.py\n")
    (repo / "private.py").write_text(SECRET_LINE)
    (repo / "new.py").write_text(SECRET_LINE)  # untracked, not ignored: scanned
    result = run("check", ".", "--format", "json", cwd=repo, cache=cache)
    assert {path for path, _ in findings(result)} == {"tracked.log.py", "sub/keep.log.py", "new.py"}


def test_git_is_run_without_the_repositorys_programs(repo, cache, tmp_path):
    git("init", "-q", cwd=repo)
    marker = tmp_path / "fsmonitor-ran"
    hook = repo / "hook.sh"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
    hook.chmod(0o755)
    git("config", "core.fsmonitor", str(hook), cwd=repo)
    (repo / "app.py").write_text(SECRET_LINE)
    result = run("check", ".", "--format", "json", cwd=repo, cache=cache)
    assert ("app.py", "LG101") in findings(result)
    assert not marker.exists()


def test_outside_git_the_deepest_gitignore_match_wins(repo, cache):
    (repo / ".gitignore").write_text("secret_*.py\nlogs/\n")
    (repo / "secret_a.py").write_text(SECRET_LINE)
    (repo / "sub").mkdir()
    (repo / "sub" / ".gitignore").write_text("!secret_keep.py\n")
    (repo / "sub" / "secret_keep.py").write_text(SECRET_LINE)
    (repo / "sub" / "secret_drop.py").write_text(SECRET_LINE)
    (repo / "logs").mkdir()
    (repo / "logs" / "x.py").write_text(SECRET_LINE)
    (repo / "plain.py").write_text(SECRET_LINE)
    result = run("check", ".", "--format", "json", cwd=repo, cache=cache)
    assert {path for path, _ in findings(result)} == {"sub/secret_keep.py", "plain.py"}


# -------------------------------------------------------------------------------------- manifests


def test_requirements_includes_stay_in_the_project(repo, cache):
    os.mkfifo(repo / "pipe.txt")
    (repo / "base.txt").write_text("flask==3.0.0\n")
    (repo / "requirements.txt").write_text(
        "requests==2.31.0\n-r /etc/passwd\n-r /dev/zero\n-r pipe.txt\n-c base.txt\n"
    )
    (repo / "app.py").write_text("import flask\nimport requests\n")
    result = run("check", ".", "--format", "json", cwd=repo, cache=cache, timeout=30)
    data = json.loads(result.stdout)
    notes = sorted(
        (f["start"]["line"], f["message"])
        for f in data["findings"]
        if f["rule"] == "LG003" and f["path"] == "requirements.txt"
    )
    assert [line for line, _ in notes] == [2, 3, 4]
    assert "outside the project" in notes[0][1] and "not a regular file" in notes[2][1]
    # base.txt (inside, regular) was followed: flask is declared, so no LG504 for it.
    assert not [f for f in data["findings"] if f["rule"] == "LG504"]


# ----------------------------------------------------------------------------------------- config


def test_hostile_config_is_a_clear_error_not_a_traceback(repo, cache):
    (repo / "app.py").write_text(SECRET_LINE)
    (repo / "landguard.toml").write_text("select = " + "[" * 5000 + "]" * 5000 + "\n")
    result = run("check", ".", cwd=repo, cache=cache)
    assert (
        result.returncode == 2 and "nested too deeply" in result.stderr and "Traceback" not in result.stderr
    )
    (repo / "landguard.toml").write_text('exclude = ["!", "["]\n')
    result = run("check", ".", cwd=repo, cache=cache)
    assert result.returncode == 2 and "not a valid glob" in result.stderr and "Traceback" not in result.stderr
    (repo / "landguard.toml").unlink()
    (repo / "pyproject.toml").write_text('tool = "oops"\n')
    result = run("check", ".", "--config", "pyproject.toml", cwd=repo, cache=cache)
    assert result.returncode == 2 and "'tool' must be a table" in result.stderr


def test_a_catastrophic_exclude_glob_does_not_hang_the_scan(repo, cache):
    deep = repo.joinpath(*["a" * 40] * 6)
    deep.mkdir(parents=True)
    (deep / ("a" * 60 + ".py")).write_text(SECRET_LINE)
    (repo / "landguard.toml").write_text('exclude = ["' + "a*" * 12 + 'b"]\n[dependencies]\nonline = false\n')
    result = run("check", ".", "--no-cache", cwd=repo, cache=cache, timeout=30)
    assert "LG101" in result.stdout


# ----------------------------------------------------------------------------------------- content


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_files_with_a_bom_are_scanned(repo, cache, encoding):
    text = "# settings\n" + SECRET_LINE
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    (repo / "settings.py").write_bytes(data)
    result = run("check", ".", "--format", "json", "--no-cache", cwd=repo, cache=cache)
    [finding] = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "LG101"]
    assert finding["path"] == "settings.py" and finding["start"]["line"] == 2


def test_planted_secrets_never_reach_the_cache_or_the_output(repo, cache):
    secrets = [AWS_KEY, "ghp_" + "Zq8" * 12, "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"]
    (repo / "a.py").write_text("".join(f'k{n} = "{s}"\n' for n, s in enumerate(secrets)))
    (repo / "b.yaml").write_text(f"password: '{secrets[0]}x9'\n")
    outputs = [run("check", ".", "--format", f, cwd=repo, cache=cache) for f in ("text", "json", "sarif")]
    outputs.append(run("check", ".", cwd=repo, cache=cache))  # from the cache
    stored = b"".join(p.read_bytes() for p in cache.rglob("*") if p.is_file())
    for secret in secrets:
        assert secret.encode() not in stored
        for output in outputs:
            assert secret not in output.stdout and secret not in output.stderr
