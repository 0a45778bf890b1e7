"""The ``landguard.debugInfo`` command: what an editor's "Show debug info" displays.

Server version, the Python running it, the workspace root, where the configuration came from
(the project file, or defaults and editor settings) and which rules are enabled. Paths only,
never file contents or secrets.
"""

from __future__ import annotations

import platform
import sys
from typing import TYPE_CHECKING, Any

from landguard import __version__
from landguard.engine.registry import all_rules

if TYPE_CHECKING:
    from landguard.lsp.server import LandguardServer

COMMAND = "landguard.debugInfo"


def debug_info(ls: LandguardServer) -> dict[str, Any]:
    result = ls.settings.resolve(None)
    config = result.config
    rules = sorted(all_rules())
    enabled = [rule_id for rule_id in rules if config.is_enabled(rule_id)]
    return {
        "version": __version__,
        "python": sys.executable,
        "pythonVersion": platform.python_version(),
        "workspaceRoot": ls.settings.root,
        "configSource": result.source or "defaults and editor settings (no project file)",
        "configErrors": list(result.errors),
        "rulesEnabled": enabled,
        "rulesDisabled": [rule_id for rule_id in rules if rule_id not in enabled],
        "pullDiagnostics": ls.uses_pull_diagnostics(),
        "resolveCodeActions": ls.supports_code_action_resolve(),
        "openDocuments": len(ls.documents),
    }


def register(server: LandguardServer) -> None:
    @server.command(COMMAND)
    def show_debug_info(ls, *args: Any) -> dict[str, Any]:
        # (``ls`` stays unannotated: pygls resolves command annotations at run time.)
        return debug_info(ls)
