"""Credential files and configs, documentation prose, masking, test-mode severity, public samples,
SARIF and the incremental path for the LG1xx detectors added with the provider table."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest
from lg1_helpers import SECRETS, secret_findings

from landguard.checks.secrets.heuristics import mask_value
from landguard.checks.secrets.scanner import CHECK
from landguard.engine.analyze import Analysis, analyze_text
from landguard.engine.config import Config
from landguard.engine.document import Document

GITHUB = "ghp_R8mKq2ZxT5vN1pL7wY3cJ9sD4fH6gB0aE2uQ"  # pragma: allowlist secret
PASSWORD = "Hx7qL2vR9tWm"  # pragma: allowlist secret


def rules(text: str, path: str) -> list[tuple[int, str]]:
    return [(f.span.start_line + 1, f.rule_id) for f in secret_findings(text, path)]


# ------------------------------------------------------------------ credential files and configs


def test_docker_config_auths() -> None:
    assert rules((SECRETS / "LG107.config.json").read_text("utf-8"), "config.json") == [(3, "LG107")]


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        (".pypirc", f"[pypi]\nusername = __token__\npassword = {PASSWORD}\n", [(3, "LG104")]),
        (".git-credentials", f"https://ci:{PASSWORD}@git.internal\n", [(1, "LG103")]),
        (".git-credentials", f"https://ci:{GITHUB}@github.com\n", [(1, "LG101")]),
        ("prod.tfvars", f'db_password = "{PASSWORD}"\nregion = "eu-west-1"\n', [(1, "LG104")]),
        ("application.properties", f"spring.datasource.password={PASSWORD}\n", [(1, "LG104")]),
        ("application.yml", f"spring:\n  datasource:\n    password: {PASSWORD}\n", [(3, "LG104")]),
        (".env.local", f"DB_PASSWORD={PASSWORD}\n", [(1, "LG104")]),
        (".env.production", f"export API_TOKEN='{GITHUB}'\n", [(1, "LG101")]),
        (".gitlab-ci.yml", f"variables:\n  DEPLOY_TOKEN: {GITHUB}\n", [(2, "LG101")]),
        (".npmrc", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n", []),
        (".netrc", "machine h login u password ${NETRC_PASSWORD}\n", []),
        ("kubeconfig.yaml", "users:\n- name: ci\n  user:\n    token: ${K8S_TOKEN}\n", []),
    ],
)
def test_credential_configs(path: str, text: str, expected: list) -> None:
    assert rules(text, path) == expected


def test_certificates_are_not_private_keys() -> None:
    cert = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUFAKEFAKEFAKEFAKEFAKEFAKEwCgYIKoZIzj0EAwIw\n-----END CERTIFICATE-----\n"
    public = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEFAKEFAKEFAKEFAKEFAKEFAKEFAKE\n-----END PUBLIC KEY-----\n"
    assert rules(cert + public, "bundle.pem") == []
    encoded = base64.b64encode(cert.encode()).decode()
    assert rules(f"users:\n- user:\n    client-certificate-data: {encoded}\n", "kubeconfig.yaml") == []
    secret = f"kind: Secret\ndata:\n  tls.crt: {encoded}\n"
    assert rules(secret, "secret.yaml") == []


def test_secret_data_outside_a_secret_is_not_decoded() -> None:
    text = (SECRETS / "LG107.secret.yaml").read_text("utf-8").replace("kind: Secret", "kind: ConfigMap")
    assert not [r for r in rules(text, "secret.yaml") if r[1] == "LG107"]


# ------------------------------------------------------------------ documentation and prose


@pytest.mark.parametrize(
    "line",
    [
        "- **password**: the database password",
        "* `token` (str): the API token to use",
        "token: str = None",
        "The token = q.get() call returns it.",
        "password: Optional[str]",
        "api_key: the key from the dashboard settings page",
        "Set SECRET_KEY=Qm9vT7zL2xV8nR4kW1pY6cJ3 in prose is read as prose.",
    ],
)
@pytest.mark.parametrize("path", ["README.md", "docs/index.rst"])
def test_prose_is_not_an_assignment(path: str, line: str) -> None:
    assert rules(f"Intro.\n\n{line}\n", path) == []


HEROKU = 'HEROKU_API_KEY = "3f2c9a71-5b8e-4d06-9c1a-7e4b2d8f6a90"'  # pragma: allowlist secret
HEROKU_YAML = HEROKU.replace(" =", ":")
HEROKU_BARE = HEROKU.replace('"', "")


def test_code_blocks_are_code_of_their_language() -> None:
    # Keyword formats need an assignment in the block's syntax; prose around them is not code.
    text = (
        "# Setup\n\n"
        "```python\n"
        f"{HEROKU}\n"  # line 4: a literal
        "token = q.get()\n"
        "```\n\n"
        "```yaml\n"
        f"{HEROKU_YAML}\n"  # line 9: YAML values need no quotes
        "```\n\n"
        "```\n"
        f"{HEROKU_BARE}\n"  # line 13: an unnamed block needs a literal
        f"{HEROKU}\n"  # line 14
        "```\n"
        f"{HEROKU}\n"  # line 16: prose
    )
    assert rules(text, "README.md") == [(4, "LG101"), (9, "LG101"), (14, "LG101")]


def test_rst_code_blocks() -> None:
    text = (
        "Usage\n=====\n\n"
        f"Pass the key: {HEROKU} goes here.\n\n"
        ".. code-block:: python\n\n"
        f"    {HEROKU}\n"  # line 8
        "    token = q.get()\n\n"
        "Then::\n\n"
        f"    {HEROKU}\n"  # line 13
        f"\nBack to prose: {HEROKU_BARE}\n"
    )
    assert rules(text, "index.rst") == [(8, "LG101"), (13, "LG101")]


@pytest.mark.parametrize("path", ["README.md", "docs/index.rst", "docs/topics/db.txt", "PKG-INFO"])
def test_values_assigned_in_documentation_are_samples(path: str) -> None:
    # Documentation is published: a value it assigns to `password` or `SECRET_KEY` is a sample
    # shown to every reader. Credentials recognisable by their format still count there.
    text = f'Setup::\n\n    password = "{PASSWORD}"\n    SECRET_KEY = "{PASSWORD}"\n    GH = "{GITHUB}"\n'
    assert rules(text, path) == [(5, "LG101")]
    assert rules(text.replace("Setup::\n\n", ""), "settings.py") == [(1, "LG104"), (2, "LG104"), (3, "LG101")]


def test_tokens_are_found_in_prose_too() -> None:
    assert rules(f"Use the token {GITHUB} for CI.\n", "README.md") == [(1, "LG101")]


def test_markdown_fence_edits_match_a_full_scan() -> None:
    # Opening or closing a fence changes every line below it: the incremental result must follow.
    text = f"# A\n\n```python\n{HEROKU}\n```\n\n{HEROKU}\n"
    analysis = Analysis(Document(text, path="README.md"), Config(), [CHECK])
    assert [f.span.start_line for f in analysis.run() if f.rule_id.startswith("LG1")] == [3]
    edits = [((4, 0, 4, 3), ""), ((4, 0, 4, 0), "```"), ((2, 0, 2, 9), "text"), ((2, 0, 2, 4), "```python")]
    for (line, col, end_line, end_col), new_text in edits:
        change = analysis.document.apply_change((line, col, end_line, end_col), new_text)
        incremental = [(f.rule_id, f.span) for f in analysis.run([change]) if f.rule_id.startswith("LG1")]
        full = [
            (f.rule_id, f.span)
            for f in analyze_text(analysis.document.text, Config(), path="README.md", checks=[CHECK])
            if f.rule_id.startswith("LG1")
        ]
        assert incremental == full, analysis.document.text


def test_kubernetes_kind_edit_matches_a_full_scan() -> None:
    text = (SECRETS / "LG107.secret.yaml").read_text("utf-8")
    analysis = Analysis(Document(text, path="secret.yaml"), Config(), [CHECK])
    before = analysis.run()
    assert any(f.rule_id == "LG107" for f in before)
    line = text.splitlines().index("kind: Secret")
    change = analysis.document.apply_change((line, 6, line, 12), "ConfigMap")
    incremental = [(f.rule_id, f.span) for f in analysis.run([change])]
    full = [
        (f.rule_id, f.span)
        for f in analyze_text(analysis.document.text, Config(), path="secret.yaml", checks=[CHECK])
    ]
    assert incremental == full
    assert not [r for r, _ in incremental if r == "LG107"]


# ------------------------------------------------------------------ shapes, samples, severity


def test_generic_shapes_need_the_provider_in_the_name() -> None:
    uuid = "3f2c9a71-5b8e-4d06-9c1a-7e4b2d8f6a90"
    assert rules(f'HEROKU_API_KEY = "{uuid}"\n', "a.py") == [(1, "LG101")]
    assert rules(f'SNYK_TOKEN: "{uuid}"\n', "a.yaml") == [(1, "LG101")]
    for name in ("REQUEST_ID", "HEROKU_APP_ID", "SNYK_ORG_ID", "heroku_app_name"):
        assert rules(f'{name} = "{uuid}"\n', "a.py") == [], name


def test_test_mode_keys_are_warnings_not_silence() -> None:
    body = "R8mKq2ZxT5vN1pL7wY3cJ9sD"
    [live] = secret_findings(f'KEY = "sk_live_{body}"\n', "a.py")
    [test] = secret_findings(f'KEY = "sk_test_{body}"\n', "a.py")
    assert (live.severity.label, test.severity.label) == ("error", "warning")
    assert "Stripe test secret key" in test.message


def test_documented_public_samples_are_never_secrets() -> None:
    jwt = (
        ".".join(
            base64.urlsafe_b64encode(json.dumps(part).encode()).decode().rstrip("=")
            for part in (
                {"alg": "HS256", "typ": "JWT"},
                {"sub": "1234567890", "name": "John Doe", "iat": 1516239022},
            )
        )
        + ".c2lnbmF0dXJlLXJlLXNpZ25lZC1ieS10aGUtc2FtcGxl"
    )
    example_id = "AKIA" + "IOSFODNN7" + "EXAMPLE"
    for path, text in [
        ("a.py", f'TOKEN = "{jwt}"\n'),
        ("a.md", f"Bearer {jwt}\n"),
        (".env", f"AWS_ACCESS_KEY_ID={example_id}\n"),
    ]:
        assert rules(text, path) == [], text


@pytest.mark.parametrize(
    ("value", "prefix", "shown"),
    [
        (GITHUB, "ghp_", "ghp_…2uQ"),
        ("Tr0ub4dor", "", "T… (9 chars)"),
        ("hunter2", "", "h… (7 chars)"),
        ("abc", "", "… (3 chars)"),
        ("Kd93jfL2qpXz", "", "Kd…z (12 chars)"),
    ],
)
def test_masking_shows_the_construct_not_the_secret(value: str, prefix: str, shown: str) -> None:
    assert mask_value(value, prefix) == shown


def test_short_password_messages_name_the_construct() -> None:
    [finding] = secret_findings('password = "hunter2x"\n', "a.py")
    assert finding.message == "Hardcoded password in 'password': h… (8 chars)"


# ------------------------------------------------------------------ fixes and SARIF


def test_command_fix_uses_a_variable_where_the_shell_expands_it() -> None:
    from landguard_testing import apply_fix

    cases = {
        f"curl -u deploy:{PASSWORD} https://h\n": 'curl -u deploy:"${CURL_PASSWORD}" https://h\n',
        f'curl -u "deploy:{PASSWORD}" https://h\n': 'curl -u "deploy:${CURL_PASSWORD}" https://h\n',
    }
    for text, fixed in cases.items():
        [finding] = secret_findings(text, "a.sh")
        assert apply_fix(text, finding.fixes[0]) == fixed
        assert secret_findings(fixed, "a.sh") == []
    [finding] = secret_findings(f"curl -u 'deploy:{PASSWORD}' https://h\n", "a.sh")
    assert all("environment" not in fix.title for fix in finding.fixes)  # single quotes do not expand


def test_new_rules_reach_sarif_masked(tmp_path: Path) -> None:
    (tmp_path / "deploy.sh").write_text(f"curl -u deploy:{PASSWORD} https://h\n", encoding="utf-8")
    (tmp_path / ".npmrc").write_text((SECRETS / "LG107.npmrc").read_text("utf-8"), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "landguard.cli", "check", str(tmp_path), "--format", "sarif", "--no-cache"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 1, out.stderr
    assert PASSWORD not in out.stdout
    sarif = json.loads(out.stdout)
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results} - {"LG604"} == {"LG106", "LG107"}
    described = {rule["id"] for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert {"LG106", "LG107"} <= described


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("a.sh", "# pass it with the --password option, or --password-stdin\n"),
        ("a.py", "# `ps` shows it, and --password suffers from the same problem\n"),
        (
            "a.py",
            '"""Send Authorization: Token 401f7ac837da42b97f613d789819ff93537bee6a with each request."""\n',
        ),
        ("a.md", "Proxy-Authorization: basic aGVsbG86d29ybGQ=\n"),
        ("a.sh", 'curl -H "Authorization: Bearer ${API_TOKEN}" https://h\n'),
    ],
)
def test_talk_about_commands_is_not_a_command(path: str, text: str) -> None:
    assert rules(text, path) == []


def test_a_command_inside_a_code_string_is_still_found() -> None:
    text = f'subprocess.run("curl -u deploy:{PASSWORD} https://h", shell=True)\n'
    assert rules(text, "a.py") == [(1, "LG106")]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("a.py", 'STRIPE_KEY = "pk_live_51HqLyjWDarjtT1zdp7dcR8mKq2ZxT5vN1pL7wY3c"\n'),
        (
            "a.py",
            'MAPBOX_TOKEN = "pk.eyJ1IjoiYWNtZSIsImEiOiJja2x4dDF6cW4wMDAwMnBxa2Q2Z2R1eHp6In0.R8mKq2ZxT5vN1pL7wY3cJ9"\n',
        ),
        (".env", "SUPABASE_KEY=sb_publishable_R8mKq2ZxT5vN1pL7wY3cJ9sD4fH6g\n"),
        (".env", "SENTRY_DSN=https://3f2c9a715b8e4d069c1a7e4b2d8f6a90@o123456.ingest.sentry.io/4504\n"),
    ],
)
def test_keys_public_by_design_are_not_reported(path: str, text: str) -> None:
    assert rules(text, path) == []


@pytest.mark.parametrize(
    ("path", "text", "rule"),
    [
        ("a.sh", f"curl -u deploy:{PASSWORD} https://h  # pragma: allowlist secret\n", "LG106"),
        (
            "a.sh",
            f"curl -u deploy:{PASSWORD} https://h  # landguard: ignore[LG106] -- test server\n",
            "LG106",
        ),
        ("a.sh", f"curl -u deploy:{PASSWORD} https://h  # gitleaks:allow\n", "LG106"),
        (
            "a.yaml",
            "kind: Secret\ndata:\n  password: S3g5M0xtUTd2VDJwWjh3UjRuWTY=  # pragma: allowlist secret\n",
            "LG107",
        ),
        ("a.py", f'TOKEN = "dop_v1_{"a1b2c3d4" * 8}"  # pragma: allowlist secret\n', "LG101"),
    ],
)
def test_new_rules_honour_suppression_comments(path: str, text: str, rule: str) -> None:
    import re

    assert rules(text, path) == []
    bare = re.sub(r"\s*# *(pragma|gitleaks|landguard)[^\n]*", "", text)
    assert rule in {r for _, r in rules(bare, path)}, bare


def test_every_provider_format_gets_the_env_fix_in_code() -> None:
    # One positive per format, assigned in Python: the fix reads it from the environment and the
    # result parses and is clean.
    import importlib.util
    import sys

    from landguard_testing import apply_fix, tree_has_error

    generator_path = Path(__file__).resolve().parents[2] / "corpus" / "secrets" / "generate.py"
    spec = importlib.util.spec_from_file_location("secrets_sample_generator", generator_path)
    module = sys.modules.get(spec.name) or importlib.util.module_from_spec(spec)
    if spec.name not in sys.modules:
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    missing = []
    for sample in module.generate(draws=1):
        if sample.label != "positive" or sample.context != "python" or sample.variant != "random0":
            continue
        [finding] = [f for f in secret_findings(sample.text, sample.path) if f.span.start_line == sample.line]
        env_fixes = [fix for fix in finding.fixes if "environment" in fix.title]
        if not env_fixes:
            missing.append(sample.spec.kind)
            continue
        fixed = apply_fix(sample.text, env_fixes[0])
        assert "os.environ[" in fixed and not tree_has_error(fixed, "a.py"), fixed
        assert not [f for f in secret_findings(fixed, "a.py") if f.span.start_line == sample.line], fixed
    # Formats reported inside a longer value (a connection string, a URL, a header) are only part of
    # the literal: replacing the literal would lose the rest, so they get the allowlist fix alone.
    assert set(missing) <= {
        "Azure storage account key",
        "Azure Service Bus shared access key",
        "Azure Storage SAS token signature",
        "Sidekiq Enterprise credentials",
        "Sidekiq Pro credentials",
        "Atlassian Opsgenie API key",
        "Postmark server token",
        "Facebook app access token",
        "Snowflake connection password",
    }, missing


def test_gcp_service_account_json_is_named() -> None:
    pem = "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7FAKEFAKEFAKE\\n-----END PRIVATE KEY-----\\n"
    text = (
        "{\n"
        '  "type": "service_account",\n'
        '  "project_id": "acme-prod",\n'
        '  "private_key_id": "3f2c9a715b8e4d069c1a7e4b2d8f6a90c1d2e3f4",\n'
        f'  "private_key": "{pem}",\n'
        '  "client_email": "ci@acme-prod.iam.gserviceaccount.com"\n'
        "}\n"
    )
    found = {f.span.start_line + 1: f for f in secret_findings(text, "sa.json")}
    assert sorted(found) == [4, 5]
    assert found[5].message.startswith("Google Cloud service-account private key")
    assert "Google Cloud service account key ID" in found[4].message


def test_sonar_login_property() -> None:
    assert rules("sonar.login=3f2c9a715b8e4d069c1a7e4b2d8f6a90c1d2e3f4\n", "sonar-project.properties") == [
        (1, "LG101")
    ]
