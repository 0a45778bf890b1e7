"""Quick fixes of the JavaScript/TypeScript rules: tree-sitter-guided text edits.

Every builder works on nodes of the one unit the finding is in, computes spans with
``document.node_span`` and returns ``None`` when it cannot produce code that is both valid and
safe (an SQL value in an identifier position, a shell command using pipes ...): no fix is
better than a wrong one. Edits never reach outside the unit, because the engine caches a
unit's findings (fixes included) and moves them with the unit.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from landguard.engine.document import Document
from landguard.engine.findings import Fix, TextEdit
from landguard.engine.languages import parser
from landguard.fixes.sql_placeholders import placeholder_sql
from landguard.languages.javascript import flatten_plus, unwrap


def replace_node(document: Document, node: Node, new_text: str) -> TextEdit:
    return TextEdit(document.node_span(node), new_text)


def _text(document: Document, node: Node) -> str:
    return document.node_text(node)


def parses_as_expression(document: Document, snippet: str) -> bool:
    """Whether ``snippet`` parses cleanly as a statement in the document's language."""
    tree = parser(document.language).parse(snippet.encode("utf-8"))
    return not tree.root_node.has_error


# ---------------------------------------------------------------------------- simple edits


def rename_property(
    document: Document, property_node: Node, new_name: str, title: str, preferred: bool
) -> Fix:
    return Fix(title, (replace_node(document, property_node, new_name),), preferred=preferred)


def wrap_node(document: Document, node: Node, callee: str, title: str, preferred: bool) -> Fix:
    return Fix(
        title, (replace_node(document, node, f"{callee}({_text(document, node)})"),), preferred=preferred
    )


# ---------------------------------------------------------------------------- SQL


def _sql_parts(document: Document, node: Node) -> list[tuple[str, object]] | None:
    """[("sql", raw text) | ("value", node)] for a template string or a ``+`` chain of strings."""
    node = unwrap(node)
    parts: list[tuple[str, object]] = []
    if node.type == "template_string":
        for child in node.children:
            if child.type == "string_fragment":
                parts.append(("sql", _text(document, child)))
            elif child.type == "escape_sequence":
                return None
            elif child.type == "template_substitution":
                if child.named_child_count != 1:
                    return None
                parts.append(("value", child.named_children[0]))
        return [("quote", "`"), *parts]
    if node.type == "binary_expression":
        quote = ""
        for operand in flatten_plus(document, node):
            if operand.type == "string":
                raw = _text(document, operand)
                quote = quote or raw[0]
                value = _decode_simple(raw[1:-1])
                if value is None:
                    return None
                parts.append(("sql", value))
            elif operand.type in ("template_string", "binary_expression", "parenthesized_expression"):
                return None
            else:
                parts.append(("value", operand))
        if not quote:
            return None
        parts.insert(0, ("quote", quote))
        return parts
    return None


def _decode_simple(raw: str) -> str | None:
    """The value of a literal's body whose only escapes are quotes; None for anything fancier."""
    value = raw.replace("\\'", "'").replace('\\"', '"').replace("\\`", "`")
    return None if "\\" in value else value


def _encode(value: str, quote: str) -> str:
    """``value`` as the body of a literal quoted with ``quote``."""
    value = value.replace(quote, "\\" + quote)
    return value.replace("${", "\\${") if quote == "`" else value


def parameterize_sql(document: Document, sql_node: Node, style: str, values_as: str) -> Fix | None:
    """Replace substitutions with placeholders (``$1`` or ``?``) and pass the values separately.

    ``values_as``: ``array`` (``, [a, b]``), ``spread`` (``, a, b``) or ``replacements``
    (Sequelize's ``{ replacements: [a, b] }``).
    """
    parts = _sql_parts(document, sql_node)
    if not parts:
        return None
    quote = str(parts.pop(0)[1])
    rewritten = placeholder_sql(parts, style)
    if rewritten is None:
        return None
    body, nodes = rewritten
    values = [_text(document, node) for node in nodes]  # type: ignore[arg-type]
    if quote != "`" and "\n" in body:
        return None
    new_sql = f"{quote}{_encode(body, quote)}{quote}"
    if values_as == "spread":
        replacement = f"{new_sql}, {', '.join(values)}"
    elif values_as == "replacements":
        replacement = f"{new_sql}, {{ replacements: [{', '.join(values)}] }}"
    else:
        replacement = f"{new_sql}, [{', '.join(values)}]"
    title = f"Use {'$1, $2 …' if style == '$' else '?'} placeholders and pass the values separately"
    return Fix(title, (replace_node(document, sql_node, replacement),), preferred=True)


