"""LDAP injection: an LDAP search filter or DN built from web-request data.

## What it does
Flags python-ldap's `search`/`search_s`/`search_st`/`search_ext`/`search_ext_s` (the filter,
argument 3) and ldap3's `Connection.search` (the filter, argument 2, or `search_filter=`) when
data from a web request reaches the filter (the sinks of kind `ldap` in
`data/models/python.toml`). Values escaped with `ldap.filter.escape_filter_chars`,
`ldap.filter.filter_format` or ldap3's `escape_filter_chars` are safe for the filter.

## Why is this bad?
`*)(uid=*))(|(uid=*` in a user name rewrites `(&(uid=...)(objectClass=person))`: the search
returns every entry, and a login that searches for the user and password together lets anyone
in.

## Example
```python
conn.search_s(BASE, ldap.SCOPE_SUBTREE, f"(uid={request.form['user']})")
```

## Use instead
```python
from ldap.filter import escape_filter_chars

conn.search_s(BASE, ldap.SCOPE_SUBTREE, f"(uid={escape_filter_chars(request.form['user'])})")
```

## References
- [CWE-90: LDAP Injection](https://cwe.mitre.org/data/definitions/90.html)
- [OWASP: LDAP Injection Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/LDAP_Injection_Prevention_Cheat_Sheet.html)
"""

from __future__ import annotations

from tree_sitter import Node

from landguard.checks.python import _support as py
from landguard.checks.python import _web as web
from landguard.dataflow.models import Models
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import Rule
from landguard.languages import python_syntax as syntax

RULE = Rule(
    id="LG232",
    name="ldap-injection",
    title="LDAP filter built from web-request data",
    severity=Severity.ERROR,
    confidence=Confidence.HIGH,
    cwe=(90,),
    docs=__doc__,
    languages=py.PYTHON,
)
# Methods of python-ldap and ldap3 connections (any receiver): (filter position, keyword).
_SEARCH_METHODS = {
    "search": (2, "filterstr"),
    "search_s": (2, "filterstr"),
    "search_st": (2, "filterstr"),
    "search_ext": (2, "filterstr"),
    "search_ext_s": (2, "filterstr"),
}
_LDAP3_FILTER = (1, "search_filter")


class LdapInjectionCheck(web.RequestSinkRule):
    rule = RULE
    kind = "ldap"
    callee_names = web.sink_names("ldap") | frozenset(_SEARCH_METHODS)

    def sink_positions(self, name: str, call: Node, models: Models) -> list[tuple[int | None, str | None]]:
        positions = super().sink_positions(name, call, models)
        method = name.rsplit(".", 1)[-1]
        if positions or method not in _SEARCH_METHODS or "." not in name:
            return positions
        # ldap3's `conn.search(base, filter, ...)` names its filter `search_filter`.
        if syntax.keyword_arg(call, "search_filter") is not None or len(syntax.positional_args(call)) == 2:
            return [_LDAP3_FILTER]
        return [_SEARCH_METHODS[method]]

    def report(self, call: Node, name: str, value: Node, document: Document) -> Finding:
        return RULE.finding(
            document.node_span(call),
            f"`{name.rsplit('.', 1)[-1]}` searches with an LDAP filter built from web-request data; "
            "escape it with escape_filter_chars (or filter_format)",
        )


CHECK = LdapInjectionCheck()
