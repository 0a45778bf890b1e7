"""Names and values: what counts as a secret-holding name, what is a placeholder."""

from __future__ import annotations

import pytest

from landguard.checks.secrets.heuristics import (
    classify_name,
    env_var_name,
    is_not_a_secret_value,
    is_placeholder,
    looks_random,
    token_body_is_placeholder,
)


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("password", "secret"),
        ("DB_PASSWORD", "secret"),
        ("self.db_pass", "secret"),
        ("spring.datasource.password", "secret"),
        ("clientSecret", "secret"),
        ("apiKey", "secret"),
        ("x-api-key", "secret"),
        ("API_KEY_PROD", "secret"),
        ("authToken", "secret"),
        ('"password"', "secret"),
        ("Authorization", "secret"),
        ("signing_key", "weak"),
        ("encryptionKey", "weak"),
        ("credentials", "weak"),
        ("password_hash", None),
        ("passwordHash", None),
        ("token_url", None),
        ("secret_name", None),
        ("api_key_header", None),
        ("commit_sha", None),
        ("public_key", None),
        ("sort_key", None),
        ("tokens", None),
        ("tokenizer", None),
        ("bypass", None),
        ("max_tokens", None),
        ("keyboard", None),
    ],
)
def test_classify_name(name: str, category: str | None) -> None:
    assert classify_name(name) == category


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("apiKey", "API_KEY"),
        ("self.db_password", "DB_PASSWORD"),
        ("spring.datasource.password", "PASSWORD"),
        ("x-api-key", "X_API_KEY"),
        ('"GitHubToken"', "GIT_HUB_TOKEN"),
        ("", "FALLBACK"),
        ("$$$", "FALLBACK"),
    ],
)
def test_env_var_name(name: str, expected: str) -> None:
    assert env_var_name(name, "FALLBACK") == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "abc",
        "changeme",
        "<your-api-key>",
        "${API_KEY}",
        "{{ vault_token }}",
        "%(password)s",
        "{password}",
        "your_token_here",
        "xxxxxxxxxxxx",
        "********",
        "sk-...",
        "dummy-secret",
        "example-token",
        "test",
        "test-password",
        "password",
        "abcdefgh",
        "123456789",
    ],
)
def test_placeholders(value: str) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize(
    "value",
    [
        "12345678901",
        "/run/secrets/db",
        "https://auth.internal/token",
        "Please enter your password",
        r"(?P<x>\w+)",
    ],
)
def test_values_that_are_something_else(value: str) -> None:
    assert is_not_a_secret_value(value)


@pytest.mark.parametrize("value", ["Tr0ub4dor&3", "hunter2!", "S3cure-Pa55", "q8Z2vL5xN1mT7kR"])
def test_real_looking_passwords_are_not_placeholders(value: str) -> None:
    assert not is_not_a_secret_value(value)


def test_looks_random() -> None:
    assert looks_random("OoSPHKJY4eLeHxxT4FcPdaR0bNIRo3LZWhyrGJW8")
    assert looks_random("789229aadf1eda66680d0e08d01dd52e7173806cc0643a3223e16cc6aa11dde7")
    assert not looks_random("user:profile:v2:cache")
    assert not looks_random("created_at_descending")
    assert not looks_random("deadbeefdeadbeefdeadbeefdeadbeef")


def test_token_body_placeholders() -> None:
    assert token_body_is_placeholder("IOSFODNN7EXAMPLE")
    assert token_body_is_placeholder("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")
    assert token_body_is_placeholder("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
    assert token_body_is_placeholder("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    assert not token_body_is_placeholder("FAKEksLxPMwnkH7KDZQEQbZYUDQZgbxYEe6i")
