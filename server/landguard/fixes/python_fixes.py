"""Python quick fixes: libcst rewrites of the one statement being fixed.

Detection found a tree-sitter node; ``StatementEditor`` parses only the text of the simple
statement around it with libcst (never the whole file: a statement parses in well under a
millisecond, a large module in hundreds), finds the libcst node at the same position, lets the
rule replace nodes, and turns the result into one ``TextEdit`` over the statement. libcst keeps
everything it is not told to change — comments, line breaks, quotes — byte for byte.

A target inside a compound statement's header (``with httpx.Client(verify=False) as c:``) is
edited as an expression on its own (parsed as ``(expression)``). Code libcst cannot parse on its
own (half-written code) gets no fix: a fix must be safe or absent.

libcst is imported by the functions that build a fix, never at module level: detection does not
need it, and loading it costs a fresh process a few hundred milliseconds before its first
diagnostics. Rule modules do the same (``import libcst as cst`` inside their fix builders).

``string_parts`` splits a string-building expression (f-string, ``%``, ``.format()``, ``+``) into
literal text and expression source, for fixes that move values out of a string (SQL parameters,
argument lists).

``module_reference`` gives the local name to use for a module the fix needs (``ast``,
``secrets``): the existing import's name when the scope already imports it, else the module
name plus an edit inserting ``import module`` on its own line just above the fixed statement.
The import goes there rather than at the top of the file because a fix travels with its
unit when lines above move (cached findings are shifted, not recomputed), so every edit of a
fix must lie inside the unit it belongs to.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tree_sitter import Node

from landguard.engine.document import Document
from landguard.engine.findings import Fix, Span, TextEdit

if TYPE_CHECKING:
    import libcst as cst

SIMPLE_STATEMENTS = frozenset(
    {
        "expression_statement",
        "return_statement",
        "assert_statement",
        "delete_statement",
        "raise_statement",
        "print_statement",
        "exec_statement",
    }
)
_STOP = frozenset({"block", "module", "decorator"})


def enclosing_statement(node: Node) -> Node | None:
    """The simple statement containing ``node``; None inside a compound statement's header."""
    current: Node | None = node
    while current is not None:
        if current.type in SIMPLE_STATEMENTS:
            return current
        if (
            current.type in _STOP
            or current.type.endswith("_clause")
            or current.type
            in (
                "if_statement",
                "for_statement",
                "while_statement",
                "with_statement",
                "function_definition",
                "class_definition",
                "match_statement",
                "try_statement",
            )
        ):
            return None
        current = current.parent
    return None


def line_statement(node: Node) -> Node | None:
    """The statement of a block (or the module) that contains ``node``: where an import can go above."""
    current: Node | None = node
    while current is not None and current.parent is not None:
        if current.parent.type in ("block", "module"):
            return current
        current = current.parent
    return None


def starts_line(document: Document, node: Node) -> bool:
    """Only whitespace precedes ``node`` on its first line."""
    line = document.lines[node.start_point[0]]
    span = document.node_span(node)
    return not line[: span.start_col].strip()


def line_indent(document: Document, node: Node) -> str:
    line = document.lines[node.start_point[0]]
    return line[: len(line) - len(line.lstrip())]


