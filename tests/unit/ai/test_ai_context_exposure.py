"""LG604: files holding secrets that AI assistants may read; the fix edits each tool's ignore file."""

import json
from pathlib import Path

import pytest

from landguard.checks.ai.ai_context_exposure import IGNORE_FILES, secret_file_pattern
from landguard.engine.findings import Fix
from landguard_testing import apply_fix, findings_for

# Assembled at run time so no whole credential sits in the repository.
STRIPE_KEY = "sk_live_" + "51HqLyjWDarjtT1zdp7dcXYZabcdEFGH"
GITHUB_TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".env").write_text(f"STRIPE_SECRET_KEY={STRIPE_KEY}\nDEBUG=1\n")
    return tmp_path


def lg604(path: Path):
    return [f for f in findings_for(path.read_text(), str(path)) if f.rule_id == "LG604"]


def apply_to_disk(fix: Fix) -> None:
    """Apply a fix's edits to other files as an editor does: create missing files, then edit."""
    for edit in fix.edits:
        target = Path(edit.path)
        text = target.read_text() if target.exists() else ""
        target.write_text(apply_fix(text, Fix(fix.title, (edit.__class__(edit.span, edit.new_text),))))


def test_env_without_ignore_files_is_flagged_on_its_first_line_and_the_fix_creates_two(project):
    (finding,) = lg604(project / ".env")
    assert finding.span.start_line == 0 and "no AI assistant's ignore file" in finding.message
    assert STRIPE_KEY not in finding.message
    (fix,) = finding.fixes
    assert sorted(Path(e.path).name for e in fix.edits) == [".aiexclude", ".cursorignore"]
    apply_to_disk(fix)
    for name in (".cursorignore", ".aiexclude"):
        assert ".env*" in (project / name).read_text().splitlines()
    assert lg604(project / ".env") == []


@pytest.mark.parametrize("name", sorted(IGNORE_FILES))
def test_each_tools_ignore_file_gets_the_pattern_appended(project, name):
    ignore = project / name
    ignore.write_text("# ours\nnode_modules/\ndist")  # no newline at the end
    (finding,) = lg604(project / ".env")
    assert name in finding.message
    (fix,) = finding.fixes
    assert [Path(e.path).name for e in fix.edits] == [name]  # only the configured tool
    apply_to_disk(fix)
    assert ignore.read_text() == "# ours\nnode_modules/\ndist\n.env*\n"
    assert lg604(project / ".env") == []


def test_one_tool_excluding_it_and_another_not_names_the_other(project):
    (project / ".cursorignore").write_text(".env\n")
    (project / ".aiderignore").write_text("build/\n")
    (finding,) = lg604(project / ".env")
    assert ".aiderignore (Aider)" in finding.message and ".cursorignore" not in finding.message
    assert [Path(e.path).name for e in finding.fixes[0].edits] == [".aiderignore"]


def test_an_empty_aiexclude_excludes_everything(project):
    (project / ".aiexclude").write_text("# everything\n")
    assert lg604(project / ".env") == []


def test_nested_ignore_files_and_patterns_relative_to_them(project):
    service = project / "services" / "api"
    service.mkdir(parents=True)
    (service / "config.py").write_text(f'GITHUB_TOKEN = "{GITHUB_TOKEN}"\n')
    (project / "services" / ".cursorignore").write_text("*.log\n")
    (finding,) = lg604(service / "config.py")
    assert "found by the secrets rules" in finding.message
    (edit,) = finding.fixes[0].edits
    assert Path(edit.path) == project / "services" / ".cursorignore"
    apply_to_disk(finding.fixes[0])
    assert "/api/config.py" in (project / "services" / ".cursorignore").read_text().splitlines()
    assert lg604(service / "config.py") == []


def test_a_source_file_without_secrets_is_not_flagged(project):
    (project / "app.py").write_text("import os\nKEY = os.environ['STRIPE_SECRET_KEY']\n")
    assert lg604(project / "app.py") == []


def test_a_suppressed_secret_does_not_count(project):
    (project / "app.py").write_text(f'KEY = "{GITHUB_TOKEN}"  # pragma: allowlist secret\n')
    assert lg604(project / "app.py") == []


@pytest.mark.parametrize(
    ("name", "pattern"),
    [(".env", ".env*"), (".env.production", ".env*"), ("server.pem", "*.pem"), ("prod.tfvars", "*.tfvars"),
     ("credentials.json", ""), ("secrets.yaml", "")],
)  # fmt: skip
def test_secret_file_names(name, pattern):
    assert secret_file_pattern(name) == pattern


@pytest.mark.parametrize("name", [".env.example", ".env.sample", "secrets.py", "README.md", "app.key.md"])
def test_templates_and_code_are_not_secret_files(name):
    assert secret_file_pattern(name) is None


def test_the_cli_reports_it_on_line_one(project):
    from landguard.cli import main

    out = project / "report.json"
    main(["check", str(project), "--format", "json", "--output", str(out), "--offline", "--no-cache"])
    report = json.loads(out.read_text())
    found = [f for f in report["findings"] if f["rule"] == "LG604"]
    assert [(f["path"].rsplit("/", 1)[-1], f["start"]["line"]) for f in found] == [(".env", 1)]


KEY_FILE = (
    "-----BEGIN PRIVATE KEY-----\n"
    + "Qm9vT7zL2xV8nR4kW1pY6cJ3dF5gH0aS9eU2iO4r\n" * 4
    + "-----END PRIVATE KEY-----\n"
)
CERT_FILE = (
    "-----BEGIN CERTIFICATE-----\n"
    + "Qm9vT7zL2xV8nR4kW1pY6cJ3dF5gH0aS9eU2iO4r\n" * 4
    + "-----END CERTIFICATE-----\n"
)


def test_a_certificate_file_and_demo_keys_hold_no_secret(project):
    # A PEM of certificates is public; an example's or dummy server's key is published sample material.
    for folder in ("certs", "examples", "dummyserver/certs"):
        (project / folder).mkdir(parents=True, exist_ok=True)
    (project / "certs" / "ca.pem").write_text(CERT_FILE)
    (project / "certs" / "server.pem").write_text(KEY_FILE)
    (project / "examples" / "server.key").write_text(KEY_FILE)
    (project / "dummyserver" / "certs" / "server.key").write_text(KEY_FILE)
    assert lg604(project / "certs" / "ca.pem") == []
    assert lg604(project / "examples" / "server.key") == []
    assert lg604(project / "dummyserver" / "certs" / "server.key") == []
    assert len(lg604(project / "certs" / "server.pem")) == 1
    # A provider token in an example is still a secret there.
    (project / "examples" / "settings.py").write_text(f'KEY = "{GITHUB_TOKEN}"\n')
    assert len(lg604(project / "examples" / "settings.py")) == 1
