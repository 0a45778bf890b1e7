"""## What it does
Flags a dependency whose name looks like a popular package's but is not it: one letter
swapped, doubled, dropped or changed (`reqeusts`, `numpyy`), separators changed or dropped
(`pythondateutil`), look-alike characters (`djang0`, `l`/`I`/`1`, `rn`/`m`), an added
`python-`/`py`/`-js`/`node-` affix, or an npm scope dropped or misspelled (`@bable/core`).
It offers the popular name as the fix.

A name that is itself popular (among the 15,000 most downloaded of its registry) is never
flagged, so legitimate neighbours such as `boto3`/`botocore` or `requests`/`requests-oauthlib`
stay quiet, and `@types/x` next to `x` is expected. Names that do not exist at all are LG501.

## Why is this bad?
Typosquatting is the most common way malware reaches package registries: an attacker
publishes `colourama` or `expresss` with a malicious install script and waits for a typo —
by a person or by a code assistant. The package usually works (it re-exports the real one),
so nothing looks wrong.

## Example
```json
{ "dependencies": { "expresss": "^4.18.0" } }
```

## Use instead
```json
{ "dependencies": { "express": "^4.18.0" } }
```

## References
- CWE-1357: Reliance on Insufficiently Trustworthy Component, https://cwe.mitre.org/data/definitions/1357.html
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere, https://cwe.mitre.org/data/definitions/829.html
- Vu et al., "Typosquatting and Combosquatting Attacks on the Python Ecosystem" (2020)
"""

from __future__ import annotations

from landguard.checks.deps.common import PACKAGE_NAME_LANGUAGES, VerdictCheck
from landguard.engine.findings import Confidence, Severity
from landguard.engine.registry import Rule

RULE = Rule(
    id="LG502",
    name="typosquat-package",
    title="Dependency name looks like a popular package's (typosquat)",
    severity=Severity.WARNING,
    confidence=Confidence.MEDIUM,
    cwe=(1357, 829),
    docs=__doc__ or "",
    languages=PACKAGE_NAME_LANGUAGES,
)


class LookalikePackageCheck(VerdictCheck):
    rules = (RULE,)
    rule = RULE


CHECK = LookalikePackageCheck()
