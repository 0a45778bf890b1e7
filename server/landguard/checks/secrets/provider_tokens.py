"""## What it does
Finds API tokens and keys whose format identifies the service that issued them: OpenAI
(`sk-proj-…`, `sk-…`), Anthropic (`sk-ant-…`), GitHub classic and fine-grained tokens (`ghp_`,
`gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`), GitLab (`glpat-`), Google API keys (`AIza…`),
Slack (`xoxb-`, `xoxp-`, …), Stripe live keys (`sk_live_`, `rk_live_`), Hugging Face (`hf_`),
npm (`npm_`), PyPI (`pypi-AgE…`), SendGrid (`SG.…`), Twilio (`SK…`, `AC…`), Azure storage
account keys (`AccountKey=…`), AWS access key ids and secret access keys, and, through
detect-secrets, JSON Web Tokens, Discord, Telegram, Mailchimp and Square tokens.

The finding covers the token; the message names its kind and shows it masked.

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
from dataclasses import dataclass

from landguard.checks.secrets import detect_secrets_adapter
from landguard.checks.secrets.heuristics import SecretHit, looks_random, token_body_is_placeholder
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


@dataclass(frozen=True)
class TokenFormat:
    kind: str
    env_name: str
    pattern: str
    prefix_length: int  # characters of fixed prefix, excluded from the placeholder test
    severity: Severity | None = None
    confidence: Confidence | None = None


TOKEN_FORMATS: tuple[TokenFormat, ...] = (
    TokenFormat("Anthropic API key", "ANTHROPIC_API_KEY", r"sk-ant-[a-z]{2,8}\d{2}-[A-Za-z0-9_\-]{40,}", 13),
    TokenFormat("OpenAI API key", "OPENAI_API_KEY", r"sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{40,}", 8),
    TokenFormat(
        "OpenAI API key", "OPENAI_API_KEY", r"sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|sk-[A-Za-z0-9]{48}", 3
    ),
    TokenFormat("GitHub personal access token", "GITHUB_TOKEN", r"ghp_[A-Za-z0-9]{36}", 4),
    TokenFormat("GitHub OAuth access token", "GITHUB_TOKEN", r"gho_[A-Za-z0-9]{36}", 4),
    TokenFormat("GitHub user-to-server token", "GITHUB_TOKEN", r"ghu_[A-Za-z0-9]{36}", 4),
    TokenFormat("GitHub server-to-server token", "GITHUB_TOKEN", r"ghs_[A-Za-z0-9]{36}", 4),
    TokenFormat("GitHub refresh token", "GITHUB_REFRESH_TOKEN", r"ghr_[A-Za-z0-9]{36,76}", 4),
    TokenFormat(
        "GitHub fine-grained personal access token",
        "GITHUB_TOKEN",
        r"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}",
        11,
    ),
    TokenFormat("GitLab personal access token", "GITLAB_TOKEN", r"glpat-[A-Za-z0-9_\-]{20,}", 6),
    TokenFormat("Google API key", "GOOGLE_API_KEY", r"AIza[0-9A-Za-z_\-]{35}", 4),
    TokenFormat("Slack token", "SLACK_TOKEN", r"xox[abpr]-\d{6,}-[A-Za-z0-9\-]{8,}", 5),
    TokenFormat("Stripe live secret key", "STRIPE_SECRET_KEY", r"sk_live_[0-9A-Za-z]{24,}", 8),
    TokenFormat("Stripe live restricted key", "STRIPE_RESTRICTED_KEY", r"rk_live_[0-9A-Za-z]{24,}", 8),
    TokenFormat("Hugging Face access token", "HF_TOKEN", r"hf_[A-Za-z0-9]{34,40}", 3),
    TokenFormat("npm access token", "NPM_TOKEN", r"npm_[A-Za-z0-9]{36}", 4),
    TokenFormat("PyPI API token", "PYPI_API_TOKEN", r"pypi-AgE[A-Za-z0-9_\-]{50,}", 8),
    TokenFormat("SendGrid API key", "SENDGRID_API_KEY", r"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}", 3),
    TokenFormat("Twilio API key", "TWILIO_API_KEY", r"SK[0-9a-f]{32}", 2),
    # An account SID identifies rather than authenticates; its auth token is usually next to it.
    TokenFormat(
        "Twilio account SID", "TWILIO_ACCOUNT_SID", r"AC[0-9a-f]{32}", 2, Severity.WARNING, Confidence.MEDIUM
    ),
    TokenFormat("Azure storage account key", "AZURE_STORAGE_KEY", r"(?<=AccountKey=)[A-Za-z0-9+/]{86}==", 0),
    TokenFormat(
        "AWS access key ID", "AWS_ACCESS_KEY_ID", r"(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}", 4
    ),
)

_TOKENS = re.compile(
    r"(?<![A-Za-z0-9_\-])(?:"
    + "|".join(f"(?P<t{i}>{fmt.pattern})" for i, fmt in enumerate(TOKEN_FORMATS))
    + r")(?![A-Za-z0-9_\-])"
)

# For the scanner's prefilter: every format above contains a run of 20 or more characters of
# [A-Za-z0-9_-] (which the scanner looks for), except Azure keys and AWS secret keys, whose
# lines must contain one of these words (lowercase).
PREFILTER_WORDS = ("accountkey", "aws", "secret")

# AWS secret access keys have no prefix: 40 base64 characters on a line that talks about them.
_AWS_SECRET_CONTEXT = re.compile(r"(?i)aws.{0,30}?(?:secret|sk\b)|secret[_\-.]?access[_\-.]?key")
_AWS_SECRET_VALUE = re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")

_MASKED_SEVERITY_KINDS = {"JSON Web Token"}


def find_provider_tokens(line: str, number: int) -> Iterator[SecretHit]:
    """Known-format tokens on one line (``number`` is its 0-based line number)."""
    taken: list[tuple[int, int]] = []
    for match in _TOKENS.finditer(line):
        fmt = TOKEN_FORMATS[int(match.lastgroup[1:])]
        value = match.group(0)
        if token_body_is_placeholder(value[fmt.prefix_length :]):
            continue
        taken.append(match.span())
        yield SecretHit(
            RULE,
            fmt.kind,
            value,
            Span.on_line(number, match.start(), match.end()),
            fmt.env_name,
            severity=fmt.severity,
            confidence=fmt.confidence,
        )
    context = _AWS_SECRET_CONTEXT.search(line)
    if context:
        for match in _AWS_SECRET_VALUE.finditer(line, context.end()):
            value = match.group(0)
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
        if token_body_is_placeholder(hit.value):
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
