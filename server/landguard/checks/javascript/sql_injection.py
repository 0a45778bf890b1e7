"""## What it does
Finds SQL text built from request data or from a function's parameters and passed to a query
API: `pg` pools and clients, `mysql`/`mysql2`/`sqlite3` connections (`query`, `execute`, `all`,
`get`, `run` ...), `sequelize.query`, knex `raw`/`whereRaw`, TypeORM `query` and Prisma's
`$queryRawUnsafe` / `$executeRawUnsafe`. It follows the data (the dataflow core): through
variables, `+=`, branches (both arms merge), loops, arrays, `Map`s, object properties,
destructuring and same-file helpers, and skips branches, ternaries and `switch` arms that a
constant rules out and values overwritten before the query. Only SQL sanitizers count
(`parseInt`/`Number`, `mysql.escape`, `pg-format`): `path.basename` or an HTML escaper does
not make SQL safe. On a receiver of unknown type, the text must read as SQL. A helper that
passes its parameter to a query is reported where request data is handed to it.

## Why is this bad?
A value spliced into SQL text can end the string and add SQL of its own
(`' OR '1'='1`), reading or destroying data the query was never meant to touch.

## Example
```js
const { rows } = await pool.query(`SELECT * FROM users WHERE email = '${email}'`);
```

## Use instead
```js
const { rows } = await pool.query('SELECT * FROM users WHERE email = $1', [email]);
```
The quick fix puts placeholders (`$1` for pg and Prisma, `?` for mysql, sqlite and knex) in
place of the values and passes the values separately, when the driver is known from the
module's imports, the call has no parameters yet and every value sits where SQL expects a value.

## References
- CWE-89: Improper Neutralization of Special Elements used in an SQL Command, https://cwe.mitre.org/data/definitions/89.html
- OWASP SQL Injection Prevention Cheat Sheet
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from landguard.checks.javascript import _flow as flow
from landguard.checks.javascript import _support as js
from landguard.checks.javascript._sql_text import READS_AS_SQL
from landguard.dataflow.shapes import ShapeReader
from landguard.engine.findings import Confidence, Finding, Severity
from landguard.engine.registry import Rule
from landguard.fixes import javascript_fixes as fixes
from landguard.languages import javascript_syntax as syntax

RULE = Rule(
    id="LG302",
    name="sql-injection",
    title="SQL built from strings is passed to a query",
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    cwe=(89,),
    docs=__doc__ or "",
    languages=js.LANGUAGES,
)

_PLACEHOLDER = re.compile(r"\$\d|\$(?=\s|$)|\?")
_DOLLAR_DRIVERS = frozenset({"pg", "pg-pool", "@neondatabase/serverless", "postgres-pool"})
_QUESTION_DRIVERS = frozenset({"mysql", "mysql2", "mysql2/promise", "sqlite3", "sqlite"})


def _helper_reads_as_sql(facts, hit, document, context) -> bool:
    """For a method that is a query only when its text is SQL (``exec``, ``query``, ``get``), reached
    inside a same-file helper: whether the text reads as SQL, where the helper builds it or where
    this call passes it in."""
    texts = [flow.shape(facts, arg).text() for arg in hit.call.args]
    inner = hit.inner
    if inner is not None and inner.args and inner.node is not None:
        helper = _function_around(flow.analysis(document, context).functions, inner.node)
        if helper is not None:
            texts.append(ShapeReader(helper).shape(inner.args[0]).text())
    return any(READS_AS_SQL.search(text) for text in texts)


def _function_around(functions, node):
    """The innermost lowered function whose source holds ``node``."""
    around = [
        f
        for f in functions
        if f.node is not None and f.node.start_byte <= node.start_byte and node.end_byte <= f.node.end_byte
    ]
    return min(around, key=lambda f: f.node.end_byte - f.node.start_byte, default=None)


class SqlInjection(js.JavaScriptRule):
    rule = RULE
    reads = frozenset({js.FACTS})

    def check_unit(self, node, document, context) -> Iterable[Finding]:
        for facts in flow.unit_facts(node, document, context):
            for hit, labels in flow.hits(facts, ("sql", "sql-text"), parameters=True):
                call = hit.call.node
                name = hit.call.method
                if hit.via_helper is None:
                    text = flow.shape(facts, hit.call.args[0]).text() if hit.call.args else ""
                    if hit.sink.kind == flow.SQL_TEXT and not READS_AS_SQL.search(text):
                        continue  # `cache.get(key)`: not a query unless the text reads as SQL
                    if name == "exec" and hit.call.receiver is None:
                        continue  # a bare exec(...) is child_process' business (LG303)
                    if len(hit.call.args) > 1 and _PLACEHOLDER.search(text):
                        # Values are bound already; what is spliced in from afar is query structure
                        # (a column list, placeholder numbers). Request data spliced in directly still counts.
                        labels = tuple(label for label in labels if len(label.path) <= 1)
                        if not labels:
                            continue
                    args = js.arguments_of(call)
                    fix = self._fix(document, context, call, name, args) if args else None
                    where = f"{name}()"
                else:
                    if hit.sink.kind == flow.SQL_TEXT and not _helper_reads_as_sql(
                        facts, hit, document, context
                    ):
                        continue  # `route.exec(path)` in a helper: a RegExp, not a query
                    fix = None
                    where = f"{hit.via_helper}(), which passes it to {hit.inner.method if hit.inner else 'a query'}()"
                source = "request data" if flow.is_request(labels) else "a parameter"
                yield RULE.finding(
                    document.node_span(call),
                    f"SQL built from {source} is passed to {where}; use placeholders and pass the values separately",
                    fixes=[fix] if fix else [],
                    confidence=Confidence.HIGH if flow.is_request(labels) else None,
                )

    def _fix(self, document, context, call, name, args):
        sql = js.unwrap(args[0])
        if not (syntax.is_template_literal(sql) or syntax.is_binary(sql)):
            return None
        rest = args[1:]
        if rest and not (len(rest) == 1 and js.is_function_node(rest[0])):
            return None  # parameters (or options) already given
        if name in ("$queryRawUnsafe", "$executeRawUnsafe"):
            return fixes.parameterize_sql(document, sql, "$", "spread") if not rest else None
        modules = js.imported_modules(document, context)
        if name in ("raw", "whereRaw"):
            return (
                fixes.parameterize_sql(document, sql, "?", "array")
                if "knex" in modules and not rest
                else None
            )
        if name not in ("query", "execute", "all", "get", "run", "each"):
            return None
        drivers = modules & (_DOLLAR_DRIVERS | _QUESTION_DRIVERS | {"sequelize", "better-sqlite3", "knex"})
        if len(drivers) != 1 or "typeorm" in modules:
            # TypeORM's query() placeholders depend on the database it is configured for.
            return None
        driver = next(iter(drivers))
        if driver in _DOLLAR_DRIVERS and name == "query":
            return fixes.parameterize_sql(document, sql, "$", "array")
        if driver in _QUESTION_DRIVERS:
            if driver.startswith("mysql") and name not in ("query", "execute"):
                return None
            return fixes.parameterize_sql(document, sql, "?", "array")
        if driver == "sequelize" and name == "query" and not rest:
            return fixes.parameterize_sql(document, sql, "?", "replacements")
        return None


CHECK = SqlInjection()
