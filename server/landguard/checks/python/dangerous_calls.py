"""The one node check that runs every Python dangerous-pattern rule (LG2xx) of this package.

Each rule lives in its own module (its docstring is its documentation) and defines ``RULE`` and
``HANDLER``; this check discovers the handlers and runs them together, one pass over each unit's
calls, dispatched by the callee's name. See ``_support.CallRule``.
"""

from __future__ import annotations

from landguard.checks.python._support import PythonRulesCheck, discover_handlers

CHECK = PythonRulesCheck(discover_handlers())
