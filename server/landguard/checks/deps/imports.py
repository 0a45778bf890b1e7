"""Imports in code buffers: which packages a Python or JavaScript/TypeScript unit pulls in, and where.

Python: ``import a.b`` / ``from a.b import c`` at module level (also inside top-level
``if``/``try`` blocks; imports inside functions run only when called and are left alone).
JavaScript/TypeScript: ``import … from "pkg"``, ``export … from "pkg"``, ``require("pkg")``,
``import("pkg")`` and TypeScript's ``import x = require("pkg")``. Relative paths, URLs,
``node:`` and Node.js built-ins, and path aliases (``@/x``, ``~/x``, ``#x``) are not packages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import tree_sitter

from landguard.engine.findings import Span
from landguard.engine.registry import CheckContext, RunKey
from landguard.languages import javascript_syntax, python_syntax
from landguard.languages.questions import Questions

NODE_BUILTINS = frozenset(
    "assert async_hooks buffer child_process cluster console constants crypto dgram diagnostics_channel dns "
    "domain events fs http http2 https inspector module net os path perf_hooks process punycode querystring "
    "readline repl stream string_decoder sys timers tls trace_events tty url util v8 vm wasi worker_threads "
    "zlib test sqlite sea".split()
)
_NPM_NAME = re.compile(r"^(?:@[a-z0-9][\w.-]*/)?[a-z0-9][\w.-]*$", re.I)

_JS_IMPORTS = Questions(specifier=javascript_syntax.imported_specifiers())


@dataclass(frozen=True, slots=True)
class ImportedName:
    package: str  # npm package name, or the top-level Python module
    dotted: str  # the whole module path as written (Python) or the specifier (JS)
    span: Span  # the package part only: what a fix replaces
    # Python: under `if TYPE_CHECKING:` (never imported at run time) or inside a `try` whose
    # handler catches ImportError (an optional dependency with a fallback). JS: `import type`.
    optional: bool = False


def _has_import_text(node: tree_sitter.Node, source: bytes) -> bool:
    text = source[node.start_byte : node.end_byte]
    return b"import" in text or b"require" in text or b" from " in text


_TYPE_CHECKING = re.compile(r"^(?:typing\.)?TYPE_CHECKING$")
_IMPORT_ERRORS = re.compile(r"\b(?:ImportError|ModuleNotFoundError|Exception|BaseException)\b")


def _guards_imports(statement: tree_sitter.Node, document) -> bool:
    """A `try` with a handler for ImportError (or a bare `except:`)."""
    return any(
        caught is None or _IMPORT_ERRORS.search(document.node_text(caught))
        for caught in python_syntax.handler_heads(statement)
    )


def python_imports(node: tree_sitter.Node, document) -> Iterator[ImportedName]:
    if b"import" not in document.source[node.start_byte : node.end_byte]:
        return
    stack = [(node, False)]
    while stack:
        current, optional = stack.pop()
        if python_syntax.is_import(current):
            yield from _python_statement(current, document, optional)
        elif python_syntax.is_inline_block(current):
            children = current.named_children
            if python_syntax.is_if(current):
                condition, consequence = python_syntax.if_parts(current)
                if condition is not None and _TYPE_CHECKING.match(document.node_text(condition)):
                    children = [c for c in children if c != condition]
                    stack.extend(reversed([(c, optional or c == consequence) for c in children]))
                    continue
            elif python_syntax.is_try(current) and _guards_imports(current, document):
                optional = True
            stack.extend(reversed([(c, optional) for c in children]))


def _python_statement(
    statement: tree_sitter.Node, document, optional: bool = False
) -> Iterator[ImportedName]:
    # Relative imports name no module: they are first-party.
    for target in python_syntax.imported_modules(statement):
        dotted = document.node_text(target)
        first = target.named_children[0] if target.named_child_count else target
        yield ImportedName(dotted.split(".", 1)[0], dotted, document.node_span(first), optional)


def unit_imports(node: tree_sitter.Node, document, context: CheckContext) -> tuple[ImportedName, ...]:
    """``python_imports`` or ``js_imports`` of the unit ``node``, found once per run: LG502 and
    LG504 both read every unit's imports (one query per unit, not one per check)."""
    finder = python_imports if document.language == "python" else js_imports
    return context.cache.get(
        _UNIT_IMPORTS, (node.id, node.start_byte, node.end_byte), lambda: tuple(finder(node, document))
    )


_UNIT_IMPORTS: RunKey[tuple[ImportedName, ...]] = RunKey("deps.unit_imports")


def npm_package_of(specifier: str) -> str | None:
    """The npm package a module specifier names, or None for paths, URLs, built-ins and aliases."""
    if not specifier or specifier.startswith((".", "/", "~", "#", "node:", "data:", "http:", "https:", "@/")):
        return None
    parts = specifier.split("/")
    package = "/".join(parts[:2]) if specifier.startswith("@") else parts[0]
    if len(parts) < 2 and specifier.startswith("@"):
        return None
    if package in NODE_BUILTINS or not _NPM_NAME.match(package):
        return None
    return package


def js_imports(node: tree_sitter.Node, document) -> Iterator[ImportedName]:
    if not _has_import_text(node, document.source):
        return
    # The unit's own code: parts of a large unit that are units of their own are checked as such.
    for _specifier, spec, _name in _JS_IMPORTS.ask(node, document):
        specifier = document.node_text(spec)
        package = npm_package_of(specifier)
        if package is None:
            continue
        span = document.node_span(spec)
        yield ImportedName(
            package,
            specifier,
            Span.on_line(span.start_line, span.start_col, span.start_col + len(package)),
            _type_only(spec, document),
        )


def _type_only(spec: tree_sitter.Node, document) -> bool:
    """`import type … from "pkg"` / `export type … from "pkg"`: erased at compile time."""
    statement = spec.parent.parent if spec.parent is not None else None
    if statement is None or not javascript_syntax.is_import_or_export(statement):
        return False
    return re.match(r"^(?:import|export)\s+type\b", document.node_text(statement)) is not None
