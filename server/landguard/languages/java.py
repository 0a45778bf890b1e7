"""The Java adapter: lowers methods, constructors, lambdas and anonymous/inner class methods
into the dataflow IR (``landguard.dataflow.ir``). It is the only code that knows the
tree-sitter Java grammar's node names.

What it resolves, so models (``data/models/java*.toml``) can match qualified names:

- types: explicit imports, ``java.lang``, wildcard imports and unambiguous model classes,
  classes of the same file (by their simple name, which is how same-file functions are keyed);
- callees: ``stmt.executeQuery`` with ``Statement stmt`` -> ``java.sql.Statement.executeQuery``,
  through the declared types of parameters, locals (``var`` from its initialiser) and fields,
  and the return types of common API calls (``conn.createStatement()``);
- same-file calls: ``helper(x)``, ``this.helper(x)``, ``Util.helper(x)``, ``inner.m(x)`` with
  ``Inner inner``, and calls on an interface implemented by exactly one class of the file (or
  by anonymous classes) are given the callee ``Class.method``, the ``Function.key`` of that
  method;
- ``static final`` constants of the file's classes are inlined as literals; other fields read
  without ``this.`` become ``this.field`` so both spellings are one path;
- parameter tags: ``annotation:RequestParam`` (every annotation), ``route`` for the plain
  ``String`` parameters of Spring handler methods (``@GetMapping`` ...), which Spring binds
  from the request.

Lowering memoises per document tree (``functions_of_unit``) and, for the whole file's
summaries, per unit text and file facts (``file_functions``), so an edit re-lowers only the
units it changed.
"""

from __future__ import annotations

import functools
import re
import sys
import weakref
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tree_sitter import Node, QueryCursor

from landguard.dataflow import ir
from landguard.languages.common import SharedCache, plus_operands, text_digest

if TYPE_CHECKING:
    from landguard.engine.document import Document

# ----------------------------------------------------------------------------------- name tables

JAVA_LANG = frozenset(
    {
        "String",
        "StringBuilder",
        "StringBuffer",
        "Integer",
        "Long",
        "Short",
        "Byte",
        "Double",
        "Float",
        "Boolean",
        "Character",
        "Math",
        "System",
        "Runtime",
        "ProcessBuilder",
        "Process",
        "Object",
        "Thread",
        "Class",
        "ClassLoader",
        "Exception",
        "RuntimeException",
        "Iterable",
        "CharSequence",
        "Number",
        "Enum",
        "Void",
    }
)

# Return types of API calls that receivers are commonly chained from (``conn.createStatement().execute``)
# or assigned with ``var``. Keys are qualified callees; values qualified types.
RETURN_TYPES = {
    "java.sql.Connection.createStatement": "java.sql.Statement",
    "java.sql.Connection.prepareStatement": "java.sql.PreparedStatement",
    "java.sql.Connection.prepareCall": "java.sql.CallableStatement",
    "java.sql.DriverManager.getConnection": "java.sql.Connection",
    "javax.sql.DataSource.getConnection": "java.sql.Connection",
    "java.sql.Statement.getConnection": "java.sql.Connection",
    "java.lang.Runtime.getRuntime": "java.lang.Runtime",
    "java.lang.Runtime.exec": "java.lang.Process",
    "java.lang.ProcessBuilder.command": "java.lang.ProcessBuilder",
    "java.lang.ProcessBuilder.directory": "java.lang.ProcessBuilder",
    "java.lang.ProcessBuilder.redirectErrorStream": "java.lang.ProcessBuilder",
    "javax.servlet.http.HttpServletRequest.getSession": "javax.servlet.http.HttpSession",
    "jakarta.servlet.http.HttpServletRequest.getSession": "jakarta.servlet.http.HttpSession",
    "javax.servlet.http.HttpServletRequest.getCookies": "javax.servlet.http.Cookie[]",
    "jakarta.servlet.http.HttpServletRequest.getCookies": "jakarta.servlet.http.Cookie[]",
    "javax.servlet.http.HttpServletRequest.getPart": "javax.servlet.http.Part",
    "jakarta.servlet.http.HttpServletRequest.getPart": "jakarta.servlet.http.Part",
    "javax.servlet.http.HttpServletResponse.getWriter": "java.io.PrintWriter",
    "jakarta.servlet.http.HttpServletResponse.getWriter": "java.io.PrintWriter",
    "javax.xml.xpath.XPathFactory.newInstance": "javax.xml.xpath.XPathFactory",
    "javax.xml.xpath.XPathFactory.newXPath": "javax.xml.xpath.XPath",
    "javax.xml.xpath.XPath.compile": "javax.xml.xpath.XPathExpression",
    "javax.persistence.EntityManagerFactory.createEntityManager": "javax.persistence.EntityManager",
    "jakarta.persistence.EntityManagerFactory.createEntityManager": "jakarta.persistence.EntityManager",
    "org.hibernate.SessionFactory.openSession": "org.hibernate.Session",
    "org.hibernate.SessionFactory.getCurrentSession": "org.hibernate.Session",
    "java.nio.file.Paths.get": "java.nio.file.Path",
    "java.nio.file.Path.of": "java.nio.file.Path",
    "java.nio.file.Path.resolve": "java.nio.file.Path",
    "java.nio.file.Path.resolveSibling": "java.nio.file.Path",
    "java.nio.file.Path.normalize": "java.nio.file.Path",
    "java.nio.file.Path.toAbsolutePath": "java.nio.file.Path",
    "java.nio.file.Path.getFileName": "java.nio.file.Path",
    "java.io.File.toPath": "java.nio.file.Path",
    "java.lang.String.valueOf": "java.lang.String",
    "java.lang.String.format": "java.lang.String",
    "java.lang.String.join": "java.lang.String",
    "java.util.Base64.getDecoder": "java.util.Base64.Decoder",
    "java.util.Base64.getEncoder": "java.util.Base64.Encoder",
    "java.util.Base64.getUrlDecoder": "java.util.Base64.Decoder",
    "java.util.Base64.getUrlEncoder": "java.util.Base64.Encoder",
    "java.util.Base64.getMimeDecoder": "java.util.Base64.Decoder",
    "java.util.Base64.getMimeEncoder": "java.util.Base64.Encoder",
    "javax.naming.directory.DirContext.search": "javax.naming.NamingEnumeration",
    "org.owasp.esapi.ESAPI.encoder": "org.owasp.esapi.Encoder",
    "java.lang.Object.toString": "java.lang.String",
    "java.util.concurrent.ThreadLocalRandom.current": "java.util.concurrent.ThreadLocalRandom",
    "java.lang.System.getLogger": "java.lang.System.Logger",
    "org.slf4j.LoggerFactory.getLogger": "org.slf4j.Logger",
    "org.apache.logging.log4j.LogManager.getLogger": "org.apache.logging.log4j.Logger",
}
# Types whose values are numbers, booleans or identifiers: binding a value to them leaves no text an
# attacker chooses (the adapter lowers such bindings through the ``java.primitive-conversion`` sanitizer).
NUMERIC_TYPES = frozenset(
    {
        "int",
        "long",
        "short",
        "byte",
        "double",
        "float",
        "boolean",
        "java.lang.Integer",
        "java.lang.Long",
        "java.lang.Short",
        "java.lang.Byte",
        "java.lang.Double",
        "java.lang.Float",
        "java.lang.Boolean",
        "java.util.UUID",
        "java.math.BigDecimal",
        "java.math.BigInteger",
        "java.time.LocalDate",
        "java.time.LocalDateTime",
        "java.time.Instant",
    }
)
PRIMITIVE_CONVERSION = "java.primitive-conversion"
# Classes the models name through globs (``*.servlet.*Request.getParameter``): wildcard imports of
# their packages resolve to them.
_GLOBBED_CLASSES = tuple(
    f"{prefix}.{name}"
    for prefix in ("javax.servlet", "jakarta.servlet")
    for name in (
        "ServletRequest",
        "ServletResponse",
        "http.HttpServletRequest",
        "http.HttpServletResponse",
        "http.HttpSession",
        "http.Cookie",
        "http.Part",
    )
) + (
    "org.springframework.web.context.request.WebRequest",
    "org.springframework.web.context.request.NativeWebRequest",
    "org.owasp.esapi.ESAPI",
)
# Factories whose arguments are the elements of a new list (lowered as a list literal).
_LIST_FACTORIES = frozenset(
    {
        "java.util.List.of",
        "java.util.Arrays.asList",
        "java.util.Set.of",
        "java.util.Collections.singletonList",
    }
)
# Methods of any receiver whose result is a String (used for ``+`` and ``var``).
_STRING_METHODS = frozenset(
    {
        "toString",
        "trim",
        "strip",
        "substring",
        "toLowerCase",
        "toUpperCase",
        "replace",
        "replaceAll",
        "concat",
        "getParameter",
        "getHeader",
        "getQueryString",
        "getValue",
        "getName",
        "formatted",
    }
)
_MAPPING_ANNOTATIONS = frozenset(
    {"RequestMapping", "GetMapping", "PostMapping", "PutMapping", "DeleteMapping", "PatchMapping"}
)
# Parameter types Spring binds from the query when a handler parameter has no annotation.
_BOUND_SIMPLE_TYPES = frozenset({"java.lang.String", "java.lang.String[]"})

_CLASS_DECLARATIONS = frozenset(
    {"class_declaration", "interface_declaration", "enum_declaration", "record_declaration"}
)
_BODIES = frozenset({"class_body", "interface_body", "enum_body", "enum_body_declarations"})
_FUNCTIONS = frozenset({"method_declaration", "constructor_declaration", "compact_constructor_declaration"})
_COMMENTS = frozenset({"line_comment", "block_comment"})
_INT_LITERALS = frozenset(
    {"decimal_integer_literal", "hex_integer_literal", "octal_integer_literal", "binary_integer_literal"}
)
_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})
_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "b": "\b",
    "f": "\f",
    "s": " ",
    "0": "\0",
    "'": "'",
    '"': '"',
    "\\": "\\",
}


@functools.cache
def model_classes() -> dict[str, tuple[str, ...]]:
    """Simple class name -> qualified classes named in the Java models (for unimported names)."""
    from landguard.dataflow.models import shipped_rows

    found: dict[str, set[str]] = {}
    for row in shipped_rows("java"):
        qualified = _class_part(row.name) if row.name and "*" not in row.name else None
        if qualified:
            found.setdefault(qualified.rsplit(".", 1)[-1], set()).add(qualified)
    for qualified in (*RETURN_TYPES.values(), *_GLOBBED_CLASSES):
        qualified = qualified.removesuffix("[]")
        found.setdefault(qualified.rsplit(".", 1)[-1], set()).add(qualified)
    return {simple: tuple(sorted(names)) for simple, names in found.items()}


def _class_part(name: str) -> str | None:
    """``java.sql.Statement.executeQuery`` -> ``java.sql.Statement``; a bare class name stays."""
    parts = name.split(".")
    last_class = max((i for i, part in enumerate(parts) if part[:1].isupper()), default=-1)
    if last_class < 0:
        return None
    return ".".join(parts[: last_class + 1])


# ----------------------------------------------------------------------------------- file facts


@dataclass
class ClassInfo:
    """What the file says about one of its classes (keys are simple names)."""

    name: str
    outer: str | None
    is_interface: bool
    interfaces: tuple[str, ...]
    superclass: str | None
    fields: dict[str, str] = field(default_factory=dict)  # field -> qualified type
    constants: dict[str, str | int | float | bool] = field(default_factory=dict)
    methods: dict[str, str | None] = field(default_factory=dict)  # method -> qualified return type


