"""Shared machinery of the JavaScript/TypeScript rules (LG3xx).

- ``module_imports``: what each top-level name was imported or required as
  (``const cp = require('child_process')`` -> ``cp = child_process``), so renamed calls are
  caught and same-named local functions are not. ``javascript_rules.CHECK`` returns
  ``imports_key`` from ``module_context_key``, so the engine rechecks every unit when the
  imports change.
- ``unit_index``: one tree-sitter query per unit, run in C, that buckets the few node kinds the
  rules look at (calls and ``new`` by callee name, assignments by property, object pairs by key,
  JSX attributes, ``for ... in`` loops). Every rule reads the same index instead of walking the
  tree itself, so adding a rule costs a dictionary lookup, not another traversal.
- ``value_of``: what an expression is made of: a constant, a string built from dynamic parts
  (template substitutions, ``+``), request data (Express ``req.query`` ...), or sanitised output;
  following simple local assignments and ``+=`` inside the enclosing function.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from tree_sitter import Node

from landguard.engine.document import Document
from landguard.engine.findings import Finding
from landguard.engine.languages import JS_FAMILY, query
from landguard.engine.registry import CheckContext, Rule

LANGUAGES = JS_FAMILY

# Callee names (identifier or property) that some LG3xx rule looks at.
CALL_NAMES = (
    # DOM XSS
    "insertAdjacentHTML write writeln html "
    # SQL
    "query execute raw whereRaw $queryRawUnsafe $executeRawUnsafe all get run each prepare "
    # commands, code
    "exec execSync spawn spawnSync execFile execFileSync eval Function setTimeout setInterval setImmediate "
    "runInNewContext runInThisContext runInContext compileFunction "
    # randomness, crypto
    "random createHash createHmac createCipher createDecipher createCipheriv createDecipheriv "
    # files, responses, redirects
    "readFile readFileSync createReadStream writeFile writeFileSync createWriteStream appendFile "
    "appendFileSync unlink unlinkSync readdir readdirSync rm rmSync sendFile download "
    "redirect setHeader header set writeHead send end "
    # mongo
    "find findOne findOneAndUpdate findOneAndDelete findOneAndReplace updateOne updateMany deleteOne "
    "deleteMany countDocuments exists "
    # prototype pollution, deserialisation, JWT, CORS, regex
    "merge mergeWith defaultsDeep setWith extend unserialize deserialize decode verify cors RegExp"
).split()
NEW_NAMES = ("Function", "RegExp", "Script")
ASSIGNED_PROPERTIES = ("innerHTML", "outerHTML", "NODE_TLS_REJECT_UNAUTHORIZED")
PAIR_KEYS = ("rejectUnauthorized", "strictSSL", "algorithms", "algorithm", "credentials", "__html", "shell")


def _any_of(capture: str, names: tuple[str, ...] | list[str]) -> str:
    return f"(#any-of? @{capture} " + " ".join(f'"{n}"' for n in names) + ")"


_INDEX_PATTERNS = f"""
(call_expression function: (identifier) @name {_any_of("name", CALL_NAMES)}) @call
(call_expression function: (member_expression property: (property_identifier) @name)
  {_any_of("name", CALL_NAMES)}) @call
(new_expression constructor: (identifier) @name {_any_of("name", NEW_NAMES)}) @new
(new_expression constructor: (member_expression property: (property_identifier) @name)
  {_any_of("name", NEW_NAMES)}) @new
(assignment_expression left: (member_expression property: (property_identifier) @prop)
  {_any_of("prop", ASSIGNED_PROPERTIES)}) @assign
(augmented_assignment_expression left: (member_expression property: (property_identifier) @prop)
  {_any_of("prop", ASSIGNED_PROPERTIES)}) @assign
