"""Tree-sitter helpers for the Java rules and their fixes: node text, calls, strings, statements,
edits, the file's class facts (``ModuleFacts``: imports, ``static final`` constants, field types),
``MethodScope`` (declared types and assigned values of a method's locals) and the questions a
rule asks of a unit (``method_calls``, ``creations`` ...: ``languages/questions.py``). With
``java.py`` (the dataflow adapter), the only Java code that names grammar nodes; ``fixes/``
builds on it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tree_sitter import Node, QueryCursor

from landguard.engine.findings import Span, TextEdit
from landguard.engine.languages import query
from landguard.languages.common import plus_operands
from landguard.languages.questions import Question, any_of, matching

if TYPE_CHECKING:
    from landguard.engine.document import Document


JAVA = "java"
CONSTANT_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


FORMAT_SPECIFIER = re.compile(r"%(?:(\d+\$)?[-#+ 0,(]*\d*(?:\.\d+)?([a-zA-Z%]))")


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


def modifiers_text(document: Document, declaration: Node) -> str:
    """The modifiers and annotations of a declaration as written (``@GetMapping(...) public``)."""
    modifiers = next((child for child in declaration.children if child.type == "modifiers"), None)
    return node_text(document, modifiers)


def is_method_call(node: Node | None) -> bool:
    return node is not None and node.type == "method_invocation"


def is_identifier(node: Node | None) -> bool:
    return node is not None and node.type == "identifier"


def is_string_literal(node: Node | None) -> bool:
    return node is not None and node.type == "string_literal"


def is_object_creation(node: Node | None) -> bool:
    """``new T(...)``."""
    return node is not None and node.type == "object_creation_expression"


def created_type(document: Document, node: Node | None) -> str:
    """The simple type a ``new T(...)`` creates (``Random``); "" for another node."""
    if not is_object_creation(node):
        return ""
    return simple_type(node_text(document, node.child_by_field_name("type")))


def is_anonymous_class(creation: Node) -> bool:
    """``new T() { ... }``: a creation with a class body of its own."""
    return creation.child_by_field_name("body") is not None or any(
        child.type == "class_body" for child in creation.children
    )


def accessed_field(node: Node) -> Node | None:
    """The field name of ``this.rnd`` / ``obj.rnd``; ``node`` itself for another node."""
    return node.child_by_field_name("field") if node.type == "field_access" else node


def assignment_target(node: Node) -> Node | None:
    """What ``node`` assigns to, when it is a declarator (``String t = ...``) or an assignment
    (``this.token = ...``); None otherwise."""
    if node.type == "variable_declarator":
        return node.child_by_field_name("name")
    if node.type == "assignment_expression":
        return node.child_by_field_name("left")
    return None


_MEMBER_BOUNDARIES = frozenset({"block", "class_body", "method_declaration", "constructor_declaration"})


def is_statement_boundary(node: Node) -> bool:
    """A block, class body or method: where an expression's own context ends, walking up."""
    return node.type in _MEMBER_BOUNDARIES


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
    return plus_operands(node, "binary_expression", lambda child: node_text(document, child))


def unit_bytes(document: Document, unit: Node) -> bytes:
    return document.source[unit.start_byte : unit.end_byte]


def _matches(pattern: str, node: Node) -> list[tuple[int, dict[str, list[Node]]]]:
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

    def module_key(self) -> tuple:
        """What every unit's findings depend on: the imports and the line ending (the constants and
        field types are read by name: ``checks/java/_unit_keys.unit_context_key``)."""
        return (self.imports, self.line_ending)


_CLASS_TYPES = frozenset(
    {"class_declaration", "interface_declaration", "enum_declaration", "record_declaration"}
)


