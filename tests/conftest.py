"""Test-wide guard: a check that raises must fail the test that ran it.

The engine catches a failing check, logs it and carries on (one broken rule must not blind the
others in the editor), so without this guard a "does not crash" test could never fail. Tests
that break a check on purpose say so with ``@pytest.mark.check_errors_expected``.
"""

import logging
import os

import pytest
from hypothesis import settings

# `make test` (and so CI) explores the same examples on every run, so a submission's verdict does not
# depend on luck; `LANDGUARD_HYPOTHESIS=explore` (with LANDGUARD_SOAK_EXAMPLES=…) hunts for new cases.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore")
settings.load_profile("explore" if os.environ.get("LANDGUARD_HYPOTHESIS") == "explore" else "repeatable")


class _ErrorRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def pytest_configure(config):
    config.addinivalue_line("markers", "check_errors_expected: the test makes a check raise on purpose")


@pytest.fixture(autouse=True)
def _fail_on_check_errors(request):
    handler = _ErrorRecords()
    logger = logging.getLogger("landguard")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    if handler.records and request.node.get_closest_marker("check_errors_expected") is None:
        messages = "\n".join(record.getMessage() for record in handler.records[:5])
        pytest.fail(f"a check raised while this test ran (logged at ERROR):\n{messages}")