# ---------------------------------------------------------------------------- commands

_SAFE_WORD_CHARS = re.compile(r"^[A-Za-z0-9_\-./:=,@+%]*$")


def _command_pieces(document: Document, node: Node) -> list[object] | None:
    """Characters of the literal parts and value nodes of the substitutions, in order."""
    node = unwrap(node)
    pieces: list[object] = []
    if node.type == "template_string":
        for child in node.children:
            if child.type == "string_fragment":
                pieces.extend(_text(document, child))
            elif child.type == "escape_sequence":
                return None
            elif child.type == "template_substitution":
                if child.named_child_count != 1:
                    return None
                pieces.append(child.named_children[0])
        return pieces
    if node.type == "binary_expression":
        for operand in flatten_plus(document, node):
            if operand.type == "string":
                raw = _text(document, operand)[1:-1]
                if "\\" in raw:
                    return None
                pieces.extend(raw)
            elif operand.type in ("template_string", "binary_expression", "parenthesized_expression"):
                return None
            else:
                pieces.append(operand)
        return pieces
    return None


def command_to_argv(document: Document, node: Node) -> tuple[str, list[str]] | None:
    """``\\`git log ${branch}\\``` -> ("'git'", ["'log'", "branch"]), if it splits into words safely."""
    pieces = _command_pieces(document, node)
    if not pieces:
        return None
    words: list[list[object]] = [[]]
    for piece in pieces:
        if isinstance(piece, str) and piece in " \t":
            if words[-1]:
                words.append([])
            continue
        words[-1].append(piece)
    words = [w for w in words if w]
    rendered: list[str] = []
    for word in words:
        # "${x}" or '${x}' as a whole word: the quotes only kept the shell from splitting it.
        if len(word) == 3 and word[0] == word[2] and word[0] in ("'", '"') and not isinstance(word[1], str):
            word = [word[1]]
        literal = "".join(p for p in word if isinstance(p, str))
        if not _SAFE_WORD_CHARS.match(literal):
            return None
        if all(isinstance(p, str) for p in word):
            rendered.append(f"'{literal}'")
        elif len(word) == 1:
            rendered.append(_text(document, word[0]))  # type: ignore[arg-type]
        else:
            template = "".join(p if isinstance(p, str) else "${" + _text(document, p) + "}" for p in word)  # type: ignore[arg-type]
            rendered.append(f"`{template}`")
    if not rendered or not rendered[0].startswith("'"):
        return None  # the program itself must be a constant
    return rendered[0], rendered[1:]


def exec_to_exec_file(
    document: Document, callee_node: Node, new_callee: str, command_node: Node
) -> Fix | None:
    argv = command_to_argv(document, command_node)
    if argv is None:
        return None
    program, args = argv
    return Fix(
        f"Use {new_callee.rsplit('.', 1)[-1]} with an argument array (no shell)",
        (
            replace_node(document, callee_node, new_callee),
            replace_node(document, command_node, f"{program}, [{', '.join(args)}]"),
        ),
        preferred=True,
    )


# ---------------------------------------------------------------------------- code strings


def string_timer_to_function(document: Document, string_node: Node) -> Fix | None:
    """``setTimeout("tick()", 100)`` -> ``setTimeout(() => { tick() }, 100)`` when the code parses."""
    if string_node.type != "string":
        return None
    raw = _text(document, string_node)[1:-1]
    if "\\" in raw or "\n" in raw:
        return None
    replacement = f"() => {{ {raw} }}"
    if not parses_as_expression(document, f"({replacement});"):
        return None
    return Fix(
        "Pass a function instead of a code string", (replace_node(document, string_node, replacement),), True
    )


def escape_regex(document: Document, node: Node) -> Fix | None:
    """Escape regex metacharacters in ``node`` so ``new RegExp`` matches it literally."""
    escaped = "String(" + _text(document, node) + r").replace(/[.*+?^${}()|[\]\\]/g, '\\$&')"
    return Fix("Escape regex metacharacters", (replace_node(document, node, escaped),), preferred=True)