(assignment_expression left: (subscript_expression)) @subscript_assign
(pair key: (property_identifier) @key {_any_of("key", PAIR_KEYS)}) @pair
(pair key: (string (string_fragment) @key) {_any_of("key", PAIR_KEYS)}) @pair
(for_in_statement) @for_in
"""
# Calls through import aliases (`import { exec as run }`): only in the query when such aliases exist.
_ALIAS_CALLS = "(call_expression function: (identifier) @alias) @alias_call"
_JSX_PATTERNS = """
(jsx_attribute (property_identifier) @attr (#eq? @attr "dangerouslySetInnerHTML")) @jsx
"""


_INDEX_QUERIES: dict[tuple[str, bool], object] = {}


def _index_query(language: str, with_aliases: bool):
    compiled = _INDEX_QUERIES.get((language, with_aliases))
    if compiled is None:
        source = _INDEX_PATTERNS + ("" if language == "typescript" else _JSX_PATTERNS)
        if with_aliases:
            source += _ALIAS_CALLS
        compiled = _INDEX_QUERIES[language, with_aliases] = query(language, source)
    return compiled


@dataclass
class UnitIndex:
    """The nodes of one unit that LG3xx rules look at, bucketed by name."""

    calls: dict[str, list[Node]] = field(default_factory=dict)
    news: dict[str, list[Node]] = field(default_factory=dict)
    assignments: dict[str, list[Node]] = field(default_factory=dict)
    pairs: dict[str, list[Node]] = field(default_factory=dict)
    subscript_assignments: list[Node] = field(default_factory=list)
    for_in_loops: list[Node] = field(default_factory=list)
    jsx_html: list[Node] = field(default_factory=list)

    def calls_named(self, *names: str) -> Iterator[tuple[str, Node]]:
        for name in names:
            for node in self.calls.get(name, ()):
                yield name, node


EMPTY_INDEX = UnitIndex()
_CALL_NAME_SET = frozenset(CALL_NAMES)


def calls_to(
    index: UnitIndex, document: Document, context: CheckContext, targets: frozenset[str] | set[str]
) -> Iterator[tuple[str, Node]]:
    """Calls in the unit whose callee resolves to one of ``targets`` (``child_process.exec``),
    under whatever local name they were imported (``import { exec as run }``)."""
    if not index.calls:
        return
    names_cache = context.cache.setdefault("js.call_names", {})
    names = names_cache.get(id(targets))
    if names is None:
        names = {target.rsplit(".", 1)[-1] for target in targets}
        for local, (module, member) in module_imports(document, context).items():
            if (f"{module}.{member}" if member else module) in targets:
                names.add(local)
        names_cache[id(targets)] = names = sorted(names)
    seen: set[int] = set()
    for name in names:
        for call in index.calls.get(name, ()):
            if call.id in seen:
                continue
            seen.add(call.id)
            qualified = qualified_callee(document, context, call)
            if qualified in targets:
                yield qualified, call


def unit_index(unit: Node, document: Document, context: CheckContext) -> UnitIndex:
    """The index of ``unit``, built once per analysis run and shared by every LG3xx rule."""
    cache = context.cache.setdefault("js.unit_index", {})
    key = (unit.id, unit.start_byte, unit.end_byte)
    index = cache.get(key)
    if index is not None:
        return index
    from tree_sitter import QueryCursor

    index = UnitIndex()
    source = document.source
    found = False
    # One pass over the unit, the alias calls included (their names are never in CALL_NAMES).
    aliases = _call_aliases(document, context)
    for _pattern, captured in QueryCursor(_index_query(document.language, bool(aliases))).matches(unit):
        if "alias_call" in captured:
            name = _text(source, captured["alias"][0])
            if name in aliases:
                found = True
                index.calls.setdefault(name, []).append(captured["alias_call"][0])
            continue
        found = True
        if "call" in captured:
            index.calls.setdefault(_text(source, captured["name"][0]), []).append(captured["call"][0])
        elif "new" in captured:
            index.news.setdefault(_text(source, captured["name"][0]), []).append(captured["new"][0])
        elif "assign" in captured:
            index.assignments.setdefault(_text(source, captured["prop"][0]), []).append(captured["assign"][0])
        elif "pair" in captured:
            index.pairs.setdefault(_text(source, captured["key"][0]), []).append(captured["pair"][0])
        elif "subscript_assign" in captured:
            index.subscript_assignments.append(captured["subscript_assign"][0])
        elif "for_in" in captured:
            index.for_in_loops.append(captured["for_in"][0])
        elif "jsx" in captured:
            index.jsx_html.append(captured["jsx"][0])
    cache[key] = index if found else EMPTY_INDEX
    return cache[key]


def _call_aliases(document: Document, context: CheckContext) -> frozenset[str]:
    """Imported names, other than the ones indexed anyway, bound to a function some rule looks at."""
    aliases = context.cache.get("js.call_aliases")
    if aliases is None:
        aliases = frozenset(
            local
            for local, (_module, member) in module_imports(document, context).items()
            if member and member.rsplit(".", 1)[-1] in _CALL_NAME_SET and local not in _CALL_NAME_SET
        )
        context.cache["js.call_aliases"] = aliases
    return aliases


def _text(source: bytes, node: Node) -> str:
    return source[node.start_byte : node.end_byte].decode("utf-8", errors="replace")


def text(document: Document, node: Node | None) -> str:
    return "" if node is None else _text(document.source, node)


# ---------------------------------------------------------------------------- imports


def _module_name(raw: str) -> str:
    raw = raw.strip("'\"`")
    return raw[5:] if raw.startswith("node:") else raw


def _string_value(document: Document, node: Node | None) -> str | None:
    """The value of a plain string literal (or a template without substitutions), else None."""
    if node is None:
        return None
    if node.type == "string":
        return text(document, node)[1:-1]
    if node.type == "template_string" and not any(c.type == "template_substitution" for c in node.children):
        return text(document, node)[1:-1]
    return None


def string_value(document: Document, node: Node | None) -> str | None:
    return _string_value(document, node)


def _require_target(document: Document, node: Node | None) -> tuple[str, str | None] | None:
    """``require('m')`` -> (m, None); ``require('m').x`` -> (m, 'x')."""
    if node is None:
        return None
    while node.type in ("await_expression", "parenthesized_expression") and node.named_child_count:
        node = node.named_children[-1]
    if node.type == "call_expression":
        function = node.child_by_field_name("function")
        if function is not None and function.type == "identifier" and text(document, function) == "require":
            arguments = node.child_by_field_name("arguments")
            if arguments is not None and arguments.named_child_count:
                value = _string_value(document, arguments.named_children[0])
                if value is not None:
                    return _module_name(value), None
        return None
    if node.type == "member_expression":
        inner = _require_target(document, node.child_by_field_name("object"))
        prop = node.child_by_field_name("property")
        if inner is not None and prop is not None:
            module, member = inner
            return module, f"{member}.{text(document, prop)}" if member else text(document, prop)
    return None


def _bind_pattern(document: Document, pattern: Node, module: str, member: str | None, table: dict) -> None:
    if pattern.type == "identifier":
        table[text(document, pattern)] = (module, member)
    elif pattern.type == "object_pattern":
        for child in pattern.named_children:
            prefix = f"{member}." if member else ""
            if child.type == "shorthand_property_identifier_pattern":
                name = text(document, child)
                table[name] = (module, prefix + name)
            elif child.type == "pair_pattern":
                key = child.child_by_field_name("key")
                value = child.child_by_field_name("value")
                if key is not None and value is not None and value.type == "identifier":
                    table[text(document, value)] = (module, prefix + text(document, key).strip("'\""))


def module_imports(document: Document, context: CheckContext) -> dict[str, tuple[str, str | None]]:
    """Top-level name -> (module, member or None for the module itself); cached per run."""
    cached = context.cache.get("js.imports")
    if cached is not None:
        return cached
    table: dict[str, tuple[str, str | None]] = {}
    aliases: list[tuple[Node, Node]] = []
    promisified: set[str] = set()
    tree = document.tree
    for statement in tree.root_node.named_children if tree is not None else ():
        kind = statement.type
        if kind == "export_statement":
            inner = statement.child_by_field_name("declaration")
            if inner is None:
                continue
            statement, kind = inner, inner.type
        if kind == "import_statement":
            _collect_import(document, statement, table)
        elif kind in ("lexical_declaration", "variable_declaration"):
            for declarator in statement.named_children:
                if declarator.type != "variable_declarator":
                    continue
                name = declarator.child_by_field_name("name")
                value = declarator.child_by_field_name("value")
                if name is None or value is None:
                    continue
                target = _require_target(document, value)
                if target is None and value.type == "call_expression":
                    # const knex = require('knex')({...}): an instance made by the module's factory.
                    factory = _require_target(document, value.child_by_field_name("function"))
                    target = (factory[0], None) if factory is not None and factory[1] is None else None
                if target is not None:
                    _bind_pattern(document, name, target[0], target[1], table)
                elif value.type in ("member_expression", "identifier"):
                    aliases.append((name, value))
                elif value.type == "call_expression" and _is_promisify(document, value):
                    # const execAsync = promisify(exec): same function, promise-shaped.
                    aliases.append((name, value.child_by_field_name("arguments").named_children[0]))
                    promisified.add(text(document, name))
    # `const run = cp.exec` / `const { exec } = cp`: aliases of what was imported above.
    for name, value in aliases:
        resolved = _qualify(document, value, table)
        if resolved is None or "." not in resolved and resolved not in {m for m, _ in table.values()}:
            continue
        module, _, member = resolved.partition(".")
        _bind_pattern(document, name, module, member or None, table)
    context.cache["js.imports"] = table
    context.cache["js.promisified"] = frozenset(promisified)
    return table


def is_promisified(document: Document, context: CheckContext, name: str) -> bool:
    """Whether the top-level ``name`` is ``promisify(...)`` of an imported function."""
    module_imports(document, context)
    return name in context.cache["js.promisified"]


def _is_promisify(document: Document, call: Node) -> bool:
    function = call.child_by_field_name("function")
    arguments = call.child_by_field_name("arguments")
    return (
        function is not None
        and text(document, function) in ("promisify", "util.promisify")
        and arguments is not None
        and arguments.named_child_count == 1
    )


def _collect_import(document: Document, statement: Node, table: dict) -> None:
    source = statement.child_by_field_name("source")
    require_clause = next((c for c in statement.named_children if c.type == "import_require_clause"), None)
    if require_clause is not None:  # TypeScript: import cp = require('child_process')
        name = require_clause.named_children[0] if require_clause.named_child_count else None
        module = _string_value(document, require_clause.child_by_field_name("source"))
        if name is not None and module is not None:
            table[text(document, name)] = (_module_name(module), None)
        return
    module_value = _string_value(document, source)
    if module_value is None:
        return
    module = _module_name(module_value)
    clause = next((c for c in statement.named_children if c.type == "import_clause"), None)
    if clause is None:
        return
    for part in clause.named_children:
        if part.type == "identifier":  # default import: treated as the module itself
            table[text(document, part)] = (module, None)
        elif part.type == "namespace_import":
            for ident in part.named_children:
                table[text(document, ident)] = (module, None)
        elif part.type == "named_imports":
            for specifier in part.named_children:
                if specifier.type != "import_specifier":
                    continue
                imported = specifier.child_by_field_name("name")
                alias = specifier.child_by_field_name("alias") or imported
                if imported is not None and alias is not None:
                    member = text(document, imported).strip("'\"")
                    table[text(document, alias)] = (module, None if member == "default" else member)


def imports_key(document: Document, context: CheckContext) -> tuple:
    return tuple(sorted(module_imports(document, context).items(), key=lambda item: item[0]))


def imported_modules(document: Document, context: CheckContext) -> set[str]:
    return {module for module, _ in module_imports(document, context).values()}


def local_name_for(document: Document, context: CheckContext, module: str, member: str | None) -> str | None:
    """The top-level name bound to ``module``/``member``, if any (the first one bound)."""
    names = context.cache.get("js.local_names")
    if names is None:
        names = {}
        for name, target in module_imports(document, context).items():
            names.setdefault(target, name)
        context.cache["js.local_names"] = names
    return names.get((module, member))


def _qualify(document: Document, node: Node, table: dict) -> str | None:
    if node.type == "identifier":
        name = text(document, node)
        target = table.get(name)
        if target is None:
            return name
        module, member = target
        return f"{module}.{member}" if member else module
    if node.type == "member_expression":
        obj = node.child_by_field_name("object")
        prop = node.child_by_field_name("property")
        if obj is None or prop is None:
            return None
        base = _qualify(document, obj, table)
        return f"{base}.{text(document, prop)}" if base else None
    if node.type in ("call_expression", "await_expression", "parenthesized_expression"):
        target = _require_target(document, node)
        if target is not None:
            return f"{target[0]}.{target[1]}" if target[1] else target[0]
        if node.type == "parenthesized_expression" and node.named_child_count:
            return _qualify(document, node.named_children[0], table)
    if node.type in ("this", "super"):
        return node.type
    return None


def qualified_callee(document: Document, context: CheckContext, call: Node) -> str | None:
    """``cp.exec(...)`` -> ``child_process.exec`` (imports resolved); unbound names stay as written."""
    function = call.child_by_field_name("function") or call.child_by_field_name("constructor")
    if function is None:
        return None
    root = function
    while root.type == "member_expression":
        root = root.child_by_field_name("object")
    if root is not None and root.type == "identifier" and is_local_binding(document, context, root):
        return None  # a local variable or parameter shadows any import of that name
    return _qualify(document, function, module_imports(document, context))


def is_local_binding(document: Document, context: CheckContext, identifier: Node) -> bool:
    """Whether ``identifier`` names a variable or parameter of an enclosing function."""
    name = text(document, identifier)
    scope = enclosing_function(identifier)
    while scope is not None:
        if any(
            kind in ("decl", "destructure")
            for kind, _v, _b in _scope_bindings(document, context, scope).get(name, ())
        ):
            return True
        if _is_parameter(document, scope, name):
            return True
        scope = enclosing_function(scope)
    return False


def qualified_name(document: Document, context: CheckContext, node: Node) -> str | None:
    return _qualify(document, node, module_imports(document, context))


def arguments_of(call: Node) -> list[Node]:
    arguments = call.child_by_field_name("arguments")
    if arguments is None or arguments.type != "arguments":
        return []
    return [c for c in arguments.named_children if c.type != "comment"]


def callee_object(call: Node) -> Node | None:
    function = call.child_by_field_name("function")
    if function is not None and function.type == "member_expression":
        return function.child_by_field_name("object")
    return None


def callee_property(call: Node) -> Node | None:
    function = call.child_by_field_name("function") or call.child_by_field_name("constructor")
    if function is None:
        return None
    if function.type == "member_expression":
        return function.child_by_field_name("property")
    return function if function.type == "identifier" else None


# ---------------------------------------------------------------------------- values

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
_WRAPPERS = frozenset(
    {
        "parenthesized_expression",
        "await_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
    }
)
_LITERAL_TYPES = frozenset({"string", "number", "true", "false", "null", "undefined", "regex"})
REQUEST_OBJECTS = frozenset({"req", "request"})
REQUEST_FIELDS = frozenset(
    {"query", "params", "body", "headers", "cookies", "signedCookies", "files", "file"}
)
_REQUEST_METHODS = frozenset({"get", "header", "param"})
# Calls whose result carries their input's taint (string plumbing, path building).
_PASSTHROUGH_METHODS = frozenset(
    {"trim", "toLowerCase", "toUpperCase", "toString", "concat", "slice", "substring", "substr", "padStart",
     "padEnd", "trimStart", "trimEnd", "normalize", "join", "resolve", "format", "decodeURIComponent",
     "decodeURI", "String", "unescape", "atob"}
)  # fmt: skip
# Calls that neutralise markup, paths or regex metacharacters.
_SANITIZERS = re.compile(
    r"(?i)(?:^|\.)(?:sanitize\w*|escape\w*|encode\w*|purify|xss|filterXSS|basename|normalizeEmail|"
    r"parseInt|parseFloat|Number|Boolean|isValid\w*|validate\w*|stringify|quote|format_?identifier)$"
)


@dataclass(frozen=True)
class ValueInfo:
    """What an expression is made of.

    ``literal``: a constant. ``built``: a string assembled from non-constant parts (template
    substitutions or ``+``). ``tainted``: carries request data. ``sanitized``: passed through a
    sanitiser. ``fragments``: the constant text of the string parts (to tell SQL from prose).
    """

    literal: bool = False
    built: bool = False
    tainted: bool = False
    sanitized: bool = False
    fragments: tuple[str, ...] = ()

    @property
    def dynamic(self) -> bool:
        return not self.literal and not self.sanitized

    def joined(self) -> str:
        return " ".join(self.fragments)


# Deeper than this, an expression is machine-made; answering "unknown" keeps recursion bounded.
_MAX_DEPTH = 40
LITERAL = ValueInfo(literal=True)
NUMERIC = ValueInfo(sanitized=True)
_NUMERIC_OPERATORS = frozenset(
    {"-", "*", "/", "%", "**", "|", "&", "^", "<<", ">>", ">>>", "<", ">", "<=", ">=", "==", "===", "!=", "!==",
     "instanceof", "in"}
)  # fmt: skip
OPAQUE = ValueInfo()


def unwrap(node: Node) -> Node:
    while node.type in _WRAPPERS and node.named_child_count:
        inner = node.named_children[0] if node.type != "await_expression" else node.named_children[-1]
        node = inner
    return node


def value_of(document: Document, context: CheckContext, node: Node | None, depth: int = 0) -> ValueInfo:
    """Describe ``node``'s value, following local assignments up to a few steps."""
    if node is None or depth > _MAX_DEPTH:
        return OPAQUE
    node = unwrap(node)
    kind = node.type
    if kind in _LITERAL_TYPES:
        fragments = (text(document, node)[1:-1],) if kind == "string" else ()
        return ValueInfo(literal=True, fragments=fragments)
    if kind == "template_string":
        parts = [value_of(document, context, c.named_children[0] if c.named_child_count else None, depth + 1)
                 for c in node.named_children if c.type == "template_substitution"]  # fmt: skip
        fragments = tuple(text(document, c) for c in node.named_children if c.type == "string_fragment")
        return _combine(parts, fragments, in_string=True)
    if kind == "binary_expression":
        operator = node.child_by_field_name("operator")
        op = text(document, operator)
        if op == "+":
            parts, fragments = [], []
            for operand in flatten_plus(document, node):
                info = value_of(document, context, operand, depth + 1)
                parts.append(info)
                fragments.extend(info.fragments)
            return _combine(parts, tuple(fragments), in_string=any(p.fragments for p in parts))
        if op in _NUMERIC_OPERATORS:
            return NUMERIC  # a number or a boolean: cannot carry markup, SQL or shell syntax
        if op in ("||", "??", "&&"):
            return _merge(
                value_of(document, context, node.child_by_field_name("left"), depth + 1),
                value_of(document, context, node.child_by_field_name("right"), depth + 1),
            )
        return OPAQUE
    if kind == "ternary_expression":
        return _merge(
            value_of(document, context, node.child_by_field_name("consequence"), depth + 1),
            value_of(document, context, node.child_by_field_name("alternative"), depth + 1),
        )
    if kind == "unary_expression" or kind == "update_expression":
        return NUMERIC
    if kind == "member_expression" and text(document, node.child_by_field_name("property")) == "length":
        return NUMERIC
    if is_request_data(document, node):
        return ValueInfo(tainted=True)
    if kind == "identifier":
        if depth > 4:
            return OPAQUE
        return _follow_identifier(document, context, node, depth)
    if kind in ("member_expression", "subscript_expression"):
        obj = node.child_by_field_name("object")
        if obj is not None and depth <= 4 and unwrap(obj).type == "identifier":
            base = _follow_identifier(document, context, unwrap(obj), depth + 1)
            if base.tainted:
                return ValueInfo(tainted=True)
        return OPAQUE
    if kind == "call_expression":
        return _call_value(document, context, node, depth)
    return OPAQUE


def _combine(parts: list[ValueInfo], fragments: tuple[str, ...], in_string: bool) -> ValueInfo:
    if all(p.literal for p in parts):
        return ValueInfo(literal=True, fragments=fragments)
    dynamic = [p for p in parts if not p.literal]
    tainted = any(p.tainted for p in parts)
    sanitized = all(p.sanitized for p in dynamic)
    nested = tuple(f for p in parts for f in p.fragments if p.built)
    return ValueInfo(built=in_string, tainted=tainted, sanitized=sanitized, fragments=fragments + nested)


def _merge(a: ValueInfo, b: ValueInfo) -> ValueInfo:
    return ValueInfo(
        literal=a.literal and b.literal,
        built=a.built or b.built,
        tainted=a.tainted or b.tainted,
        sanitized=(a.sanitized or a.literal) and (b.sanitized or b.literal) and not (a.literal and b.literal),
        fragments=a.fragments + b.fragments,
    )


def flatten_plus(document: Document, node: Node) -> list[Node]:
    """Operands of a left-nested ``a + b + c`` chain, in order."""
    operands: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        current_unwrapped = current
        if current.type == "parenthesized_expression" and current.named_child_count:
            current_unwrapped = current.named_children[0]
        if (
            current_unwrapped.type == "binary_expression"
            and text(document, current_unwrapped.child_by_field_name("operator")) == "+"
        ):
            stack.append(current_unwrapped.child_by_field_name("right"))
            stack.append(current_unwrapped.child_by_field_name("left"))
        else:
            operands.append(current)
    return operands


def _call_value(document: Document, context: CheckContext, call: Node, depth: int) -> ValueInfo:
    function = call.child_by_field_name("function")
    if function is None:
        return OPAQUE
    name = text(document, function)
    last = name.rsplit(".", 1)[-1]
    if _SANITIZERS.search(name):
        return ValueInfo(sanitized=True)
    if depth > 4:
        return OPAQUE
    if last in _PASSTHROUGH_METHODS or name in ("path.join", "path.resolve", "String"):
        infos = [value_of(document, context, arg, depth + 1) for arg in arguments_of(call)]
        if function.type == "member_expression":
            receiver = function.child_by_field_name("object")
            if receiver is not None and unwrap(receiver).type == "array":
                infos.extend(
                    value_of(document, context, e, depth + 1) for e in unwrap(receiver).named_children
                )
                return _combine(infos, tuple(f for i in infos for f in i.fragments), in_string=True)
            infos.append(value_of(document, context, receiver, depth + 1))
        if any(i.tainted for i in infos):
            return ValueInfo(tainted=True, built=any(i.built for i in infos))
        if infos and all(i.literal for i in infos):
            return LITERAL
    return OPAQUE


def is_request_data(document: Document, node: Node) -> bool:
    """``req.query.x``, ``req.body``, ``req.get('h')``, ``ctx.request.body``, ``searchParams.get('q')``."""
    node = unwrap(node)
    chain: list[str] = []
    current = node
    if current.type == "call_expression":
        function = current.child_by_field_name("function")
        if function is None or function.type != "member_expression":
            return False
        method = text(document, function.child_by_field_name("property"))
        receiver = function.child_by_field_name("object")
        if receiver is None:
            return False
        receiver_text = text(document, receiver)
        if method in _REQUEST_METHODS and receiver_text in REQUEST_OBJECTS:
            return True
        if method in ("get", "getAll") and receiver_text.endswith("searchParams"):
            return True
        if method in ("json", "formData", "text") and unwrap(receiver).type == "identifier":
            return receiver_text in REQUEST_OBJECTS
        return False
    while current.type in ("member_expression", "subscript_expression"):
        prop = current.child_by_field_name("property") or current.child_by_field_name("index")
        chain.append(text(document, prop) if prop is not None else "")
        current = unwrap(current.child_by_field_name("object") or current)
        if current.type not in ("member_expression", "subscript_expression", "identifier"):
            return False
    if current.type != "identifier" or not chain or chain[0] == "length":
        return False  # `.length` of request data is a number
    root = text(document, current)
    chain.reverse()
    if root in REQUEST_OBJECTS:
        return chain[0] in REQUEST_FIELDS or chain[0] in ("url", "originalUrl", "path")
    if root == "ctx":
        return chain[0] in ("query", "params") or (
            chain[0] == "request" and len(chain) > 1 and chain[1] in REQUEST_FIELDS
        )
    return False


def enclosing_function(node: Node) -> Node | None:
    current = node.parent
    while current is not None:
        if current.type in FUNCTION_TYPES:
            return current
        current = current.parent
    return None


def function_name(document: Document, function: Node | None, *, pair_key: bool = False) -> str | None:
    """The name of ``function``: its own, else the variable it is assigned to (``const f = () => ...``)
    or, with ``pair_key``, the object key it is the value of (``{ f: function () {} }``)."""
    if function is None:
        return None
    name = function.child_by_field_name("name")
    if name is not None:
        return text(document, name)
    parent = function.parent
    if parent is not None and parent.type == "variable_declarator":
        return text(document, parent.child_by_field_name("name"))
    if pair_key and parent is not None and parent.type == "pair":
        return text(document, parent.child_by_field_name("key"))
    return None


_SCOPE_QUERY = """
(variable_declarator name: (_) @name value: (_) @value) @decl
(assignment_expression left: (identifier) @name right: (_) @value) @assign
(augmented_assignment_expression left: (identifier) @name right: (_) @value) @augment
"""


def _scope_bindings(
    document: Document, context: CheckContext, scope: Node
) -> dict[str, list[tuple[str, Node, Node]]]:
    """name -> [(kind, value node, binding node)] inside ``scope``, in source order (cached per run)."""
    cache = context.cache.setdefault("js.scopes", {})
    key = (scope.id, scope.start_byte, scope.end_byte)
    bindings = cache.get(key)
    if bindings is not None:
        return bindings
    from tree_sitter import QueryCursor

    bindings = {}
    for _pattern, captured in QueryCursor(query(document.language, _SCOPE_QUERY)).matches(scope):
        kind = "decl" if "decl" in captured else "assign" if "assign" in captured else "augment"
        name_node, value = captured["name"][0], captured["value"][0]
        if name_node.type == "identifier":
            bindings.setdefault(text(document, name_node), []).append((kind, value, name_node))
        elif name_node.type == "object_pattern":
            for child in name_node.named_children:
                bound = child
                if child.type == "pair_pattern":
                    bound = child.child_by_field_name("value")
                elif child.type == "object_assignment_pattern":
                    bound = child.child_by_field_name("left")
                if bound is not None and bound.type in (
                    "identifier",
                    "shorthand_property_identifier_pattern",
                ):
                    bindings.setdefault(text(document, bound), []).append(("destructure", value, bound))
        elif name_node.type == "array_pattern":
            for child in name_node.named_children:
                if child.type == "identifier":
                    bindings.setdefault(text(document, child), []).append(("destructure", value, child))
    for items in bindings.values():
        items.sort(key=lambda item: item[2].start_byte)
    cache[key] = bindings
    return bindings


def _follow_identifier(document: Document, context: CheckContext, node: Node, depth: int) -> ValueInfo:
    name = text(document, node)
    scope = enclosing_function(node)
    while scope is not None:
        items = [
            item
            for item in _scope_bindings(document, context, scope).get(name, ())
            if item[2].start_byte < node.start_byte
        ]
        if items:
            return _value_from_bindings(document, context, items, depth)
        if _is_parameter(document, scope, name):
            return OPAQUE
        scope = enclosing_function(scope)
    return OPAQUE


def _value_from_bindings(document: Document, context: CheckContext, items, depth: int) -> ValueInfo:
    # The last plain (re)assignment, plus every `+=` after it.
    start = 0
    for position, (kind, _value, _bound) in enumerate(items):
        if kind != "augment":
            start = position
    result: ValueInfo | None = None
    for kind, value, _bound in items[start:]:
        if kind == "destructure":
            info = value_of(document, context, value, depth + 1)
            info = ValueInfo(tainted=info.tainted)
        else:
            info = value_of(document, context, value, depth + 1)
        if result is None:
            result = info
        else:
            result = _combine([result, info], result.fragments + info.fragments, in_string=True)
    return result or OPAQUE


_IDENTIFIERS = re.compile(r"[A-Za-z_$][\w$]*")


def _is_parameter(document: Document, function: Node, name: str) -> bool:
    parameters = function.child_by_field_name("parameters") or function.child_by_field_name("parameter")
    if parameters is None:
        return False
    if parameters.type == "identifier":
        return text(document, parameters) == name
    return name in _IDENTIFIERS.findall(text(document, parameters))


def tainted_first_argument(
    document: Document, context: CheckContext, call: Node
) -> tuple[Node, ValueInfo] | None:
    """``call``'s first argument and its value, when it carries request data no sanitiser has seen."""
    args = arguments_of(call)
    if not args:
        return None
    info = value_of(document, context, args[0])
    if not info.tainted or info.sanitized:
        return None
    return args[0], info


def is_function_node(node: Node | None) -> bool:
    return node is not None and unwrap(node).type in FUNCTION_TYPES


class RuleCheck:
    """One LG3xx rule's logic; ``javascript_rules.CHECK`` runs every rule over a unit's shared index."""

    rule: Rule
    # Whether findings depend on the module's imports (then they are part of the cache key).
    uses_imports = True

    def check_node(self, node: Node, document: Document, context: CheckContext) -> Iterable[Finding]:
        raise NotImplementedError


def bindings_before(document: Document, context: CheckContext, identifier: Node) -> list[tuple[str, Node]]:
    """(kind, value) of the local bindings of ``identifier`` before its use, nearest scope first."""
    name = text(document, identifier)
    scope = enclosing_function(identifier)
    while scope is not None:
        items = [
            (kind, value)
            for kind, value, bound in _scope_bindings(document, context, scope).get(name, ())
            if bound.start_byte < identifier.start_byte
        ]
        if items or _is_parameter(document, scope, name):
            return items
        scope = enclosing_function(scope)
    return []


def request_field(document: Document, node: Node) -> str | None:
    """For ``req.body.x`` / ``req.query`` / ``ctx.request.body``: the request field (``body``), else None."""
    node = unwrap(node)
    chain: list[str] = []
    while node.type in ("member_expression", "subscript_expression"):
        prop = node.child_by_field_name("property") or node.child_by_field_name("index")
        chain.append(text(document, prop).strip("'\"") if prop is not None else "")
        obj = node.child_by_field_name("object")
        if obj is None:
            return None
        node = unwrap(obj)
    if node.type != "identifier" or not chain:
        return None
    chain.reverse()
    root = text(document, node)
    if root in REQUEST_OBJECTS and chain[0] in REQUEST_FIELDS:
        return chain[0]
    if root == "ctx" and chain[0] == "request" and len(chain) > 1 and chain[1] in REQUEST_FIELDS:
        return chain[1]
    if root == "ctx" and chain[0] in ("query", "params"):
        return chain[0]
    return None