class StatementEditor:
    """Edit one statement with libcst; see the module docs."""

    def __init__(
        self, document: Document, statement: Node, module: cst.Module, positions, *, expression: bool = False
    ) -> None:
        self.document = document
        self.statement = statement
        self.module = module
        self._positions = positions
        # Expression mode: the snippet is `(expression)`, so columns on its first line are off by one.
        self._expression = expression
        self._replacements: dict[int, cst.CSTNode] = {}

    @classmethod
    def open(
        cls, document: Document, statement: Node | None, *, expression: bool = False
    ) -> StatementEditor | None:
        if statement is None or statement.has_error:
            return None
        snippet = document.node_text(statement)
        if expression:
            snippet = f"({snippet})\n"
        import libcst as cst
        from libcst.metadata import MetadataWrapper, PositionProvider

        try:
            module = cst.parse_module(snippet)
            wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
            positions = wrapper.resolve(PositionProvider)
        except Exception:  # libcst raises several error types on bad input; any means: no fix
            return None
        return cls(document, statement, module, positions, expression=expression)

    @classmethod
    def for_node(cls, document: Document, node: Node) -> StatementEditor | None:
        """The statement around ``node``; in a compound statement's header, ``node`` alone as an expression."""
        statement = enclosing_statement(node)
        if statement is not None:
            return cls.open(document, statement)
        return cls.open(document, node, expression=True)

    def _relative(self, byte: int) -> tuple[int, int]:
        prefix = self.document.source[self.statement.start_byte : byte].decode("utf-8", errors="replace")
        line = prefix.count("\n")
        col = len(prefix) - (prefix.rfind("\n") + 1)
        if self._expression and line == 0:
            col += 1
        return line + 1, col

    def locate(self, node: Node, kind: type[cst.CSTNode]) -> cst.CSTNode | None:
        """The libcst node of type ``kind`` spanning exactly the tree-sitter ``node``."""
        start = self._relative(node.start_byte)
        end = self._relative(node.end_byte)
        best = None
        for candidate, code_range in self._positions.items():
            if not isinstance(candidate, kind):
                continue
            if (code_range.start.line, code_range.start.column) == start and (
                code_range.end.line,
                code_range.end.column,
            ) == end:
                # Parenthesised nodes share a range with their content; take the outermost match.
                best = candidate
                break
        return best

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def replace(self, old: cst.CSTNode, new: cst.CSTNode) -> None:
        self._replacements[id(old)] = new

    def text_edit(self) -> TextEdit | None:
        if not self._replacements:
            return None
        replacements = self._replacements
        import libcst as cst

        class _Replace(cst.CSTTransformer):
            def on_leave(self, original_node, updated_node):  # type: ignore[override]
                return replacements.get(id(original_node), updated_node)

        try:
            new_module = self.module.visit(_Replace())
            new_code = new_module.code
            cst.parse_module(new_code)  # what we emit must parse
        except Exception:  # a replacement libcst cannot render or parse: no fix
            return None
        if new_code == self.module.code:
            return None
        if self._expression:
            if not (new_code.startswith("(") and new_code.endswith(")\n")):
                return None
            new_code = new_code[1:-2]
        return TextEdit(self.document.node_span(self.statement), new_code)


def rewrite_fix(
    document: Document,
    node: Node,
    kind: type[cst.CSTNode],
    rewrite: Callable[[StatementEditor, Any], cst.CSTNode | None],
    title: str,
    *,
    preferred: bool = True,
    unsafe: bool = False,
) -> Fix | None:
    """A fix replacing the libcst node of ``kind`` at ``node`` by ``rewrite(editor, target)``
    (None: no fix), as one edit of its statement: the usual open - locate - replace - edit."""
    editor = StatementEditor.for_node(document, node)
    if editor is None:
        return None
    target = editor.locate(node, kind)
    if target is None:
        return None
    replacement = rewrite(editor, target)
    if replacement is None:
        return None
    editor.replace(target, replacement)
    edit = editor.text_edit()
    return Fix(title, edits=(edit,), preferred=preferred, unsafe=unsafe) if edit is not None else None


def module_reference(
    document: Document, imports: dict[str, str], module: str, statement: Node
) -> tuple[str, TextEdit | None] | None:
    """(expression naming ``module`` here, dotted or not, and an edit adding ``import module`` or
    None); None if that cannot be done safely."""
    for local, qualified in imports.items():
        if qualified == module:
            return local, None
    top = module.split(".", 1)[0]
    bound = imports.get(top)
    # `import defusedxml` (or `import defusedxml.minidom`) binds the same top name: importing the
    # submodule again is harmless. A top name bound to anything else must not be shadowed.
    if bound is not None and bound != top or not starts_line(document, statement):
        return None  # the name means something else here, or there is no line to put the import on
    line = statement.start_point[0]
    return module, TextEdit(Span(line, 0, line, 0), f"{line_indent(document, statement)}import {module}\n")


def parse_expression(code: str) -> cst.BaseExpression | None:
    import libcst as cst

    try:
        return cst.parse_expression(code)
    except Exception:  # invalid generated code means no fix
        return None


def call_without_keyword(call: cst.Call, keyword: str) -> cst.Call:
    """``call`` minus the keyword argument ``keyword``, commas tidied."""
    import libcst as cst

    args = [a for a in call.args if not (a.keyword is not None and a.keyword.value == keyword)]
    removed_last = call.args and call.args[-1].keyword is not None and call.args[-1].keyword.value == keyword
    if args and removed_last:
        # The new last argument takes over the removed one's trailing comma and line break,
        # without its comment (which spoke about the removed argument).
        comma = call.args[-1].comma
        if isinstance(comma, cst.Comma) and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace):
            comma = comma.with_changes(
                whitespace_after=comma.whitespace_after.with_changes(first_line=cst.TrailingWhitespace())
            )
        args[-1] = args[-1].with_changes(comma=comma)
    return call.with_changes(args=args)


