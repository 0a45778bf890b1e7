"""LG237's text prefilter (``_may_name_a_credential``, which ``HardcodedCredentialUseCheck.applies``
asks after the rule's byte markers) is a superset test: every unit the rule's ``check_unit``
reports in passes it, however the credential's name is spelled."""

from __future__ import annotations

import pytest

from landguard.checks.python.hardcoded_credential_use import CHECK, _may_name_a_credential
from landguard.engine.config import Config
from landguard.engine.document import Document
from landguard.engine.registry import CheckContext

# Each reports by ``check_unit``; the name's text differs from what the rule reads from it.
_REPORTED = [
    'def f(request):\n    return request.form["password"] != "letmein-now"\n',
    'def f(request):\n    return request.form["pa" "ssword"] != "letmein-now"\n',
    'def f(request):\n    return request.form["pa" + ("ssword")] != "letmein-now"\n',
    'def f(request):\n    return request.form[r"""pa""" b"ssword"] != "letmein-now"\n',
    'def f(request):\n    return request.form["api" "_key"] == "k3y-0f-the-kingdom"\n',
    'def f(PASSWD):\n    return PASSWD == "letmein-now"\n',
    'def f(user):\n    return user.apiKey == "k3y-0f-the-kingdom"\n',
    'def f(get):\n    return get(url, auth=("deploy", "Tr0ub4dor&3"))\n',
    'def f(connect):\n    return connect(host="db", Password="root")\n',
    'def f(connect):\n    return connect({"pwd": "root"})\n',
]


def _unit_and_context(source: str) -> tuple[Document, CheckContext]:
    document = Document(source, path="/project/app/views.py", language="python")
    return document, CheckContext(Config(), one_shot=True)


@pytest.mark.parametrize("source", _REPORTED)
def test_a_unit_the_rule_reports_in_passes_the_prefilter(source: str) -> None:
    document, context = _unit_and_context(source)
    assert document.tree is not None
    unit = document.tree.root_node.children[0]
    found = list(CHECK.check_unit(unit, document, context))
    assert found, "the case must be one the rule reports (else it shows nothing)"
    assert _may_name_a_credential(document.source, unit.start_byte, unit.end_byte)


@pytest.mark.parametrize(
    "source",
    [
        'def f(kind):\n    return kind == "bearer"\n',
        "def f(items):\n    return sorted(items, key=len) != items\n",
    ],
)
def test_a_comparison_naming_no_credential_is_skipped(source: str) -> None:
    document, context = _unit_and_context(source)
    assert document.tree is not None
    unit = document.tree.root_node.children[0]
    assert not list(CHECK.check_unit(unit, document, context))
    assert not CHECK.applies(unit, document, context)


def test_the_prefilter_is_linear_on_comment_banners() -> None:
    # A line of `#`s after a literal once made the split-word pattern backtrack exponentially
    # before it failed (CPython's dataclasses.py took 8 s).
    text = b'x = "a"  ' + b"# " * 40 + b"\nz = 1\n"
    assert not _may_name_a_credential(text, 0, len(text))
