"""Run the checks over a document, incrementally, and merge cached results.

``Analysis`` belongs to one open document. After each edit it is told which lines changed
(``LineChange``s from ``Document.apply_change``) and reruns only what those lines can affect:

- line checks (secrets, invisible Unicode): per-line result slots; an edit splices the slots
  (so findings below an insertion move with their lines, without being recomputed) and the
  touched lines, widened by the check (a PEM block), are rescanned;
- node checks (code patterns): results are cached per *unit* (a top-level statement, or a
  member of a top-level class) by the unit's text, the header of its class and the module
  context (imports), so only units whose text or class changed are rechecked; results are stored relative to the unit's first
  line and moved when lines above it change;
- document checks (manifests): rerun when the text changed.

Then configuration is applied (select/ignore, severity overrides), AI markers raise the
severity of findings in marked code, and suppression comments drop what they silence.
``analyze_text`` is the one-shot form used by the CLI.

What the findings do not wait for is left to ``Analysis.tidy``: the unit context keys of a run
that checked every unit (only later runs look them up) and the memory earlier trees left. The
server calls it when the keystrokes pause; the document calls it just before its next edit.

A run can be stopped part-way (``run(changes, stop=...)``: the editor sent a newer version, so
this run's findings would never be shown). It raises ``AnalysisCancelled`` and leaves the
analysis as if it had not run, except for results cached by text (valid for any later run);
the next run is given the stopped run's line changes followed by its own.
"""

from __future__ import annotations

import functools
import logging
import operator
import re
import weakref
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from itertools import compress, count

from tree_sitter import Node, QueryCursor

from landguard.engine.config import Config
from landguard.engine.document import Document, LineChange
from landguard.engine.findings import Finding, Span, TextEdit
from landguard.engine.languages import listed_units, tidy, unit_hole_lines, unit_holes, unit_splitter
from landguard.engine.registry import (
    Check,
    CheckContext,
    DocumentCheck,
    FindingsCheck,
    LineCheck,
    NodeCheck,
    checks_for,
)
from landguard.engine.suppress import apply_suppressions
from landguard.engine.testcode import apply_test_policy

log = logging.getLogger("landguard.analyze")

# Nodes whose members are analysed as separate units (a 3,000-line class is not one unit).
_CLASS_NODES = frozenset(
    {
        "class_definition",
        "decorated_definition",
        "class_declaration",
        "class",
        "abstract_class_declaration",
        "interface_declaration",
        "enum_declaration",
        "export_statement",
    }
)
_BODY_NODES = frozenset({"block", "class_body", "interface_body", "enum_body", "enum_body_declarations"})
# Nodes inside a class body that only group members (a Java enum's members after its constants):
# their members are units, so an edit in one member of a large enum rechecks that member.
_MEMBER_GROUPS = frozenset({"enum_body_declarations"})
_FUNCTION_NODES = frozenset(
    {
        "function_definition",
        "function_declaration",
        "method_definition",
        "method_declaration",
        "constructor_declaration",
        "arrow_function",
        "function_expression",
        "generator_function_declaration",
    }
)


def analysis_units(
    root: Node,
    nested: Callable[[Node], list[tuple[Node, str]]] | None = None,
    places: dict[tuple[int, int, int], str] | None = None,
) -> list[Node]:
    """The nodes node checks run on: top-level statements, with classes split into members.

    ``nested`` (the language's ``unit_splitter``) hands back the parts of a unit that are units of
    their own (a 17,000-line IIFE's functions), each with its parent's kind: they follow the unit,
    which keeps the rest. ``places`` receives their grammar places (see ``_grammar_place``)."""
    if nested is None:
        return [unit for unit, _ in _placed_units(root)]
    units: list[Node] = []
    for unit, _ in _placed_units(root):
        _with_parts(unit, nested, units, places)
    return units


def _placed_units(root: Node) -> Iterator[tuple[Node, str]]:
    """``analysis_units`` without parts split off, each with its grammar place (``_grammar_place``),
    known from the walk (asking a node for its parent walks down from the root)."""
    for unit, place, _owner in units_with_owners(root):
        yield unit, place


def units_with_owners(root: Node) -> Iterator[tuple[Node, str, Node | None]]:
    """(unit, its grammar place, the class whose member it is or None) for ``analysis_units``
    without parts split off, from one walk."""
    root_type = root.type
    for child in root.children:
        yield from _child_units(child, root_type)


def _child_units(child: Node, parent_type: str) -> Iterator[tuple[Node, str, Node | None]]:
    """``units_with_owners`` of one of the root's children (``parent_type``: the root's type)."""
    stack: list[tuple[Node, str, Node | None]] = [(child, parent_type, None)]
    while stack:
        node, parent_type, owner = stack.pop()
        kind = node.type
        if kind in _MEMBER_GROUPS and node.named_child_count:
            stack.extend((child, kind, owner) for child in reversed(node.named_children))
            continue
        if kind in _CLASS_NODES:
            body = _class_body(node)
            if body is not None and body.named_child_count > 1:
                # The header (everything before the body) is a unit of its own only through its members;
                # decorators and base classes are rarely where risks are, and the class node is too big.
                body_type = body.type
                stack.extend((child, body_type, node) for child in reversed(body.named_children))
                continue
        yield node, _place(parent_type, kind), owner


def units_with_owners_between(
    root: Node, low: int, high: int, changed: tuple[int, int]
) -> list[tuple[Node, Node | None]] | None:
    """(unit, the class whose member it is or None) as ``units_with_owners`` lists them, of the
    units overlapping bytes ``low..high``, from a walk of the nodes overlapping them only: for a
    list of units kept from the last tree around an edit (``low..high``: the bytes between the
    kept units). None when that does not fit: a unit reaching out of ``low..high``, a zero-width
    node at its ends, or a split class whose header ``changed`` (the edited bytes and the syntax
    changes) reaches (the class of its members kept outside ``low..high`` may be another)."""
    found: list[tuple[Node, Node | None]] = []
    fits = _units_between(root, None, False, low, high, changed, found)
    return found if fits else None


def _units_between(
    holder: Node,
    owner: Node | None,
    named_only: bool,
    low: int,
    high: int,
    changed: tuple[int, int],
    found: list[tuple[Node, Node | None]],
) -> bool:
    cursor = holder.walk()
    if cursor.goto_first_child_for_byte(max(low - 1, 0)) is None:
        return True
    while True:
        node = cursor.node
        start, end = node.start_byte, node.end_byte
        if start == end and start in (low, high):
            return False  # a unit of its own, or part of a kept one: not known here
        if start >= high and start != end:
            return True
        if (not named_only or node.is_named) and (end > low or start == end):
            kind = node.type
            body = _class_body(node) if kind in _CLASS_NODES else None
            if kind in _MEMBER_GROUPS and node.named_child_count:
                if not _units_between(node, owner, True, low, high, changed, found):
                    return False
            elif body is not None and body.named_child_count > 1:
                if start <= changed[1] and changed[0] <= body.start_byte:
                    return False
                if not _units_between(body, node, True, low, high, changed, found):
                    return False
            elif start < low or end > high:
                return False
            else:
                found.append((node, owner))
        if not cursor.goto_next_sibling():
            return True


def _class_header(owner: Node, source: bytes) -> bytes:
    """The text of a class that ``_child_units`` split into members, up to its body (decorators,
    modifiers, name, bases): the part of a member's cache key that says which class it is in."""
    body = _class_body(owner)
    return source[owner.start_byte : body.start_byte if body is not None else owner.end_byte]


@functools.lru_cache(maxsize=1024)
def _place(parent_type: str, kind: str) -> str:
    return f"{parent_type}/{kind}"


def _innermost_member(
    child: Node, root_type: str, low: int, high: int, source: bytes
) -> tuple[Node | None, str, Node | None]:
    """(node, its parent's type, the split class it is a member of) of the deepest of ``child``'s
    nodes whose units ``_child_units`` lists as a whole and that holds bytes ``low..high``: a unit,
    or a class split into members when the bytes are not inside one member or reach its header
    (every member's key holds the header). Between two members of a split class: the member after
    them when it starts on ``high``'s line (the text before it there is part of its key), else None
    (no unit holds them)."""
    node, parent_type, owner = child, root_type, None
    while True:
        kind = node.type
        if kind in _MEMBER_GROUPS and node.named_child_count:
            holder, member_type, member_owner = node, kind, owner
        elif (
            kind in _CLASS_NODES
            and (body := _class_body(node)) is not None
            and body.named_child_count > 1
            and low >= body.start_byte
        ):
            holder, member_type, member_owner = body, body.type, node
        else:
            return node, parent_type, owner
        # The first member ending after ``low``; the one before it may end at ``low`` itself.
        member = _first_named_child_ending_after(holder, low)
        before = member.prev_named_sibling if member is not None else holder.named_children[-1]
        if before is not None and before.start_byte <= low and high <= before.end_byte:
            if member is not None and member.start_byte <= high:
                # The bytes touch two members: one ends where the next starts (``}eep {``).
                return node, parent_type, owner
            member = before
        if member is None:
            return None, member_type, member_owner
        if member.start_byte <= low and high <= member.end_byte:
            after = member.next_named_sibling
            if after is not None and source.rfind(b"\n", high, after.start_byte) < 0:
                # The next member starts on the edited line: the text before it there is in its key.
                return node, parent_type, owner
            node, parent_type, owner = member, member_type, member_owner
            continue
        if member.start_byte < high:
            return node, parent_type, owner  # the bytes reach into a member from outside it: the whole class
        if source.rfind(b"\n", high, member.start_byte) < 0:
            return member, member_type, member_owner
        return None, member_type, member_owner


