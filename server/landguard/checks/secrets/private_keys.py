"""## What it does
Finds private keys: PEM blocks (`-----BEGIN RSA PRIVATE KEY-----`, `BEGIN PRIVATE KEY`,
`BEGIN OPENSSH PRIVATE KEY`, `BEGIN EC PRIVATE KEY`, `BEGIN PGP PRIVATE KEY BLOCK`, encrypted
PKCS#8 and SSH2 keys), whether they span lines or sit in one string with `\\n` escapes, and
PuTTY key files. A marker alone (code that *looks for* a PEM header) is not reported: the
marker must be followed by key material.

The finding covers the block from its BEGIN to its END marker.

## Why is this bad?
A private key is the whole identity: whoever reads it can sign as you, decrypt traffic meant
for you, or log in to every host that trusts it. Unlike a password it cannot be rotated by
changing one setting, and it stays valid in the repository's history after deletion.
Encrypted keys are reported at a lower severity: the passphrase still protects them, until it
is found nearby.

## Example
```python
DEPLOY_KEY = \"\"\"-----BEGIN OPENSSH PRIVATE KEY-----
b3Bl…
-----END OPENSSH PRIVATE KEY-----\"\"\"
```

## Use instead
Keep keys out of the repository: load them from a file outside it, a secret manager or an SSH
agent (`paramiko.RSAKey.from_private_key_file(os.environ["DEPLOY_KEY_FILE"])`). Generate a new
key pair and revoke the committed one. For a deliberate test key in code, a quick fix adds
`pragma: allowlist secret` after the block.

## References
- [CWE-321: Use of Hard-coded Cryptographic Key](https://cwe.mitre.org/data/definitions/321.html)
- [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from landguard.checks.secrets.heuristics import SecretHit, is_placeholder
from landguard.engine.findings import Confidence, Severity, Span
from landguard.engine.registry import Rule

RULE = Rule(
    id="LG102",
    name="private-key",
    title="Private key in source",
    severity=Severity.ERROR,
    confidence=Confidence.HIGH,
    cwe=(321, 798),
    docs=__doc__ or "",
)

# How far a BEGIN marker is looked for above an edit, and an END marker below a BEGIN.
# A 4096-bit RSA key is about 50 lines; 200 leaves room for headers and wide wrapping.
MAX_BLOCK_LINES = 200

# For the scanner's prefilter (lowercase).
PREFILTER_WORDS = ("private key", "putty-user-key-file")
_BEGIN = re.compile(r"-{4,5} ?BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)? ?-{4,5}")
_END = re.compile(r"-{4,5} ?END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)? ?-{4,5}")
_MARKER = re.compile(r"-{4,5} ?(BEGIN|END) (?:[A-Z0-9]+ )*PRIVATE KEY")
_PUTTY = re.compile(r"^[\s\"'`]*PuTTY-User-Key-File-[23]: *\S+")
# A text ``find_private_keys`` needs on its line: ``_BEGIN``'s PRIVATE KEY or ``_PUTTY``'s header
# (for the scanner, which looks for them in many lines at once).
GATE_TEXTS = ("PRIVATE KEY", "PuTTY-User-Key-File-")
LINE_GATE = re.compile("|".join(GATE_TEXTS))
# Key material right after a marker: escaped newlines, quotes or string concatenation, then
# base64 (or the header of an encrypted PEM).
_MATERIAL = re.compile(r"^(?:\\[nr]|\s|[\"'`,+(]|\\)*(Proc-Type:|[A-Za-z0-9+/=]{16,})")

_KINDS = {
    "": "Private key",
    "RSA": "RSA private key",
    "DSA": "DSA private key",
    "EC": "EC private key",
    "OPENSSH": "OpenSSH private key",
    "ENCRYPTED": "Encrypted private key",
    "PGP": "PGP private key block",
    "SSH2 ENCRYPTED": "Encrypted SSH2 private key",
}


def _kind(algorithm: str) -> str:
    return _KINDS.get(algorithm, f"{algorithm} private key")


def _material_after(lines: Sequence[str], number: int, col: int) -> str | None:
    """The first chunk of key material after a BEGIN marker (same line, or the next non-blank one)."""
    match = _MATERIAL.match(lines[number][col:])
    if match:
        return _unless_truncated(match.group(1), lines[number][col + match.end() :])
    for following in range(number + 1, min(number + 3, len(lines))):
        text = lines[following]
        if not text.strip():
            continue
        match = _MATERIAL.match(text)
        return _unless_truncated(match.group(1), text[match.end() :]) if match else None
    return None


def _unless_truncated(material: str, after: str) -> str | None:
    """The material, unless an ellipsis cuts it short (``MIGEAgEA...``): documentation shows the
    start of a key to say what goes there, and a shortened key is no key."""
    return None if after.lstrip().startswith(("...", "…")) else material


def find_private_keys(lines: Sequence[str], number: int) -> Iterator[SecretHit]:
    """Private keys starting on line ``number``."""
    line = lines[number]
    for begin in _BEGIN.finditer(line):
        material = _material_after(lines, number, begin.end())
        if material is None or is_placeholder(material):
            continue
        algorithm = begin.group(1).strip()
        end_line, end_col = number, len(line)
        end = _END.search(line, begin.end())
        if end:
            end_col = end.end()
        else:
            for following in range(number + 1, min(number + MAX_BLOCK_LINES, len(lines))):
                if "PRIVATE KEY" in lines[following]:
                    end = _END.search(lines[following])
                    if end:
                        end_line, end_col = following, end.end()
                    break
        encrypted = "ENCRYPTED" in algorithm or material == "Proc-Type:"
        yield SecretHit(
            RULE,
            _kind(algorithm),
            material,
            Span(number, begin.start(), end_line, end_col),
            "PRIVATE_KEY_FILE",
            severity=Severity.WARNING if encrypted else None,
        )
    putty = _PUTTY.match(line)
    if putty:
        start = line.index("PuTTY")
        yield SecretHit(
            RULE,
            "PuTTY private key file",
            line[start:].strip(),
            Span.on_line(number, start, len(line)),
            "KEY_FILE",
        )


def _has_begin(line: str) -> bool:
    """A BEGIN on the line: its finding reads the key material on the lines below it (even when an
    END follows on the same line), so an edit below must rescan it."""
    return _BEGIN.search(line) is not None


def widen(lines: Sequence[str], first: int, last: int) -> tuple[int, int]:
    """Extend ``first..last`` to the PEM block an edit may have touched (opened, closed or changed).

    Mirrors ``find_private_keys``: a block runs from a BEGIN to the first line below it that
    names a private key, and ends at an END anywhere on that line. So above, the nearest line naming
    a private key counts if it has a BEGIN at all (its finding reads the material below it, even
    when an END closes it on the same line); below, any END on the line.
    """
    for number in range(first - 1, max(first - MAX_BLOCK_LINES, 0) - 1, -1):
        if "PRIVATE KEY" in lines[number]:
            if _has_begin(lines[number]):
                first = number
            break  # as in find_private_keys, a block stops at the first line naming a private key
    for number in range(last + 1, min(last + MAX_BLOCK_LINES, len(lines))):
        if "PRIVATE KEY" in lines[number]:
            if _MARKER.search(lines[number]):
                if _END.search(lines[number]):
                    last = number
                break
    return first, last
