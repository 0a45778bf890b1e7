"""The finding of a literal credential the code uses (compared with, handed to a login), shared by
the Python (LG237) and JavaScript (LG321) rules so that both say and fix it the same way."""

from __future__ import annotations

from typing import TYPE_CHECKING

from landguard.checks.secrets.heuristics import env_var_name
from landguard.engine.findings import Finding, Span, mask_secret
from landguard.engine.registry import Rule
from landguard.fixes.secrets import env_lookup_fix

if TYPE_CHECKING:
    from landguard.engine.document import Document


def literal_credential_finding(
    rule: Rule,
    document: Document,
    literal: Span,
    content: Span | None,
    secret: str,
    how: str,
    env_source: str | None,
) -> Finding:
    """``rule``'s finding on the string ``literal`` holding ``secret`` (shown masked), which the
    code uses as ``how`` says (``is compared with `password` ``); the fix reads the literal's
    ``content`` from an environment variable named after ``env_source`` (a snake_case name,
    ``APP_PASSWORD`` without one)."""
    fixes = []
    if content is not None:
        fix = env_lookup_fix(document, content, env_var_name(env_source, "APP_PASSWORD"))
        if fix is not None:
            fixes.append(fix)
    return rule.finding(
        literal,
        f"the literal credential {mask_secret(secret)} {how}: everyone with the code knows it; "
        "read it from the environment or a secret store (and compare hashes)",
        fixes=fixes,
    )