def _first_named_child_ending_after(node: Node, byte: int) -> Node | None:
    """``node.first_named_child_for_byte(byte)`` without it (it crashes the interpreter on some
    trees with tree-sitter 0.26): a cursor finds the first child ending after ``byte``."""
    cursor = node.walk()
    if cursor.goto_first_child_for_byte(byte) is None:
        return None
    while not cursor.node.is_named:
        if not cursor.goto_next_sibling():
            return None
    return cursor.node


class AnalysisCancelled(Exception):
    """``Analysis.run`` was stopped by its ``stop`` callback: pass its changes to the next run."""


def _with_parts(
    unit: Node,
    nested: Callable[[Node], list[tuple[Node, str]]],
    units: list[Node],
    places: dict[tuple[int, int, int], str] | None,
) -> None:
    units.append(unit)
    for part, parent in nested(unit):
        if places is not None:
            places[(part.id, part.start_byte, part.end_byte)] = f"{parent}/{part.type}"
        _with_parts(part, nested, units, places)


def unit_byte_ranges(document: Document, unit: Node) -> list[tuple[int, int]]:
    """The byte ranges of ``unit`` that are its own: all of it, unless the language split parts
    of it off into units of their own (``analysis_units``' ``nested``)."""
    holes = unit_holes(document, unit)
    if not holes:
        return [(unit.start_byte, unit.end_byte)]
    ranges: list[tuple[int, int]] = []
    start = unit.start_byte
    for hole_start, hole_end in holes:
        if hole_start > start:
            ranges.append((start, hole_start))
        start = max(start, hole_end)
    if start < unit.end_byte or not ranges:
        ranges.append((start, unit.end_byte))
    return ranges


def unit_text(document: Document, unit: Node) -> bytes:
    """The unit's text for its cache key: its parts that are units of their own (see
    ``analysis_units``' ``nested``) are left out, each replaced by how many lines it spans and how
    long its last line is. The unit's own findings stay where they are relative to its first line
    while those hold, whatever is edited inside the parts (typing in one of a bundle's 300
    functions does not re-check the bundle's skeleton)."""
    source = document.source
    holes = unit_hole_lines(document, unit)
    if not holes:
        return source[unit.start_byte : unit.end_byte]
    pieces: list[bytes] = []
    start = unit.start_byte
    for hole_start, hole_end, lines in holes:
        pieces.append(source[start:hole_start])
        newline = source.rfind(b"\n", hole_start, hole_end)
        last_line = source[newline + 1 if newline >= 0 else hole_start : hole_end]
        pieces.append(b"\0%d:%d\0" % (lines, len(last_line.decode("utf-8", "replace"))))
        start = max(start, hole_end)
    pieces.append(source[start : unit.end_byte])
    return b"".join(pieces)


def unit_matches(compiled, unit: Node, document: Document) -> list[tuple[int, dict[str, list[Node]]]]:
    """A tree-sitter query's matches in the unit's own code (see ``unit_byte_ranges``): what lies
    in the parts split off is left to those units."""
    holes = unit_holes(document, unit)
    if not holes:
        return QueryCursor(compiled).matches(unit)
    found = []
    seen: set[tuple[int, int, int, int]] = set()
    for start, end in unit_byte_ranges(document, unit):
        cursor = QueryCursor(compiled)
        cursor.set_byte_range(start, end)
        for pattern, captured in cursor.matches(unit):
            nodes = [node for group in captured.values() for node in group]
            if any(a <= node.start_byte and node.end_byte <= b for node in nodes for a, b in holes):
                continue  # a match inside a part that is a unit of its own
            first = nodes[0]
            marker = (pattern, first.id, first.start_byte, first.end_byte)
            if marker not in seen:
                seen.add(marker)
                found.append((pattern, captured))
    return found


def _class_body(node: Node) -> Node | None:
    if node.type == "decorated_definition":
        inner = node.child_by_field_name("definition")
        return _class_body(inner) if inner is not None and inner.type == "class_definition" else None
    if node.type == "export_statement":
        inner = node.child_by_field_name("declaration")
        return _class_body(inner) if inner is not None and inner.type in _CLASS_NODES else None
    body = node.child_by_field_name("body")
    return body if body is not None and body.type in _BODY_NODES else None


# A unit's cache key: where the grammar placed it, the text before it on its first line, its text,
# and the header of the class it is a member of (None: no class's). The header makes a member's
# identity its class and its text: ``int size() { return size; }`` in a list and in its sublist are
# two units, so a frontend whose unit context depends on the class (the methods its calls resolve
# against) keys each by text under one ``unit_context_epoch``, and a member moved to another class
# is checked again.
UnitKey = tuple[str, bytes, bytes, bytes | None]
# A unit of a run: its node (None until needed when taken over from the last run, see
# ``Analysis._find_nodes``), its start point and its key.
_UnitRow = tuple[Node | None, tuple[int, int], UnitKey]
# The units of one of the root's children, kept for the next run: the child's length and type,
# its start row, its units' rows (without nodes) and their start bytes relative to the child's.
_UnitGroup = tuple[int, str, int, list[_UnitRow], list[int]]
_ROW_KEY = operator.itemgetter(2)  # a ``_UnitRow``'s key
# A source edit since the last ``_units``: (start, old end, new end, syntax changes or None).
_SourceEdit = tuple[int, int, int, tuple[tuple[int, int], ...] | None]


def _grammar_place(unit: Node) -> str:
    """The unit's node kind and its parent's (a method in a class body, a function at top level)."""
    parent = unit.parent
    return f"{parent.type if parent is not None else ''}/{unit.type}"


