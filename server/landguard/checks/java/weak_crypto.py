"""Weak cryptography: broken hashes, ciphers, ECB mode and short RSA keys.

## What it does
Flags ``MessageDigest.getInstance("MD5" | "SHA-1" | "SHA1" | "MD2" | "MD4")`` (and the
commons-codec / Guava shortcuts ``DigestUtils.md5Hex``, ``Hashing.md5()`` ...),
``Cipher.getInstance`` with DES, 3DES (DESede), RC4, RC2, Blowfish or ECB mode - including
a bare ``"AES"``, which the JDK expands to ``AES/ECB/PKCS5Padding`` - and RSA/DSA/DH key pair
generators initialised with fewer than 2048 bits.

## Why is this bad?
MD5 and SHA-1 have practical collision attacks; DES keys are brute-forced in hours and RC4
leaks its key stream. ECB encrypts equal blocks to equal ciphertext, so patterns in the data
stay visible. RSA keys under 2048 bits are within reach of factoring.

## Example
```java
MessageDigest md = MessageDigest.getInstance("MD5");
Cipher cipher = Cipher.getInstance("AES");
generator.initialize(1024);
```

## Use instead
```java
MessageDigest md = MessageDigest.getInstance("SHA-256");
Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
generator.initialize(2048);
```
The quick fixes switch the digest to SHA-256 and the key size to 2048. A cipher change needs
an IV and a migration of stored data, so it is left to you. For passwords use a slow,
salted function (bcrypt, scrypt, Argon2, PBKDF2) instead of any plain digest.

## References
- CWE-327: Use of a Broken or Risky Cryptographic Algorithm
  (https://cwe.mitre.org/data/definitions/327.html)
- CWE-328: Use of Weak Hash (https://cwe.mitre.org/data/definitions/328.html)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.java._support import JavaCheck, constants_matching, method_scope, module_facts
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, Rule
from landguard.fixes.java_fixes import replace_literal, replace_node
from landguard.languages.java_syntax import (
    call_args,
    call_name,
    call_object,
    is_decimal_integer,
    is_identifier,
    is_method_call,
    is_string_literal,
    method_calls,
    node_text,
    simple_type,
    string_literal_value,
    unit_bytes,
    unwrap,
)
from landguard.languages.questions import Questions

RULE = Rule(
    id="LG402",
    name="weak-crypto",
    title="Weak hash or cipher",
    severity=Severity.WARNING,
    confidence=Confidence.HIGH,
    cwe=(327, 328),
    docs=__doc__,
    languages=frozenset({"java"}),
    aliases=("find_sec_bugs.WEAK_MESSAGE_DIGEST_MD5", "find_sec_bugs.ECB_MODE", "find_sec_bugs.DES_USAGE"),
)

_CALLS = Questions(
    call=method_calls(
        # getInstance/initialize, and the digest shortcuts of Commons Codec's DigestUtils and Guava's Hashing
        ("getInstance", "initialize", "md5", "sha1", "md5Hex", "sha1Hex", "md5Digest", "sha1Digest")
        + ("md2", "md2Hex", "getMd5Digest", "getSha1Digest", "shaHex")
    )
)
_WEAK_TEXT = re.compile(
    rb'"\s*(?:MD[245]|SHA-?1?|DES\w*|TripleDES|3DES|RC[24]|ARCFOUR|Blowfish|AES|[^"\n]*/ECB)(?:/[^"\n]*)?\s*"'
    rb"|initialize\s*\(|DigestUtils|Hashing\s*\.",
    re.I,
)
# Substrings of the lower-cased unit, one of which every finding needs (cheaper than _WEAK_TEXT).
_WEAK_GATE_WORDS = (
    b'"md',
    b'"sha"',
    b'"sha1',
    b'"sha-1"',
    b'"des',
    b'"tripledes',
    b'"3des',
    b'"rc',
    b'"arcfour',
    b'"blowfish',
    b'"aes"',
    b"/ecb",
    b"initialize",
    b"digestutils",
    b"hashing",
)
_WEAK_DIGESTS = frozenset({"MD5", "SHA-1", "SHA1", "SHA", "MD2", "MD4"})
_WEAK_CIPHER = re.compile(r"^(?:DES|DESede|TripleDES|3DES|RC4|ARCFOUR|RC2|Blowfish)(?:/|$)", re.I)
_DIGEST_SHORTCUT_OWNERS = frozenset({"DigestUtils", "Hashing"})
_KEY_ALGORITHMS = frozenset({"RSA", "DSA", "DH", "DiffieHellman"})
_MIN_KEY_BITS = 2048


def _weak_constants(document, context: CheckContext) -> tuple[bytes, ...]:
    """Names of class constants holding a weak algorithm name (``ALGORITHM = "DES"``)."""
    return constants_matching(
        document,
        context,
        "java.weak_crypto_constants",
        lambda value: _WEAK_TEXT.search(f'"{value}"'.encode()),
    )


class WeakCryptoCheck(JavaCheck):
    rule = RULE
    needles = (b"getInstance", b"initialize", b"md5", b"sha1", b"Md5", b"Sha1", b"md2", b"shaHex")

    def check_unit(self, unit: Node, document, context: CheckContext) -> Iterable[Finding]:
        text = unit_bytes(document, unit)
        lowered = text.lower()
        if not any(word in lowered for word in _WEAK_GATE_WORDS) and not any(
            name in text for name in _weak_constants(document, context)
        ):
            return  # no weak algorithm name, key size or digest shortcut: skip the tree query
        for _call, call, name_node in _CALLS.ask(unit, document):
            name = node_text(document, name_node)
            obj = call_object(call)
            owner = simple_type(node_text(document, obj)) if obj is not None else ""
            args = call_args(call)
            if name == "getInstance" and args:
                algorithm = string_literal_value(document, args[0])
                if algorithm is None and is_identifier(args[0]):
                    # private static final String ALGORITHM = "AES";
                    algorithm = module_facts(document, context).constant_values.get(
                        node_text(document, args[0])
                    )
                if algorithm is None:
                    continue
                finding = self._get_instance(document, call, owner, algorithm, args[0])
                if finding is not None:
                    yield finding
            elif name == "initialize" and args:
                finding = self._key_size(unit, document, context, call, obj, args[0])
                if finding is not None:
                    yield finding
            elif owner in _DIGEST_SHORTCUT_OWNERS:
                weak = "SHA-1" if "sha" in name.lower() else name[:3].upper()
                yield RULE.finding(
                    document.node_span(call), f"{owner}.{name}() uses the broken {weak} hash; use SHA-256"
                )

    def _get_instance(
        self, document, call: Node, owner: str, algorithm: str, literal: Node
    ) -> Finding | None:
        upper = algorithm.strip().upper()
        if owner == "MessageDigest" and upper in _WEAK_DIGESTS:
            # A constant's value lives in another unit: only an inline literal is rewritten here.
            fixes = (
                [replace_literal(document, literal, "SHA-256", "Use SHA-256")]
                if is_string_literal(literal)
                else []
            )
            return RULE.finding(
                document.node_span(call),
                f"MessageDigest uses the broken {algorithm} hash; use SHA-256",
                fixes=fixes,
            )
        if owner in ("Cipher", "KeyGenerator", "SecretKeyFactory") and _WEAK_CIPHER.match(algorithm.strip()):
            return RULE.finding(
                document.node_span(call),
                f"{owner} uses the weak {algorithm.split('/')[0]} cipher; use AES/GCM/NoPadding",
            )
        if owner == "Cipher":
            parts = [p.strip().upper() for p in algorithm.split("/")]
            if parts[0] == "AES" and (len(parts) == 1 or (len(parts) > 1 and parts[1] == "ECB")):
                detail = "defaults to ECB mode" if len(parts) == 1 else "uses ECB mode"
                return RULE.finding(
                    document.node_span(call),
                    f'Cipher "{algorithm}" {detail}, which leaks patterns; use AES/GCM/NoPadding',
                )
            if len(parts) > 1 and parts[1] == "ECB" and parts[0] not in ("RSA",):
                return RULE.finding(
                    document.node_span(call), f'Cipher "{algorithm}" uses ECB mode; use AES/GCM/NoPadding'
                )
        return None

    def _key_size(
        self, unit, document, context, call: Node, obj: Node | None, size_node: Node
    ) -> Finding | None:
        size_node = unwrap(size_node)
        if obj is None or not is_decimal_integer(size_node):
            return None
        try:
            bits = int(node_text(document, size_node).rstrip("lL").replace("_", ""))
        except ValueError:
            return None
        if bits >= _MIN_KEY_BITS:
            return None
        algorithm = self._generator_algorithm(unit, document, context, obj)
        if algorithm is None or algorithm.upper() not in {a.upper() for a in _KEY_ALGORITHMS}:
            return None
        fix = replace_node(document, size_node, str(_MIN_KEY_BITS), f"Use a {_MIN_KEY_BITS}-bit key")
        return RULE.finding(
            document.node_span(call),
            f"{algorithm} key of {bits} bits is too short; use at least {_MIN_KEY_BITS}",
            fixes=[fix],
        )

    @staticmethod
    def _generator_algorithm(unit, document, context, obj: Node) -> str | None:
        """The algorithm of the KeyPairGenerator ``obj`` refers to, when it is visible in the unit."""
        obj = unwrap(obj)
        if obj is None:
            return None
        creation: Node | None = obj
        if is_identifier(obj):
            scope = method_scope(unit, document, context)
            name = node_text(document, obj)
            if scope.type_of(name) != "KeyPairGenerator":
                return None
            values = scope.values.get(name, [])
            creation = unwrap(values[-1][1]) if values else None
        if not is_method_call(creation) or call_name(document, creation) != "getInstance":
            return None
        owner = call_object(creation)
        if owner is None or simple_type(node_text(document, owner)) != "KeyPairGenerator":
            return None
        args = call_args(creation)
        return string_literal_value(document, args[0]) if args else None


CHECK = WeakCryptoCheck()
