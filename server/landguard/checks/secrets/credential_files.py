"""## What it does
Finds credentials in the files and config formats that hold them in encoded or keyword form,
where a name-and-value reading does not see them:

- `.npmrc`: `_auth=` (base64 `user:password`) and `_password=` (base64);
- `.netrc` / `_netrc`: `machine … login … password …`;
- Docker `config.json`: `"auths": {"registry": {"auth": "<base64 user:password>"}}`;
- kubeconfig: `client-key-data:` (a base64 PEM private key);
- Kubernetes `Secret` manifests: every value under `data:` is base64-decoded and checked: a
  private key, a provider token, or a random-looking value under a name that holds a secret.

Values are decoded only to judge them; the message shows the decoded secret masked. Other
credential files are read by the other rules: `.git-credentials` URLs (LG103), `.pypirc`,
`*.tfvars`, `application.properties`/`.yml` (`spring.datasource.password`), `.env` variants
and CI variables (LG104), tokens anywhere (LG101).

## Why is this bad?
Base64 is an encoding, not protection: whoever reads the file has the credential. These files
are made to be copied between machines and into images, and a Kubernetes `Secret` committed
to a repository is a secret shared with everyone who can read it.

## Example
```yaml
apiVersion: v1
kind: Secret
data:
  password: aHVudGVy…
```

## Use instead
Keep registry and cluster credentials out of the repository (`docker login --password-stdin`
with a credential helper, `npm config set` from CI secrets, `${NPM_TOKEN}` interpolation in
`.npmrc`), and commit sealed or external secrets (Sealed Secrets, External Secrets, SOPS)
instead of `Secret` manifests. The quick fix allowlists a deliberate test fixture.

## References
- [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
- [CWE-260: Password in Configuration File](https://cwe.mitre.org/data/definitions/260.html)
- [CWE-522: Insufficiently Protected Credentials](https://cwe.mitre.org/data/definitions/522.html)
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Iterator, Sequence

from landguard.checks.secrets.heuristics import SecretHit, classify_name, is_placeholder, looks_random
from landguard.engine.findings import Confidence, Severity, Span
from landguard.engine.registry import Rule

RULE = Rule(
    id="LG107",
    name="credential-file",
    title="Credential in a credentials file or manifest",
    severity=Severity.ERROR,
    confidence=Confidence.HIGH,
    cwe=(798, 260, 522),
    docs=__doc__ or "",
)

# For the scanner's prefilter (lowercase). Secret data values are base64 runs (20+ characters
# of which the scanner finds on its own) or short values under names the LG104 words cover.
PREFILTER_WORDS = ("_auth", "_password", "password", "client-key-data", '"auth"')

_NPMRC_AUTH = re.compile(r"(?:^|:)_(?P<name>auth|password)\s*=\s*(?P<q>['\"]?)(?P<v>[A-Za-z0-9+/=]{4,})")
_NETRC = re.compile(r"(?:^|\s)password\s+(?P<v>\S+)")
_DOCKER_AUTH = re.compile(r'"auth"\s*:\s*"(?P<v>[A-Za-z0-9+/=]{8,})"')
_CLIENT_KEY = re.compile(r"^\s*client-key-data:\s*(?P<v>[A-Za-z0-9+/=]{40,})\s*(?:#.*)?$")
_SECRET_VALUE = re.compile(
    r"^(?P<indent>\s+)(?P<name>[\w.\-]+):\s*(?P<q>['\"]?)(?P<v>[A-Za-z0-9+/]{4,}={0,2})(?P=q)\s*(?:#.*)?$"
)
_KIND_SECRET = re.compile(r"^kind:\s*['\"]?Secret['\"]?\s*$")
_DATA_KEY = re.compile(r"^(?P<indent>\s*)data:\s*$")
_PEM_PRIVATE = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY")
# A text ``find_credential_file_secrets`` needs on a line outside Secret data, case as its patterns
# have it: ``_auth``/``_password`` (.npmrc), ``password`` (.netrc), ``"auth"``, ``client-key-data``.
GATE_TEXTS = ("password", "_auth", '"auth"', "client-key-data")
LINE_GATE = re.compile("|".join(GATE_TEXTS))


def _decode(value: str) -> str | None:
    try:
        raw = base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
        return raw.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def _user_password(value: str) -> str | None:
    decoded = _decode(value)
    if decoded is None or not decoded.isprintable():
        return None
    _user, colon, password = decoded.partition(":")
    return (
        password
        if colon and password and not is_placeholder(password) and not password.startswith("$")
        else None
    )


def _hit(kind: str, value: str, number: int, start: int, end: int, env_name: str) -> SecretHit:
    return SecretHit(RULE, kind, value, Span.on_line(number, start, end), env_name)


def kubernetes_secret_data_lines(lines: Sequence[str]) -> list[bool]:
    """For each line of a YAML file: whether it is a value under ``data:`` of a ``kind: Secret`` document."""
    result = [False] * len(lines)
    if not any("Secret" in line and _KIND_SECRET.match(line) for line in lines):
        return result
    start = 0
    for end in [*(n for n, line in enumerate(lines) if line.startswith("---")), len(lines)]:
        segment = range(start, end)
        if any(_KIND_SECRET.match(lines[n]) for n in segment):
            data_indent: int | None = None
            for n in segment:
                line = lines[n]
                indent = len(line) - len(line.lstrip())
                if data_indent is not None and line.strip() and indent <= data_indent:
                    data_indent = None
                match = _DATA_KEY.match(line)
                if match:
                    data_indent = len(match.group("indent"))
                elif data_indent is not None and line.strip():
                    result[n] = True
        start = end + 1
    return result


def _secret_data(line: str, number: int) -> Iterator[SecretHit]:
    from landguard.checks.secrets import provider_tokens  # the token formats judge decoded values too

    match = _SECRET_VALUE.match(line)
    if not match:
        return
    decoded = _decode(match.group("v"))
    if decoded is None or not decoded.strip():
        return
    start, end = match.span("v")
    name = match.group("name")
    env_name = re.sub(r"[^A-Z0-9]", "_", name.upper())
    if _PEM_PRIVATE.search(decoded):
        yield _hit(
            f"Private key in Secret data '{name}' (base64)", match.group("v"), number, start, end, env_name
        )
        return
    first_line = decoded.splitlines()[0] if decoded.splitlines() else decoded
    for token in provider_tokens.find_provider_tokens(first_line, number, "text"):
        yield _hit(
            f"{token.kind} in Secret data '{name}' (base64)", match.group("v"), number, start, end, env_name
        )
        return
    value = decoded.strip()
    if is_placeholder(value) or not value.isprintable():
        return
    category = classify_name(name)
    if category == "secret" or (category == "weak" and looks_random(value)):
        yield _hit(f"Secret data '{name}' (base64)", match.group("v"), number, start, end, env_name)


def find_credential_file_secrets(
    path: str | None, line: str, number: int, in_secret: bool
) -> Iterator[SecretHit]:
    """Credentials on one line of a credentials file; ``in_secret``: the line is Kubernetes Secret data."""
    if in_secret:
        yield from _secret_data(line, number)
        return
    name = os.path.basename(path or "").lower()
    if name == ".npmrc" or name.endswith(".npmrc"):
        match = _NPMRC_AUTH.search(line)
        if match:
            encoded = match.group("v")
            if match.group("name") == "auth":
                secret = _user_password(encoded)
            else:
                decoded = _decode(encoded)
                secret = (
                    decoded if decoded and decoded.isprintable() and not is_placeholder(decoded) else None
                )
            if secret is not None:
                yield _hit(
                    "npm registry credentials (base64)", encoded, number, *match.span("v"), "NPM_TOKEN"
                )
        return
    if name in {".netrc", "_netrc"} or name.endswith(".netrc") or line.lstrip().startswith("machine "):
        for match in _NETRC.finditer(line):
            value = match.group("v")
            if not is_placeholder(value) and not value.startswith("$"):
                yield _hit("Password in a .netrc entry", value, number, *match.span("v"), "NETRC_PASSWORD")
        return
    if '"auth"' in line:
        match = _DOCKER_AUTH.search(line)
        if match and _user_password(match.group("v")) is not None:
            kind = "Docker registry credentials (base64 user:password)"
            yield _hit(kind, match.group("v"), number, *match.span("v"), "DOCKER_AUTH")
        return
    if "client-key-data" in line:
        match = _CLIENT_KEY.match(line)
        if match:
            decoded = _decode(match.group("v"))
            if decoded and _PEM_PRIVATE.search(decoded):
                kind = "Private key in kubeconfig client-key-data (base64)"
                yield _hit(kind, match.group("v"), number, *match.span("v"), "KUBECONFIG")