class Analysis:
    """Incremental findings for one document."""

    def __init__(
        self,
        document: Document,
        config: Config,
        checks: Sequence[Check] | None = None,
        *,
        incremental: bool = True,
    ) -> None:
        """``incremental=False``: one run and no other (``landguard check``, a workspace scan). Nothing
        is kept for a next run, so the units of a node check get no cache key: what a key holds
        beyond the unit's text (the summaries of the same-file functions it calls) is worked out
        only where a rule needs it, not for every unit. The findings are the same."""
        self.document = document
        self.incremental = incremental
        self.checks: list[Check] = []
        # Per line check: (line -> its findings, for the lines that have any; lines analysed; the
        # check's module context key), as of the last run.
        self._line_state: dict[int, tuple[dict[int, tuple[Finding, ...]], int, object]] = {}
        # Per line check: id(slot) -> (slot, line, its findings placed at that line).
        self._placed: dict[int, dict[int, tuple[tuple[Finding, ...], int, list[Finding]]]] = {}
        # Per node check: (module context key, {unit key: findings relative to the unit}).
        self._node_cache: dict[int, tuple[object, dict[UnitKey, tuple[Finding, ...]]]] = {}
        # Per node check with unit context keys: (its unit context epoch, {unit text key: (that
        # key, the unit's context key)}), reused while the epoch is the same (``unit_context_epoch``).
        self._unit_contexts: dict[int, tuple[object, dict[UnitKey, tuple[UnitKey, object]]]] = {}
        # Per node check: (cache key, unit start line) -> (cached findings, those findings placed there).
        self._node_placed: dict[int, _Placed] = {}
        # Per node check keyed by text only: the cache entries that hold findings.
        self._node_hits: dict[int, dict[UnitKey, tuple[Finding, ...]]] = {}
        # Per node check with unit context keys, under its current epoch and module key: (unit text
        # key -> its cached findings, the same for those that hold findings). Within one epoch a
        # text key tells the unit's whole key (``unit_context_epoch``), so a run finds the new texts
        # by set difference and places the findings of the others, as ``_run_node_check_by_text``.
        self._epoch_texts: dict[
            int, tuple[dict[UnitKey, tuple[Finding, ...]], dict[UnitKey, tuple[Finding, ...]]]
        ] = {}
        self._document_cache: dict[int, tuple[str, tuple[Finding, ...]]] = {}
        # Per node check whose last run checked every unit (nothing was cached: the first run, a
        # changed module key), the units' keys that run did not work out (``_deferred_keys``).
        self._pending_keys: dict[int, _PendingKeys] = {}
        # Cache keys of the units of the previous run (each mapped to itself): a line finding's
        # fixes depend on the tree around it (a string, a comment), so lines in a unit that changed
        # are rescanned. A unit found again with the same key gets that key object (``_same_key``).
        self._unit_keys: dict[UnitKey, UnitKey] = {}
        # The units of the last ``_units``, grouped by the root's child they lie in (by its start
        # byte), and the source edits since with their syntax changes (None: unknown, the units are
        # found afresh). A child no edit and no syntax change reached holds the units it held, at
        # the same place relative to it: they are taken over without a walk; a unit no edit touched
        # has the text it had, so its key is the same object, not sliced and hashed again.
        self._unit_groups: dict[int, _UnitGroup] = {}
        self._edits_since_units: list[_SourceEdit] | None = None
        self._lines_since_units = 0  # lines those edits added (removed: negative)
        self._given_checks = checks
        self._all_checks = self._checks_of(document.language)
        self._language = document.language
        self.set_config(config)
        document.before_change = weakref.WeakMethod(self._complete_unit_keys)

    def _checks_of(self, language: str) -> list[Check]:
        """The checks given, or those a document of ``language`` may run (its language's rules are
        loaded with its first analysis: ``registry.checks_for``)."""
        return list(self._given_checks) if self._given_checks is not None else list(checks_for(language))

    def set_config(self, config: Config) -> None:
        """New settings: drop every cached result (enabled rules and context may differ)."""
        self.config = config
        self.document.max_bytes = config.max_file_size
        self.document.too_large = self.document.size > config.max_file_size
        self.checks = [
            c
            for c in self._all_checks
            if c.applies_to(self.document) and any(config.is_enabled(r.id) for r in c.rules)
        ]
        self._line_state.clear()
        self._placed.clear()
        self._node_cache.clear()
        self._unit_contexts.clear()
        self._node_placed.clear()
        self._node_hits.clear()
        self._epoch_texts.clear()
        self._document_cache.clear()
        self._pending_keys.clear()
        self._unit_keys = {}
        self._unit_groups = {}
        self._edits_since_units = None

    def replace_document(self, document: Document) -> None:
        """Go on with ``document``, which has the same text as the current one (``Document.idle_copy``).

        The cached results stay valid: they are keyed by line and by text, never by tree."""
        if document.text != self.document.text:
            raise ValueError("replace_document needs a document with the same text")
        self._complete_unit_keys()  # on the tree they belong to
        self.document.before_change = None
        self.document = document
        document.before_change = weakref.WeakMethod(self._complete_unit_keys)

    def tidy(self) -> None:
        """Work of the last run that its findings did not wait for, done while the document is not
        being edited: the unit keys of a run that checked every unit (``_deferred_keys``), and
        freeing what earlier trees left (``languages.tidy``). A caller that never calls it loses
        nothing: the keys are worked out before the document's next edit or run, the memory is
        freed by the next run."""
        self._complete_unit_keys()
        tidy(self.document)

    def _complete_unit_keys(self) -> None:
        """Key the findings of the units that runs checked without working out their keys
        (``_deferred_keys``), on the tree they checked: then the next run reuses them as if they
        had been keyed when checked. Also called by the document just before an edit."""
        pending, self._pending_keys = self._pending_keys, {}
        if not pending:
            return
        document = self.document
        if document.parse_deferred:
            return  # the text is past the tree (edits not parsed yet): the next run checks them again
        for index, (generation, context, module_key, rows, placed) in pending.items():
            entry = self._node_cache.get(index)
            if generation != document.tree_generation or entry is None or entry[0] is not module_key:
                continue  # another tree, or another run since: the next run checks these units again
            check = self.checks[index]
            cache = entry[1]
            keys: dict[UnitKey, tuple[UnitKey, object]] = {}
            try:
                for text_key, unit, cached in rows:
                    key = (text_key, check.unit_context_key(unit, document, context))
                    keys[text_key] = key
                    cache[key] = cached
            except Exception:
                # As in a run: one broken check must not stop the others (nor, called before an
                # edit, the edit); the units left unkeyed are checked again by the next run.
                log.exception("check %s failed on %s", type(check).__name__, document.path or "<buffer>")
            self._unit_contexts[index][1].update(keys)
            self._node_placed[index] = {
                (keys[text_key], line): value
                for (text_key, line), value in placed.items()
                if text_key in keys
            }

    # ------------------------------------------------------------------ running

    def run(
        self, changes: Iterable[LineChange] = (), stop: Callable[[], bool] | None = None
    ) -> list[Finding]:
        """Findings for the document's current text, given the line changes since the last run.

        ``stop`` is asked between checks and between units; when it says yes the run raises
        ``AnalysisCancelled`` and what it consumed of ``changes`` is put back (see the module
        docstring), so the next run must be given ``changes`` again, then the newer ones."""
        if self.document.language != self._language:
            # A Vue component's script changed grammar (``lang="ts"`` typed): nothing cached holds.
            self._language = self.document.language
            self._all_checks = self._checks_of(self._language)
            self.set_config(self.config)
        self._complete_unit_keys()  # a second run of the same tree reuses the first's findings
        if stop is None:
            return self._run(changes, None)
        # What consumes line changes, restored if the run is stopped. Line results are kept per
        # line with findings, so the copy costs the lines with findings, not the document.
        # The unit groups are put back with the source edits they are reached by: the next run is
        # given this run's changes again, and groups of this run's text would have them counted twice
        # (a unit would take the key of another of the same kind and length).
        saved = (
            {index: (dict(found), covered, key) for index, (found, covered, key) in self._line_state.items()},
            dict(self._placed),
            self._unit_keys,
            self._unit_groups,
            None if self._edits_since_units is None else list(self._edits_since_units),
            self._lines_since_units,
        )
        try:
            return self._run(changes, stop)
        except AnalysisCancelled:
            (
                self._line_state,
                self._placed,
                self._unit_keys,
                self._unit_groups,
                self._edits_since_units,
                self._lines_since_units,
            ) = saved
            raise

    def _run(self, changes: Iterable[LineChange], stop: Callable[[], bool] | None) -> list[Finding]:
        document = self.document
        context = CheckContext(self.config, one_shot=not self.incremental)
        findings: list[Finding] = []
        units: list[_UnitRow] | None = None
        changes = list(changes)  # every line check splices its slots with the same changes
        if self._edits_since_units is not None:
            for change in changes:
                if change.source_edit is None:
                    self._edits_since_units = None
                    break
                self._edits_since_units.append((*change.source_edit, change.syntax_changes))
                self._lines_since_units += change.delta
        changed_units: list[tuple[int, int]] | None = None
        by_text: _UnitsByText | None = None
        for index, check in enumerate(self.checks):
            if stop is not None and stop():
                raise AnalysisCancelled
            if document.is_binary and not check.rules[0].id.startswith("LG0"):
                # Not run on binary text, so its slots miss the line changes meanwhile: start over.
                self._line_state.pop(index, None)
                continue
            try:
                if isinstance(check, LineCheck):
                    if changed_units is None:
                        if units is None:
                            units = self._units()
                        changed_units = self._changed_units(units)
                    findings.extend(self._run_line_check(index, check, changes, context, changed_units))
                elif isinstance(check, NodeCheck):
                    if units is None:
                        units = self._units()  # once per run, shared by every node check
                    if check.has_unit_context_keys():
                        findings.extend(self._run_node_check(index, check, context, units, stop))
                    else:
                        if by_text is None:
                            by_text = _UnitsByText(units)
                        findings.extend(self._run_node_check_by_text(index, check, context, by_text, stop))
                elif isinstance(check, DocumentCheck):
                    findings.extend(self._run_document_check(index, check, context))
            except AnalysisCancelled:
                raise
            except Exception:
                # One broken check must not blind the others; the trace goes to the log.
                log.exception("check %s failed on %s", type(check).__name__, document.path or "<buffer>")
        if stop is not None and stop():
            raise AnalysisCancelled
        return self._finish(findings)

    def _run_line_check(
        self,
        index: int,
        check: LineCheck,
        changes: Iterable[LineChange],
        context: CheckContext,
        changed_units: Sequence[tuple[int, int]] = (),
    ) -> list[Finding]:
        """Rescan the lines that changed and reuse the rest: the cost follows the edit and the
        number of lines with findings, never the length of the document."""
        document = self.document
        line_count = document.analysed_line_count
        state = self._line_state.get(index)
        # Results that depend on what lies outside their line (fixes inserting ``import os`` at the
        # top) are reused only while the check's module context key is unchanged; a changed key
        # rescans every line with findings (a line without any stays clean whatever is outside it).
        key = check.module_context_key(document, context)
        if state is None:
            found: dict[int, tuple[Finding, ...]] = {}
            dirty = [(0, line_count - 1)]
            key_changed = False
        else:
            found, covered, previous_key = state
            dirty = []
            for change in changes:
                found, dirty = _splice_lines(found, dirty, change)
                covered += change.delta
            # The size limit may have moved the end of the analysed region.
            if covered < line_count:
                dirty.append((covered, line_count - 1))
            elif covered > line_count:
                found = {n: slot for n, slot in found.items() if n < line_count}
            key_changed = key != previous_key
            if key_changed and check.context_decides_lines:
                dirty = [(0, line_count - 1)]
            unit_ranges = _merged(list(changed_units), line_count)
            for n, slot in found.items():
                if (
                    (key_changed and slot)
                    or (type(slot) is _Rescan and (slot.line != n or key is None))
                    or _in_ranges(n, unit_ranges)  # the tree around it changed (a string, a comment)
                ):
                    dirty.append((n, n))
        self._line_state[index] = (found, line_count, key)

        done = -1  # the last line scanned so far (widening can cover lines beyond a dirty range)
        for first, last in _merged(dirty, line_count):
            if last <= done:
                continue
            first, last = check.widen(document, max(first, done + 1), last)
            first, last = max(first, 0), min(last, line_count - 1)
            per_line: dict[int, list[Finding]] = {}
            for finding in check.scan_lines(document, first, last, context):
                start = finding.span.start_line
                if first <= start <= last:
                    per_line.setdefault(start, []).append(finding.shifted(-start))
            # The old slots of the scanned lines go: by the slots when they are fewer than the lines
            # (a first scan has none; a whole document rescanned has a few lines with findings).
            if len(found) < last - first + 1:
                for n in [n for n in found if first <= n <= last]:
                    del found[n]
            else:
                for n in range(first, last + 1):
                    found.pop(n, None)
            for n, items in per_line.items():
                found_here = tuple(items)
                reaches_outside = any(
                    _reaches_outside((f,), Span(0, 0, f.span.end_line, 1 << 30)) for f in found_here
                )
                # Relative to the line, except that edits outside it stay where they are (absolute).
                found[n] = _Rescan(found_here, n) if reaches_outside else found_here
            done = max(done, last)

        # Findings placed at their line, reused while a slot stays on the same line (most of them):
        # the same objects, so the diagnostics made of them are reused too (``lsp/convert.py``).
        placed = self._placed.get(index, {})
        now_placed: dict[int, tuple[tuple[Finding, ...], int, list[Finding]]] = {}
        results: list[Finding] = []
        for n, items in found.items():
            known = placed.get(id(items))
            if known is not None and known[0] is items and known[1] == n:
                here = known[2]
            elif type(items) is _Rescan:
                here = [_move_keeping_outside_edits(f, n, items.line) for f in items]
            else:
                here = [f.shifted(n) for f in items]
            now_placed[id(items)] = (items, n, here)
            results.extend(here)
        self._placed[index] = now_placed
        return results

    def _changed_units(self, units: list[_UnitRow]) -> list[tuple[int, int]]:
        """Line ranges of the units whose text is new since the previous run."""
        previous = self._unit_keys
        keys = list(map(_ROW_KEY, units))
        self._unit_keys = {key: key for key in keys}
        changed = list(compress(count(), map(operator.not_, map(previous.__contains__, keys))))
        if any(units[index][0] is None for index in changed):
            self._find_nodes(units)
        return [(units[index][0].start_point[0], units[index][0].end_point[0]) for index in changed]

    def _same_key(self, key: UnitKey) -> UnitKey:
        """The previous run's key object equal to ``key``, else ``key``. An idle document's first
        edit parses afresh and walks every unit again: without this, each of its keys, which the
        caches keep until the unit's text changes, would be a new copy of the unit's text
        allocated among that edit's garbage (a parse and lowering of the whole file), and the old
        copy freed, which is how long-lived blocks spread over the allocator's arenas and the
        resident memory grew with the edits (``docs/benchmarks.md``, branch ``soak``)."""
        return self._unit_keys.get(key, key)

    def _units(self) -> list[_UnitRow]:
        """(unit, start point, cache key text) for every analysis unit of the current tree."""
        document = self.document
        edits, self._edits_since_units = self._edits_since_units, []
        lines_added, self._lines_since_units = self._lines_since_units, 0
        if document.tree is None:
            return []
        source = document.source
        # The key pairs the unit's text with the text before it on its first line: findings there carry
        # code-point columns, which depend on what precedes the unit (an emoji is 1 column, 4 bytes).
        # A pair, not a concatenation: "    def g(" + "x" and "    " + "def g(x" are different units.
        # It also holds what the parser made of the text where it stands: after a syntax error the same
        # `function view(req) {...}` may be recovered as a method inside the class above it, which the
        # rules read differently from a top-level function.
        same_key = self._same_key
        listed = listed_units(document)
        if listed is not None:
            nodes, grammar_places, texts = listed
            rows: list[_UnitRow] = []
            add, kept_key = rows.append, self._unit_keys.get  # ``_same_key``, bound once
            for unit, place, text in zip(nodes, grammar_places, texts, strict=True):
                # Each property read once: a bundle has a thousand units, on every keystroke.
                point = unit.start_point
                start = unit.start_byte
                prefix = source[start - point[1] : start]
                key = (place or _grammar_place(unit), prefix, text, None)
                add((unit, point, kept_key(key, key)))
            return rows
        nested = unit_splitter(document)
        if nested is not None:
            places: dict[tuple[int, int, int], str] = {}
            units = analysis_units(document.tree.root_node, nested, places)
            return [
                (
                    unit,
                    unit.start_point,
                    same_key(
                        (
                            places.get((unit.id, unit.start_byte, unit.end_byte)) or _grammar_place(unit),
                            source[unit.start_byte - unit.start_point[1] : unit.start_byte],
                            unit_text(document, unit),
                            None,
                        ),
                    ),
                )
                for unit in units
            ]
        return self._units_by_top_level_child(edits, lines_added)

    def _units_by_top_level_child(self, edits: list[_SourceEdit] | None, lines_added: int) -> list[_UnitRow]:
        """``_units`` for a tree whose units are found by ``units_with_owners``: the root's children
        that the edits since the last run left alone (and whose syntax did not change) keep their
        units, without a walk; the others are walked. A unit taken over has no node (None, see
        ``_find_nodes``): only units that are checked need one, and those are mostly the new ones."""
        root = self.document.tree.root_node
        previous, self._unit_groups = self._unit_groups, {}
        groups = self._unit_groups
        if edits is None:
            previous = {}
        # One edit since the last run (a keystroke): its bounds, to test each child against inline;
        # its syntax changes say whether an untouched child is parsed as it was.
        edit_start, old_end, new_end, syntax_changes = (
            edits[0] if edits is not None and len(edits) == 1 else (-1, -1, -1, () if edits == [] else None)
        )
        root_type = root.type
        found: list[_UnitRow] = []
        children: Iterable[Node] = root.children
        kept_after: list[tuple[int, _UnitGroup]] = []
        if edit_start >= 0 and syntax_changes is not None and previous:
            around = self._kept_around(root, previous, edits[0], lines_added)  # type: ignore[index]
            if around is not None:
                # Only the children between those the edit left alone are looked at below.
                kept_before, children, kept_after = around
                for start, group in kept_before:
                    groups[start] = group
                    found.extend(group[3])
        for child in children:
            start, end = child.start_byte, child.end_byte
            start_row, start_col = child.start_point
            line_start = start - start_col
            old_start: int | None = start  # where the child's first line stood in the last ``_units``' text
            if edit_start < 0:
                shift = _shift_before_edits(max(line_start - 1, 0), end, edits) if edits is not None else None
                old_start = None if shift is None else start + shift
            elif line_start - 1 > new_end:
                old_start = start + old_end - new_end
            elif end >= edit_start:
                old_start = None  # the edit lies in the child or on its first line
            group = previous.get(old_start if old_start is not None else start)
            if (
                group is not None
                and old_start is not None
                and group[0] == end - start
                and group[1] == child.type
                and syntax_changes is not None
                and not any(a <= end and line_start - 1 <= b for a, b in syntax_changes)
            ):
                # Untouched text parsed as before: the same units at the same places relative to it.
                length, kind, first_row, rows, starts = group
                if first_row != start_row:
                    moved = start_row - first_row
                    rows = [(None, (row + moved, col), key) for _, (row, col), key in rows]
                groups[start] = (length, kind, start_row, rows, starts)
                found.extend(rows)
                continue
            if group is not None and old_start is None and edit_start >= start and syntax_changes is not None:
                # A keystroke inside this child: only the innermost member around it is walked.
                spliced = self._splice_group(child, root_type, group, edits[0], lines_added, found)  # type: ignore[index]
                if spliced is not None:
                    groups[start] = spliced
                    continue
            # Walked: the keys of the units no edit touched are taken over (their text is the same).
            # Each is checked on its own below, so a group that is not this child's does no harm.
            keys: dict[int, UnitKey] = {}
            if group is not None:
                base = old_start if old_start is not None else start
                keys = {base + offset: row[2] for offset, row in zip(group[4], group[3], strict=True)}
            rows, starts = self._walk_units(child, root_type, start, keys, edits, found)
            groups[start] = (end - start, child.type, start_row, rows, starts)
        for start, group in kept_after:
            groups[start] = group
            found.extend(group[3])
        return found

    def _kept_around(
        self, root: Node, previous: dict[int, _UnitGroup], edit: _SourceEdit, lines_added: int
    ) -> tuple[list[tuple[int, _UnitGroup]], list[Node], list[tuple[int, _UnitGroup]]] | None:
        """For one edit: (the last run's groups of the root's children wholly before the edit and
        its syntax changes, the root's children from there to the first child wholly after them
        whose first line starts after them too, that child's and the later children's groups at
        their new starts), without a look at the children before or after (a 17,000-line module
        has hundreds). None when the tree does not fit the last run's groups around the edit."""
        source = self.document.source
        edit_start, old_end, new_end, syntax_changes = edit
        delta = new_end - old_end
        low = min((edit_start, *(a for a, _ in syntax_changes)))  # type: ignore[union-attr]
        high = max((new_end, *(b for _, b in syntax_changes)))  # type: ignore[union-attr]
        starts = list(previous)  # ascending: the groups were made in the root's child order
        before = bisect_right(starts, low)
        while before and starts[before - 1] + previous[starts[before - 1]][0] >= low:
            before -= 1
        after = bisect_right(starts, max(old_end, high - delta))
        # The text before a child on its first line is part of its first unit's key.
        while after < len(starts) and source.rfind(b"\n", high + 1, starts[after] + delta) < 0:
            after += 1
        resume = starts[after] + delta if after < len(starts) else None
        cursor = root.walk()
        if before:
            prefix_end = starts[before - 1] + previous[starts[before - 1]][0]
            found_child = cursor.goto_first_child_for_byte(prefix_end) is not None
        else:
            found_child = cursor.goto_first_child()
        middle: list[Node] = []
        while found_child:
            node = cursor.node
            if resume is not None and node.start_byte >= resume:
                length, kind = previous[starts[after]][:2]
                if (node.start_byte, node.end_byte - node.start_byte, node.type) != (resume, length, kind):
                    return None
                break
            middle.append(node)
            found_child = cursor.goto_next_sibling()
        else:
            if resume is not None:
                return None
        if before + len(middle) + len(starts) - after != root.child_count:
            return None
        kept_after = []
        for start in starts[after:]:
            group = previous[start]
            if lines_added:
                length, kind, first_row, rows, offsets = group
                rows = [(None, (row + lines_added, col), key) for _, (row, col), key in rows]
                group = (length, kind, first_row + lines_added, rows, offsets)
            kept_after.append((start + delta, group))
        return [(start, previous[start]) for start in starts[:before]], middle, kept_after

    def _walk_units(
        self,
        node: Node,
        parent_type: str,
        child_start: int,
        keys: dict[int, UnitKey],
        edits: list[_SourceEdit] | None,
        found: list[_UnitRow],
        outer_owner: Node | None = None,
    ) -> tuple[list[_UnitRow], list[int]]:
        """The units of ``node`` (a root's child, or a member inside one, whose parent has type
        ``parent_type``), appended to ``found`` with their nodes; returned as group rows (without
        nodes) and their start bytes relative to ``child_start``. ``keys``: the last run's keys by
        their old start byte, taken over by the units no edit touched (their text is the same).
        ``outer_owner``: the split class ``node`` is a member of, if any (its header is in the keys)."""
        source = self.document.source
        edit_start, old_end, new_end, _ = (
            edits[0] if edits is not None and len(edits) == 1 else (-1, -1, -1, None)
        )
        rows: list[_UnitRow] = []
        starts: list[int] = []
        headers: dict[int, bytes] = {}  # class node id -> its header (many units share one class)
        for unit, place, unit_owner in _child_units(node, parent_type):
            unit_start, unit_end = unit.start_byte, unit.end_byte
            start_point = unit.start_point
            unit_line_start = unit_start - start_point[1]
            header = None
            owner = unit_owner or outer_owner
            if owner is not None:
                header = headers.get(owner.id)
                if header is None:
                    header = headers[owner.id] = _class_header(owner, source)
            key = None
            if keys:
                if edit_start < 0:
                    unit_shift = _shift_before_edits(max(unit_line_start - 1, 0), unit_end, edits)  # type: ignore[arg-type]
                elif unit_end < edit_start:
                    unit_shift = 0
                elif unit_line_start - 1 > new_end:
                    unit_shift = old_end - new_end
                else:
                    unit_shift = None
                if unit_shift is not None:
                    key = keys.get(unit_start + unit_shift)
                    if key is not None and (
                        key[0] != place or len(key[2]) != unit_end - unit_start or key[3] != header
                    ):
                        # Another unit starts there now (or a zero-width one did), or the edit
                        # changed the header of its class, or moved it into another class.
                        key = None
            if key is None:
                key = self._same_key(
                    (place, source[unit_line_start:unit_start], source[unit_start:unit_end], header)
                )
            found.append((unit, start_point, key))
            rows.append((None, start_point, key))
            starts.append(unit_start - child_start)
        return rows, starts

    def _splice_group(
        self,
        child: Node,
        root_type: str,
        group: _UnitGroup,
        edit: _SourceEdit,
        lines_added: int,
        found: list[_UnitRow],
    ) -> _UnitGroup | None:
        """The new group of ``child``, a root's child that one edit (``edit``) reached past its start:
        only the innermost member of a split class around the edit and its syntax changes is walked
        (or, for an edit between members, none, or the next member when it starts on the edit's
        line); the other units keep their rows, moved by the lines the edit added or removed. None
        when the last run's group does not fit around that member (then the child is walked whole).

        Exact because outside the edited bytes and the syntax changes every node has the ancestors
        it had (``LineChange.syntax_changes``): the members around the walked one are the same
        nodes, split the same way, and a unit whose first line starts after the edit has its text
        and the text before it on that line as before."""
        source = self.document.source
        edit_start, old_end, new_end, syntax_changes = edit
        start, end = child.start_byte, child.end_byte
        delta = new_end - old_end
        length, kind, first_row, rows, starts = group
        if length != end - start - delta or kind != child.type:
            return None
        low = min((edit_start, *(a for a, _ in syntax_changes)))  # type: ignore[union-attr]
        high = max((new_end, *(b for _, b in syntax_changes)))  # type: ignore[union-attr]
        if low < start or high > end:
            return None
        walked, parent_type, owner = _innermost_member(child, root_type, low, high, source)
        if walked is None:
            # Between members, on lines of their own: no unit's text changed.
            walked_start = walked_end = high
        else:
            walked_start, walked_end = walked.start_byte, walked.end_byte
        # The walked member's range in the last run's text: it holds the edit, or lies after it.
        old_first = walked_start if walked_start <= edit_start else walked_start - delta
        old_last = walked_end - delta if walked_end >= new_end else walked_end
        first = bisect_right(starts, old_first - start - 1)  # the first unit starting at old_first or later
        last = bisect_right(starts, old_last - start - 1)
        if first > 0 and start + starts[first - 1] + len(rows[first - 1][2][2]) > min(old_first, edit_start):
            return None  # a kept unit would overlap the walked member or the edit
        if last < len(rows):
            next_start = start + starts[last] + delta  # where the first unit after it starts now
            if (
                next_start < max(walked_end, high)
                or source.rfind(b"\n", max(walked_end, high), next_start) < 0
            ):
                return None  # its first line holds edited text (the text before it is part of its key)
        keys = {
            start + offset: row[2] for offset, row in zip(starts[first:last], rows[first:last], strict=True)
        }
        found.extend(rows[:first])
        new_rows, new_starts = (
            self._walk_units(walked, parent_type, start, keys, [edit], found, owner)
            if walked is not None
            else ([], [])
        )
        after_rows, after_starts = rows[last:], starts[last:]
        if lines_added:
            after_rows = [(None, (row + lines_added, col), key) for _, (row, col), key in after_rows]
        if delta:
            after_starts = [offset + delta for offset in after_starts]
        found.extend(after_rows)
        return (
            end - start,
            kind,
            first_row,
            rows[:first] + new_rows + after_rows,
            starts[:first] + new_starts + after_starts,
        )

    def _node_of(self, units: list[_UnitRow], position: int) -> Node:
        """The node of ``units[position]``, found (with every other one) if it was taken over."""
        if units[position][0] is None:
            self._find_nodes(units)
        return units[position][0]

    def _find_nodes(self, units: list[_UnitRow]) -> None:
        """Give every unit of ``units`` (this run's, from ``_units``) its node, by a walk of the
        tree: for the runs that check units the last run had too (a changed import rechecks all)."""
        document = self.document
        index = 0
        root = document.tree.root_node
        for child in root.children:
            for unit, _place, _owner in _child_units(child, root.type):
                row = units[index]
                if row[0] is None:
                    units[index] = (unit, row[1], row[2])
                index += 1
        if index != len(units):
            raise RuntimeError(f"{len(units)} units kept, {index} in the tree")  # a broken group

    def _run_node_check(
        self,
        index: int,
        check: NodeCheck,
        context: CheckContext,
        units: list[_UnitRow],
        stop: Callable[[], bool] | None = None,
    ) -> list[Finding]:
        document = self.document
        if document.tree is None:
            return []
        if not self.incremental:
            # Every unit once, in order, as the cached path yields them: no key, nothing kept.
            return check.check_nodes([unit for unit, _, _ in units], document, context)
        module_key = check.module_context_key(document, context)
        previous = self._node_cache.get(index)
        # A changed module context (imports) invalidates every unit of this check.
        cache = previous[1] if previous is not None and previous[0] == module_key else {}
        results: list[Finding] = []
        fresh: dict[object, tuple[Finding, ...]] = {}
        placed = self._node_placed.get(index, {}) if cache else {}
        now_placed: _Placed = {}
        unit_keyed = check.has_unit_context_keys()
        known_contexts: dict[UnitKey, tuple[UnitKey, object]] = {}
        contexts: dict[UnitKey, tuple[UnitKey, object]] = {}
        by_text_cache: dict[UnitKey, tuple[Finding, ...]] = {}
        hits: dict[UnitKey, tuple[Finding, ...]] = {}
        if unit_keyed:
            epoch = check.unit_context_epoch(document, context)
            previous_contexts = self._unit_contexts.get(index)
            if epoch is not None and previous_contexts is not None and previous_contexts[0] == epoch:
                known_contexts = previous_contexts[1]
                in_epoch = self._epoch_texts.get(index)
                if cache and in_epoch is not None:
                    return self._run_node_check_in_epoch(
                        index, check, context, units, module_key, cache, known_contexts, in_epoch, stop
                    )
            self._unit_contexts[index] = (epoch, contexts)
            self._epoch_texts.pop(index, None)  # made again below, whole
        self._pending_keys.pop(index, None)
        if unit_keyed and not cache:
            return self._deferred_keys(index, check, context, units, module_key, epoch, stop)
        for position, (unit, (start_line, _), text_key) in enumerate(units):
            if stop is not None and stop():
                # What was checked so far is valid under this module key, as the older entries are,
                # and the unit contexts not reached yet are still those of this epoch: a stopped run
                # must not leave the next one to work out every unit context again.
                self._node_cache[index] = (module_key, {**cache, **fresh})
                if unit_keyed:
                    self._unit_contexts[index] = (epoch, {**known_contexts, **contexts})
                raise AnalysisCancelled
            if unit_keyed:
                # The (text key, unit context) pair itself is kept with the epoch: not a new
                # tuple per unit and run (what a run allocates, the garbage collector follows).
                key = known_contexts.get(text_key)
                if key is None:
                    unit = unit or self._node_of(units, position)
                    key = (text_key, check.unit_context_key(unit, document, context))
                contexts[text_key] = key
            else:
                key = text_key
            cached = cache.get(key)
            if cached is None:
                cached = fresh.get(key)
            if cached is None:
                unit = unit or self._node_of(units, position)
                cached, found = _unit_findings(check, unit, document, context, start_line)
                if cached is None:
                    results.extend(found)
                    continue
            fresh[key] = cached
            if unit_keyed:
                by_text_cache[text_key] = cached
                if cached:
                    hits[text_key] = cached
            if cached:
                results.extend(_placed_findings(cached, key, start_line, placed, now_placed))
        # Keep only what the current text can reuse, so the cache never outgrows the document.
        self._node_cache[index] = (module_key, fresh)
        self._node_placed[index] = now_placed
        if unit_keyed and epoch is not None:
            self._epoch_texts[index] = (by_text_cache, hits)
        return results

    def _deferred_keys(
        self,
        index: int,
        check: NodeCheck,
        context: CheckContext,
        units: list[_UnitRow],
        module_key: object,
        epoch: object,
        stop: Callable[[], bool] | None,
    ) -> list[Finding]:
        """``_run_node_check`` with nothing cached (the document's first run, a changed module
        key): every unit is checked, and its unit context key, which only a later run looks up, is
        left for ``_complete_unit_keys`` (``tidy``, or before the next edit or run at the latest),
        on this tree. On a file's open the keys cost more than the checks (a Python unit's key
        holds the summaries of the same-file functions it names): the diagnostics do not wait.
        Units of one text are each checked (their keys may differ)."""
        document = self.document
        results: list[Finding] = []
        rows: list[tuple[UnitKey, Node, tuple[Finding, ...]]] = []
        by_text_cache: dict[UnitKey, tuple[Finding, ...]] = {}
        hits: dict[UnitKey, tuple[Finding, ...]] = {}
        placed: _Placed = {}  # by text key until the keys are known
        # Checked so far; kept when the run stops (valid for this tree, as the others' entries are).
        self._node_cache[index] = (module_key, {})
        # With the run's context: a key depends on what the run worked out (the summaries that may
        # have changed since the last keys, ``unit_context_epoch``), not on a later run's view.
        self._pending_keys[index] = (document.tree_generation, context, module_key, rows, placed)
        for position, (unit, (start_line, _), text_key) in enumerate(units):
            if stop is not None and stop():
                raise AnalysisCancelled
            unit = unit or self._node_of(units, position)
            cached, found = _unit_findings(check, unit, document, context, start_line)
            if cached is None:
                results.extend(found)
                continue
            rows.append((text_key, unit, cached))
            by_text_cache[text_key] = cached
            if cached:
                hits[text_key] = cached
                results.extend(_placed_findings(cached, text_key, start_line, {}, placed))
        if epoch is not None:
            self._epoch_texts[index] = (by_text_cache, hits)
        return results

    def _run_node_check_in_epoch(
        self,
        index: int,
        check: NodeCheck,
        context: CheckContext,
        units: list[_UnitRow],
        module_key: object,
        cache: dict[object, tuple[Finding, ...]],
        contexts: dict[UnitKey, tuple[UnitKey, object]],
        in_epoch: tuple[dict[UnitKey, tuple[Finding, ...]], dict[UnitKey, tuple[Finding, ...]]],
        stop: Callable[[], bool] | None,
    ) -> list[Finding]:
        """``_run_node_check`` while the module key and the unit context epoch are what they were:
        the units of a text key the last runs checked have its findings (and its whole key), so
        only the new text keys are looked at, found by set difference, and the findings of the
        others placed: the cost follows the edit and the units with findings, not every unit."""
        document = self.document
        by_text = _UnitsByText(units)
        texts = by_text.first
        checked, hits = in_epoch
        for text_key in checked.keys() - texts.keys():
            del checked[text_key]
            hits.pop(text_key, None)
            key = contexts.pop(text_key, None)
            if key is not None:
                cache.pop(key, None)
        results: list[Finding] = []
        for text_key in texts.keys() - checked.keys():
            if stop is not None and stop():
                raise AnalysisCancelled  # each text key is either checked and recorded, or not
            placed_units = by_text.placed(text_key)
            if any(unit is None for unit, _ in placed_units):
                self._find_nodes(units)
                placed_units = by_text.placed(text_key)
            (unit, start_line), *same_text = placed_units
            key = contexts.get(text_key)
            if key is None:
                key = (text_key, check.unit_context_key(unit, document, context))
            cached = cache.get(key)
            if cached is None:
                cached, found = _unit_findings(check, unit, document, context, start_line)
                if cached is None:
                    results.extend(found)
                    for other, _ in same_text:
                        results.extend(check.check_node(other, document, context))
                    contexts[text_key] = key
                    continue
            contexts[text_key] = key
            cache[key] = checked[text_key] = cached
            if cached:
                hits[text_key] = cached
            else:
                hits.pop(text_key, None)
        self._node_cache[index] = (module_key, cache)
        self._node_placed[index] = _place_hits(
            ((text_key, contexts[text_key], cached) for text_key, cached in hits.items()),
            by_text,
            self._node_placed.get(index, {}),
            results,
        )
        return results

    def _run_node_check_by_text(
        self,
        index: int,
        check: NodeCheck,
        context: CheckContext,
        by_text: _UnitsByText,
        stop: Callable[[], bool] | None = None,
    ) -> list[Finding]:
        """A node check whose results depend on the unit's text and the module context only: the
        units whose text is new are checked, and the cached findings of the others placed; the
        cost follows the edit and the units with findings, not the number of units."""
        document = self.document
        if document.tree is None:
            return []
        if not self.incremental:
            return self._run_node_check_by_text_once(check, context, by_text)
        module_key = check.module_context_key(document, context)
        previous = self._node_cache.get(index)
        if previous is not None and previous[0] == module_key:
            cache = previous[1]
            hits = self._node_hits.setdefault(index, {})
            placed = self._node_placed.get(index, {})
        else:  # a changed module context (imports) invalidates every unit of this check
            cache, hits, placed = {}, {}, {}
            self._node_hits[index] = hits
        texts = by_text.first
        # Keep only what the current text can reuse, so the cache never outgrows the document.
        for key in cache.keys() - texts.keys():
            del cache[key]
        for key in hits.keys() - texts.keys():
            del hits[key]
        self._node_cache[index] = (module_key, cache)
        results: list[Finding] = []
        for key in texts.keys() - cache.keys():
            if stop is not None and stop():
                raise AnalysisCancelled  # the cache holds what was checked so far, by text
            placed_units = by_text.placed(key)
            if any(unit is None for unit, _ in placed_units):
                self._find_nodes(by_text.units)
                placed_units = by_text.placed(key)
            (unit, start_line), *same_text = placed_units
            relative, found = _unit_findings(check, unit, document, context, start_line)
            if relative is None:
                results.extend(found)
                for other, _ in same_text:
                    results.extend(check.check_node(other, document, context))
                continue
            # Units of the same text have the same findings, relative to their first line.
            cache[key] = relative
            if relative:
                hits[key] = relative
        self._node_placed[index] = _place_hits(
            ((key, key, cached) for key, cached in hits.items()), by_text, placed, results
        )
        return results

    def _run_node_check_by_text_once(
        self, check: NodeCheck, context: CheckContext, by_text: _UnitsByText
    ) -> list[Finding]:
        """``_run_node_check_by_text`` in a run with no other (``incremental=False``): the same
        findings (the first unit of each text checked, its findings placed at every unit of that
        text), without the cache's bookkeeping: no set of the texts not cached yet, no list of
        each text's units while it has no finding (every unit of most checks, four checks a file)."""
        document = self.document
        units = by_text.units
        results: list[Finding] = []
        hits: list[tuple[UnitKey, UnitKey, tuple[Finding, ...]]] = []
        for key, first in by_text.first.items():
            unit, (start_line, _), _ = units[first]
            if unit is None:
                self._find_nodes(units)
                unit = units[first][0]
            relative, found = _unit_findings(check, unit, document, context, start_line)
            if not found:
                continue
            if relative is None:
                results.extend(found)
                same_text = by_text.placed(key)[1:]
                if any(other is None for other, _ in same_text):
                    self._find_nodes(units)
                    same_text = by_text.placed(key)[1:]
                for other, _ in same_text:
                    results.extend(check.check_node(other, document, context))
                continue
            hits.append((key, key, relative))
        _place_hits(hits, by_text, {}, results)
        return results

    def _run_document_check(self, index: int, check: DocumentCheck, context: CheckContext) -> list[Finding]:
        # The text object itself, not its hash: hashing a new 700 KB text costs ~0.2 ms per edit.
        # (An equal text in another object, after an undo, is checked again: the same findings.)
        text = self.document.text
        cached = self._document_cache.get(index)
        if cached is not None and cached[0] is text:
            return list(cached[1])
        found = tuple(check.check_document(self.document, context))
        self._document_cache[index] = (text, found)
        return list(found)

    # ------------------------------------------------------------------ post-processing

    def _finish(self, findings: list[Finding]) -> list[Finding]:
        return post_process(self.document, findings, self.config)


