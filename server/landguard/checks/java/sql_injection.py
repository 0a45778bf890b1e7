"""SQL injection: SQL built from strings and run through JDBC, JdbcTemplate or JPA.

## What it does
Flags SQL (and JPQL/HQL) that is concatenated or ``String.format``-ed from non-constant values
and then passed to ``Statement.execute``/``executeQuery``/``executeUpdate``/``addBatch``,
``Connection.prepareStatement``, Spring's ``JdbcTemplate.query``/``update``/``execute`` or
``EntityManager.createQuery``/``createNativeQuery`` - directly, or through a local variable
built earlier in the method (``+``, ``+=``, ``StringBuilder.append``, ``concat``). Values read
from the HTTP request in the same method (``request.getParameter``, ``@RequestParam``,
``@PathVariable`` ...) raise the confidence.

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

import re
from collections.abc import Iterable

from tree_sitter import Node

from landguard.checks.java._support import (
    JavaCheck,
    call_args,
    call_name,
    call_object,
    confidence_for,
    constants_matching,
    is_plain_literal,
    matches,
    method_scope,
    module_facts,
    node_text,
    simple_type,
    source_words,
    unit_bytes,
    unwrap,
)
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import CheckContext, Rule
from landguard.fixes.java_fixes import parameterize_statement

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

_SQL_CALLS = """
(method_invocation name: (identifier) @m
  (#any-of? @m "execute" "executeQuery" "executeUpdate" "executeLargeUpdate" "addBatch"
    "prepareStatement" "prepareCall" "query" "queryForObject" "queryForList" "queryForMap"
    "queryForRowSet" "queryForStream" "queryForLong" "queryForInt" "update" "batchUpdate"
    "createQuery" "createNativeQuery" "createSQLQuery")) @call
"""
_SQL_TEXT = re.compile(
    r"\b(?:select\s.+\sfrom|insert\s+into|update\s+\S+\s+set|delete\s+from|drop\s+table|"
    r"alter\s+table|create\s+table|truncate\s+table|merge\s+into|where\s|order\s+by)",
    re.I | re.S,
)
# Word pairs (in the lower-cased unit) without which the unit holds no SQL text: plain ``in``
# tests are several times faster than one regular expression over every unit.
_SQL_GATE_PAIRS = (
    (b"select", b"from"),
    (b"insert", b"into"),
    (b"update", b"set"),
    (b"delete", b"from"),
    (b"where", b"where"),
    (b"order", b" by"),
    (b"table", b"table"),
    (b"merge", b"into"),
    (b"request", b"request"),
    (b"param", b"param"),
    (b"pathvariable", b"pathvariable"),
)


def _may_hold_sql(lowered: bytes) -> bool:
    return any(first in lowered and second in lowered for first, second in _SQL_GATE_PAIRS)


def _sql_constants(document, context: CheckContext) -> tuple[bytes, ...]:
    """Names of class constants holding SQL text (``FIND_USER + id`` has no SQL keyword itself)."""
    return constants_matching(document, context, "java.sql_constants", _SQL_TEXT.search)


# Receivers that certainly run SQL (by declared type or by the name assistants give them).
_SQL_RECEIVER_TYPES = frozenset(
    {
        "Statement",
        "PreparedStatement",
        "CallableStatement",
        "Connection",
        "JdbcTemplate",
        "NamedParameterJdbcTemplate",
        "JdbcOperations",
        "EntityManager",
        "Session",
    }
)
_SQL_RECEIVER_NAME = re.compile(
    r"(?i)^(?:st|stmt|statement|conn|connection|jdbc\w*|em|entitymanager|session)$"
)


class SqlInjectionCheck(JavaCheck):
    rules = (RULE,)
    fixes_add_imports = True
    needles = (b"execute", b"query", b"Query", b"update", b"Update", b"prepare", b"addBatch")

    def check_unit(self, unit: Node, document, context: CheckContext) -> Iterable[Finding]:
        # Cheap gate before any tree work: SQL text, request data or a SQL constant in the unit.
        text = unit_bytes(document, unit)
        lowered = text.lower()
        if not (_may_hold_sql(lowered) or any(name in text for name in _sql_constants(document, context))):
            return
        scope = None
        for _pattern, captures in matches(_SQL_CALLS, unit):
            call = captures["call"][0]
            args = call_args(call)
            if not args or is_plain_literal(args[0]):
                continue
            if scope is None:
                scope = method_scope(unit, document, context)
            shape = scope.string_shape(args[0])
            if not shape.is_dynamic:
                continue
            if not (_SQL_TEXT.search(shape.literal_text) or shape.tainted):
                continue
            if not shape.literal_text and not self._sql_receiver(document, scope, call):
                continue
            method = call_name(document, call)
            fix = parameterize_statement(document, scope, module_facts(document, context), call)
            yield RULE.finding(
                document.node_span(call),
                f"SQL built from {source_words(shape.tainted)} is passed to {method}(); use a parameterized query",
                confidence=confidence_for(shape.tainted),
                fixes=[fix] if fix is not None else [],
            )

    @staticmethod
    def _sql_receiver(document, scope, call: Node) -> bool:
        obj = unwrap(call_object(call))
        if obj is None:
            return False
        if obj.type == "method_invocation":
            return call_name(document, obj) in ("createStatement", "getConnection", "getEntityManager")
        name = node_text(document, obj)
        return simple_type(scope.type_of(name)) in _SQL_RECEIVER_TYPES or bool(_SQL_RECEIVER_NAME.match(name))


CHECK = SqlInjectionCheck()
