"""## What it does
Finds API tokens and keys whose format identifies the service that issued them: more than
120 providers, each from its documented token format (the full list, with sources, is in
[docs/secrets.md](secrets.md)). Among them OpenAI (`sk-proj-…`), Anthropic (`sk-ant-…`),
GitHub (`ghp_`, `github_pat_` …), every GitLab kind (`glpat-`, `gldt-`, `glrt-` …), AWS access
key IDs and Bedrock API keys (`ABSK…`), Google API keys (`AIza…`), Azure storage keys, SAS
signatures and Entra ID client secrets (`…Q~…`), Slack tokens and every webhook URL shape,
Stripe live, test and restricted keys, HashiCorp Vault (`hvs.`), Sentry (`sntrys_`),
1Password, Fly.io, Databricks, Grafana, Shopify, Twilio, SendGrid, Notion, Hugging Face, npm,
PyPI, Docker Hub, DigitalOcean, Doppler, Pulumi, Terraform Cloud … and, through
detect-secrets, JSON Web Tokens and Discord bot tokens.

Formats whose shape is generic (a UUID, 32 hex digits) count only when the name they are
assigned to names the provider: `HEROKU_API_KEY = "<uuid>"`, `SNYK_TOKEN: <uuid>`.
Test-mode and sandbox keys (`sk_test_`, `EZTK…`, `access-sandbox-…`) are warnings, not
errors. Placeholders of the same shape (`ghp_xxxx…`, sequential or repeated bodies) and
documented public samples (the jwt.io token, AWS's `…EXAMPLE` keys) are not reported.

The finding covers the token; the message names its kind and shows it masked (its fixed
prefix and last characters: `ghp_…e6i`).

## Why is this bad?
A token in source code is readable by everyone who can read the repository, its history,
its forks, its CI logs and every package built from it, and it keeps working until someone
notices and revokes it. Automated scanners find pushed tokens within minutes. A recognisable
token format means this is almost certainly a real credential, not a look-alike string.

## Example
```python
client = OpenAI(api_key="sk-proj-…")  # the real key, pasted in
```

## Use instead
```python
client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
```
Revoke the token that was committed: removing it from the file does not remove it from history.
Quick fixes replace the literal with an environment lookup, or allowlist the line
(`pragma: allowlist secret`) when the value is a deliberate test fixture.

## References
- [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
- [GitHub: About secret scanning](https://docs.github.com/en/code-security/secret-scanning)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from landguard.checks.secrets import detect_secrets_adapter, providers
from landguard.checks.secrets.hardcoded_passwords import find_assignments
from landguard.checks.secrets.heuristics import (
    SecretHit,
    is_placeholder,
    is_public_sample,
    is_wordy,
    looks_random,
    name_parts,
    token_body_is_placeholder,
)
from landguard.checks.secrets.providers import TokenFormat
from landguard.engine.findings import Confidence, Severity, Span
from landguard.engine.registry import Rule

RULE = Rule(
    id="LG101",
    name="provider-token",
    title="API token with a known provider format",
    severity=Severity.ERROR,
    confidence=Confidence.HIGH,
    cwe=(798,),
    docs=__doc__ or "",
    aliases=(),
)

_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def _trie_pattern(words: list[str]) -> str:
    """One regex matching any of ``words``, longest first, as a trie: ``gh(?:p_|o_)|gl(?:pat-|dt-)``.

    A trie keeps the per-position cost to a few character tests however many literals there
    are (the regex engine skips alternatives whose first character differs), and it has no
    repetition at all, so it is linear.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return emit(trie)


_BY_ANCHOR: dict[str, list[TokenFormat]] = {}
for _fmt in providers.ANCHORED:
    for _anchor in _fmt.anchors:
        _BY_ANCHOR.setdefault(_anchor, []).append(_fmt)
# Two searches: anchors that start a token are looked for only where a token can start (the
# lookbehind fails fast inside words, which is most of a line); the few anchors inside a token
# (Azure's "Q~", Terraform's ".atlasv1." …) everywhere. In lookaheads, so that anchors may overlap
# ("…dp" + ".atlasv1." must not hide the second one).
_STARTS = sorted({a for f in providers.ANCHORED if f.offset == 0 and f.bounded for a in f.anchors})
_INFIXES = sorted(set(_BY_ANCHOR) - set(_STARTS))
_ANCHOR_SEARCHES = (
    re.compile(f"(?<![A-Za-z0-9_\\-])(?=({_trie_pattern(_STARTS)}))"),
    re.compile(f"(?=({_trie_pattern(_INFIXES)}))"),
)
# The literal found -> (anchor, format) to try there: longer anchors first, then table order.
_candidates: dict[str, list[tuple[str, TokenFormat]]] = {}
# The whole token, and nothing of a longer word on its right: id(fmt) -> pattern, compiled when
# an anchor of the format is first found (``_bounded``). Compiling all ~190 at import cost a
# ``landguard check`` ~10 % of its start-up, and a run finds the anchors of a handful.
_BOUNDED: dict[int, re.Pattern[str]] = {}


