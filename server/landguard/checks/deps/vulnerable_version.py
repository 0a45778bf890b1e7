"""## What it does
Flags a dependency pinned to an exact version (`==` in requirements files and
`pyproject.toml`, an exact version in `package.json`, every entry of `package-lock.json` and
`poetry.lock`) that a published security advisory says is vulnerable. The message names the
advisories (OSV / GHSA / PYSEC ids with their CVE) and the first version that fixes them all;
the fix bumps the pin to it.

Advisories come from OSV: online from the OSV API (`dependencies.osvUrl`, unless
`dependencies.online` is false), and offline from an OSV export imported with
`landguard deps import-osv FILE` (for example osv.dev's `PyPI/all.zip` or `npm/all.zip`).

## Why is this bad?
A pin freezes a version in place: if that version has a known vulnerability, every install
brings it back. Code assistants pin the versions they saw in training data, which are often
years old and long since patched.

## Example
```
# requirements.txt
requests==2.19.0
```

## Use instead
```
requests==2.32.0
```

## References
- CWE-1395: Dependency on Vulnerable Third-Party Component, https://cwe.mitre.org/data/definitions/1395.html
- CWE-1104: Use of Unmaintained Third Party Components, https://cwe.mitre.org/data/definitions/1104.html
- OSV schema and API: https://osv.dev
"""

from __future__ import annotations

from collections.abc import Iterable

from landguard.checks.deps.advisories import OFFLINE_ADVISORIES, Advisory, describe
from landguard.checks.deps.common import MANIFEST_FILE_NAMES, MANIFEST_LANGUAGES, document_manifest
from landguard.checks.deps.manifests import LOCK_FILE_NAMES, Dependency
from landguard.engine.findings import Confidence, Finding, Fix, Severity, TextEdit
from landguard.engine.registry import CheckContext, DocumentCheck, Rule

RULE = Rule(
    id="LG503",
    name="vulnerable-dependency",
    title="Dependency pinned to a version with known vulnerabilities",
    severity=Severity.WARNING,
    confidence=Confidence.HIGH,
    cwe=(1395,),
    docs=__doc__ or "",
    languages=MANIFEST_LANGUAGES | {"toml", "json"},
)


def vulnerable_finding(dependency: Dependency, advisories: list[Advisory], imported: bool = False) -> Finding:
    """The LG503 finding for a pin and the advisories that affect it (shared with the online check).

    ``imported``: the advisories come from the OSV export imported for offline use, not the OSV API.
    """
    source = "OSV"
    where = "OSV, imported export" if imported else "OSV"
    ids, fixed = describe(advisories, dependency.ecosystem)
    fixes = []
    if fixed and dependency.version_span is not None:
        # Unsafe: a newer version may change the package's API.
        fixes.append(
            Fix(
                f"Upgrade to {fixed}",
                (TextEdit(dependency.version_span, fixed),),
                preferred=True,
                unsafe=True,
            )
        )
    remedy = f"; first fixed in {fixed}" if fixed else "; no fixed version is published"
    return RULE.finding(
        dependency.span,
        f"`{dependency.name}` {dependency.pinned} has known vulnerabilities: {ids}{remedy} ({where})",
        fixes=fixes,
        properties={
            "source": source,
            "osv_data": "imported" if imported else "api",
            "package": dependency.name,
            "version": dependency.pinned,
            "advisories": ids,
            "fixed": fixed or "",
        },
    )


class VulnerableVersionCheck(DocumentCheck):
    rules = (RULE,)
    languages = MANIFEST_LANGUAGES
    file_names = MANIFEST_FILE_NAMES | LOCK_FILE_NAMES

    def check_document(self, document, context: CheckContext) -> Iterable[Finding]:
        if not OFFLINE_ADVISORIES.index():
            return  # nothing imported: do not even parse (lock files can be megabytes)
        manifest = document_manifest(document)
        if manifest is None:
            return
        for dependency in manifest.dependencies:
            if dependency.pinned is None:
                continue
            advisories = OFFLINE_ADVISORIES.advisories(
                dependency.ecosystem, dependency.name, dependency.pinned
            )
            if advisories:
                yield vulnerable_finding(dependency, advisories, imported=True)


CHECK = VulnerableVersionCheck()
