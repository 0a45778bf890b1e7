"""## What it does
Flags a dependency that exists but is not what the code means:

- deprecated or dummy stand-ins (`sklearn` instead of `scikit-learn`, `pytorch` instead of
  `torch`, `bs4`, `tensorflow-gpu`);
- a different library published under the import name of a popular one (`crypto` for
  `import Crypto`, which comes from `pycryptodome`; `jwt` for PyJWT; `serial` for pyserial);
- stand-in backports of the standard library (`asyncio`, `typing`, `enum34`) and Node.js
  built-ins listed as npm dependencies (`fs`, `crypto`, `child_process`);
- npm security holding packages (`0.0.1-security`: npm removed malware published under the name);
- a package from the other ecosystem: an npm name in `requirements.txt` or a Python-only name in
  `package.json`.

The fix replaces the name with the intended package, when there is one.

## Why is this bad?
These names install *something*: a placeholder that breaks at import time, an abandoned
package with known flaws, or a stranger's library with the same import name. Each is a
dependency nobody reviewed, and placeholders show a name was once used for an attack.

## Example
```
# requirements.txt
sklearn
crypto
```

## Use instead
```
scikit-learn
pycryptodome
```

## References
- CWE-1357: Reliance on Insufficiently Trustworthy Component, https://cwe.mitre.org/data/definitions/1357.html
- CWE-1104: Use of Unmaintained Third Party Components, https://cwe.mitre.org/data/definitions/1104.html
- npm security holding packages: https://docs.npmjs.com/policies/security
"""

from __future__ import annotations

from landguard.checks.deps.common import MANIFEST_LANGUAGES, VerdictCheck
from landguard.engine.findings import Confidence, Severity
from landguard.engine.registry import Rule

RULE = Rule(
    id="LG505",
    name="confusable-package",
    title="Dependency is a placeholder or not the package the code means",
    severity=Severity.WARNING,
    confidence=Confidence.HIGH,
    cwe=(1357, 1104),
    docs=__doc__ or "",
    languages=MANIFEST_LANGUAGES | {"toml", "json"},
)


class ConfusablePackageCheck(VerdictCheck):
    rules = (RULE,)
    rule = RULE


CHECK = ConfusablePackageCheck()
