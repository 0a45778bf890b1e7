"""Test code: which files are tests, and what each rule's findings mean there.

Test code runs on a developer's machine or in CI against local servers and fixtures, never in
production, so much of what is dangerous in an application is normal in a test: a
``verify=False`` against a local TLS test server, a pickle round trip, ``debug=True``, a test
app that reflects its input or has no authentication, fixture keys and certificates. Other
findings still matter there (a real cloud token committed in a test is as leaked as any other).

So every rule has a policy for test files, most specific rule id or prefix first:

- ``drop``: not reported in test files (patterns that are normal in tests);
- ``note``: reported at ``note`` severity, below the default ``--fail-on warning``;
- ``keep``: reported as anywhere else (provider tokens, which look real; dependency-name risks).

Findings reported in test files carry the property ``testCode: "true"``. Settings: ``testPaths``
(globs, replacing the defaults below), ``extendTestPaths`` (added to them), and ``inTests``
(rule id or prefix -> ``drop`` | ``note`` | ``keep``, overriding the policy).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path, PurePosixPath

from landguard.engine.findings import Finding, Severity
from landguard.engine.globs import exclude_spec

DROP, NOTE, KEEP = "drop", "note", "keep"
ACTIONS = (DROP, NOTE, KEEP)

# gitwildmatch globs, matched against the path relative to the project root.
DEFAULT_TEST_PATHS: tuple[str, ...] = (
    # Python (pytest, unittest, Django)
    "tests/",
    "test/",
    "test_*.py",
    "*_test.py",
    "*_tests.py",
    "tests.py",
    "conftest.py",
    # JavaScript / TypeScript (Jest, Mocha, Vitest, Jasmine, Cypress, Playwright)
    "__tests__/",
    "__mocks__/",
    "spec/",
    "e2e/",
    "cypress/",
    "*.test.[cm]js",
    "*.test.[jt]s",
    "*.test.[jt]sx",
    "*.spec.[cm]js",
    "*.spec.[jt]s",
    "*.spec.[jt]sx",
    "*.test-d.ts",
    # Java (Maven/Gradle layout, JUnit naming)
    "src/test/",
    "src/testFixtures/",
    "src/integrationTest/",
    "*Test.java",
    "*Tests.java",
    "*IT.java",
    # Test data in any language
    "testdata/",
    "test-data/",
    "test_data/",
)

# The default policy. A prefix ("LG2") applies to every rule it starts; the longest match wins.
DEFAULT_POLICY: Mapping[str, str] = {
    "LG0": KEEP,  # analysis notices
    # Secrets: fixture passwords, keys and certificates are normal in tests (note); tokens in a
    # provider's format look real and stay.
    "LG1": NOTE,
    "LG101": KEEP,
    # Code patterns: in tests, still shown as notes...
    "LG2": NOTE,
    "LG3": NOTE,
    "LG4": NOTE,
    # ...except those that are how tests are written: local TLS servers, pickle round trips,
    # debug apps, test apps that reflect input or have no authentication, random test data,
    # temporary files, printed fixture secrets, test cookies and sessions.
    # Fixture keys and certificates exposed to AI tools: test data, not anyone's secret.
    "LG604": DROP,
    "LG204": DROP,
    "LG205": DROP,
    "LG207": DROP,
    "LG222": DROP,
    "LG226": DROP,
    "LG227": DROP,
    "LG229": DROP,
    "LG230": DROP,
    # Tests talk to local servers in clear and with old TLS, make scratch files writable, extract
    # the archives they built, bind test servers to every interface and echo request headers.
    "LG239": DROP,
    "LG240": DROP,
    "LG241": DROP,
    "LG242": DROP,
    "LG243": DROP,
    "LG244": DROP,
    "LG301": DROP,
    "LG305": DROP,
    "LG306": DROP,
    "LG310": DROP,
    "LG313": DROP,
    "LG315": DROP,
    "LG403": DROP,
    "LG405": DROP,
    "LG407": DROP,
    "LG411": DROP,
    "LG412": DROP,
    # Dependencies: test-only packages are often declared where Landguard does not look (tox,
    # CI files); a name that does not exist or imitates a popular one is a risk anywhere.
    "LG5": KEEP,
    "LG504": NOTE,
    # AI-era: tests of Unicode handling and prompt filters contain what these look for.
    "LG6": NOTE,
}


def action_for(rule_id: str, overrides: tuple[tuple[str, str], ...] = ()) -> str:
    """The test-code action for a rule: the user's ``inTests`` first, then the default policy,
    each by the longest matching prefix."""
    for table in (dict(overrides), DEFAULT_POLICY):
        matches = [prefix for prefix in table if rule_id.startswith(prefix)]
        if matches:
            return table[max(matches, key=len)]
    return KEEP


@functools.lru_cache(maxsize=16)
def _spec(patterns: tuple[str, ...]):  # noqa: ANN202 - a globs._Spec
    # Test globs are repository input (pyproject.toml): matched in linear time, as `exclude` is.
    return exclude_spec(patterns, DEFAULT_TEST_PATHS)


_PROJECT_MARKERS = (
    ".git",
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "package.json",
    "pom.xml",
    "build.gradle",
)


@functools.lru_cache(maxsize=256)
def _project_root(folder: str) -> str | None:
    """The nearest folder at or above ``folder`` that holds a project marker (VCS or manifest)."""
    current = Path(folder)
    for candidate in (current, *current.parents):
        if any(os.path.exists(os.path.join(candidate, marker)) for marker in _PROJECT_MARKERS):
            return str(candidate)
    return None


@functools.lru_cache(maxsize=1024)
def relative_path(path: str, root: str | None) -> str:
    """``path`` relative to the project root in POSIX form, so that folders above the project
    (``/home/me/tests/app``) never make it look like a test. The root is the configured one, else
    the nearest folder with a VCS folder or manifest; paths given relative are taken as they are.

    Kept per path and root: rules ask it for every function of a file, and the one thing it reads
    from the disk, the project root, is kept per folder already (``_project_root``)."""
    candidate = Path(path)
    if not candidate.is_absolute():
        return PurePosixPath(*candidate.parts).as_posix().removeprefix("./")
    for base in (root, _project_root(str(candidate.parent))):
        if not base:
            continue
        try:
            return candidate.relative_to(base).as_posix()
        except ValueError:
            continue
    # No project around it: judge by the file's own folder and name only.
    return PurePosixPath(*candidate.parts[-2:]).as_posix()


def is_test_path(path: str | None, patterns: tuple[str, ...], root: str | None = None) -> bool:
    if not path or not patterns:
        return False
    return _spec(patterns).match_file(relative_path(path, root))


def apply_test_policy(
    findings: list[Finding],
    path: str | None,
    patterns: tuple[str, ...],
    overrides: tuple[tuple[str, str], ...] = (),
    root: str | None = None,
) -> list[Finding]:
    """Drop, lower to note, or keep each finding of a test file, as its rule's policy says."""
    if not findings or not is_test_path(path, patterns, root):
        return findings
    result = []
    for finding in findings:
        action = action_for(finding.rule_id, overrides)
        if action == DROP:
            continue
        if action == NOTE:
            finding = replace(finding, severity=min(finding.severity, Severity.NOTE))
        properties = dict(finding.properties)
        properties["testCode"] = "true"
        result.append(replace(finding, properties=tuple(sorted(properties.items()))))
    return result
