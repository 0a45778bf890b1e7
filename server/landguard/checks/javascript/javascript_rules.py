"""The one check that runs every JavaScript/TypeScript rule (LG3xx).

Each rule lives in its own module (its ``RULE`` and a ``RULE_CHECK`` holding its logic; the
module docstring is its documentation). They are run from this single ``NodeCheck`` rather than
as separate checks because they share per-unit work: the taint rules read the dataflow facts of
the unit's functions (``_flow``: lowered and interpreted once per unit and run, and only for
functions that call a modelled sink), the pattern rules the unit's index of interesting nodes
(``_support.unit_index``, one query); the engine's per-check bookkeeping (cache keys, shifting
cached findings) is paid once. The module context key holds the imports and the module's
constants; a unit's own key holds the summaries of the same-file functions it calls, so editing a
helper rechecks its callers and nothing else.

A rule disabled in the configuration is not run. A rule that raises is logged and skipped, so
one broken rule does not silence the others (as the engine does for whole checks).
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Iterable

from landguard.checks.javascript import _flow as flow
from landguard.checks.javascript import _support as js
from landguard.engine.findings import Finding
from landguard.engine.registry import NodeCheck

log = logging.getLogger("landguard.checks.javascript")


def _rule_checks() -> tuple[js.RuleCheck, ...]:
    import landguard.checks.javascript as package

    found = []
    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        if info.name.rsplit(".", 1)[-1].startswith("_") or info.name == __name__:
            continue
        rule_check = getattr(importlib.import_module(info.name), "RULE_CHECK", None)
        if rule_check is not None:
            found.append(rule_check)
    return tuple(sorted(found, key=lambda c: c.rule.id))


RULE_CHECKS = _rule_checks()


def _enabled_rule_checks(context) -> tuple[js.RuleCheck, ...]:
    """The rules the configuration enables, worked out once per analysis run rather than per unit."""
    enabled = context.cache.get("js.enabled_rules")
    if enabled is None:
        is_enabled = context.config.is_enabled
        enabled = tuple(c for c in RULE_CHECKS if is_enabled(c.rule.id))
        context.cache["js.enabled_rules"] = enabled
    return enabled


class JavaScriptRules(NodeCheck):
    rules = tuple(c.rule for c in RULE_CHECKS)
    languages = js.LANGUAGES

    def module_context_key(self, document, context) -> object:
        # Findings depend on the imports (qualified names) and on what same-file helpers do with
        # their parameters (summaries): editing a helper rechecks its callers.
        if any(c.uses_imports for c in _enabled_rule_checks(context)):
            return js.imports_key(document, context)
        return None

    def unit_context_key(self, unit, document, context) -> object:
        # The summaries of the same-file functions the unit calls: editing a helper rechecks its callers only.
        return flow.unit_key(unit, document, context)

    def check_node(self, node, document, context) -> Iterable[Finding]:
        # No prefilter on names here: the taint rules look only at the unit's functions that call a
        # modelled sink (``_flow.unit_facts``), which the lowering the file needs for its summaries
        # already tells; the pattern rules read the unit's index.
        findings: list[Finding] = []
        for rule_check in _enabled_rule_checks(context):
            try:
                findings.extend(rule_check.check_node(node, document, context))
            except Exception:
                log.exception("rule %s failed on %s", rule_check.rule.id, document.path or "<buffer>")
        return findings


CHECK = JavaScriptRules()
