"""Published sample material (examples, demos, docs): an example's own login is the sample's, as
the secrets rules judge it; the same code in the application is still reported."""

from __future__ import annotations

import pytest

from landguard_testing import findings_for

CLIENT = 'import aiohttp\n\nauth = aiohttp.BasicAuth("andrew", "hunter22")\n'
SERVER = (
    'def check_auth_password(username, password):\n    return username == "robey" and password == "foo"\n'
)


@pytest.mark.parametrize("path", ["examples/client_auth.py", "demos/demo_server.py", "docs/conf_example.py"])
def test_logins_in_examples_and_demos_are_the_samples_own(path: str) -> None:
    for text in (CLIENT, SERVER):
        assert [f for f in findings_for(text, path) if f.rule_id == "LG237"] == []


@pytest.mark.parametrize("path", ["app/client.py", "server.py"])
def test_the_same_logins_in_the_application_are_reported(path: str) -> None:
    for text in (CLIENT, SERVER):
        assert [f.rule_id for f in findings_for(text, path) if f.rule_id == "LG237"] == ["LG237"]
