"""Shared machinery of the Java rules (LG4xx): what a method knows about its values.

The engine hands a Java check one *unit* at a time: a member of a top-level class (a
method, constructor, field) or a top-level declaration. Within a unit, ``MethodScope``
collects, with one tree-sitter query, what the rules need to judge an expression:

- the declared type of every parameter and local variable;
- every value a local receives (initialiser, ``=``, ``+=``, ``StringBuilder.append``);
- which names carry request data: Spring ``@RequestParam``/``@PathVariable``/``@RequestBody``
  parameters, and values read from an ``HttpServletRequest`` (``getParameter``, ``getHeader``,
  ``getCookies`` ...), followed through assignments and string building.

``string_shape`` then says of an expression whether it is a constant string or is built
from non-constant pieces (``+``, ``+=``, ``String.format``, ``concat``, ``StringBuilder``),
and whether request data flows into it. Class-level facts (imports, ``static final``
constants, field types) come from ``module_facts`` and are part of every Java check's
``module_context_key``, so cached results are recomputed when they change.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tree_sitter import Node, QueryCursor

from landguard.dataflow import ir
from landguard.dataflow.interpret import FileAnalysis, FunctionFacts, SinkHit
from landguard.dataflow.models import load_models
from landguard.dataflow.values import PARAMETER, REQUEST
from landguard.engine.findings import Confidence, Span, TextEdit
from landguard.engine.languages import query
from landguard.engine.registry import CheckContext, NodeCheck
from landguard.languages import java as java_adapter

if TYPE_CHECKING:
    from landguard.engine.document import Document

JAVA = "java"
LANGUAGES = frozenset({JAVA})

# Methods of HttpServletRequest (and Spring's WebRequest) that return attacker-controlled data.
REQUEST_SOURCE_METHODS = frozenset(
    {
        "getParameter",
        "getParameterValues",
        "getParameterMap",
        "getParameterNames",
        "getHeader",
        "getHeaders",
        "getHeaderNames",
        "getCookies",
        "getQueryString",
        "getInputStream",
        "getReader",
        "getRequestURI",
        "getRequestURL",
        "getPathInfo",
        "getPart",
        "getParts",
    }
)
# Spring parameter annotations whose value is bound from the HTTP request.
REQUEST_ANNOTATIONS = frozenset(
    {
        "RequestParam",
        "PathVariable",
        "RequestBody",
        "RequestHeader",
        "CookieValue",
        "ModelAttribute",
        "MatrixVariable",
        "RequestPart",
    }
)
REQUEST_OBJECT_NAMES = frozenset({"request", "req", "httprequest", "servletrequest", "httpservletrequest"})
NUMERIC_TYPES = frozenset(
    {
        "int",
        "long",
        "short",
        "byte",
        "double",
        "float",
        "boolean",
        "char",
        "Integer",
        "Long",
        "Short",
        "Byte",
        "Double",
        "Float",
        "Boolean",
        "UUID",
        "BigDecimal",
        "BigInteger",
        "LocalDate",
        "LocalDateTime",
        "Instant",
    }
)
# Calls whose result is safe to embed: escaping/encoding helpers and parsers to numbers.
SANITIZER_NAME = re.compile(r"escape|encode|sanitize|quote|parseInt|parseLong|parseDouble|getFileName", re.I)
SANITIZER_CLASSES = frozenset({"Integer", "Long", "Short", "Double", "Float", "Boolean", "UUID"})
# Calls that pass their object's or arguments' taint through to their result.
STRING_PASS_THROUGH = frozenset(
    {
        "format",
        "formatted",
        "valueOf",
        "join",
        "concat",
        "append",
        "toString",
        "trim",
        "strip",
        "toLowerCase",
        "toUpperCase",
        "replace",
        "replaceAll",
        "substring",
        "get",
        "getOrDefault",
        "getFirst",
    }
)
CONSTANT_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
FORMAT_SPECIFIER = re.compile(r"%(?:(\d+\$)?[-#+ 0,(]*\d*(?:\.\d+)?([a-zA-Z%]))")


# ---------------------------------------------------------------------------- small node helpers


def node_text(document: Document, node: Node | None) -> str:
    return document.node_text(node) if node is not None else ""


def call_name(document: Document, call: Node) -> str:
    return node_text(document, call.child_by_field_name("name"))


def call_object(call: Node) -> Node | None:
    return call.child_by_field_name("object")


def call_args(call: Node) -> list[Node]:
    arguments = call.child_by_field_name("arguments")
    if arguments is None:
        return []
    return [
        child for child in arguments.named_children if child.type not in ("line_comment", "block_comment")
    ]


def unwrap(node: Node | None) -> Node | None:
    """The expression inside parentheses and casts."""
    while node is not None and node.type in ("parenthesized_expression", "cast_expression"):
        inner = node.child_by_field_name("value") if node.type == "cast_expression" else node.named_child(0)
        if inner is None:
            break
        node = inner
    return node


def simple_type(type_text: str) -> str:
    """``java.util.Random`` -> ``Random``; ``List<String>`` -> ``List``; ``final String`` -> ``String``."""
    base = type_text.split("<", 1)[0].strip()
    return base.rsplit(".", 1)[-1].strip()


def string_literal_value(document: Document, node: Node | None) -> str | None:
    """The text of a string literal (escapes left as written), or None when ``node`` is not one."""
    node = unwrap(node)
    if node is None or node.type != "string_literal":
        return None
    return "".join(
        node_text(document, child)
        for child in node.named_children
        if child.type in ("string_fragment", "multiline_string_fragment", "escape_sequence")
    )


def concat_leaves(document: Document, node: Node) -> list[Node]:
    """The operands of a chain of ``+`` (left to right), without recursion; other nodes are leaves."""
    leaves: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if (
            current.type == "binary_expression"
            and node_text(document, current.child_by_field_name("operator")) == "+"
        ):
            left, right = current.child_by_field_name("left"), current.child_by_field_name("right")
            stack.extend(child for child in (right, left) if child is not None)
        else:
            leaves.append(current)
    return leaves


def unit_bytes(document: Document, unit: Node) -> bytes:
    return document.source[unit.start_byte : unit.end_byte]


def matches(pattern: str, node: Node) -> list[tuple[int, dict[str, list[Node]]]]:
    """Matches of a cached Java query under ``node``."""
    return QueryCursor(query(JAVA, pattern)).matches(node)


_STATEMENT_LISTS = frozenset({"block", "constructor_body", "switch_block_statement_group"})


def statement_of(node: Node) -> Node | None:
    """The statement directly inside a block that contains ``node`` (None when it is not in a block)."""
    current: Node | None = node
    while current is not None and current.parent is not None:
        if current.parent.type in _STATEMENT_LISTS:
            return (
                current
                if current.type.endswith("statement") or current.type.endswith("declaration")
                else None
            )
        if current.type in (
            "lambda_expression",
            "class_body",
            "method_declaration",
            "constructor_declaration",
        ):
            return None
        current = current.parent
    return None


def line_ending(document: Document) -> str:
    """The document's line terminator, so inserted lines match the file (CRLF on Windows files)."""
    first = document.text.find("\n")
    return "\r\n" if first > 0 and document.text[first - 1] == "\r" else "\n"


