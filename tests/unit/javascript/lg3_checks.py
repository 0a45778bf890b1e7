"""The JavaScript family's checks, discovered without importing other families."""

from __future__ import annotations

import landguard.checks.javascript as package
from landguard.engine.registry import discover_checks

JS_CHECKS = tuple(discover_checks(package))
