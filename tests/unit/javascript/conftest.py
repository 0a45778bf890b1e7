"""Run the LG3xx tests against the JavaScript checks only.

The fixtures are restricted to one rule id anyway; discovering just this family keeps these
tests about these rules (a half-finished module of another family cannot break them).
"""

from __future__ import annotations

import pytest
from lg3_checks import JS_CHECKS

from landguard_testing import only_checks


@pytest.fixture(autouse=True)
def _only_javascript_checks():
    with only_checks(JS_CHECKS):
        yield
