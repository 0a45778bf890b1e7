"""Per-unit context keys of the Java rules: what a unit's findings depend on outside its text.

A unit's key holds its class, the file facts its lowering can read, and for each name it writes
the same-file methods of that name, their summary signatures and the class fields of that name
(``unit_context_key``). While the epoch (``unit_key_state``: the file's summaries, method table
and fields) is the same, a unit's key follows from its text and class, and the engine reuses it
(``JavaFrontend.unit_context_epoch`` in ``_support``). A paste that changes other methods'
summaries, or adds one no unit names, rechecks only the units that name them.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from tree_sitter import Node

from landguard.checks.java import (
    _support,
)  # the per-run file facts (imported as a module: it imports this one)
from landguard.engine.registry import CheckContext, RunKey
from landguard.languages import java as java_adapter
from landguard.languages.java_syntax import ModuleFacts

if TYPE_CHECKING:
    from landguard.engine.document import Document


class _UnitKeys:
    """One run's view of what unit context keys are made of, and the keys made under its epoch
    (by unit text and class: this run's, and the previous run's while the epoch is the same)."""

    def __init__(self, epoch: object, by_name: dict[bytes, tuple], previous: _UnitKeys | None) -> None:
        self.epoch = epoch
        self.by_name = by_name
        self.keys: dict[tuple[bytes, str | None], tuple] = {}
        self.previous_keys = previous.keys if previous is not None else {}
        self.source = b""
        # The file facts a unit's lowering reads, by (its names, its class), for this run.
        self.facts_keys: dict[tuple[frozenset[bytes], str | None], tuple] = {}


_UNIT_KEYS_RUN: RunKey[_UnitKeys] = RunKey("java.unit_keys")
_NO_CLASS = object()  # a unit the adapter's walk did not list (no class member)
# Per document: the ``_UnitKeys`` of its last run that made unit keys.
_UNIT_KEYS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def unit_key_state(document: Document, context: CheckContext) -> _UnitKeys:
    def build() -> _UnitKeys:
        fields = _support.module_facts(document, context)
        epoch = (_support.summary_key(document, context), java_adapter.table_digest(document), fields.key())
        last = _UNIT_KEYS.get(document)
        if last is not None and last.epoch == epoch:
            # The last epoch object itself: the engine compares it with the one it kept (deep
            # otherwise: every summary of the file).
            state = _UnitKeys(last.epoch, last.by_name, last)
        else:
            table = java_adapter.method_table(document)
            state = _UnitKeys(epoch, _context_by_name(document, context, table, fields), None)
        state.source = document.source
        _UNIT_KEYS[document] = state
        return state

    return context.cache.get(_UNIT_KEYS_RUN, None, build)


def _context_by_name(
    document: Document, context: CheckContext, table: dict[str, tuple], fields: ModuleFacts
) -> dict[bytes, tuple]:
    """Per name a unit may write (as bytes): its same-file methods (class, return type), the
    summary signatures of the same-file functions of that name that the file calls, and the
    value and type of the class fields of that name (``module_facts``)."""
    analysis = _support.file_analysis(document, context)
    signatures: dict[str, list[tuple[str, object]]] = {}
    for key in sorted(analysis.called_keys()):
        summary = analysis.summary(analysis.by_key[key])
        signature = summary.signature() if summary is not None else None
        signatures.setdefault(key.rsplit(".", 1)[-1], []).append((key, signature))
    constants, types = fields.constant_values, fields.field_type_map
    return {
        name.encode(): (
            name,
            table.get(name),
            tuple(signatures.get(name, ())),
            constants.get(name),
            types.get(name),
        )
        for name in table.keys() | signatures.keys() | constants.keys() | types.keys()
    }


def unit_context_key(unit: Node, document: Document, context: CheckContext) -> _HashedKey:
    """What a unit's findings depend on outside its text and the module key: the class it is a
    member of (its calls resolve against its methods), the file facts its lowering can read
    (``java_adapter.lowering_context``), and for every method name it writes, that name's same-file methods and
    their summaries (what its dataflow reads of the functions it calls), and the class fields of
    that name (constants and field types, which the rules look up by the names they read). A paste that changes
    other methods' summaries, or adds or loses one nobody here names, leaves the key as it was."""
    if java_adapter.is_comment(unit):
        return None  # its findings are its text's (half the units of a Javadoc'd file)
    state = context.cache.peek(_UNIT_KEYS_RUN) or unit_key_state(document, context)
    start, end = unit.start_byte, unit.end_byte
    text = state.source[start:end]
    class_name = java_adapter.unit_class(document, start, end, _NO_CLASS)
    if class_name is _NO_CLASS:
        class_name = java_adapter.enclosing_class(state.source, unit)
    marker = (text, class_name)
    key = state.keys.get(marker) or state.previous_keys.get(marker)
    if key is None:
        by_name = state.by_name
        names = java_adapter.unit_names(document, text)
        facts = state.facts_keys.get((names, class_name))
        if facts is None:
            facts = state.facts_keys[(names, class_name)] = java_adapter.lowering_context(
                document, names, class_name
            )
        key = _HashedKey((class_name, facts, tuple(by_name[name] for name in sorted(names & by_name.keys()))))
    state.keys[marker] = key
    return key


class _HashedKey:
    """A unit context key that hashes once: the engine looks each unit's key up several times a
    run, and the key is deep (classes, fields, summary signatures)."""

    __slots__ = ("value", "_hash")

    def __init__(self, value: tuple) -> None:
        self.value = value
        self._hash = hash(value)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return self is other or (
            type(other) is _HashedKey and self._hash == other._hash and self.value == other.value
        )
