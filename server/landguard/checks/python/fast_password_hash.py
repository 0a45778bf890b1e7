"""Password hashed with a fast, general-purpose hash.

## What it does
Flags `hashlib` digests (`md5`, `sha1`, `sha256`, `sha512`, `blake2b`, `hashlib.new(...)` ...)
applied to a password: the hashed value or the names around the call (`password`, `passwd`,
`pwd`, `passphrase`, `hashed_password = ...`) say so.

## Why is this bad?
General-purpose hashes are built to be fast: a single GPU computes billions of SHA-256 digests
per second, so a leaked table of `sha256(password)` values — salted or not — is cracked for most
real passwords within hours. Password storage needs a deliberately slow, memory-hard key
derivation function with a per-password salt.

## Example
```python
user.password_hash = hashlib.sha256(password.encode()).hexdigest()
```

## Use instead
```python
from argon2 import PasswordHasher  # argon2-cffi

user.password_hash = PasswordHasher().hash(password)
# or, standard library only:
salt = os.urandom(16)
digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
```
No automatic fix: the stored format changes and needs a migration plan (rehash on next login).

## References
- [CWE-916: Use of Password Hash With Insufficient Computational Effort](https://cwe.mitre.org/data/definitions/916.html)
- [CWE-328: Use of Weak Hash](https://cwe.mitre.org/data/definitions/328.html)
- OWASP Password Storage Cheat Sheet
"""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python._dispatch import CallRule
from landguard.checks.python.weak_hash import is_password_context
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, Rule
from landguard.languages import python_syntax as syntax

RULE = Rule(
    id="LG209",
    name="fast-password-hash",
    title="Password hashed with a fast hash",
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    cwe=(916, 328),
    docs=__doc__,
    languages=py.PYTHON,
    aliases=(),
)

_FAST_HASHES = frozenset(
    {
        "md5",
        "sha1",
        "sha224",
        "sha256",
        "sha384",
        "sha512",
        "sha3_224",
        "sha3_256",
        "sha3_384",
        "sha3_512",
        "blake2b",
        "blake2s",
        "new",
    }
)


class FastPasswordHashCheck(CallRule):
    rule = RULE
    callee_names = _FAST_HASHES

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        module, _, function = name.rpartition(".")
        if module != "hashlib" or function not in _FAST_HASHES:
            return
        if not syntax.positional_args(call) and syntax.keyword_arg(call, "data") is None:
            return  # hashlib.sha256() then .update(): judged where the data goes in, not here
        if not is_password_context(call, unit):
            return
        yield RULE.finding(
            document.node_span(call),
            f"`hashlib.{function}` is far too fast for passwords; use argon2, bcrypt or hashlib.scrypt "
            "with a per-password salt",
        )


CHECK = FastPasswordHashCheck()
