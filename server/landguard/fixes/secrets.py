"""Quick fixes for the secrets rules (LG1xx).

Two fixes, each offered only where its result is known to be valid:

- **Read it from the environment**: replace the whole string literal (quotes and prefix
  included) with the language's environment lookup: ``os.environ["NAME"]`` in Python (adding
  ``import os`` after the module docstring and ``__future__`` imports when it is missing),
  ``process.env.NAME`` in JavaScript/TypeScript, ``System.getenv("NAME")`` in Java, and
  ``${NAME}`` in YAML (quoted), shell scripts (double-quoted) and Dockerfiles. TOML, INI,
  JSON and ``.env`` files have no environment interpolation, so they get no such fix. In
  code, the literal is located with the tree-sitter tree, and refused when replacing it
  would change what the code means or break it: byte strings, f-strings with
  interpolations, implicitly concatenated strings, templates with substitutions, object
  keys, annotation arguments, ``case`` labels and patterns, type positions.
- **Allowlist this line**: detect-secrets' ``pragma: allowlist secret`` in the language's
  comment syntax, at the end of the line; on the line above (``pragma: allowlist nextline
  secret``) for formats whose inline comments are not comments everywhere (``.env``,
  Dockerfile, INI). JSON has no comments: no fix.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from tree_sitter import Node

from landguard.engine.document import Document
from landguard.engine.findings import Fix, Span, TextEdit
from landguard.engine.positions import col_to_byte

ALLOWLIST_PRAGMA = "pragma: allowlist secret"
ALLOWLIST_NEXTLINE_PRAGMA = "pragma: allowlist nextline secret"

_INLINE_COMMENT = {
    "python": "#",
    "yaml": "#",
    "toml": "#",
    "shell": "#",
    "javascript": "//",
    "typescript": "//",
    "tsx": "//",
    "java": "//",
}
_NEXTLINE_COMMENT = {"dotenv": "#", "dockerfile": "#", "ini": "#"}
_STRING_NODES = frozenset({"string", "template_string", "string_literal"})
# Nodes in which an inline comment would become text, or would not end where the line ends.
_NO_INLINE_COMMENT = frozenset(
    {"string", "template_string", "string_literal", "text_block", "comment", "block_comment", "jsx_text"}
)
# Where an expression cannot replace a string literal: annotation arguments, case labels and
# patterns, type positions.
_CONSTANT_CONTEXTS = frozenset(
    {
        "annotation",
        "marker_annotation",
        "switch_label",
        "switch_case",
        "case_clause",
        "case_pattern",
        "literal_type",
        "type_annotation",
        "import_statement",
        "import_from_statement",
    }
)
_PYTHON_IMPORTS_OS = re.compile(r"^import\s+(?:[\w.]+\s*,\s*)*os(?:\.[\w.]+)?\s*(?:,|#|$)")


@dataclass(frozen=True, slots=True)
class Literal:
    """A string literal (or a bare value in a text format) holding a secret."""

    span: Span  # the whole literal: prefix and quotes included
    content: str  # what is between the quotes
    quoted: bool
    jsx_attribute: bool = False  # <a title="..."> takes an expression only in braces


# ------------------------------------------------------------------------ locating literals


def literal_at(document: Document, span: Span) -> Literal | None:
    """The literal containing ``span`` (a single-line span), if it can be safely replaced."""
    if span.start_line != span.end_line or span.start_line >= len(document.lines):
        return None
    line = document.lines[span.start_line]
    if document.tree is not None:
        return _code_literal(document, span)
    before = line[span.start_col - 1] if span.start_col > 0 else ""
    after = line[span.end_col] if span.end_col < len(line) else ""
    if before in {'"', "'"} and after == before:
        return Literal(
            Span.on_line(span.start_line, span.start_col - 1, span.end_col + 1),
            line[span.start_col : span.end_col],
            True,
        )
    if before in {'"', "'"} or after in {'"', "'"}:
        return None  # part of a longer quoted value
    return Literal(span, line[span.start_col : span.end_col], False)


def _code_literal(document: Document, span: Span) -> Literal | None:
    line = document.lines[span.start_line]
    point = (span.start_line, col_to_byte(line, span.start_col))
    node = document.tree.root_node.descendant_for_point_range(point, point)
    while node is not None and node.type not in _STRING_NODES:
        node = node.parent
    if node is None or node.start_point[0] != node.end_point[0]:
        return None
    text = document.node_text(node)
    language = document.language
    if language == "python":
        if node.parent is not None and node.parent.type == "concatenated_string":
            return None
        if any(child.type == "interpolation" for child in node.children):
            return None
        prefix = re.match(r"[A-Za-z]*", text).group(0).lower()
        if "b" in prefix:
            return None  # an environment lookup is a str, not bytes
    if any(child.type == "template_substitution" for child in node.children):
        return None
    parent = node.parent
    if parent is not None and parent.type == "pair" and parent.child_by_field_name("key") == node:
        return None  # a key, not a value
    ancestor = parent
    while ancestor is not None:
        if ancestor.type in _CONSTANT_CONTEXTS:
            return None  # only constants (or types) may stand here
        if ancestor.type in {"field_declaration", "local_variable_declaration", "expression_statement"}:
            break
        ancestor = ancestor.parent
    literal_span = document.node_span(node)
    content_match = re.match(r"^[A-Za-z]*(\"\"\"|'''|[\"'`])(.*)\1$", text, re.S)
    if content_match is None:
        return None
    in_jsx = parent is not None and parent.type == "jsx_attribute"
    return Literal(literal_span, content_match.group(2), True, in_jsx)


# ------------------------------------------------------------------------ environment fix


def env_lookup_fix(
    document: Document, span: Span, env_name: str, accept: Callable[[Literal], bool] | None = None
) -> Fix | None:
    """Replace the literal holding the secret at ``span`` with an environment lookup of ``env_name``.

    ``accept`` decides whether the literal as a whole is the secret (so replacing it keeps
    the meaning); by default its content must be exactly the text at ``span``.
    """
    language = document.language
    if language not in {"python", "javascript", "typescript", "tsx", "java", "yaml", "shell", "dockerfile"}:
        return None
    literal = literal_at(document, span)
    if literal is None:
        return None
    if accept is None:
        secret = document.lines[span.start_line][span.start_col : span.end_col]
        if literal.content != secret:
            return None
    elif not accept(literal):
        return None
    title = f"Read {env_name} from the environment"
    # Unsafe for --fix: the program then needs the variable set wherever it runs.
    if language == "python":
        edits = [TextEdit(literal.span, f'os.environ["{env_name}"]')]
        import_edit = _python_import_os(document)
        if import_edit is not None:
            edits.append(import_edit)
        return Fix(title, tuple(edits), preferred=True, unsafe=True)
    if language in {"javascript", "typescript", "tsx"}:
        lookup = f"process.env.{env_name}"
        return Fix(
            title,
            (TextEdit(literal.span, f"{{{lookup}}}" if literal.jsx_attribute else lookup),),
            preferred=True,
            unsafe=True,
        )
    if language == "java":
        return Fix(
            title, (TextEdit(literal.span, f'System.getenv("{env_name}")'),), preferred=True, unsafe=True
        )
    if language == "shell":
        # Double quotes: single-quoted text is not expanded.
        return Fix(title, (TextEdit(literal.span, f'"${{{env_name}}}"'),), preferred=True, unsafe=True)
    if language == "yaml":
        if literal.quoted:
            inner = Span.on_line(
                literal.span.start_line, literal.span.start_col + 1, literal.span.end_col - 1
            )
            return Fix(title, (TextEdit(inner, f"${{{env_name}}}"),), preferred=True, unsafe=True)
        # Quoted: a plain "${...}" is not allowed inside a flow mapping ({ key: value }).
        return Fix(title, (TextEdit(literal.span, f'"${{{env_name}}}"'),), preferred=True, unsafe=True)
    return Fix(title, (TextEdit(literal.span, f"${{{env_name}}}"),), preferred=True, unsafe=True)


# Document -> (the text it was computed for, the edit): one computation per text, not per finding
# (3,000 findings on 3,000 lines were 9 million regex matches). Weak, so it goes with the document:
# the text it holds is a whole document's, and a closed document's must not outlive it.
_IMPORT_OS_MEMO: weakref.WeakKeyDictionary[Document, tuple[str, TextEdit | None]] = (
    weakref.WeakKeyDictionary()
)


def import_os_key(document: Document) -> tuple:
    """What the environment fix's edits outside the secret's line depend on: where ``import os``
    goes in a Python module, and whether it is needed (``LineCheck.module_context_key``)."""
    if document.language != "python" or document.tree is None:
        return ("no-outside-edits",)
    return ("import-os", _python_import_os(document))


def python_imports_os(document: Document) -> bool:
    """Whether a Python module imports ``os`` at the top level (the environment fix needs it)."""
    lines = document.lines
    # Only lines that mention an import can match: the document keeps that answer per line.
    return any(_PYTHON_IMPORTS_OS.match(lines[n]) for n in document.lines_with(("import",), exact=True))


def _python_import_os(document: Document) -> TextEdit | None:
    memo = _IMPORT_OS_MEMO.get(document)
    if memo is not None and memo[0] is document.text:
        return memo[1]
    edit = _compute_python_import_os(document)
    try:
        _IMPORT_OS_MEMO[document] = (document.text, edit)
    except TypeError:  # not weak-referenceable: no memo, still correct
        pass
    return edit


def _compute_python_import_os(document: Document) -> TextEdit | None:
    """``import os`` after the module docstring and ``__future__`` imports, unless ``os`` is imported."""
    if python_imports_os(document):
        return None
    root = document.tree.root_node
    # One at a time: the answer lies in the first few statements, not worth a list of all of them.
    children = (
        child
        for child in map(root.named_child, range(root.named_child_count))
        if child is not None and child.type != "comment"
    )
    anchor_after: Node | None = None
    for index, child in enumerate(children):
        is_docstring = (
            index == 0
            and child.type == "expression_statement"
            and child.named_child_count == 1
            and child.named_children[0].type == "string"
        )
        if is_docstring or child.type == "future_import_statement":
            anchor_after = child
            continue
        line = child.start_point[0]
        return TextEdit(Span(line, 0, line, 0), "import os\n")
    if anchor_after is None:
        return TextEdit(Span(0, 0, 0, 0), "import os\n")
    end_line = anchor_after.end_point[0]
    end_col = len(document.lines[end_line])
    return TextEdit(Span(end_line, end_col, end_line, end_col), "\nimport os")


# ------------------------------------------------------------------------ allowlist fix


def allowlist_fix(document: Document, line: int) -> Fix | None:
    """Add ``pragma: allowlist secret`` for the finding starting on ``line``."""
    language = document.language
    if line >= len(document.lines):
        return None
    text = document.lines[line]
    title = "Allowlist this secret (pragma: allowlist secret)"
    marker = _INLINE_COMMENT.get(language)
    if marker is not None:
        if not _can_end_with_comment(document, line):
            return None
        stripped = text.rstrip()
        position = Span.on_line(line, len(stripped), len(text))
        # Inside an existing comment, the pragma needs no comment marker of its own.
        prefix = "" if _ends_in_comment(document, line) else f"{marker} "
        return Fix(title, (TextEdit(position, f"  {prefix}{ALLOWLIST_PRAGMA}"),))
    marker = _NEXTLINE_COMMENT.get(language)
    if marker is not None:
        indent = text[: len(text) - len(text.lstrip())]
        return Fix(
            title, (TextEdit(Span(line, 0, line, 0), f"{indent}{marker} {ALLOWLIST_NEXTLINE_PRAGMA}\n"),)
        )
    return None


def _node_at_line_end(document: Document, line: int) -> Node | None:
    text = document.lines[line].rstrip()
    if not text or document.tree is None:
        return None
    byte = col_to_byte(text, len(text) - 1)
    return document.tree.root_node.descendant_for_point_range((line, byte), (line, byte))


def _can_end_with_comment(document: Document, line: int) -> bool:
    text = document.lines[line].rstrip()
    if text.endswith("\\"):
        return False  # a line continuation
    node = _node_at_line_end(document, line)
    while node is not None:
        if node.type in _NO_INLINE_COMMENT and node.type != "comment" and node.end_point[0] > line:
            return False
        if node.type == "comment" and node.start_point[0] < line:
            return False  # a block comment started above
        if node.type.startswith("jsx_") and node.type not in {"jsx_expression"}:
            return False
        node = node.parent
    return True


def _ends_in_comment(document: Document, line: int) -> bool:
    node = _node_at_line_end(document, line)
    return node is not None and node.type == "comment"


# ------------------------------------------------------------------------ values inside commands


def _quote_at(line: str, col: int) -> str | None:
    """The shell quote open at ``col`` (``'`` or ``"``), or None outside quotes."""
    quote: str | None = None
    index = 0
    while index < col:
        char = line[index]
        if char == "\\" and quote != "'":
            index += 2
            continue
        if quote is None and char in "'\"":
            quote = char
        elif char == quote:
            quote = None
        index += 1
    return quote


def shell_variable_fix(document: Document, span: Span, env_name: str) -> Fix | None:
    """Replace a credential inside a command line with ``${NAME}``, where the shell expands it.

    For shell scripts, Dockerfiles (``RUN``) and YAML (CI ``run:`` steps, which a shell runs).
    Inside double quotes the variable goes in as is; unquoted it is double-quoted; inside
    single quotes nothing expands, so no fix is offered.
    """
    if document.language not in {"shell", "dockerfile", "yaml"} or span.start_line != span.end_line:
        return None
    line = document.lines[span.start_line]
    quote = _quote_at(line, span.start_col)
    if quote == "'":
        return None
    replacement = f"${{{env_name}}}" if quote == '"' else f'"${{{env_name}}}"'
    return Fix(f"Read {env_name} from the environment", (TextEdit(span, replacement),), preferred=True)


def npmrc_variable_fix(document: Document, span: Span, env_name: str) -> Fix | None:
    """``.npmrc`` expands ``${NAME}`` in values: replace the encoded credential with one."""
    if span.start_line != span.end_line:
        return None
    return Fix(f"Read {env_name} from the environment", (TextEdit(span, f"${{{env_name}}}"),), preferred=True)