@dataclass
class JavaFile:
    """Imports and class declarations of a file: everything a unit's lowering depends on outside it."""

    package: str
    imports: dict[str, str]
    wildcards: tuple[str, ...]
    static_imports: dict[str, str]
    classes: dict[str, ClassInfo]
    implementors: dict[str, tuple[str, ...]]
    # The digest of the package, imports and class names the members' ops are cached under
    # (``_cached_member_ops``).
    member_context: bytes = field(default=b"", compare=False, repr=False)

    @functools.cached_property
    def base_key(self) -> int:
        """The facts but the methods (imports, classes, their headers, fields and constants), hashed:
        a key for this process's caches, computed once per tree."""
        return hash(
            (
                self.package,
                tuple(sorted(self.imports.items())),
                self.wildcards,
                tuple(sorted(self.static_imports.items())),
                tuple(
                    (
                        name,
                        info.outer,
                        info.is_interface,
                        info.interfaces,
                        info.superclass,
                        tuple(sorted(info.fields.items())),
                        tuple(sorted((k, repr(v)) for k, v in info.constants.items())),
                    )
                    for name, info in sorted(self.classes.items())
                ),
            )
        )

    @functools.cached_property
    def header_key(self) -> int:
        """The package and imports, hashed (the part of ``base_key`` every unit reads)."""
        return hash(
            (
                self.package,
                tuple(sorted(self.imports.items())),
                self.wildcards,
                tuple(sorted(self.static_imports.items())),
            )
        )

    @functools.cached_property
    def _context_words(self) -> dict[bytes, frozenset[str]]:
        """Per name a unit may write (as bytes): the classes it brings into the unit's reach."""
        words: dict[bytes, set[str]] = {name.encode(): {name} for name in self.classes}
        for method, entries in self.method_table.items():
            reached = words.setdefault(method.encode(), set())
            for owner, returned in entries:
                reached.add(owner)
                reached.update(_TYPE_WORD.findall(returned))
        return {
            word: frozenset(name for name in reached if name in self.classes)
            for word, reached in words.items()
        }

    @functools.cached_property
    def _class_links(self) -> dict[str, tuple[str, ...]]:
        """Per class, the classes its header leads a lowering to (its fields' types are followed
        only for the fields a unit names)."""
        links: dict[str, tuple[str, ...]] = {}
        for name, info in self.classes.items():
            linked = {
                info.outer or "",
                info.superclass or "",
                *info.interfaces,
                *self.implementors.get(name, ()),
            }
            links[name] = tuple(sorted(other for other in linked if other in self.classes))
        return links

    @functools.cached_property
    def _member_words(self) -> dict[bytes, str]:
        """The names of every class's fields and constants, as bytes -> as text."""
        return {
            name.encode(): name for info in self.classes.values() for name in (*info.fields, *info.constants)
        }

    def lowering_context(self, names: frozenset[bytes], class_name: str | None) -> tuple:
        """See the module function ``lowering_context``; memoised per set of classes it starts from
        and of field names it writes. Of each class it holds the header and the fields and
        constants of the names written (a lowering looks fields up by the names it reads)."""
        words = self._context_words
        start: set[str] = {class_name} if class_name in self.classes else set()
        for word in names & words.keys():
            start.update(words[word])
        member_words = self._member_words
        members = frozenset(member_words[word] for word in names & member_words.keys())
        memo_key = (frozenset(start), members)
        memo = self.__dict__.setdefault("_lowering_contexts", {})
        found = memo.get(memo_key)
        if found is None:
            links, classes = self._class_links, self.classes
            reached: set[str] = set()
            pending = list(start)
            while pending:
                name = pending.pop()
                if name in reached:
                    continue
                reached.add(name)
                pending.extend(links[name])
                fields = classes[name].fields
                for member in members & fields.keys():
                    pending.extend(word for word in _TYPE_WORD.findall(fields[member]) if word in classes)
            held = []
            for name in sorted(reached):
                info = classes[name]
                # Intersections first: a unit writes a few of the names, a class has many fields.
                fields, constants = info.fields, info.constants
                held.append(
                    (
                        (name, info.outer, info.is_interface, info.interfaces, info.superclass),
                        tuple(sorted((member, fields[member]) for member in members & fields.keys())),
                        tuple(
                            sorted((member, repr(constants[member])) for member in members & constants.keys())
                        ),
                    )
                )
            found = memo[memo_key] = (self.header_key, tuple(held))
        return found

    @functools.cached_property
    def method_table(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """Method name -> (class, return type) of every same-file method of that name."""
        table: dict[str, list[tuple[str, str]]] = {}
        for name in sorted(self.classes):
            for method, returned in self.classes[name].methods.items():
                table.setdefault(method, []).append((name, returned or ""))
        return {method: tuple(entries) for method, entries in table.items()}

    @functools.cached_property
    def table_digest(self) -> int:
        return hash(tuple((name, tuple(info.methods.items())) for name, info in self.classes.items()))

    def methods_key(self, names: Iterable[str]) -> tuple:
        """What the file's methods of these names are (a unit's lowering depends on the methods it
        calls, not on every method of the file: pasting a new method re-lowers no other unit)."""
        table = self.method_table
        return tuple((name, table[name]) for name in sorted(names) if name in table)

    def qualify(self, type_text: str) -> str:
        """A written type -> its qualified name (same-file classes keep their simple name)."""
        cache = self.__dict__.setdefault("_qualified", {})
        found = cache.get(type_text)
        if found is None:
            found = cache[type_text] = self._qualify(type_text)
        return found

    def _qualify(self, type_text: str) -> str:
        text = re.sub(r"@\w+(?:\([^)]*\))?\s*", "", type_text)
        text = _strip_generics(text).replace(" ", "").removeprefix("final")
        suffix = ""
        while text.endswith("[]"):
            text, suffix = text[:-2], suffix + "[]"
        if text.endswith("..."):
            text, suffix = text[:-3], suffix + "[]"
        if not text:
            return type_text
        if "." in text:
            first, last = text.split(".", 1)[0], text.rsplit(".", 1)[-1]
            if first in self.classes:  # Outer.Inner
                return last + suffix
            if first in self.imports:  # Base64.Decoder
                return self.imports[first] + text[len(first) :] + suffix
            return text + suffix
        if text in self.classes:
            return text + suffix
        if text in self.imports:
            return self.imports[text] + suffix
        if text in JAVA_LANG:
            return f"java.lang.{text}{suffix}"
        known = model_classes().get(text, ())
        for package in self.wildcards:
            if f"{package}.{text}" in known:
                return f"{package}.{text}{suffix}"
        if len(known) == 1:
            return known[0] + suffix
        if len(known) > 1:
            # javax and jakarta spellings of one API: either names the same thing.
            return known[0] + suffix
        return text + suffix

    def is_class_name(self, name: str) -> bool:
        return (
            name in self.classes
            or name in self.imports
            or name in JAVA_LANG
            or (name[:1].isupper() and name in model_classes())
        )

    def class_chain(self, name: str | None) -> Iterator[ClassInfo]:
        """A class, then the classes it is nested in. Classes are known by simple name, so broken
        code (a paste that repeats ``class A {`` inside A) can make a class its own outer class:
        each is yielded once."""
        seen: set[str] = set()
        while name is not None and name in self.classes and name not in seen:
            seen.add(name)
            info = self.classes[name]
            yield info
            name = info.outer

    def method_owner(self, class_name: str | None, method: str) -> str | None:
        """The same-file class (``class_name``, its superclasses or outer classes) declaring ``method``."""
        for info in self.class_chain(class_name):
            current: ClassInfo | None = info
            seen: set[str] = set()
            while current is not None and current.name not in seen:
                if method in current.methods:
                    return current.name
                seen.add(current.name)
                current = self.classes.get(current.superclass or "")
        return None

    def receiver_method(self, type_name: str, method: str) -> str:
        """The callee for ``method`` on a receiver of (qualified) ``type_name``."""
        base = type_name.removesuffix("[]")
        if base in self.classes:
            info = self.classes[base]
            if info.is_interface:
                named = self.implementors.get(base, ())
                if len(named) == 1:
                    return f"{named[0]}.{method}"
                return f"{base}.{method}"
            owner = self.method_owner(base, method)
            return f"{owner or base}.{method}"
        return f"{base}.{method}"

    def field_type(self, class_name: str | None, name: str) -> str | None:
        for info in self.class_chain(class_name):
            if name in info.fields:
                return info.fields[name]
        return None

    def constant(self, class_name: str | None, name: str) -> tuple[bool, object]:
        for info in self.class_chain(class_name):
            if name in info.constants:
                return True, info.constants[name]
            if name in info.fields:
                return False, None
        return False, None


def _strip_generics(text: str) -> str:
    out, depth = [], 0
    for char in text:
        if char == "<":
            depth += 1
        elif char == ">":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(char)
    return "".join(out).strip()


def text_of(source: bytes, node: Node | None) -> str:
    return (
        source[node.start_byte : node.end_byte].decode("utf-8", errors="replace") if node is not None else ""
    )


def java_file(document: Document) -> JavaFile:
    """The file facts of the document's current tree (memoised per tree)."""
    return _memo(document).facts


def _scan_file(source: bytes, root: Node) -> JavaFile:
    package, imports, wildcards, static_imports = "", {}, [], {}
    top: list[Node] = []
    for child in root.named_children:
        if child.type == "package_declaration":
            package = re.sub(r"\s+|;|^package", "", text_of(source, child))
        elif child.type == "import_declaration":
            text = re.sub(r"\s+", " ", text_of(source, child)).strip().removeprefix("import ").rstrip(";")
            is_static = text.startswith("static ")
            name = text.removeprefix("static ").replace(" ", "")
            if name.endswith(".*"):
                if not is_static:
                    wildcards.append(name[:-2])
            elif is_static:
                static_imports[name.rsplit(".", 1)[-1]] = name
            else:
                imports[name.rsplit(".", 1)[-1]] = name
        elif child.type in _CLASS_DECLARATIONS:
            top.append(child)
    # Names of every same-file class first: field types may name classes declared later. A member
    # that is a nested class is looked at once per distinct text (an edit elsewhere reuses it).
    skeleton: list[tuple[str, str | None, bool]] = []
    members_of: list[tuple[Node, str, list[Node]]] = []
    for declaration in top:
        name = text_of(source, declaration.child_by_field_name("name"))
        skeleton.append((name, None, declaration.type == "interface_declaration"))
        members = _members(declaration)
        members_of.append((declaration, name, members))
        for member in members:
            if member.type in _CLASS_DECLARATIONS:
                skeleton.extend(_nested_skeleton(source, member, name))
    # A digest: every cached member's key holds it, and the cache outlives the run and the document.
    context = text_digest(
        repr((package, sorted(imports.items()), wildcards, sorted(static_imports.items()), skeleton)).encode()
    )
    facts = JavaFile(package, imports, tuple(wildcards), static_imports, {}, {}, context)
    facts.classes = {name: ClassInfo(name, outer, interface, (), None) for name, outer, interface in skeleton}
    for declaration, name, members in members_of:
        _apply(facts, _header_ops(source, facts, declaration, name))
        if declaration.type == "record_declaration":
            _apply(facts, _record_ops(source, facts, declaration, name))
        for member in members:
            _cached_member_ops(source, facts, member, name, context)
    implementors: dict[str, list[str]] = {}
    for info in facts.classes.values():
        if not info.is_interface:
            for interface in info.interfaces:
                implementors.setdefault(interface, []).append(info.name)
    facts.implementors = {k: tuple(v) for k, v in implementors.items()}
    return facts


# What each class member contributes to the file facts, by its text and the file's imports and
# class names: typing inside a method body changes no facts, so the scan reuses every member.
# Shared by every document, keyed by digests (``common.SharedCache``), the least recently used
# dropped: what the documents being edited have, not every version of every member since the start.
_MEMBER_OPS_LIMIT = 8192
_MEMBER_OPS: SharedCache[tuple] = SharedCache(_MEMBER_OPS_LIMIT)
_SKELETONS: SharedCache[tuple] = SharedCache(_MEMBER_OPS_LIMIT)


def _members(declaration: Node) -> list[Node]:
    body = declaration.child_by_field_name("body")
    members: list[Node] = []
    for member in body.named_children if body is not None else ():
        if member.type == "enum_body_declarations":
            members.extend(member.named_children)
        elif member.type not in _COMMENTS:
            members.append(member)
    return members


def _nested_skeleton(source: bytes, declaration: Node, outer: str) -> tuple:
    key = (text_digest(source[declaration.start_byte : declaration.end_byte]), outer)
    found = _SKELETONS.get(key)
    if found is None:
        name = sys.intern(text_of(source, declaration.child_by_field_name("name")))
        entries = [(name, outer, declaration.type == "interface_declaration")]
        for member in _members(declaration):
            if member.type in _CLASS_DECLARATIONS:
                entries.extend(_nested_skeleton(source, member, name))
        found = _SKELETONS.put(key, tuple(entries))
    return found


def _apply(facts: JavaFile, ops: Iterable[tuple]) -> None:
    for op, owner, name, value in ops:
        info = facts.classes.get(owner)
        if info is None:
            continue
        if op == "field":
            info.fields[name] = value
        elif op == "constant":
            info.constants[name] = value
        elif op == "method":
            info.methods[name] = value
        elif op == "method-default":
            info.methods.setdefault(name, value)
        elif op == "interfaces":
            info.interfaces = value
        elif op == "superclass":
            info.superclass = value


def _header_ops(source: bytes, facts: JavaFile, declaration: Node, name: str) -> list[tuple]:
    ops: list[tuple] = []
    interfaces: list[str] = []
    for part in declaration.named_children:
        if part.type in ("super_interfaces", "extends_interfaces"):
            for type_node in _type_list(part):
                interfaces.append(facts.qualify(text_of(source, type_node)))
        elif part.type == "superclass" and part.named_child_count:
            ops.append(("superclass", name, None, facts.qualify(text_of(source, _first(part)))))
    ops.append(("interfaces", name, None, tuple(interfaces)))
    return ops


def _record_ops(source: bytes, facts: JavaFile, declaration: Node, name: str) -> list[tuple]:
    ops: list[tuple] = []
    parameters = declaration.child_by_field_name("parameters")
    for parameter in parameters.named_children if parameters is not None else ():
        field_name = text_of(source, parameter.child_by_field_name("name"))
        if field_name:
            type_name = facts.qualify(text_of(source, parameter.child_by_field_name("type")))
            ops.append(("field", name, field_name, type_name))
            ops.append(("method-default", name, field_name, type_name))
    return ops


def _cached_member_ops(
    source: bytes, facts: JavaFile, member: Node, owner: str, context: bytes
) -> tuple[tuple, bool]:
    """``_member_ops``, reused by the member's text, owner and ``context`` (the file's imports and
    class names) when it depends on nothing else; applied to ``facts`` either way. Members of nested
    classes are looked up one by one too: an edit inside a 3,000-line nested class rescans the
    member it touched."""
    key = (text_digest(source[member.start_byte : member.end_byte]), context, owner)
    ops = _MEMBER_OPS.get(key)
    cacheable = True
    if ops is None:
        ops, cacheable = _member_ops(source, facts, member, owner, context)
        if cacheable:
            _MEMBER_OPS.put(key, ops)
    _apply(facts, ops)
    return ops, cacheable


def _member_ops(
    source: bytes, facts: JavaFile, member: Node, owner: str, context: bytes
) -> tuple[tuple, bool]:
    """(what a member contributes, whether that depends on the member's text and context alone).

    Ops are applied as they are made, so a constant can use the constants declared before it."""
    ops: list[tuple] = []
    cacheable = True
    kind = member.type
    if kind in ("field_declaration", "constant_declaration"):
        info = facts.classes.get(owner)
        modifiers = _modifiers(source, member)
        is_constant = (
            kind == "constant_declaration"
            or (info is not None and info.is_interface)
            or ("final" in modifiers and "static" in modifiers)
        )
        type_name = facts.qualify(text_of(source, member.child_by_field_name("type")))
        for declarator in member.children_by_field_name("declarator"):
            name = text_of(source, declarator.child_by_field_name("name"))
            ops.append(("field", owner, name, type_name))
            if is_constant:
                value_node = declarator.child_by_field_name("value")
                if value_node is not None and _reads_constants(value_node):
                    cacheable = False  # FIRST + SECOND: depends on other members
                value = _constant_value(source, facts, owner, value_node)
                if value is not None:
                    ops.append(("constant", owner, name, value))
            _apply(facts, ops[-2:] if is_constant and ops[-1][0] == "constant" else ops[-1:])
    elif kind == "method_declaration":
        returned = member.child_by_field_name("type")
        op = (
            "method",
            owner,
            text_of(source, member.child_by_field_name("name")),
            facts.qualify(text_of(source, returned)) if returned is not None else None,
        )
        ops.append(op)
        _apply(facts, (op,))
    elif kind == "enum_constant":
        op = ("field", owner, text_of(source, member.child_by_field_name("name")), owner)
        ops.append(op)
        _apply(facts, (op,))
    elif kind in _CLASS_DECLARATIONS:
        name = text_of(source, member.child_by_field_name("name"))
        header = _header_ops(source, facts, member, name)
        _apply(facts, header)
        ops.extend(header)
        if kind == "record_declaration":
            record = _record_ops(source, facts, member, name)
            _apply(facts, record)
            ops.extend(record)
        for inner in _members(member):
            inner_ops, inner_cacheable = _cached_member_ops(source, facts, inner, name, context)
            ops.extend(inner_ops)
            cacheable = cacheable and inner_cacheable
    return tuple(ops), cacheable


def _reads_constants(node: Node | None) -> bool:
    """Whether ``_constant_value`` of ``node`` looks up other constants: a name, alone or in a
    ``+`` of literals and names. Anything else it gives up on without looking inside (a
    ``new UnicodeBlock("BASIC_LATIN", ...)``, an array of 1,000 names), so its value is the
    member's own."""
    node = _unwrap(node)
    if node is None:
        return False
    if node.type == "identifier":
        return True
    if node.type == "binary_expression":
        operator = node.child_by_field_name("operator")
        if operator is not None and operator.type == "+":
            return _reads_constants(node.child_by_field_name("left")) or _reads_constants(
                node.child_by_field_name("right")
            )
    return False


def _type_list(node: Node) -> Iterator[Node]:
    for child in node.named_children:
        if child.type == "type_list":
            yield from child.named_children
        else:
            yield child


def _modifiers(source: bytes, node: Node) -> set[str]:
    modifiers = next((c for c in node.children if c.type == "modifiers"), None)
    if modifiers is None:
        return set()
    return {
        text_of(source, c)
        for c in modifiers.children
        if not c.is_named or c.type not in ("annotation", "marker_annotation")
    }


def _annotations(source: bytes, node: Node) -> list[str]:
    modifiers = next((c for c in node.children if c.type == "modifiers"), None)
    if modifiers is None:
        return []
    names = []
    for child in modifiers.named_children:
        if child.type in ("annotation", "marker_annotation"):
            name = text_of(source, child.child_by_field_name("name"))
            names.append(name.rsplit(".", 1)[-1])
    return names


def _constant_value(source: bytes, facts: JavaFile, class_name: str, node: Node | None):
    """The value of a constant initialiser: a literal, or ``+`` of literals and earlier constants."""
    node = _unwrap(node)
    if node is None:
        return None
    literal = _literal(source, node)
    if literal is not _NOT_LITERAL:
        return literal.value if isinstance(literal, ir.Lit) else None
    if node.type == "identifier":
        found, value = facts.constant(class_name, text_of(source, node))
        return value if found else None
    if node.type == "binary_expression" and text_of(source, node.child_by_field_name("operator")) == "+":
        left = _constant_value(source, facts, class_name, node.child_by_field_name("left"))
        right = _constant_value(source, facts, class_name, node.child_by_field_name("right"))
        if left is None or right is None:
            return None
        if isinstance(left, str) or isinstance(right, str):
            return _java_str(left) + _java_str(right)
        if isinstance(left, int) and isinstance(right, int):
            return left + right
    return None


def _java_str(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def _first(node: Node | None) -> Node | None:
    """The first named child that is not a comment, or None."""
    if node is None:
        return None
    return next((c for c in node.named_children if c.type not in _COMMENTS), None)


def _unwrap(node: Node | None) -> Node | None:
    """The expression inside parentheses and casts (casts are transparent to data)."""
    while node is not None and node.type in ("parenthesized_expression", "cast_expression"):
        inner = node.child_by_field_name("value") if node.type == "cast_expression" else _first(node)
        if inner is None:
            break
        node = inner
    return node


_NOT_LITERAL = object()


def _literal(source: bytes, node: Node):
    """An ``ir.Lit`` for a literal node, else ``_NOT_LITERAL``."""
    kind = node.type
    if kind == "string_literal":
        return ir.Lit(_string_value(source, node), node)
    if kind in _INT_LITERALS:
        text = text_of(source, node).replace("_", "").rstrip("lL")
        try:
            if kind == "hex_integer_literal":
                return ir.Lit(int(text, 16), node)
            if kind == "binary_integer_literal":
                return ir.Lit(int(text[2:], 2), node)
            if kind == "octal_integer_literal":
                return ir.Lit(int(text, 8), node)
            return ir.Lit(int(text), node)
        except ValueError:
            return ir.Lit(None, node)
    if kind == "decimal_floating_point_literal":
        try:
            return ir.Lit(float(text_of(source, node).replace("_", "").rstrip("fFdD")), node)
        except ValueError:
            return ir.Lit(0.0, node)
    if kind == "true":
        return ir.Lit(True, node)
    if kind == "false":
        return ir.Lit(False, node)
    if kind == "null_literal":
        return ir.Lit(None, node)
    if kind == "character_literal":
        return ir.Lit(_unescape(text_of(source, node)[1:-1]), node)
    return _NOT_LITERAL


def _string_value(source: bytes, node: Node) -> str:
    parts = []
    for child in node.named_children:
        if child.type in ("string_fragment", "multiline_string_fragment"):
            parts.append(text_of(source, child))
        elif child.type == "escape_sequence":
            parts.append(_unescape(text_of(source, child)))
    return "".join(parts)


def _unescape(text: str) -> str:
    if not text.startswith("\\") or len(text) < 2:
        return text
    if text[1] == "u":
        try:
            return chr(int(text.lstrip("\\u")[:4], 16))
        except ValueError:
            return text
    if text[1] in "01234567" and len(text) > 2:
        try:
            return chr(int(text[1:], 8))
        except ValueError:
            return text
    return _ESCAPES.get(text[1], text[1])


# ----------------------------------------------------------------------------------- lowering


# What lowering an expression can make a function of: a lambda, an anonymous or local class body;
# an ERROR node may hold a half-written method the lowering recovers (``recovered_method``).
_FUNCTION_SHAPES = "[(lambda_expression) (class_body)] @shape"


def _may_hold_functions(node: Node) -> bool:
    """Whether lowering ``node`` can add a function (one tree-sitter query, no Python walk)."""
    from landguard.engine.languages import query

    if node.has_error:
        return True
    cursor = QueryCursor(query("java", _FUNCTION_SHAPES))
    return bool(cursor.captures(node))


@dataclass
class _Scope:
    """What one function's lowering knows: its class, and the declared types of its names."""

    class_name: str | None
    types: dict[str, str]
    is_static: bool = False


class _Lowerer:
    """Lowers the functions of one unit. ``functions`` collects every function met (the unit's
    methods and the lambdas and anonymous class methods inside them)."""

    def __init__(self, source: bytes, facts: JavaFile) -> None:
        self.source = source
        self.facts = facts
        self.functions: list[ir.Function] = []
        self._temp = 0
        # Calls of a statement-level ``append`` chain -> the chain's root receiver (see ``_builder_chain``).
        self._chain_roots: dict[int, Node] = {}

    def text(self, node: Node | None) -> str:
        return text_of(self.source, node)

    # ------------------------------------------------------------------ declarations

    def unit(self, node: Node, class_name: str | None) -> None:
        """A unit: a member of a class (method, constructor, field, initialiser, nested class) or a
        top-level class declaration."""
        kind = node.type
        if kind in _FUNCTIONS:
            self.method(node, class_name)
        elif kind in _CLASS_DECLARATIONS:
            self.class_members(node)
        elif kind in ("field_declaration", "constant_declaration"):
            scope = _Scope(class_name, {}, "static" in _modifiers(self.source, node))
            for declarator in node.children_by_field_name("declarator"):
                value = declarator.child_by_field_name("value")
                if value is not None and _may_hold_functions(value):
                    # Lambdas and anonymous classes in initialisers become functions of their own;
                    # the rest of the initialiser's lowering is dropped, so one holding neither (a
                    # 1,000-entry table) is not lowered at all.
                    pre: list[ir.Stmt] = []
                    self.expr(value, scope, pre)
        elif kind == "enum_constant":
            # An enum constant with a body (``PLUS { int apply(...) {...} }``): its methods.
            body = node.child_by_field_name("body")
            for inner in body.named_children if body is not None else ():
                self.unit(inner, class_name)
        elif kind == "enum_body_declarations":
            for inner in node.named_children:
                self.unit(inner, class_name)
        elif kind in ("static_initializer", "block"):
            block = (
                node if kind == "block" else next((c for c in node.named_children if c.type == "block"), None)
            )
            if block is not None:
                scope = _Scope(class_name, {}, kind == "static_initializer")
                body = tuple(self.block(block, scope))
                self.functions.append(
                    ir.Function("<init-block>", (), body, None, class_name, frozenset({"initializer"}), node)
                )

    def class_members(self, node: Node) -> None:
        name = self.text(node.child_by_field_name("name"))
        body = node.child_by_field_name("body")
        for member in body.named_children if body is not None else ():
            self.unit(member, name)

    def method(self, node: Node, class_name: str | None, key_class: str | None = None) -> ir.Function:
        modifiers = _modifiers(self.source, node)
        annotations = _annotations(self.source, node)
        is_constructor = node.type != "method_declaration"
        name = self.text(node.child_by_field_name("name"))
        tags = {m for m in modifiers if m in ("static", "private", "public", "protected", "abstract")}
        if is_constructor:
            tags.add("constructor")
        if any(a in _MAPPING_ANNOTATIONS for a in annotations):
            tags.add("route")
        scope = _Scope(class_name, {}, "static" in modifiers)
        params = self.parameters(node.child_by_field_name("parameters"), scope, "route" in tags)
        body_node = node.child_by_field_name("body")
        body = tuple(self.block(body_node, scope)) if body_node is not None else ()
        body = (*_primitive_parameters(params), *body)
        owner = key_class or class_name
        # An abstract or interface method has no behaviour of its own: calls resolve to an implementation.
        key = f"{owner}.{name}" if owner and not is_constructor and body_node is not None else None
        function = ir.Function(
            name,
            params,
            body,
            key,
            class_name,
            frozenset(tags),
            node,
            {"types": scope.types, "annotations": tuple(annotations)},
        )
        self.functions.append(function)
        return function

    def parameters(self, node: Node | None, scope: _Scope, is_route: bool) -> tuple[ir.Param, ...]:
        params: list[ir.Param] = []
        if node is None:
            return ()
        for child in node.named_children:
            if child.type == "formal_parameter":
                name_node = child.child_by_field_name("name")
                type_text = self.text(child.child_by_field_name("type"))
            elif child.type == "spread_parameter":
                declarator = next((c for c in child.named_children if c.type == "variable_declarator"), None)
                name_node = declarator.child_by_field_name("name") if declarator is not None else None
                type_node = next(
                    (c for c in child.named_children if c.type not in ("modifiers", "variable_declarator")),
                    None,
                )
                type_text = self.text(type_node) + "[]"
            elif child.type == "identifier":  # an inferred lambda parameter
                name_node, type_text = child, ""
            else:
                continue
            name = self.text(name_node)
            if not name:
                continue
            annotations = _annotations(self.source, child)
            tags = {f"annotation:{a}" for a in annotations}
            qualified = self.facts.qualify(type_text) if type_text and type_text != "var" else None
            if is_route and not annotations and qualified in _BOUND_SIMPLE_TYPES:
                tags.add("route")
            if qualified:
                scope.types[name] = qualified
            params.append(ir.Param(name, len(params), frozenset(tags), qualified, child))
        return tuple(params)

    def lambda_function(self, node: Node, scope: _Scope) -> ir.Function:
        inner = _Scope(scope.class_name, dict(scope.types), scope.is_static)
        parameters = node.child_by_field_name("parameters")
        if parameters is not None and parameters.type == "identifier":
            params = (ir.Param(self.text(parameters), 0, frozenset(), None, parameters),)
            inner.types.pop(params[0].name, None)
        elif parameters is not None and parameters.type == "inferred_parameters":
            params = tuple(
                ir.Param(self.text(p), i, frozenset(), None, p)
                for i, p in enumerate(parameters.named_children)
            )
            for param in params:
                inner.types.pop(param.name, None)
        else:
            params = self.parameters(parameters, inner, False)
        body_node = node.child_by_field_name("body")
        if body_node is None:
            body: tuple[ir.Stmt, ...] = ()
        elif body_node.type == "block":
            body = tuple(self.block(body_node, inner))
        else:
            pre: list[ir.Stmt] = []
            value = self.expr(body_node, inner, pre)
            body = (*pre, ir.Return(value, body_node))
        function = ir.Function(
            "<lambda>",
            params,
            body,
            None,
            scope.class_name,
            frozenset({"lambda"}),
            node,
            {"types": inner.types},
        )
        self.functions.append(function)
        return function

    def anonymous_class(self, node: Node, body: Node, type_name: str) -> None:
        """``new I() { ... }``: its methods are keyed ``I.m``, which is what calls on an ``I`` receiver
        resolve to when no named class of the file implements ``I``."""
        simple = type_name.removesuffix("[]")
        for member in body.named_children:
            if member.type in _FUNCTIONS:
                self.method(member, simple if simple in self.facts.classes else None, simple)
            elif member.type in _CLASS_DECLARATIONS:
                self.class_members(member)

    # ------------------------------------------------------------------ statements

    def block(self, node: Node | None, scope: _Scope) -> list[ir.Stmt]:
        out: list[ir.Stmt] = []
        if node is None:
            return out
        if node.type not in ("block", "constructor_body", "switch_block_statement_group"):
            self.statement(node, scope, out)
            return out
        children = node.named_children
        skip: set[int] = set()
        for index, child in enumerate(children):
            if index in skip:
                continue
            if child.type == "ERROR" and index + 1 < len(children) and children[index + 1].type == "block":
                parameters = next((c for c in child.named_children if c.type == "formal_parameters"), None)
                if parameters is not None:
                    # A half-written method above swallowed this one: ``(params) ... { body }``.
                    self.recovered_method(parameters, children[index + 1], scope)
                    skip.add(index + 1)
                    continue
            self.statement(child, scope, out)
        return out

    def recovered_method(self, parameters: Node, body: Node, outer: _Scope) -> None:
        scope = _Scope(outer.class_name, dict(outer.types), outer.is_static)
        params = self.parameters(parameters, scope, False)
        statements = (*_primitive_parameters(params), *self.block(body, scope))
        self.functions.append(
            ir.Function(
                "<recovered>", params, statements, None, outer.class_name, frozenset({"recovered"}), body
            )
        )

    def statement(self, node: Node, scope: _Scope, out: list[ir.Stmt]) -> None:  # noqa: C901 - one arm per statement
        kind = node.type
        if kind in _COMMENTS:
            return
        if kind in ("block", "constructor_body"):
            out.extend(self.block(node, scope))
        elif kind == "local_variable_declaration":
            self.declaration(node, scope, out)
        elif kind == "expression_statement":
            expression = _first(node)
            if expression is not None:
                self.expression_statement(expression, scope, out)
        elif kind == "if_statement":
            pre: list[ir.Stmt] = []
            test = self.expr(node.child_by_field_name("condition"), scope, pre)
            body = tuple(self.block(node.child_by_field_name("consequence"), scope))
            alternative = node.child_by_field_name("alternative")
            orelse = tuple(self.block(alternative, scope)) if alternative is not None else ()
            out.extend(pre)
            out.append(ir.If(test, body, orelse, node))
        elif kind == "while_statement":
            pre = []
            test = self.expr(node.child_by_field_name("condition"), scope, pre)
            body = self.block(node.child_by_field_name("body"), scope)
            out.extend(pre)
            out.append(ir.Loop((*body, *pre), test, (), False, node))
        elif kind == "do_statement":
            body = self.block(node.child_by_field_name("body"), scope)
            pre = []
            test = self.expr(node.child_by_field_name("condition"), scope, pre)
            out.append(ir.Loop((*body, *pre), test, (), True, node))
        elif kind == "for_statement":
            for init in node.children_by_field_name("init"):
                if init.type == "local_variable_declaration":
                    self.declaration(init, scope, out)
                else:
                    self.expression_statement(init, scope, out)
            pre = []
            condition = node.child_by_field_name("condition")
            test = self.expr(condition, scope, pre) if condition is not None else None
            body = self.block(node.child_by_field_name("body"), scope)
            for update in node.children_by_field_name("update"):
                self.expression_statement(update, scope, body)
            out.extend(pre)
            out.append(ir.Loop((*body, *pre), test, (), False, node))
        elif kind == "enhanced_for_statement":
            name_node = node.child_by_field_name("name")
            name = self.text(name_node)
            type_text = self.text(node.child_by_field_name("type"))
            pre = []
            iterable = self.expr(node.child_by_field_name("value"), scope, pre)
            if type_text and type_text != "var":
                scope.types[name] = self.facts.qualify(type_text)
            binding = ir.Assign(
                ir.Name(name, None, name_node), ir.Index(iterable, ir.Opaque(), name_node), name_node
            )
            body = self.block(node.child_by_field_name("body"), scope)
            out.extend(pre)
            out.append(ir.Loop((binding, *body), None, (), False, node))
        elif kind in ("try_statement", "try_with_resources_statement"):
            self.try_statement(node, scope, out)
        elif kind == "return_statement":
            value_node = _first(node)
            pre = []
            value = self.expr(value_node, scope, pre) if value_node is not None else None
            out.extend(pre)
            out.append(ir.Return(value, node))
        elif kind == "throw_statement":
            pre = []
            value = self.expr(_first(node), scope, pre)
            out.extend(pre)
            out.append(ir.Raise(value, node))
        elif kind == "break_statement":
            out.append(ir.Break(node))
        elif kind == "continue_statement":
            out.append(ir.Continue(node))
        elif kind in ("switch_expression", "switch_statement"):
            self.switch(node, scope, out, None)
        elif kind == "labeled_statement":
            for child in node.named_children:
                if child.type != "identifier":
                    self.statement(child, scope, out)
        elif kind == "synchronized_statement":
            pre = []
            lock = _first(node)
            if lock is not None and lock.type != "block":
                self.expr(lock, scope, pre)
            out.extend(pre)
            out.extend(self.block(node.child_by_field_name("body"), scope))
        elif kind == "yield_statement":
            # Only inside a switch expression, whose lowering handles it (see ``switch``).
            pre = []
            value = self.expr(_first(node), scope, pre)
            out.extend(pre)
            out.append(ir.Eval(value, node))
        elif kind in _CLASS_DECLARATIONS or kind == "local_class_declaration":
            self.class_members(node)
        elif kind == "explicit_constructor_invocation":
            pre = []
            arguments = node.child_by_field_name("arguments")
            args = tuple(self.expr(a, scope, pre) for a in _arguments(arguments))
            out.extend(pre)
            out.append(ir.Eval(ir.Opaque(args, node), node))
        elif kind == "assert_statement":
            return
        else:
            pre = []
            parts = tuple(self.expr(c, scope, pre) for c in node.named_children if c.type not in _COMMENTS)
            out.extend(pre)
            if parts:
                out.append(ir.Eval(ir.Opaque(parts, node), node))

    def declaration(self, node: Node, scope: _Scope, out: list[ir.Stmt]) -> None:
        type_text = self.text(node.child_by_field_name("type"))
        declared = self.facts.qualify(type_text) if type_text and type_text != "var" else None
        for declarator in node.children_by_field_name("declarator"):
            name_node = declarator.child_by_field_name("name")
            name = self.text(name_node)
            value_node = declarator.child_by_field_name("value")
            dimensions = declarator.child_by_field_name("dimensions")
            if declared is not None:
                scope.types[name] = declared + ("[]" if dimensions is not None else "")
            else:
                scope.types.pop(name, None)
            if value_node is None:
                continue
            pre: list[ir.Stmt] = []
            value = self.expr(value_node, scope, pre)
            if declared is None:
                inferred = self.type_of(value_node, scope)
                if inferred:
                    scope.types[name] = inferred
            elif dimensions is None:
                value = _as_primitive(value, declared, declarator)
            out.extend(pre)
            out.append(ir.Assign(ir.Name(name, None, name_node), value, declarator))

    def expression_statement(self, node: Node, scope: _Scope, out: list[ir.Stmt]) -> None:
        node = _unwrap(node) or node
        if node.type == "assignment_expression":
            self.assignment(node, scope, out)
            return
        if node.type == "update_expression":
            self.update(node, scope, out)
            return
        if node.type == "method_invocation":
            chain = self._builder_chain(node)
            if chain:
                for call in chain:
                    pre: list[ir.Stmt] = []
                    value = self.expr(call, scope, pre)
                    out.extend(pre)
                    out.append(ir.Eval(value, call))
                return
        if node.type in ("switch_expression",):
            self.switch(node, scope, out, None)
            return
        pre = []
        value = self.expr(node, scope, pre)
        out.extend(pre)
        out.append(ir.Eval(value, node))

    def _builder_chain(self, node: Node) -> list[Node]:
        """``sb.append(a).append(b);`` -> the calls ``sb.append(a)``, ``sb.append(b)`` (each on ``sb``):
        ``append``/``insert`` return their receiver, so a chain is a sequence of calls on the root."""
        calls = []
        current: Node | None = node
        while current is not None and current.type == "method_invocation":
            if self.text(current.child_by_field_name("name")) not in ("append", "insert"):
                return []
            calls.append(current)
            current = _unwrap(current.child_by_field_name("object"))
        if len(calls) < 2 or current is None or current.type not in ("identifier", "field_access"):
            return []
        calls.reverse()
        for call in calls[1:]:
            self._chain_roots[call.id] = current
        return calls

    def assignment(self, node: Node, scope: _Scope, out: list[ir.Stmt]) -> ir.Expr:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        operator = self.text(node.child_by_field_name("operator")) or "="
        pre: list[ir.Stmt] = []
        value = self.expr(right, scope, pre)
        target = self.target(left, scope, pre)
        if operator != "=":
            current = self.expr(left, scope, pre)
            op = operator[:-1]
            if op == "+" and (self.is_stringy(left, scope) or self.is_stringy(right, scope)):
                value = ir.Concat((current, value), node)
            elif op in ("+", "-", "*", "/", "%"):
                value = ir.BinOp(op, current, value, node)
            else:
                value = ir.Opaque((current, value), node)
        out.extend(pre)
        out.append(ir.Assign(target, value, node))
        return target

    def update(self, node: Node, scope: _Scope, out: list[ir.Stmt]) -> ir.Expr:
        operand = _first(node)
        text = self.text(node)
        pre: list[ir.Stmt] = []
        target = self.target(operand, scope, pre)
        current = self.expr(operand, scope, pre)
        op = "+" if "++" in text else "-"
        out.extend(pre)
        out.append(ir.Assign(target, ir.BinOp(op, current, ir.Lit(1), node), node))
        return target

    def target(self, node: Node | None, scope: _Scope, pre: list[ir.Stmt]) -> ir.Expr:
        node = _unwrap(node)
        if node is None:
            return ir.Opaque()
        if node.type == "identifier":
            name = self.text(node)
            if name not in scope.types and self._is_field(name, scope):
                return ir.Attr(ir.Name("this", None, node), name, None, node)
            return ir.Name(name, None, node)
        if node.type == "field_access":
            obj = node.child_by_field_name("object")
            return ir.Attr(
                self.expr(obj, scope, pre), self.text(node.child_by_field_name("field")), None, node
            )
        if node.type == "array_access":
            return ir.Index(
                self.expr(node.child_by_field_name("array"), scope, pre),
                self.expr(node.child_by_field_name("index"), scope, pre),
                node,
            )
        return ir.Opaque((), node)

    def try_statement(self, node: Node, scope: _Scope, out: list[ir.Stmt]) -> None:
        body: list[ir.Stmt] = []
        resources = node.child_by_field_name("resources")
        for resource in resources.named_children if resources is not None else ():
            if resource.type != "resource":
                continue
            name_node = resource.child_by_field_name("name")
            value_node = resource.child_by_field_name("value")
            if name_node is None or value_node is None:
                pre: list[ir.Stmt] = []
                for child in resource.named_children:
                    self.expr(child, scope, pre)
                body.extend(pre)
                continue
            name = self.text(name_node)
            type_text = self.text(resource.child_by_field_name("type"))
            pre = []
            value = self.expr(value_node, scope, pre)
            if type_text and type_text != "var":
                scope.types[name] = self.facts.qualify(type_text)
            else:
                inferred = self.type_of(value_node, scope)
                if inferred:
                    scope.types[name] = inferred
            body.extend(pre)
            body.append(ir.Assign(ir.Name(name, None, name_node), value, resource))
        body.extend(self.block(node.child_by_field_name("body"), scope))
        handlers = []
        final: tuple[ir.Stmt, ...] = ()
        for child in node.named_children:
            if child.type == "catch_clause":
                parameter = next(
                    (c for c in child.named_children if c.type == "catch_formal_parameter"), None
                )
                if parameter is not None:
                    name = self.text(parameter.child_by_field_name("name"))
                    catch_type = next((c for c in parameter.named_children if c.type == "catch_type"), None)
                    if catch_type is not None and catch_type.named_child_count == 1:
                        scope.types[name] = self.facts.qualify(self.text(catch_type))
                handlers.append(tuple(self.block(child.child_by_field_name("body"), scope)))
            elif child.type == "finally_clause":
                block = next((c for c in child.named_children if c.type == "block"), None)
                final = tuple(self.block(block, scope))
        out.append(ir.Try(tuple(body), tuple(handlers), (), final, node))

    def switch(self, node: Node, scope: _Scope, out: list[ir.Stmt], result: str | None) -> None:
        """A switch statement, or (``result`` set) a switch expression whose arms assign ``result``."""
        pre: list[ir.Stmt] = []
        subject = self.expr(node.child_by_field_name("condition"), scope, pre)
        body = node.child_by_field_name("body")
        cases: list[ir.Case] = []
        for arm in body.named_children if body is not None else ():
            if arm.type not in ("switch_block_statement_group", "switch_rule"):
                continue
            labels = [c for c in arm.named_children if c.type == "switch_label"]
            tests: list[ir.Expr] = []
            is_default = False
            for label in labels:
                values = [c for c in label.named_children if c.type not in _COMMENTS]
                if not values or self.text(label).startswith("default"):
                    is_default = True
                for value in values:
                    if value.type in ("pattern", "type_pattern", "record_pattern", "guard"):
                        tests.append(ir.Opaque((), value))
                    else:
                        tests.append(self.case_value(value, scope))
            statements = [c for c in arm.named_children if c.type != "switch_label"]
            arm_body: list[ir.Stmt] = []
            if arm.type == "switch_rule":
                for statement in statements:
                    if result is not None and statement.type == "expression_statement":
                        value_pre: list[ir.Stmt] = []
                        value = self.expr(_first(statement), scope, value_pre)
                        arm_body.extend(value_pre)
                        arm_body.append(ir.Assign(ir.Name(result, None, statement), value, statement))
                    elif result is not None and statement.type == "block":
                        arm_body.extend(self._yielding_block(statement, scope, result))
                    else:
                        self.statement(statement, scope, arm_body)
            else:
                for statement in statements:
                    if result is not None and statement.type == "yield_statement":
                        arm_body.extend(self._yield(statement, scope, result))
                    elif result is not None and statement.type == "block":
                        arm_body.extend(self._yielding_block(statement, scope, result))
                    else:
                        self.statement(statement, scope, arm_body)
            cases.append(
                ir.Case(() if is_default else tuple(tests), tuple(arm_body), arm.type != "switch_rule")
            )
        out.extend(pre)
        out.append(ir.Switch(subject, tuple(cases), node))

    def _yield(self, node: Node, scope: _Scope, result: str) -> list[ir.Stmt]:
        pre: list[ir.Stmt] = []
        value = self.expr(_first(node), scope, pre)
        return [*pre, ir.Assign(ir.Name(result, None, node), value, node), ir.Break(node)]

    def _yielding_block(self, node: Node, scope: _Scope, result: str) -> list[ir.Stmt]:
        out: list[ir.Stmt] = []
        for child in node.named_children:
            if child.type == "yield_statement":
                out.extend(self._yield(child, scope, result))
            elif child.type == "if_statement":
                # yield inside nested statements: lowered as statements assigning the result.
                self.statement(child, scope, out)
            else:
                self.statement(child, scope, out)
        return out

    def case_value(self, node: Node, scope: _Scope) -> ir.Expr:
        pre: list[ir.Stmt] = []
        if node.type == "identifier":  # an enum constant: compared by name
            return ir.Lit(f"enum:{self.text(node)}", node)
        return self.expr(node, scope, pre)

    # ------------------------------------------------------------------ expressions

    def expr(self, node: Node | None, scope: _Scope, pre: list[ir.Stmt]) -> ir.Expr:  # noqa: C901 - one arm per node type
        if node is None:
            return ir.Opaque()
        kind = node.type
        literal = _literal(self.source, node)
        if literal is not _NOT_LITERAL:
            return literal
        if kind in ("parenthesized_expression", "cast_expression"):
            inner = node.child_by_field_name("value") if kind == "cast_expression" else _first(node)
            return self.expr(inner, scope, pre)
        if kind == "identifier":
            return self.name(node, scope)
        if kind == "this":
            return ir.Name("this", None, node)
        if kind == "field_access":
            return self.field_access(node, scope, pre)
        if kind == "array_access":
            return ir.Index(
                self.expr(node.child_by_field_name("array"), scope, pre),
                self.expr(node.child_by_field_name("index"), scope, pre),
                node,
            )
        if kind == "method_invocation":
            return self.call(node, scope, pre)
        if kind == "object_creation_expression":
            return self.new(node, scope, pre)
        if kind == "binary_expression":
            return self.binary(node, scope, pre)
        if kind == "unary_expression":
            operator = self.text(node.child_by_field_name("operator"))
            operand = self.expr(node.child_by_field_name("operand"), scope, pre)
            if operator == "!":
                return ir.Unary("not", operand, node)
            if operator == "-":
                return ir.Unary("-", operand, node)
            if operator == "+":
                return operand
            return ir.Opaque((operand,), node)
        if kind == "ternary_expression":
            return ir.Cond(
                self.expr(node.child_by_field_name("condition"), scope, pre),
                self.expr(node.child_by_field_name("consequence"), scope, pre),
                self.expr(node.child_by_field_name("alternative"), scope, pre),
                node,
            )
        if kind == "assignment_expression":
            return self.assignment(node, scope, pre)
        if kind == "update_expression":
            target = self.expr(_first(node), scope, pre)
            self.update(node, scope, pre)
            return target
        if kind == "array_creation_expression":
            initializer = node.child_by_field_name("value")
            if initializer is not None:
                return self.expr(initializer, scope, pre)
            return ir.Opaque((), node)
        if kind == "array_initializer":
            return ir.Seq(
                tuple(self.expr(c, scope, pre) for c in node.named_children if c.type not in _COMMENTS), node
            )
        if kind == "lambda_expression":
            return ir.FuncRef(self.lambda_function(node, scope), node)
        if kind == "switch_expression":
            self._temp += 1
            result = f"$switch{self._temp}"
            self.switch(node, scope, pre, result)
            return ir.Name(result, None, node)
        if kind == "instanceof_expression":
            left = self.expr(node.child_by_field_name("left"), scope, pre)
            name_node = node.child_by_field_name("name")
            if name_node is not None:  # o instanceof String s: s is o
                pre.append(ir.Assign(ir.Name(self.text(name_node), None, name_node), left, node))
            return ir.Opaque((), node)
        if kind in (
            "class_literal",
            "method_reference",
            "super",
            "type_identifier",
            "scoped_type_identifier",
        ):
            return ir.Opaque((), node)
        if kind == "string_literal":  # with interpolation-like children the grammar may add later
            return ir.Lit(_string_value(self.source, node), node)
        return ir.Opaque(
            tuple(self.expr(c, scope, pre) for c in node.named_children if c.type not in _COMMENTS), node
        )

    def name(self, node: Node, scope: _Scope) -> ir.Expr:
        name = self.text(node)
        if name in scope.types:
            return ir.Name(name, None, node)
        found, value = self.facts.constant(scope.class_name, name)
        if found:
            return ir.Lit(value, node)  # type: ignore[arg-type]
        if self._is_field(name, scope):
            return ir.Attr(ir.Name("this", None, node), name, None, node)
        if name in self.facts.static_imports:
            return ir.Name(name, self.facts.static_imports[name], node)
        if name[:1].isupper() and self.facts.is_class_name(name):
            return ir.Name(name, self.facts.qualify(name), node)
        return ir.Name(name, None, node)

    def _is_field(self, name: str, scope: _Scope) -> bool:
        return self.facts.field_type(scope.class_name, name) is not None

    def field_access(self, node: Node, scope: _Scope, pre: list[ir.Stmt]) -> ir.Expr:
        obj = _unwrap(node.child_by_field_name("object"))
        field_name = self.text(node.child_by_field_name("field"))
        if obj is not None and obj.type == "identifier":
            owner = self.text(obj)
            if owner not in scope.types and owner in self.facts.classes:
                found, value = self.facts.constant(owner, field_name)
                if found:
                    return ir.Lit(value, node)  # type: ignore[arg-type]
            if (
                owner not in scope.types
                and not self._is_field(owner, scope)
                and self.facts.is_class_name(owner)
            ):
                qualified = self.facts.qualify(owner)
                return ir.Attr(ir.Name(owner, qualified, obj), field_name, f"{qualified}.{field_name}", node)
        if obj is not None and obj.type == "this":
            found, value = self.facts.constant(scope.class_name, field_name)
            if found:
                return ir.Lit(value, node)  # type: ignore[arg-type]
        return ir.Attr(self.expr(obj, scope, pre), field_name, None, node)

    def binary(self, node: Node, scope: _Scope, pre: list[ir.Stmt]) -> ir.Expr:
        operator = self.text(node.child_by_field_name("operator"))
        if operator == "+":
            # A long "..." + "..." chain is walked without recursion.
            leaves = plus_operands(node, "binary_expression", self.text)
            acc_node = leaves[0]
            acc = self.expr(acc_node, scope, pre)
            stringy = self.is_stringy(acc_node, scope)
            parts: list[ir.Expr] = []
            for leaf in leaves[1:]:
                value = self.expr(leaf, scope, pre)
                if stringy or self.is_stringy(leaf, scope):
                    if not stringy:
                        stringy = True
                    if not parts:
                        parts.append(acc)
                    parts.append(value)
                else:
                    acc = ir.BinOp("+", acc, value, node)
            return ir.Concat(tuple(parts), node) if parts else acc
        left = self.expr(node.child_by_field_name("left"), scope, pre)
        right = self.expr(node.child_by_field_name("right"), scope, pre)
        if operator in _COMPARISONS or operator in ("-", "*", "/", "%"):
            return ir.BinOp(operator, left, right, node)
        if operator == "&&":
            return ir.BinOp("and", left, right, node)
        if operator == "||":
            return ir.BinOp("or", left, right, node)
        return ir.Opaque((left, right), node)

    def is_stringy(self, node: Node | None, scope: _Scope) -> bool:
        node = _unwrap(node)
        if node is None:
            return False
        if node.type == "string_literal":
            return True
        if node.type == "binary_expression" and self.text(node.child_by_field_name("operator")) == "+":
            return self.is_stringy(node.child_by_field_name("left"), scope) or self.is_stringy(
                node.child_by_field_name("right"), scope
            )
        if node.type == "identifier":
            name = self.text(node)
            if name not in scope.types:
                found, value = self.facts.constant(scope.class_name, name)
                if found:
                    return isinstance(value, str)
        return self.type_of(node, scope) == "java.lang.String"

    def type_of(self, node: Node | None, scope: _Scope) -> str | None:
        """The qualified type of an expression, when the declarations tell it."""
        node = _unwrap(node)
        if node is None:
            return None
        kind = node.type
        if kind == "string_literal":
            return "java.lang.String"
        if kind == "identifier":
            name = self.text(node)
            return scope.types.get(name) or self.facts.field_type(scope.class_name, name)
        if kind == "object_creation_expression":
            return self.facts.qualify(self.text(node.child_by_field_name("type")))
        if kind == "field_access":
            obj = _unwrap(node.child_by_field_name("object"))
            if obj is not None and obj.type == "this":
                return self.facts.field_type(scope.class_name, self.text(node.child_by_field_name("field")))
            return None
        if kind == "method_invocation":
            callee = self.callee(node, scope)
            method = self.text(node.child_by_field_name("name"))
            if callee is None:
                return "java.lang.String" if method in _STRING_METHODS else None
            if callee in RETURN_TYPES:
                return RETURN_TYPES[callee]
            owner, _, name = callee.rpartition(".")
            if owner in self.facts.classes:
                return self.facts.classes[owner].methods.get(name)
            if owner in ("java.lang.StringBuilder", "java.lang.StringBuffer") and name in (
                "append",
                "insert",
                "reverse",
            ):
                return owner
            if method in _STRING_METHODS:
                return "java.lang.String"
            return None
        if kind == "array_access":
            array = self.type_of(node.child_by_field_name("array"), scope)
            return array.removesuffix("[]") if array and array.endswith("[]") else None
        if kind == "ternary_expression":
            return self.type_of(node.child_by_field_name("consequence"), scope) or self.type_of(
                node.child_by_field_name("alternative"), scope
            )
        return None

    def callee(self, node: Node, scope: _Scope) -> str | None:
        """The qualified callee of a method invocation, or None when the receiver is unknown."""
        method = self.text(node.child_by_field_name("name"))
        obj = _unwrap(node.child_by_field_name("object"))
        facts = self.facts
        if obj is None:
            owner = facts.method_owner(scope.class_name, method)
            if owner is not None:
                return f"{owner}.{method}"
            if method in facts.static_imports:
                return facts.static_imports[method]
            return None
        if obj.type == "this":
            owner = facts.method_owner(scope.class_name, method)
            return f"{owner or scope.class_name}.{method}" if scope.class_name else None
        if obj.type == "super":
            info = facts.classes.get(scope.class_name or "")
            if info is not None and info.superclass:
                return facts.receiver_method(info.superclass, method)
            return None
        root = self._chain_roots.get(node.id)
        if root is not None:
            obj = root
        if obj.type == "identifier":
            name = self.text(obj)
            declared = scope.types.get(name) or facts.field_type(scope.class_name, name)
            if declared:
                return facts.receiver_method(declared, method)
            if facts.is_class_name(name):
                return facts.receiver_method(facts.qualify(name), method)
            return None
        qualified_class = self.class_reference(obj, scope)
        if qualified_class is not None:
            return facts.receiver_method(qualified_class, method)
        declared = self.type_of(obj, scope)
        if declared:
            return facts.receiver_method(declared, method)
        return None

    def class_reference(self, node: Node | None, scope: _Scope) -> str | None:
        """The qualified class a receiver names (``String``, ``java.util.Collections``), or None
        when it is a value."""
        node = _unwrap(node)
        if node is None:
            return None
        if node.type == "identifier":
            name = self.text(node)
            if name in scope.types or self._is_field(name, scope) or not self.facts.is_class_name(name):
                return None
            return self.facts.qualify(name)
        if node.type in ("field_access", "scoped_identifier"):
            root = node
            while root.type in ("field_access", "scoped_identifier"):
                root = (
                    _unwrap(root.child_by_field_name("object") or root.child_by_field_name("scope")) or root
                )
                if root is node:
                    break
            if root.type == "identifier" and self.text(root) in scope.types:
                return None
            dotted = self.text(node).replace(" ", "")
            if re.fullmatch(r"[a-z_]\w*(\.[a-z_]\w*)*\.[A-Z]\w*(\.[A-Z]\w*)*", dotted):
                return self.facts.qualify(dotted)  # java.util.Collections
        return None

    def call(self, node: Node, scope: _Scope, pre: list[ir.Stmt]) -> ir.Expr:
        method = self.text(node.child_by_field_name("name"))
        obj_node = node.child_by_field_name("object")
        args_nodes = list(_arguments(node.child_by_field_name("arguments")))
        callee = self.callee(node, scope)
        root = self._chain_roots.get(node.id)
        if obj_node is None or _unwrap(obj_node).type in ("this", "super"):
            receiver = ir.Name("this", None, obj_node) if obj_node is not None else None
        elif root is None and self.class_reference(obj_node, scope) is not None:
            receiver = None  # a static call: the class is no value
        else:
            receiver = self.expr(root if root is not None else obj_node, scope, pre)
        args = tuple(self.expr(a, scope, pre) for a in args_nodes)
        if (
            method == "concat"
            and receiver is not None
            and len(args) == 1
            and self.is_stringy(obj_node, scope)
        ):
            return ir.Concat((receiver, args[0]), node)
        if method == "equals" and receiver is not None and len(args) == 1:
            return ir.BinOp("==", receiver, args[0], node)  # value equality: folds, and guards like ==
        if callee in _LIST_FACTORIES:
            return ir.Seq(args, node)
        return ir.Call(callee, method, args, (), receiver, False, False, node)

    def new(self, node: Node, scope: _Scope, pre: list[ir.Stmt]) -> ir.Expr:
        type_node = node.child_by_field_name("type")
        qualified = self.facts.qualify(self.text(type_node))
        args = tuple(self.expr(a, scope, pre) for a in _arguments(node.child_by_field_name("arguments")))
        body = next((c for c in node.named_children if c.type == "class_body"), None)
        if body is not None:
            self.anonymous_class(node, body, qualified)
        simple = qualified.rsplit(".", 1)[-1]
        return ir.Call(qualified, simple, args, (), None, True, False, node)


def _as_primitive(value: ir.Expr, declared: str, node: Node) -> ir.Expr:
    """A value bound to a numeric/boolean/UUID variable: through the conversion sanitizer (literals
    stay literals, so conditions on them still fold)."""
    if declared not in NUMERIC_TYPES or isinstance(value, ir.Lit):
        return value
    if isinstance(value, ir.BinOp | ir.Unary) and not _has_call(value):
        return value  # arithmetic on numbers: keep it foldable
    return ir.Call(PRIMITIVE_CONVERSION, "<conversion>", (value,), node=node)


def _has_call(expr: ir.Expr) -> bool:
    if isinstance(expr, ir.Call):
        return True
    if isinstance(expr, ir.BinOp):
        return _has_call(expr.left) or _has_call(expr.right)
    if isinstance(expr, ir.Unary):
        return _has_call(expr.operand)
    return False


def _primitive_parameters(params: tuple[ir.Param, ...]) -> list[ir.Stmt]:
    """Numeric parameters carry no text: their values enter through the conversion sanitizer."""
    return [
        ir.Assign(
            ir.Name(param.name, None, param.node),
            ir.Call(
                PRIMITIVE_CONVERSION,
                "<conversion>",
                (ir.Name(param.name, None, param.node),),
                node=param.node,
            ),
            param.node,
        )
        for param in params
        if param.type in NUMERIC_TYPES
    ]


def _arguments(node: Node | None) -> Iterator[Node]:
    if node is None:
        return
    for child in node.named_children:
        if child.type not in _COMMENTS:
            yield child


# ----------------------------------------------------------------------------------- entry points


class _Memo:
    """Per-document memo of the current tree's facts and lowered units."""

    def __init__(self, tree, facts: JavaFile, version: int, source: bytes, edit: _TreeEdit | None) -> None:
        self.tree = tree
        self.facts = facts
        self.version = version  # ``Document.tree_generation`` of ``tree``
        self.source = source  # the text of ``tree``: the next tree's edited member as it was
        # The one edit from the last memo's tree to this one, and that memo (dropped once used).
        self.edit = edit
        self.units: dict[tuple[int, int], list[ir.Function]] = {}
        self.file_functions: list[ir.Function] | None = None
        self.context_key: tuple | None = None
        self.call_counts: dict[str, int] | None = None  # from the last memo's, spliced
        self.kept: KeptFacts | None = None  # ``kept_facts``
        # ``file_functions``' units, in order: start and end bytes, class and lowering (parallel lists).
        self.entries: list[_Lowered] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.classes: list[str | None] = []


@dataclass
class _TreeEdit:
    """The one edit from a memo's tree to the next (``Document.change_since``): the bytes it
    replaced and inserted, and ``low..high``, the new bytes it and its syntax changes span."""

    previous: _Memo
    start: int
    old_end: int
    new_end: int
    low: int
    high: int
    kept: KeptFacts | None = None  # set when the last tree's facts were kept

    @property
    def delta(self) -> int:
        return self.new_end - self.old_end


_MEMOS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# Per document, its last tree's lowered units by (unit text, file facts): an edit re-lowers only the
# units it changed. Kept per document and for the current units only, because a lowering's handles
# point into the tree it came from: a cache shared by every document kept old trees alive (one
# full tree each once a document was parsed afresh, see ``Document.idle_copy``).
_BY_TEXT: weakref.WeakKeyDictionary[Document, OrderedDict[tuple[bytes, str | None], _Lowered]] = (
    weakref.WeakKeyDictionary()
)


def _memo(document: Document) -> _Memo:
    tree = document.tree
    memo = _MEMOS.get(document)
    if memo is None or memo.tree is not tree:
        edit = _edit_since(document, memo)
        facts = _facts_after_edit(document.source, tree.root_node, edit) if edit is not None else None
        if facts is None:
            facts = (
                _scan_file(document.source, tree.root_node)
                if tree is not None
                else JavaFile("", {}, (), {}, {}, {})
            )
        if edit is not None:
            edit.previous.edit = None  # one memo back at most: not a chain of old trees
        memo = _Memo(tree, facts, document.tree_generation, document.source, edit)
        memo.kept = edit.kept if edit is not None else None
        _MEMOS[document] = memo
    return memo


def _edit_since(document: Document, memo: _Memo | None) -> _TreeEdit | None:
    """The one edit that made the document's tree from ``memo``'s, when known."""
    if memo is None or memo.tree is None or document.tree is None:
        return None
    change = document.change_since(memo.version)
    if change is None:
        return None
    start, old_end, new_end = change.source_edit
    syntax_changes = change.syntax_changes
    low = min((start, *(a for a, _ in syntax_changes)))
    high = max((new_end, *(b for _, b in syntax_changes)))
    return _TreeEdit(memo, start, old_end, new_end, low, high)


def _member_holding(source: bytes, root: Node, low: int, high: int) -> _Holding | None:
    """Where bytes ``low..high`` lie strictly inside one class member, as ``_scan_file`` lists
    them, or in a class body between members (touching none); None when they reach a top-level
    statement, a class header or more than one member."""
    holder, owner, top, top_class = root, None, None, None
    while True:
        member = None
        cursor = holder.walk()
        if cursor.goto_first_child_for_byte(max(low - 1, 0)) is not None:
            while True:
                node = cursor.node
                if node.start_byte > high:
                    break
                if node.is_named and node.end_byte >= low:
                    if member is not None or not (node.start_byte < low and high < node.end_byte):
                        return None  # it touches a child's edge, or two children
                    member = node
                if not cursor.goto_next_sibling():
                    break
        if holder is root:
            if member is None or member.type not in _CLASS_DECLARATIONS:
                return None
            top_class = member
        elif member is None or member.type in _COMMENTS:
            return _Holding(None, owner, top, top_class)  # type: ignore[arg-type]
        elif member.type == "enum_body_declarations":
            holder = member  # the members after an enum's constants
            continue
        elif top is None:
            top = member
        body = member.child_by_field_name("body") if member.type in _CLASS_DECLARATIONS else None
        if holder is not root and (body is None or not (body.start_byte < low and high < body.end_byte)):
            return _Holding(member, owner, top, top_class)  # type: ignore[arg-type]
        if body is None or not (body.start_byte < low and high < body.end_byte):
            return None  # a top-level class's header
        holder, owner = body, text_of(source, member.child_by_field_name("name"))


@dataclass
class _Holding:
    """Where an edit lies (``_member_holding``): the deepest member holding it (None: between
    members), the class it is a member of, the member of a top-level class holding it (None:
    between that class's members) and that top-level class."""

    member: Node | None
    owner: str
    top: Node | None
    top_class: Node


@dataclass(frozen=True)
class KeptFacts:
    """How the current tree's file facts were kept from the last one's (``kept_facts``): the last
    tree's ``Document.tree_generation``, whether the edit left every top-level class's fields as they
    were (it lies in a member that is no field, or between members), and the first line of the
    top-level class it lies in."""

    version: int
    fields_kept: bool
    class_line: int


def _facts_after_edit(source: bytes, root: Node, edit: _TreeEdit) -> JavaFile | None:
    """The last tree's file facts when the edit cannot have changed them: it and its syntax
    changes lie inside one class member whose ops (``_member_ops``, by its text) are what they
    were, or between members. None: scan the file."""
    found = _member_holding(source, root, edit.low, edit.high)
    if found is None:
        return None
    member, owner = found.member, found.owner
    previous = edit.previous.facts
    # What the edit replaced is known by the last tree's units (tree-sitter reports no syntax
    # change where a deleted member was): it must lie in the same member, or touch no unit.
    starts, ends = edit.previous.starts, edit.previous.ends
    if not starts:
        return None  # that tree's units were not listed
    index = bisect_left(ends, edit.start)  # the first unit ending at the edit or after it
    if member is None:
        touches = index < len(starts) and starts[index] <= edit.old_end
        if touches:
            return None
        edit.kept = KeptFacts(edit.previous.version, True, found.top_class.start_point[0])
        return previous
    if member.type in _CLASS_DECLARATIONS:
        return None  # its header (and the file's class names) may have changed
    if not (
        index < len(starts)
        and starts[index] == member.start_byte
        and ends[index] == member.end_byte - edit.delta
        and starts[index] < edit.start
        and edit.old_end < ends[index]
    ):
        return None
    context = previous.member_context
    old_text = edit.previous.source[member.start_byte : member.end_byte - edit.delta]
    old_ops = _MEMBER_OPS.get((text_digest(old_text), context, owner))
    if old_ops is None:
        return None  # its ops read other members' (or were dropped from the cache)
    key = (text_digest(source[member.start_byte : member.end_byte]), context, owner)
    ops = _MEMBER_OPS.get(key)
    if ops is None:
        ops, cacheable = _member_ops(source, _without_members(previous), member, owner, context)
        if not cacheable:
            return None
        _MEMBER_OPS.put(key, ops)
    if ops != old_ops:
        return None
    fields_kept = found.top is None or found.top.type not in _FIELD_DECLARATIONS
    edit.kept = KeptFacts(edit.previous.version, fields_kept, found.top_class.start_point[0])
    return previous


_FIELD_DECLARATIONS = frozenset({"field_declaration", "constant_declaration"})


def kept_facts(document: Document) -> KeptFacts | None:
    """How the current tree's file facts were kept from the last tree's, by one edit inside a class
    member (``_facts_after_edit``); None: the file was scanned. A per-tree fact of the class
    headers (or, with ``fields_kept``, of the top-level classes' fields) is then what it was."""
    return _memo(document).kept


def _without_members(facts: JavaFile) -> JavaFile:
    """``facts``' package, imports and classes (headers only), for ``_member_ops`` to apply a
    member's ops to without touching ``facts``: a member whose ops are cached reads no more."""
    classes = {
        name: ClassInfo(name, info.outer, info.is_interface, info.interfaces, info.superclass)
        for name, info in facts.classes.items()
    }
    return JavaFile(
        facts.package, facts.imports, facts.wildcards, facts.static_imports, classes, facts.implementors
    )


def enclosing_class(source: bytes, node: Node) -> str | None:
    current = node.parent
    while current is not None:
        if current.type in _CLASS_DECLARATIONS:
            return text_of(source, current.child_by_field_name("name"))
        current = current.parent
    return None


def lower_unit(unit: Node, document: Document) -> list[ir.Function]:
    """The functions of one analysis unit (methods, constructors, lambdas, anonymous and inner class
    methods inside it), lowered from the current tree: their ``node`` handles give spans."""
    memo = _memo(document)
    key = (unit.start_byte, unit.end_byte)
    functions = memo.units.get(key)
    if functions is None:
        lowerer = _Lowerer(document.source, memo.facts)
        try:
            lowerer.unit(unit, enclosing_class(document.source, unit))
        except RecursionError:
            lowerer.functions = []  # pathologically deep code: no facts rather than a crash
        functions = memo.units[key] = lowerer.functions
    return functions


def units(root: Node) -> Iterator[Node]:
    """Class members (of every top-level class) and other top-level declarations."""
    for unit, _class_name in _units_with_class(root, b""):
        yield unit


def _units_with_class(root: Node, source: bytes) -> Iterator[tuple[Node, str | None]]:
    """The engine's analysis units inside classes (members of classes, nested classes split into
    their members as the engine splits them), each with the name of the class it is a member of.

    The same units as the engine's, so an edit inside a nested class re-lowers the one member it
    touched rather than the whole nested class (``Character.UnicodeBlock``: 3,000 lines)."""
    from landguard.engine.analyze import units_with_owners

    names: dict[int, str | None] = {}  # class -> its name: many units share one
    for unit, _place, owner in units_with_owners(root):
        if owner is None and unit.type not in _CLASS_DECLARATIONS:
            continue  # package and import declarations, top-level statements of a broken file
        if unit.type in _COMMENTS:
            continue
        if not source:
            yield unit, None
            continue
        if owner is None:
            yield unit, enclosing_class(source, unit)
            continue
        name = names.get(owner.id, _UNSET)
        if name is _UNSET:
            name = names[owner.id] = text_of(source, owner.child_by_field_name("name"))
        yield unit, name  # type: ignore[misc]


_UNSET = object()


# The lookbehind starts a match at the beginning of a name only: linear on a long run of name characters.
_CALLED = re.compile(rb"(?<![\w$])([A-Za-z_$][\w$]*)\s*\(")


def called_names(text: bytes) -> frozenset[str]:
    """Names written before ``(`` in a unit's text: the methods it may call."""
    return frozenset(m.decode("utf-8", "replace") for m in _CALLED.findall(text))


def context_key(document: Document) -> tuple:
    """What the lowering of any unit of the document depends on outside the unit: the file facts but
    the methods, and the same-file methods of the names its calls use (a method nobody calls, like
    one just pasted, changes nothing else)."""
    memo = _memo(document)
    if memo.context_key is None:
        file_functions(document)
    if memo.context_key is None:
        if memo.call_counts is None:
            memo.call_counts = _called_counts(document, memo.entries)
        counts = memo.call_counts
        table = memo.facts.method_table
        methods = tuple((name, table[name]) for name in sorted(table) if counts.get(name))
        memo.context_key = (memo.facts.base_key, methods)
    return memo.context_key


# Per document: the lowered units of its last run (by identity) and how many call each method name,
# updated by the units that changed rather than recounted.
_CALL_COUNTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _called_counts(document: Document, entries: list[_Lowered]) -> dict[str, int]:
    current = {id(entry): entry for entry in entries}
    previous = _CALL_COUNTS.get(document)
    if previous is None:
        counts: dict[str, int] = {}
        for entry in entries:
            for name in entry.calls:
                counts[name] = counts.get(name, 0) + 1
    else:
        old, counts = previous[0], dict(previous[1])
        for key, entry in old.items():
            if current.get(key) is not entry:
                for name in entry.calls:
                    counts[name] -= 1
        for key, entry in current.items():
            if old.get(key) is not entry:
                for name in entry.calls:
                    counts[name] = counts.get(name, 0) + 1
    _CALL_COUNTS[document] = (current, counts)
    return counts


# Every name a unit's text writes (a superset of the methods it calls or refers to: ``this::m``).
_NAME = re.compile(rb"[A-Za-z_$][\w$]*")
# Per document: the names of each unit text of its last keyed run, and of the run before it.
_UNIT_NAMES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def unit_names(document: Document, text: bytes) -> frozenset[bytes]:
    """The names written in ``text`` (a unit's), kept for the unit texts of the document's last
    tree that asked and of the tree before it: a paste re-tokenizes the units it changed."""
    memo = _memo(document)
    current, previous, tree = _UNIT_NAMES.get(document) or ({}, {}, None)
    if tree is not memo.tree:
        current, previous = {}, current
        _UNIT_NAMES[document] = (current, previous, memo.tree)
    names = current.get(text)
    if names is None:
        names = previous.get(text)
        if names is None:
            names = frozenset(_NAME.findall(text))
        current[text] = names
    return names


def is_comment(unit: Node) -> bool:
    """Whether an analysis unit is a comment between members: nothing in it is lowered, so what it
    writes reaches no class, method or field (a Javadoc names many)."""
    return unit.type in _COMMENTS


def unit_class(document: Document, start: int, end: int, missing: object) -> object:
    """The class the unit of the current tree at bytes ``start..end`` is a member of, as
    ``file_functions`` lowered it; ``missing`` for a unit it did not list (no member:
    ``enclosing_class``)."""
    file_functions(document)
    memo = _memo(document)
    index = bisect_left(memo.starts, start)
    if index < len(memo.starts) and memo.starts[index] == start and memo.ends[index] == end:
        return memo.classes[index]
    return missing


def lowering_context(document: Document, names: frozenset[bytes], class_name: str | None) -> tuple:
    """What the lowering of a unit of ``class_name`` writing ``names`` reads of the file facts but
    the methods: the package and imports, and the classes it can reach (those it names, its own, and
    those declaring the methods it names or named by their return types, then their outer classes,
    superclasses, interfaces, implementors and field types, transitively), each as
    ``JavaFile.base_key`` holds it. A class that error recovery changed and that the unit cannot
    reach leaves it as it was."""
    return _memo(document).facts.lowering_context(names, class_name)


_TYPE_WORD = re.compile(r"[A-Za-z_$][\w$]*")


def method_table(document: Document) -> dict[str, tuple[tuple[str, str], ...]]:
    """Method name -> (class, return type) of every same-file method of that name."""
    return _memo(document).facts.method_table


def table_digest(document: Document) -> int:
    """A digest of every class's methods: changes when a method moves to another class."""
    return _memo(document).facts.table_digest


def call_methods(function: ir.Function) -> frozenset[str]:
    """The method names of a function's calls (memoised on the function)."""
    names = function.extra.get("call_methods")
    if names is None:
        names = function.extra["call_methods"] = frozenset(
            expr.method for expr in walk_expressions(function.body) if isinstance(expr, ir.Call)
        )
    return names


@dataclass
class _Lowered:
    """A unit's lowering, reusable while its text and class, the file facts it can read (``facts``'
    ``lowering_context``, compared when the file facts changed) and the same-file methods it names
    (``methods``, checked when any method changed) stay the same."""

    functions: list[ir.Function]
    table: int  # digest of the file's method table it was checked against
    methods: tuple  # the methods of the names in its text, as ``JavaFile.methods_key`` gives them
    names: frozenset[str]  # the names before ``(`` in its text
    facts: JavaFile  # the file facts it was checked against
    key: tuple[bytes, str | None]  # its unit's text and class (``_BY_TEXT``)
    from_error: bool  # lowered from a subtree with syntax errors: not reused by its text (``_entry``)
    # The method names its functions call, when first asked (``context_key``'s counts): a one-shot
    # run never asks, and walking every function's IR for them cost it more than the summaries.
    _calls: frozenset[str] | None = None

    @property
    def calls(self) -> frozenset[str]:
        if self._calls is None:
            calls: set[str] = set()
            for function in self.functions:
                calls |= call_methods(function)
            self._calls = frozenset(calls)
        return self._calls


def _carry_lowering_contexts(previous: JavaFile, facts: JavaFile) -> None:
    """Give a new tree's facts the last tree's ``lowering_context`` memo when what those are made of
    is the same (the facts but the methods, and every class's methods): a keystroke in a method
    body then finds its unit's context made instead of walking the classes again."""
    memo = previous.__dict__.get("_lowering_contexts")
    if (
        memo is not None
        and previous is not facts
        and previous.base_key == facts.base_key
        and previous.table_digest == facts.table_digest
    ):
        facts.__dict__.setdefault("_lowering_contexts", memo)


def file_functions(document: Document) -> list[ir.Function]:
    """Every function of the file (for same-file summaries). Units whose text and file facts are
    unchanged reuse their lowering from an earlier tree: their handles then point into that tree,
    which is fine for summaries (findings take spans from ``lower_unit``)."""
    memo = _memo(document)
    if memo.file_functions is not None:
        return memo.file_functions
    tree = document.tree
    if tree is None:
        return []
    edit, memo.edit = memo.edit, None
    if edit is None or edit.previous.facts is not memo.facts or not _splice_units(document, memo, edit):
        _list_units(document, memo)
    memo.file_functions = [function for entry in memo.entries for function in entry.functions]
    return memo.file_functions


def _list_units(document: Document, memo: _Memo) -> None:
    """``file_functions``' units from a walk of the whole tree."""
    source = document.source
    facts = memo.facts
    previous = _BY_TEXT.get(document, {})
    if previous:
        _carry_lowering_contexts(next(iter(previous.values())).facts, facts)
    current: OrderedDict[tuple[bytes, str | None], _Lowered] = OrderedDict()  # in unit order
    for unit, class_name in _units_with_class(memo.tree.root_node, source):
        memo.starts.append(unit.start_byte)
        memo.ends.append(unit.end_byte)
        memo.classes.append(class_name)
        key = (source[unit.start_byte : unit.end_byte], class_name)
        entry = _entry(document, memo, unit, key, current.get(key) or previous.get(key))
        current[key] = entry
        memo.entries.append(entry)
    try:
        _BY_TEXT[document] = current
    except TypeError:  # not weak-referenceable: no reuse across trees, still correct
        pass


def _splice_units(document: Document, memo: _Memo, edit: _TreeEdit) -> bool:
    """``file_functions``' units after one edit that left the file facts as they were: the last
    tree's units before and after the edit and its syntax changes are kept (those after moved by
    the bytes it added), the ones between are found and lowered. False when that does not fit
    (``units_with_owners_between``)."""
    from landguard.engine.analyze import units_with_owners_between

    previous = edit.previous
    starts, ends, delta = previous.starts, previous.ends, edit.delta
    before = bisect_left(ends, edit.low)  # the units ending before the edit and its changes
    after = bisect_right(starts, edit.high - delta)  # the first unit starting after them
    low = ends[before - 1] if before else 0
    high = starts[after] + delta if after < len(starts) else len(document.source)
    between = units_with_owners_between(memo.tree.root_node, low, high, (edit.low, edit.high))
    if between is None:
        return False
    source = document.source
    by_text = _BY_TEXT.get(document)
    if by_text is None:
        by_text = _BY_TEXT[document] = OrderedDict()
    for entry in previous.entries[before:after]:
        by_text.pop(entry.key, None)
    new_starts, new_ends, new_classes, new_entries = [], [], [], []
    names: dict[int, str | None] = {}
    for unit, owner in between:
        if owner is None and unit.type not in _CLASS_DECLARATIONS or unit.type in _COMMENTS:
            continue  # as ``_units_with_class``
        if owner is None:
            class_name = enclosing_class(source, unit)
        else:
            class_name = names.get(owner.id, _UNSET)
            if class_name is _UNSET:
                class_name = names[owner.id] = text_of(source, owner.child_by_field_name("name"))
        key = (source[unit.start_byte : unit.end_byte], class_name)
        entry = _entry(document, memo, unit, key, by_text.get(key))
        by_text[key] = entry
        new_starts.append(unit.start_byte)
        new_ends.append(unit.end_byte)
        new_classes.append(class_name)  # type: ignore[arg-type]
        new_entries.append(entry)
    memo.starts = starts[:before] + new_starts + [start + delta for start in starts[after:]]
    memo.ends = ends[:before] + new_ends + [end + delta for end in ends[after:]]
    memo.classes = previous.classes[:before] + new_classes + previous.classes[after:]
    memo.entries = previous.entries[:before] + new_entries + previous.entries[after:]
    if previous.call_counts is not None or previous.context_key is not None:
        counts = dict(previous.call_counts) if previous.call_counts is not None else None
        if counts is not None:
            for entry in previous.entries[before:after]:
                for name in entry.calls:
                    counts[name] -= 1
            for entry in new_entries:
                for name in entry.calls:
                    counts[name] = counts.get(name, 0) + 1
            memo.call_counts = counts
            table = memo.facts.method_table
            touched = {
                name for entry in (*previous.entries[before:after], *new_entries) for name in entry.calls
            }
            if previous.context_key is not None and all(
                (counts.get(name, 0) > 0) == (previous.call_counts.get(name, 0) > 0)  # type: ignore[union-attr]
                for name in touched
                if name in table
            ):
                memo.context_key = previous.context_key
    _CALL_COUNTS.pop(document, None)  # its entries are an older tree's: counted afresh when needed
    return True


def _entry(
    document: Document, memo: _Memo, unit: Node, key: tuple[bytes, str | None], entry: _Lowered | None
) -> _Lowered:
    """The lowering of ``unit`` (text and class ``key``): ``entry`` (an earlier tree's) while it
    holds for the current file facts and methods, else made."""
    facts = memo.facts
    table = facts.table_digest
    text, class_name = key
    if entry is not None and (entry.from_error or unit.has_error):
        # Error recovery depends on the parse's history: the same text can parse into another
        # subtree than it did (a method whose body lost a call to a MISSING node), so a lowering
        # of a subtree with errors, or for one, is never reused.
        entry = None
    if entry is not None and entry.facts is not facts:
        if entry.facts.base_key != facts.base_key:
            # Error recovery changed some class: the lowering holds while the ones it can read are the same.
            written = unit_names(document, text)
            if entry.facts.lowering_context(written, class_name) != facts.lowering_context(
                written, class_name
            ):
                entry = None
        if entry is not None:
            entry.facts = facts
    if entry is not None and entry.table != table:
        methods = facts.methods_key(entry.names)
        if methods == entry.methods:
            entry.table = table
        else:
            entry = None
    if entry is None:
        functions = memo.units.get((unit.start_byte, unit.end_byte))
        if functions is None:
            functions = lower_unit(unit, document)
        names = called_names(text)
        entry = _Lowered(functions, table, facts.methods_key(names), names, facts, key, unit.has_error)
    return entry


def expr_type(function: ir.Function, expr: ir.Expr) -> str | None:
    """The qualified type of an IR expression of ``function``, when its lowering knew it: a typed
    local or parameter, an object creation, a call of a known API."""
    if isinstance(expr, ir.Name):
        return function.extra.get("types", {}).get(expr.name)
    if isinstance(expr, ir.Call):
        if expr.is_new:
            return expr.callee
        return RETURN_TYPES.get(expr.callee or "")
    return None


def walk_expressions(statements: Iterable[ir.Stmt]) -> Iterator[ir.Expr]:
    """Every expression in a statement list (for tests and rules that look at shapes)."""
    stack: list[object] = list(reversed(list(statements)))
    while stack:
        item = stack.pop()
        if isinstance(item, ir.Expr):
            yield item
        if isinstance(item, (ir.Assign,)):
            stack.extend((item.value, item.target))
        elif isinstance(item, ir.Eval):
            stack.append(item.expr)
        elif isinstance(item, (ir.Return, ir.Raise)):
            if item.value is not None:
                stack.append(item.value)
        elif isinstance(item, ir.If):
            stack.extend((*item.orelse, *item.body, item.test))
        elif isinstance(item, ir.Switch):
            for case in item.cases:
                stack.extend((*case.body, *case.tests))
            stack.append(item.subject)
        elif isinstance(item, ir.Loop):
            stack.extend((*item.orelse, *item.body))
            if item.test is not None:
                stack.append(item.test)
        elif isinstance(item, ir.Try):
            stack.extend((*item.final, *item.orelse, *(s for h in item.handlers for s in h), *item.body))
        elif isinstance(item, ir.Attr):
            stack.append(item.obj)
        elif isinstance(item, ir.Index):
            stack.extend((item.key, item.obj))
        elif isinstance(item, ir.Call):
            stack.extend(reversed(item.args))
            stack.extend(v for _k, v in item.keywords)
            if item.receiver is not None:
                stack.append(item.receiver)
        elif isinstance(item, (ir.Concat,)):
            stack.extend(reversed(item.parts))
        elif isinstance(item, ir.BinOp):
            stack.extend((item.right, item.left))
        elif isinstance(item, ir.Unary):
            stack.append(item.operand)
        elif isinstance(item, ir.Cond):
            stack.extend((item.orelse, item.then, item.test))
        elif isinstance(item, ir.Seq):
            stack.extend(reversed(item.items))
        elif isinstance(item, ir.MapLit):
            for key, value in item.entries:
                stack.append(value)
                if key is not None:
                    stack.append(key)
        elif isinstance(item, ir.Opaque):
            stack.extend(reversed(item.parts))
