"""The JavaScript / TypeScript / TSX adapter: the only code that knows their tree-sitter node names.

It lowers functions into the dataflow IR (``landguard.dataflow.ir``):

- every function of a unit — declarations, arrow functions, function expressions, class and
  object-literal methods, callbacks passed to calls (``app.get('/x', (req, res) => ...)``) —
  becomes an ``ir.Function``; a unit's own top-level statements become a ``"<module>"`` function;
- names are qualified from the module's imports (``const cp = require('child_process')`` makes
  ``cp.exec`` ``child_process.exec``; ``import { exec as run }`` makes ``run`` the same), from
  ``new T()`` (``const pool = new Pool()`` with ``Pool`` from ``pg`` makes ``pool.query``
  ``pg.Pool.query``) and from what a parameter is in a web handler (``req`` -> ``express.Request``,
  ``ctx`` -> ``koa.Context``, a ``message`` listener's event -> ``MessageEvent``); browser globals keep
  their own names (``document.write``, ``location.hash``; ``window.`` is dropped);
- ``Function.key`` is how the rest of the file calls a function (``helper``, ``Class.method`` for
  ``this.method()``, ``obj.method`` for an object literal's method), so calls use its summary.

What the IR does not model (``typeof``, ``instanceof``, classes as values, JSX markup) is
``Opaque``; what cannot change a value (types, ``await``, ``!``, parentheses) is transparent.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tree_sitter import Node

from landguard.dataflow import ir, shapes
from landguard.dataflow.interpret import SummaryStore
from landguard.engine.document import Document
from landguard.engine.languages import captures, grammar
from landguard.languages.common import plus_operands
from landguard.languages.detached_nodes import detach

FUNCTION_TYPES = frozenset(
    {
        "function_declaration",
        "function_expression",
        "function",
        "arrow_function",
        "method_definition",
        "generator_function_declaration",
        "generator_function",
    }
)
# Wrappers that do not change the value: parentheses, `await`, TypeScript casts and assertions.
_TRANSPARENT = frozenset(
    {
        "parenthesized_expression",
        "await_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "type_assertion",
    }
)
_CLASS_TYPES = frozenset({"class_declaration", "class", "abstract_class_declaration"})
# Top-level statements that bind module names (imports, requires, functions, classes, constants).
_NAMING_STATEMENTS = frozenset(
    {"import_statement", "lexical_declaration", "variable_declaration", "function_declaration",
     "generator_function_declaration", "class_declaration", "abstract_class_declaration"}
)  # fmt: skip
# Nodes that can hold a declaration of the function's scope (``_hoist`` searches only these).
_DECLARING = frozenset(
    {
        "statement_block", "lexical_declaration", "variable_declaration", "variable_declarator",
        "function_declaration", "generator_function_declaration", "class_declaration",
        "abstract_class_declaration", "if_statement", "else_clause", "for_statement", "for_in_statement",
        "while_statement", "do_statement", "try_statement", "catch_clause", "finally_clause",
        "switch_statement", "switch_body", "switch_case", "switch_default", "labeled_statement",
        "export_statement", "ERROR",
    }
)  # fmt: skip
_COMPARISONS = {"===": "==", "==": "==", "!==": "!=", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_ARITHMETIC = frozenset({"+", "-", "*", "/", "%"})
_LOGICAL = {"&&": "and", "||": "or", "??": "or"}
# Globals reached through `window.` / `globalThis.` / `self.`: named without the prefix.
_GLOBAL_OBJECTS = frozenset({"window", "globalThis", "self"})
# Parameters of web handlers, by name, and what they are.
_REQUEST_PARAMS = {"req": "express.Request", "request": "express.Request"}
_RESPONSE_PARAMS = {"res": "express.Response", "response": "express.Response", "reply": "express.Response"}
_CONTEXT_PARAMS = {"ctx": "koa.Context"}
# TypeScript annotations naming a Fetch API request (Next.js route handlers, Remix, Hono ...).
_FETCH_REQUEST_TYPES = frozenset({"Request", "NextRequest"})
# Methods of a response object that return the same response (`res.status(400).send(...)`).
_FLUENT_RESPONSE_METHODS = frozenset(
    {"status", "set", "type", "cookie", "clearCookie", "append", "header", "vary", "location", "links",
     "attachment", "contentType", "code", "headers"}
)  # fmt: skip
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.S)
_IDENTIFIER = re.compile(r"^[A-Za-z_$][\w$]*$")
# Passed as ``binding`` when lowering an assignment target (``arr.length = 0`` stays a store).
_TARGET: Any = object()
# Deeper than this, an expression is machine-made (minified bundles): it is lowered as Opaque.
_MAX_DEPTH = 200


def _unescape(raw: str) -> str:
    def replace(match: re.Match[str]) -> str:
        escape = match.group(1)
        if escape.startswith("u{"):
            return chr(int(escape[2:-1], 16))
        if escape[0] in "ux" and len(escape) > 1:
            return chr(int(escape[1:], 16))
        return _SIMPLE_ESCAPES.get(escape, escape if escape != "\n" else "")

    return _ESCAPE.sub(replace, raw) if "\\" in raw else raw


def unwrap(node: Node) -> Node:
    """``node`` without parentheses, ``await`` and TypeScript casts around it."""
    kind = node.type
    while kind in _TRANSPARENT and node.named_child_count:
        node = (
            node.named_children[-1] if kind in ("await_expression", "type_assertion") else node.named_child(0)
        )
        kind = node.type
    return node


# ---------------------------------------------------------------------------------------- imports


_NOT_CONSTANT: Any = object()


def _literal(text: _Text, node: Node):
    """The value of a string, number, boolean or null literal; ``_NOT_CONSTANT`` otherwise."""
    kind = node.type
    if kind in ("string", "template_string"):
        value = text.string_value(node)
        return _NOT_CONSTANT if value is None else value
    if kind == "number":
        return _number(text(node))
    if kind in ("true", "false"):
        return kind == "true"
    if kind == "null":
        return None
    return _NOT_CONSTANT


def _module_name(raw: str) -> str:
    return raw[5:] if raw.startswith("node:") else raw


@dataclass
class ModuleNames:
    """What each top-level name of a file means: an import (``cp`` -> ``child_process``), an
    instance made by ``new`` of one (``pool`` -> ``pg.Pool``), or a function or object literal of
    the file (their own name, for same-file calls)."""

    imports: dict[str, str] = field(default_factory=dict)
    promisified: set[str] = field(default_factory=set)
    # Modules imported or required anywhere at the top level (`pg`, `mysql2/promise`).
    modules: set[str] = field(default_factory=set)
    # Top-level names with a qualified meaning that is not an import (types of instances, local functions, objects).
    declared: dict[str, str | None] = field(default_factory=dict)

    # Top-level `const NAME = literal`: the dataflow folds them (`if (DEBUG)` takes one arm).
    constants: dict[str, str | int | float | bool | None] = field(default_factory=dict)
    # Functions and objects a split unit's wrappers declare (``_wrapper_names``): the wrapper's
    # locals. A call of one is a call of a same-file function (its key), but as a value it has no
    # library meaning — `jQuery.globalEval(text)` inside jQuery's own IIFE is not the modelled
    # library call, as it was not while the IIFE was lowered whole.
    local: frozenset[str] = frozenset()

    def key(self) -> tuple:
        return (
            tuple(sorted(self.imports.items())),
            tuple(sorted(self.promisified)),
            tuple(sorted((k, repr(v)) for k, v in self.constants.items())),
        )


class _Text:
    def __init__(self, source: bytes) -> None:
        self.source = source

    def __call__(self, node: Node | None) -> str:
        if node is None:
            return ""
        return self.source[node.start_byte : node.end_byte].decode("utf-8", errors="replace")

    def string_value(self, node: Node | None) -> str | None:
        """The value of a plain string literal (or a template without substitutions), else None."""
        if node is None:
            return None
        node = unwrap(node)
        if node.type == "string":
            return _unescape(self(node)[1:-1])
        if node.type == "template_string" and not any(
            c.type == "template_substitution" for c in node.children
        ):
            return _unescape(self(node)[1:-1])
        return None


def _require_target(text: _Text, node: Node | None) -> str | None:
    """``require('m')`` -> ``m``; ``require('m').x`` -> ``m.x``; ``await import('m')`` -> ``m``."""
    if node is None:
        return None
    node = unwrap(node)
    if node.type == "call_expression":
        function = node.child_by_field_name("function")
        if (
            function is not None
            and function.type in ("identifier", "import")
            and text(function) in ("require", "import")
        ):
            arguments = node.child_by_field_name("arguments")
            if arguments is not None and arguments.named_child_count:
                value = text.string_value(arguments.named_children[0])
                if value is not None:
                    return _module_name(value)
        return None
    if node.type == "member_expression":
        inner = _require_target(text, node.child_by_field_name("object"))
        prop = node.child_by_field_name("property")
        if inner is not None and prop is not None:
            return f"{inner}.{text(prop)}"
    return None


def _require_module(text: _Text, node: Node) -> str | None:
    """The module of ``require('m')...`` at the bottom of ``node`` (a call or member chain)."""
    while node.type in ("member_expression", "call_expression"):
        if node.type == "call_expression":
            function = node.child_by_field_name("function")
            if function is not None and text(function) == "require":
                arguments = node.child_by_field_name("arguments")
                value = (
                    text.string_value(arguments.named_children[0])
                    if arguments and arguments.named_child_count
                    else None
                )
                return _module_name(value) if value is not None else None
            node = unwrap(function) if function is not None else node
        else:
            node = unwrap(node.child_by_field_name("object"))
    return None


def _bind_pattern(text: _Text, pattern: Node, qualified: str, table: dict[str, str]) -> None:
    for local, suffix in _pattern_bindings(text, pattern):
        table[local] = qualified + suffix


def _is_promisify(text: _Text, call: Node) -> Node | None:
    function = call.child_by_field_name("function")
    arguments = call.child_by_field_name("arguments")
    if (
        function is not None
        and text(function) in ("promisify", "util.promisify")
        and arguments is not None
        and arguments.named_child_count == 1
    ):
        return arguments.named_children[0]
    return None


def _collect_import(text: _Text, statement: Node, table: dict[str, str], modules: set[str]) -> None:
    require_clause = next((c for c in statement.named_children if c.type == "import_require_clause"), None)
    if require_clause is not None:  # TypeScript: import cp = require('child_process')
        name = require_clause.named_children[0] if require_clause.named_child_count else None
        module = text.string_value(require_clause.child_by_field_name("source"))
        if name is not None and module is not None:
            table[text(name)] = _module_name(module)
            modules.add(_module_name(module))
        return
    module_value = text.string_value(statement.child_by_field_name("source"))
    clause = next((c for c in statement.named_children if c.type == "import_clause"), None)
    if module_value is None or clause is None:
        return
    module = _module_name(module_value)
    modules.add(module)
    for part in clause.named_children:
        if part.type == "identifier":  # a default import: treated as the module itself
            table[text(part)] = module
        elif part.type == "namespace_import":
            for ident in part.named_children:
                table[text(ident)] = module
        elif part.type == "named_imports":
            for specifier in part.named_children:
                if specifier.type != "import_specifier":
                    continue
                imported = specifier.child_by_field_name("name")
                alias = specifier.child_by_field_name("alias") or imported
                if imported is not None and alias is not None:
                    member = text(imported).strip("'\"")
                    table[text(alias)] = module if member == "default" else f"{module}.{member}"


def _top_level_statements(root: Node):
    for statement in root.named_children:
        if statement.type == "export_statement":
            inner = statement.child_by_field_name("declaration")
            if inner is not None:
                yield inner
            continue
        yield statement


def module_names(document: Document) -> ModuleNames:
    """The top-level names of ``document`` (memoised per tree)."""
    return _file_state(document).names


@dataclass
class _StatementNames:
    """What one top-level statement contributes to ``ModuleNames``, without tree nodes (so it is
    reused for the same statement text in the document's next tree)."""

    imports: dict[str, str] = field(default_factory=dict)
    modules: set[str] = field(default_factory=set)
    # local -> meaning; ("new", dotted constructor or None) is resolved against the imports later.
    declared: dict[str, object] = field(default_factory=dict)
    constants: dict[str, object] = field(default_factory=dict)
    # (bindings (local, suffix), dotted value or None, promisified, the local when a plain name)
    aliases: list[tuple[list[tuple[str, str]], str | None, bool, str | None]] = field(default_factory=list)


def _pattern_bindings(text: _Text, pattern: Node) -> list[tuple[str, str]]:
    """``x`` -> [(x, "")]; ``{ a, b: c }`` -> [(a, ".a"), (c, ".b")]."""
    if pattern.type == "identifier":
        return [(text(pattern), "")]
    found: list[tuple[str, str]] = []
    if pattern.type == "object_pattern":
        for child in pattern.named_children:
            if child.type == "shorthand_property_identifier_pattern":
                found.append((text(child), f".{text(child)}"))
            elif child.type == "pair_pattern":
                key = child.child_by_field_name("key")
                value = child.child_by_field_name("value")
                if key is not None and value is not None and value.type == "identifier":
                    found.append((text(value), "." + text(key).strip("'\"")))
            elif child.type == "object_assignment_pattern":
                left = child.child_by_field_name("left")
                if left is not None and left.type == "shorthand_property_identifier_pattern":
                    found.append((text(left), f".{text(left)}"))
    return found


def _chain(text: _Text, node: Node | None) -> str | None:
    """``cp.exec`` for an identifier/member chain, else None."""
    if node is None:
        return None
    node = unwrap(node)
    if node.type == "identifier":
        return text(node)
    if node.type == "member_expression":
        base = _chain(text, node.child_by_field_name("object"))
        prop = node.child_by_field_name("property")
        return f"{base}.{text(prop)}" if base and prop is not None else None
    return None


def _resolve_chain(chain: str | None, table: dict[str, str]) -> str | None:
    if chain is None:
        return None
    head, _, rest = chain.partition(".")
    base = table.get(head)
    if base is None:
        return None
    return f"{base}.{rest}" if rest else base


def _statement_names(text: _Text, statement: Node) -> _StatementNames:
    found = _StatementNames()
    kind = statement.type
    if kind == "import_statement":
        _collect_import(text, statement, found.imports, found.modules)
    elif kind in ("function_declaration", "generator_function_declaration") or kind in _CLASS_TYPES:
        name = statement.child_by_field_name("name")
        if name is not None:
            found.declared[text(name)] = text(name)
    elif kind in ("lexical_declaration", "variable_declaration"):
        const = kind == "lexical_declaration" and text(statement.child_by_field_name("kind")) == "const"
        for declarator in statement.named_children:
            if declarator.type != "variable_declarator":
                continue
            name = declarator.child_by_field_name("name")
            value = declarator.child_by_field_name("value")
            if name is None or value is None:
                continue
            target = _require_target(text, value)
            unwrapped = unwrap(value)
            if target is None and unwrapped.type == "call_expression":
                # const knex = require('knex')({...}): an instance made by the module's factory.
                factory = _require_target(text, unwrapped.child_by_field_name("function"))
                target = factory if factory is not None and "." not in factory else None
            local = text(name) if name.type == "identifier" else None
            if target is not None:
                for bound, suffix in _pattern_bindings(text, name):
                    found.imports[bound] = target + suffix
                found.modules.add(_require_module(text, unwrapped) or target)
            elif unwrapped.type in ("member_expression", "identifier"):
                found.aliases.append((_pattern_bindings(text, name), _chain(text, unwrapped), False, local))
            elif (
                unwrapped.type == "call_expression" and (inner := _is_promisify(text, unwrapped)) is not None
            ):
                # const execAsync = promisify(exec): the same function, promise-shaped.
                found.aliases.append((_pattern_bindings(text, name), _chain(text, inner), True, local))
            elif local is not None:
                if unwrapped.type in FUNCTION_TYPES or unwrapped.type == "object":
                    found.declared[local] = local
                elif unwrapped.type == "new_expression":
                    found.declared[local] = (
                        "new",
                        _chain(text, unwrapped.child_by_field_name("constructor")),
                    )
                else:
                    found.declared[local] = None
                    constant = _literal(text, unwrapped)
                    if constant is not _NOT_CONSTANT and const:
                        found.constants[local] = constant
    return found


def _compute_module_names(
    document: Document, memo: dict[bytes, _StatementNames] | None = None
) -> tuple[ModuleNames, dict[bytes, _StatementNames]]:
    """The file's ``ModuleNames`` and the per-statement parts (``memo`` holds the previous tree's)."""
    root = document.tree.root_node if document.tree is not None else None
    statements = _top_level_statements(root) if root is not None else ()
    parts: dict[bytes, _StatementNames] = {}
    return _names_of(_Text(document.source), statements, ModuleNames(), memo, parts), parts


def _names_of(
    text: _Text,
    statements,
    names: ModuleNames,
    memo: dict[bytes, _StatementNames] | None,
    parts: dict[bytes, _StatementNames],
) -> ModuleNames:
    """``names`` completed with what ``statements`` bind (``memo``/``parts``: per statement text)."""
    source = text.source
    table = names.imports
    aliases: list[tuple[list[tuple[str, str]], str | None, bool, str | None]] = []
    for statement in statements:
        kind = statement.type
        if kind not in _NAMING_STATEMENTS:
            continue
        if kind != "import_statement" and kind not in ("lexical_declaration", "variable_declaration"):
            # A function or class declaration binds its name: no need to key its (long) text.
            name = statement.child_by_field_name("name")
            if name is not None:
                declared_name = text(name)
                names.declared[declared_name] = declared_name
            continue
        key = source[statement.start_byte : statement.end_byte]
        found = parts.get(key) or (memo.get(key) if memo else None) or _statement_names(text, statement)
        parts[key] = found
        table.update(found.imports)
        names.modules |= found.modules
        names.declared.update(found.declared)  # type: ignore[arg-type]
        names.constants.update(found.constants)  # type: ignore[arg-type]
        aliases.extend(found.aliases)
    # `const run = cp.exec` / `const { exec } = cp`: aliases of what was imported above.
    for bindings, chain, promisified, local in aliases:
        resolved = _resolve_chain(chain, table)
        if resolved is None:
            if local is not None:
                names.declared.setdefault(local, None)
            continue
        for bound, suffix in bindings:
            table[bound] = resolved + suffix
        if promisified and local is not None:
            names.promisified.add(local)
    for local, meaning in list(names.declared.items()):
        if isinstance(meaning, tuple):
            names.declared[local] = _resolve_chain(meaning[1], table)  # type: ignore[arg-type]
    for local in table:
        names.declared.pop(local, None)
    return names


# ------------------------------------------------------------------------------- large units

# A unit of at least this many lines is a bundle or a module wrapper (an IIFE, a UMD factory, a
# browserify module map, lodash's `runInContext`), not code whose statements belong together:
# it is split (``split_unit``) so that an edit re-analyses the piece it touched, not the file.
SPLIT_LINES = 1000


# A function unit's cache-key place names its parent's kind only where something reads it: a
# declarator or an object key names an anonymous function (``_function_name``, the rules'
# ``function_name``), a class body makes a method's owner. Every other parent is a container
# nothing looks at from inside a function (each rule's walk up stops at the function it is in:
# ``enclosing_function``, ``value_destination``), so a function that error recovery re-parents
# (browserify's `[function (require, module, exports) {...}, {...}]` read as a sequence after an
# unbalanced paste, a declaration moved from a wrapper's body to the top level) keeps its key
# and, while its lowering is kept (the names it looked up mean the same), its findings.
_KEY_PLACE_PARENTS = frozenset(
    {
        "program",
        "statement_block",
        "expression_statement",
        "array",
        "sequence_expression",
        "arguments",
        "parenthesized_expression",
        "assignment_expression",
        "return_statement",
        "ERROR",
    }
)
_KEY_PLACE_FUNCTIONS = FUNCTION_TYPES - {"method_definition"}  # a method reads its class (``_class_name_of``)


@functools.lru_cache(maxsize=1024)
def _key_place(parent_kind: str, kind: str) -> str:
    """The grammar place of a unit in its cache key (the engine's ``unit_text`` key): see
    ``_KEY_PLACE_PARENTS``."""
    if kind in _KEY_PLACE_FUNCTIONS and parent_kind in _KEY_PLACE_PARENTS:
        return f"*/{kind}"
    return f"{parent_kind}/{kind}"


@functools.lru_cache(maxsize=1024)
def _top_level_key_place(place: str) -> str:
    """``_key_place`` of a top-level unit from its grammar place (``"program/function_declaration"``)."""
    parent_kind, _slash, kind = place.partition("/")
    return _key_place(parent_kind, kind)


def _line_count(node: Node) -> int:
    return node.end_point[0] - node.start_point[0] + 1


def _node_key(node: Node) -> tuple[int, int, int]:
    return (node.id, node.start_byte, node.end_byte)


_NODE_KEY = operator.attrgetter("id", "start_byte", "end_byte")  # ``_node_key``, for ``map``
_TYPE = operator.attrgetter("type")


def _wrapper_function(node: Node) -> Node | None:
    """``node`` as a function whose block body can be split into statements: not a web handler
    (a handler's statements share its request)."""
    if node.type == "export_statement":
        inner = node.child_by_field_name("declaration") or node.child_by_field_name("value")
        node = unwrap(inner) if inner is not None else node
    if node.type not in FUNCTION_TYPES:
        return None
    body = node.child_by_field_name("body")
    if body is None or body.type != "statement_block" or _looks_like_handler(node):
        return None
    return node


def _looks_like_handler(function: Node) -> bool:
    parameters = function.child_by_field_name("parameters") or function.child_by_field_name("parameter")
    if parameters is None:
        return False
    raw = [parameters] if parameters.type == "identifier" else [
        c for c in parameters.named_children if c.type != "comment"
    ]  # fmt: skip
    return _Lowerer.is_handler_text(raw)


def split_unit(unit: Node) -> tuple[list[Node], list[Node], Node | None, list[str]]:
    """A large unit's parts that are units of their own, the nodes they take from it, the
    function whose body it splits (None: it splits the functions inside it off instead), and each
    part's parent's kind.

    A function of ``SPLIT_LINES`` lines or more is split into its body's statements (the function
    itself keeps its header: name and parameters); any other large unit hands off the outermost
    functions inside it (callbacks, a UMD factory, browserify's module functions), each a unit,
    split again when large; a function on one line with other code stays with it. What a part
    binds at the level of the wrapper is its context (``_unit_contexts``), as a module's
    top-level names are for top-level statements."""
    if _line_count(unit) < SPLIT_LINES:
        return [], [], None, []
    wrapper = _wrapper_function(unit)
    if wrapper is not None:
        body = wrapper.child_by_field_name("body")
        statements = [c for c in body.named_children if c.type != "comment"]
        return statements, [body], wrapper, ["statement_block"] * len(statements)
    if unit.type in FUNCTION_TYPES:
        return [], [], None, []  # a large handler, or an arrow function's expression body: one unit
    found = _outermost_functions(unit)
    functions = [function for function, _parent in found]
    # Each function's body is its own: its header (name, parameters) stays in the unit too, so the
    # unit's lowering (the function as a header only) depends on the unit's own text alone.
    bodies = [body for body in (f.child_by_field_name("body") for f in functions) if body is not None]
    return functions, bodies, None, [parent for _function, parent in found]


def _outermost_functions(unit: Node) -> list[tuple[Node, str]]:
    """The functions inside ``unit`` that no other function inside it holds, with their parents'
    kinds; code on one line is not searched (a bundle's dependency maps are most of its nodes)."""
    found: list[tuple[Node, str]] = []
    stack = [(child, unit.type) for child in reversed(unit.named_children)]
    while stack:
        node, parent = stack.pop()
        if node.type in FUNCTION_TYPES:
            found.append((node, parent))
            continue
        if node.start_point[0] != node.end_point[0]:
            stack.extend((child, node.type) for child in reversed(node.named_children))
    return found


def _split(document: Document, unit: Node) -> tuple[list[Node], list[Node], Node | None, list[str]]:
    """``split_unit``, memoised per tree (the engine and the adapter both ask)."""
    if _line_count(unit) < SPLIT_LINES:
        return [], [], None, []
    splits = _file_state(document).splits
    key = _node_key(unit)
    found = splits.get(key)
    if found is None:
        found = splits[key] = split_unit(unit)
    return found


def unit_parts(document: Document):
    """The engine's hook: ``parts(unit)`` -> the parts of ``unit`` that are analysis units of
    their own, each with its parent's kind (asking tree-sitter for a parent walks from the root)."""

    def parts(unit: Node) -> list[tuple[Node, str]]:
        inner, _holes, _wrapper, parents = _split(document, unit)
        return list(zip(inner, parents, strict=True))

    return parts


_NO_STUBS: frozenset[tuple[int, int, int]] = frozenset()


def _stubbed(document: Document, unit: Node) -> frozenset[tuple[int, int, int]]:
    """Functions lowered as their header only in ``unit``: their bodies are other units."""
    if _line_count(unit) < SPLIT_LINES:
        return _NO_STUBS  # most units: not split
    parts, _holes, wrapper, _parents = _split(document, unit)
    if wrapper is not None:
        return frozenset({_node_key(wrapper)})
    return frozenset(_node_key(part) for part in parts)


# ---------------------------------------------------------------------------------------- lowering


_LOWERED_FIELDS = (
    "alternative", "argument", "arguments", "body", "condition", "consequence", "constructor",
    "declaration", "finalizer", "function", "handler", "increment", "index", "initializer", "key",
    "left", "name", "object", "operator", "parameter", "parameters", "pattern", "property", "right",
    "value",
)  # fmt: skip


class _FieldIds:
    """The grammar's ids of the fields the lowering reads, resolved once per language: the lowering
    asks for a field ~300,000 times in webpack's ``lib/``, and ``child_by_field_name`` looks the name
    up among the grammar's field names each time (``child_by_field_id`` takes the id). The ids
    differ between the JavaScript, TypeScript and TSX grammars; a field a grammar lacks is 0 (no
    child), as ``child_by_field_name`` finds none."""

    __slots__ = _LOWERED_FIELDS

    def __init__(self, language: str) -> None:
        resolve = grammar(language).field_id_for_name
        for name in _LOWERED_FIELDS:
            setattr(self, name, resolve(name) or 0)


@functools.cache
def _field_ids(language: str) -> _FieldIds:
    return _FieldIds(language)


class _Scope:
    """The names a function binds (parameters, declarations, nested functions) and what they mean."""

    __slots__ = ("names", "parent", "class_name", "factory")

    def __init__(self, parent: _Scope | None, class_name: str | None) -> None:
        self.names: dict[str, str | None] = {}
        self.parent = parent
        self.class_name = class_name
        # The key of the function whose own scope this is (``_returned``); None for nested scopes.
        self.factory: str | None = None

    def lookup(self, name: str) -> tuple[bool, str | None]:
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.names:
                return True, scope.names[name]
            scope = scope.parent
        return False, None


class IndexMarks:
    """What the lowering of one unit met of the node kinds the pattern rules index
    (``checks/javascript/_support.unit_index``), so the index needs no query of its own over the
    unit (a query walks every node of it, as the lowering does: the two walks were a fifth of a
    webpack run). Each entry is (the node, the node holding its name, the name), as the index's
    patterns capture them (``javascript_syntax``: ``calls``, ``creations``, ``property_assignments``,
    ``subscript_assignments``, ``object_entries``, ``for_in_loops``, ``jsx_attributes``).

    ``unlowered``: the subtrees the lowering did not descend into (a ``.length``'s object, a class
    expression, a TypeScript declaration, decorators ...): what they hold is found by the
    index's query over them. Entries may repeat (a node lowered twice: ``x[f()]++``) and come in
    the lowering's order, not the tree's; entries inside other units' parts are in them too.

    Only entries of the names the index looks for are noted (``names``, ``index_names``), and
    calls of a module-level import (an alias: ``import { exec as run }``): a note of every call
    kept a tuple and a node alive per call, which the collector then traversed."""

    __slots__ = (
        "names", "function_calls", "method_calls", "news", "property_stores", "subscript_stores",
        "pairs", "loops", "jsx_attributes", "unlowered",
    )  # fmt: skip

    def __init__(self, names: IndexNames) -> None:
        self.names = names
        self.function_calls: list[tuple[Node, Node, str]] = []  # ``f(...)``
        self.method_calls: list[tuple[Node, Node, str]] = []  # ``o.f(...)``
        self.news: list[tuple[Node, Node, str]] = []
        self.property_stores: list[tuple[Node, Node, str]] = []  # ``o.p = v``, ``o.p += v``
        self.subscript_stores: list[Node] = []  # ``o[k] = v``
        self.pairs: list[tuple[Node, Node, str]] = []  # ``{ k: v }``, ``{ "k": v }``
        self.loops: list[Node] = []  # ``for (x in/of y)``
        self.jsx_attributes: list[tuple[Node, Node, str]] = []
        self.unlowered: list[Node] = []


@dataclass(frozen=True, eq=False)
class IndexNames:
    """The names the pattern index looks for (the rules': ``checks/javascript/_support``)."""

    calls: frozenset[str]
    news: frozenset[str]
    stores: frozenset[str]
    pairs: frozenset[str]
    jsx_attributes: frozenset[str]


_INDEX_NAMES: IndexNames | None = None


def set_index_names(names: IndexNames) -> None:
    """Which entries the lowering notes for the pattern index (``IndexMarks``); until this is
    called it notes none, and the index is queried."""
    global _INDEX_NAMES
    _INDEX_NAMES = names


# Expressions that hold none of the kinds the index looks at (``_holds_nothing``).
_LEAVES = frozenset(
    {"identifier", "this", "super", "property_identifier", "private_property_identifier", "string",
     "number", "true", "false", "null", "undefined", "regex", "comment", "meta_property", "import",
     "shorthand_property_identifier", "statement_identifier", "type_identifier", "predefined_type",
     "empty_statement", "debugger_statement", "type_annotation", "type_parameters", "type_arguments",
     "accessibility_modifier", "override_modifier", "string_fragment", "escape_sequence"}
)  # fmt: skip


def _holds_nothing(node: Node) -> bool:
    """A leaf or a chain of properties of one (``a.b.c``): nothing in it for the index."""
    while node.type == "member_expression":
        node = node.child_by_field_name("object")
        if node is None:
            return True
    return node.type in _LEAVES


class _Lowerer:
    """Lowers the functions of one file; ``functions`` collects every function it lowered."""

    def __init__(self, document: Document, names: ModuleNames, imports: dict[str, str] | None = None) -> None:
        self.document = document
        self.text = _Text(document.source)
        self._source = self.text.source  # ``text``'s, for the leaves' text without a call
        self.fields = _field_ids(document.language)
        self.names = names
        self.functions: list[ir.Function] = []
        self._temp = 0
        self._pending: list[ir.Stmt] = []
        # The calls of the function being lowered, as made (``shapes.function_calls``: the relevance
        # test reads every function's calls, and a walk of each body for them cost more than this).
        self._calls: list[ir.Call] = []
        self._depth = 0
        # The names looked up in ``names`` (what the lowering depends on outside the unit).
        self.looked_up: set[str] = set()
        # Functions whose bodies are units of their own (``split_unit``): lowered as a header only.
        self._stubs: frozenset[tuple[int, int, int]] = frozenset()
        index_names = _INDEX_NAMES
        self.marks = IndexMarks(index_names) if index_names is not None else None
        # Where a call's name may be an alias of an imported function (``_support._call_aliases``):
        # the module's imports (``names`` are a split unit's wrapper's).
        if index_names is None:
            imports = {}
        elif imports is None:
            imports = module_names(document).imports
        self._imports = imports

    def _unlowered(self, node: Node | None) -> None:
        """``node``'s subtree is not lowered: the index queries it (unless it holds nothing)."""
        if node is not None and self.marks is not None and not _holds_nothing(node):
            self.marks.unlowered.append(node)

    def _unlowered_except(self, node: Node, *kept: Node | None) -> None:
        """Every named child of ``node`` but ``kept`` (the children that are lowered)."""
        keys = {(k.id, k.start_byte) for k in kept if k is not None}
        for child in node.named_children:
            if (child.id, child.start_byte) not in keys:
                self._unlowered(child)

    def _unwrap(self, node: Node) -> Node:
        """``unwrap``, marking what it leaves out (a cast's type, a comment inside parentheses)."""
        kind = node.type
        while kind in _TRANSPARENT and node.named_child_count:
            if node.named_child_count > 1:
                children = node.named_children
                inner = children[-1] if kind in ("await_expression", "type_assertion") else children[0]
                self._unlowered_except(node, inner)
            else:
                inner = node.named_child(0)
            node = inner
            kind = node.type
        return node

    # ------------------------------------------------------------------ units and functions

    def lower_unit(self, unit: Node) -> list[ir.Function]:
        start = len(self.functions)
        node = unit
        self._stubs = _stubbed(self.document, unit)
        kind = node.type
        if kind == "export_statement":
            declaration = node.child_by_field_id(self.fields.declaration)
            value = node.child_by_field_id(self.fields.value)
            if declaration is not None:
                self._unlowered_except(node, declaration)  # decorators
                node = declaration
                kind = node.type
            elif value is not None and unwrap(value).type in FUNCTION_TYPES:
                self._unlowered_except(node, value)
                self._function(self._unwrap(value), None, key="default")
                return self.functions[start:]
        if kind in ("function_declaration", "generator_function_declaration"):
            name = self.text(node.child_by_field_id(self.fields.name))
            self._function(node, None, key=name or None)
        elif kind == "method_definition":
            class_name = self._class_name_of(node)
            self._function(node, None, key=self._method_key(node, class_name), class_name=class_name)
        elif kind in ("public_field_definition", "field_definition"):
            class_name = self._class_name_of(node)
            value = node.child_by_field_id(self.fields.value)
            prop = node.child_by_field_id(self.fields.property) or node.child_by_field_id(self.fields.name)
            if value is not None and unwrap(value).type in FUNCTION_TYPES:
                key = f"{class_name}.{self.text(prop)}" if class_name and prop is not None else None
                self._unlowered_except(node, value)
                self._function(self._unwrap(value), None, key=key, class_name=class_name)
            else:
                self._module_function(unit, [node], class_name)
        elif kind in _CLASS_TYPES:
            # A small class analysed as one unit: each member is a function of its own.
            body = node.child_by_field_id(self.fields.body)
            name_node = node.child_by_field_id(self.fields.name)
            class_name = self.text(name_node) or None
            self._unlowered_except(node, body, name_node)  # heritage, decorators
            for member in body.named_children if body is not None else ():
                if member.type == "method_definition":
                    self._function(
                        member, None, key=self._method_key(member, class_name), class_name=class_name
                    )
                    continue
                if member.type in ("public_field_definition", "field_definition"):
                    value = member.child_by_field_id(self.fields.value)
                    if value is not None and unwrap(value).type in FUNCTION_TYPES:
                        fields = self.fields
                        prop = member.child_by_field_id(fields.property) or member.child_by_field_id(
                            fields.name
                        )
                        key = f"{class_name}.{self.text(prop)}" if class_name and prop is not None else None
                        self._unlowered_except(member, value)
                        self._function(self._unwrap(value), None, key=key, class_name=class_name)
                        continue
                self._unlowered(member)  # a field's value, a static block: not lowered here
        elif kind in FUNCTION_TYPES:
            # A function inside a large unit, analysed on its own (``split_unit``).
            self._function(node, None, key=self._unit_function_key(node))
        else:
            self._module_function(unit, [node], None)
        return self.functions[start:]

    def _unit_function_key(self, node: Node) -> str | None:
        parent = node.parent
        if parent is not None and parent.type == "variable_declarator":
            name = parent.child_by_field_id(self.fields.name)
            if name is not None and name.type == "identifier":
                local = self.text(name)
                self.looked_up.add(local)
                return local if self.names.declared.get(local) == local else None
        return None

    def _module_function(self, unit: Node, statements: list[Node], class_name: str | None) -> None:
        scope = _Scope(None, class_name)
        first = len(self.functions)
        saved, self._calls = self._calls, []
        try:
            body = self._block(statements, scope)
            module = ir.Function(name="<module>", params=(), body=tuple(body), node=unit)
            module.extra[shapes.CALLS] = self._calls
        finally:
            self._calls = saved
        for nested in self.functions[first:]:
            ir.set_enclosing(nested, module)
        self.functions.append(module)

    def _class_name_of(self, member: Node) -> str | None:
        body = member.parent
        owner = body.parent if body is not None else None
        if owner is not None and owner.type in _CLASS_TYPES:
            return self.text(owner.child_by_field_id(self.fields.name)) or None
        return None

    def _method_key(self, method: Node, class_name: str | None) -> str | None:
        name = self.text(method.child_by_field_id(self.fields.name))
        return f"{class_name}.{name}" if class_name and name else None

    def _function(
        self,
        node: Node,
        parent: _Scope | None,
        *,
        key: str | None = None,
        class_name: str | None = None,
        param_hint: dict[int, str] | None = None,
    ) -> ir.Function:
        # The enclosing expression's pending assignments are not this function's statements, nor
        # its calls this function's.
        saved, self._pending = self._pending, []
        saved_calls, self._calls = self._calls, []
        try:
            function = self._function_body(node, parent, key, class_name, param_hint)
            function.extra[shapes.CALLS] = self._calls
            return function
        finally:
            self._pending = saved
            self._calls = saved_calls

    def _function_body(
        self,
        node: Node,
        parent: _Scope | None,
        key: str | None,
        class_name: str | None,
        param_hint: dict[int, str] | None,
    ) -> ir.Function:
        first = len(self.functions)
        scope = _Scope(
            parent, class_name if class_name is not None else (parent.class_name if parent else None)
        )
        scope.factory = key
        params: list[ir.Param] = []
        prologue: list[ir.Stmt] = []
        fields = self.fields
        parameters = node.child_by_field_id(fields.parameters) or node.child_by_field_id(fields.parameter)
        raw = [parameters] if parameters is not None and parameters.type == "identifier" else (
            [c for c in parameters.named_children if c.type != "comment"] if parameters is not None else []
        )  # fmt: skip
        handler = self._is_handler(raw)
        for index, parameter in enumerate(raw):
            pattern, annotation, default = self._parameter_parts(parameter)
            if pattern is None:
                self._unlowered(parameter)
                continue
            if pattern is not parameter and parameter.named_child_count > 1 + (default is not None):
                self._unlowered_except(parameter, pattern, default)  # decorators, modifiers, types
            if pattern.type == "rest_pattern" and pattern.named_child_count:
                if pattern.named_child_count > 1:
                    self._unlowered_except(pattern, pattern.named_children[0])
                pattern = pattern.named_children[0]
            if pattern.type == "identifier":
                name = self.text(pattern)
                meaning, tags = self._parameter_meaning(name, index, annotation, handler, param_hint)
                scope.names[name] = meaning
                params.append(ir.Param(name, index, tags, meaning, node=parameter))
                if default is not None:
                    prologue.append(self._default(name, default, scope))
            else:
                # A destructured parameter: bind a synthetic name, then destructure it in the body.
                name = f"$param{index}"
                meaning, tags = self._parameter_meaning(
                    "req" if handler and index == 0 else "", index, annotation, handler, param_hint
                )
                params.append(ir.Param(name, index, tags, meaning, node=parameter))
                scope.names[name] = meaning
                self._declare_pattern(pattern, scope)
                prologue.extend(
                    self._destructure(pattern, ir.Name(name, meaning, node=pattern), scope, parameter)
                )
        body_node = node.child_by_field_id(self.fields.body)
        others = node.named_child_count - (parameters is not None) - (body_node is not None)
        if others:
            name_node = node.child_by_field_id(fields.name)
            if others > 1 or name_node is None:
                self._unlowered_except(node, parameters, body_node)  # decorators, types
            else:
                self._unlowered(name_node)  # a computed name: `[key()]() {}`
        if self._stubs and (node.id, node.start_byte, node.end_byte) in self._stubs:
            body_node = None  # its statements (or the whole function) are units of their own
        self._hoist(body_node, scope)
        if body_node is None:
            body: list[ir.Stmt] = []
        elif body_node.type == "statement_block":
            body = self._block(body_node.named_children, scope)
        else:  # an arrow function's expression body
            value = self._returned(body_node, scope)
            body = [*self._flush(), ir.Return(value, node=body_node)]
        function = ir.Function(
            name=self._function_name(node) or "<lambda>",
            params=tuple(params),
            body=tuple(prologue + body),
            key=key,
            class_name=scope.class_name,
            tags=frozenset({"route"}) if handler else frozenset(),
            node=node,
        )
        for nested in self.functions[first:]:
            ir.set_enclosing(nested, function)  # a closure over this function's variables
        self.functions.append(function)
        return function

    def _function_name(self, node: Node) -> str | None:
        name = node.child_by_field_id(self.fields.name)
        if name is not None:
            return self.text(name)
        parent = node.parent
        if parent is not None and parent.type == "variable_declarator":
            return self.text(parent.child_by_field_id(self.fields.name))
        if parent is not None and parent.type == "pair":
            return self.text(parent.child_by_field_id(self.fields.key))
        return None

    @staticmethod
    def _parameter_parts(parameter: Node) -> tuple[Node | None, Node | None, Node | None]:
        """(pattern, type annotation, default value) of a JS or TS parameter."""
        if parameter.type in ("required_parameter", "optional_parameter"):
            pattern = parameter.child_by_field_name("pattern")
            annotation = parameter.child_by_field_name("type")
            return pattern, annotation, parameter.child_by_field_name("value")
        if parameter.type == "assignment_pattern":
            return parameter.child_by_field_name("left"), None, parameter.child_by_field_name("right")
        if parameter.type in ("identifier", "object_pattern", "array_pattern", "rest_pattern"):
            return parameter, None, None
        return None, None, None

    def _is_handler(self, raw: list[Node]) -> bool:
        return self.is_handler_text(raw)

    @classmethod
    def is_handler_text(cls, raw: list[Node]) -> bool:
        """A web handler: ``(req, res)``, ``(req, res, next)``, ``(request)``, ``(ctx)``, ``({ query }, res)``."""
        if not raw:
            return False
        first_pattern = cls._parameter_parts(raw[0])[0]
        if first_pattern is None:
            return False
        if first_pattern.type == "identifier":
            first = _node_text(first_pattern)
            if first in _CONTEXT_PARAMS:
                return True
            if first in _REQUEST_PARAMS:
                return True
            return False
        if first_pattern.type == "object_pattern" and len(raw) >= 2:
            second = cls._parameter_parts(raw[1])[0]
            return second is not None and _node_text(second) in _RESPONSE_PARAMS
        return False

    def _parameter_meaning(
        self, name: str, index: int, annotation: Node | None, handler: bool, hint: dict[int, str] | None
    ) -> tuple[str | None, frozenset[str]]:
        if hint and index in hint:
            return hint[index], frozenset({"event"})
        if handler:
            if index == 0 and name in _CONTEXT_PARAMS:
                return _CONTEXT_PARAMS[name], frozenset({"route"})
            if index == 0 and (name in _REQUEST_PARAMS or name == "req"):
                type_name = self._annotation_name(annotation)
                self.looked_up.add(type_name or "")
                imported = self.names.imports.get(type_name or "", "")
                if type_name in _FETCH_REQUEST_TYPES and not imported.startswith("express"):
                    return "fetch.Request", frozenset({"route"})
                return _REQUEST_PARAMS.get(name, "express.Request"), frozenset({"route"})
            if index == 1 and name in _RESPONSE_PARAMS:
                return _RESPONSE_PARAMS[name], frozenset({"response"})
        return None, frozenset()

    def _annotation_name(self, annotation: Node | None) -> str | None:
        if annotation is None:
            return None
        for child in annotation.named_children:
            if child.type in ("type_identifier", "nested_type_identifier", "generic_type"):
                return self.text(child).split("<", 1)[0].rsplit(".", 1)[-1]
        return None

    def _default(self, name: str, default: Node, scope: _Scope) -> ir.Stmt:
        # `function f(x = 'a')`: x is the argument, or the default when none was given.
        value = self._expr(default, scope)
        return ir.Assign(
            ir.Name(name, node=default),
            ir.Cond(ir.Opaque(), ir.Name(name), value, node=default),
            node=default,
        )

    def _hoist(self, body: Node | None, scope: _Scope) -> None:
        """Declare every name the function binds, so an import of the same name is shadowed everywhere in it."""
        if body is None:
            return
        stack = [body]
        while stack:
            node = stack.pop()
            kind = node.type
            if kind in FUNCTION_TYPES and node is not body:
                if kind in ("function_declaration", "generator_function_declaration"):
                    name = node.child_by_field_id(self.fields.name)
                    if name is not None:
                        scope.names.setdefault(self.text(name), None)
                continue
            if kind == "variable_declarator":
                name = node.child_by_field_id(self.fields.name)
                if name is not None:
                    self._declare_pattern(name, scope)
            elif kind == "for_in_statement":
                left = node.child_by_field_id(self.fields.left)
                if left is not None and left.type in ("identifier", "object_pattern", "array_pattern"):
                    self._declare_pattern(left, scope)
            elif kind == "catch_clause":
                parameter = node.child_by_field_id(self.fields.parameter)
                if parameter is not None:
                    self._declare_pattern(parameter, scope)
            elif kind in _CLASS_TYPES:
                name = node.child_by_field_id(self.fields.name)
                if name is not None:
                    scope.names.setdefault(self.text(name), None)
                continue
            # Declarations live in statements only: expressions are not searched (most of the tree).
            stack.extend([c for c in node.named_children if c.type in _DECLARING])

    def _declare_pattern(self, pattern: Node, scope: _Scope) -> None:
        if pattern.type in ("identifier", "shorthand_property_identifier_pattern"):
            scope.names.setdefault(self.text(pattern), None)
            return
        for child in pattern.named_children:
            if child.type in ("identifier", "shorthand_property_identifier_pattern"):
                scope.names.setdefault(self.text(child), None)
            elif child.type in ("pair_pattern",):
                value = child.child_by_field_id(self.fields.value)
                if value is not None:
                    self._declare_pattern(value, scope)
            elif child.type in ("object_assignment_pattern", "assignment_pattern"):
                left = child.child_by_field_id(self.fields.left)
                if left is not None:
                    self._declare_pattern(left, scope)
            elif child.type in ("rest_pattern", "object_pattern", "array_pattern"):
                self._declare_pattern(child, scope)

    # ------------------------------------------------------------------ statements

    def _flush(self) -> list[ir.Stmt]:
        pending, self._pending = self._pending, []
        return pending

    def _block(self, statements, scope: _Scope) -> list[ir.Stmt]:
        out: list[ir.Stmt] = []
        for statement in statements:
            lowered = self._statement(statement, scope)
            if self._pending:
                out.extend(self._flush())
            out.extend(lowered)
        return out

    def _body(self, node: Node | None, scope: _Scope) -> tuple[ir.Stmt, ...]:
        if node is None:
            return ()
        if node.type == "statement_block":
            return tuple(self._block(node.named_children, scope))
        return tuple(self._block([node], scope))

    def _statement(self, node: Node, scope: _Scope) -> list[ir.Stmt]:
        kind = node.type
        if kind == "expression_statement":
            count = node.named_child_count
            inner = node.named_child(0) if count else None
            if inner is None:
                return []
            if count > 1:
                self._unlowered_except(node, inner)
            return self._effect(inner, scope, node)
        if kind in ("lexical_declaration", "variable_declaration"):
            out: list[ir.Stmt] = []
            for declarator in node.named_children:
                if declarator.type == "variable_declarator":
                    out.extend(self._declarator(declarator, scope))
                else:
                    self._unlowered(declarator)
            return out
        if kind == "comment":
            return []  # as frequent as declarations: not through every kind below
        if kind == "statement_block":
            return self._block(node.named_children, scope)
        if kind == "return_statement":
            value = node.named_child(0) if node.named_child_count else None
            if value is not None and node.named_child_count > 1:
                self._unlowered_except(node, value)
            lowered = self._returned(value, scope) if value is not None else None
            return [*self._flush(), ir.Return(lowered, node=node)]
        if kind == "throw_statement":
            value = node.named_child(0) if node.named_child_count else None
            if value is not None and node.named_child_count > 1:
                self._unlowered_except(node, value)
            lowered = self._expr(value, scope) if value is not None else None
            return [*self._flush(), ir.Raise(lowered, node=node)]
        if kind == "if_statement":
            test = self._expr(node.child_by_field_id(self.fields.condition), scope)
            pre = self._flush()
            body = self._body(node.child_by_field_id(self.fields.consequence), scope)
            alternative = node.child_by_field_id(self.fields.alternative)
            orelse: tuple[ir.Stmt, ...] = ()
            if alternative is not None:
                inner = next((c for c in alternative.named_children if c.type != "comment"), None)
                orelse = self._body(inner, scope)
            return [*pre, ir.If(test, body, orelse, node=node)]
        if kind == "switch_statement":
            return self._switch(node, scope)
        if kind == "for_statement":
            return self._for(node, scope)
        if kind == "for_in_statement":
            if self.marks is not None:
                self.marks.loops.append(node)
            return self._for_in(node, scope)
        if kind == "while_statement":
            test = self._expr(node.child_by_field_id(self.fields.condition), scope)
            pre = self._flush()
            body = self._body(node.child_by_field_id(self.fields.body), scope)
            return [*pre, ir.Loop(body, test, node=node)]
        if kind == "do_statement":
            body = self._body(node.child_by_field_id(self.fields.body), scope)
            test = self._expr(node.child_by_field_id(self.fields.condition), scope)
            tail = self._flush()
            return [ir.Loop(body + tuple(tail), test, runs_once=True, node=node)]
        if kind == "try_statement":
            return [self._try(node, scope)]
        if kind == "break_statement":
            return [ir.Break(node=node)]
        if kind == "continue_statement":
            return [ir.Continue(node=node)]
        if kind == "labeled_statement":
            body = node.child_by_field_id(self.fields.body)
            return self._statement(body, scope) if body is not None else []
        if kind in ("function_declaration", "generator_function_declaration"):
            name = self.text(node.child_by_field_id(self.fields.name))
            function = self._function(node, scope)
            return [
                ir.Define(function, node=node),
                ir.Assign(ir.Name(name), ir.FuncRef(function, node=node), node=node),
            ]
        if kind in _CLASS_TYPES:
            return self._class_members(node, scope)
        if kind == "export_statement":
            declaration = node.child_by_field_id(self.fields.declaration)
            if declaration is not None:
                self._unlowered_except(node, declaration)  # decorators
                return self._statement(declaration, scope)
            value = node.child_by_field_id(self.fields.value)
            self._unlowered_except(node, value)  # `export { a } from "m"`, decorators
            return [ir.Eval(self._expr(value, scope), node=node)] if value is not None else []
        if kind in ("public_field_definition", "field_definition"):
            value = node.child_by_field_id(self.fields.value)
            prop = node.child_by_field_id(self.fields.property) or node.child_by_field_id(self.fields.name)
            self._unlowered_except(node, value)  # a computed name, decorators
            if value is None or prop is None:
                return []
            target = ir.Attr(ir.Name("this", node=prop), self.text(prop), node=prop)
            return [ir.Assign(target, self._expr(value, scope), node=node)]
        if kind == "ERROR":
            # Half-written code: what tree-sitter recognised inside the error still counts.
            out = []
            for child in node.named_children:
                if child.type.endswith(("_statement", "_declaration")) or child.type == "ERROR":
                    out.extend(self._statement(child, scope))
                elif child.type not in ("comment", "identifier"):
                    out.extend(self._effect(child, scope, child))
                out.extend(self._flush())
            return out
        # import/empty/debugger statements, TypeScript declarations: nothing flows.
        self._unlowered(node)
        return []

    def _class_members(self, node: Node, scope: _Scope) -> list[ir.Stmt]:
        body = node.child_by_field_id(self.fields.body)
        name_node = node.child_by_field_id(self.fields.name)
        class_name = self.text(name_node) or None
        self._unlowered_except(node, body, name_node)  # heritage, decorators
        out: list[ir.Stmt] = []
        for member in body.named_children if body is not None else ():
            if member.type == "method_definition":
                inner = _Scope(scope, class_name)
                function = self._function(member, inner, key=None, class_name=class_name)
                out.append(ir.Define(function, node=member))
            else:
                self._unlowered(member)  # fields, static blocks
        return out

    def _effect(self, inner: Node, scope: _Scope, statement: Node) -> list[ir.Stmt]:
        """An expression statement: assignments become ``Assign``, everything else ``Eval``."""
        kind = inner.type
        if kind == "parenthesized_expression":
            inner = self._unwrap(inner)
            kind = inner.type
        if kind == "assignment_expression":
            return self._assignment(inner, scope, statement)
        if kind == "augmented_assignment_expression":
            return self._augmented(inner, scope, statement)
        if kind == "update_expression":
            argument = inner.child_by_field_id(self.fields.argument)
            if argument is None:
                self._unlowered(inner)
                return []
            target = self._target(argument, scope)
            op = "-" if "--" in self.text(inner) else "+"
            value = ir.BinOp(op, self._expr(argument, scope), ir.Lit(1), node=inner)
            return [*self._flush(), ir.Assign(target, value, node=statement)]
        if kind == "sequence_expression":
            out: list[ir.Stmt] = []
            for part in inner.named_children:
                out.extend(self._effect(part, scope, statement))
            return out
        value = self._expr(inner, scope)
        return [*self._flush(), ir.Eval(value, node=statement)]

    def _assignment(self, node: Node, scope: _Scope, statement: Node) -> list[ir.Stmt]:
        left = node.child_by_field_id(self.fields.left)
        right = node.child_by_field_id(self.fields.right)
        if left is None or right is None:
            self._unlowered(node)
            return []
        self._note_store(node, left, assignment=True)
        if left.type in ("object_pattern", "array_pattern"):
            value = self._expr(right, scope)
            temp = self._new_temp()
            out = [*self._flush(), ir.Assign(ir.Name(temp), value, node=statement)]
            out.extend(self._destructure(left, ir.Name(temp, node=right), scope, statement))
            return out
        value = self._expr(right, scope, binding=left)
        target = self._target(left, scope)
        if isinstance(target, ir.Name):
            self._note_meaning(target.name, right, scope)
        return [*self._flush(), ir.Assign(target, value, node=statement)]

    def _augmented(self, node: Node, scope: _Scope, statement: Node) -> list[ir.Stmt]:
        left = node.child_by_field_id(self.fields.left)
        right = node.child_by_field_id(self.fields.right)
        operator = self.text(node.child_by_field_id(self.fields.operator))
        if left is None or right is None:
            self._unlowered(node)
            return []
        self._note_store(node, left, assignment=False)
        current = self._expr(left, scope)
        value = self._expr(right, scope)
        op = operator[:-1]
        if op == "+":
            combined: ir.Expr = (
                ir.Concat((current, value), node=node)
                if self._stringy(right)
                else ir.BinOp("+", current, value, node=node)
            )
        elif op in _LOGICAL:
            combined = ir.BinOp(_LOGICAL[op], current, value, node=node)
        elif op in _ARITHMETIC:
            combined = ir.BinOp(op, current, value, node=node)
        else:
            combined = ir.Opaque((current, value), node=node)
        return [*self._flush(), ir.Assign(self._target(left, scope), combined, node=statement)]

    def _note_store(self, node: Node, left: Node, *, assignment: bool) -> None:
        """An assignment's entry in the index marks: a property store (``o.p = v``, ``o.p += v``)
        or, for ``=``, a subscript store (``o[k] = v``)."""
        marks = self.marks
        if marks is None:
            return
        kind = left.type
        if kind == "member_expression":
            found = self._property_named(left, marks.names.stores)
            if found is not None:
                marks.property_stores.append((node, *found))
        elif assignment and kind == "subscript_expression":
            marks.subscript_stores.append(node)

    def _property_named(self, member: Node, names: frozenset[str]) -> tuple[Node, str] | None:
        """A member expression's property (``o.p``) and its name, if the name is one of ``names``."""
        prop = member.child_by_field_id(self.fields.property)
        if prop is None or prop.type != "property_identifier":
            return None
        name = self.text(prop)
        return (prop, name) if name in names else None

    def _stringy(self, node: Node) -> bool:
        node = unwrap(node)
        return node.type in ("string", "template_string") or (
            node.type == "binary_expression"
            and self.text(node.child_by_field_id(self.fields.operator)) == "+"
            and (
                self._stringy(node.child_by_field_id(self.fields.left))
                or self._stringy(node.child_by_field_id(self.fields.right))
            )
        )

    def _declarator(self, declarator: Node, scope: _Scope) -> list[ir.Stmt]:
        name = declarator.child_by_field_id(self.fields.name)
        value = declarator.child_by_field_id(self.fields.value)
        if name is None:
            self._unlowered(declarator)
            return []
        if name.type == "identifier":
            local = self.text(name)
            lowered = (
                self._expr(value, scope, binding=name) if value is not None else ir.Lit(None, node=declarator)
            )
            self._note_meaning(local, value, scope)
            return [*self._flush(), ir.Assign(ir.Name(local, node=name), lowered, node=declarator)]
        if value is None:
            self._unlowered(name)  # a pattern's defaults
            return []
        self._note_pattern_imports(name, value, scope)
        lowered = self._expr(value, scope)
        temp = self._new_temp()
        out = [*self._flush(), ir.Assign(ir.Name(temp), lowered, node=declarator)]
        out.extend(self._destructure(name, ir.Name(temp, node=value), scope, declarator))
        return out

    def _note_meaning(self, local: str, value: Node | None, scope: _Scope) -> None:
        """What a local name means when its value says so: ``require('m')``, ``new T()``, an alias of an import."""
        if value is None:
            return
        value = unwrap(value)
        target = _require_target(self.text, value)
        if target is None and value.type == "new_expression":
            constructor = value.child_by_field_id(self.fields.constructor)
            target = self._qualify(constructor, scope) if constructor is not None else None
        elif target is None and value.type == "member_expression":
            qualified = self._qualify(value, scope)
            target = (
                qualified if qualified and "." in qualified and self._resolves_outside(value, scope) else None
            )
        elif (
            target is None
            and value.type == "call_expression"
            and (inner := _is_promisify(self.text, value)) is not None
        ):
            target = self._qualify(inner, scope)
        if _owner(scope, local) is not None:
            _owner(scope, local).names[local] = target  # type: ignore[union-attr]

    def _resolves_outside(self, node: Node, scope: _Scope) -> bool:
        root = node
        while root.type == "member_expression":
            root = unwrap(root.child_by_field_id(self.fields.object))
        if root.type != "identifier":
            return False
        # Only aliases of imported modules (`const run = cp.exec`), never values (`const id = req.query.id`):
        # a value's meaning belongs to the dataflow, which knows when it is overwritten.
        bound, _meaning = scope.lookup(self.text(root))
        self.looked_up.add(self.text(root))
        return not bound and self.text(root) in self.names.imports

    def _note_pattern_imports(self, pattern: Node, value: Node, scope: _Scope) -> None:
        target = _require_target(self.text, value)
        if target is None:
            return
        table: dict[str, str] = {}
        _bind_pattern(self.text, pattern, target, table)
        for local, meaning in table.items():
            owner = _owner(scope, local)
            if owner is not None:
                owner.names[local] = meaning

    def _new_temp(self) -> str:
        self._temp += 1
        return f"$tmp{self._temp}"

    def _destructure(self, pattern: Node, source: ir.Expr, scope: _Scope, node: Node) -> list[ir.Stmt]:
        """``const {a, b: c = 1, ...rest} = src`` / ``const [x, y] = src`` as one assignment per name."""
        out: list[ir.Stmt] = []
        if pattern.type in ("identifier", "shorthand_property_identifier_pattern"):
            out.append(ir.Assign(ir.Name(self.text(pattern), node=pattern), source, node=node))
            return out
        if pattern.type == "assignment_pattern":
            left = pattern.child_by_field_id(self.fields.left)
            right = pattern.child_by_field_id(self.fields.right)
            default = self._expr(right, scope) if right is not None else ir.Lit(None)
            out.extend(self._flush())
            value = ir.BinOp("or", source, default, node=pattern)
            return out + self._destructure(left, value, scope, node) if left is not None else out
        if pattern.type == "object_pattern":
            for child in pattern.named_children:
                if child.type == "shorthand_property_identifier_pattern":
                    name = self.text(child)
                    out.append(
                        ir.Assign(ir.Name(name, node=child), self._field(source, name, child), node=node)
                    )
                elif child.type == "pair_pattern":
                    key = child.child_by_field_id(self.fields.key)
                    value = child.child_by_field_id(self.fields.value)
                    if key is None or value is None:
                        self._unlowered(child)
                        continue
                    if key.type == "computed_property_name":
                        key_expr = (
                            self._expr(key.named_child(0), scope) if key.named_child_count else ir.Opaque()
                        )
                        out.extend(self._flush())
                        element: ir.Expr = ir.Index(source, key_expr, node=key)
                    else:
                        element = self._field(source, self.text(key).strip("'\""), key)
                    out.extend(self._destructure(value, element, scope, node))
                elif child.type == "object_assignment_pattern":
                    left = child.child_by_field_id(self.fields.left)
                    right = child.child_by_field_id(self.fields.right)
                    if left is None:
                        self._unlowered(child)
                        continue
                    default = self._expr(right, scope) if right is not None else ir.Lit(None)
                    out.extend(self._flush())
                    element = ir.BinOp("or", self._field(source, self.text(left), left), default, node=child)
                    out.extend(self._destructure(left, element, scope, node))
                elif child.type == "rest_pattern" and child.named_child_count:
                    out.extend(
                        self._destructure(
                            child.named_children[0], ir.Opaque((source,), node=child), scope, node
                        )
                    )
                else:
                    self._unlowered(child)
            return out
        if pattern.type == "array_pattern":
            position = 0
            for child in pattern.named_children:
                if child.type == "comment":
                    continue
                if child.type == "rest_pattern" and child.named_child_count:
                    out.extend(
                        self._destructure(
                            child.named_children[0], ir.Opaque((source,), node=child), scope, node
                        )
                    )
                else:
                    out.extend(
                        self._destructure(child, ir.Index(source, ir.Lit(position), node=child), scope, node)
                    )
                position += 1
            return out
        self._unlowered(pattern)  # `[a.b] = xs`: a target, not lowered here
        return out

    def _field(self, source: ir.Expr, name: str, node: Node) -> ir.Attr:
        qualname = (
            f"{source.qualname}.{name}"
            if isinstance(source, (ir.Name, ir.Attr)) and source.qualname
            else None
        )
        return ir.Attr(source, name, qualname, node=node)

    def _switch(self, node: Node, scope: _Scope) -> list[ir.Stmt]:
        subject = self._expr(node.child_by_field_id(self.fields.value), scope)
        pre = self._flush()
        cases: list[ir.Case] = []
        body = node.child_by_field_id(self.fields.body)
        for case in body.named_children if body is not None else ():
            if case.type not in ("switch_case", "switch_default"):
                continue
            tests: tuple[ir.Expr, ...] = ()
            if case.type == "switch_case":
                value = case.child_by_field_id(self.fields.value)
                tests = (self._expr(value, scope),) if value is not None else ()
                pre.extend(self._flush())
            statements = case.children_by_field_name("body")
            cases.append(ir.Case(tests, tuple(self._block(statements, scope)), falls_through=True))
        return [*pre, ir.Switch(subject, tuple(cases), node=node)]

    def _for(self, node: Node, scope: _Scope) -> list[ir.Stmt]:
        out: list[ir.Stmt] = []
        initializer = node.child_by_field_id(self.fields.initializer)
        if initializer is not None:
            out.extend(self._statement(initializer, scope) if initializer.type != "empty_statement" else [])
            out.extend(self._flush())
        condition = node.child_by_field_id(self.fields.condition)
        test: ir.Expr | None = None
        if condition is not None and condition.type != "empty_statement":
            inner = (
                condition.named_children[0]
                if condition.type == "expression_statement" and condition.named_child_count
                else condition
            )
            test = self._expr(inner, scope)
        pre = self._flush()
        body = list(self._body(node.child_by_field_id(self.fields.body), scope))
        increment = node.child_by_field_id(self.fields.increment)
        if increment is not None:
            body.extend(self._effect(increment, scope, increment))
        return [*out, *pre, ir.Loop(tuple(body), test, node=node)]

    def _for_in(self, node: Node, scope: _Scope) -> list[ir.Stmt]:
        left = node.child_by_field_id(self.fields.left)
        right = node.child_by_field_id(self.fields.right)
        iterable = self._expr(right, scope) if right is not None else ir.Opaque()
        pre = self._flush()
        operator = self.text(node.child_by_field_id(self.fields.operator))
        # `for (k in o)` binds keys, `for (v of xs)` elements: either way, what the iterable holds.
        element: ir.Expr = (
            ir.Index(iterable, ir.Opaque(), node=right)
            if operator != "in"
            else ir.Opaque((iterable,), node=right)
        )
        binding: list[ir.Stmt] = []
        if left is not None:
            if left.type in ("identifier", "member_expression", "subscript_expression"):
                binding = [ir.Assign(self._target(left, scope), element, node=left)]
            else:
                binding = self._destructure(left, element, scope, left)
        body = self._body(node.child_by_field_id(self.fields.body), scope)
        return [*pre, ir.Loop(tuple(binding) + body, None, node=node)]

    def _try(self, node: Node, scope: _Scope) -> ir.Try:
        body = self._body(node.child_by_field_id(self.fields.body), scope)
        handlers: list[tuple[ir.Stmt, ...]] = []
        handler = node.child_by_field_id(self.fields.handler)
        if handler is not None:
            prologue: list[ir.Stmt] = []
            parameter = handler.child_by_field_id(self.fields.parameter)
            if parameter is not None:
                prologue = self._destructure(parameter, ir.Opaque(node=parameter), scope, parameter)
            handlers.append(tuple(prologue) + self._body(handler.child_by_field_id(self.fields.body), scope))
        final: tuple[ir.Stmt, ...] = ()
        finalizer = node.child_by_field_id(self.fields.finalizer)
        if finalizer is not None:
            final = self._body(finalizer.child_by_field_id(self.fields.body), scope)
        return ir.Try(body, tuple(handlers), (), final, node=node)

    # ------------------------------------------------------------------ expressions

    def _target(self, node: Node, scope: _Scope) -> ir.Expr:
        node = self._unwrap(node)
        if node.type == "identifier":
            return ir.Name(self.text(node), node=node)
        if node.type in ("member_expression", "subscript_expression"):
            return self._expr(node, scope, binding=_TARGET)
        self._unlowered(node)
        return ir.Opaque(node=node)

    def _expr(self, node: Node | None, scope: _Scope, binding: Node | None = None) -> ir.Expr:
        if node is None:
            return ir.Opaque()
        if self._depth > _MAX_DEPTH:
            self._unlowered(node)
            return ir.Opaque(node=node)
        kind = node.type
        # Leaves (half of all expressions: names, literals) here, without ``_expr_inner``'s call
        # and depth bookkeeping; what they lower to is what ``_expr_inner`` makes of them.
        if kind == "identifier":
            name = self._source[node.start_byte : node.end_byte].decode("utf-8", errors="replace")
            if name == "undefined":
                return ir.Lit(None, node=node)
            return ir.Name(name, self._name_meaning(name, scope), node=node)
        if kind == "string":
            raw = self._source[node.start_byte : node.end_byte].decode("utf-8", errors="replace")
            return ir.Lit(_unescape(raw[1:-1]), node=node)
        if kind == "number":
            raw = self._source[node.start_byte : node.end_byte].decode("utf-8", errors="replace")
            return ir.Lit(_number(raw), node=node)
        if kind == "this":
            return ir.Name("this", node=node)
        if kind in _TRANSPARENT:
            node = self._unwrap(node)
            kind = node.type
        self._depth += 1
        result = self._expr_inner(node, kind, scope, binding)
        self._depth -= 1
        return result

    def _expr_inner(self, node: Node, kind: str, scope: _Scope, binding: Node | None) -> ir.Expr:
        """``node`` (unwrapped, of grammar kind ``kind``) lowered."""
        text = self.text
        # The most frequent kinds first.
        if kind == "identifier":
            name = text(node)
            if name == "undefined":
                return ir.Lit(None, node=node)
            return ir.Name(name, self._name_meaning(name, scope), node=node)
        if kind == "member_expression":
            obj_node = node.child_by_field_id(self.fields.object)
            prop = node.child_by_field_id(self.fields.property)
            name = text(prop)
            if name == "length" and binding is not _TARGET:
                self._unlowered(obj_node)
                return ir.Opaque(node=node)  # a number, whatever it is the length of
            obj = self._expr(obj_node, scope)
            return ir.Attr(obj, name, self._member_qualname(obj, name), node=node)
        if kind == "call_expression":
            return self._call(node, scope)
        if kind == "binary_expression":
            return self._binary(node, scope)
        if kind == "string":
            return ir.Lit(_unescape(text(node)[1:-1]), node=node)
        if kind == "template_string":
            return self._template(node, scope)
        if kind == "number":
            return ir.Lit(_number(text(node)), node=node)
        if kind == "true":
            return ir.Lit(True, node=node)
        if kind == "false":
            return ir.Lit(False, node=node)
        if kind in ("null", "undefined"):
            return ir.Lit(None, node=node)
        if kind in ("this", "super"):
            return ir.Name("this", node=node)
        if kind == "subscript_expression":
            obj = self._expr(node.child_by_field_id(self.fields.object), scope)
            index = node.child_by_field_id(self.fields.index)
            key = self.text.string_value(index) if index is not None else None
            if key is not None and _IDENTIFIER.match(key):
                return ir.Attr(obj, key, self._member_qualname(obj, key), node=node)
            return ir.Index(obj, self._expr(index, scope), node=node)
        if kind == "new_expression":
            return self._new(node, scope)
        if kind == "unary_expression":
            operator = text(node.child_by_field_id(self.fields.operator))
            argument = self._expr(node.child_by_field_id(self.fields.argument), scope)
            if operator == "!":
                return ir.Unary("not", argument, node=node)
            if operator == "-":
                return ir.Unary("-", argument, node=node)
            if operator == "void":
                return ir.Lit(None, node=node)
            # typeof, +x, ~x, delete: a type name, a number or a boolean, never the operand's text.
            return ir.Opaque(node=node)
        if kind == "update_expression":
            argument = node.child_by_field_id(self.fields.argument)
            if argument is not None:
                target = self._target(argument, scope)
                op = "-" if "--" in text(node) else "+"
                self._pending.append(
                    ir.Assign(target, ir.BinOp(op, self._expr(argument, scope), ir.Lit(1)), node=node)
                )
            else:
                self._unlowered(node)
            return ir.Opaque(node=node)
        if kind == "ternary_expression":
            return ir.Cond(
                self._expr(node.child_by_field_id(self.fields.condition), scope),
                self._expr(node.child_by_field_id(self.fields.consequence), scope),
                self._expr(node.child_by_field_id(self.fields.alternative), scope),
                node=node,
            )
        if kind == "assignment_expression":
            # `a = b` used as a value: the assignment happens first, the value is what was assigned.
            # The value read back is the assignment's own target, lowered once: lowering the left
            # side again doubled the work at every nesting level (`a.b = c.d = e.f = ...`, or an
            # error-recovered tree after a paste), which took minutes on one 6,000-line file.
            left = node.child_by_field_id(self.fields.left)
            assignment = self._assignment(node, scope, node)
            self._pending.extend(assignment)
            last = assignment[-1] if assignment else None
            if (
                left is None
                or left.type in ("object_pattern", "array_pattern")
                or not isinstance(last, ir.Assign)
            ):
                return ir.Opaque()
            return last.target
        if kind == "augmented_assignment_expression":
            left = node.child_by_field_id(self.fields.left)
            self._pending.extend(self._augmented(node, scope, node))
            return self._expr(left, scope) if left is not None else ir.Opaque()
        if kind == "sequence_expression":
            parts = node.named_children
            for part in parts[:-1]:
                self._pending.extend(self._effect(part, scope, part))
            return self._expr(parts[-1], scope) if parts else ir.Opaque()
        if kind == "object":
            return self._object(node, scope)
        if kind == "array":
            items: list[ir.Expr] = []
            for element in node.named_children:
                if element.type == "comment":
                    continue
                if element.type == "spread_element":
                    inner = element.named_child(0) if element.named_child_count else None
                    if element.named_child_count > 1:
                        self._unlowered_except(element, inner)
                    items.append(ir.Opaque((self._expr(inner, scope),), node=element))
                else:
                    items.append(self._expr(element, scope))
            return ir.Seq(tuple(items), node=node)
        if kind in FUNCTION_TYPES:
            key = self._binding_key(binding, scope)
            return ir.FuncRef(self._function(node, scope, key=key), node=node)
        if kind in ("jsx_element", "jsx_self_closing_element", "jsx_fragment"):
            return self._jsx(node, scope)
        if kind == "spread_element":
            inner = node.named_child(0) if node.named_child_count else None
            if node.named_child_count > 1:
                self._unlowered_except(node, inner)
            return ir.Opaque((self._expr(inner, scope),), node=node)
        if kind == "yield_expression":
            inner = node.named_child(0) if node.named_child_count else None
            if node.named_child_count > 1:
                self._unlowered_except(node, inner)
            if inner is not None:
                self._pending.append(ir.Eval(self._expr(inner, scope), node=node))
            return ir.Opaque(node=node)
        if kind in ("regex", "class", "meta_property", "import"):
            if kind == "class":
                self._unlowered(node)
            return ir.Opaque(node=node)
        # Anything else (TypeScript-only expressions, errors): its parts still flow.
        return ir.Opaque(
            tuple(self._expr(c, scope) for c in node.named_children if c.type != "comment"), node=node
        )

    def _binding_key(self, binding: Node | None, scope: _Scope) -> str | None:
        """The same-file name of a function bound at the top level of the file (``const f = () => ...``)."""
        if binding is None or binding.type != "identifier" or scope.parent is not None:
            return None
        name = self.text(binding)
        self.looked_up.add(name)
        return name if self.names.declared.get(name) == name else None

    def _template(self, node: Node, scope: _Scope) -> ir.Expr:
        parts: list[ir.Expr] = []
        for child in node.named_children:
            if child.type == "string_fragment":
                parts.append(ir.Lit(_unescape(self.text(child)), node=child))
            elif child.type == "escape_sequence":
                parts.append(ir.Lit(_unescape(self.text(child)), node=child))
            elif child.type == "template_substitution":
                inner = child.named_child(0) if child.named_child_count else None
                if child.named_child_count > 1:
                    self._unlowered_except(child, inner)
                parts.append(self._expr(inner, scope))
        if all(isinstance(p, ir.Lit) for p in parts):
            return ir.Lit("".join(str(p.value) for p in parts), node=node)  # type: ignore[union-attr]
        return ir.Concat(tuple(parts), node=node)

    def _binary(self, node: Node, scope: _Scope) -> ir.Expr:
        operator = self.text(node.child_by_field_id(self.fields.operator))
        if operator == "+":
            operands = self._flatten_plus(node)
            lowered = [self._expr(o, scope) for o in operands]
            if any(self._stringy(o) for o in operands):
                flat: list[ir.Expr] = []
                for part in lowered:
                    flat.extend(part.parts if isinstance(part, ir.Concat) else (part,))
                return ir.Concat(tuple(flat), node=node)
            result = lowered[0]
            for part in lowered[1:]:
                result = ir.BinOp("+", result, part, node=node)
            return result
        left = self._expr(node.child_by_field_id(self.fields.left), scope)
        right = self._expr(node.child_by_field_id(self.fields.right), scope)
        if operator in _COMPARISONS:
            return ir.BinOp(_COMPARISONS[operator], left, right, node=node)
        if operator in _LOGICAL:
            return ir.BinOp(_LOGICAL[operator], left, right, node=node)
        if operator in _ARITHMETIC:
            return ir.BinOp(operator, left, right, node=node)
        if operator == "in":
            return ir.BinOp("in", left, right, node=node)
        # instanceof, bitwise operators, `**`: a boolean or a number.
        return ir.Opaque(node=node)

    def _flatten_plus(self, node: Node) -> list[Node]:
        operands: list[Node] = []
        stack = [node]
        while stack:
            current = stack.pop()
            inner = unwrap(current) if current.type == "parenthesized_expression" else current
            if (
                inner.type == "binary_expression"
                and self.text(inner.child_by_field_id(self.fields.operator)) == "+"
            ):
                stack.append(inner.child_by_field_id(self.fields.right))
                stack.append(inner.child_by_field_id(self.fields.left))
            else:
                operands.append(current)
        return operands

    def _returned(self, node: Node, scope: _Scope) -> ir.Expr:
        """What a function returns. An object literal returned by a keyed function (``function
        make() { return { run(x) {...} } }``) is an instance of the class ``make()``: its methods
        are keyed ``make().run``, so ``make().run(x)`` runs that method's summary (the same-file
        factory shape, ``ir.MapLit.class_name``)."""
        if scope.factory:
            unwrapped = unwrap(node)
            if unwrapped.type == "object":
                return self._object(self._unwrap(node), scope, f"{scope.factory}()")
        return self._expr(node, scope)

    def _object(self, node: Node, scope: _Scope, class_name: str | None = None) -> ir.MapLit:
        entries: list[tuple[ir.Expr | None, ir.Expr]] = []
        for child in node.named_children:
            kind = child.type
            if kind == "pair":
                key = child.child_by_field_id(self.fields.key)
                value = child.child_by_field_id(self.fields.value)
                if key is not None:
                    self._note_pair(child, key)
                entries.append((self._key(key, scope), self._expr(value, scope)))
            elif kind == "shorthand_property_identifier":
                name = self.text(child)
                entries.append(
                    (ir.Lit(name, node=child), ir.Name(name, self._name_meaning(name, scope), node=child))
                )
            elif kind == "spread_element":
                inner = child.named_child(0) if child.named_child_count else None
                if child.named_child_count > 1:
                    self._unlowered_except(child, inner)
                entries.append((None, self._expr(inner, scope)))
            elif kind != "method_definition":
                self._unlowered(child)
            else:
                key = self._key(child.child_by_field_id(self.fields.name), scope)
                if class_name is not None:
                    method_key = f"{class_name}.{self.text(child.child_by_field_id(self.fields.name))}"
                    function = self._function(child, scope, key=method_key, class_name=class_name)
                else:
                    function = self._function(child, scope, key=self._object_method_key(node, child, scope))
                entries.append((key, ir.FuncRef(function, node=child)))
        return ir.MapLit(tuple(entries), node=node, class_name=class_name)

    def _note_pair(self, pair: Node, key: Node) -> None:
        """An object entry's index marks: by its key's name (a quoted key: each text of it)."""
        marks = self.marks
        if marks is None:
            return
        kind = key.type
        if kind == "property_identifier":
            name = self.text(key)
            if name in marks.names.pairs:
                marks.pairs.append((pair, key, name))
        elif kind == "string":
            for part in key.named_children:
                if part.type == "string_fragment":
                    name = self.text(part)
                    if name in marks.names.pairs:
                        marks.pairs.append((pair, part, name))

    def _object_method_key(self, obj: Node, method: Node, scope: _Scope) -> str | None:
        parent = obj.parent
        if scope.parent is None and parent is not None and parent.type == "variable_declarator":
            owner = parent.child_by_field_id(self.fields.name)
            if owner is not None and owner.type == "identifier":
                return f"{self.text(owner)}.{self.text(method.child_by_field_id(self.fields.name))}"
        return None

    def _key(self, key: Node | None, scope: _Scope) -> ir.Expr:
        if key is None:
            return ir.Opaque()
        if key.type == "computed_property_name":
            if key.named_child_count > 1:
                self._unlowered_except(key, key.named_child(0))
            return self._expr(key.named_child(0), scope) if key.named_child_count else ir.Opaque(node=key)
        if key.type == "string":
            return ir.Lit(_unescape(self.text(key)[1:-1]), node=key)
        if key.type == "number":
            return ir.Lit(_number(self.text(key)), node=key)
        return ir.Lit(self.text(key), node=key)

    def _arguments(
        self, arguments: Node | None, scope: _Scope, hint_for=None
    ) -> tuple[tuple[ir.Expr, ...], bool]:
        if arguments is None:
            return (), False
        if (
            arguments.type == "template_string"
        ):  # a tagged template: the tag gets the values apart from the text
            values = []
            for c in arguments.named_children:
                if c.type == "template_substitution" and c.named_child_count:
                    if c.named_child_count > 1:
                        self._unlowered_except(c, c.named_children[0])
                    values.append(self._expr(c.named_children[0], scope))
            return (ir.Opaque(node=arguments), *values), False
        args: list[ir.Expr] = []
        spread = False
        position = -1  # among the arguments, comments left out
        for argument in arguments.named_children:
            kind = argument.type
            if kind == "comment":
                continue
            position += 1
            if kind == "spread_element":
                spread = True
                inner = argument.named_child(0) if argument.named_child_count else None
                if argument.named_child_count > 1:
                    self._unlowered_except(argument, inner)
                args.append(self._expr(inner, scope))
                continue
            if hint_for is not None:
                unwrapped = unwrap(argument)
                if unwrapped.type in FUNCTION_TYPES and (hint := hint_for(position)):
                    unwrapped = self._unwrap(argument)
                    args.append(ir.FuncRef(self._function(unwrapped, scope, param_hint=hint), node=argument))
                    continue
            args.append(self._expr(argument, scope))
        return tuple(args), spread

    def _call(self, node: Node, scope: _Scope) -> ir.Expr:
        function = node.child_by_field_id(self.fields.function)
        arguments = node.child_by_field_id(self.fields.arguments)
        if function is None:
            self._unlowered(arguments)
            return ir.Opaque(node=node)
        kind = function.type
        if kind in _TRANSPARENT:
            function = self._unwrap(function)
            kind = function.type
            raw = None
        else:
            raw = kind
        if kind == "member_expression":
            obj_node = function.child_by_field_id(self.fields.object)
            prop = function.child_by_field_id(self.fields.property)
            method = self.text(prop)
            marks = self.marks
            # A `#private` name is no property_identifier (and never an indexed name).
            if marks is not None and raw is not None and method in marks.names.calls and prop is not None:
                marks.method_calls.append((node, prop, method))
            receiver = self._expr(obj_node, scope)
            if method == "replace" and self._escapes_regex(arguments):
                # text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'): the escapeRegExp idiom, a RegExp.escape.
                self._unlowered(arguments)
                return self._made(ir.Call("RegExp.escape", method, (receiver,), node=node))
            callee = self._method_callee(receiver, method, scope)
            hint = self._listener_hint(method, arguments)
            args, spread = self._arguments(arguments, scope, hint)
            return self._made(ir.Call(callee, method, args, (), receiver, has_spread=spread, node=node))
        if kind == "identifier":
            name = self.text(function)
            marks = self.marks
            if marks is not None and raw is not None and (name in marks.names.calls or name in self._imports):
                marks.function_calls.append((node, function, name))
            callee = self._function_callee(name, scope)
            args, spread = self._arguments(arguments, scope)
            return self._made(ir.Call(callee, name, args, (), None, has_spread=spread, node=node))
        required = _require_target(self.text, function)
        if required is not None:
            self._unlowered(function)
            # require('knex')({...}): the module's export called in place, as `knex({...})` would be.
            args, spread = self._arguments(arguments, scope)
            return self._made(
                ir.Call(required, required.rsplit(".", 1)[-1], args, (), None, has_spread=spread, node=node)
            )
        # (0, fn)(x), fn()(x), an IIFE: the callee is an expression.
        target = self._expr(function, scope)
        args, spread = self._arguments(arguments, scope)
        return self._made(ir.Call(None, "", args, (), target, has_spread=spread, node=node))

    def _made(self, call: ir.Call) -> ir.Call:
        self._calls.append(call)
        return call

    def _escapes_regex(self, arguments: Node | None) -> bool:
        if arguments is None or arguments.named_child_count != 2:
            return False
        pattern, replacement = arguments.named_children
        if pattern.type != "regex" or self.text.string_value(replacement) != "\\$&":
            return False
        body = self.text(pattern.child_by_field_id(self.fields.pattern))
        return body.startswith("[") and all(c in body for c in ".*+?^$()|[\\")

    def _listener_hint(self, method: str, arguments: Node | None):
        """``addEventListener('message', e => ...)``: the listener's event is a ``MessageEvent``."""
        if method != "addEventListener" or arguments is None or not arguments.named_child_count:
            return None
        if self.text.string_value(arguments.named_children[0]) != "message":
            return None
        return lambda position: {0: "MessageEvent"} if position == 1 else None

    def _new(self, node: Node, scope: _Scope) -> ir.Expr:
        constructor = node.child_by_field_id(self.fields.constructor)
        arguments = node.child_by_field_id(self.fields.arguments)
        args, spread = self._arguments(arguments, scope)
        if constructor is None:
            return ir.Opaque(args, node=node)
        marks = self.marks
        if marks is not None:
            kind = constructor.type
            if kind == "identifier":
                name = self.text(constructor)
                if name in marks.names.news:
                    marks.news.append((node, constructor, name))
            elif kind == "member_expression":
                found = self._property_named(constructor, marks.names.news)
                if found is not None:
                    marks.news.append((node, *found))
        constructor = self._unwrap(constructor)
        self._unlowered(constructor)  # read for its name only: `new (make())()` holds a call
        callee = self._qualify(constructor, scope)
        method = self.text(constructor).rsplit(".", 1)[-1]
        return self._made(ir.Call(callee, method, args, (), None, is_new=True, has_spread=spread, node=node))

    def _jsx(self, node: Node, scope: _Scope) -> ir.Expr:
        """JSX markup: its expressions are evaluated (calls in them are calls); ``dangerouslySetInnerHTML``
        is a call of its own (``react.dangerouslySetInnerHTML(html)``) so models can name it a sink."""
        parts: list[ir.Expr] = []
        stack = [node]
        while stack:
            current = stack.pop()
            if current.type == "jsx_attribute":
                name_node = current.named_child(0) if current.named_child_count else None
                marks = self.marks
                if marks is not None and name_node is not None and name_node.type == "property_identifier":
                    name = self.text(name_node)
                    if name in marks.names.jsx_attributes:
                        marks.jsx_attributes.append((current, name_node, name))
                expression = next((c for c in current.named_children if c.type == "jsx_expression"), None)
                if expression is None or not expression.named_child_count:
                    self._unlowered_except(current, name_node)  # a string, or markup as the value
                    continue
                self._unlowered_except(current, name_node, expression)
                if expression.named_child_count > 1:
                    self._unlowered_except(expression, expression.named_children[0])
                value = self._expr(expression.named_children[0], scope)
                if name_node is not None and self.text(name_node) == "dangerouslySetInnerHTML":
                    html = _object_entry(value, "__html")
                    call = self._made(
                        ir.Call(
                            "react.dangerouslySetInnerHTML",
                            "dangerouslySetInnerHTML",
                            (html if html is not None else value,),
                            node=current,
                        )
                    )
                    self._pending.append(ir.Eval(call, node=current))
                else:
                    parts.append(value)
                continue
            if current.type == "jsx_expression":
                if current.named_child_count:
                    if current.named_child_count > 1:
                        self._unlowered_except(current, current.named_children[0])
                    parts.append(self._expr(current.named_children[0], scope))
                continue
            stack.extend(reversed(current.named_children))
        return ir.Opaque(tuple(parts), node=node)

    # ------------------------------------------------------------------ names

    def _name_meaning(self, name: str, scope: _Scope) -> str | None:
        current: _Scope | None = scope  # ``scope.lookup``, inline: once per name read
        while current is not None:
            if name in current.names:
                return current.names[name]
            current = current.parent
        self.looked_up.add(name)
        if name in self.names.imports:
            return self.names.imports[name]
        if name in self.names.declared:
            return None if name in self.names.local else self.names.declared[name]
        return name  # a global: `document`, `location`, `eval`, `JSON`

    def _member_qualname(self, obj: ir.Expr, name: str) -> str | None:
        base = obj.qualname if isinstance(obj, (ir.Name, ir.Attr)) else None
        if base is None and isinstance(obj, ir.Call) and obj.callee:
            base = self._call_result_type(obj)
        if base is None:
            return None
        if base in _GLOBAL_OBJECTS:
            return name
        return f"{base}.{name}"

    def _call_result_type(self, call: ir.Call) -> str | None:
        if call.is_new:
            return call.callee  # new Users().byName(): an instance of what was constructed
        if call.callee == "require" and call.args and isinstance(call.args[0], ir.Lit):
            return _module_name(str(call.args[0].value))  # require('child_process').exec
        receiver = call.receiver
        receiver_type = receiver.qualname if isinstance(receiver, (ir.Name, ir.Attr)) else None
        if receiver_type is None and isinstance(receiver, ir.Call):
            receiver_type = self._call_result_type(receiver)
        if receiver_type == "express.Response" and call.method in _FLUENT_RESPONSE_METHODS:
            return receiver_type
        return None

    def _method_callee(self, receiver: ir.Expr, method: str, scope: _Scope) -> str | None:
        if isinstance(receiver, ir.Name) and receiver.name == "this":
            return f"{scope.class_name}.{method}" if scope.class_name else None
        if isinstance(receiver, ir.Call):
            result = self._call_result_type(receiver)
            return f"{result}.{method}" if result else None
        return self._member_qualname(receiver, method)

    def _function_callee(self, name: str, scope: _Scope) -> str | None:
        current: _Scope | None = scope  # ``scope.lookup``, inline
        while current is not None:
            if name in current.names:
                return current.names[name]
            current = current.parent
        self.looked_up.add(name)
        if name in self.names.imports:
            return self.names.imports[name]
        return self.names.declared.get(name, name)

    def _qualify(self, node: Node, scope: _Scope) -> str | None:
        node = unwrap(node)
        if node.type == "identifier":
            return self._name_meaning(self.text(node), scope)
        if node.type == "member_expression":
            base = self._qualify(node.child_by_field_id(self.fields.object), scope)
            prop = self.text(node.child_by_field_id(self.fields.property))
            if base is None:
                return None
            return prop if base in _GLOBAL_OBJECTS else f"{base}.{prop}"
        target = _require_target(self.text, node)
        return target


def _node_text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", errors="replace")


def _owner(scope: _Scope, name: str) -> _Scope | None:
    current: _Scope | None = scope
    while current is not None:
        if name in current.names:
            return current
        current = current.parent
    return None


def _object_entry(value: ir.Expr, key: str) -> ir.Expr | None:
    if isinstance(value, ir.MapLit):
        for entry_key, entry_value in value.entries:
            if isinstance(entry_key, ir.Lit) and entry_key.value == key:
                return entry_value
    return None


def _number(raw: str) -> int | float:
    cleaned = raw.replace("_", "").rstrip("n")
    try:
        if cleaned.lower().startswith(("0x", "0o", "0b")):
            return int(cleaned, 0)
        value = float(cleaned)
        return (
            int(value) if value.is_integer() and "." not in cleaned and "e" not in cleaned.lower() else value
        )
    except ValueError:
        return 0


# ---------------------------------------------------------------------------------------- rule helpers


def string_value(document: Document, node: Node | None) -> str | None:
    """The value of a plain string literal (or a template without substitutions), else None."""
    return _Text(document.source).string_value(node)


def flatten_plus(document: Document, node: Node) -> list[Node]:
    """Operands of a left-nested ``a + b + c`` chain, in order."""
    return plus_operands(node, "binary_expression", _Text(document.source), _unwrap_parentheses)


def _unwrap_parentheses(node: Node) -> Node:
    return unwrap(node) if node.type == "parenthesized_expression" else node


# ---------------------------------------------------------------------------------------- file state


@dataclass
class _Lowered:
    """A unit's functions, the names their lowering looked up in its context, the context they
    were checked against, and a serial that changes whenever the unit is lowered again (part of
    the unit's cache key: findings are reused exactly while its lowering is)."""

    functions: list[ir.Function]
    looked_up: frozenset[str]
    names: ModuleNames
    serial: int
    # The unit's last context key with what it was made of: the file's function keys then, the
    # ones the unit names, their summary signatures (checks/javascript/_flow ``unit_key``).
    context_key: tuple | None = None
    # Its IR holds no node of the tree it was lowered in any more (``_detach_previous_tree``).
    detached: bool = False
    # What the lowering met of the kinds the pattern index looks at (``take_index_marks``).
    marks: IndexMarks | None = None


_SERIALS = itertools.count(1)


@dataclass
class _UnitContexts:
    """The analysis units of one tree with what each sees outside itself: the module's names, or,
    for the parts of a split unit, the names its wrappers bind (``split_unit``)."""

    order: list[Node] = field(default_factory=list)
    keys: list[tuple[int, int, int]] = field(default_factory=list)  # ``_node_key`` of each, in order
    # Each unit's grammar place in its cache key (``_key_place``: "class_body/method_definition",
    # "*/function_declaration") and its cache-key text (``unit_text``), in ``order``: the engine's
    # unit list and ``file_functions`` both use them (``listed_units``).
    places: list[str] = field(default_factory=list)
    texts: list[bytes] | None = None
    names: dict[tuple[int, int, int], ModuleNames] = field(default_factory=dict)
    # The class a part is a member of (a method of a class inside a split unit).
    class_names: dict[tuple[int, int, int], str | None] = field(default_factory=dict)
    # The nodes of each split unit that other units analyse (a wrapper's body, functions).
    holes: dict[tuple[int, int, int], list[Node]] = field(default_factory=dict)
    # Every wrapper's names in the order they were computed (reused by the next tree when equal),
    # and what they were computed from (``_binding_fingerprint``).
    chain: list[ModuleNames] = field(default_factory=list)
    fingerprints: list[tuple] = field(default_factory=list)


@dataclass
class _FileState:
    tree: object
    names: ModuleNames
    # Lowered units of this tree, by node (what rules read: their nodes give spans).
    # What each top-level statement binds, by its text (reused by the next tree).
    statement_names: dict[bytes, _StatementNames] = field(default_factory=dict)
    # The same for the statements of split units' wrappers.
    wrapper_statement_names: dict[bytes, _StatementNames] = field(default_factory=dict)
    units: dict[tuple[int, int, int], _Lowered] = field(default_factory=dict)
    # Lowered units by text, for the file's summaries: carried over from the previous tree of the
    # document while the module's names stay the same, so an edit re-lowers only the units it touched.
    by_text: dict[tuple[bytes, str | None], _Lowered] = field(default_factory=dict)
    all_functions: list[ir.Function] | None = None
    # The functions of each unit of this tree as file_functions has them (by node).
    unit_lists: dict[tuple[int, int, int], _Lowered] = field(default_factory=dict)
    # Summaries of the file's functions, reused across trees like ``by_text`` (dataflow.SummaryStore).
    summaries: SummaryStore = field(default_factory=lambda: SummaryStore())
    callees: dict[tuple[int, int, int], dict[tuple[int, int], str | None]] = field(default_factory=dict)
    contexts: _UnitContexts | None = None
    # ``split_unit`` of this tree's large units, by node.
    splits: dict[tuple[int, int, int], tuple] = field(default_factory=dict)
    previous_chain: list[ModuleNames] = field(default_factory=list)
    previous_fingerprints: list[tuple] = field(default_factory=list)
    # The keys of the file's functions (the same object while the set is the same).
    function_keys: frozenset[str] = frozenset()
    function_keys_of: object = None
    # Counted over the document's trees: the units lowered again although a unit of their text had
    # a lowering in the previous tree (a name they looked up means something else now), plus one
    # for a tree lowered without anyone reading the count (``lowering_epoch``).
    relowerings: int = 0
    relowerings_read: bool = False
    # Whether two units of one text have different lowerings in this tree (two classes' `m() {...}`).
    texts_differ: bool = False
    # The summaries (by id, kept alive so no id is reused) whose nodes are detached already.
    detached_summaries: dict[int, object] = field(default_factory=dict)
    # The previous tree's lowerings and the summaries made before this tree, whose nodes are to be
    # replaced (``_detach_previous_tree``) once this tree's diagnostics are out (``tidy``), or at
    # the next tree at the latest.
    pending_detach: tuple[list[ir.Function], list[object]] | None = None


_STATES: weakref.WeakKeyDictionary[Document, _FileState] = weakref.WeakKeyDictionary()
# The document asked last and its state, both held weakly: most calls ask about the document the
# one before did (a check asks ~90 times per file, and a WeakKeyDictionary lookup makes a weak
# reference each time). One tuple, so a thread reads a pair another wrote whole.
_LAST: tuple[weakref.ref, weakref.ref] | None = None


def _current_state(document: Document) -> _FileState | None:
    """The document's state if it is of its current tree (none is made)."""
    global _LAST
    last = _LAST
    if last is not None and last[0]() is document:
        state = last[1]()
        if state is not None and state.tree is document.tree:
            return state
    state = _STATES.get(document)
    if state is not None and state.tree is document.tree:
        _LAST = (weakref.ref(document), weakref.ref(state))
        return state
    return None


def _file_state(document: Document) -> _FileState:
    global _LAST
    current = _current_state(document)
    if current is not None:
        return current
    # A new tree (or the document's first): its state, carrying over what the last one allows.
    state = _STATES.get(document)
    names, parts = _compute_module_names(document, state.statement_names if state is not None else None)
    fresh = _FileState(document.tree, names, statement_names=parts)
    if state is not None:
        fresh.wrapper_statement_names = state.wrapper_statement_names
        fresh.function_keys = state.function_keys
        # A tree whose lowerings nobody compared with the last ones may have re-lowered any unit.
        fresh.relowerings = state.relowerings + (
            state.all_functions is not None and not state.relowerings_read
        )
        fresh.previous_chain = state.contexts.chain if state.contexts is not None else state.previous_chain
        fresh.previous_fingerprints = (
            state.contexts.fingerprints if state.contexts is not None else state.previous_fingerprints
        )
    if state is not None:
        # Every unit's lowering is checked against its context before it is reused (the
        # meanings of the names it looked up: ``file_functions``), so all of them carry over:
        # a pasted `}` that moves a wrapper's functions to the top level re-lowers only those
        # whose names mean something else there.
        fresh.by_text = state.by_text
        if _same_imports(state.names, names):
            fresh.summaries = state.summaries
            fresh.detached_summaries = state.detached_summaries
        if state.pending_detach is not None:
            _detach_previous_tree(state)  # no pause since the last tree: its turn now
        _note_previous_tree(fresh)
    _STATES[document] = state = fresh
    _LAST = (weakref.ref(document), weakref.ref(state))
    return state


def tidy(document: Document) -> None:
    """Work that can wait until the document's diagnostics are out (the server calls it when the
    keystrokes pause, ``Analysis.tidy``): the previous tree's nodes replaced in what this tree
    reuses, so that tree is freed. Without a pause, the next tree does it first."""
    if document.parse_deferred:
        return  # edits wait for their reparse: the tree they make will do it (``_file_state``)
    state = _STATES.get(document)
    if state is not None and state.tree is document.tree and state.pending_detach is not None:
        _detach_previous_tree(state)


def _note_previous_tree(state: _FileState) -> None:
    """What ``_detach_previous_tree`` is to walk for a new tree: the lowerings the previous tree
    made (carried by text) and the summaries made up to its run. Only those: an edit's units.

    A tree that lowered more than ``DETACH_LIMIT`` functions (a file's first run, a paste that
    re-parses most of it) is not walked (hundreds of ms for a large file): it stays, as every
    earlier tree did, and its nodes stay in every summary."""
    fresh = []
    for lowered in state.by_text.values():
        lowered.marks = None  # the previous tree's nodes: the index reads this tree's lowerings only
        if not lowered.detached:
            lowered.detached = True
            fresh.append(lowered)
    functions = [function for lowered in fresh for function in lowered.functions]
    done = state.detached_summaries
    kept: dict[int, object] = {}
    summaries: list[object] = []
    for _function, summary in state.summaries.kept():
        if id(summary) not in done:
            summaries.append(summary)
        kept[id(summary)] = summary
    state.detached_summaries = kept
    if functions and len(functions) <= DETACH_LIMIT:
        state.pending_detach = (functions, summaries)


def _detach_previous_tree(state: _FileState) -> None:
    """Replace the nodes of the previous tree in what this tree reuses (``_note_previous_tree``)
    by their positions, so that tree is freed (``detached_nodes``).

    It may run after this tree's runs (``tidy``), which made summaries from the previous tree's
    nodes too: those summaries are walked as well, and are walked again with the next tree's
    nodes (they hold this tree's). The previous tree's nodes are replaced everywhere they are held
    in one walk: a label from a replaced node and one from the node itself are never both about
    (they would differ). The nodes of this tree are not among them: it may be analysed again."""
    (functions, summaries), state.pending_detach = state.pending_detach, None
    replaced: dict = {}
    detach(functions, replaced)
    if replaced:
        # A summary's labels hold nodes of the functions it was made from and of their callees'
        # summaries: the ones just replaced are replaced there too, the kept trees' stay.
        done = state.detached_summaries
        since = [summary for _function, summary in state.summaries.kept() if id(summary) not in done]
        detach([*summaries, *since], replaced, only_known=True)


# Functions of one tree walked at the next edit (an edit's units are a few; a file's first
# lowering is hundreds: that tree is kept instead, see ``_detach_previous_tree``).
DETACH_LIMIT = 200


def _unit_contexts(document: Document) -> _UnitContexts:
    """Every analysis unit of the current tree (as the engine has them) with its context."""
    state = _file_state(document)
    if state.contexts is not None:
        return state.contexts
    from landguard.engine.analyze import units_with_owners

    contexts = _UnitContexts()
    if document.tree is None:
        state.contexts = contexts
        return contexts
    text = _Text(document.source)
    memo = state.wrapper_statement_names
    parts: dict[bytes, _StatementNames] = {}
    previous = state.previous_chain
    previous_prints = state.previous_fingerprints

    source = document.source
    order, places, keys = contexts.order, contexts.places, contexts.keys
    names_by_key, class_names = contexts.names, contexts.class_names
    split_lines = SPLIT_LINES

    node_key = _NODE_KEY

    def visit(unit: Node, names: ModuleNames, class_name: str | None, place: str) -> None:
        key = node_key(unit)
        order.append(unit)
        places.append(place)
        keys.append(key)
        names_by_key[key] = names
        class_names[key] = class_name
        if unit.end_point[0] - unit.start_point[0] + 1 < split_lines:
            return
        inner, holes, wrapper, parents = _split(document, unit)
        if not inner:
            return
        contexts.holes[key] = holes
        if wrapper is not None:
            index = len(contexts.chain)
            fingerprint = _binding_fingerprint(document, source, wrapper, names, inner)
            if index < len(previous) and previous_prints[index] == fingerprint:
                bound = previous[index]  # what the wrapper binds is written the same way
            else:
                bound = _wrapper_names(document, text, wrapper, names, memo, parts)
                if index < len(previous) and previous[index] == bound:
                    bound = previous[index]  # the same object: units lowered in it need no re-check
            contexts.chain.append(bound)
            contexts.fingerprints.append(fingerprint)
            visit_parts(inner, parents, bound, None)
        else:
            owners = [
                _enclosing_class_name(source, part) if parent == "class_body" else None
                for part, parent in zip(inner, parents, strict=True)
            ]
            visit_parts(inner, parents, names, owners)

    def visit_parts(inner: list[Node], parents: list[str], names: ModuleNames, owners: list | None) -> None:
        # Once per unit per tree (a thousand in a bundle): the parts that are not split again (most
        # of them: a wrapper's statements) are stored in bulk, in order; a large one is visited
        # where it stands (its own parts follow it). A unit of ``split_lines`` lines has at least
        # ``split_lines - 1`` bytes: the cheap test first.
        part_keys = list(map(node_key, inner))
        part_places = list(map(_key_place, parents, map(_TYPE, inner)))
        large = [
            index
            for index, (_id, start, end) in enumerate(part_keys)
            if end - start >= split_lines - 1 and _line_count(inner[index]) >= split_lines
        ]
        done = 0
        for index in (*large, len(inner)):
            if index > done:
                order.extend(inner[done:index])
                places.extend(part_places[done:index])
                keys.extend(part_keys[done:index])
                names_by_key.update(dict.fromkeys(part_keys[done:index], names))
                if owners is None:
                    class_names.update(dict.fromkeys(part_keys[done:index]))
                else:
                    class_names.update(zip(part_keys[done:index], owners[done:index], strict=True))
            if index < len(inner):
                visit(inner[index], names, owners[index] if owners else None, part_places[index])
                done = index + 1

    for unit, place, _owner in units_with_owners(document.tree.root_node):
        visit(unit, state.names, _enclosing_class_name(source, unit), _top_level_key_place(place))
    # ``visit`` and ``visit_parts`` call each other through their closures: a reference cycle that
    # would keep the document, its tree and every unit's IR alive until the cyclic collector runs.
    # Emptied, the cells free them as soon as the document goes (halves the collector's time in a
    # whole-tree scan of JavaScript).
    visit = visit_parts = None  # type: ignore[assignment]  # noqa: F811 (emptying the cells is the point)
    state.wrapper_statement_names = parts
    state.contexts = contexts
    return contexts


def listed_units(document: Document) -> tuple[list[Node], list[str], list[bytes]]:
    """The analysis units of the current tree in the engine's order (``engine.analyze.analysis_units``
    with the parts ``split_unit`` hands off), their grammar places as their cache keys hold them
    (``_key_place``) and their cache-key texts (``engine.analyze.unit_text``): one walk per tree,
    shared by the engine's unit list and ``file_functions``."""
    contexts = _unit_contexts(document)
    if contexts.texts is None:
        from landguard.engine.analyze import unit_text

        source = document.source
        holes = contexts.holes
        # The bytes from the node keys (no attribute reads per unit); a split unit's without its parts.
        contexts.texts = [
            unit_text(document, unit) if key in holes else source[key[1] : key[2]]
            for unit, key in zip(contexts.order, contexts.keys, strict=True)
        ]
    return contexts.order, contexts.places, contexts.texts


def _binding_fingerprint(
    document: Document, source: bytes, wrapper: Node, outer: ModuleNames, statements: list[Node]
) -> tuple:
    """What ``_wrapper_names`` reads of ``wrapper`` (whose body's ``statements``, comments left out,
    ``split_unit`` gave), cheaply: its parameters' text, the names of the functions and classes
    its body declares, and the text of its other statements that can bind a name (declarations,
    and blocks that may hold a ``var``) — not the functions' long bodies, nor the bodies split off
    a large declaration (``var runInContext = (function (context) {...})`` around 15,000 lines:
    neither ``_hoist`` nor ``_statement_names`` looks inside a function)."""
    parameters = wrapper.child_by_field_name("parameters") or wrapper.child_by_field_name("parameter")
    found: list[object] = [outer, source[parameters.start_byte : parameters.end_byte] if parameters else b""]
    named = _NAMED_DECLARATIONS
    binding = _BINDING_STATEMENTS
    split_lines = SPLIT_LINES
    for statement in statements:  # a wrapper's hundreds of statements, on every edit inside it
        kind = statement.type
        if kind in named:
            name = statement.child_by_field_name("name")
            found.append((kind, source[name.start_byte : name.end_byte] if name is not None else b""))
        elif kind in binding:
            start, end = statement.start_byte, statement.end_byte
            found.append(
                source[start:end]
                if end - start < split_lines - 1
                else _text_outside_parts(document, source, statement)
            )
    return tuple(found)


# What ``_binding_fingerprint`` keys by name, and by text.
_NAMED_DECLARATIONS = frozenset({"function_declaration", "generator_function_declaration"}) | _CLASS_TYPES
_BINDING_STATEMENTS = (_DECLARING | _NAMING_STATEMENTS) - _NAMED_DECLARATIONS


def _text_outside_parts(document: Document, source: bytes, node: Node) -> bytes:
    """``node``'s text with the parts split off it (``split_unit``: function bodies) left out."""
    if _line_count(node) < SPLIT_LINES:
        return source[node.start_byte : node.end_byte]
    _inner, holes, _wrapper, _parents = _split(document, node)
    pieces: list[bytes] = []
    start = node.start_byte
    for hole in holes:
        pieces.append(source[start : hole.start_byte])
        pieces.append(b"\0")
        start = max(start, hole.end_byte)
    pieces.append(source[start : node.end_byte])
    return b"".join(pieces)


def _wrapper_names(
    document: Document,
    text: _Text,
    wrapper: Node,
    outer: ModuleNames,
    memo: dict[bytes, _StatementNames],
    parts: dict[bytes, _StatementNames],
) -> ModuleNames:
    """What the code in ``wrapper``'s body sees: its parameters and declarations (requires are
    imports there, as at the top of a module) over what the code around it sees."""
    lowerer = _Lowerer(document, outer)
    scope = _Scope(None, None)
    parameters = wrapper.child_by_field_name("parameters") or wrapper.child_by_field_name("parameter")
    raw = [parameters] if parameters is not None and parameters.type == "identifier" else (
        [c for c in parameters.named_children if c.type != "comment"] if parameters is not None else []
    )  # fmt: skip
    for parameter in raw:
        pattern = _Lowerer._parameter_parts(parameter)[0]
        if pattern is not None and pattern.type == "rest_pattern" and pattern.named_child_count:
            pattern = pattern.named_children[0]
        if pattern is not None:
            lowerer._declare_pattern(pattern, scope)
    body = wrapper.child_by_field_name("body")
    lowerer._hoist(body, scope)
    names = ModuleNames(
        imports=dict(outer.imports),
        promisified=set(outer.promisified),
        modules=set(outer.modules),
        declared=dict(outer.declared),
        local=outer.local,
    )
    for local in scope.names:
        names.imports.pop(local, None)
        names.promisified.discard(local)
        names.declared[local] = None
    names = _names_of(text, body.named_children if body is not None else (), names, memo, parts)
    bound = set(scope.names) | set(names.declared).difference(outer.declared)
    names.local = frozenset(
        (outer.local - bound) | {name for name in bound if names.declared.get(name, None) == name}
    )
    return names


def _same_imports(a: ModuleNames, b: ModuleNames) -> bool:
    return a.imports == b.imports and a.promisified == b.promisified and a.modules == b.modules


def _changed_declarations(a: ModuleNames, b: ModuleNames) -> set[str]:
    missing = object()
    return {
        name
        for name in set(a.declared) | set(b.declared)
        if a.declared.get(name, missing) != b.declared.get(name, missing)
    }


def _changed_names(a: ModuleNames, b: ModuleNames) -> set[str]:
    """The names whose meaning differs between two contexts."""
    changed = _changed_declarations(a, b)
    missing = object()
    changed.update(
        name
        for name in set(a.imports) | set(b.imports)
        if a.imports.get(name, missing) != b.imports.get(name, missing)
    )
    changed.update(a.promisified ^ b.promisified)
    changed.update(a.local ^ b.local)
    return changed


def function_keys(document: Document, by_key: dict[str, ir.Function]) -> frozenset[str]:
    """The keys of ``by_key`` as a set that stays the same object while the keys are the same."""
    state = _file_state(document)
    if state.function_keys_of is not by_key:
        if len(state.function_keys) != len(by_key) or not state.function_keys.issuperset(by_key):
            state.function_keys = frozenset(by_key)
        state.function_keys_of = by_key
    return state.function_keys


# String, template and regular-expression literals: where a value's constant text comes from.
_LITERALS = "[(string) (template_string) (regex)] @literal"


def literal_texts(document: Document) -> list[bytes]:
    """The source bytes of every literal of the file (quotes included; a template's substitutions
    too): every constant text a value of the file can hold is made of parts of these."""
    source = document.source
    found = captures(document.language, _LITERALS, document.tree.root_node).get("literal", ())
    return [source[node.start_byte : node.end_byte] for node in found]


# The node kinds ``_LITERALS`` captures, and the parts of a literal that hold no code: in the
# grammar a string holds fragments and escapes, a regex its pattern and flags, a template those
# and its substitutions. So a node within a literal is the literal, one of these parts, or within
# a template's substitution.
_LITERAL_KINDS = frozenset({"string", "template_string", "regex"})
_LITERAL_PARTS = frozenset(
    {"string_fragment", "escape_sequence", "html_character_reference", "regex_pattern", "regex_flags"}
)


def literal_words(document: Document) -> Callable[[bytes], bool]:
    """``holds(word)``: whether ``b"\\n".join(literal_texts(document)).lower()`` holds ``word``
    (lower-case bytes without a line break), memoised per word.

    Read at the places the lower-cased source has the word (``in_literal``, one node lookup
    each) rather than by a query over every literal of the file: the words asked
    (``_flow._literal_reads``) are rare in literals, and a query walks the whole tree. A tree
    with errors (where a literal may hold anything) is read through the query."""
    lower = document.source.lower()
    has_error = document.tree.root_node.has_error
    in_literal = None if has_error else literal_test(document)
    known: dict[bytes, bool] = {}
    joined: list[bytes] = []  # the literals' text, for a tree with errors

    def holds(word: bytes) -> bool:
        found = known.get(word)
        if found is not None:
            return found
        found = False
        at = lower.find(word)
        if at >= 0 and in_literal is None:
            if not joined:
                joined.append(b"\n".join(literal_texts(document)).lower())
            found = word in joined[0]
        elif at >= 0:
            size = len(word)
            while at >= 0 and not (found := in_literal(at, at + size)):
                at = lower.find(word, at + 1)
        known[word] = found
        return found

    return holds


def literal_test(document: Document) -> Callable[[int, int], bool]:
    """``in_literal(start, end)``: whether the bytes ``start``..``end`` (not empty) lie within one
    literal of the file (a node ``literal_texts`` reads), for a tree without errors: the smallest
    node around them is a literal, a part of one or its quote, or they are within a template's
    substitution (found from the text's ``${``, once, when first needed)."""
    source = document.source
    root = document.tree.root_node
    substitutions: list[tuple[list[int], list[int]]] = []

    def in_literal(start: int, end: int) -> bool:
        node = root.descendant_for_byte_range(start, end)
        if node.is_named:
            kind = node.type
            if kind in _LITERAL_KINDS:
                return True
            if kind in _LITERAL_PARTS:
                # Its parent is the literal (in TypeScript a template literal type has such parts too).
                while node is not None:
                    if _is_literal(node):
                        return True
                    node = node.parent
                return False
        elif _is_literal(node.parent):
            return True  # a quote, a regex's slash (TypeScript's type `string` is no literal)
        if not substitutions:
            substitutions.append(_template_substitutions(source, root))
        starts, ends = substitutions[0]
        i = bisect.bisect_right(ends, start)  # the first substitution ending after ``start``
        return i < len(ends) and starts[i] <= start and end <= ends[i]

    return in_literal


def _is_literal(node: Node | None) -> bool:
    return node is not None and node.is_named and node.type in _LITERAL_KINDS


def _template_substitutions(source: bytes, root: Node) -> tuple[list[int], list[int]]:
    """The byte ranges (starts, ends) of the file's outermost template substitutions (``${...}``)."""
    starts: list[int] = []
    ends: list[int] = []
    at = source.find(b"${")
    while at >= 0:
        node = root.descendant_for_byte_range(at, at + 2)
        if node.type == "${":
            node = node.parent
            if node is not None and node.type == "template_substitution":
                if not ends or node.start_byte >= ends[-1]:  # else within the one before
                    starts.append(node.start_byte)
                    ends.append(node.end_byte)
        at = source.find(b"${", at + 2)
    return starts, ends


def summary_store(document: Document) -> SummaryStore:
    """The document's summaries, kept while its functions' IR is (see ``file_functions``)."""
    return _file_state(document).summaries


def _lower(unit: Node, document: Document) -> _Lowered:
    state = _file_state(document)
    key = _node_key(unit)
    lowered = state.units.get(key)
    if lowered is None:
        contexts = state.contexts if state.contexts is not None else _unit_contexts(document)
        names = contexts.names.get(key, state.names)
        lowerer = _Lowerer(document, names, state.names.imports)
        functions = lowerer.lower_unit(unit)
        lowered = state.units[key] = _Lowered(
            functions, frozenset(lowerer.looked_up), names, next(_SERIALS), marks=lowerer.marks
        )
    return lowered


def take_index_marks(document: Document, unit: Node) -> IndexMarks | None:
    """What the lowering of ``unit`` in this tree met of the kinds the pattern index looks at
    (``IndexMarks``), handed over once: the index made from them is kept by the run, and marks
    kept past it would hold nodes (and memory) for an open document's every unit. None while the
    unit has no lowering in this tree (a lowering carried over from an earlier tree holds that
    tree's nodes), or once taken."""
    state = _current_state(document)
    if state is None:
        return None
    lowered = state.units.get(_node_key(unit))
    if lowered is None:
        return None
    marks, lowered.marks = lowered.marks, None
    return marks


def lower_unit(unit: Node, document: Document) -> list[ir.Function]:
    """Every function of ``unit`` (its own top-level statements as ``"<module>"``), memoised per tree."""
    return _lower(unit, document).functions


def file_functions(document: Document) -> list[ir.Function]:
    """Every function of the file (for same-file summaries), memoised per tree.

    A unit whose text, class and context (the meanings of the names its lowering looked up) are
    unchanged since the document's previous tree keeps the functions lowered then: their nodes
    belong to the old tree, which is fine for summaries (what a helper does with its parameters)
    but not for spans — rules take their own unit's functions from ``lower_unit``.
    """
    state = _file_state(document)
    if state.all_functions is None:
        functions: list[ir.Function] = []
        by_text: dict[tuple[bytes, str | None], _Lowered] = {}
        contexts = _unit_contexts(document)
        _order, _places, texts = listed_units(document)
        changed: dict[tuple[int, int], set[str]] = {}
        # Once per unit per tree: the lookups bound once.
        names_of, class_names = contexts.names, contexts.class_names
        lowered_here, lowered_before, unit_lists = state.units.get, state.by_text.get, state.unit_lists
        relowered = 0
        new_texts: list[bytes] = []
        for unit, node_key, text in zip(contexts.order, contexts.keys, texts, strict=True):
            names = names_of[node_key]
            # Not where it stands: a unit that a pasted `}` moves out of its wrapper keeps its
            # lowering while the names it looked up mean the same there (checked below).
            key = (text, class_names[node_key])
            before = lowered_before(key)
            lowered = lowered_here(node_key) or before
            if lowered is not None and lowered.names is not names:
                pair = (id(lowered.names), id(names))
                differs = changed.get(pair)
                if differs is None:
                    differs = changed[pair] = _changed_names(lowered.names, names)
                if differs.isdisjoint(lowered.looked_up):
                    lowered.names = names  # the same meanings for every name it looked up
                else:
                    lowered = None
            if lowered is None:
                lowered = _lower(unit, document)
            if lowered is not before:
                if before is None:
                    new_texts.append(text)
                else:
                    relowered += 1
            by_text[key] = lowered
            unit_lists[node_key] = lowered
            functions.extend(lowered.functions)
        if new_texts:
            # A text the last tree had in another class (its key is new, the engine's unit key not).
            known = {text for text, _class_name in state.by_text}
            relowered += sum(text in known for text in new_texts)
        state.relowerings += relowered
        state.texts_differ = len(set(texts)) < len(texts) and _texts_differ(texts, unit_lists, contexts.keys)
        state.by_text = by_text
        state.all_functions = functions
    return state.all_functions


def _texts_differ(texts: list[bytes], unit_lists: dict, node_keys: list[tuple[int, int, int]]) -> bool:
    """Whether two of the units (their cache-key ``texts``) have one text and different lowerings."""
    by_text: dict[bytes, _Lowered] = {}
    for text, node_key in zip(texts, node_keys, strict=True):
        if by_text.setdefault(text, unit_lists[node_key]) is not unit_lists[node_key]:
            return True
    return False


def lowering_epoch(document: Document) -> int | None:
    """A count that stays the same while every unit whose text the previous tree had keeps the
    lowering that text had (``file_functions``), over any number of trees; None while two units
    of one text have different lowerings (a unit's lowering does not follow from its text)."""
    file_functions(document)
    state = _file_state(document)
    state.relowerings_read = True
    return None if state.texts_differ else state.relowerings


def unit_lists(document: Document) -> dict[tuple[int, int, int], _Lowered]:
    """Every unit's lowering as ``file_functions`` has it, by unit node (this tree)."""
    file_functions(document)
    return _file_state(document).unit_lists


def unit_functions(document: Document, unit: Node) -> list[ir.Function]:
    """The functions of ``unit`` as ``file_functions`` has them (possibly lowered from an earlier
    tree: for keys and summaries, not for spans)."""
    return unit_lowering(document, unit).functions


def unit_lowering(document: Document, unit: Node) -> _Lowered:
    state = _file_state(document)
    file_functions(document)
    return state.unit_lists.get(_node_key(unit)) or _lower(unit, document)


def unit_hole_nodes(document: Document, unit: Node) -> list[Node]:
    """The nodes of ``unit`` that belong to other units (the parts ``split_unit`` hands off)."""
    return _unit_contexts(document).holes.get(_node_key(unit), [])


def unit_holes(document: Document, unit: Node) -> list[tuple[int, int]]:
    """Byte ranges of ``unit`` that belong to other units (a wrapper's body inside its braces)."""
    return [(start, end) for start, end, _breaks in unit_hole_lines(document, unit)]


def unit_hole_lines(document: Document, unit: Node) -> list[tuple[int, int, int]]:
    """``unit_holes``, each with the number of line breaks in it, from the tree (a wrapper's body
    inside its braces: a ``{`` and a ``}`` are one byte on the rows the block starts and ends on)."""
    return [
        (node.start_byte + 1, node.end_byte - 1, node.end_point[0] - node.start_point[0])
        if node.type == "statement_block"
        else (node.start_byte, node.end_byte, node.end_point[0] - node.start_point[0])
        for node in unit_hole_nodes(document, unit)
    ]


def _enclosing_class_name(source: bytes, unit: Node) -> str | None:
    body = unit.parent
    owner = body.parent if body is not None and body.type == "class_body" else None
    name = owner.child_by_field_name("name") if owner is not None else None
    return source[name.start_byte : name.end_byte].decode("utf-8", "replace") if name is not None else None


def _unit_of(document: Document, node: Node) -> Node:
    """The analysis unit holding ``node``: the innermost unit around it (a top-level statement, a
    member of a top-level class, or a part of a split unit)."""
    names = _unit_contexts(document).names
    current: Node | None = node
    while current is not None:
        if _node_key(current) in names:
            return current
        current = current.parent
    return _top_level_unit_of(node)


def _top_level_unit_of(node: Node) -> Node:
    current = node
    while current.parent is not None:
        parent = current.parent
        if parent.parent is None:  # the program
            return current
        if parent.type == "class_body" and parent.parent is not None and parent.parent.parent is not None:
            owner = parent.parent
            top = owner.parent
            if top.parent is None or (top.type == "export_statement" and top.parent.parent is None):
                return current
        current = parent
    return current


def callee_of(document: Document, call: Node) -> str | None:
    """The qualified callee the adapter gave the call (or ``new``) at ``call``: imports resolved,
    locals shadowing them (``child_process.exec``, ``Math.random``; None for a local function)."""
    state = _file_state(document)
    unit = _unit_of(document, call)
    key = _node_key(unit)
    callees = state.callees.get(key)
    if callees is None:
        callees = state.callees[key] = {
            (expr.node.start_byte, expr.node.end_byte): expr.callee
            for function in lower_unit(unit, document)
            for expr in shapes.calls_in(function.body)
            if expr.node is not None
        }
    return callees.get((call.start_byte, call.end_byte))