def _bounded(fmt: TokenFormat) -> re.Pattern[str]:
    compiled = _BOUNDED.get(id(fmt))
    if compiled is None:  # (two threads may both compile it: equal patterns, either is kept)
        compiled = _BOUNDED[id(fmt)] = re.compile(f"(?:{fmt.pattern})(?![A-Za-z0-9_\\-])")
    return compiled


def _candidates_for(literal: str) -> list[tuple[str, TokenFormat]]:
    found = _candidates.get(literal)
    if found is None:
        found = [
            (anchor, fmt)
            for anchor in sorted(_BY_ANCHOR, key=len, reverse=True)
            if literal.startswith(anchor)
            for fmt in _BY_ANCHOR[anchor]
        ]
        _candidates[literal] = found
    return found


_KEYWORD_FORMATS = providers.KEYWORD
_KEYWORDS = re.compile(_trie_pattern(sorted({k for f in _KEYWORD_FORMATS for k in f.keywords})))
# id(fmt) -> its value's pattern, compiled when a name first has one of its keywords (as ``_bounded``).
_KEYWORD_VALUES: dict[int, re.Pattern[str]] = {}


def _keyword_value(fmt: TokenFormat) -> re.Pattern[str]:
    compiled = _KEYWORD_VALUES.get(id(fmt))
    if compiled is None:
        compiled = _KEYWORD_VALUES[id(fmt)] = re.compile(fmt.pattern)
    return compiled


def compile_all() -> int:
    """Compile every format's patterns now (tests: a bad pattern raises here, not on the first
    line that has its anchor); how many there are."""
    return len([_bounded(fmt) for fmt in providers.ANCHORED] + [_keyword_value(f) for f in _KEYWORD_FORMATS])


# A keyword format's name must also say it holds a credential, and not something about one.
_CREDENTIAL_PARTS = frozenset(
    {
        "key", "token", "secret", "password", "passwd", "pass", "pwd", "pw", "pat", "auth", "authtoken",
        "apikey", "apitoken", "credential", "credentials", "license", "access", "sid", "authkey", "login",
    }
)  # fmt: skip
_NOT_CREDENTIAL_PARTS = frozenset(
    {
        "url", "uri", "endpoint", "host", "hostname", "name", "user", "username", "email", "region", "org",
        "project", "path", "file", "header", "prefix", "format", "type", "version", "public", "publishable",
        "hash", "sha", "digest", "example", "sample", "placeholder", "app", "client", "account", "site",
    }
)  # fmt: skip
_ALLOWED_WITH_ID = frozenset({"access", "key"})


def _credential_name(name: str, keyword: str) -> bool:
    parts = set(name_parts(name))
    if "_" in keyword:
        return True  # the keyword is itself a credential's name ("private_key_id")
    if not parts & _CREDENTIAL_PARTS:
        return False
    if "id" in parts and not parts & _ALLOWED_WITH_ID:
        return False
    secretish = parts & {"secret", "password", "passwd", "pwd", "token", "key", "apikey", "authtoken"}
    return not (parts & _NOT_CREDENTIAL_PARTS) or bool(secretish)


# For the scanner's prefilter: anchored formats all contain a run of 20 or more characters of
# [A-Za-z0-9_-] (which the scanner looks for) except those listed here by their anchors; keyword
# formats with short values need their keywords; Azure keys and AWS secret keys need these words.
# (Keyword formats' names mostly contain "key", "token" or "secret", which LG104 needs anyway.)
PREFILTER_WORDS = ("accountkey", "aws", "secret", "sig=", "contribsys", "sumo", "confluent")

# AWS secret access keys have no prefix: 40 base64 characters on a line that talks about them.
_AWS_SECRET_CONTEXT = re.compile(r"(?i)aws.{0,30}?(?:secret|sk\b)|secret[_\-.]?access[_\-.]?key")
_AWS_SECRET_VALUE = re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")

JWT_KIND = "JSON Web Token"
_MASKED_SEVERITY_KINDS = {JWT_KIND}


