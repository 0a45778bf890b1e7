"""Rule modules do not name tree-sitter grammar nodes or fields (issue #9, docs/CONTRIBUTING.md):
they ask the helpers in ``languages/*_syntax.py`` (``syntax.is_call(node)``,
``syntax.decorators_of(fn)``, ``syntax.string_parts(node)``, ``syntax.callee(call)`` ...), and
look for nodes through ``languages/questions.Questions`` (``java_syntax.method_calls(...)``,
``javascript_syntax.imported_specifiers()``) rather than tree-sitter queries of their own, so the
grammar's names live in one place per language."""

import ast
import re
from pathlib import Path

import tree_sitter_java
import tree_sitter_javascript
import tree_sitter_python
import tree_sitter_typescript
from tree_sitter import Language

PACKAGE = Path(__file__).resolve().parents[2] / "server" / "landguard"
CHECKS = PACKAGE / "checks"

# Reads of ``node.type`` left in checks/ (197 comparisons, 218 reads, before the helpers).
MAX_NODE_KIND_READS = 0
# ``child_by_field_name("left")`` and the like left in checks/ (148 before the helpers).
MAX_FIELD_LOOKUPS = 0


def _modules() -> list[tuple[Path, ast.Module]]:
    modules = [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(CHECKS.rglob("*.py"))]
    assert len(modules) > 100  # the rule modules were found
    return modules


def _named_kinds() -> set[str]:
    """Every named, visible node kind of the grammars the code rules read."""
    languages = [
        tree_sitter_python.language(),
        tree_sitter_javascript.language(),
        tree_sitter_typescript.language_typescript(),
        tree_sitter_typescript.language_tsx(),
        tree_sitter_java.language(),
    ]
    kinds = set()
    for handle in languages:
        language = Language(handle)
        for kind_id in range(language.node_kind_count):
            if language.node_kind_is_named(kind_id) and language.node_kind_is_visible(kind_id):
                kind = language.node_kind_for_id(kind_id)
                if kind:
                    kinds.add(kind)
    assert {"function_definition", "method_invocation", "member_expression", "identifier"} <= kinds
    return kinds


def _node_kinds() -> set[str]:
    """The named node kinds with an underscore (``function_definition``, ``method_invocation``),
    which are never plain words of a rule."""
    return {kind for kind in _named_kinds() if "_" in kind.strip("_")}


def test_rule_modules_do_not_read_node_kinds():
    reads = [
        f"{path.relative_to(CHECKS)}:{node.lineno}: {ast.unparse(node)}"
        for path, module in _modules()
        for node in ast.walk(module)
        if isinstance(node, ast.Attribute) and node.attr == "type"
    ]
    assert len(reads) <= MAX_NODE_KIND_READS, "ask languages/*_syntax.py instead:\n" + "\n".join(reads)


def test_rule_modules_do_not_spell_node_names():
    kinds = _node_kinds()
    spelled = [
        f"{path.relative_to(CHECKS)}:{node.lineno}: {node.value!r}"
        for path, module in _modules()
        for node in ast.walk(module)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in kinds
    ]
    assert not spelled, "name node kinds in languages/*_syntax.py:\n" + "\n".join(spelled)


def test_rule_modules_do_not_look_up_grammar_fields():
    lookups = [
        f"{path.relative_to(CHECKS)}:{node.lineno}: {ast.unparse(node)}"
        for path, module in _modules()
        for node in ast.walk(module)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("child_by_field_name", "children_by_field_name")
    ]
    assert len(lookups) <= MAX_FIELD_LOOKUPS, "ask languages/*_syntax.py instead:\n" + "\n".join(lookups)


# A node pattern of a tree-sitter query: ``(method_invocation`` or ``(identifier)``.
_QUERY_NODE = re.compile(r"\(\s*([a-z_][a-z0-9_]*)[\s)]")
_QUERY_CAPTURE = re.compile(r"@[A-Za-z_]")


def test_only_languages_write_tree_sitter_queries():
    """No module outside ``languages/`` (rules, fixes, engine, LSP, dataflow) holds a tree-sitter
    query: a string with a capture (``@call``) and a node pattern naming a grammar node kind
    (``(method_invocation name: (identifier) @m) @call``; f-strings' pieces included). Ask a
    ``Questions`` of ``languages/*_syntax.py`` questions; a question none answers is a new one there."""
    kinds = _named_kinds()
    modules = [
        path for path in sorted(PACKAGE.rglob("*.py")) if path.relative_to(PACKAGE).parts[0] != "languages"
    ]
    assert len(modules) > 200 and any(path.parts[-2] == "engine" for path in modules)
    queries = [
        f"{path.relative_to(PACKAGE)}:{node.lineno}: {sorted(named)}"
        for path in modules
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and _QUERY_CAPTURE.search(node.value)
        and (named := {kind for kind in _QUERY_NODE.findall(node.value) if kind in kinds})
    ]
    assert not queries, "ask languages/ questions (languages/questions.py) instead:\n" + "\n".join(queries)


def test_the_query_check_sees_queries():
    """The check above recognises the query strings rules used to hold (and not prose)."""
    kinds = _named_kinds()

    def is_query(text: str) -> bool:
        return bool(_QUERY_CAPTURE.search(text)) and any(kind in kinds for kind in _QUERY_NODE.findall(text))

    assert is_query('(method_invocation name: (identifier) @m (#any-of? @m "getInstance")) @call')
    assert is_query("(for_in_statement) @for_in")
    assert is_query("\n(call_expression function: (identifier) @name ")  # a piece of an f-string
    assert not is_query("Flags request data (``request.getParameter``, ``@RequestParam`` ...)")
    assert not is_query("(decorator, dependency, hook or check in the body)")
