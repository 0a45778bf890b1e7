"""## What it does
Finds credentials written into command lines, wherever the command is kept: shell scripts,
Dockerfile `RUN` lines, CI YAML `run:` steps, Markdown code blocks and strings in code.

- `curl -u user:password`, `curl --user user:password`, `wget --user=… --password=…`,
  httpie's `http -a user:password`;
- `Authorization: Bearer …`, `Authorization: Basic …` (the base64 `user:password` is decoded
  and judged), `X-API-Key: …`, `PRIVATE-TOKEN: …` headers (`curl -H`, httpie, raw HTTP);
- `--password=…` / `--password …` options of any tool, `mysql -p…`, `sshpass -p …`,
  `docker login -p …`, `redis-cli -a …`.

Variables (`$TOKEN`, `${PASSWORD}`, `%PASSWORD%`), templates (`<token>`, `{{ token }}`) and
placeholders (`changeme`, `xxxx`, `your-token-here`) are not reported; neither is
`--password-stdin` or `-p` followed by a space (which makes the client prompt), a Basic
credential whose password is one lowercase word (`hello:world`, a protocol example), nor, in
code, a header outside a command (a docstring's `Authorization: Token …` example).

The finding covers the credential.

## Why is this bad?
A command line is the least private place for a secret: it is saved in shell history, shown
by `ps` to every user of the machine, printed in CI logs, and copied into READMEs and chat.
Anyone who copies the command copies the credential with it.

## Example
```sh
curl -u deploy:hunt… https://repo.internal/upload
```

## Use instead
```sh
curl -u "deploy:${REPO_PASSWORD}" https://repo.internal/upload
# or: curl --netrc-file ~/.netrc-repo …, docker login --password-stdin, MYSQL_PWD from a secret store
```
In shell scripts, Dockerfiles and YAML a quick fix replaces the credential with an environment
variable (`"${CURL_PASSWORD}"`; not inside single quotes, which do not expand), or allowlists
the line.

## References
- [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
- [CWE-214: Invocation of Process Using Visible Sensitive Information](https://cwe.mitre.org/data/definitions/214.html)
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator

from landguard.checks.secrets.heuristics import SecretHit, is_placeholder, looks_random
from landguard.engine.findings import Confidence, Severity, Span
from landguard.engine.registry import Rule

RULE = Rule(
    id="LG106",
    name="credential-in-command",
    title="Credential written into a command line",
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    cwe=(798, 214),
    docs=__doc__ or "",
)

# For the scanner's prefilter (lowercase): every pattern below contains one of these.
PREFILTER_WORDS = ("curl", "wget", "http -a", "https -a", "--auth", "xh ", "authorization", "api-key", "token:",
                   "pass", "mysql", "mariadb", "docker login", "redis-cli")  # fmt: skip

_VALUE = r"""(?P<q>['"]?)(?P<v>[^\s'"`]+)"""
# -u / --user / --auth user:password (curl, wget, httpie); the command must be on the line.
_USER_COMMAND = re.compile(r"(?:^|[\s;|&(`'\"\[,])(?:curl|wget|https?|xh)\s")
_USER_OPTION = re.compile(
    r"""(?:^|\s)(?:-u|--user|--proxy-user|-U|-a|--auth)(?:\s+|=)(?P<q>['"]?)(?P<user>[^\s:'"`]*):(?P<v>[^\s'"`]+)"""
)
_HEADER = re.compile(
    r"""(?i)\b(?P<name>(?:proxy-)?authorization|x-api-key|api-key|x-auth-token|private-token|x-access-token"""
    r"""|x-api-token|x-token)\s*:\s*(?P<scheme>bearer\s+|token\s+|basic\s+)?(?P<v>[A-Za-z0-9._~+/=-]{8,})"""
)
_PASSWORD_OPTION = re.compile(
    r"(?:^|[\s'\"\[,(])--(?:http-|ftp-|proxy-)?(?:password|passwd|pass)(?:\s+|=)" + _VALUE
)
_ATTACHED_P = re.compile(
    r"\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump)\b[^\n]*?\s-p(?P<v>[^\s'\"-][^\s'\"]*)"
)
_SEPARATE_P = re.compile(r"\b(?:sshpass\s+-p|docker\s+login\b[^\n]*?\s-p|redis-cli\b[^\n]*?\s-a)\s*" + _VALUE)
# A text each pattern above needs, in that pattern's own case rule: the commands of ``_USER_COMMAND``
# (the user option needs one), the header names of ``_HEADER`` (case-insensitive), ``pass`` of
# ``--password``/``sshpass``, the clients of ``_ATTACHED_P`` and ``_SEPARATE_P``. Exact: a line
# without any of them has no hit, so it skips the regexes.
# (The texts are also what the scanner looks for in many lines at once, the second ones lowercase:
# in ASCII text a case-insensitive match is one in the lowercased text.)
GATE_TEXTS = ("curl", "wget", "http", "xh", "pass", "mysql", "mariadb", "docker", "redis-cli")
GATE_TEXTS_ANY_CASE = ("authorization", "api-key", "token")
_MAY_HOLD_COMMAND = re.compile(
    "|".join(map(re.escape, GATE_TEXTS)) + "|(?i:" + "|".join(map(re.escape, GATE_TEXTS_ANY_CASE)) + ")"
)
LINE_GATE = _MAY_HOLD_COMMAND
_NOT_A_VALUE = re.compile(r"^(?:\$|%[A-Za-z_]|<|\{|\*|\\\$|`)")


def _usable(value: str) -> bool:
    return not (_NOT_A_VALUE.match(value) or is_placeholder(value))


def _hit(kind: str, value: str, number: int, start: int, env_name: str) -> SecretHit:
    return SecretHit(RULE, kind, value, Span.on_line(number, start, start + len(value)), env_name)


def _basic_password(encoded: str) -> str | None:
    """The password inside a Basic credential (base64 of ``user:password``), if it is one."""
    try:
        decoded = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    user, colon, password = decoded.partition(":")
    return password if colon and decoded.isprintable() else None


_CODE_LANGUAGES = frozenset({"python", "javascript", "typescript", "tsx", "java"})
_SAMPLE_WORD = re.compile(r"^[a-z]{1,10}$")
_CODE_COMMENT = re.compile(r"^\s*(?:#|//|/\*|\*)")
_PROSE_WORD = re.compile(r"^[a-z]+[.,;:)]?$")


def find_command_credentials(line: str, number: int, language: str | None = None) -> Iterator[SecretHit]:
    """Credentials in commands and HTTP headers on one line.

    In code, a header counts only inside a command (``"curl -H 'Authorization: …'"``): a bare
    ``Authorization: Token …`` there is a docstring's or comment's example of the protocol.
    """
    if not _MAY_HOLD_COMMAND.search(line):
        return  # none of the patterns below can match
    if language in _CODE_LANGUAGES and _CODE_COMMENT.match(line):
        return  # a comment that talks about a command ("--password suffers from …")
    command = _USER_COMMAND.search(line)
    if command:
        for match in _USER_OPTION.finditer(line):
            value = match.group("v")
            if match.group("q") and value.endswith(match.group("q")):
                value = value[:-1]
            if _usable(value) and value != match.group("user"):
                yield _hit(
                    "Password in a command's user option", value, number, match.start("v"), "CURL_PASSWORD"
                )
    headers = _HEADER.finditer(line) if command or language not in _CODE_LANGUAGES else ()
    for match in headers:
        value, scheme = match.group("v"), (match.group("scheme") or "").strip().lower()
        if line[match.end("v") : match.end("v") + 1] in {"$", "{", "<"} or not _usable(value):
            continue
        if scheme == "basic":
            password = _basic_password(value)
            # A lowercase word ("hello:world", "foo:bar") is a protocol example, not someone's login.
            if password is None or not _usable(password) or _SAMPLE_WORD.match(password):
                continue
        elif not looks_random(value, min_length=12):
            continue  # "Bearer token123": documentation's stand-in, not a generated token
        kind = f"Credential in an {match.group('name')} header"
        yield _hit(kind, value, number, match.start("v"), "API_TOKEN")
    for pattern, env_name in (
        (_PASSWORD_OPTION, "PASSWORD"),
        (_ATTACHED_P, "MYSQL_PWD"),
        (_SEPARATE_P, "PASSWORD"),
    ):
        for match in pattern.finditer(line):
            value = match.group("v")
            quote = match.group("q") if "q" in match.re.groupindex else ""
            separate = line[match.start("v") - 1] == " "
            if separate and not quote and _PROSE_WORD.match(value):
                continue  # "the --password option": a sentence about the option
            if _usable(value):
                yield _hit("Password on a command line", value, number, match.start("v"), env_name)
