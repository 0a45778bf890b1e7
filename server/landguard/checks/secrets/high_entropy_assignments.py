"""## What it does
Finds random-looking strings (high Shannon entropy, letters and digits, at least 16
characters) assigned to names that suggest a credential without saying so outright:
`encryption_key`, `signing_key`, `stripe_key`, `auth`, `credentials`, `hmac`, `salt`, `jwt`.
Names that plainly hold a password, secret or token are LG104's; values with a known provider
format are LG101's. Keys that are not secret by nature (`public_key`, `sort_key`,
`cache_key`, `primary_key`, `idempotency_key`) and UUIDs are not reported.

This is a low-confidence rule: a random string next to the word "key" is often a secret, but
it can also be an identifier or a fixture.

## Why is this bad?
Generated keys (HMAC and signing keys, encryption keys, service credentials) are exactly
what such names hold, and a key in the source is a key in every copy of the repository. A
leaked signing key lets anyone forge sessions or tokens your service will trust.

## Example
```python
SIGNING_KEY = "q7Z…"  # 40 random characters
```

## Use instead
```python
SIGNING_KEY = os.environ["SIGNING_KEY"]
```
Quick fixes: the environment lookup above, or `pragma: allowlist secret` for a fixture.

## References
- [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
- [CWE-321: Use of Hard-coded Cryptographic Key](https://cwe.mitre.org/data/definitions/321.html)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from landguard.checks.secrets.hardcoded_passwords import find_hardcoded_secrets
from landguard.checks.secrets.heuristics import SecretHit, looks_random
from landguard.engine.findings import Confidence, Severity
from landguard.engine.registry import Rule

RULE = Rule(
    id="LG105",
    name="high-entropy-secret",
    title="Random-looking string assigned to a key-like name",
    severity=Severity.WARNING,
    confidence=Confidence.LOW,
    cwe=(798, 321),
    docs=__doc__ or "",
)


def find_high_entropy_secrets(line: str, number: int, language: str) -> Iterator[SecretHit]:
    """Random-looking literals assigned to key-like names on one line."""
    for hit in find_hardcoded_secrets(line, number, language, weak=True, value_test=looks_random):
        yield replace(hit, rule=RULE, kind="Random-looking key")
