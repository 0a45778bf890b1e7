"""## What it does
Flags a dependency in `requirements*.txt`, `pyproject.toml` or `package.json` whose name
does not exist on the package registry (PyPI or npm), and suggests the popular package it
was probably meant to be ("did you mean `requests`?").

The verdict comes first from an offline snapshot of the registries' package names shipped
with Landguard (instant, no network), then, unless `dependencies.online` is false, from the
registry itself (PyPI's JSON API, the npm registry); each finding says which source it rests on.
The npm snapshot holds only packages with a few hundred downloads a month, so an npm name
missing from it is never an error offline: a low-confidence note (a warning when it looks like a
typo of a popular package) until the registry confirms it. Scoped npm
names under a scope nobody publishes under publicly, and requirements files that name their
own package index, are left to the online check (they may be private packages).

## Why is this bad?
Code assistants invent plausible package names ("package hallucination"). Attackers watch for
such names and register them with malicious install scripts ("slopsquatting"): the first
`pip install -r requirements.txt` that follows the assistant's advice runs their code.
A name nobody owns today can be owned by anyone tomorrow.

## Example
```
# requirements.txt
reqeusts==2.31.0
flask-jwt-auth-helper
```

## Use instead
```
requests==2.31.0
flask-jwt-extended
```

## References
- CWE-1357: Reliance on Insufficiently Trustworthy Component, https://cwe.mitre.org/data/definitions/1357.html
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere, https://cwe.mitre.org/data/definitions/829.html
- Spracklen et al., "We Have a Package for You! A Comprehensive Analysis of Package Hallucinations by Code
  Generating LLMs" (2024)
"""

from __future__ import annotations

from landguard.checks.deps.common import PACKAGE_NAME_LANGUAGES, VerdictCheck
from landguard.engine.findings import Confidence, Severity
from landguard.engine.registry import Rule

RULE = Rule(
    id="LG501",
    name="nonexistent-package",
    title="Dependency does not exist on the package registry",
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    cwe=(1357, 829),
    docs=__doc__ or "",
    languages=PACKAGE_NAME_LANGUAGES,
)


class MissingPackageCheck(VerdictCheck):
    rules = (RULE,)
    rule = RULE


CHECK = MissingPackageCheck()
