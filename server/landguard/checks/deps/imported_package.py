"""Imports in code that name a missing or look-alike package: LG501 and LG502 on import lines.

The rules are documented in ``missing_package`` (LG501) and ``lookalike_package`` (LG502); this
check reports them where code imports such a name (``import reqeusts``, ``require("lodahs")``),
with the popular name as the fix. Only names that are both unknown to the registry snapshot and
one edit from a popular package count, since most unknown imports are the project's own
modules; for Python, standard-library, first-party and sibling modules, and names the
import-to-distribution table knows, are skipped first.
"""

from __future__ import annotations

from collections.abc import Iterable

from landguard.checks.deps import lookalike_package, missing_package
from landguard.checks.deps.common import IMPORTING_LANGUAGES
from landguard.checks.deps.confusables import IMPORT_TO_DISTRIBUTION
from landguard.checks.deps.imports import unit_imports
from landguard.checks.deps.snapshot import NPM, PYPI
from landguard.checks.deps.undeclared_import import NOT_DISTRIBUTIONS, STDLIB, is_local_module, project_for
from landguard.checks.deps.verdicts import MISSING, import_typo_verdict
from landguard.engine.findings import Fix, TextEdit
from landguard.engine.registry import CheckContext, NodeCheck, RunKey

_RULES = {MISSING: missing_package.RULE, lookalike_package.RULE.id: lookalike_package.RULE}


_PROJECT: RunKey[object] = RunKey("deps.imported_package.project")


class ImportedPackageCheck(NodeCheck):
    rules = (missing_package.RULE, lookalike_package.RULE)
    languages = IMPORTING_LANGUAGES

    def _project(self, document, context: CheckContext):
        return context.cache.get(
            _PROJECT,
            None,
            lambda: project_for(document.path, "python") if document.language == "python" else None,
        )

    def module_context_key(self, document, context: CheckContext) -> object:
        project = self._project(document, context)
        return None if project is None else (str(project.root), project.first_party)

    def check_node(self, node, document, context: CheckContext) -> Iterable:
        if document.language == "python":
            imports = unit_imports(node, document, context)
            if not imports:
                return  # most units import nothing: no project lookup for them
            project = self._project(document, context)
            first_party = project.first_party if project is not None else frozenset()
            for imported in imports:
                name = imported.package
                if (
                    name in STDLIB
                    or name in NOT_DISTRIBUTIONS
                    or name in first_party
                    or name in IMPORT_TO_DISTRIBUTION
                ):
                    continue
                if is_local_module(document.path, name, project.root if project is not None else None):
                    continue
                if project is not None and any(top == name for top, _ in project.installed):
                    continue  # installed in the project's own environment: it exists
                # Only import-able suggestions make a fix (a distribution like `python-dateutil` is not).
                yield from self._report(imported, PYPI, lambda s: s.isidentifier())
        else:
            for imported in unit_imports(node, document, context):
                yield from self._report(imported, NPM, lambda s: True)

    def _report(self, imported, ecosystem: str, usable) -> Iterable:
        verdict = import_typo_verdict(imported.package, ecosystem)
        if verdict is None:
            return
        suggestions = [s for s in verdict.suggestions if usable(s)]
        fixes = [
            Fix(
                f"Import `{name}` instead",
                (TextEdit(imported.span, name),),
                preferred=index == 0,
                unsafe=True,
            )
            for index, name in enumerate(suggestions)
        ]
        yield _RULES[verdict.rule_id].finding(
            imported.span,
            f"Imported package {verdict.message}",
            fixes=fixes,
            confidence=verdict.confidence,
            severity=verdict.severity,
            properties=dict(verdict.properties),
        )


CHECK = ImportedPackageCheck()
