"""Published material (documentation, examples, demos, dummy servers) and shapes that are not
secrets: what stays quiet, and the real neighbour that is still reported."""

from __future__ import annotations

import base64
import json

import pytest
from lg1_helpers import SECRETS, secret_findings

from landguard.checks.secrets.heuristics import is_expired_jwt, is_sample_path

PASSWORD = "Hx7qL2vR9tWm"  # pragma: allowlist secret
GITHUB = "ghp_R8mKq2ZxT5vN1pL7wY3cJ9sD4fH6gB0aE2uQ"  # pragma: allowlist secret
KEY = (SECRETS / "LG102.py").read_text("utf-8").split('"""')[1].replace("  # expect: LG102", "")


def rules(text: str, path: str) -> list[tuple[int, str]]:
    return [(f.span.start_line + 1, f.rule_id) for f in secret_findings(text, path)]


def _jwt(claims: dict) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.Qm9vT7zL2xV8nR4kW1pY6cJ3dF5gH0aS9eU2iO4"


CODE = f'SECRET_KEY = "{PASSWORD}"\nGH_TOKEN = "{GITHUB}"\n'


@pytest.mark.parametrize(
    "path",
    ["examples/app.py", "docs_src/security/tutorial004.py", "demos/server.py", "dummyserver/app.py",
     "docs/_ext/plugin.py", "tutorial/settings.py", "fake_server.py"],
)  # fmt: skip
def test_sample_folders_keep_only_format_credentials(path: str) -> None:
    # An example's SECRET_KEY is the example's own; a GitHub token works wherever it is pasted.
    assert rules(CODE, path) == [(2, "LG101")]


@pytest.mark.parametrize("path", ["app/settings.py", "src/examples_util.py", "demography/app.py"])
def test_code_outside_sample_folders_is_judged_as_code(path: str) -> None:
    assert rules(CODE, path) == [(1, "LG104"), (2, "LG101")]


def test_demo_keys_are_not_reported_but_application_keys_are() -> None:
    assert rules(KEY, "examples/server.key") == []
    assert rules(KEY, "demos/user_rsa_key") == []
    assert rules(KEY, "dummyserver/certs/server.key") == []
    assert rules(KEY, "deploy/server.key") == [(1, "LG102")]
    # Documentation keeps complete keys (a pasted key is a key) but not shortened ones.
    assert rules(KEY, "README.md") == [(1, "LG102")]


def test_a_truncated_key_is_no_key() -> None:
    line = 'private_key = b"-----BEGIN PRIVATE KEY-----\\nMIGEAgEAMBAGByqGSM49AgEGBS..."\n'
    assert rules(line, "app.py") == []
    assert rules(line.replace("...", "…"), "app.py") == []
    assert rules(
        line.replace("...", "Qm9vT7zL2xV8nR4kW1pY6cJ3dF5gH0aS9eU2\\n-----END PRIVATE KEY-----"), "app.py"
    ) == [(1, "LG102")]


def test_jwts_in_documentation_and_expired_ones_are_not_reported() -> None:
    live = _jwt({"sub": "42", "exp": 4102444800})  # 2100
    expired = _jwt({"sub": "42", "exp": 1000000000})  # 2001
    assert is_expired_jwt(expired) and not is_expired_jwt(live) and not is_expired_jwt("eyJ.x.y")
    assert rules(f'token = "{live}"\n', "client.py") == [(1, "LG101")]
    assert rules(f'token = "{expired}"\n', "client.py") == []
    assert rules(f"    >>> jwt.encode(payload)\n    {live}\n", "README.rst") == []
    assert rules(f"{live}\n", "PKG-INFO") == []


@pytest.mark.parametrize(
    "line",
    [
        'token = "is not"',  # a parser's operator
        'token = "not in"',
        'token = "make.bat"',  # a word or file name
        'char[] passphrase = "passphrase".toCharArray();',  # the name repeated
        'url = "https://jo%40email.com:a%20secret@example.de:1234/p"',  # percent-decoded: "a secret"
        'url = "HTTPS://jo%40email.com:a%20secret@m\u00fcller.de:1234/p"',
    ],
)
def test_not_secrets(line: str) -> None:
    assert rules(line + "\n", "module.py" if "char[]" not in line else "Main.java") == []


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        (f'token = "{PASSWORD}"', "LG104"),
        ('password = "is not secret"', None),  # a sentence (it names the secret)
        ('password = "correct horse"', "LG104"),  # passwords may be words
        (f'url = "https://app:{PASSWORD[:4]}%40{PASSWORD[4:]}@db.internal/x"', "LG103"),
    ],
)
def test_real_neighbours(line: str, rule: str | None) -> None:
    assert rules(line + "\n", "module.py") == ([(1, rule)] if rule else [])


def test_sample_path_is_relative_to_the_project() -> None:
    assert is_sample_path("examples/server.key")
    assert not is_sample_path("src/app.py")


def _split(token: str, width: int = 40) -> str:
    """The token as implicitly concatenated literals, one per line (an OpenAPI example in a dict)."""
    pieces = [token[i : i + width] for i in range(0, len(token), width)]
    return "\n".join(f'            "{piece}"' for piece in pieces)


def test_a_jwt_split_over_lines_is_judged_whole() -> None:
    expired = _jwt({"user_id": "9221ffc9", "aud": "fastapi-users:auth", "exp": 1571504193})
    live = _jwt({"user_id": "9221ffc9", "aud": "fastapi-users:auth"})
    template = 'EXAMPLE = {{\n    "example": {{\n        "access_token": {token},\n        "token_type": "bearer",\n    }}\n}}\n'
    expired_text = template.format(token=_split(expired).lstrip())
    live_text = template.format(token=_split(live).lstrip())
    assert rules(expired_text, "transport.py") == []
    assert [rule for _, rule in rules(live_text, "transport.py")] != []
