"""Shared machinery of the JavaScript/TypeScript rules (LG3xx) that is not dataflow.

- ``unit_index``: the few node kinds the rules look at, bucketed (calls and ``new`` by callee
  name, assignments by property, object pairs by key, JSX attributes, ``for ... in`` loops): what
  the unit's lowering met of them (``javascript.IndexMarks``) plus one tree-sitter query over what
  the lowering left alone, or the query over the whole unit where it has no lowering yet. A unit
  with none of them (and no call of a same-file helper that reaches a sink) is skipped by every
  rule; the pattern rules read their nodes from it.
- Import questions (``calls_to``, ``local_name_for``, ``qualified_callee`` ...) are answered by the
  adapter (``landguard.languages.javascript``), which also lowers the code for the dataflow
  rules (``_flow``).
- Small syntax helpers for building messages and fixes from tree-sitter nodes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from tree_sitter import Node

from landguard.checks.code_rule import CodeRule, Frontend
from landguard.checks.javascript import _flow as flow
from landguard.engine.analyze import unit_byte_ranges
from landguard.engine.document import Document
from landguard.engine.findings import Finding
from landguard.engine.languages import JS_FAMILY
from landguard.engine.registry import CheckContext, RunKey
from landguard.languages import javascript as adapter
from landguard.languages import javascript_syntax as syntax
from landguard.languages.questions import Questions

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
JSX_ATTRIBUTES = ("dangerouslySetInnerHTML",)

_INDEXED = {
    "call": syntax.calls(CALL_NAMES),
    "new": syntax.creations(NEW_NAMES),
    "assign": syntax.property_assignments(ASSIGNED_PROPERTIES),
    "subscript_assign": syntax.subscript_assignments(),
    "pair": syntax.object_entries(PAIR_KEYS),
    "for_in": syntax.for_in_loops(),
    "jsx": syntax.jsx_attributes(JSX_ATTRIBUTES),
}
_INDEX = Questions(**_INDEXED)
# Calls through import aliases (`import { exec as run }`): only asked when such aliases exist.
_INDEX_WITH_ALIASES = Questions(**_INDEXED, alias_call=syntax.calls(methods=False))


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
_NEW_NAME_SET = frozenset(NEW_NAMES)
_ASSIGNED_SET = frozenset(ASSIGNED_PROPERTIES)
_PAIR_KEY_SET = frozenset(PAIR_KEYS)
_JSX_SET = frozenset(JSX_ATTRIBUTES)
# The lowering notes the entries of these names for the index (``javascript.IndexMarks``).
_INDEX_NAMES = adapter.IndexNames(
    calls=_CALL_NAME_SET,
    news=_NEW_NAME_SET,
    stores=_ASSIGNED_SET,
    pairs=_PAIR_KEY_SET,
    jsx_attributes=_JSX_SET,
)
adapter.set_index_names(_INDEX_NAMES)


def calls_to(
    index: UnitIndex, document: Document, context: CheckContext, targets: frozenset[str] | set[str]
) -> Iterator[tuple[str, Node]]:
    """Calls in the unit whose callee resolves to one of ``targets`` (``child_process.exec``),
    under whatever local name they were imported (``import { exec as run }``)."""
    if not index.calls:
        return

    def build() -> list[str]:
        names = {target.rsplit(".", 1)[-1] for target in targets}
        for local, qualified in adapter.module_names(document).imports.items():
            if qualified in targets:
                names.add(local)
        return sorted(names)

    names = context.cache.get(_CALL_NAMES, id(targets), build)
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
    return context.cache.get(
        _UNIT_INDEX,
        (unit.id, unit.start_byte, unit.end_byte),
        lambda: _build_unit_index(unit, document, context),
    )


_UNIT_INDEX: RunKey[UnitIndex] = RunKey("js.unit_index")
_CALL_NAMES: RunKey[list[str]] = RunKey("js.call_names")
_CALL_ALIASES: RunKey[frozenset[str]] = RunKey("js.call_aliases")


def _build_unit_index(unit: Node, document: Document, context: CheckContext) -> UnitIndex:
    aliases = _call_aliases(document, context)
    marks = adapter.take_index_marks(document, unit)
    if marks is not None and marks.names is _INDEX_NAMES:
        return _index_of_marks(marks, unit, document, aliases)
    return _queried_index(unit, document, aliases)


def _queried_index(unit: Node, document: Document, aliases: frozenset[str]) -> UnitIndex:
    """The unit's index from the index's query over it (a unit not lowered in this tree)."""
    index = UnitIndex()
    source = document.source
    found = False
    # One pass over the unit, the alias calls included (their names are never in CALL_NAMES).
    for question, node, name in (_INDEX_WITH_ALIASES if aliases else _INDEX).ask(unit, document):
        if question == "alias_call":
            called = _text(source, name)
            if called in aliases:
                found = True
                index.calls.setdefault(called, []).append(node)
            continue
        found = True
        if question == "call":
            index.calls.setdefault(_text(source, name), []).append(node)
        elif question == "new":
            index.news.setdefault(_text(source, name), []).append(node)
        elif question == "assign":
            index.assignments.setdefault(_text(source, name), []).append(node)
        elif question == "pair":
            index.pairs.setdefault(_text(source, name), []).append(node)
        elif question == "subscript_assign":
            index.subscript_assignments.append(node)
        elif question == "for_in":
            index.for_in_loops.append(node)
        elif question == "jsx":
            index.jsx_html.append(node)
    return index if found else EMPTY_INDEX


def _index_of_marks(marks, unit: Node, document: Document, aliases: frozenset[str]) -> UnitIndex:
    """The unit's index from what its lowering met (``javascript.IndexMarks``), with the index's
    query over the subtrees the lowering left alone: the same nodes in the same buckets as the
    query over the whole unit (``tests/unit/javascript/test_index_marks.py``), without that walk.
    Entries in the unit's parts are left to them, as ``unit_matches`` does; each bucket in the
    query's order (``_tree_order``)."""
    # (question, node, name node, name): as the index's patterns capture them.
    entries: list[tuple[str, Node, Node | None, str | None]] = []
    add = entries.append
    for node, name_node, name in marks.function_calls:
        if name in _CALL_NAME_SET or name in aliases:
            add(("call", node, name_node, name))
    for node, name_node, name in marks.method_calls:
        if name in _CALL_NAME_SET:
            add(("call", node, name_node, name))
    for node, name_node, name in marks.news:
        if name in _NEW_NAME_SET:
            add(("new", node, name_node, name))
    for node, name_node, name in marks.property_stores:
        if name in _ASSIGNED_SET:
            add(("assign", node, name_node, name))
    for node in marks.subscript_stores:
        add(("subscript_assign", node, None, None))
    for node, name_node, name in marks.pairs:
        if name in _PAIR_KEY_SET:
            add(("pair", node, name_node, name))
    for node in marks.loops:
        add(("for_in", node, None, None))
    for node, name_node, name in marks.jsx_attributes:
        if name in _JSX_SET:
            add(("jsx", node, name_node, name))
    if marks.unlowered:
        source = document.source
        questions = _INDEX_WITH_ALIASES if aliases else _INDEX
        for subtree in marks.unlowered:
            for question, node, name_node in questions.ask_in(subtree, document):
                name = _text(source, name_node) if name_node is not None else None
                if question == "alias_call":
                    if name not in aliases:
                        continue
                    question = "call"
                add((question, node, name_node, name))
    if not entries:
        return EMPTY_INDEX
    holes = adapter.unit_holes(document, unit)
    if holes:
        entries = [entry for entry in entries if not _in_holes(entry, holes)]
        if not entries:
            return EMPTY_INDEX
    if len(entries) > 1:
        entries.sort(key=_tree_order)
    index = UnitIndex()
    seen: set[tuple] = set()
    for question, node, _name_node, name in entries:
        marker = (question, node.id, node.start_byte, name)
        if marker in seen:
            continue  # lowered twice (`x[f()]++`)
        seen.add(marker)
        if question == "call":
            index.calls.setdefault(name, []).append(node)
        elif question == "new":
            index.news.setdefault(name, []).append(node)
        elif question == "assign":
            index.assignments.setdefault(name, []).append(node)
        elif question == "pair":
            index.pairs.setdefault(name, []).append(node)
        elif question == "subscript_assign":
            index.subscript_assignments.append(node)
        elif question == "for_in":
            index.for_in_loops.append(node)
        else:
            index.jsx_html.append(node)
    return index


