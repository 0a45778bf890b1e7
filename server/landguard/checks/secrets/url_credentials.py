"""## What it does
Finds URLs with a password in their user-info part: `scheme://user:password@host`, as in
database URLs (`postgres://`, `mysql://`, `mongodb+srv://`, `redis://`), message brokers
(`amqp://`), package indexes, git remotes and `.git-credentials`; passwords in connection
strings' parameters: JDBC and URL query strings (`jdbc:mysql://db/app?user=app&password=…`,
`jdbc:sqlserver://db;user=sa;password=…`) and ODBC / ADO.NET key-value strings
(`Server=db;Database=app;User Id=app;Password=…;`). Templates (`${DB_PASSWORD}`, `{password}`,
`<password>`, `%s`), the word `password` itself and documentation hosts (`example.com`) are
not reported.

The finding covers the password.

## Why is this bad?
A connection string is copied everywhere: into logs, error messages, crash reports, shell
history and the config of every environment. The password inside travels with it, and it is
usually a long-lived credential to a database or broker that holds the data an attacker
wants.

## Example
```python
engine = create_engine("postgresql://app:hunt…@db.internal:5432/orders")
```

## Use instead
```python
engine = create_engine(os.environ["DATABASE_URL"])
```
or build the URL from parts, taking the password from the environment or a secret manager.
When the URL is a whole string literal, a quick fix replaces it with an environment lookup.

## References
- [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
- [CWE-522: Insufficiently Protected Credentials](https://cwe.mitre.org/data/definitions/522.html)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import unquote

from landguard.checks.secrets.heuristics import SecretHit, is_not_a_secret_value, is_placeholder
from landguard.engine.findings import Confidence, Severity, Span
from landguard.engine.registry import Rule

RULE = Rule(
    id="LG103",
    name="credentials-in-url",
    title="Password embedded in a URL",
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    cwe=(798, 522),
    docs=__doc__ or "",
)

# For the scanner's prefilter (lowercase).
PREFILTER_WORDS = ("://", "password=", "pwd=")
_URL = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]{1,20})://"
    r"(?P<user>[^\s:/?#@'\"`<>{}\[\],]*):(?P<password>[^\s/?#@'\"`<>,]+)@"
    r"(?P<host>[A-Za-z0-9_.\-%]+|\[[0-9A-Fa-f:.]+\])"
)
# `password=` as a URL query or JDBC parameter (`?`, `&`, `;` before it) ...
_QUERY_PASSWORD = re.compile(r"(?i)[?&;](?:password|passwd|pwd)=(?P<password>[^&;\s'\"`<>]+)")
_JDBC_OR_URL = re.compile(r"(?i)\bjdbc:[a-z0-9]+:|://")
# ... or in an ODBC / ADO.NET connection string, next to the keys that make it one.
_CONNECTION_KEYS = re.compile(
    r"(?i)(?:^|[;\"'])\s*(?:server|data source|host|hostname|uid|user id|user|username|database|initial catalog"
    r"|driver|dsn|account)\s*=[^;]*;"
)
_ODBC_PASSWORD = re.compile(
    r"(?i)(?:^|[;\"'])\s*(?:password|pwd)\s*=\s*(?P<password>\{[^}]*\}|[^;\"'\s][^;\"']*)"
)
# What each pattern needs: ``://`` (``_URL``, and query passwords after ``_JDBC_OR_URL``), a JDBC
# prefix, or the ``;`` that ends a connection string's ``key=value;`` (``_CONNECTION_KEYS``).
_MAY_HOLD_URL = re.compile(r"://|;|(?i:\bjdbc:)")
# For the scanner's search of many lines at once: the pattern's texts, in any case for ``(?i:)``
# (in ASCII text, where a case-insensitive match is one of the lowercased text; ``\b`` left out).
LINE_GATE = _MAY_HOLD_URL
GATE_TEXTS, GATE_TEXTS_ANY_CASE = ("://", ";"), ("jdbc:",)
_DOC_HOSTS = re.compile(r"(?:^|\.)(?:example\.(?:com|org|net)|example|host|hostname|domain\.com)$", re.I)

_SCHEME_ENV = {
    "postgres": "DATABASE_URL",
    "postgresql": "DATABASE_URL",
    "mysql": "DATABASE_URL",
    "mariadb": "DATABASE_URL",
    "mongodb": "MONGODB_URI",
    "mongodb+srv": "MONGODB_URI",
    "redis": "REDIS_URL",
    "rediss": "REDIS_URL",
    "amqp": "AMQP_URL",
    "amqps": "AMQP_URL",
}


def _connection_string_passwords(line: str, number: int, taken: list[tuple[int, int]]) -> Iterator[SecretHit]:
    candidates = []
    if _JDBC_OR_URL.search(line):
        candidates += [(m, "connection URL") for m in _QUERY_PASSWORD.finditer(line)]
    if _CONNECTION_KEYS.search(line):
        candidates += [(m, "connection string") for m in _ODBC_PASSWORD.finditer(line)]
    for match, where in candidates:
        password = match.group("password").strip()
        start = match.start("password")
        if password.startswith("{") and password.endswith("}"):
            password, start = password[1:-1], start + 1  # ODBC braces quote a value
        if not password or password.startswith(("$", "%", "{", "<")) or is_placeholder(password):
            continue
        if any(a < start + len(password) and start < b for a, b in taken):
            continue
        taken.append((start, start + len(password)))
        yield SecretHit(
            RULE,
            f"Password in a {where}",
            password,
            Span.on_line(number, start, start + len(password)),
            "DATABASE_URL",
        )


def _not_a_password(decoded: str) -> bool:
    """A percent-decoded password that is a placeholder or a phrase naming one (``a secret``)."""
    return is_placeholder(decoded) or (" " in decoded.strip() and is_not_a_secret_value(decoded))


def find_url_credentials(line: str, number: int) -> Iterator[SecretHit]:
    """Passwords inside URLs and connection strings on one line."""
    if not _MAY_HOLD_URL.search(line):
        return  # no URL, JDBC URL or connection string: none of the patterns can match
    taken: list[tuple[int, int]] = []
    yield from _connection_string_passwords(line, number, taken)
    for match in _URL.finditer(line):
        password, user = match.group("password"), match.group("user")
        # Judged as the server reads it: `a%20secret` is "a secret".
        decoded = unquote(password)
        if (
            password == user
            or password.startswith("$")
            or is_placeholder(password)
            or _not_a_password(decoded)
        ):
            continue
        if _DOC_HOSTS.search(match.group("host")):
            continue
        scheme = match.group("scheme").lower()
        scheme_name = scheme.split("+")[-1] if scheme.startswith(("git+", "svn+")) else scheme
        yield SecretHit(
            RULE,
            f"Password in a {scheme_name} URL",
            password,
            Span.on_line(number, match.start("password"), match.end("password")),
            _SCHEME_ENV.get(scheme, f"{re.sub(r'[^A-Z0-9]', '_', scheme.upper())}_PASSWORD"),
        )
