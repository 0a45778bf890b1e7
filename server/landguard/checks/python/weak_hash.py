"""Weak hash: MD5 or SHA-1 used where security may depend on it.

## What it does
Flags `hashlib.md5`, `hashlib.sha1` and `hashlib.new("md5" | "sha1" | "md4")`, and the MD5/SHA-1
of pycryptodome and `cryptography`, unless the call says `usedforsecurity=False` (or passes on
its caller's `usedforsecurity=` choice). The finding is an error when the surrounding names speak
of signatures, tokens, secrets or keys. Where they speak of checksums, cache keys, ETags or
fingerprints nothing is reported: no security depends on those (on FIPS systems such calls need
`usedforsecurity=False` to run at all, but that is not a vulnerability), nor where they name an
identifier or a nonce (`get_template_key`, `cnonce`); neither is a hash object made only to read
its `digest_size`, nor what a helper named after the algorithm returns (`md5_utf8`): its callers
decide what the digest is for. Hashing *passwords* is a different problem, reported by LG209.

## Why is this bad?
MD5 and SHA-1 collisions can be computed cheaply: an attacker can make two documents with the
same digest, so a signature, integrity check or token derived from them can be forged.

## Example
```python
signature = hashlib.md5(secret + payload).hexdigest()
digest = hashlib.sha1(data).hexdigest()
```

## Use instead
```python
signature = hmac.new(secret, payload, hashlib.sha256).hexdigest()
digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()  # if it is only a checksum
```
Two quick fixes: switch to `hashlib.sha256` (the digest changes, so stored values must be
recomputed), or, for checksums that must stay compatible, declare `usedforsecurity=False`.

## References
- [CWE-328: Use of Weak Hash](https://cwe.mitre.org/data/definitions/328.html)
- [CWE-327: Use of a Broken or Risky Cryptographic Algorithm](https://cwe.mitre.org/data/definitions/327.html)
- Bandit B303, B324; Ruff S303, S324
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python._dispatch import CallRule
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Fix, Severity
from landguard.engine.registry import CheckContext, Rule
from landguard.fixes.python_fixes import StatementEditor, call_with_keyword
from landguard.languages import python_syntax as syntax

RULE = Rule(
    id="LG206",
    name="weak-hash",
    title="MD5 or SHA-1 used for security",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(328, 327),
    docs=__doc__,
    languages=py.PYTHON,
    aliases=("B303", "S303", "B324", "S324"),
)

WEAK_HASHES = frozenset({"md5", "sha1", "md4", "md2"})
_WEAK_CONSTRUCTORS = {
    "hashlib.md5": "md5",
    "hashlib.sha1": "sha1",
    "Crypto.Hash.MD5.new": "md5",
    "Crypto.Hash.SHA1.new": "sha1",
    "Cryptodome.Hash.MD5.new": "md5",
    "Cryptodome.Hash.SHA1.new": "sha1",
    "cryptography.hazmat.primitives.hashes.MD5": "md5",
    "cryptography.hazmat.primitives.hashes.SHA1": "sha1",
}
_PASSWORD = re.compile(r"pass(?:word|wd|phrase)|\bpwd\b|_pwd|pwd_", re.I)
_SECURITY = re.compile(r"sign|token|secret|auth|hmac|verif|key|session|salt|cred|otp|api", re.I)
_CHECKSUM = re.compile(
    r"checksum|etag|cache|fingerprint|dedup|file_?hash|content_?hash|md5sum|shard|bucket|"
    # identifiers and names derived from a hash (`get_template_key`, `module_name`), and nonces,
    # whose unpredictability comes from their random input, not from the hash
    r"template|module|\bname\b|_name\b|\bids?\b|_id\b|uuid|identifier|nonce",
    re.I,
)
# A helper that only computes the hash it is named after (`md5_utf8`, `_sqlite_sha1`): its callers
# decide what the digest is for, so the helper itself is not a use.
_PLAIN_HASH = re.compile(r"(?:^|_)hash$")
_ALGORITHM_HELPER = re.compile(r"(?:^|_)(?:md5|sha1?)(?:_|$)")


def is_password_context(call: Node, unit: Node) -> bool:
    """The hashed value or the names around the call speak of a password (that is LG209's case)."""
    hay = " ".join(
        (*(syntax.text(a) for a in syntax.positional_args(call)), *syntax.context_names(call, unit))
    )
    return bool(_PASSWORD.search(hay))


class WeakHashCheck(CallRule):
    rule = RULE
    callee_names = frozenset({"md5", "sha1", "new", "MD5", "SHA1"})

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        algorithm = _WEAK_CONSTRUCTORS.get(name)
        if algorithm is None and name == "hashlib.new":
            value = syntax.literal_string_value(syntax.argument(call, 0, "name"))
            if value is not None and value.lower() in WEAK_HASHES:
                algorithm = value.lower()
        if algorithm is None:
            return
        used_for_security = syntax.keyword_arg(call, "usedforsecurity")
        if used_for_security is not None and not syntax.is_true(used_for_security):
            return  # False, or the caller's choice passed on
        if syntax.attribute_read_off(call) in ("digest_size", "block_size", "name"):
            return  # `sha1().digest_size`: a size, not a digest of anything
        if name.startswith("hashlib.") and is_password_context(call, unit):
            return  # reported by LG209 (fast-password-hash)
        context_names = syntax.context_names(call, unit)
        if _is_algorithm_helper(call, context_names):
            return
        names = " ".join(context_names)
        argument_text = syntax.text(syntax.argument(call, 0))
        if _CHECKSUM.search(names):  # first: `cache_key` is about caching, not a key
            return
        if (
            context_names
            and _PLAIN_HASH.search(context_names[-1])
            and not _SECURITY.search(names)
            and _renders_digest(call)
        ):
            return  # `generate_hash(values)` returning a hex digest: an identifier, nothing it protects
        if _SECURITY.search(names) or _SECURITY.search(argument_text):
            severity, confidence, purpose = Severity.ERROR, Confidence.HIGH, "security"
        else:
            severity, confidence, purpose = RULE.severity, RULE.confidence, "unknown"
        fixes = _fixes(call, name, document, purpose)
        yield RULE.finding(
            document.node_span(call),
            f"{algorithm.upper()} is broken for security use (collisions are cheap); "
            "use SHA-256, or say usedforsecurity=False for a non-security checksum",
            severity=severity,
            confidence=confidence,
            fixes=fixes,
        )


def _renders_digest(call: Node) -> bool:
    """`md5(x).hexdigest()`: the digest value itself, not a hash object used elsewhere."""
    return syntax.attribute_read_off(call) in ("hexdigest", "digest")


def _is_algorithm_helper(call: Node, context_names: tuple[str, ...]) -> bool:
    """The call is what a function named after the algorithm returns, as its last statement."""
    if not context_names or not _ALGORITHM_HELPER.search(context_names[-1]):
        return False
    return syntax.in_final_return(call)


def _fixes(call: Node, name: str, document: Document, purpose: str) -> list[Fix]:
    import libcst as cst

    if not name.startswith("hashlib.") or syntax.has_star_args(call):
        return []
    fixes = []
    sha256 = _sha256_fix(call, name, document, preferred=purpose != "checksum")
    if sha256 is not None:
        fixes.append(sha256)
    if purpose != "security":
        editor = StatementEditor.for_node(document, call)
        target = editor.locate(call, cst.Call) if editor else None
        if editor is not None and target is not None:
            editor.replace(target, call_with_keyword(target, "usedforsecurity", cst.Name("False")))
            edit = editor.text_edit()
            if edit is not None:
                fixes.append(
                    Fix(
                        "Mark as not used for security (usedforsecurity=False)",
                        (edit,),
                        preferred=purpose == "checksum",
                    )
                )
    return fixes


def _sha256_fix(call: Node, name: str, document: Document, *, preferred: bool) -> Fix | None:
    import libcst as cst

    editor = StatementEditor.for_node(document, call)
    target = editor.locate(call, cst.Call) if editor else None
    if editor is None or target is None:
        return None
    if name == "hashlib.new":
        first = target.args[0] if target.args else None
        if first is None or first.keyword is not None or not isinstance(first.value, cst.SimpleString):
            return None
        quote = first.value.quote
        new_value = first.value.with_changes(value=f"{first.value.prefix}{quote}sha256{quote}")
        editor.replace(
            target, target.with_changes(args=[first.with_changes(value=new_value), *target.args[1:]])
        )
    elif isinstance(target.func, cst.Attribute):
        editor.replace(target, target.with_changes(func=target.func.with_changes(attr=cst.Name("sha256"))))
    else:
        return None  # `from hashlib import md5`: switching needs an import change
    edit = editor.text_edit()
    return Fix("Use SHA-256", (edit,), preferred=preferred, unsafe=True) if edit else None


CHECK = WeakHashCheck()