def call_with_keyword(call: cst.Call, keyword: str, value: cst.BaseExpression) -> cst.Call:
    """``call`` with ``keyword=value`` set (replaced if present, appended otherwise)."""
    import libcst as cst

    args = list(call.args)
    for index, arg in enumerate(args):
        if arg.keyword is not None and arg.keyword.value == keyword:
            args[index] = arg.with_changes(value=value)
            return call.with_changes(args=args)
    new_arg = cst.Arg(
        value=value,
        keyword=cst.Name(keyword),
        equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
        ),
    )
    if args:
        last = args[-1]
        trailing = last.comma
        args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        if isinstance(trailing, cst.Comma):
            new_arg = new_arg.with_changes(comma=trailing)
    args.append(new_arg)
    return call.with_changes(args=args)


@dataclass
class StringParts:
    """A query as literal text and expressions (source code), in order."""

    items: list[str | tuple[str]]  # str: literal SQL text; (code,): a Python expression


def string_parts(code: str) -> StringParts | None:
    """Split a string-building expression (f-string, ``%``, ``.format()``, ``+``) into parts.

    Literal parts are the string's *values*; expression parts are ``(source code,)`` tuples.
    None when some part cannot be represented exactly (conversions, format specs, ``*args``).
    """
    wrapped = f"({code})"
    try:
        tree = ast.parse(wrapped, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    items: list[str | tuple[str]] = []
    if not _collect(tree, wrapped, items):
        return None
    return StringParts(items)


def _segment(node: ast.AST, source: str) -> str | None:
    return ast.get_source_segment(source, node)


def _collect(node: ast.expr, source: str, items: list[str | tuple[str]]) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        items.append(node.value)
        return True
    if isinstance(node, ast.JoinedStr):
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                items.append(value.value)
            elif isinstance(value, ast.FormattedValue):
                if value.conversion != -1 or value.format_spec is not None:
                    return False
                segment = _segment(value.value, source)
                if segment is None:
                    return False
                items.append((segment,))
            else:
                return False
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _collect(node.left, source, items) and _collect(node.right, source, items)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        if not (isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)):
            return False
        return _collect_percent(node.left.value, node.right, source, items)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and isinstance(node.func.value, ast.Constant)
        and isinstance(node.func.value.value, str)
    ):
        return _collect_format(node.func.value.value, node, source, items)
    if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript, ast.Call)):
        segment = _segment(node, source)
        if segment is None:
            return False
        items.append((segment,))
        return True
    return False


_PERCENT = re.compile(r"%(?:\((?P<name>\w+)\))?(?P<flags>[-#0 +]*\d*(?:\.\d+)?)(?P<conv>[sdifr%])")


def _collect_percent(template: str, right: ast.expr, source: str, items: list[str | tuple[str]]) -> bool:
    specs = list(_PERCENT.finditer(template))
    values = [s for s in specs if s.group("conv") != "%"]
    if any(s.group("name") or s.group("flags") for s in values):
        return False
    if isinstance(right, ast.Tuple):
        arguments = right.elts
    elif len(values) == 1 and not isinstance(right, (ast.List, ast.Dict, ast.Starred)):
        arguments = [right]
    else:
        return False
    if len(arguments) != len(values) or any(isinstance(a, ast.Starred) for a in arguments):
        return False
    position = 0
    index = 0
    for spec in specs:
        items.append(template[position : spec.start()])
        if spec.group("conv") == "%":
            items.append("%")
        else:
            segment = _segment(arguments[index], source)
            if segment is None:
                return False
            items.append((segment,))
            index += 1
        position = spec.end()
    items.append(template[position:])
    return True


def _collect_format(template: str, call: ast.Call, source: str, items: list[str | tuple[str]]) -> bool:
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return False
    keywords = {k.arg: k.value for k in call.keywords}
    auto = 0
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return False
    for literal, field, spec, conversion in parsed:
        items.append(literal)
        if field is None:
            continue
        if spec or conversion:
            return False
        if field == "":
            if auto >= len(call.args):
                return False
            value: ast.expr | None = call.args[auto]
            auto += 1
        elif field.isdigit():
            value = call.args[int(field)] if int(field) < len(call.args) else None
        else:
            value = keywords.get(field)
        if value is None:
            return False
        segment = _segment(value, source)
        if segment is None:
            return False
        items.append((segment,))
    return True