def _hit(fmt: TokenFormat, value: str, number: int, start: int, end: int, prefix: str) -> SecretHit:
    return SecretHit(
        RULE,
        fmt.kind,
        value,
        Span.on_line(number, start, end),
        fmt.env_name,
        severity=fmt.severity,
        confidence=fmt.confidence,
        shown_prefix=prefix,
    )


def _anchored_tokens(line: str, number: int, taken: list[tuple[int, int]]) -> Iterator[SecretHit]:
    covered = 0  # tokens do not overlap: anchors inside a found token are skipped
    found = [m for search in _ANCHOR_SEARCHES for m in search.finditer(line)]
    if len(found) > 1:
        found.sort(key=lambda m: m.start())
    for anchor_match in found:
        position = anchor_match.start()
        if position < covered:
            continue
        for anchor, fmt in _candidates_for(anchor_match.group(1)):
            if fmt.offset >= 0:
                start = position - fmt.offset
            else:
                start = position
                while start > 0 and position - start < 20 and "0" <= line[start - 1] <= "9":
                    start -= 1
            if start < covered or start < 0:
                continue
            if fmt.bounded and start > 0 and line[start - 1] in _TOKEN_CHARS:
                continue
            match = _bounded(fmt).match(line, start)
            if match is None:
                continue
            group = "v" if "v" in match.re.groupindex and match.group("v") else 0
            value = match.group(group)
            body = value.replace(anchor, "", 1) if fmt.offset == 0 or group else value.replace(anchor, "")
            if (
                token_body_is_placeholder(body)
                or fmt.wordy_check
                and is_wordy(body, 0.6)
                or is_public_sample(value)
            ):
                continue
            covered = match.end()
            taken.append((match.start(group), match.end(group)))
            # A short fixed prefix is public and says what the token is; longer literals (URLs) are not shown.
            shown = anchor if fmt.offset == 0 and not group and len(anchor) <= 8 else ""
            yield _hit(fmt, value, number, match.start(group), match.end(group), shown)
            break


def _keyword_tokens(
    line: str, number: int, language: str, taken: list[tuple[int, int]]
) -> Iterator[SecretHit]:
    lowered = line.lower()
    if not _KEYWORDS.search(lowered):
        return
    for assignment in find_assignments(line, language):
        name = assignment.key.lower()
        if any(a < assignment.end and assignment.start < b for a, b in taken):
            continue
        value = assignment.value.strip()
        for fmt in _KEYWORD_FORMATS:
            keyword = next((k for k in fmt.keywords if k in name), None)
            if keyword is None or not _credential_name(assignment.key, keyword):
                continue
            if not _keyword_value(fmt).fullmatch(value):
                continue
            if is_placeholder(value) or token_body_is_placeholder(value) or is_public_sample(value):
                break
            start = assignment.start + assignment.value.index(value)
            taken.append((start, start + len(value)))
            yield _hit(fmt, value, number, start, start + len(value), "")
            break


def find_provider_tokens(line: str, number: int, language: str | None = "text") -> Iterator[SecretHit]:
    """Known-format tokens on one line (``number`` is its 0-based line number).

    ``language`` None is prose (documentation outside code blocks): only formats recognisable by
    their shape are looked for there, not generic shapes under a provider's name.
    """
    taken: list[tuple[int, int]] = []
    yield from _anchored_tokens(line, number, taken)
    if language is not None:
        yield from _keyword_tokens(line, number, language, taken)
    lowered = line.lower()
    context = _AWS_SECRET_CONTEXT.search(line) if "aws" in lowered or "secret" in lowered else None
    if context:
        for match in _AWS_SECRET_VALUE.finditer(line, context.end()):
            value = match.group(0)
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            if (
                token_body_is_placeholder(value)
                or not looks_random(value)
                or value.isalnum()
                and value.islower()
            ):
                continue
            taken.append(match.span())
            yield SecretHit(
                RULE,
                "AWS secret access key",
                value,
                Span.on_line(number, *match.span()),
                "AWS_SECRET_ACCESS_KEY",
            )
    for hit in detect_secrets_adapter.find_plugin_secrets(line):
        if any(hit.start < end and start < hit.end for start, end in taken):
            continue
        if token_body_is_placeholder(hit.value) or is_public_sample(hit.value):
            continue
        taken.append((hit.start, hit.end))
        lower = hit.kind in _MASKED_SEVERITY_KINDS
        yield SecretHit(
            RULE,
            hit.kind,
            hit.value,
            Span.on_line(number, hit.start, hit.end),
            hit.env_name,
            # A JWT is often a short-lived or sample token: worth a look, not a hard error.
            severity=Severity.WARNING if lower else None,
            confidence=Confidence.MEDIUM if lower else None,
        )
