"""Rule modules do not name tree-sitter grammar nodes or fields (issue #9, docs/CONTRIBUTING.md):
they ask the helpers in ``languages/*_syntax.py`` (``syntax.is_call(node)``,
``syntax.decorators_of(fn)``, ``syntax.string_parts(node)``, ``syntax.callee(call)`` ...), so the
grammar's names live in one place per language."""

import ast
from pathlib import Path

import tree_sitter_java
import tree_sitter_javascript
import tree_sitter_python
import tree_sitter_typescript
from tree_sitter import Language

CHECKS = Path(__file__).resolve().parents[2] / "server" / "landguard" / "checks"

# Reads of ``node.type`` left in checks/ (197 comparisons, 218 reads, before the helpers).
MAX_NODE_KIND_READS = 0
# ``child_by_field_name("left")`` and the like left in checks/ (148 before the helpers).
MAX_FIELD_LOOKUPS = 0


def _modules() -> list[tuple[Path, ast.Module]]:
    modules = [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(CHECKS.rglob("*.py"))]
    assert len(modules) > 100  # the rule modules were found
    return modules


def _node_kinds() -> set[str]:
    """Named node kinds of the grammars the code rules read; only those with an underscore
    (``function_definition``, ``method_invocation``), which are never plain words of a rule."""
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
                if kind and "_" in kind.strip("_"):
                    kinds.add(kind)
    assert {"function_definition", "method_invocation", "member_expression"} <= kinds
    return kinds


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
