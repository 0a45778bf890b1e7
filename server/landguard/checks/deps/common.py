"""What the dependency rules share: the manifest check shape and the documents they run on."""

from __future__ import annotations

from collections.abc import Iterable

from landguard.checks.ai.mcp_servers import MCP_FILE_NAMES
from landguard.checks.deps.manifests import PACKAGE_JSON, PYPROJECT, Dependency, Manifest, parse_manifest
from landguard.checks.deps.verdicts import offline_verdict
from landguard.engine.findings import Finding
from landguard.engine.languages import JS_FAMILY
from landguard.engine.registry import CheckContext, DocumentCheck, Rule

MANIFEST_LANGUAGES = frozenset({"requirements"})

# The code whose import lines name packages (imported_package.py reports LG501/LG502 there).
IMPORTING_LANGUAGES = frozenset({"python"}) | JS_FAMILY

# Where a missing or look-alike package is reported: manifests (requirements files,
# pyproject.toml, package.json) and the import lines of code.
PACKAGE_NAME_LANGUAGES = MANIFEST_LANGUAGES | {"toml", "json"} | IMPORTING_LANGUAGES

# MCP server configurations declare the packages their servers launch (checks/ai/mcp_servers.py).
MANIFEST_FILE_NAMES = frozenset({PYPROJECT, PACKAGE_JSON}) | MCP_FILE_NAMES


def document_manifest(document) -> Manifest | None:
    if document.is_binary or document.too_large:
        return None
    return parse_manifest(document.text, document.path, document.language)


class VerdictCheck(DocumentCheck):
    """Reports one rule's share of the offline verdicts over a manifest's dependencies."""

    rule: Rule
    languages = MANIFEST_LANGUAGES
    file_names = MANIFEST_FILE_NAMES

    def check_document(self, document, context: CheckContext) -> Iterable[Finding]:
        manifest = document_manifest(document)
        if manifest is None or manifest.is_lock_file:
            return
        for dependency in manifest.dependencies:
            finding = self.finding_for(dependency, manifest)
            if finding is not None:
                yield finding

    def finding_for(self, dependency: Dependency, manifest: Manifest) -> Finding | None:
        verdict = offline_verdict(dependency.name, dependency.ecosystem, manifest.custom_index)
        if verdict is None or verdict.rule_id != self.rule.id:
            return None
        return self.rule.finding(
            dependency.span,
            verdict.message,
            fixes=verdict.fixes(dependency.span),
            confidence=verdict.confidence,
            severity=verdict.severity,
            properties=dict(verdict.properties),
        )
