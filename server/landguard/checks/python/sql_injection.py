"""SQL injection: a query built from strings with non-literal values.

## What it does
Flags SQL passed to `execute`/`executemany`/`executescript` (DB-API drivers, asyncpg, aiosqlite,
psycopg), SQLAlchemy `text()` and `exec_driver_sql`, psycopg2 `copy_expert`, pg8000's native
`Connection.run`, asyncpg `fetch*`, Django `raw()`/`extra(where=..., select=...)`/`RawSQL` (request
data in a fragment needs no statement shape), `pandas.read_sql*` and any sink of kind `sql` in the models
(`data/models/python*.toml`, or your own under `[tool.landguard.models.python]`), when untrusted
data reaches the query, as the dataflow core follows it through variables, branches, containers
and same-file helpers: data from a web request (high confidence, also when the request supplies
the whole statement or reaches a query inside a helper), or the function's own arguments built
into the query with an f-string, `%`, `.format()` or `+` (medium). Module constants
(`f"SELECT * FROM {TABLE}"`), placeholder lists (`",".join("?" * len(ids))`), values passed
through `int()` or an allowlist check, and queries in branches that can never run are not
flagged. An HTML escaper is not a SQL sanitizer.

## Why is this bad?
The value becomes SQL. A name like `x' OR '1'='1` returns every row; `1; DROP TABLE users`
destroys data. Quoting by hand fails on the next edge case; the database driver's parameters
never mix data into the statement's text.

## Example
```python
cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")
```

## Use instead
```python
cursor.execute("SELECT * FROM users WHERE name = ?", (name,))
```
The quick fix rewrites the call in the driver's placeholder style, moving the values into the
parameters argument: `?` for `sqlite3`, `%s` for `psycopg`/`psycopg2`/`pymysql`/`MySQLdb`/
`mysql.connector`/Django, named `:name` binds with `.bindparams()` for SQLAlchemy `text()`.
The driver is read from the module's imports; when it is unknown or ambiguous, or a value is not
in a value position (a table or column name), no fix is offered. When the query comes through a
variable, both the assignment and the call are rewritten, provided the variable is used only
there.

## References
- [CWE-89: SQL Injection](https://cwe.mitre.org/data/definitions/89.html)
- Bandit B608, B611; Ruff S608, S611
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from tree_sitter import Node

from landguard.checks.python import _origins as origins
from landguard.checks.python import _support as py
from landguard.checks.python._dispatch import CallRule
from landguard.engine.document import Document
from landguard.engine.findings import Confidence, Finding, Fix, Severity, TextEdit
from landguard.engine.registry import CheckContext, Rule
from landguard.fixes.python_fixes import StatementEditor, StringParts, parse_expression, string_parts
from landguard.fixes.sql_placeholders import placeholder_sql
from landguard.languages import python_syntax as syntax

if TYPE_CHECKING:
    import libcst as cst

RULE = Rule(
    id="LG201",
    name="sql-injection",
    title="SQL query built from non-literal values",
    severity=Severity.ERROR,
    confidence=Confidence.MEDIUM,
    cwe=(89,),
    docs=__doc__,
    languages=py.PYTHON,
    aliases=("B608", "S608", "B611", "S611"),
)

KIND = "sql"
_EXECUTE_METHODS = frozenset(
    {"execute", "executemany", "executescript", "mogrify", "exec_driver_sql", "copy_expert"}
)
_SINKS = _EXECUTE_METHODS | {"text", "raw", "extra", "RawSQL", "read_sql", "read_sql_query", "run"}
# pg8000's native API runs SQL with `con.run(sql)`; `run` is any other method too, so the receiver
# must be made by one of these in the function.
_PG8000_CONNECTIONS = frozenset({"pg8000.native.Connection"})
# Statement shapes, not single words: "from" or "where" alone occur in any English message.
_SQL_WORDS = re.compile(
    r"\bselect\b[\s\S]*?\bfrom\b|\binsert\s+(?:or\s+\w+\s+)?into\b|\bupdate\s+\S+\s+set\b|\bdelete\s+from\b|"
    r"\b(?:create|drop|alter)\s+(?:temp\w*\s+)?(?:table|index|view|database|schema|trigger)\b|"
    r"\bwhere\s+[\w.\"`]+\s*(?:=|<|>|!|like\b|ilike\b|in\b|is\b|between\b)|\bvalues\s*\(|\bpragma\s+\w|"
    r"\btruncate\s+table\b|\bcopy\b.*\b(?:from|to)\s+(?:stdin|stdout)\b|\breplace\s+into\b|\border\s+by\s+\S|\bset\s+\w+\s*=",
    re.I,
)
_CONSTANT_NAME = re.compile(r"^(?:[A-Za-z_][\w]*\.)*[A-Z][A-Z0-9_]*$")
_QMARK_DRIVERS = ("sqlite3", "aiosqlite", "pysqlite2")
_FORMAT_DRIVERS = ("psycopg2", "psycopg", "pymysql", "MySQLdb", "mysql", "django")


class SqlInjectionCheck(CallRule):
    rule = RULE
    kind = "sql"
    callee_names = _SINKS

    def check_call(
        self, call: Node, name: str, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        last = name.rsplit(".", 1)[-1]
        if last in _EXECUTE_METHODS:
            if "." not in name:
                return  # a bare function called `execute`, not a cursor method
            query = (
                syntax.argument(call, 0, "sql")
                or syntax.keyword_arg(call, "query")
                or syntax.keyword_arg(call, "operation")
            )
            kind = "execute"
        elif last == "text":
            if name not in ("sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text"):
                return
            query, kind = syntax.argument(call, 0, "text"), "text"
        elif last == "run":
            receiver = syntax.call_receiver(call)
            flow = self.flow_for(call, unit, context)
            imports = py.scope_imports(call, document, context)
            if origins.made_by(receiver, _PG8000_CONNECTIONS, flow, imports, call) is None:
                return
            query, kind = syntax.argument(call, 0, "sql"), "pg8000"
        elif last == "raw":
            if "." not in name:
                return
            query, kind = syntax.argument(call, 0, "raw_query"), "raw"
        elif last == "RawSQL":
            query, kind = syntax.argument(call, 0, "sql"), "rawsql"
        elif last in ("read_sql", "read_sql_query"):
            if not name.startswith(("pandas.", "pd.")):
                return
            query, kind = syntax.argument(call, 0, "sql"), "pandas"
        elif last == "extra":
            yield from self._check_extra(call, unit, document, context)
            return
        else:
            return
        if query is None:
            return
        flow = self.flow_for(call, unit, context)
        imports = py.scope_imports(call, document, context)
        taint = py.taint(query, flow, imports, KIND)
        if taint not in (py.Taint.REQUEST, py.Taint.PARAMETER):
            return  # constants, placeholders, sanitized values, or nothing from outside the function
        build = syntax.string_building(query, flow)
        # RawSQL is always SQL, usually a fragment (`"price * %s"`): with request data no statement
        # shape is needed (a library composing fragments from its own arguments still needs one).
        fragment = kind == "rawsql" and taint == py.Taint.REQUEST
        if build is None or (not fragment and not _looks_like_sql(build.literal_text)):
            if taint != py.Taint.REQUEST or build is not None:
                return  # a wrapper running the SQL its caller passed is judged at the caller
            if syntax.is_call(query) and syntax.callee_attribute(query) in _SINKS:
                return  # `execute(text(...))`: judged at the inner call
            if _built_by_a_call(query, flow):
                return  # `table.insert().values(text=body.text)`: a query object binds its values
            yield RULE.finding(
                document.node_span(call),
                "SQL text comes from the web request; the client chooses the whole statement",
                confidence=Confidence.HIGH,
            )
            return
        if taint == py.Taint.PARAMETER and _only_identifiers(build):
            return  # DDL over names the caller passed: parameters cannot carry identifiers
        confidence = Confidence.HIGH if taint == py.Taint.REQUEST else RULE.confidence
        how = {"f-string": "an f-string", "percent": "% formatting", "format": ".format()", "concat": "+"}[
            build.kind
        ]
        where = " from the web request" if taint == py.Taint.REQUEST else ""
        fixes = []
        fix = _parameterize_fix(call, query, build, kind, document, context, flow)
        if fix is not None:
            fixes.append(fix)
        yield RULE.finding(
            document.node_span(call),
            f"SQL built with {how} from values{where} that reach the query text; pass them as parameters",
            confidence=confidence,
            fixes=fixes,
        )

    def _check_extra(
        self, call: Node, unit: Node, document: Document, context: CheckContext
    ) -> Iterable[Finding]:
        flow = self.flow_for(call, unit, context)
        for keyword_name in ("where", "select", "tables", "order_by"):
            value = syntax.keyword_arg(call, keyword_name)
            if value is None:
                continue
            entries = syntax.dict_entries(value)  # select={"alias": "SQL"}
            if entries is not None:
                elements = [entry_value for _, _, entry_value in entries]
            else:
                items = syntax.sequence_items(value)
                elements = items if items is not None else [value]
            for element in elements:
                build = syntax.string_building(element, flow)
                imports = py.scope_imports(call, document, context)
                tainted = py.taint(element, flow, imports, KIND) in (py.Taint.REQUEST, py.Taint.PARAMETER)
                if build is not None and tainted:
                    yield RULE.finding(
                        document.node_span(call),
                        f"`extra({keyword_name}=...)` gets SQL built from non-literal values; use `params=`",
                    )
                    return


# Calls whose result is still the text they were given.
_TEXT_CALLS = frozenset(
    {"str", "format", "join", "replace", "strip", "lstrip", "rstrip", "lower", "upper", "decode", "get",
     "getlist", "removeprefix", "removesuffix"}
)  # fmt: skip


def _built_by_a_call(query: Node, flow: py.Flow) -> bool:
    """The statement is what some API made of the request data (a SQLAlchemy Core
    ``insert().values(...)``, a query builder), not the data itself or a string made from it."""
    return all(_api_call(py.unparenthesize(v)) for v in syntax.resolve(query, flow))


def _api_call(node: Node) -> bool:
    """A method call on another object (``notes.insert().values(...)``), not a string method and not
    a function or method of this code (``self.render(...)``), whose summary says what it returns."""
    if not syntax.is_call(node) or syntax.callee_attribute(node) in _TEXT_CALLS:
        return False
    function = syntax.callee(node)
    if not syntax.is_attribute(function):
        return False
    root = syntax.chain_root(function)
    if root is None:
        return False
    return not (syntax.is_identifier(root) and syntax.text(root) in ("self", "cls"))


def _looks_like_sql(text: str) -> bool:
    return bool(_SQL_WORDS.search(text))


_PLACEHOLDER_JOIN = re.compile(r"""^\s*(?:\[\s*)?(?P<q>["'])(?:\?|%s)(?P=q)\s*(?:\]\s*)?\*""")


def _is_placeholder_list(node: Node, flow: syntax.Flow) -> bool:
    """`", ".join("?" * len(ids))` and friends: a list of placeholders, not data."""
    for value in syntax.resolve(node, flow):
        if not syntax.is_call(value) or syntax.callee_attribute(value) != "join":
            return False
        function = syntax.callee(value)
        if function is None or not syntax.is_literal_string(syntax.call_receiver(value)):
            return False
        argument = syntax.argument(value, 0)
        if argument is None:
            return False
        if syntax.is_sequence_comprehension(argument):
            body = syntax.body_of(argument)
            if not syntax.is_literal_string(body):
                return False
        elif not _PLACEHOLDER_JOIN.match(syntax.text(argument)):
            return False
    return True


def _is_safe_build(build: syntax.StringBuild, flow: syntax.Flow) -> bool:
    """Every non-literal part is a module constant or a list of placeholders."""
    for part in build.dynamic_parts:
        part = syntax.unparenthesize(part)
        if (syntax.is_identifier(part) or syntax.is_attribute(part)) and _CONSTANT_NAME.match(
            syntax.text(part)
        ):
            continue
        if _is_placeholder_list(part, flow):
            continue
        return False
    return True


# ---------------------------------------------------------------------------------------- the fix


def _style_for(kind: str, document: Document, context: CheckContext) -> str | None:
    if kind == "text":
        return "named"
    if kind == "raw":
        return "format-list"
    if kind != "execute":
        return None
    roots = {q.split(".", 1)[0] for q in py.module_imports(document, context).values()}
    qmark = any(d in roots for d in _QMARK_DRIVERS)
    fmt = any(d in roots for d in _FORMAT_DRIVERS)
    if qmark == fmt:
        return None  # unknown or ambiguous driver: no fix
    return "qmark" if qmark else "format"


_PERCENT_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]|%%")
_FORMAT_PLACEHOLDER = re.compile(r"\{[^{}]*\}|\{\{|\}\}")
_IDENTIFIER_QUOTES = ('"', "`")


def _placeholder_spans(build: syntax.StringBuild) -> list[tuple[str, str]] | None:
    """(query text before, query text after) each interpolated value, or None for other shapes."""
    if build.kind not in ("percent", "format"):
        return None
    pattern = _PERCENT_PLACEHOLDER if build.kind == "percent" else _FORMAT_PLACEHOLDER
    text = build.literal_text
    found = [m for m in pattern.finditer(text) if m.group(0) not in ("%%", "{{", "}}")]
    return [(text[: m.start()], text[m.end() :]) for m in found] or None


def _only_identifiers(build: syntax.StringBuild) -> bool:
    """Every value sits inside identifier quotes the query itself writes (`` `%s` ``, ``"%s"``):
    the author is placing names (tables, columns), which parameters cannot carry; a value or a
    bare name (``FROM {table}``) is still judged."""
    spans = _placeholder_spans(build)
    if spans is None:
        return False
    for before, after in spans:
        quote = before[-1:]
        if quote not in _IDENTIFIER_QUOTES or not after.startswith(quote) or before.count("'") % 2:
            return False
    return True


def _bind_name(code: str, used: set[str]) -> str:
    base = re.sub(r"\W+", "_", code.rsplit(".", 1)[-1]).strip("_") or "param"
    if base[0].isdigit() or keyword.iskeyword(base):
        base = f"p_{base}"
    name, counter = base, 2
    while name in used:
        name, counter = f"{base}_{counter}", counter + 1
    used.add(name)
    return name


_PLACEHOLDER_STYLE = {"qmark": "?", "format": "%s", "format-list": "%s", "named": ":"}


def _placeholder_query(parts: StringParts, style: str) -> tuple[str, list[tuple[str, str]]] | None:
    """(SQL with placeholders, [(bind name, expression code)]), or None when not safely possible:
    the shared placeholder core (``fixes/sql_placeholders.py``) on the string's parts."""
    used: set[str] = set()
    names: dict[int, str] = {}

    def name_of(item: object) -> str:
        return names.setdefault(id(item), _bind_name(item[0], used))  # type: ignore[index]

    core_parts = [("sql", item) if isinstance(item, str) else ("value", item) for item in parts.items]
    rewritten = placeholder_sql(core_parts, _PLACEHOLDER_STYLE[style], name_of=name_of)
    if rewritten is None:
        return None
    sql, values = rewritten
    return sql, [(name_of(item), item[0]) for item in values]  # type: ignore[index]


def _string_literal(value: str, original: str) -> str:
    """A literal for ``value`` in the style (quote, triple quotes) of the original expression."""
    match = re.match(r"[A-Za-z]*(\"\"\"|'''|\"|')", original.lstrip("("))
    quote = match.group(1) if match else '"'
    if len(quote) == 3 and quote not in value and not value.endswith(quote[0]):
        return quote + value.replace("\\", "\\\\") + quote
    quote = quote[0]
    if quote in value and ('"' if quote == "'" else "'") not in value:
        quote = '"' if quote == "'" else "'"
    escaped = (
        value.replace("\\", "\\\\").replace(quote, "\\" + quote).replace("\n", "\\n").replace("\r", "\\r")
    )
    return quote + escaped + quote


def _parameterize_fix(
    call: Node,
    query: Node,
    build: syntax.StringBuild,
    kind: str,
    document: Document,
    context: CheckContext,
    flow: syntax.Flow,
) -> Fix | None:
    import libcst as cst

    style = _style_for(kind, document, context)
    if style is None or syntax.has_star_args(call) or len(syntax.arguments(call)) != 1:
        return None
    build_code = document.node_text(build.node)
    parts = string_parts(build_code)
    if parts is None:
        return None
    result = _placeholder_query(parts, style)
    if result is None:
        return None
    sql, params = result
    new_literal = parse_expression(_string_literal(sql, build_code))
    if new_literal is None:
        return None
    codes = [code for _, code in params]
    if style == "named":
        bind_args = ", ".join(f"{name}={code}" for name, code in params)
        params_arg = None
    elif style == "format-list":
        params_arg = parse_expression(f"[{', '.join(codes)}]")
    else:
        params_arg = parse_expression(
            f"({', '.join(codes)},)" if len(codes) == 1 else f"({', '.join(codes)})"
        )
    if style != "named" and params_arg is None:
        return None

    edits: list[TextEdit] = []
    if build.via is not None:
        # The query came through a variable: rewrite its assignment too, if nothing else reads it.
        if not syntax.variable_only_feeds(query, build, flow):
            return None
        assignment_editor = StatementEditor.for_node(document, build.via.statement)
        if assignment_editor is None:
            return None
        old_value = assignment_editor.locate(build.node, cst.BaseExpression)
        if old_value is None:
            return None
        assignment_editor.replace(old_value, new_literal)
        assignment_edit = assignment_editor.text_edit()
        if assignment_edit is None:
            return None
        edits.append(assignment_edit)

    editor = StatementEditor.for_node(document, call)
    if editor is None:
        return None
    target = editor.locate(call, cst.Call)
    if target is None or len(target.args) != 1:
        return None
    query_arg = target.args[0]
    if build.via is None:
        query_arg = query_arg.with_changes(value=new_literal)
    if style == "named":
        # text("... :name").bindparams(name=value): the binds travel with the text() clause.
        text_call = target.with_changes(args=[query_arg])
        new_call = parse_expression(f"{editor.code(text_call)}.bindparams({bind_args})")
        if new_call is None:
            return None
    else:
        # One argument per line stays one per line: the new argument starts like the first one.
        before_args = target.whitespace_before_args
        separator: cst.BaseParenthesizableWhitespace = cst.SimpleWhitespace(" ")
        if isinstance(before_args, cst.ParenthesizedWhitespace):
            separator = before_args.with_changes(first_line=cst.TrailingWhitespace())  # without its comment
        new_call = target.with_changes(
            args=[
                query_arg.with_changes(
                    comma=cst.Comma(whitespace_after=separator), whitespace_after_arg=cst.SimpleWhitespace("")
                ),
                cst.Arg(
                    value=params_arg,
                    comma=query_arg.comma,
                    whitespace_after_arg=query_arg.whitespace_after_arg,
                ),
            ]
        )
    editor.replace(target, new_call)
    call_edit = editor.text_edit()
    if call_edit is None:
        return None
    edits.append(call_edit)
    placeholder = {"qmark": "?", "format": "%s", "format-list": "%s", "named": ":name"}[style]
    return Fix(f"Use query parameters ({placeholder} placeholders)", edits=tuple(edits), preferred=True)


CHECK = SqlInjectionCheck()
