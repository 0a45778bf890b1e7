"""## What it does
Finds broken or weak cryptography in Node's `crypto` module: `createHash('md5')` /
`createHash('sha1')` (and MD4/MD2), the deprecated `createCipher` / `createDecipher` (no IV,
an MD5-based key derivation), and ciphers in ECB mode or with broken algorithms (DES, 3DES,
RC4, Blowfish) given to `createCipheriv` / `createDecipheriv`. Hashes for compatibility
(Gravatar URLs, ETags, cache keys, checksums) and helpers named for the hash they compute that
render the digest (`function hash(obj) { … .digest('hex') }`: identifiers and change detectors)
are not reported, unless their names speak of a token, key, password or session.

## Why is this bad?
MD5 and SHA-1 collisions are practical, so they cannot protect integrity or signatures, and
they are far too fast for passwords. ECB encrypts equal blocks to equal ciphertext and leaks
the structure of the data; DES and RC4 are broken outright.

## Example
```js
const digest = crypto.createHash('md5').update(password).digest('hex');
const cipher = crypto.createCipheriv('aes-256-ecb', key, null);
```

## Use instead
```js
const digest = crypto.createHash('sha256').update(data).digest('hex');
const hash = await argon2.hash(password);            // for passwords: argon2, scrypt or bcrypt
const cipher = crypto.createCipheriv('aes-256-gcm', key, crypto.randomBytes(12));
```
The quick fix (not preferred: stored digests change) switches the hash to SHA-256.

## References
- CWE-327: Use of a Broken or Risky Cryptographic Algorithm, https://cwe.mitre.org/data/definitions/327.html
- CWE-328: Use of Weak Hash, https://cwe.mitre.org/data/definitions/328.html
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from landguard.checks.javascript import _support as js
from landguard.engine.findings import Confidence, Finding, Fix, Severity, TextEdit
from landguard.engine.registry import Rule
from landguard.languages import javascript_syntax as syntax

RULE = Rule(
    id="LG307",
    name="weak-cryptography",
    title="Weak hash or cipher",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(327, 328),
    docs=__doc__ or "",
    languages=js.LANGUAGES,
)
_WEAK_HASHES = frozenset({"md5", "md4", "md2", "sha1", "sha-1", "rsa-md5", "rsa-sha1"})
_WEAK_CIPHER = re.compile(r"(?i)(?:-ecb$|^des(?:$|-)|^des-ede|^des3|^rc4|^rc2|^bf(?:$|-)|^blowfish)")
_NON_SECURITY_USE = re.compile(r"(?i)gravatar|\betag\b|cache_?key|cacheKey|checksum|content-md5")
# A helper named for the hash it computes (`hash(sess)`, `computeHash(obj)`), whose names speak of
# nothing it protects and that renders the digest: an identifier or change detector (express-session
# hashes the serialized session to tell whether it changed); its callers decide what it is for.
_PLAIN_HASH = re.compile(r"(?:^|_)[Hh]ash$|[a-z0-9]Hash$")
_SECURITY_WORDS = re.compile(
    r"sign|token|secret|auth|hmac|verif|key|session|salt|cred|otp|api|pass|pwd", re.I
)
_RENDERED = re.compile(r"""\.digest\(\s*['"](?:hex|base64|base64url)['"]\s*\)""")


def _identifier_helper(document, function) -> bool:
    name = js.function_name(document, function, pair_key=True)
    if not name or not _PLAIN_HASH.search(name):
        return False
    parameters = syntax.parameters_of(function)
    if _SECURITY_WORDS.search(name + " " + js.text(document, parameters)):
        return False
    return bool(_RENDERED.search(js.text(document, function)))


_TARGETS = frozenset(
    {"crypto.createHash", "crypto.createCipher", "crypto.createDecipher", "crypto.createCipheriv",
     "crypto.createDecipheriv"}
)  # fmt: skip


class WeakCrypto(js.JavaScriptRule):
    rule = RULE
    reads = frozenset({js.INDEX})

    def check_unit(self, node, document, context) -> Iterable[Finding]:
        index = js.unit_index(node, document, context)
        for qualified, call in js.calls_to(index, document, context, _TARGETS):
            function = qualified.rsplit(".", 1)[-1]
            args = js.arguments_of(call)
            if function in ("createCipher", "createDecipher"):
                yield RULE.finding(
                    document.node_span(call),
                    f"crypto.{function}() derives the key with MD5 and uses no IV; use {function}iv with a random IV",
                    severity=Severity.ERROR,
                    confidence=Confidence.HIGH,
                )
                continue
            if not args:
                continue
            algorithm = js.string_value(document, js.unwrap(args[0]))
            if algorithm is None:
                continue
            if function == "createHash" and algorithm.lower() in _WEAK_HASHES:
                if _NON_SECURITY_USE.search(js.text(document, js.enclosing_function(call) or node)):
                    continue  # Gravatar URLs, ETags and cache keys need MD5/SHA-1 for compatibility, not security
                if _identifier_helper(document, js.enclosing_function(call)):
                    continue
                quote = js.text(document, js.unwrap(args[0]))[0]
                fix = Fix(
                    "Use SHA-256 (stored digests will differ)",
                    (TextEdit(document.node_span(js.unwrap(args[0])), f"{quote}sha256{quote}"),),
                    unsafe=True,  # stored digests will differ
                )
                yield RULE.finding(
                    document.node_span(call),
                    f"{algorithm.upper()} is a broken hash; use SHA-256 (or argon2/scrypt/bcrypt for passwords)",
                    fixes=[fix],
                )
            elif function in ("createCipheriv", "createDecipheriv") and _WEAK_CIPHER.search(algorithm):
                yield RULE.finding(
                    document.node_span(call),
                    f"Cipher {algorithm!r} is weak (ECB mode or a broken algorithm); use aes-256-gcm",
                    severity=Severity.ERROR,
                    confidence=Confidence.HIGH,
                )


CHECK = WeakCrypto()
