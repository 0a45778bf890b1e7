"""Quick fixes for the Java rules: tree-sitter-guided text edits.

Each builder looks at the few nodes around a finding and returns a ``Fix`` or ``None``.
``None`` is the answer whenever the result could not be guaranteed to compile and to keep
the code's meaning (an unusual statement shape, a value that cannot become a parameter, a
variable reassigned in between); a fix that might break code is worse than none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tree_sitter import Node

from landguard.engine.findings import Fix, Span, TextEdit
from landguard.fixes.sql_placeholders import placeholder_parts
from landguard.languages.java_syntax import (
    CONSTANT_NAME,
    FORMAT_SPECIFIER,
    MethodScope,
    ModuleFacts,
    call_args,
    call_name,
    call_object,
    concat_leaves,
    import_edit,
    insert_after_statement,
    insert_before_statement,
    line_ending,
    line_indent,
    method_calls,
    node_text,
    statement_of,
    string_literal_value,
    unwrap,
)
from landguard.languages.questions import Questions

if TYPE_CHECKING:
    from landguard.engine.document import Document

# ---------------------------------------------------------------------------- SQL: PreparedStatement

_PREPARABLE = frozenset({"executeQuery", "executeUpdate", "execute", "executeLargeUpdate"})
_SETTERS = {
    "String": "setString",
    "int": "setInt",
    "Integer": "setInt",
    "long": "setLong",
    "Long": "setLong",
    "double": "setDouble",
    "Double": "setDouble",
    "boolean": "setBoolean",
    "Boolean": "setBoolean",
}


@dataclass
class _Piece:
    kind: str  # "literal" (raw text inside quotes), "constant" (expression kept as is), "value"
    text: str
    node: Node | None = None


def _sql_pieces(document: Document, scope: MethodScope, expr: Node) -> list[_Piece] | None:
    """The SQL expression as literal / constant / value pieces, or None when its shape is unusual."""
    expr = unwrap(expr) or expr
    if expr.type == "method_invocation" and call_name(document, expr) == "format":
        obj = call_object(expr)
        args = call_args(expr)
        if obj is None or node_text(document, obj) != "String" or not args:
            return None
        template = args[0]
        if template.type != "string_literal" or any(
            c.type != "string_fragment" for c in template.named_children
        ):
            return None
        fmt = string_literal_value(document, template) or ""
        values = args[1:]
        pieces: list[_Piece] = []
        position = 0
        used = 0
        for match in FORMAT_SPECIFIER.finditer(fmt):
            pieces.append(_Piece("literal", fmt[position : match.start()]))
            position = match.end()
            conversion = match.group(2)
            if conversion == "%":
                pieces.append(_Piece("literal", "%"))
                continue
            if match.group(1) or match.group(0) not in ("%s", "%d") or used >= len(values):
                return None
            value = values[used]
            used += 1
            pieces.append(_piece_for_value(document, scope, value))
        pieces.append(_Piece("literal", fmt[position:]))
        return pieces if used == len(values) else None
    leaves = concat_leaves(document, expr)
    if any(leaf.type == "binary_expression" for leaf in leaves):
        return None  # arithmetic or another operator inside the SQL expression
    if not leaves or unwrap(leaves[0]).type != "string_literal":
        # Java adds numbers before concatenating when the first two operands are not strings.
        return None
    pieces = []
    for leaf in leaves:
        if leaf.type == "string_literal":
            if any(c.type not in ("string_fragment", "escape_sequence") for c in leaf.named_children):
                return None
            pieces.append(_Piece("literal", string_literal_value(document, leaf) or ""))
        else:
            pieces.append(_piece_for_value(document, scope, leaf))
    return pieces


def _piece_for_value(document: Document, scope: MethodScope, node: Node) -> _Piece:
    text = node_text(document, node)
    if node.type == "string_literal" and all(c.type == "string_fragment" for c in node.named_children):
        return _Piece("literal", string_literal_value(document, node) or "")
    if (node.type == "identifier" and scope.is_constant_name(text)) or (
        node.type == "field_access"
        and CONSTANT_NAME.match(node_text(document, node.child_by_field_name("field")))
    ):
        return _Piece("constant", text)
    return _Piece("value", text, node)


def _setter_for(scope: MethodScope, document: Document, node: Node | None) -> str:
    if node is not None and node.type == "identifier":
        return _SETTERS.get(scope.type_of(node_text(document, node)), "setObject")
    return "setObject"


def _placeholder_sql(
    document: Document, scope: MethodScope, pieces: list[_Piece]
) -> tuple[str, list[str]] | None:
    """(the SQL expression with ``?`` placeholders, the setter calls ``setString(1, name)``) or None:
    the shared placeholder core (``fixes/sql_placeholders.py``) on the pieces; a LIKE pattern's
    wildcards are bound with its value (``"%" + name``)."""
    kinds = {"literal": "sql", "constant": "keep", "value": "value"}
    parts = [(kinds[piece.kind], piece.text if piece.kind != "value" else piece) for piece in pieces]
    rewritten = placeholder_parts(parts, "?", wildcards=True)
    if rewritten is None:
        return None
    query, bound = rewritten
    setters: list[str] = []
    for number, binding in enumerate(bound, start=1):
        piece: _Piece = binding.value  # type: ignore[assignment]
        setter = _setter_for(scope, document, piece.node)
        if not binding.quoted and setter == "setString":
            # An unquoted String compares as a number in the SQL; bound as text it may not (PostgreSQL).
            return None
        value = piece.text
        if binding.prefix or binding.suffix:  # LIKE '%x%': the wildcards travel with the value
            value = f'"{binding.prefix}" + {value}' if binding.prefix else value
            value = f'{value} + "{binding.suffix}"' if binding.suffix else value
            setter = "setString"
        setters.append(f"{setter}({number}, {value})")
    rendered = [str(text) if kind == "keep" else f'"{text}"' for kind, text in query]
    if query[0][0] == "keep":
        rendered.insert(0, '""')  # String concatenation from the start, whatever the constant's type
    return " + ".join(rendered), setters


def _assigned_between(
    scope: MethodScope, document: Document, pieces: list[_Piece], start: int, end: int
) -> bool:
    """Whether a variable used by a moved value is assigned between byte offsets ``start`` and ``end``."""
    for piece in pieces:
        if piece.node is None:
            continue
        names = {node_text(document, piece.node)} if piece.node.type == "identifier" else set()
        for name in names:
            for op, value in scope.values.get(name, ()):
                if start <= value.start_byte < end and op != "item":
                    return True
    return False


def _declared_before(document: Document, scope: MethodScope, pieces: list[_Piece], position: int) -> bool:
    """Whether every local a moved value reads is declared before ``position`` (where the setters go)."""
    for piece in pieces:
        stack = [piece.node] if piece.node is not None else []
        while stack:
            node = stack.pop()
            if node.type == "identifier" and scope.declared_at.get(node_text(document, node), -1) >= position:
                return False
            stack.extend(node.named_children)
    return True


def _single_local_initializer(scope: MethodScope, name: str) -> Node | None:
    """The initializer of a local assigned exactly once, in its declaration."""
    values = scope.values.get(name, [])
    if len(values) != 1 or values[0][0] != "=" or name in scope.parameters:
        return None
    value = values[0][1]
    declarator = value.parent
    if declarator is None or declarator.type != "variable_declarator":
        return None
    return value


def _mentions(document: Document, unit: Node, name: str) -> int:
    """How often ``name`` appears as a word in the unit (declaration included)."""
    return len(re.findall(rf"\b{re.escape(name)}\b", node_text(document, unit)))


def _fresh_name(scope: MethodScope, base: str) -> str:
    name, number = base, 2
    while name in scope.types or name in scope.values:
        name, number = f"{base}{number}", number + 1
    return name


def parameterize_statement(
    document: Document, scope: MethodScope, facts: ModuleFacts, call: Node
) -> Fix | None:
    """Rewrite ``st.executeQuery(sql)`` on a ``createStatement()`` statement into a PreparedStatement."""
    if call_name(document, call) not in _PREPARABLE:
        return None
    args = call_args(call)
    if len(args) != 1:
        return None
    sql_arg = unwrap(args[0]) or args[0]
    execute_statement = statement_of(call)
    if execute_statement is None:
        return None
    # Where the SQL expression lives: inline, or a local initialised once.
    sql_initializer: Node | None = None
    if sql_arg.type == "identifier":
        sql_name = node_text(document, sql_arg)
        sql_initializer = _single_local_initializer(scope, sql_name)
        if sql_initializer is None or _mentions(document, scope.unit, sql_name) != 2:
            return None  # used elsewhere too: the placeholder SQL would reach code without the setters
        sql_expr = sql_initializer
    else:
        sql_expr = sql_arg
    pieces = _sql_pieces(document, scope, sql_expr)
    if pieces is None:
        return None
    rendered = _placeholder_sql(document, scope, pieces)
    if rendered is None:
        return None
    new_sql, setters = rendered
    if not _declared_before(document, scope, pieces, execute_statement.start_byte):
        return None  # e.g. the loop variable of an unbraced for: the setters would precede it
    arguments_node = call.child_by_field_name("arguments")
    obj = unwrap(call_object(call))
    if obj is None:
        return None
    edits: list[TextEdit] = []
    if obj.type == "method_invocation" and call_name(document, obj) == "createStatement":
        # conn.createStatement().executeQuery(...): declare a PreparedStatement before the statement.
        if call_args(obj):
            return None
        if sql_initializer is not None and _assigned_between(
            scope, document, pieces, sql_initializer.end_byte, execute_statement.start_byte
        ):
            return None
        connection = node_text(document, call_object(obj)) if call_object(obj) is not None else ""
        if not connection:
            return None
        name = _fresh_name(scope, "ps")
        prepared_arg = node_text(document, sql_arg) if sql_initializer is not None else new_sql
        lines = [f"PreparedStatement {name} = {connection}.prepareStatement({prepared_arg});"]
        lines += [f"{name}.{setter};" for setter in setters]
        # One edit from the statement's start to the call's end: an insertion and a replacement
        # starting at the same position would have no defined order.
        statement_span = document.node_span(execute_statement)
        call_span = document.node_span(call)
        indent = line_indent(document, statement_span.start_line)
        before_call = document.source[execute_statement.start_byte : call.start_byte].decode(
            "utf-8", "replace"
        )
        eol = line_ending(document)
        replacement = "".join(f"{line}{eol}{indent}" for line in lines)
        replacement += f"{before_call}{name}.{call_name(document, call)}()"
        edits.append(
            TextEdit(
                Span(
                    statement_span.start_line, statement_span.start_col, call_span.end_line, call_span.end_col
                ),
                replacement,
            )
        )
    elif obj.type == "identifier":
        statement_name = node_text(document, obj)
        values = scope.values.get(statement_name, [])
        if len(values) != 1 or values[0][0] != "=":
            return None
        creation = unwrap(values[0][1])
        if (
            creation is None
            or creation.type != "method_invocation"
            or call_name(document, creation) != "createStatement"
            or call_args(creation)
            or call_object(creation) is None
        ):
            return None
        declaration = creation.parent
        if declaration.type == "variable_declarator":
            declaration = declaration.parent
            if len(declaration.children_by_field_name("declarator")) != 1:
                return None
        if declaration.type not in ("local_variable_declaration", "resource"):
            return None
        type_node = declaration.child_by_field_name("type")
        if type_node is None or node_text(document, type_node) not in ("Statement", "java.sql.Statement"):
            return None
        if declaration.end_byte > execute_statement.start_byte and declaration.type != "resource":
            return None
        if declaration.start_byte > call.start_byte:
            return None
        if _other_executions(document, scope, statement_name, call):
            return None
        if sql_initializer is not None:
            if sql_initializer.start_byte > declaration.start_byte:
                return None  # prepareStatement(sql) would read sql before it is declared
            if _assigned_between(
                scope, document, pieces, sql_initializer.end_byte, execute_statement.start_byte
            ):
                return None
            prepared_arg = node_text(document, sql_arg)
        else:
            # The values are still read right before the execution, as they were in the call.
            prepared_arg = new_sql
        if execute_statement.start_byte < declaration.end_byte:
            # The execute call sits in the same try-with-resources header as the declaration.
            return None
        edits.append(TextEdit(document.node_span(type_node), "PreparedStatement"))
        edits.append(TextEdit(document.node_span(creation.child_by_field_name("name")), "prepareStatement"))
        edits.append(
            TextEdit(document.node_span(creation.child_by_field_name("arguments")), f"({prepared_arg})")
        )
        edits.append(
            insert_before_statement(document, execute_statement, [f"{statement_name}.{s};" for s in setters])
        )
        edits.append(TextEdit(document.node_span(arguments_node), "()"))
    else:
        return None
    if sql_initializer is not None:
        edits.append(TextEdit(document.node_span(sql_initializer), new_sql))
    extra = import_edit(document, facts, "java.sql.PreparedStatement")
    if extra is not None:
        edits.append(extra)
    return Fix("Use a PreparedStatement with ? placeholders", tuple(edits), preferred=True)


def _other_executions(document: Document, scope: MethodScope, name: str, call: Node) -> bool:
    """Whether the statement variable runs other SQL strings (PreparedStatement would reject them)."""
    for _execution, other, _name in _EXECUTIONS.ask(scope.unit, document):
        if other.id == call.id:
            continue
        obj = call_object(other)
        if obj is not None and node_text(document, obj) == name and call_args(other):
            return True
    return False


_EXECUTIONS = Questions(
    execution=method_calls(("execute", "executeQuery", "executeUpdate", "executeLargeUpdate", "addBatch"))
)


# ---------------------------------------------------------------------------- small replacements


def replace_literal(document: Document, literal: Node, new_value: str, title: str) -> Fix:
    """Replace a string literal's content (``"MD5"`` -> ``"SHA-256"``)."""
    return Fix(title, (TextEdit(document.node_span(literal), f'"{new_value}"'),), preferred=True)


def replace_node(
    document: Document, node: Node, new_text: str, title: str, extra: TextEdit | None = None
) -> Fix:
    edits = [TextEdit(document.node_span(node), new_text)]
    if extra is not None:
        edits.append(extra)
    return Fix(title, tuple(edits), preferred=True)


def add_calls_after_declaration(
    document: Document, declaration: Node, calls: list[str], title: str
) -> Fix | None:
    """Insert statements (``factory.setFeature(...)``) right after the statement declaring a variable."""
    statement = statement_of(declaration)
    if statement is None or statement.type != "local_variable_declaration":
        return None
    return Fix(title, (insert_after_statement(document, statement, calls),), preferred=True)