def post_process(document: Document, findings: list[Finding], config: Config) -> list[Finding]:
    """Configuration (select/ignore, severity overrides), AI markers, the test-code policy
    (``engine/testcode.py``) and suppression comments.

    Applied to every finding whatever produced it: the checks here, and the online dependency
    verdicts that arrive later for the same document.
    """
    findings = [f for f in findings if config.is_enabled(f.rule_id)]
    if config.severity:
        findings = [replace(f, severity=config.severity_for(f.rule_id, f.severity)) for f in findings]
    findings = raise_for_ai_markers(document, findings, config.ai_markers)
    findings = apply_test_policy(findings, document.path, config.test_paths, config.in_tests, config.root)
    findings = apply_suppressions(document, findings)
    judged = _judge_findings(document, findings, config)
    if judged:
        findings += apply_test_policy(judged, document.path, config.test_paths, config.in_tests, config.root)
    unique = {(f.rule_id, f.span, f.message): f for f in findings}
    return sorted(unique.values(), key=Finding.sort_key)


def _judge_findings(document: Document, findings: list[Finding], config: Config) -> list[Finding]:
    """Findings of the checks that judge the file by what the others found (LG604: a file holding
    secrets that AI assistants may read), configured and suppressed like the rest."""
    extra: list[Finding] = []
    for check in _findings_checks():
        if any(config.is_enabled(rule.id) for rule in check.rules):
            try:
                extra.extend(
                    f
                    for f in check.check_findings(document, findings, config)
                    if config.is_enabled(f.rule_id)
                )
            except Exception:
                log.exception("check %s failed on %s", type(check).__name__, document.path or "<buffer>")
    if not extra:
        return extra
    if config.severity:
        extra = [replace(f, severity=config.severity_for(f.rule_id, f.severity)) for f in extra]
    return apply_suppressions(document, extra)


