"""Weak cipher: DES, 3DES, RC4, Blowfish and friends, ECB mode, RSA/DSA keys under 2048 bits.

## What it does
Flags, in pycryptodome (`Crypto`/`Cryptodome`) and `cryptography`: the ciphers DES, Triple DES,
RC2, RC4 (ARC4), Blowfish, CAST5, IDEA and SEED; ECB mode (`AES.MODE_ECB`, `modes.ECB()`); and
RSA or DSA keys generated with fewer than 2048 bits (`rsa.generate_private_key(key_size=1024)`,
`RSA.generate(1024)`, python-rsa's `rsa.newkeys(512)`).

## Why is this bad?
DES keys are brute-forced in hours; RC4's keystream is biased enough to recover plaintext; 64-bit
block ciphers (3DES, Blowfish) leak data after a few gigabytes (Sweet32). ECB encrypts equal
blocks to equal ciphertext, so the structure of the data shows through. RSA keys of 1024 bits are
within reach of well-funded attackers, and below that of anyone.

## Example
```python
cipher = AES.new(key, AES.MODE_ECB)
private_key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
```

## Use instead
```python
cipher = AES.new(key, AES.MODE_GCM)  # authenticated; keep cipher.nonce with the ciphertext
private_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
```
The quick fix raises a too-small RSA/DSA key size to 2048 bits; choosing a cipher mode needs a
nonce and a storage format, so it is left to you.

## References
- [CWE-327: Use of a Broken or Risky Cryptographic Algorithm](https://cwe.mitre.org/data/definitions/327.html)
- [CWE-326: Inadequate Encryption Strength](https://cwe.mitre.org/data/definitions/326.html)
- Bandit B304, B305, B505; Ruff S304, S305, S505
"""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python._dispatch import CallRule
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Fix, Severity
from landguard.engine.registry import CheckContext, Rule
from landguard.fixes.python_fixes import StatementEditor
from landguard.languages import python_syntax as syntax

RULE = Rule(
    id="LG208",
    name="weak-cipher",
    title="Broken cipher, ECB mode or short RSA key",
    severity=Severity.ERROR,
    confidence=Confidence.HIGH,
    cwe=(327, 326),
    docs=__doc__,
    languages=py.PYTHON,
    aliases=("B304", "S304", "B305", "S305", "B505", "S505"),
)

_WEAK_PYCRYPTO = frozenset({"DES", "DES3", "ARC2", "ARC4", "Blowfish", "CAST", "XOR"})
_WEAK_CRYPTOGRAPHY = frozenset({"TripleDES", "ARC4", "Blowfish", "CAST5", "IDEA", "SEED"})
_CRYPTOGRAPHY_CIPHERS = "cryptography.hazmat.primitives.ciphers"
_MIN_BITS = 2048


class WeakCipherCheck(CallRule):
    rule = RULE
    callee_names = frozenset(
        {"new", "ECB", "generate_private_key", "generate", "newkeys"} | _WEAK_CRYPTOGRAPHY
    )

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        parts = name.split(".")
        if (
            parts[0] in ("Crypto", "Cryptodome")
            and len(parts) >= 4
            and parts[1] == "Cipher"
            and parts[-1] == "new"
        ):
            cipher = parts[2]
            if cipher in _WEAK_PYCRYPTO:
                yield RULE.finding(
                    document.node_span(call), f"{cipher} is a broken or weak cipher; use AES-GCM"
                )
                return
            mode = syntax.argument(call, 1, "mode")
            if mode is not None and syntax.text(mode).endswith("MODE_ECB"):
                yield RULE.finding(
                    document.node_span(mode),
                    "ECB mode shows patterns of the plaintext; use GCM (or CTR with a MAC)",
                )
            return
        if name.startswith(_CRYPTOGRAPHY_CIPHERS):
            if name == f"{_CRYPTOGRAPHY_CIPHERS}.modes.ECB":
                yield RULE.finding(
                    document.node_span(call),
                    "ECB mode shows patterns of the plaintext; use GCM (or CTR with a MAC)",
                )
            elif parts[-2] == "algorithms" and parts[-1] in _WEAK_CRYPTOGRAPHY:
                yield RULE.finding(
                    document.node_span(call), f"{parts[-1]} is a broken or weak cipher; use AES-GCM"
                )
            return
        size_node = None
        if name in (
            "cryptography.hazmat.primitives.asymmetric.rsa.generate_private_key",
            "cryptography.hazmat.primitives.asymmetric.dsa.generate_private_key",
        ):
            size_node = syntax.keyword_arg(call, "key_size")
            if size_node is None:
                positional = syntax.positional_args(call)
                size_node = positional[1] if "rsa" in name and len(positional) > 1 else None
                if "dsa" in name and positional:
                    size_node = positional[0]
        elif name in (
            "Crypto.PublicKey.RSA.generate",
            "Cryptodome.PublicKey.RSA.generate",
            "rsa.newkeys",
        ) or name in (
            "Crypto.PublicKey.DSA.generate",
            "Cryptodome.PublicKey.DSA.generate",
        ):
            size_node = syntax.argument(call, 0, "bits") or syntax.keyword_arg(call, "nbits")
        bits = syntax.int_value(size_node)
        if size_node is None or bits is None or bits >= _MIN_BITS:
            return
        fixes = []
        fix = _key_size_fix(size_node, document)
        if fix is not None:
            fixes.append(fix)
        yield RULE.finding(
            document.node_span(size_node),
            f"a {bits}-bit key is too short; use at least {_MIN_BITS} bits (3072 for use beyond 2030)",
            fixes=fixes,
            severity=Severity.ERROR,
            confidence=Confidence.HIGH,
        )


def _key_size_fix(size_node: Node, document: Document) -> Fix | None:
    import libcst as cst

    editor = StatementEditor.for_node(document, size_node)
    target = editor.locate(size_node, cst.Integer) if editor else None
    if editor is None or target is None:
        return None
    editor.replace(target, cst.Integer(str(_MIN_BITS)))
    edit = editor.text_edit()
    return Fix(f"Use a {_MIN_BITS}-bit key", (edit,), preferred=True) if edit else None


CHECK = WeakCipherCheck()