def _tree_order(entry) -> tuple[int, int]:
    # The order the query finds them in: a match is complete at its pattern's last node, the name
    # (`a.get(x).get(y)`: the inner call first), else the node itself; outer before inner there.
    node = entry[2] if entry[2] is not None else entry[1]
    return (node.start_byte, -node.end_byte)


def _in_holes(entry, holes: list[tuple[int, int]]) -> bool:
    nodes = (entry[1], entry[2]) if entry[2] is not None else (entry[1],)
    return any(a <= node.start_byte and node.end_byte <= b for node in nodes for a, b in holes)


def _call_aliases(document: Document, context: CheckContext) -> frozenset[str]:
    """Imported names, other than the ones indexed anyway, bound to a function some rule looks at."""

    def build() -> frozenset[str]:
        names = adapter.module_names(document)
        return frozenset(
            local
            for local, qualified in names.imports.items()
            if qualified not in names.modules
            and qualified.rsplit(".", 1)[-1] in _CALL_NAME_SET
            and local not in _CALL_NAME_SET
        )

    return context.cache.get(_CALL_ALIASES, None, build)


def _text(source: bytes, node: Node) -> str:
    return source[node.start_byte : node.end_byte].decode("utf-8", errors="replace")


def text(document: Document, node: Node | None) -> str:
    return "" if node is None else _text(document.source, node)