def line_indent(document: Document, line: int) -> str:
    text = document.lines[line] if line < len(document.lines) else ""
    return text[: len(text) - len(text.lstrip())]


def insert_after_statement(document: Document, statement: Node, lines: Iterable[str]) -> TextEdit:
    """An edit adding ``lines`` (indented like ``statement``) on new lines right after it."""
    span = document.node_span(statement)
    indent = line_indent(document, span.start_line)
    eol = line_ending(document)
    text = "".join(f"{eol}{indent}{line}" for line in lines)
    rest = document.lines[span.end_line][span.end_col :].strip()
    # A trailing line comment stays with the statement it annotates.
    column = len(document.lines[span.end_line]) if rest.startswith("//") else span.end_col
    return TextEdit(Span.on_line(span.end_line, column, column), text)


def insert_before_statement(document: Document, statement: Node, lines: Iterable[str]) -> TextEdit:
    span = document.node_span(statement)
    indent = line_indent(document, span.start_line)
    eol = line_ending(document)
    text = "".join(f"{line}{eol}{indent}" for line in lines)
    return TextEdit(Span.on_line(span.start_line, span.start_col, span.start_col), text)


def enclosing_method_name(document: Document, node: Node) -> str:
    current = node.parent
    while current is not None:
        if current.type in ("method_declaration", "constructor_declaration"):
            return node_text(document, current.child_by_field_name("name"))
        current = current.parent
    return ""