@functools.cache
def _findings_checks() -> tuple[FindingsCheck, ...]:
    return tuple(c for c in checks_for(None) if isinstance(c, FindingsCheck))


def _shift_before_edits(first: int, last: int, edits: list[_SourceEdit]) -> int | None:
    """How far the bytes ``first..last`` (inclusive) of the current source stood from where they
    were before ``edits`` (source edits in the order made), or None when an edit touched them."""
    shift = 0
    for start, old_end, new_end, _syntax_changes in reversed(edits):
        if last < start:
            continue
        if first > new_end:
            first, last = first + old_end - new_end, last + old_end - new_end
            shift += old_end - new_end
            continue
        return None
    return shift


class _UnitsByText:
    """The units of a run by their cache key text: the index (in the run's unit list) of the first
    unit of each text, and of the others of the same text where there are any (rarely). Ints, not a
    list and a tuple per unit: this is made every run, and the garbage collector's full passes
    follow what a run allocates."""

    def __init__(self, units: list[_UnitRow]) -> None:
        self.units = units
        keys = list(map(_ROW_KEY, units))
        # Each key's first index: later (smaller) indices overwrite, at C speed (a thousand units).
        self.first: dict[UnitKey, int] = dict(zip(reversed(keys), range(len(keys) - 1, -1, -1), strict=True))
        self.others: dict[UnitKey, list[int]] = {}
        if len(self.first) != len(keys):
            first = self.first
            for index, key in enumerate(keys):
                if first[key] != index:
                    self.others.setdefault(key, []).append(index)

    def placed(self, key: UnitKey) -> list[tuple[Node | None, int]]:
        """(unit, first line) of every unit of this text (None: see ``Analysis._find_nodes``)."""
        units = self.units
        unit, (start_line, _), _ = units[self.first[key]]
        found = [(unit, start_line)]
        for index in self.others.get(key, ()):
            unit, (start_line, _), _ = units[index]
            found.append((unit, start_line))
        return found