# ---------------------------------------------------------------------------- imports (from the adapter)


def string_value(document: Document, node: Node | None) -> str | None:
    """The value of a plain string literal (or a template without substitutions), else None."""
    return adapter.string_value(document, node)


unit_ranges = unit_byte_ranges


def imports_key(document: Document, context: CheckContext) -> tuple:
    return adapter.module_names(document).key()


def imported_modules(document: Document, context: CheckContext) -> set[str]:
    return set(adapter.module_names(document).modules)


def local_name_for(document: Document, context: CheckContext, module: str, member: str | None) -> str | None:
    """The top-level name bound to ``module`` (or its ``member``), if any (the first one bound)."""
    wanted = f"{module}.{member}" if member else module
    for name, qualified in adapter.module_names(document).imports.items():
        if qualified == wanted and (member or qualified in adapter.module_names(document).modules):
            return name
    return None


def imported_as(document: Document, name: str) -> str | None:
    """What the top-level ``name`` was imported as (``child_process.exec``), if it was."""
    return adapter.module_names(document).imports.get(name)


def is_promisified(document: Document, context: CheckContext, name: str) -> bool:
    """Whether the top-level ``name`` is ``promisify(...)`` of an imported function."""
    return name in adapter.module_names(document).promisified


def qualified_callee(document: Document, context: CheckContext, call: Node) -> str | None:
    """``cp.exec(...)`` -> ``child_process.exec`` (imports resolved, locals shadowing them)."""
    return adapter.callee_of(document, call)


# ---------------------------------------------------------------------------- syntax

FUNCTION_TYPES = adapter.FUNCTION_TYPES
unwrap = adapter.unwrap
flatten_plus = adapter.flatten_plus
# The call and function helpers live with the other grammar knowledge (languages/javascript_syntax).
arguments_of = syntax.arguments_of
callee_object = syntax.callee_object
callee_property = syntax.callee_property
is_function_node = syntax.is_function_node
enclosing_function = syntax.enclosing_function
function_name = syntax.function_name


