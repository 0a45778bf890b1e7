"""The JavaScript family's checks, discovered without importing other families."""

from __future__ import annotations

import importlib
import pkgutil

import landguard.checks.javascript as package


def javascript_checks() -> tuple:
    checks = []
    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        check = getattr(importlib.import_module(info.name), "CHECK", None)
        if check is not None:
            checks.append(check)
    return tuple(checks)


JS_CHECKS = javascript_checks()
