"""The detectors' own gates (a text each of their patterns needs, looked for before any pattern
runs) never drop a hit: every line of the secrets fixtures, the generated sample set and hand-made
near-misses of each gate gives the same hits with the gate as with a gate that lets every line in.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_secrets_sample_set import generator

from landguard.checks.secrets import command_credentials, hardcoded_passwords, url_credentials
from landguard.checks.secrets.heuristics import SECRET_KEY_PREFIXES, SECRET_WORDS, WEAK_WORDS, classify_name

ROOT = Path(__file__).resolve().parents[3]
LANGUAGES = ("python", "yaml", "dockerfile", "markdown", None)
EVERY_LINE = re.compile("")

# Lines that pass one gate by a hair (a spelling the pattern allows that a word list could miss).
NEAR_MISSES = [
    "http -u admin:Sup3rS3cretValue example.com",
    "xh -a admin:Sup3rS3cretValue example.com",
    "X-Auth-Token : Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Ng",
    "PRIVATE-TOKEN:glpat-abcdefghij1234567890",
    "curl -H 'AUTHORIZATION: Bearer abcdefghijklmnopqrstuvwx1234' https://api.test",
    "mysqldump -uroot -pS3cr3tPassw0rd db",
    "sshpass -p 'S3cr3tPassw0rd' ssh host",
    "redis-cli -h host -a S3cr3tPassw0rd",
    "docker login -u me -p S3cr3tPassw0rd registry.test",
    "wget --http-password=S3cr3tPassw0rd https://host.test/file",
    'conn = "Server=db;Database=app;User Id=sa;Password=S3cr3tPassw0rd;"',
    'url = "JDBC:postgresql:db?user=app&password=S3cr3tPassw0rd"',
    'url = "postgres://app:S3cr3tPassw0rd@db.internal:5432/app"',
    'DB_PASSWD = "S3cr3tPassw0rd"',
    'apiKey: "a8f5f167f44f4964e6c998dee827110c"',
    'clientSecret = "a8f5f167f44f4964e6c998dee827110c"',
    'AUTHORIZATION = "Bearer a8f5f167f44f4964e6c998dee827110c"',
    "ENV SMTP_PWD S3cr3tPassw0rd",
    'hmacSalt = "a8f5f167f44f4964e6c998dee827110c"',
    'JWT_SIGNING = "a8f5f167f44f4964e6c998dee827110c"',
]


def _lines() -> list[str]:
    lines = list(NEAR_MISSES)
    for folder in (ROOT / "tests" / "unit" / "fixtures" / "secrets", ROOT / "tests" / "unit" / "secrets"):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                lines += path.read_text("utf-8", errors="replace").splitlines()
    module = generator()
    for sample in module.generate():
        lines += sample.text.splitlines()
    return list(dict.fromkeys(lines))


def _hits(found) -> list[tuple]:
    return [(hit.rule.id, hit.kind, hit.value, hit.span) for hit in found]


DETECTORS = [
    (
        command_credentials,
        "_MAY_HOLD_COMMAND",
        lambda line, language: command_credentials.find_command_credentials(line, 0, language),
    ),
    (url_credentials, "_MAY_HOLD_URL", lambda line, language: url_credentials.find_url_credentials(line, 0)),
    (
        hardcoded_passwords,
        "_NAMES_A_SECRET",
        lambda line, language: [
            *hardcoded_passwords.find_hardcoded_secrets(line, 0, language, weak=False),
            *hardcoded_passwords.find_hardcoded_secrets(line, 0, language, weak=True),
        ],
    ),
]


@pytest.mark.parametrize(("module", "gate", "detect"), DETECTORS, ids=[d[1] for d in DETECTORS])
def test_a_gate_never_drops_a_hit(module, gate, detect, monkeypatch) -> None:
    lines = _lines()
    gated = {(line, language): _hits(detect(line, language)) for line in lines for language in LANGUAGES}
    monkeypatch.setattr(module, gate, EVERY_LINE)
    found = 0
    for (line, language), hits in gated.items():
        ungated = _hits(detect(line, language))
        assert hits == ungated, (line, language)
        found += bool(ungated)
    assert found >= 50  # the lines exercise the detector, not only its gate


def test_the_gate_turns_lines_away() -> None:
    """The gates are not the match-everything pattern (then the test above could not fail)."""
    plain = "for item in range(10): total += item"
    assert not command_credentials._MAY_HOLD_COMMAND.search(plain)
    assert not url_credentials._MAY_HOLD_URL.search(plain)
    assert not hardcoded_passwords._NAMES_A_SECRET.search(plain)


def test_every_secret_name_has_a_gate_word() -> None:
    names = (
        set(SECRET_WORDS) | set(WEAK_WORDS) | {"authorization"} | {f"{p}_key" for p in SECRET_KEY_PREFIXES}
    )
    for name in names:
        if classify_name(f"db_{name}") is not None or classify_name(name) is not None:
            assert any(word in name.lower() for word in hardcoded_passwords.NAME_WORDS), name