class JavaScriptFrontend(Frontend):
    """Runs the LG3xx rules over a unit. They share per-unit work: the taint rules read the dataflow
    facts of the unit's functions (``_flow``: lowered and interpreted once per unit and run, and only
    for functions that call a modelled sink), the pattern rules the unit's index of interesting
    nodes (``unit_index``, a by-product of the lowering). No prefilter on names here: which functions call a modelled
    sink, the lowering the file needs for its summaries already tells."""

    languages = LANGUAGES

    def module_context_key(
        self, document: Document, context: CheckContext, rules: Sequence[CodeRule]
    ) -> object:
        # Findings depend on the imports (qualified names) of the rules that read them, and on
        # what a rule names itself (LG320: top-level option objects).
        imports = None
        if any(rule.uses_imports for rule in rules):  # type: ignore[attr-defined]
            imports = imports_key(document, context)
        own = tuple(key for rule in rules if (key := rule.module_context_key(document, context)) is not None)
        return (imports, own) if own else imports

    def unit_context_key(self, unit: Node, document: Document, context: CheckContext) -> object:
        # The summaries of the same-file functions the unit calls: editing a helper rechecks its
        # callers only; the module's constants are in the analysis.
        return flow.unit_key(unit, document, context)

    def unit_context_epoch(self, document: Document, context: CheckContext) -> object:
        # A unit's key follows from its text while the lowerings of known texts, the file's
        # function keys and the summaries the keys name are the same (``flow.unit_key_epoch``).
        return flow.unit_key_epoch(document, context)

    def unit_input(self, name: str, unit: Node, document: Document, context: CheckContext) -> bool:
        # "facts": the dataflow facts of the unit's functions that can matter to a taint rule;
        # "index": the unit's nodes the pattern rules look at. Most units have neither.
        if name == FACTS:
            return bool(flow.unit_facts(unit, document, context))
        if name == INDEX:
            return unit_index(unit, document, context) is not EMPTY_INDEX
        raise ValueError(f"no unit input {name!r}")

    def check_unit(
        self, unit: Node, document: Document, context: CheckContext, rules: Sequence[CodeRule]
    ) -> list[Finding]:
        findings = super().check_unit(unit, document, context, rules)
        holes = adapter.unit_hole_nodes(document, unit)
        if not holes or not findings:
            return findings
        # A large unit's parts are units of their own: what lies in them is theirs to report.
        spans = [document.node_span(node) for node in holes]
        return [f for f in findings if not any(_starts_in(f.span, span) for span in spans)]


def _starts_in(span, outer) -> bool:
    start = (span.start_line, span.start_col)
    return (outer.start_line, outer.start_col) <= start < (outer.end_line, outer.end_col)


FRONTEND = JavaScriptFrontend()


# The unit inputs a rule can read (``CodeRule.reads``): ``_flow.unit_facts`` and ``unit_index``.
FACTS = "facts"
INDEX = "index"


class JavaScriptRule(CodeRule):
    """One LG3xx rule's logic over a unit (``CHECK = MyRule()`` in its module). A rule whose findings
    all come from the unit's facts or index says so in ``reads`` (``frozenset({js.FACTS})``)."""

    frontend = FRONTEND
    # Whether findings depend on the module's imports (then they are part of the cache key).
    uses_imports = True


class JavaScriptTaintRule(JavaScriptRule):
    """A rule reporting the calls of its unit that reach a sink of ``kinds`` (``_flow.hits``).

    A sink inside a same-file helper is reported where the helper is called, with
    ``helper_message`` (formatted with ``helper``, the helper's name); every other hit goes to
    ``check_hit``, which decides on it (a constant host, a ``root`` option ...) and builds the
    finding and its fix."""

    reads = frozenset({FACTS})
    kinds: tuple[str, ...] = ()
    parameters = False  # report a function's own parameters too (text built from them)
    require_built = True
    direct_only = False  # only labels that reached the sink as they are (URLs)
    helper_message = ""

    def check_unit(self, node, document, context) -> Iterator:
        for facts in flow.unit_facts(node, document, context):
            hits = flow.hits(
                facts,
                self.kinds,
                parameters=self.parameters,
                require_built=self.require_built,
                direct_only=self.direct_only,
            )
            for hit, labels in hits:
                if not self.reports(hit, labels):
                    continue
                if hit.via_helper is not None:
                    message = self.helper_message.format(helper=hit.via_helper)
                    yield self.rule.finding(document.node_span(hit.call.node), message)
                    continue
                yield from self.check_hit(facts, hit, labels, document, context)

    def reports(self, hit, labels) -> bool:
        """Whether the hit is one this rule speaks of at all (e.g. server-side request data)."""
        return True

    def check_hit(self, facts, hit, labels, document, context) -> Iterator:
        return iter(())
