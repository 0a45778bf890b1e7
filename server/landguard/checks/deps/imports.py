"""Imports in code buffers: which packages a Python or JavaScript/TypeScript unit pulls in, and where.

Python: ``import a.b`` / ``from a.b import c`` at module level (also inside top-level
``if``/``try`` blocks; imports inside functions run only when called and are left alone).
JavaScript/TypeScript: ``import … from "pkg"``, ``export … from "pkg"``, ``require("pkg")``,
``import("pkg")`` and TypeScript's ``import x = require("pkg")``. Relative paths, URLs,
``node:`` and Node.js built-ins, and path aliases (``@/x``, ``~/x``, ``#x``) are not packages.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass

import tree_sitter

from landguard.engine.findings import Span
from landguard.engine.registry import CheckContext, RunKey
from landguard.languages import javascript_syntax
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
    # Searched in place, not in a slice: every unit asks, and units nest (a copy of each would cost
    # the module's size times its depth).
    start, end = node.start_byte, node.end_byte
    return (
        source.find(b"import", start, end) >= 0
        or source.find(b"require", start, end) >= 0
        or source.find(b" from ", start, end) >= 0
    )


# ``_has_import_text``'s words, for a whole program's lines (no word holds a line end; the root
# leaves out only whitespace around the program).
_IMPORT_WORDS = ("import", "require", " from ")


_TYPE_CHECKING = re.compile(r"^(?:typing\.)?TYPE_CHECKING$")
_IMPORT_ERRORS = re.compile(r"\b(?:ImportError|ModuleNotFoundError|Exception|BaseException)\b")


def _guards_imports(statement: tree_sitter.Node, document) -> bool:
    """A `try` with a handler for ImportError (or a bare `except:`)."""
    from landguard.languages import python_syntax

    return any(
        caught is None or _IMPORT_ERRORS.search(document.node_text(caught))
        for caught in python_syntax.handler_heads(statement)
    )


def python_imports(node: tree_sitter.Node, document) -> Iterator[ImportedName]:
    # Python's syntax module (and its language module) imported here: loading the checks for a
    # JavaScript or Java file needs neither.
    from landguard.languages import python_syntax

    if document.source.find(b"import", node.start_byte, node.end_byte) < 0:
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
    from landguard.languages import python_syntax

    # Relative imports name no module: they are first-party.
    for target in python_syntax.imported_modules(statement):
        dotted = document.node_text(target)
        first = target.named_children[0] if target.named_child_count else target
        yield ImportedName(dotted.split(".", 1)[0], dotted, document.node_span(first), optional)


def unit_imports(node: tree_sitter.Node, document, context: CheckContext) -> tuple[ImportedName, ...]:
    """``python_imports`` or ``js_imports`` of the unit ``node``, found once per run: LG502 and
    LG504 both read every unit's imports (one query per unit, not one per check)."""
    if document.language == "python":
        if document.source.find(b"import", node.start_byte, node.end_byte) < 0:
            return ()  # ``python_imports``' own first test, before the run's cache is asked
        finder = python_imports
    else:
        finder = js_imports
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
        imported = _imported(spec, document)
        if imported is not None:
            yield imported


def program_imports(document) -> tuple[ImportedName, ...]:
    """``js_imports`` of the whole program (``tuple(js_imports(root, document))``), kept across
    edits: after one edit only the imports whose node (``javascript_syntax.import_site``) the
    edited lines or the syntax changes reach are read again, the others kept (moved by the lines
    the edit added), so LG504's first-import map costs what the edit changed, not a query over a
    6,000-line bundle on every keystroke."""
    tree = document.tree
    if tree is None:
        return ()
    root = tree.root_node
    last = _PROGRAM_IMPORTS.get(document)
    if last is None or last.generation != document.tree_generation:
        change = document.change_since(last.generation) if last is not None else None
        sites = (
            _spliced(document, root, last, change) if change is not None else _read(document, root, 0, None)
        )
        last = _PROGRAM_IMPORTS[document] = _ProgramImports(document.tree_generation, sites)
    # The text prefilter of ``js_imports`` (a program without the words has no imports for it),
    # from the per-line flags the document keeps across edits, not a search of the whole source
    # (which costs a millisecond in a bundle without `import`); a component's script is masked.
    if document.layout is not None:
        has_words = _has_import_text(root, document.source)
    else:
        has_words = document.has_lines_with(_IMPORT_WORDS, exact=True)
    if not has_words:
        return ()
    return tuple(imported for _site, imported in last.sites)


@dataclass(frozen=True, slots=True)
class _ProgramImports:
    """A program's imports as of one of its document's trees (``Document.tree_generation``), each
    with the byte range of its site, in the order of the source."""

    generation: int
    sites: tuple[tuple[tuple[int, int], ImportedName], ...]


_PROGRAM_IMPORTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _read(document, root: tree_sitter.Node, start: int, end: int | None):
    """(site range, import) for the imports whose site overlaps bytes ``start .. end`` (None: all)."""
    answers = (
        _JS_IMPORTS.ask(root, document)
        if end is None
        else _JS_IMPORTS.ask_overlapping(root, document, start, end)
    )
    found = []
    for _specifier, spec, _name in answers:
        imported = _imported(spec, document)
        if imported is not None:
            site = javascript_syntax.import_site(spec)
            found.append(((site.start_byte, site.end_byte), imported))
    return tuple(found)


def _spliced(document, root: tree_sitter.Node, last: _ProgramImports, change):
    """``last``'s sites for the tree after ``change``: a site neither the edited lines nor a
    syntax change reach is the node it was (tree-sitter's changed ranges hold every node whose
    structure changed), and on lines the edit did not touch its span only moves by whole lines;
    the sites reaching them are read again, by a query over those bytes only."""
    start, old_end, new_end = change.source_edit
    delta = new_end - old_end
    source = document.source
    line_start = source.rfind(b"\n", 0, start) + 1
    line_end = source.find(b"\n", new_end)
    reread = [(line_start, line_end if line_end >= 0 else len(source)), *change.syntax_changes]

    def reached(site: tuple[int, int]) -> bool:
        # Touching counts: a node that ends where an edit starts may now be part of a larger one.
        return any(site[0] <= high and site[1] >= low for low, high in reread)

    kept = []
    for (site_start, site_end), imported in last.sites:
        if site_end < line_start:
            site = (site_start, site_end)
        elif site_start > reread[0][1] - delta:
            site = (site_start + delta, site_end + delta)
            if change.delta:
                imported = ImportedName(
                    imported.package, imported.dotted, imported.span.shifted(change.delta), imported.optional
                )
        else:
            continue
        if not reached(site):
            kept.append((site, imported))
    found = {}
    for low, high in reread:
        for site, imported in _read(document, root, max(low - 1, 0), high + 1):
            if reached(site):
                found[site] = imported
    # In the source's order, as a query over the whole program answers (by where each specifier is).
    return tuple(
        sorted((*kept, *found.items()), key=lambda item: (item[1].span.start_line, item[1].span.start_col))
    )


def _imported(spec: tree_sitter.Node, document) -> ImportedName | None:
    specifier = document.node_text(spec)
    package = npm_package_of(specifier)
    if package is None:
        return None
    span = document.node_span(spec)
    return ImportedName(
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