def collect_module_facts(document: Document) -> ModuleFacts:
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
        is_final = (
            member.type == "constant_declaration" or "final" in modifiers_text(document, member).split()
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


_FIELD_VALUES = (
    "(field_declaration declarator: (variable_declarator name: (identifier) @name value: (_) @value))"
)


def fields_initialised_with(document: Document, needle: bytes, value: re.Pattern[str]) -> frozenset[str]:
    """Names of the file's fields whose initialiser's text matches ``value``
    (``Random rnd = new SecureRandom()``, ``Yaml yaml = new Yaml(new SafeConstructor(...))``);
    none unless the file contains ``needle`` (a cheap prefilter)."""
    root = document.tree.root_node if document.tree is not None else None
    if root is None or needle not in document.source:
        return frozenset()
    return frozenset(
        node_text(document, captures["name"][0])
        for _pattern, captures in _matches(_FIELD_VALUES, root)
        if value.search(node_text(document, captures["value"][0]))
    )


_SCOPE_QUERY = """
(formal_parameter type: (_) @type name: (identifier) @name) @param
(local_variable_declaration type: (_) @type declarator: (variable_declarator name: (identifier) @name value: (_)? @value))
(resource type: (_) @type name: (identifier) @name value: (_) @value)
(assignment_expression left: (identifier) @name right: (_) @value) @assign
(enhanced_for_statement type: (_) @type name: (identifier) @name value: (_) @value)
(method_invocation name: (identifier) @method (#any-of? @method "append" "insert" "add" "put")) @append
(catch_formal_parameter (catch_type) @type name: (identifier) @name)
"""


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
        self.declared_at: dict[str, int] = {}  # byte offset of each local's (first) declaration
        self._collect()

    def _collect(self) -> None:
        document = self.document
        for pattern, captures in _matches(_SCOPE_QUERY, self.unit):
            if pattern == 5:
                self._collect_append(captures["append"][0])
                continue
            name_node = captures["name"][0]
            name = node_text(document, name_node)
            if pattern != 3:  # assignments do not declare
                self.declared_at.setdefault(name, name_node.start_byte)
            if "type" in captures:
                self.types.setdefault(name, simple_type(node_text(document, captures["type"][0])))
            if pattern == 0:
                self.parameters.add(name)
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

    # ------------------------------------------------------------------ questions

    def type_of(self, name: str) -> str:
        return self.types.get(name) or self.field_types.get(name, "")

    def is_constant_name(self, name: str) -> bool:
        return name in self.constants or (bool(CONSTANT_NAME.match(name)) and name not in self.types)


# ------------------------------------------------------------------ node shapes the rules ask about
# What the rules in ``checks/java/`` ask about a node, so that they never name grammar nodes.


def is_comment(node: Node | None) -> bool:
    """A ``// line`` or ``/* block */`` comment."""
    return node is not None and node.type in ("line_comment", "block_comment")


def is_no_op_statement(node: Node | None) -> bool:
    """A comment or an empty ``;``: nothing runs."""
    return node is not None and node.type in ("line_comment", "block_comment", "empty_statement")


def statements_in(block: Node) -> list[Node]:
    """The statements of a ``{ ... }`` block, comments left out."""
    return [child for child in block.named_children if not is_comment(child)]


def is_return(node: Node | None) -> bool:
    return node is not None and node.type == "return_statement"


def returned_value(statement: Node) -> Node | None:
    """What a ``return value;`` statement returns (parentheses and casts kept); None for another
    statement or a bare ``return;``."""
    return statement.named_child(0) if statement.type == "return_statement" else None


def statement_expression(statement: Node) -> Node | None:
    """The expression of an expression statement (``log.debug(x);`` -> the call); None for
    another statement."""
    return statement.named_child(0) if statement.type == "expression_statement" else None


def is_true(node: Node | None) -> bool:
    return node is not None and node.type == "true"


def is_lambda(node: Node | None) -> bool:
    return node is not None and node.type == "lambda_expression"


def is_block(node: Node | None) -> bool:
    """A ``{ ... }`` block of statements."""
    return node is not None and node.type == "block"


def is_field_access(node: Node | None) -> bool:
    """``obj.field`` / ``this.field`` / ``Type.CONSTANT``."""
    return node is not None and node.type == "field_access"


def is_qualified_name(node: Node | None) -> bool:
    """A dotted name the grammar reads as a name, not a field access (``a.b.C`` in some places)."""
    return node is not None and node.type == "scoped_identifier"


def is_decimal_integer(node: Node | None) -> bool:
    """``2048``, ``1_024``, ``512L`` (not hex, octal or binary)."""
    return node is not None and node.type == "decimal_integer_literal"


def is_declarator(node: Node | None) -> bool:
    """``name = value`` of a declaration (``Cookie c = new Cookie(...)``)."""
    return node is not None and node.type == "variable_declarator"


def is_assignment(node: Node | None) -> bool:
    """``target = value`` as an expression."""
    return node is not None and node.type == "assignment_expression"


def is_local_declaration(node: Node | None) -> bool:
    """A local variable declaration statement (``Path p = ...;``)."""
    return node is not None and node.type == "local_variable_declaration"


def is_if(node: Node | None) -> bool:
    return node is not None and node.type == "if_statement"


def is_method_or_constructor(node: Node | None) -> bool:
    """A method or constructor declaration."""
    return node is not None and node.type in ("method_declaration", "constructor_declaration")


def is_type_declaration(node: Node | None) -> bool:
    """A class, interface, enum or record declaration."""
    return node is not None and node.type in _CLASS_TYPES


# ------------------------------------------------------------------ parts of a node, by what they are


def declared_name(node: Node) -> Node | None:
    """The name a method, class, parameter or variable declarator declares."""
    return node.child_by_field_name("name")


def declared_type(node: Node) -> Node | None:
    """The type written in a declaration (a local, a field, a parameter), a method's return type,
    or the ``T`` of ``new T(...)``."""
    return node.child_by_field_name("type")


def declarators_of(declaration: Node) -> list[Node]:
    """The ``name = value`` declarators of a local or field declaration (``int a = 1, b;``)."""
    return declaration.children_by_field_name("declarator")


def initial_value(declarator: Node) -> Node | None:
    """The value a declarator initialises its variable with, None without one."""
    return declarator.child_by_field_name("value")


def body_of(node: Node) -> Node | None:
    """The body of a method, constructor, class, lambda or loop."""
    return node.child_by_field_name("body")


def parameters_of(method: Node) -> Node | None:
    """The ``(...)`` parameter list of a method or constructor."""
    return method.child_by_field_name("parameters")


def argument_list(call: Node) -> Node | None:
    """The ``(...)`` of a call as written (``call_args(call)`` for its arguments)."""
    return call.child_by_field_name("arguments")


def sides(node: Node) -> tuple[Node | None, Node | None]:
    """(left, right) of a binary expression (``a == b``) or an assignment."""
    return node.child_by_field_name("left"), node.child_by_field_name("right")


def if_condition(node: Node) -> Node | None:
    """The condition of an ``if`` (with its parentheses)."""
    return node.child_by_field_name("condition")


# ------------------------------------------------------------------ questions the rules ask of a unit
# Each builds a ``Question`` (``languages/questions.py``) from the names and patterns a rule gives;
# a rule asks several at once through one ``Questions``. ``name`` is what each answer's name is.


def method_calls(
    named: Iterable[str] = (),
    *,
    name_matching: str | None = None,
    receiver_named: Iterable[str] = (),
    receiver_matching: str | None = None,
    with_receiver: bool = False,
) -> Question:
    """Calls ``obj.m(...)`` / ``m(...)`` of a method named one of ``named`` (every method when
    empty) or whose name matches ``name_matching``, on a receiver written as a plain name among
    ``receiver_named`` (``Math.random()``), whose text matches ``receiver_matching``, or on any
    receiver (``with_receiver``). Name: the method's name."""
    receiver = ""
    receiver_named = tuple(receiver_named)
    if receiver_named:
        receiver = f"object: (identifier) @receiver {any_of('receiver', receiver_named)} "
    elif receiver_matching is not None:
        receiver = f"object: (_) @receiver {matching('receiver', receiver_matching)} "
    elif with_receiver:
        receiver = "object: (_) "
    test = _name_test(named, name_matching)
    return Question.of(f"(method_invocation {receiver}name: (identifier) @name{test}) @answer")


def creations(type_matching: str | None = None, *, simple_type_only: bool = False) -> Question:
    """``new T(...)`` of a type whose text (as written: ``java.util.Random``) matches
    ``type_matching`` (every type when None); only types written as one plain name
    (``new Manager()``, not ``new a.Manager()`` or ``new List<X>()``) with ``simple_type_only``.
    Name: the type."""
    kind = "type_identifier" if simple_type_only else "_"
    test = f" {matching('name', type_matching)}" if type_matching is not None else ""
    return Question.of(f"(object_creation_expression type: ({kind}) @name{test}) @answer")


def method_declarations(named: Iterable[str]) -> Question:
    """Declarations of methods named one of ``named``. Name: the method's name."""
    return Question.of(f"(method_declaration name: (identifier) @name {any_of('name', named)}) @answer")


def class_methods(named: Iterable[str]) -> Question:
    """Declarations of methods named one of ``named`` directly in a class body (not in an
    anonymous class or a nested one). Name: the class's name."""
    return Question.of(
        "(class_declaration name: (identifier) @name body: (class_body "
        f"(method_declaration name: (identifier) @method {any_of('method', named)}) @answer))"
    )


def local_declarations(of_type: Iterable[str]) -> Question:
    """Declarations of local variables whose type is written as one of ``of_type``. Name: the type."""
    return Question.of(f"(local_variable_declaration type: (_) @name {any_of('name', of_type)}) @answer")


def field_reads(named: Iterable[str]) -> Question:
    """``obj.F`` (a field access, ``Type.F`` included) of a field named one of ``named``. Name: the field."""
    return Question.of(f"(field_access field: (identifier) @name {any_of('name', named)}) @answer")


def equality_tests() -> Question:
    """``a == b`` and ``a != b``."""
    return Question.of('(binary_expression operator: ["==" "!="]) @answer')


def _name_test(named: Iterable[str], name_matching: str | None) -> str:
    named = tuple(named)
    if named:
        return f" {any_of('name', named)}"
    if name_matching is not None:
        return f" {matching('name', name_matching)}"
    return ""
