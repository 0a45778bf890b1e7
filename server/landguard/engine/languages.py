"""Language detection and tree-sitter grammars.

A document's language is one short name. Code languages (python, javascript, typescript,
tsx, java) get a tree-sitter tree; everything else (dotenv, yaml, json, toml, ini, shell,
dockerfile, requirements, markdown, text) is analysed as lines of text.
"""

from __future__ import annotations

import functools
import os
import threading

import tree_sitter

TREE_LANGUAGES = frozenset({"python", "javascript", "typescript", "tsx", "java"})
# Files that embed code in another language: the document's language is the embedded code's
# (a Vue component's script), ``Document.host`` the file's (``engine/sfc.py``).
HOST_LANGUAGES = frozenset({"vue"})
# JavaScript-family languages share rules.
JS_FAMILY = frozenset({"javascript", "typescript", "tsx"})

_BY_EXTENSION = {
    ".py": "python",
    ".pyi": "python",
    ".pyw": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".java": "java",
    ".vue": "vue",
    ".env": "dotenv",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".jsonc": "json",
    ".toml": "toml",
    ".ini": "ini",
    ".cfg": "ini",
    ".conf": "ini",
    ".properties": "ini",
    ".sh": "shell",
    ".bash": "shell",
    ".zsh": "shell",
    ".md": "markdown",
    ".mdc": "markdown",
    ".txt": "text",
    ".xml": "text",
    ".tf": "text",
    ".dockerfile": "dockerfile",
}

# LSP languageId -> our name (ids as VS Code, Neovim and Helix send them).
_BY_LANGUAGE_ID = {
    "python": "python",
    "javascript": "javascript",
    "javascriptreact": "javascript",
    "typescript": "typescript",
    "typescriptreact": "tsx",
    "tsx": "tsx",
    "java": "java",
    "vue": "vue",
    "dotenv": "dotenv",
    "yaml": "yaml",
    "json": "json",
    "jsonc": "json",
    "toml": "toml",
    "ini": "ini",
    "properties": "ini",
    "shellscript": "shell",
    "sh": "shell",
    "bash": "shell",
    "dockerfile": "dockerfile",
    "pip-requirements": "requirements",
    "requirements": "requirements",
    "markdown": "markdown",
    "plaintext": "text",
}


def detect_language(path: str | None, language_id: str | None = None) -> str:
    """The language of a document, from its file name first (more specific), then the editor's id."""
    if path:
        name = os.path.basename(path)
        lower = name.lower()
        if lower == ".env" or lower.startswith(".env.") or lower.endswith(".env"):
            return "dotenv"
        if lower == "dockerfile" or lower.startswith("dockerfile.") or lower.endswith(".dockerfile"):
            return "dockerfile"
        if lower.startswith("requirements") and lower.endswith((".txt", ".in")):
            return "requirements"
        if lower in {".bashrc", ".zshrc", ".profile", ".bash_profile"}:
            return "shell"
        ext = os.path.splitext(lower)[1]
        if ext in _BY_EXTENSION:
            return _BY_EXTENSION[ext]
    if language_id and language_id.lower() in _BY_LANGUAGE_ID:
        return _BY_LANGUAGE_ID[language_id.lower()]
    return "text"


@functools.cache
def grammar(language: str) -> tree_sitter.Language:
    """The tree-sitter grammar for a code language (loaded once per process)."""
    if language == "python":
        import tree_sitter_python as module

        return tree_sitter.Language(module.language())
    if language == "javascript":
        import tree_sitter_javascript as module

        return tree_sitter.Language(module.language())
    if language == "typescript":
        import tree_sitter_typescript as module

        return tree_sitter.Language(module.language_typescript())
    if language == "tsx":
        import tree_sitter_typescript as module

        return tree_sitter.Language(module.language_tsx())
    if language == "java":
        import tree_sitter_java as module

        return tree_sitter.Language(module.language())
    raise KeyError(f"no tree-sitter grammar for {language!r}")


_parsers = threading.local()


def parser(language: str) -> tree_sitter.Parser:
    """A parser for ``language``; one per thread, since tree-sitter parsers are not thread-safe."""
    cache = getattr(_parsers, "cache", None)
    if cache is None:
        cache = _parsers.cache = {}
    if language not in cache:
        cache[language] = tree_sitter.Parser(grammar(language))
    return cache[language]


@functools.cache
def query(language: str, source: str) -> tree_sitter.Query:
    """A compiled tree-sitter query, cached: compiling costs far more than running."""
    return tree_sitter.Query(grammar(language), source)


def captures(language: str, source: str, node: tree_sitter.Node) -> dict[str, list[tree_sitter.Node]]:
    """Run a (cached) query over ``node`` and return its captures by name."""
    return tree_sitter.QueryCursor(query(language, source)).captures(node)


def unit_splitter(document):
    """The document's language's hook splitting a large analysis unit into parts: ``parts(unit)``
    -> [(part, its parent's kind)]; None: units are never split.

    JavaScript bundles and module wrappers (an IIFE around a whole library) are one top-level
    statement; their functions are analysed as units of their own (``languages/javascript.py``)."""
    if document.language in JS_FAMILY:
        from landguard.languages.javascript import unit_parts

        return unit_parts(document)
    return None


def listed_units(document):
    """The language's own list of the current tree's analysis units, when it keeps one: (units in
    ``analysis_units`` order with their split parts, each part's grammar place or None, each
    unit's ``unit_text``). None: the engine walks the tree itself.

    JavaScript keeps it (``languages/javascript.py`` ``listed_units``): it walks the units anyway
    to give each part its context, and a 17,000-line bundle has a thousand of them."""
    if document.language in JS_FAMILY:
        return _javascript().listed_units(document)
    return None


def tidy(document) -> None:
    """The language's work that can wait until a run's diagnostics are out (JavaScript: the nodes
    of the tree before replaced in the lowerings and summaries this tree reuses, so it is freed)."""
    if document.language in JS_FAMILY:
        _javascript().tidy(document)


def unit_holes(document, unit) -> list[tuple[int, int]]:
    """Byte ranges of ``unit`` that the language split off into units of their own (see ``unit_splitter``)."""
    if document.language not in JS_FAMILY:
        return []
    javascript = _javascript()
    if unit.end_point[0] - unit.start_point[0] + 1 < javascript.SPLIT_LINES:
        return []  # never split: no need for the file's units
    return javascript.unit_holes(document, unit)


def unit_hole_lines(document, unit) -> list[tuple[int, int, int]]:
    """``unit_holes``, each with the number of line breaks in it (known from the tree: counting
    them in the text cost a pass over most of a 17,000-line bundle on every edit)."""
    if document.language not in JS_FAMILY:
        return []
    javascript = _javascript()
    if unit.end_point[0] - unit.start_point[0] + 1 < javascript.SPLIT_LINES:
        return []
    return javascript.unit_hole_lines(document, unit)


@functools.cache
def _javascript():
    from landguard.languages import javascript

    return javascript