def _splice_lines(
    found: dict[int, tuple[Finding, ...]], dirty: list[tuple[int, int]], change: LineChange
) -> tuple[dict[int, tuple[Finding, ...]], list[tuple[int, int]]]:
    """Line results and dirty line ranges after ``change``: the replaced lines' results go, those
    below move with their lines, and the new lines are dirty. O(lines with findings)."""
    first, old_last, delta = change.first, change.old_last, change.delta
    if delta == 0:
        for n in range(first, old_last + 1):
            found.pop(n, None)
        moved = found
    else:
        moved = {}
        for n, slot in found.items():
            if n < first:
                moved[n] = slot
            elif n > old_last:
                moved[n + delta] = slot
    shifted = []
    for a, b in dirty:
        if b < first:
            shifted.append((a, b))
        elif a > old_last:
            shifted.append((a + delta, b + delta))
        else:
            shifted.append((min(a, first), max(b + delta, change.new_last)))
    shifted.append((first, change.new_last))
    return moved, shifted


def _merged(ranges: list[tuple[int, int]], line_count: int) -> list[tuple[int, int]]:
    """Sorted, disjoint line ranges covering ``ranges``, clipped to the analysed lines."""
    merged: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        a, b = max(a, 0), min(b, line_count - 1)
        if a > b:
            continue
        if merged and a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _in_ranges(line: int, ranges: list[tuple[int, int]]) -> bool:
    """Whether ``line`` lies in one of the sorted ``ranges``."""
    at = bisect_right(ranges, (line, 1 << 62)) - 1
    return at >= 0 and ranges[at][0] <= line <= ranges[at][1]


