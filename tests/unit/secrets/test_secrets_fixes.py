"""LG1xx quick fixes: applied to the fixtures they parse, and the finding they fix is gone."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from lg1_helpers import SECRETS
from lg1_helpers import secret_findings as findings_for

from landguard_testing import apply_fix, tree_has_error

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CODE_SUFFIXES = {".py", ".js", ".ts", ".java"}
FIXTURE_FILES = sorted(p for p in SECRETS.iterdir() if p.name.startswith("LG1"))


def secret_findings(text: str, path: str):
    return findings_for(text, path)


def fixes_in(path: Path):
    text = path.read_text("utf-8")
    findings = secret_findings(text, str(path))
    return [(text, findings, finding, fix) for finding in findings for fix in finding.fixes]


CASES = [
    pytest.param(path, index, id=f"{path.name}-{index}")
    for path in FIXTURE_FILES
    for index in range(len(fixes_in(path)))
]


@pytest.mark.parametrize(("path", "index"), CASES)
def test_fix_parses_and_removes_the_finding(path: Path, index: int) -> None:
    text, before, finding, fix = fixes_in(path)[index]
    fixed = apply_fix(text, fix)
    assert fixed != text
    if path.suffix in CODE_SUFFIXES:
        assert not tree_has_error(fixed, str(path)), fixed
    elif path.suffix == ".yaml":
        assert list(yaml.safe_load_all(fixed)) == list(yaml.safe_load_all(text)) or "${" in fixed
    elif path.suffix == ".toml":
        assert tomllib.loads(fixed) == tomllib.loads(text)  # only a comment was added
    after = secret_findings(fixed, str(path))
    # Exactly the fixed finding disappeared; nothing new appeared.
    assert len(after) == len(before) - 1, [f.message for f in after]
    assert sorted(f.message for f in after) == sorted(f.message for f in before if f is not finding)


def test_every_assignment_fixture_offers_both_fixes_in_code() -> None:
    for suffix in (".py", ".js", ".ts", ".java"):
        for finding in secret_findings((SECRETS / f"LG104{suffix}").read_text("utf-8"), f"LG104{suffix}"):
            titles = [fix.title for fix in finding.fixes]
            # "Bearer <token>": the literal is more than the secret, so replacing it is refused.
            partial = "Authorization" in finding.message
            assert any(t.startswith("Read ") for t in titles) != partial, (suffix, finding.message)
            assert any(t.startswith("Allowlist") for t in titles), (suffix, finding.message)


def only_fix(text: str, path: str, prefix: str):
    [finding] = secret_findings(text, path)
    fixes = [fix for fix in finding.fixes if fix.title.startswith(prefix)]
    return fixes[0] if fixes else None


def test_python_env_fix_replaces_the_whole_literal_and_imports_os_after_docstring_and_future() -> None:
    text = (
        '"""Settings."""\n\nfrom __future__ import annotations\n\nimport sys\n\n'
        'DB_PASSWORD = r"Tr0ub4dor&3"\n'
    )
    fix = only_fix(text, "settings.py", "Read")
    assert fix is not None and fix.title == "Read DB_PASSWORD from the environment"
    assert apply_fix(text, fix) == (
        '"""Settings."""\n\nfrom __future__ import annotations\n\nimport os\nimport sys\n\n'
        'DB_PASSWORD = os.environ["DB_PASSWORD"]\n'
    )


def test_python_env_fix_keeps_an_existing_import() -> None:
    text = "import os.path\n\nclass C:\n    api_key = 'b7Qf2LxW9pZr4NcT'\n"
    fix = only_fix(text, "c.py", "Read")
    assert apply_fix(text, fix) == 'import os.path\n\nclass C:\n    api_key = os.environ["API_KEY"]\n'


def test_python_env_fix_when_the_file_is_only_a_docstring_and_the_secret() -> None:
    text = '"""Doc."""\nsecret = "kX9mQ2vL7pR4"'
    fix = only_fix(text, "m.py", "Read")
    fixed = apply_fix(text, fix)
    assert fixed == '"""Doc."""\nimport os\nsecret = os.environ["SECRET"]'
    assert not tree_has_error(fixed, "m.py")


@pytest.mark.parametrize(
    "line",
    [
        'password = b"Tr0ub4dor&3"',  # bytes: an environment lookup is a str
        'password = "Tr0ub4dor" "&3xyz"',  # implicit concatenation
    ],
)
def test_python_env_fix_refused_where_unsafe(line: str) -> None:
    findings = secret_findings(line + "\n", "m.py")
    assert findings, line
    assert not any(fix.title.startswith("Read") for f in findings for fix in f.fixes)


def test_java_annotation_argument_gets_no_env_fix() -> None:
    text = 'class A {\n    @Login(password = "Tr0ub4dor3x")\n    void run() {}\n}\n'
    [finding] = secret_findings(text, "A.java")
    assert not any(fix.title.startswith("Read") for fix in finding.fixes)


def test_allowlist_fix_comment_syntax() -> None:
    cases = {
        "a.py": ('password = "Tr0ub4dor3x"\n', "  # pragma: allowlist secret"),
        "a.js": ('const password = "Tr0ub4dor3x";\n', "  // pragma: allowlist secret"),
        "A.java": ('class A { String password = "Tr0ub4dor3x"; }\n', "  // pragma: allowlist secret"),
        "a.yaml": ("password: Tr0ub4dor3x\n", "  # pragma: allowlist secret"),
        "a.toml": ('password = "Tr0ub4dor3x"\n', "  # pragma: allowlist secret"),
        "a.sh": ('PASSWORD="Tr0ub4dor3x"\n', "  # pragma: allowlist secret"),
    }
    for path, (text, suffix) in cases.items():
        fix = only_fix(text, path, "Allowlist")
        assert apply_fix(text, fix) == text.rstrip("\n") + suffix + "\n", path


def test_allowlist_fix_on_the_line_above_where_inline_comments_are_not_comments() -> None:
    for path, text in {
        ".env": "PASSWORD=Tr0ub4dor3x\n",
        "Dockerfile": "ENV PASSWORD=Tr0ub4dor3x\n",
        "app.ini": "  password = Tr0ub4dor3x\n",
    }.items():
        fix = only_fix(text, path, "Allowlist")
        indent = text[: len(text) - len(text.lstrip())]
        assert apply_fix(text, fix) == f"{indent}# pragma: allowlist nextline secret\n{text}", path


def test_no_fix_for_json() -> None:
    [finding] = secret_findings('{"password": "Tr0ub4dor3x"}\n', "a.json")
    assert finding.fixes == ()


def test_allowlist_not_offered_inside_a_multiline_string() -> None:
    text = 'HELP = """\npassword = "Tr0ub4dor3x"\n"""\n'
    [finding] = secret_findings(text, "a.py")
    assert not any(fix.title.startswith("Allowlist") for fix in finding.fixes)


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("a.ts", 'type Key = "b7Qf2LxW9pZr4NcT";\nconst x: { apiKey: "b7Qf2LxW9pZr4NcT" } = y;\n'),
        ("a.js", 'switch (x) {\n  case "ghp_FAKEksLxPMwnkH7KDZQEQbZYUDQZgbxYEe6i": break;\n}\n'),
        ("a.js", 'const m = { "ghp_FAKEksLxPMwnkH7KDZQEQbZYUDQZgbxYEe6i": 1 };\n'),
        ("a.py", 'match x:\n    case "ghp_FAKEksLxPMwnkH7KDZQEQbZYUDQZgbxYEe6i":\n        pass\n'),
    ],
)
def test_no_env_fix_where_an_expression_cannot_stand(path: str, text: str) -> None:
    findings = secret_findings(text, path)
    assert findings
    for finding in findings:
        assert not any(fix.title.startswith("Read") for fix in finding.fixes), finding.message
        for fix in finding.fixes:
            assert not tree_has_error(apply_fix(text, fix), path)


def test_jsx_attribute_gets_braces() -> None:
    text = 'const e = <a title="ghp_FAKEksLxPMwnkH7KDZQEQbZYUDQZgbxYEe6i" />;\n'  # pragma: allowlist secret
    fix = only_fix(text, "a.jsx", "Read")
    fixed = apply_fix(text, fix)
    assert fixed == "const e = <a title={process.env.GITHUB_TOKEN} />;\n"
    assert not tree_has_error(fixed, "a.jsx")
