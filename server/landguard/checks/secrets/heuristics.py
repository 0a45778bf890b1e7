"""What is *not* a secret: placeholders, templates, low-entropy values, names that mean a hash.

Shared by the LG1xx detectors. Everything here is a pure function of short strings, so the
detectors can call it only after their cheap regexes matched.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import re
import time
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from landguard.checks.secrets import detect_secrets_adapter as ds
from landguard.engine.findings import Confidence, Severity, Span
from landguard.engine.registry import Rule

# Values that stand for a secret instead of being one.
_PLACEHOLDER = re.compile(
    r"""
    \$\{[^}]*\}? | \$\( | ^\$[A-Za-z_] | %\(\w+\)[sd] | %[sd] | \{\d*\} | \{[a-z_][\w.]*\}
    | ^<.*>$ | ^\[.*\]$ | ^\(.*\)$ | ^%[A-Za-z_]+%$ | ^ENC\[ | ^!vault
    | \.\.\. | … | \*\*\* | xxxx | XXXX | ^x+$ | ^X+$
    | (?i:your[_\-\s]?(?:api|secret|token|key|pass|own|real|access|app|client|db|database)
        | [_\-\s]here\b | change[_\-\s]?(?:me|it|this) | placeholder | redacted | example | dummy | sample
        | \bfake | \bmock | \btodo\b | \bfixme\b | \btbd\b | replace[_\-\s]?(?:me|with|this) | \binsert[_\-\s]
        | not[_\-\s]?(?:set|a[_\-\s]?(?:real|secret)) | lorem | ipsum | \benter[_\-\s]
        | ^(?:none|null|nil|undefined|true|false|yes|no|on|off|n/?a|empty|secret|secrets|password|passwd
            |pass|pwd|token|key|apikey|api[_-]key|changeme|default|admin|root|user|username|test|testing
            |string|str|required|optional|hidden|masked|private|public|foo|bar|baz|qux|abc|abcd|qwerty
            |bearer|basic|digest)\d*$
        | (?:^|[\W_])test(?:$|[\W_\d])
      )
    """,
    re.X,
)
_ALL_DIGITS = re.compile(r"^[\d.,_\-]+$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{3,8}$")
_PATH_OR_URL = re.compile(r"^(?:/|\./|\.\./|~/|[A-Za-z]:\\|[a-z][a-z0-9+.\-]*://[^@\s]*$)")
_HEX = re.compile(r"^[0-9a-fA-F]+$")
_LOWERCASE_WORD = re.compile(r"[a-z]{4,}")
# A generated body repeats a character eight times in a row about once in 10^8 tokens.
_LONG_RUN = re.compile(r"(.)\1{7,}")
_NOT_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]")
# Words of a name: "apiKey" -> api, Key; "DB_PASSWORD" -> DB, PASSWORD; "APIKey" -> API, Key.
_NAME_PARTS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
# A value made of these words names a secret (a setting, a header, an enum member).
_LABEL_WORDS = frozenset(
    {"password", "passwd", "token", "secret", "key", "apikey", "credential", "credentials", "authorization"}
)
_LABEL_SUBSTRINGS = ("password", "passwd", "secret", "token")
_REGEX_SYNTAX = re.compile(r"\(\?[:=!<P]|\\[wdsbWDSB][*+?{]|\[\^|\]\*|\]\+")


def shannon_entropy(value: str) -> float:
    """Bits per character."""
    if not value:
        return 0.0
    length = len(value)
    return -sum(count / length * math.log2(count / length) for count in Counter(value).values())


def _repeats(value: str) -> bool:
    """``asdfasdf``, ``abcabcabc``: a short pattern typed again and again."""
    length = len(value)
    return length >= 6 and any(
        value == (value[:size] * (length // size + 1))[:length] for size in range(1, min(8, length // 2) + 1)
    )


def _steps_up(previous: str, char: str) -> bool:
    """``a``→``b``, ``8``→``9``, and the wraps of alphabets typed in order (``9``→``a``, ``z``→``0``)."""
    return ord(char) - ord(previous) == 1 or (previous, char) in _WRAPS


_WRAPS = frozenset(
    {("9", "a"), ("9", "A"), ("z", "0"), ("Z", "0"), ("Z", "a"), ("z", "A"), ("f", "0"), ("F", "0")}
)


def is_typed_pattern(value: str) -> bool:
    """A body typed, not generated: mostly the alphabet in order (``abcdef…``, ``0123…``), or mostly
    one repeated character (``sbp_0000…``). Generated bodies step up by one between neighbours for
    about one pair in sixty, and never repeat one character for long."""
    core = _NOT_ALPHANUMERIC.sub("", value)
    if len(core) < 8:
        return False
    steps = sum(_steps_up(a, b) for a, b in pairwise(core))
    if steps >= 0.5 * (len(core) - 1):
        return True
    most = Counter(core).most_common(1)[0][1]
    return most >= 0.5 * len(core)


def _is_template(value: str) -> bool:
    """``{{ ... }}`` (Jinja, Mustache, Go templates), tested without a regex: ``\\{\\{.*\\}\\}`` is
    quadratic on a value made of ``{{`` repeated."""
    opening = value.find("{{")
    return opening >= 0 and value.find("}}", opening + 2) >= 0


def is_placeholder(value: str) -> bool:
    """A template, an example or an obviously made-up value; never worth a finding."""
    stripped = value.strip()
    if len(stripped) < 4 or len(set(stripped)) < 3 or _repeats(stripped):
        return True
    if is_typed_pattern(stripped):
        return True
    if _PLACEHOLDER.search(stripped) or _is_template(stripped):
        return True
    return ds.is_templated_secret(stripped) or ds.is_sequential_string(stripped)


def is_not_a_secret_value(value: str) -> bool:
    """Placeholders plus values that are clearly something else: numbers, paths, UUIDs, prose."""
    stripped = value.strip()
    if is_placeholder(stripped):
        return True
    if _ALL_DIGITS.match(stripped) or _PATH_OR_URL.match(stripped) or _COLOR.match(stripped):
        return True
    if stripped.startswith("arn:") or ("/" in stripped and is_wordy(stripped, 0.6)):
        return True  # an AWS resource name, a relative path or a secret manager's path
    lowered = stripped.lower()
    if _LABEL_WORDS & {part.lower() for part in _NAME_PARTS.findall(stripped)} or any(
        word in lowered for word in _LABEL_SUBSTRINGS
    ):
        return True  # the name of a secret ("AWS_SECRET_ACCESS_KEY", "next_token"), not one
    if ds.is_not_alphanumeric_string(stripped) or ds.is_potential_uuid(stripped):
        return True
    if _encodes_a_placeholder(stripped):
        return True  # base64 of "user:${PASSWORD}" or "changeme"
    # Prose (messages, prompts) or a regular expression rather than a secret.
    return stripped.count(" ") >= 2 or bool(_REGEX_SYNTAX.search(stripped))


_BASE64 = re.compile(r"^[A-Za-z0-9+/]{8,}={0,2}$")


def _encodes_a_placeholder(value: str) -> bool:
    if len(value) % 4 or not _BASE64.match(value):
        return False
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return False
    if not decoded.isprintable():
        return False
    secret = decoded.partition(":")[2] or decoded
    return is_placeholder(secret) or secret.startswith("$")


def is_wordy(value: str, share: float) -> bool:
    """Whether lowercase words make up more than ``share`` of ``value``."""
    return sum(len(word) for word in _LOWERCASE_WORD.findall(value)) > share * len(value)


def looks_random(value: str, *, min_length: int = 16) -> bool:
    """High entropy for its alphabet: what generated keys look like, unlike words or ids."""
    if len(value) < min_length or " " in value:
        return False
    if not (any(c.isdigit() for c in value) and any(c.isalpha() for c in value)):
        return False
    # Words (lowercase runs) make up much of identifiers and cache keys, rarely of generated keys;
    # separators make a structured label ("app:OKP:HKDF:v1").
    if is_wordy(value, 0.4) or sum(value.count(sep) for sep in ":. ") >= 2:
        return False
    entropy = shannon_entropy(value)
    if _HEX.match(value):
        return len(value) >= 32 and entropy >= 3.0
    return entropy >= 3.5


def token_body_is_placeholder(body: str) -> bool:
    """For provider tokens: AWS-style ``…EXAMPLE`` ids, ``xxxx`` runs, too few distinct characters."""
    if "EXAMPLE" in body or "xxxx" in body.lower() or "..." in body or "…" in body:
        return True
    if _LONG_RUN.search(body) or is_typed_pattern(body):
        return True
    core = _NOT_ALPHANUMERIC.sub("", body)
    return len(set(core)) < min(8, max(3, len(core) // 3)) or ds.is_sequential_string(core)


# ------------------------------------------------------------------------------ names


# A name made of these components holds a password/secret/token (LG104).
SECRET_WORDS = frozenset(
    {"password", "passwd", "pwd", "passphrase", "pass", "secret", "token", "apikey", "apitoken", "authtoken"}
)
# "<word> key" pairs that name a secret key (LG104).
SECRET_KEY_PREFIXES = frozenset({"api", "access", "auth", "secret", "private", "master", "client", "app"})
# Weaker names: a secret only if the value also looks generated (LG105).
WEAK_WORDS = frozenset(
    {"key", "auth", "credential", "credentials", "cred", "creds", "salt", "hmac", "bearer", "jwt"}
)
# Components that may follow the secret word without changing what the name holds.
_ALLOWED_TAIL = frozenset(
    {
        "value", "val", "str", "string", "plain", "plaintext", "raw", "b64", "base64", "hex", "default",
        "prod", "production", "dev", "development", "staging", "stage", "live", "main", "secondary",
        "old", "new", "current", "override", "v",
    }
)  # fmt: skip
# Components that say the value is *about* a secret, or not a secret at all.
_NOT_SECRET_PARTS = frozenset(
    {
        "sha", "hash", "hashed", "digest", "checksum", "commit", "uuid", "guid", "fingerprint", "nonce",
        "csrf", "xsrf", "mock", "fake", "dummy", "example", "sample", "placeholder", "regex", "pattern",
        "prefix", "suffix", "format", "fmt", "template", "public", "publishable", "sort", "cache",
        "primary", "foreign", "lookup", "partition", "idempotency", "dict", "map", "row", "index", "unique",
        "group", "field", "column", "attr", "registry", "translation", "i18n", "message", "msg", "label",
        "hot", "shortcut", "keyboard", "route", "object",
        "bucket", "meta", "metadata", "reset", "forgot", "confirm", "hint", "prompt", "validator",
        "policy", "input", "widget", "form", "header", "param", "file", "path", "url", "uri", "endpoint",
        "name", "type", "kind", "length", "len", "size", "count", "min", "max", "expiry", "ttl", "timeout",
        "scope", "scopes", "usage", "limit", "id", "ids", "encoding", "algorithm", "algo", "mode", "method",
    }
)  # fmt: skip
# A quoted or dotted name: the last segment names the value (``spring.datasource.password``). Split,
# not searched with ``[^.]+$``, which is quadratic on a long name without separators.
_SEGMENT_SEPARATORS = re.compile(r"[.\[\]'\"`]")


def _last_segment_parts(name: str) -> list[str]:
    segment = _SEGMENT_SEPARATORS.split(name.strip("'\"`[]"))[-1]
    return _NAME_PARTS.findall(segment) if segment else []


def name_parts(name: str) -> list[str]:
    return [part.lower() for part in _last_segment_parts(name)]


def classify_name(name: str) -> str | None:
    """``"secret"`` for a password/secret/token name, ``"weak"`` for a key-like one, else None."""
    parts = name_parts(name)
    if not parts or any(part in _NOT_SECRET_PARTS for part in parts):
        return None
    # Drop allowed qualifiers at the end, so the word that names the value is last.
    while len(parts) > 1 and (parts[-1] in _ALLOWED_TAIL or parts[-1].isdigit()):
        parts.pop()
    last = parts[-1]
    if last in SECRET_WORDS:
        # "pass" alone is a filter pass, a test pass ...: only "db_pass", "smtp_pass" name a password.
        return "secret" if last != "pass" or len(parts) > 1 else None
    if last == "key" and len(parts) > 1 and parts[-2] in SECRET_KEY_PREFIXES:
        return "secret"
    if last == "authorization":
        return "secret"
    if last in WEAK_WORDS:
        return "weak"
    return None


PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "pass", "passphrase"})


def names_a_password(name: str) -> bool:
    """Passwords may be words; keys and tokens are generated."""
    return bool(PASSWORD_WORDS & set(name_parts(name)))


def secret_kind(name: str) -> str:
    """How to call what a name holds, for messages: "Hardcoded password", "Hardcoded API key" ..."""
    parts = set(name_parts(name))
    if parts & PASSWORD_WORDS:
        return "Hardcoded password"
    if "authorization" in parts:
        return "Hardcoded authorization header"
    if "token" in parts or "authtoken" in parts or "apitoken" in parts:
        return "Hardcoded token"
    ordered = name_parts(name)
    if "apikey" in parts or {"api", "key"} <= parts:
        return "Hardcoded API key"
    if "key" in ordered:
        before = ordered[ordered.index("key") - 1] if ordered.index("key") > 0 else ""
        return f"Hardcoded {before} key" if before in SECRET_KEY_PREFIXES else "Hardcoded key"
    return "Hardcoded secret"


def env_var_name(name: str | None, default: str) -> str:
    """An UPPER_SNAKE environment variable name from an assigned name, or ``default``."""
    if not name:
        return default
    parts = _last_segment_parts(name)
    if not parts:
        return default
    result = "_".join(part.upper() for part in parts)
    return f"_{result}" if result[0].isdigit() else result


@dataclass(frozen=True, slots=True)
class SecretHit:
    """A detector's raw result, before it becomes a Finding: what, where, and how to name it in env."""

    rule: Rule
    kind: str  # "GitHub personal access token"
    value: str  # the secret itself; only ever shown through mask_secret
    span: Span  # covers the secret value
    env_name: str  # suggested environment variable
    assigned_name: str | None = None
    severity: Severity | None = None
    confidence: Confidence | None = None
    shown_prefix: str = ""  # a fixed, public prefix of the format (``ghp_``), shown unmasked


# ------------------------------------------------------------------------------ display


def mask_value(value: str, shown_prefix: str = "") -> str:
    """What a finding shows of a secret: enough to recognise it, never enough to use it.

    A format's fixed prefix is public (``ghp_``, ``sk_live_``) and is shown whole, followed by
    the last three characters of the body. Other values show at most a quarter of themselves,
    and at least their first character and their length, so that a short password is
    recognisable (``h… (7 chars)``) without being repeated.
    """
    if shown_prefix and value.startswith(shown_prefix) and len(value) - len(shown_prefix) >= 12:
        return f"{shown_prefix}…{value[-3:]}"
    length = len(value)
    if length >= 16:
        return f"{value[:4]}…{value[-3:]}"
    if length >= 12:
        return f"{value[:2]}…{value[-1:]} ({length} chars)"
    if length >= 4:
        return f"{value[0]}… ({length} chars)"
    return f"… ({length} chars)"


# ------------------------------------------------------------------------------ public samples

# Values published as documentation samples: never a leak wherever they appear. Kept as SHA-256
# digests (first 32 hex digits) so that our own sources do not carry the samples themselves:
# the jwt.io example token, AWS's documented example access key pair, Stripe's documentation
# test keys.
_PUBLIC_SAMPLE_DIGESTS = frozenset(
    {
        "7f75367e7881255134e1375e723d1dea",
        "1a5d44a2dca19669d72edf4c4f1c27c4",
        "78314b11be2e581549ac1c4f616563fa",
        "2cafc0970149a84f3b9e62eaf169f36f",
        "f2d6ca16515033e5dce14eba840b979d",
    }
)
# jwt.io's sample claims, whatever algorithm and signature the sample was re-signed with.
_SAMPLE_JWT_CLAIMS = {"sub": "1234567890", "name": "John Doe"}


# Keys meant to be shipped to browsers and apps: their formats say so.
_PUBLIC_BY_DESIGN = re.compile(r"^(?:pk_(?:live|test)_|pk\.eyJ|sb_publishable_|rk_public_)")


def _jwt_claims(value: str) -> dict | None:
    """The decoded payload of a JWT-shaped value (``eyJ…``.``…``.``…``), or None."""
    if not value.startswith("eyJ") or value.count(".") != 2:
        return None
    payload = value.split(".")[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return claims if isinstance(claims, dict) else None


def is_expired_jwt(value: str, now: float | None = None) -> bool:
    """A JWT whose ``exp`` claim has passed: no server accepts it any more, so it grants nothing
    (the key that signed it is not in the token)."""
    claims = _jwt_claims(value)
    if claims is None:
        return False
    expiry = claims.get("exp")
    if isinstance(expiry, bool) or not isinstance(expiry, int | float):
        return False
    return expiry < (time.time() if now is None else now)


def is_public_sample(value: str) -> bool:
    """A documented example value (jwt.io's token, AWS's example keys …) or a key that is public by
    design (Stripe ``pk_``, Mapbox ``pk.``, Supabase ``sb_publishable_``): never a secret."""
    if _PUBLIC_BY_DESIGN.match(value):
        return True
    if hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:32] in _PUBLIC_SAMPLE_DIGESTS:
        return True
    claims = _jwt_claims(value)
    return claims is not None and all(claims.get(k) == v for k, v in _SAMPLE_JWT_CLAIMS.items())


# ------------------------------------------------------------------------------ published material

# Folders whose files are published sample material: documentation sources, examples, demos and
# tutorials. Their keys and configured values are the sample's own, shown to every reader.
_SAMPLE_FOLDERS = frozenset(
    {
        "docs", "doc", "documentation", "docs_src", "example", "examples", "demo", "demos", "sample",
        "samples", "tutorial", "tutorials",
    }
)  # fmt: skip
# Folder or file names that say so themselves: `dummyserver/`, `fake_server.py`, `example_app/`.
_SAMPLE_NAME = re.compile(r"^(?:dummy|fake|mock|example|sample|demo)(?:[_\-.]|server|app|data|$)", re.I)


def is_sample_path(relative_path: str) -> bool:
    """Whether a file (its path relative to the project root) is documentation, example, demo or
    dummy material rather than code or configuration that runs somewhere."""
    parts = [part for part in relative_path.replace("\\", "/").split("/") if part]
    if not parts:
        return False
    folders, name = parts[:-1], parts[-1]
    if any(folder.lower() in _SAMPLE_FOLDERS or _SAMPLE_NAME.match(folder) for folder in folders):
        return True
    return bool(_SAMPLE_NAME.match(name))