class _Rescan(tuple):
    """A line's findings whose fixes edit elsewhere (``import os`` at the top), computed when the
    line was line ``line``: spans and in-line edits relative to the line, edits outside it absolute.
    They must not move with the line, so they are reused only while the check's fix context key
    is unchanged, and rescanned otherwise."""

    line: int

    def __new__(cls, findings: tuple[Finding, ...], line: int) -> _Rescan:
        slot = super().__new__(cls, findings)
        slot.line = line
        return slot


def _move_keeping_outside_edits(finding: Finding, line: int, computed_at: int) -> Finding:
    """``finding`` (relative to its line) placed at ``line``; edits outside the line are kept where
    they were when it was computed at ``computed_at``."""
    inside = Span(0, 0, finding.span.end_line, 1 << 30)
    fixes = []
    for fix in finding.fixes:
        edits = []
        for edit in fix.edits:
            edits.append(edit.shifted(computed_at if _edit_outside(edit, inside) else line))
        fixes.append(replace(fix, edits=tuple(edits)))
    return replace(finding, span=finding.span.shifted(line), fixes=tuple(fixes))


_Placed = dict[tuple[object, int], tuple[tuple[Finding, ...], list[Finding]]]
# A run's units whose keys are to be worked out: (the tree generation it checked, its context, its
# module key, (unit text key, unit, findings relative to the unit) of every unit checked, the
# findings placed, by text key).
_PendingKeys = tuple[int, CheckContext, object, list[tuple["UnitKey", Node, tuple[Finding, ...]]], _Placed]


