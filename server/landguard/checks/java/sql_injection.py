"""SQL injection: SQL built from strings and run through JDBC, JdbcTemplate or JPA.

## What it does
Flags SQL (and JPQL/HQL) text that request data or a method parameter reaches on its way to
``Statement.execute``/``executeQuery``/``executeUpdate``/``addBatch``,
``Connection.prepareStatement``, Spring's ``JdbcTemplate``/``NamedParameterJdbcTemplate``
``query``/``queryForList``/``update``/``execute``, JPA ``EntityManager.createQuery``/
``createNativeQuery`` or Hibernate ``Session.createQuery``/``createNativeQuery`` (the sinks of kind ``sql`` in
``data/models/java*.toml``). The data is followed flow-sensitively through the method: string
building (``+``, ``+=``, ``String.format``, ``concat``, ``StringBuilder``), lists and maps,
branches (a constant condition takes one arm; both arms of an unknown one merge), loops, and
helpers, inner classes and interface implementations of the same file. A value overwritten
before the query, parsed to a number, checked against an allow-list or escaped for SQL is
not reported; escaping for another kind (a file name, HTML) does not count. Request data
(``request.getParameter``, ``@RequestParam`` ...) gives high confidence; a parameter built into
the query here, medium (a parameter passed whole is the caller's to check).

## Why is this bad?
A value spliced into SQL text becomes SQL: a name like ``' OR '1'='1`` rewrites the query,
reads other users' rows or drops tables. Escaping by hand is fragile; the driver's parameter
binding is not.

## Example
```java
Statement st = conn.createStatement();
ResultSet rs = st.executeQuery("SELECT * FROM users WHERE name = '" + name + "'");
```

## Use instead
```java
PreparedStatement st = conn.prepareStatement("SELECT * FROM users WHERE name = ?");
st.setString(1, name);
ResultSet rs = st.executeQuery();
```
The quick fix performs this rewrite for the common ``createStatement()`` shapes. With
JdbcTemplate pass the values as arguments (``jdbcTemplate.query(sql, mapper, name)``); with JPA
use named parameters (``:name`` and ``setParameter``).

## References
- CWE-89: Improper Neutralization of Special Elements used in an SQL Command
  (https://cwe.mitre.org/data/definitions/89.html)
- OWASP SQL Injection Prevention Cheat Sheet
"""

from __future__ import annotations

from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.java._support import (
    JavaCheck,
    hit_confidence,
    hit_words,
    method_scope,
    module_facts,
    tainted_sinks,
)
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, Rule
from landguard.fixes.java_fixes import parameterize_statement
from landguard.languages.java_syntax import is_method_call

RULE = Rule(
    id="LG401",
    name="sql-injection",
    title="SQL built from strings",
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    cwe=(89,),
    docs=__doc__,
    languages=frozenset({"java"}),
    aliases=("find_sec_bugs.SQL_INJECTION_JDBC", "java.lang.security.audit.formatted-sql-string"),
)


class SqlInjectionCheck(JavaCheck):
    rule = RULE
    fixes_add_imports = True
    uses_dataflow = True
    kind = "sql"
    needles = (b"execute", b"query", b"Query", b"update", b"Update", b"prepare", b"addBatch")

    def check_unit(self, unit: Node, document, context: CheckContext) -> Iterable[Finding]:
        for _facts, hit, _whole in tainted_sinks(unit, document, context, "sql"):
            node = hit.call.node
            if node is None:
                continue
            fix = None
            if hit.via_helper is None and is_method_call(node):
                scope = method_scope(unit, document, context)
                fix = parameterize_statement(document, scope, module_facts(document, context), node)
            where = f" in {hit.via_helper}()" if hit.via_helper else ""
            method = hit.inner.method if hit.inner is not None else hit.call.method
            yield RULE.finding(
                document.node_span(node),
                f"SQL built from {hit_words(hit)} is passed to {method}(){where}; use a parameterized query",
                confidence=hit_confidence(hit),
                fixes=[fix] if fix is not None else [],
            )


CHECK = SqlInjectionCheck()