def split_words(name: str) -> list[str]:
    """``generateResetToken`` / ``RESET_TOKEN`` -> ``['generate', 'reset', 'token']``."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w.lower() for w in re.split(r"[\s_\-]+", spaced) if w]


# ---------------------------------------------------------------------------- module facts


@dataclass(frozen=True)
class ModuleFacts:
    """What Java units depend on outside themselves."""

    imports: frozenset[str]
    constants: tuple[tuple[str, str], ...]  # name -> literal text of static final String fields
    field_types: tuple[tuple[str, str], ...]  # field name -> simple type
    import_line: int  # line after which a new import goes
    import_needs_blank: bool  # no import yet: separate the new one from the package line
    line_ending: str = "\n"  # inserted lines use it, so cached fixes depend on it

    @functools.cached_property
    def constant_values(self) -> dict[str, str]:
        return dict(self.constants)

    @functools.cached_property
    def field_type_map(self) -> dict[str, str]:
        return dict(self.field_types)

    def imports_class(self, qualified: str) -> bool:
        package = qualified.rsplit(".", 1)[0]
        return qualified in self.imports or f"{package}.*" in self.imports

    def key(self) -> tuple:
        return (self.imports, self.constants, self.field_types, self.line_ending)


_CLASS_TYPES = frozenset(
    {"class_declaration", "interface_declaration", "enum_declaration", "record_declaration"}
)


def module_facts(document: Document, context: CheckContext) -> ModuleFacts:
    """Imports and class-level fields of the document, computed once per analysis run."""
    cached = context.cache.get("java.module")
    if cached is not None:
        return cached
    imports: set[str] = set()
    constants: dict[str, str] = {}
    field_types: dict[str, str] = {}
    import_line, needs_blank = -1, True
    root = document.tree.root_node if document.tree is not None else None
    for child in root.named_children if root is not None else ():
        if child.type == "package_declaration":
            import_line = child.end_point[0]
        elif child.type == "import_declaration":
            text = node_text(document, child)
            name = re.sub(r"\s+", "", text.removeprefix("import").rstrip(";"))
            if not name.startswith("static"):
                imports.add(name)
            import_line, needs_blank = child.end_point[0], False
        elif child.type in _CLASS_TYPES:
            _collect_fields(document, child, constants, field_types)
    facts = ModuleFacts(
        frozenset(imports),
        tuple(sorted(constants.items())),
        tuple(sorted(field_types.items())),
        import_line,
        needs_blank and import_line >= 0,
        line_ending(document),
    )
    context.cache["java.module"] = facts
    return facts


def _collect_fields(
    document: Document, declaration: Node, constants: dict[str, str], types: dict[str, str]
) -> None:
    body = declaration.child_by_field_name("body")
    if body is None:
        return
    for member in body.named_children:
        if member.type not in ("field_declaration", "constant_declaration"):
            continue
        modifiers = next((c for c in member.children if c.type == "modifiers"), None)
        is_final = member.type == "constant_declaration" or (
            modifiers is not None and "final" in node_text(document, modifiers).split()
        )
        type_text = simple_type(node_text(document, member.child_by_field_name("type")))
        for declarator in member.children_by_field_name("declarator"):
            name = node_text(document, declarator.child_by_field_name("name"))
            types[name] = type_text
            value = declarator.child_by_field_name("value")
            literal = _constant_literal(document, value)
            if is_final and literal is not None:
                constants[name] = literal


def _constant_literal(document: Document, value: Node | None) -> str | None:
    """The text of a literal or a concatenation of literals; None otherwise."""
    value = unwrap(value)
    if value is None:
        return None
    if value.type == "string_literal":
        return string_literal_value(document, value)
    if value.type in ("decimal_integer_literal", "hex_integer_literal", "true", "false", "character_literal"):
        return node_text(document, value)
    if (
        value.type == "binary_expression"
        and node_text(document, value.child_by_field_name("operator")) == "+"
    ):
        left = _constant_literal(document, value.child_by_field_name("left"))
        right = _constant_literal(document, value.child_by_field_name("right"))
        if left is not None and right is not None:
            return left + right
    return None


def import_edit(document: Document, facts: ModuleFacts, qualified: str) -> TextEdit | None:
    """An edit adding ``import qualified;`` unless the class is already imported."""
    if facts.imports_class(qualified):
        return None
    if facts.import_line < 0:
        eol = line_ending(document)
        return TextEdit(Span.on_line(0, 0, 0), f"import {qualified};{eol}{eol}")
    line = facts.import_line
    end = len(document.lines[line])
    eol = line_ending(document)
    prefix = eol * 2 if facts.import_needs_blank else eol
    return TextEdit(Span.on_line(line, end, end), f"{prefix}import {qualified};")


# ---------------------------------------------------------------------------- method scope

_SCOPE_QUERY = """
(formal_parameter type: (_) @type name: (identifier) @name) @param
(local_variable_declaration type: (_) @type declarator: (variable_declarator name: (identifier) @name value: (_)? @value))
(resource type: (_) @type name: (identifier) @name value: (_) @value)
(assignment_expression left: (identifier) @name right: (_) @value) @assign
(enhanced_for_statement type: (_) @type name: (identifier) @name value: (_) @value)
(method_invocation name: (identifier) @method (#any-of? @method "append" "insert" "add" "put")) @append
(catch_formal_parameter (catch_type) @type name: (identifier) @name)
"""


@dataclass
class StringShape:
    """How a string expression is built: its literal text, and its non-constant pieces."""

    literal_text: str = ""
    dynamic: list[Node] = field(default_factory=list)
    tainted: bool = False

    @property
    def is_dynamic(self) -> bool:
        return bool(self.dynamic)


class MethodScope:
    """Types, values and request-derived names of one unit (see the module docstring)."""

    def __init__(self, unit: Node, document: Document, facts: ModuleFacts) -> None:
        self.unit = unit
        self.document = document
        self.facts = facts
        self.constants = facts.constant_values
        self.field_types = facts.field_type_map
        self.types: dict[str, str] = {}
        self.values: dict[str, list[tuple[str, Node]]] = {}
        self.parameters: set[str] = set()
        self.request_objects: set[str] = set()
        self.tainted_names: set[str] = set()
        self.declared_at: dict[str, int] = {}  # byte offset of each local's (first) declaration
        self._taint_ready = False
        self._collect()

    def _collect(self) -> None:
        document = self.document
        for pattern, captures in matches(_SCOPE_QUERY, self.unit):
            if pattern == 5:
                self._collect_append(captures["append"][0])
                continue
            name_node = captures["name"][0]
            name = node_text(document, name_node)
            if pattern != 3:  # assignments do not declare
                self.declared_at.setdefault(name, name_node.start_byte)
            if "type" in captures:
                type_name = simple_type(node_text(document, captures["type"][0]))
                self.types.setdefault(name, type_name)
                if "ServletRequest" in type_name or type_name in ("WebRequest", "HttpRequest"):
                    self.request_objects.add(name)
            if pattern == 0:
                self.parameters.add(name)
                modifiers = next((c for c in captures["param"][0].children if c.type == "modifiers"), None)
                if modifiers is not None and any(
                    node_text(document, a.child_by_field_name("name")) in REQUEST_ANNOTATIONS
                    for a in modifiers.named_children
                    if a.type in ("annotation", "marker_annotation")
                ):
                    self.tainted_names.add(name)
            value = captures.get("value", [None])[0]
            if value is None:
                continue
            if pattern == 3:
                operator = captures["assign"][0].child(1)
                op = operator.type if operator is not None else "="
                self.values.setdefault(name, []).append(
                    ("+=" if op == "+=" else "=" if op == "=" else "?", value)
                )
            elif pattern == 4:
                self.values.setdefault(name, []).append(("item", value))
            else:
                self.values.setdefault(name, []).append(("=", value))

    def _collect_append(self, call: Node) -> None:
        """``sb.append(x).append(y)``, ``list.add(x)``, ``map.put(k, x)``: ``x`` flows into the root name."""
        root = call_object(call)
        while root is not None and root.type == "method_invocation":
            root = call_object(root)
        if root is None or root.type != "identifier":
            return
        args = call_args(call)
        if not args:
            return
        name = node_text(self.document, root)
        method = call_name(self.document, call)
        value = args[-1] if method in ("insert", "put", "add") else args[0]
        self.values.setdefault(name, []).append(("append", value))

    def _propagate_taint(self) -> None:
        self._taint_ready = True
        for _ in range(4):
            changed = False
            for name, values in self.values.items():
                if name in self.tainted_names:
                    continue
                if any(self.is_tainted(value) for _op, value in values):
                    self.tainted_names.add(name)
                    changed = True
            if not changed:
                break

    # ------------------------------------------------------------------ questions

    def type_of(self, name: str) -> str:
        return self.types.get(name) or self.field_types.get(name, "")

    def assigned_matches(self, name: str, pattern: re.Pattern[str]) -> bool:
        """Whether the text of any value assigned to local ``name`` matches ``pattern``."""
        return any(
            pattern.search(node_text(self.document, value)) for _op, value in self.values.get(name, [])
        )

    def is_request_object(self, node: Node | None) -> bool:
        node = unwrap(node)
        if node is None:
            return False
        if node.type == "identifier":
            name = node_text(self.document, node)
            return name in self.request_objects or name.lower() in REQUEST_OBJECT_NAMES
        if node.type == "method_invocation":
            return call_name(self.document, node) in ("getRequest", "getNativeRequest")
        return False

    def is_request_source(self, node: Node) -> bool:
        return (
            node.type == "method_invocation"
            and call_name(self.document, node) in REQUEST_SOURCE_METHODS
            and self.is_request_object(call_object(node))
        )

    def is_tainted(self, node: Node | None, depth: int = 0) -> bool:
        """Whether request data flows into the value of ``node`` (within this unit)."""
        node = unwrap(node)
        if node is None or depth > 12:
            return False
        if not self._taint_ready:
            self._propagate_taint()  # lazily: most units never ask
        kind = node.type
        if kind == "identifier":
            return node_text(self.document, node) in self.tainted_names
        if kind == "method_invocation":
            if self.is_request_source(node):
                return True
            name = call_name(self.document, node)
            obj = call_object(node)
            if SANITIZER_NAME.search(name) or (
                obj is not None and node_text(self.document, obj) in SANITIZER_CLASSES
            ):
                return False
            if obj is not None and self.is_tainted(obj, depth + 1):
                return True
            if name in STRING_PASS_THROUGH:
                return any(self.is_tainted(arg, depth + 1) for arg in call_args(node))
            return False
        if kind == "binary_expression":
            if node_text(self.document, node.child_by_field_name("operator")) != "+":
                return False
            return any(self.is_tainted(leaf, depth + 1) for leaf in concat_leaves(self.document, node))
        if kind == "ternary_expression":
            return self.is_tainted(node.child_by_field_name("consequence"), depth + 1) or self.is_tainted(
                node.child_by_field_name("alternative"), depth + 1
            )
        if kind in ("field_access", "array_access"):
            return self.is_tainted(node.named_child(0), depth + 1)
        if kind == "object_creation_expression":
            return any(self.is_tainted(arg, depth + 1) for arg in call_args(node))
        if kind in ("array_creation_expression", "array_initializer"):
            return any(self.is_tainted(child, depth + 1) for child in node.named_children)
        return False

    def is_numeric(self, node: Node) -> bool:
        node = unwrap(node)
        if node is None:
            return False
        if node.type in ("decimal_integer_literal", "hex_integer_literal", "decimal_floating_point_literal"):
            return True
        if node.type == "identifier":
            return self.type_of(node_text(self.document, node)) in NUMERIC_TYPES
        if node.type == "method_invocation":
            name = call_name(self.document, node)
            return name in ("size", "length", "count", "hashCode") or name.startswith("parse")
        return False

    def is_constant_name(self, name: str) -> bool:
        return name in self.constants or (bool(CONSTANT_NAME.match(name)) and name not in self.types)

    def string_shape(self, node: Node | None) -> StringShape:
        """The literal text and non-constant pieces of a string expression (following locals)."""
        shape = StringShape()
        if node is not None:
            self._shape(node, shape, set(), 0)
            shape.tainted = any(self.is_tainted(piece) for piece in shape.dynamic)
        return shape

    def _shape(self, node: Node, shape: StringShape, seen: set[str], depth: int) -> None:
        node = unwrap(node) or node
        document = self.document
        if depth > 16:
            shape.dynamic.append(node)
            return
        kind = node.type
        if kind == "string_literal":
            shape.literal_text += string_literal_value(document, node) or ""
            return
        if kind in (
            "decimal_integer_literal",
            "hex_integer_literal",
            "decimal_floating_point_literal",
            "true",
            "false",
            "null_literal",
            "character_literal",
            "class_literal",
        ):
            return
        if kind == "binary_expression":
            if node_text(document, node.child_by_field_name("operator")) != "+":
                return  # arithmetic, comparison or logic: a number or a boolean
            # Long SQL is written as dozens of "..." + "..." lines: walk the chain without recursing.
            for leaf in concat_leaves(document, node):
                self._shape(leaf, shape, seen, depth + 1)
            return
        if kind == "ternary_expression":
            checked = _allow_listed_value(document, node.child_by_field_name("condition"))
            for branch in (node.child_by_field_name("consequence"), node.child_by_field_name("alternative")):
                # ALLOWED.contains(sort) ? sort : "id": the branch is one of the allowed values.
                if branch is not None and (checked is None or node_text(document, branch) != checked):
                    self._shape(branch, shape, seen, depth + 1)
            return
        if kind == "switch_expression":
            # switch (sort) { case "name" -> "name"; default -> "id"; }: an allow-list when every arm is constant.
            for result in _switch_results(node):
                self._shape(result, shape, seen, depth + 1)
            return
        if kind == "identifier":
            name = node_text(document, node)
            if name in self.constants:
                shape.literal_text += self.constants[name]
                return
            if self.is_numeric(node) or self.is_constant_name(name):
                return
            if name in self.values and name not in seen and name not in self.parameters:
                seen.add(name)
                for op, value in self.values[name]:
                    if op == "item":
                        shape.dynamic.append(node)
                    else:
                        self._shape(value, shape, seen, depth + 1)
                return
            if name in seen:
                return
            shape.dynamic.append(node)
            return
        if kind == "field_access":
            field_name = node_text(document, node.child_by_field_name("field"))
            if CONSTANT_NAME.match(field_name) or field_name == "length":
                return
            shape.dynamic.append(node)
            return
        if kind == "method_invocation":
            self._shape_call(node, shape, seen, depth)
            return
        if kind == "object_creation_expression":
            type_name = simple_type(node_text(document, node.child_by_field_name("type")))
            if type_name in ("StringBuilder", "StringBuffer", "String"):
                for arg in call_args(node):
                    self._shape(arg, shape, seen, depth + 1)
                return
        shape.dynamic.append(node)

    def _shape_call(self, node: Node, shape: StringShape, seen: set[str], depth: int) -> None:
        document = self.document
        name = call_name(document, node)
        obj = call_object(node)
        args = call_args(node)
        object_text = node_text(document, obj) if obj is not None else ""
        if SANITIZER_NAME.search(name) or object_text in SANITIZER_CLASSES or self.is_numeric(node):
            return
        if name == "format" and object_text == "String" and args:
            first = args[0]
            if (
                string_literal_value(document, first) is None
                and len(args) > 1
                and "Locale" in node_text(document, first)
            ):
                args = args[1:]
            for arg in args:
                self._shape(arg, shape, seen, depth + 1)
            return
        if name in ("formatted", "concat", "append", "insert", "join", "valueOf") and (
            obj is None or name != "valueOf" or object_text == "String"
        ):
            if obj is not None and name != "join" and name != "valueOf":
                self._shape(obj, shape, seen, depth + 1)
            for arg in args:
                self._shape(arg, shape, seen, depth + 1)
            return
        if (
            name in ("toString", "trim", "strip", "toUpperCase", "toLowerCase")
            and obj is not None
            and not args
        ):
            self._shape(obj, shape, seen, depth + 1)
            return
        # Placeholder lists: String.join(",", Collections.nCopies(ids.size(), "?")), "?, ".repeat(n).
        if name == "nCopies" and len(args) == 2:
            self._shape(args[1], shape, seen, depth + 1)
            return
        if name == "repeat" and obj is not None:
            self._shape(obj, shape, seen, depth + 1)
            return
        shape.dynamic.append(node)


_ALLOW_LIST_CHECKS = frozenset({"contains", "containsKey", "equals", "equalsIgnoreCase", "matches"})


def _allow_listed_value(document: Document, condition: Node | None) -> str | None:
    """The text of the value a condition checks against an allow-list or a pattern, if it does."""
    condition = unwrap(condition)
    if condition is None or condition.type != "method_invocation":
        return None
    name = call_name(document, condition)
    if name not in _ALLOW_LIST_CHECKS:
        return None
    args = call_args(condition)
    if name == "matches":
        obj = call_object(condition)
        return node_text(document, obj) if obj is not None and len(args) == 1 else None
    return node_text(document, args[0]) if len(args) == 1 else None


def _switch_results(node: Node) -> Iterator[Node]:
    """The values the arms of a switch expression produce (``-> value`` and ``yield value``)."""
    body = next((c for c in node.named_children if c.type == "switch_block"), None)
    if body is None:
        return
    for group in body.named_children:
        for child in group.named_children:
            if child.type == "expression_statement" and child.named_child_count:
                yield child.named_child(0)
            elif child.type == "block":
                for statement in child.named_children:
                    if statement.type == "yield_statement" and statement.named_child_count:
                        yield statement.named_child(0)
            elif child.type == "yield_statement" and child.named_child_count:
                yield child.named_child(0)


def method_scope(unit: Node, document: Document, context: CheckContext) -> MethodScope:
    """The scope of ``unit``, built once per analysis run and shared by all Java checks."""
    key = ("java.scope", unit.start_byte, unit.end_byte)
    scope = context.cache.get(key)
    if scope is None:
        scope = context.cache[key] = MethodScope(unit, document, module_facts(document, context))
    return scope


def is_plain_literal(node: Node | None) -> bool:
    """A string literal or a number: needs no scope to know it is constant."""
    node = unwrap(node)
    return node is not None and node.type in ("string_literal", "decimal_integer_literal", "null_literal")


def confidence_for(tainted: bool) -> Confidence:
    return Confidence.HIGH if tainted else Confidence.MEDIUM


def source_words(tainted: bool) -> str:
    """How a finding names what a string is built from."""
    return "request data" if tainted else "non-constant values"


def receiver_is(
    scope: MethodScope,
    receiver: Node | None,
    type_test: Callable[[str], bool],
    name_test: Callable[[str], bool],
) -> bool:
    """Whether ``receiver`` is of a kind: by its declared type when it is a typed name,
    else by ``name_test`` on its lower-cased text."""
    receiver = unwrap(receiver)
    if receiver is None:
        return False
    text = node_text(scope.document, receiver)
    if receiver.type == "identifier":
        declared = scope.type_of(text)
        if declared:
            return type_test(declared)
    return name_test(text.lower())


def constants_matching(
    document: Document, context: CheckContext, key: str, test: Callable[[str], object]
) -> tuple[bytes, ...]:
    """Names (as bytes) of the class constants whose value passes ``test``, found once per run."""
    cached = context.cache.get(key)
    if cached is None:
        cached = context.cache[key] = tuple(
            name.encode() for name, value in module_facts(document, context).constants if test(value)
        )
    return cached


# ---------------------------------------------------------------------------- dataflow


def file_analysis(document: Document, context: CheckContext) -> FileAnalysis:
    """The dataflow analysis of the document's functions, built once per analysis run."""
    cached = context.cache.get("java.dataflow")
    if cached is None:
        cached = context.cache["java.dataflow"] = FileAnalysis(
            java_adapter.file_functions(document), load_models(JAVA)
        )
    return cached


def summary_key(document: Document, context: CheckContext) -> object:
    """The file's facts and same-file summaries: what a unit's dataflow depends on outside it."""
    cached = context.cache.get("java.summary_key")
    if cached is None:
        cached = context.cache["java.summary_key"] = (
            java_adapter.java_file(document).key,
            file_analysis(document, context).summary_key(),
        )
    return cached


def helper_needles(document: Document, context: CheckContext, kind: str) -> tuple[bytes, ...]:
    """``name(`` of every same-file function whose summary has a sink of ``kind``."""
    key = ("java.helper_needles", kind)
    cached = context.cache.get(key)
    if cached is None:
        analysis = file_analysis(document, context)
        names = set()
        for function in analysis.by_key.values():
            summary = analysis.summary(function)
            if summary is not None and any(sink.kind == kind for sink in summary.sinks):
                names.add(function.name.encode() + b"(")
        cached = context.cache[key] = tuple(sorted(names))
    return cached


def unit_facts(unit: Node, document: Document, context: CheckContext) -> list[FunctionFacts]:
    """The dataflow facts of every function in the unit (methods, lambdas, anonymous classes)."""
    key = ("java.unit_facts", unit.start_byte, unit.end_byte)
    cached = context.cache.get(key)
    if cached is None:
        analysis = file_analysis(document, context)
        cached = context.cache[key] = [
            analysis.facts(function) for function in java_adapter.lower_unit(unit, document)
        ]
    return cached


def tainted_sinks(
    unit: Node,
    document: Document,
    context: CheckContext,
    kind: str,
    *,
    passed_whole: bool = False,
    request_only: bool = False,
) -> Iterator[tuple[FunctionFacts, SinkHit, bool]]:
    """(facts, hit, whole) for the sinks of ``kind`` in the unit that request data or a parameter of
    the method reaches, one per call. ``whole``: only parameters reach it, passed in whole - the
    caller's to check, so such hits are left out unless ``passed_whole``."""
    for facts in unit_facts(unit, document, context):
        seen: set[int] = set()
        for hit in facts.sink_hits(kind, (REQUEST,) if request_only else None):
            if id(hit.call) in seen:
                continue
            whole = not any(label.strength != PARAMETER for label in hit.labels) and _passed_whole(facts, hit)
            if whole and not passed_whole:
                continue
            seen.add(id(hit.call))
            yield facts, hit, whole


def _passed_whole(facts: FunctionFacts, hit: SinkHit) -> bool:
    """Whether the values flowing into the sink are the method's parameters themselves."""
    names = {param.name for param in facts.function.params}
    call = hit.call
    positions = hit.sink.get("args") if hit.via_helper is None else None
    arguments = [call.args[p] for p in positions if p < len(call.args)] if positions else list(call.args)
    arguments = [arg for arg in arguments if not isinstance(arg, (ir.Lit, ir.Opaque))]
    return bool(arguments) and all(isinstance(arg, ir.Name) and arg.name in names for arg in arguments)


def is_request(hit: SinkHit) -> bool:
    return any(label.strength == REQUEST for label in hit.labels)


def hit_words(hit: SinkHit) -> str:
    """How a finding names what reaches the sink."""
    return "request data" if is_request(hit) else "non-constant values"


def hit_confidence(hit: SinkHit) -> Confidence:
    return Confidence.HIGH if is_request(hit) else Confidence.MEDIUM


# ---------------------------------------------------------------------------- check base


def occurs_in(source: bytes, unit: Node, needles: tuple[bytes, ...]) -> bool:
    """Whether an occurrence of one of the needles starts inside ``unit``.

    Searched within the unit's bytes only (no copy): an edit re-checks one or two units, and a
    scan of the whole document per check on every run cost more than all the checks' own work.
    """
    start, end = unit.start_byte, unit.end_byte
    return any(source.find(needle, start, end + len(needle) - 1) >= 0 for needle in needles)


class JavaCheck(NodeCheck):
    """A Java node check with a cheap byte prefilter before any tree work."""

    languages = LANGUAGES
    # The unit is skipped unless its source contains one of these byte strings ...
    needles: tuple[bytes, ...] = ()
    # ... and, when given, one of these too.
    also_needles: tuple[bytes, ...] = ()
    # Whether fixes add imports: such results edit outside their unit and are never cached, so
    # only the imports themselves (and where new ones go) are context.
    fixes_add_imports = False

    # Whether the check's findings depend on the dataflow of other units (same-file summaries),
    # and the sink kind it reports.
    uses_dataflow = False
    kind: str = ""

    def unit_needles(self, document: Document, context: CheckContext) -> tuple[bytes, ...]:
        if self.uses_dataflow and self.needles:
            # A unit calling a same-file helper that holds such a sink needs checking too.
            return self.needles + helper_needles(document, context, self.kind)
        return self.needles

    def module_context_key(self, document: Document, context: CheckContext) -> object:
        facts = module_facts(document, context)
        key = (facts.key(), facts.import_line) if self.fixes_add_imports else facts.key()
        return (key, summary_key(document, context)) if self.uses_dataflow else key

    def check_node(self, node: Node, document: Document, context: CheckContext) -> Iterator:
        needles = self.unit_needles(document, context)
        if needles and not occurs_in(document.source, node, needles):
            return iter(())
        if self.also_needles and not occurs_in(document.source, node, self.also_needles):
            return iter(())
        try:
            return iter(list(self.check_unit(node, document, context)))
        except RecursionError:
            # Pathologically deep expressions: better no finding than a broken check.
            return iter(())

    def check_unit(self, unit: Node, document: Document, context: CheckContext) -> Iterable:
        raise NotImplementedError


class JavaTaintCheck(JavaCheck):
    """A rule that reports each sink of ``kind`` that untrusted data reaches: ``message`` is
    formatted with ``what`` (request data / non-constant values), ``method`` (the sink's method)
    and ``where`` (`` in helper()`` for a sink inside a same-file helper)."""

    uses_dataflow = True
    kind: str = ""
    message: str = ""
    request_only = False  # parameters are not reported (data must come from the request)

    def check_unit(self, unit: Node, document: Document, context: CheckContext) -> Iterable:
        (rule,) = self.rules
        for facts, hit, _whole in tainted_sinks(
            unit, document, context, self.kind, request_only=self.request_only
        ):
            node = hit.call.node
            if node is None or not self.reports(facts, hit):
                continue
            method = hit.inner.method if hit.inner is not None else hit.call.method
            where = f" in {hit.via_helper}()" if hit.via_helper else ""
            yield rule.finding(
                document.node_span(node),
                self.message.format(what=hit_words(hit), method=method, where=where),
                confidence=hit_confidence(hit),
            )

    def reports(self, facts: FunctionFacts, hit: SinkHit) -> bool:
        """A rule's last word on a hit (e.g. validated by an enclosing check)."""
        return True
