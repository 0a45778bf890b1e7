"""What the Python rules (LG2xx) share per analysis run: the import map, a unit's calls, the dataflow.

Everything here is computed lazily and kept in the run's cache (``CheckContext.cache``), so the
rules looking at the same unit share the work. Tree-sitter helpers (names, arguments, literals,
scopes) are in ``landguard/languages/python_syntax.py``; the one-pass call dispatch the rules run
in is ``_dispatch.py``.

``module_imports(document, context) -> ImportMap``
    Local name -> qualified name from the module's top-level imports (also inside top-level
    ``if``/``try`` blocks): ``import subprocess as sp`` gives ``sp -> subprocess``. Top-level
    ``def``/``class`` names that hide a builtin or an import map to ``<local>.NAME``.
``module_context_key(document, context)``: changes exactly when the import map changes.
``scope_imports(node, document, context)``: the module map overlaid with the imports, defs and
    parameters of the functions enclosing ``node``.
``function_flow(scope, context) -> Flow``: the scope's plain assignments, with its dataflow view.
``taint(node, flow, imports, kind) -> Taint``: what the dataflow core says reaches ``node`` for a
    sink of ``kind``: ``REQUEST`` (a source model row: web request, event payload), ``PARAMETER``
    (the function's caller), ``LOCAL`` (argv, stdin), ``LITERAL`` (a constant, or sanitized for the
    kind) or ``UNKNOWN`` (no evidence). Sources and sanitizers are rows of ``data/models/python*.toml``;
    ``Taint`` and the grading of a value (``taint_of_value``) are the core's (``dataflow/values.py``).
``unit_calls(unit, context)``, ``unit_nodes(unit, kind, context)``: a unit's calls or nodes of one
    kind, in source order, one query per run (``unit_nodes_of_kinds``: of several kinds, one query).
``request_reaches(node, flow, imports, kind)``: ``taint(...) == REQUEST``, without lowering or
    interpreting a unit no request data can reach (``PythonFlow.may_carry_at``).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Hashable

from tree_sitter import Node

from landguard.dataflow.models import models_for
from landguard.dataflow.values import ALL_KINDS, REQUEST, Taint, taint_of_value
from landguard.engine.document import Document
from landguard.engine.languages import captures
from landguard.engine.registry import CheckContext, RunKey
from landguard.languages.python import (
    LOCAL_PREFIX,
    PythonFlow,
    collect_imports,
    import_steps,
    replay_import_steps,
)
from landguard.languages.python_syntax import (
    CALL_QUERY,
    Flow,
    enclosing_functions,
    is_literal,
    kinds_query,
    node_query,
    scope_definitions,
    unparenthesize,
)

PYTHON = frozenset({"python"})


class ImportMap(dict):
    """Local name -> qualified name. A plain dict with a stable, hashable summary."""

    def key(self) -> Hashable:
        return frozenset(self.items())


_IMPORTS: RunKey[ImportMap] = RunKey("python.imports")
_SCOPE_IMPORTS: RunKey[ImportMap] = RunKey("python.scope_imports")
_HIDDEN: RunKey[tuple[tuple[bytes, str], ...]] = RunKey("python.hidden_definitions")
_FLOW: RunKey[Flow] = RunKey("python.flow")
_DATAFLOW: RunKey[PythonFlow] = RunKey("python.dataflow")
_CALLS: RunKey[list[Node]] = RunKey("python.unit_calls")
_TREE_CALLS: RunKey[tuple[list[Node], list[int]]] = RunKey("python.tree_calls")
_UNIT_QUERIES: RunKey[list[int]] = RunKey("python.unit_queries")
_NODES: RunKey[list[Node]] = RunKey("python.unit_nodes")


def module_imports(document: Document, context: CheckContext) -> ImportMap:
    """The module-level import map, computed once per analysis run."""

    def build() -> ImportMap:
        if document.tree is None:
            return ImportMap()
        return _root_imports(document.tree.root_node, context, document)

    return context.cache.get(_IMPORTS, id(document.tree), build)


_ROOT_IMPORTS: RunKey[ImportMap] = RunKey("python.root_imports")


def _root_imports(root: Node, context: CheckContext, document: Document | None = None) -> ImportMap:
    """The imports a tree's module statements make, collected once per run for the import map and
    the dataflow view alike (both only read it; a scope's map is a copy). With the tree's
    ``document``, replayed from each statement's steps, kept while the statement is unchanged."""

    def build() -> ImportMap:
        imports = ImportMap()
        if document is not None:
            replay_import_steps(document.top_level_facts("python.import_steps", import_steps), imports)
        else:
            collect_imports(root.named_children, imports)
        return imports

    return context.cache.get(_ROOT_IMPORTS, root.id, build)


def share_module_imports(context: CheckContext, document: Document, imports: ImportMap) -> None:
    """Let ``document`` (a piece re-parsed out of a larger file) use the larger file's imports."""
    context.cache.put(_IMPORTS, id(document.tree), imports)


def module_context_key(document: Document, context: CheckContext) -> Hashable:
    """The import map but the top-level definitions that hide a builtin or an import (``<local>.``
    entries): those are read by name, so they are in the keys of the units that write the name
    (``hidden_definitions``). A paste whose dedent makes ``def max`` top-level rechecks the units
    naming ``max``, not the file. An import such a definition hides is gone from this key."""
    imports = module_imports(document, context)
    return frozenset(
        (local, qualified) for local, qualified in imports.items() if not qualified.startswith(LOCAL_PREFIX)
    )


def hidden_definitions(document: Document, context: CheckContext) -> tuple[tuple[bytes, str], ...]:
    """The top-level definitions that hide a builtin or an import (``def max``), as (name bytes,
    name), sorted: the part of the import map left out of ``module_context_key``."""

    def build() -> tuple[tuple[bytes, str], ...]:
        imports = module_imports(document, context)
        return tuple(
            sorted(
                (local.encode(), local)
                for local, qualified in imports.items()
                if qualified.startswith(LOCAL_PREFIX)
            )
        )

    return context.cache.get(_HIDDEN, None, build)


def scope_imports(node: Node, document: Document, context: CheckContext) -> ImportMap:
    """Module imports overlaid with the imports, defs and parameters of the functions around ``node``."""
    functions = enclosing_functions(node)
    base = module_imports(document, context)
    if not functions:
        return base

    def build() -> ImportMap:
        merged = ImportMap(base)
        for function in reversed(functions):
            scope_definitions(function, merged)
        return merged

    return context.cache.get(_SCOPE_IMPORTS, (functions[-1].id, functions[0].id), build)


def function_flow(scope: Node, context: CheckContext) -> Flow:
    def build() -> Flow:
        flow = Flow(scope)
        flow.dataflow = python_dataflow(scope, context)
        return flow

    return context.cache.get(_FLOW, scope.id, build)


def python_dataflow(node: Node, context: CheckContext) -> PythonFlow:
    """The dataflow view of the document ``node`` belongs to, built once per analysis run."""
    root = node
    while root.parent is not None:
        root = root.parent

    def build() -> PythonFlow:
        return PythonFlow(root, _root_imports(root, context), models_for("python", context.config))

    return context.cache.get(_DATAFLOW, root.id, build)


# ---------------------------------------------------------------------------------------- taint


def taint(
    node: Node | None,
    flow: Flow | None,
    imports: dict[str, str],
    kind: str = ALL_KINDS,
    *,
    direct: bool = False,
) -> Taint:
    """Where the data in ``node`` may come from, for a sink of ``kind``, by the dataflow core.

    ``REQUEST``: a label from a source model (web request, event payload) reaches it, not sanitized
    for ``kind``; ``PARAMETER``: data from the function's caller does; ``LITERAL``: it is a
    constant (folded through variables, helpers and branches); ``UNKNOWN``: anything else (a value
    from a call or global the models know nothing about) — no evidence of untrusted data.
    ``direct``: only data that did not pass through an unmodelled call counts.
    """
    if node is None:
        return Taint.UNKNOWN
    node = unparenthesize(node)
    if is_literal(node):
        return Taint.LITERAL
    dataflow = flow.dataflow if flow is not None else None
    if dataflow is None:
        return Taint.UNKNOWN  # no scope to follow it in: no evidence
    value = dataflow.value_of(node)
    if value is None:
        return Taint.UNKNOWN
    return taint_of_value(value, kind, direct=direct)


def request_reaches(
    node: Node | None,
    flow: Flow | None,
    imports: dict[str, str],
    kind: str = ALL_KINDS,
    *,
    direct: bool = False,
) -> bool:
    """Whether ``taint(node, flow, imports, kind, direct=direct)`` is ``REQUEST``, ruled out first
    from the words of the unit around ``node`` (``PythonFlow.may_carry_at``): a rule that reports
    request data alone need not lower and interpret code no request data can reach."""
    if node is None or flow is None or flow.dataflow is None:
        return False  # what ``taint`` says then is not ``REQUEST``
    if not flow.dataflow.may_carry_at(node, REQUEST):
        return False
    return taint(node, flow, imports, kind, direct=direct) == Taint.REQUEST


# ---------------------------------------------------------------------------------------- units


def _start_byte(node: Node) -> int:
    return node.start_byte


# A run that checks many units (a full scan) pays for one query over the whole tree rather than one
# per unit; a run after a small edit queries just the units it rechecks.
_WHOLE_TREE_AFTER = 24


def unit_calls(unit: Node, context: CheckContext) -> list[Node]:
    """Every call in the unit, in source order (one query, shared by all rules of a run)."""

    def build() -> list[Node]:
        queried = context.cache.get(_UNIT_QUERIES, None, lambda: [0])
        queried[0] += 1
        if queried[0] > _WHOLE_TREE_AFTER:
            all_calls, starts = _tree_calls(unit, context)
            low = bisect_left(starts, unit.start_byte)
            high = bisect_left(starts, unit.end_byte, low)
            return [c for c in all_calls[low:high] if c.end_byte <= unit.end_byte]
        return sorted(captures("python", CALL_QUERY, unit).get("call", []), key=_start_byte)

    return context.cache.get(_CALLS, unit.id, build)


def _tree_calls(unit: Node, context: CheckContext) -> tuple[list[Node], list[int]]:
    root = unit
    while root.parent is not None:
        root = root.parent

    def build() -> tuple[list[Node], list[int]]:
        calls = sorted(captures("python", CALL_QUERY, root).get("call", []), key=_start_byte)
        return calls, [c.start_byte for c in calls]

    return context.cache.get(_TREE_CALLS, root.id, build)


def unit_nodes(unit: Node, kind: str, context: CheckContext) -> list[Node]:
    """Every node of ``kind`` in the unit (cached per run)."""
    return context.cache.get(
        _NODES,
        (kind, unit.id),
        lambda: sorted(captures("python", node_query(kind), unit).get("node", []), key=_start_byte),
    )


def unit_nodes_of_kinds(unit: Node, kinds: tuple[str, ...], context: CheckContext) -> list[list[Node]]:
    """``unit_nodes`` of each of ``kinds``, from one query over the unit rather than one per kind
    (each query walks the whole unit); the lists are shared with ``unit_nodes`` in the run."""
    cache = context.cache
    missing = [kind for kind in kinds if cache.peek(_NODES, (kind, unit.id)) is None]
    if len(missing) > 1:
        found = captures("python", kinds_query(tuple(missing)), unit)
        for kind in missing:
            cache.put(_NODES, (kind, unit.id), sorted(found.get(kind, []), key=_start_byte))
    return [unit_nodes(unit, kind, context) for kind in kinds]