def _placed_findings(
    cached: tuple[Finding, ...], key: object, start_line: int, placed: _Placed, now_placed: _Placed
) -> list[Finding]:
    """A unit's cached findings (relative to its first line) placed at ``start_line``, recorded in
    ``now_placed``: the same objects while the unit stays where it was, as for line checks."""
    known = placed.get((key, start_line))
    here = known[1] if known is not None and known[0] is cached else [f.shifted(start_line) for f in cached]
    now_placed[(key, start_line)] = (cached, here)
    return here


def _place_hits(
    hits: Iterable[tuple[UnitKey, object, tuple[Finding, ...]]],
    by_text: _UnitsByText,
    placed: _Placed,
    results: list[Finding],
) -> _Placed:
    """The findings of every text key with findings (``(text key, cache key, findings)``) placed
    at each unit of that text, added to ``results``; what was placed, for the next run."""
    now_placed: _Placed = {}
    for text_key, key, cached in hits:
        for _, start_line in by_text.placed(text_key):
            results.extend(_placed_findings(cached, key, start_line, placed, now_placed))
    return now_placed


def _unit_findings(
    check: NodeCheck, unit: Node, document: Document, context: CheckContext, start_line: int
) -> tuple[tuple[Finding, ...] | None, tuple[Finding, ...]]:
    """What ``check`` finds in ``unit`` (whose first line is ``start_line``): (the findings with
    lines relative to that line, as the caches keep them, the findings as found), or (None, the
    findings) when one depends on text outside the unit (``_depends_on_outside``): not cached,
    checked again every run."""
    found = tuple(check.check_node(unit, document, context))
    if not found:  # most units of most checks: nothing to shift, nor a span to compute
        return found, found
    if _depends_on_outside(found, document.node_span(unit)):
        return None, found
    return tuple(f.shifted(-start_line) for f in found), found


def _depends_on_outside(findings: tuple[Finding, ...], unit: Span) -> bool:
    """Whether a node check's findings for a unit cannot be cached with the unit's text: a fix
    that edits elsewhere (an import at the top) would not move with the unit, and a finding
    outside the unit (error recovery re-parses whole lines) depends on text the key does not
    hold. Such findings are recomputed every run."""
    return _reaches_outside(findings, unit) or _lies_outside(findings, unit)


def _lies_outside(findings: tuple[Finding, ...], unit: Span) -> bool:
    start, end = (unit.start_line, unit.start_col), (unit.end_line, unit.end_col)
    return any(
        (f.span.start_line, f.span.start_col) < start or (f.span.end_line, f.span.end_col) > end
        for f in findings
    )


def _reaches_outside(findings: tuple[Finding, ...], unit: Span) -> bool:
    """Whether a fix edits outside the unit. An insertion exactly at the unit's start counts as
    outside: it is how fixes add an import at the top of a file, wherever the unit later moves."""
    return any(
        _edit_outside(edit, unit) for finding in findings for fix in finding.fixes for edit in fix.edits
    )


def _edit_outside(edit: TextEdit, unit: Span) -> bool:
    start, end = (unit.start_line, unit.start_col), (unit.end_line, unit.end_col)
    edit_start = (edit.span.start_line, edit.span.start_col)
    edit_end = (edit.span.end_line, edit.span.end_col)
    return edit_start < start or edit_end > end or (edit_start == edit_end == start)


@functools.lru_cache(maxsize=8)
def _marker_pattern(markers: tuple[str, ...]) -> re.Pattern[str] | None:
    markers = [m for m in markers if m]
    if not markers:
        return None
    # Not after a backtick: "`# ai-generated`" in docs names the marker, it marks nothing.
    return re.compile(
        r"(?<!`)(?:#|//|/\*|--|<!--)\s*(?:" + "|".join(re.escape(m) for m in markers) + r")\b(?!`)", re.I
    )


AI_MARKED = "aiMarked"  # the property set on findings in marked code (``landguard check --ai-only``)
AI_MARKED_NOTE = " (in code marked as AI-generated: raised one level)"


def raise_for_ai_markers(
    document: Document, findings: list[Finding], markers: Sequence[str]
) -> list[Finding]:
    """Raise severity one level for findings in code marked as AI-generated, and say so.

    A marker comment (``# ai-generated``) in the first five lines marks the whole file; elsewhere
    it marks the function it sits in, or the function that starts on the next lines. Marked
    findings carry the ``aiMarked`` property and a note in their message.
    """
    if not findings or not markers:
        return findings
    marked = ai_marked_regions(document, markers)
    if not marked:
        return findings
    return [
        _mark(f) if any(start <= f.span.start_line <= end for _, start, end in marked) else f
        for f in findings
    ]


def _mark(finding: Finding) -> Finding:
    if any(key == AI_MARKED for key, _ in finding.properties):
        return finding  # marked already (a finding post-processed twice, or LG605's own note)
    return replace(
        finding,
        severity=finding.severity.raised(),
        message=finding.message + AI_MARKED_NOTE,
        properties=tuple(sorted((*finding.properties, (AI_MARKED, "true")))),
    )


def ai_marked_regions(document: Document, markers: Sequence[str]) -> list[tuple[int, int, int]]:
    """(marker line, first line, last line) of each region marked as AI-generated."""
    pattern = _marker_pattern(tuple(markers))
    if pattern is None:
        return []
    # The lines holding a marker, kept per line by the document: no lower-casing of the whole text.
    lowered_markers = tuple(m.lower() for m in markers if m)
    analysed = document.analysed_line_count
    marked: list[tuple[int, int, int]] = []
    for number in document.lines_with(lowered_markers):
        if number >= analysed:
            break
        line = document.lines[number]
        match = pattern.search(line)
        if match is None or not _is_comment_at(document, number, match.start()):
            continue
        if number < 5:
            return [(number, 0, len(document.lines))]
        marked.append((number, *_marked_region(document, number)))
    return marked


def _is_comment_at(document: Document, line: int, col: int) -> bool:
    """Whether (line, col) is in a comment: a marker quoted in a docstring or string marks nothing.
    Grammar-agnostic: comments are the tree's "extra" nodes. Text files have no strings: always true."""
    if document.tree is None:
        return True
    from landguard.engine.positions import col_to_byte

    point = (line, col_to_byte(document.lines[line], col) + 1)
    node = document.tree.root_node.descendant_for_point_range(point, point)
    while node is not None:
        if node.is_extra:
            return True
        node = node.parent
    return False


def _marked_region(document: Document, line: int) -> tuple[int, int]:
    if document.tree is None:
        return line, line + 1
    root = document.tree.root_node
    # The function containing the marker ...
    node = root.descendant_for_point_range((line, 0), (line, 0))
    while node is not None:
        if node.type in _FUNCTION_NODES:
            return node.start_point[0], node.end_point[0]
        node = node.parent
    # ... or the next function starting within a few lines below it.
    for candidate_line in range(line + 1, min(line + 4, len(document.lines))):
        text = document.lines[candidate_line]
        col = len(text) - len(text.lstrip())
        node = root.descendant_for_point_range((candidate_line, col), (candidate_line, col))
        while node is not None and node.start_point[0] == candidate_line:
            if node.type in _FUNCTION_NODES or node.type == "decorated_definition":
                return node.start_point[0], node.end_point[0]
            node = node.parent
    return line, line + 1


def analyze_text(
    text: str,
    config: Config,
    *,
    path: str | None = None,
    language: str | None = None,
    checks: Sequence[Check] | None = None,
) -> list[Finding]:
    """Findings for a whole text, once (the CLI's entry point)."""
    document = Document(text, path=path, language=language, max_bytes=config.max_file_size)
    return Analysis(document, config, checks, incremental=False).run()
