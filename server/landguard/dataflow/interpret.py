"""The dataflow core: flow-sensitive abstract interpretation of one function's IR.

``FileAnalysis(functions, models)`` analyses the functions of one file on demand. For a
function it walks the structured IR once, in program order, carrying a *state* (variable or
field path -> ``Value``):

- **reaching definitions with branch merge**: an assignment replaces the variable's value;
  after ``if``/``switch``/``try`` the arms' states are joined, so a later ``x = ""`` in one
  arm does not erase an earlier ``x = request…``; ``return``/``raise`` end a path, so an
  early return guarded by a check leaves only the checked value after it;
- **constants**: literals fold through arithmetic, comparisons, ``in``, string building and
  pure string methods; a branch, ternary or switch whose condition folds takes only the live
  arm, and calls in dead code are never recorded;
- **loops** iterate to a fixpoint (bounded), with ``break``/``continue``;
- **containers** (model ``container`` rows): lists by constant index, maps by constant key,
  string builders; a mutating method updates the receiver variable;
- **guards** (model ``guard`` rows and ``==``/``in`` tests): on the branch where an allowlist
  check or a prefix check holds, the checked variable is sanitized for the guard's kinds;
- **sanitizers per kind**, **neutral** calls, and default propagation (an unmodelled call's
  result carries its receiver's and arguments' labels);
- **same-file summaries**: a call whose callee is another function's ``key`` uses that
  function's summary — which parameters reach its return (and sanitized for what), which reach a
  sink inside it, and its constant return — so helpers, inner classes and factories in the file
  are followed without inlining;
- **call cycles** (a function calling itself, or functions calling each other: a strongly connected
  component of the file's call graph) are summarised as one unit: every member starts from the
  empty summary and all are re-analysed from the previous round's summaries until none changes
  (bounded; after a few exact rounds each new summary is joined with the last, which must end),
  so the result does not depend on which member was asked for first nor on what was cached.

Every live call is recorded as a ``CallFact`` with the values of its receiver and arguments;
``FunctionFacts.sink_hits(kind)`` matches them against the sink rows. The walk over structured
statements is equivalent to a fixpoint over their control-flow graph (the IR has no ``goto``),
and costs one pass per statement outside loops.
"""

from __future__ import annotations

import hashlib
import operator
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from landguard.dataflow import ir
from landguard.dataflow.models import Models, Row
from landguard.dataflow.shapes import names_read, walk
from landguard.dataflow.values import (
    ALL_KINDS,
    BUILDER,
    CLEAN,
    LIST,
    MAP,
    PARAMETER,
    REQUEST,
    UNKNOWN,
    Label,
    Value,
    join,
    map_labels,
    tainted,
    union,
    with_labels,
)

State = dict[str, Value]


def _is_private(attribute: str) -> bool:
    """``_meta``, ``_state``: by convention an implementation detail (not ``__dunder__``)."""
    return attribute.startswith("_") and not attribute.endswith("__") and len(attribute) > 1


_LOOP_ROUNDS = 4
# A call cycle's rounds: exact ones, then joined ones (``FileAnalysis._solve_cycle``).
_CYCLE_EXACT_ROUNDS = 6
_CYCLE_ROUNDS = 12
# ``FileAnalysis._signature`` of a name a function only reads: it names a function of the file.
_NAMES_A_FUNCTION = ("local", "named")


@dataclass
class CallFact:
    call: ir.Call
    callee: str | None
    receiver: Value | None
    args: tuple[Value, ...]
    keywords: dict[str, Value]
    result: Value = CLEAN
    # The callee is a function of this file: its summary decides, not library models matched by
    # method name (a class's own `execute` method is not a database cursor's).
    local: bool = False

    def argument(self, position: int, keyword: str | None = None) -> Value | None:
        if position < len(self.args):
            return self.args[position]
        if keyword is not None:
            return self.keywords.get(keyword)
        return None


@dataclass
class StoreFact:
    target: ir.Expr
    obj: Value
    name: str | None
    key: Value | None
    value: Value


@dataclass(frozen=True)
class SinkHit:
    """Untrusted data reaching a sink of one kind.

    ``call`` is the call in the analysed function (for a sink inside a same-file helper, the call
    of the helper: ``via_helper`` names it and ``inner`` is the sink call inside it).
    """

    call: ir.Call
    sink: Row
    value: Value
    labels: tuple[Label, ...]
    via_helper: str | None = None
    inner: ir.Call | None = None

    @property
    def strongest(self) -> Label:
        return max(self.labels, key=lambda label: (label.strength == REQUEST, -len(label.path)))


@dataclass(frozen=True)
class HelperSink:
    """In a summary: parameter ``param`` reaches ``sink`` (of ``kind``) inside the function."""

    param: int
    kind: str
    sink: Row
    inner: ir.Call
    sanitized: frozenset[str]


@dataclass
class Summary:
    returns: Value
    sinks: tuple[HelperSink, ...]
    params: tuple[ir.Param, ...]

    # ``signature()``, computed once (a summary is never changed after it is made).
    _signature: object = field(default=None, repr=False, compare=False)

    def signature(self) -> object:
        """What callers depend on, as a hashable value (for incremental cache keys)."""
        if self._signature is None:
            self._signature = self._compute_signature()
        return self._signature

    def _compute_signature(self) -> object:
        sinks = frozenset((s.param, s.kind, s.sink.origin, s.sanitized) for s in self.sinks)
        # Parameter names too: a call passing a keyword argument maps it by name.
        params = tuple((param.name, param.index) for param in self.params)
        return (_value_signature(self.returns), sinks, params)


def _value_signature(value: Value) -> object:
    """What a caller can tell of a returned value: its labels (with how they were sanitized and
    whether they went through an unmodelled call), its constant, and its container shape — a
    caller reading ``helper(x)[1]`` depends on which item holds the parameter."""
    labels = frozenset(
        (label.source, label.strength, label.param, label.sanitized, label.indirect) for label in value.labels
    )
    items = tuple(_value_signature(item) for item in value.items) if value.items is not None else None
    entries = (
        tuple((repr(key), _value_signature(entry)) for key, entry in value.entries)
        if value.entries is not None
        else None
    )
    constant = repr(value.const) if value.is_const else "<unknown>"
    # The classes it is an instance of: which methods a caller's ``make().run(x)`` runs.
    return (labels, constant, value.kind, items, entries, tuple(sorted(value.classes)))


@dataclass
class FunctionFacts:
    function: ir.Function
    models: Models
    calls: list[CallFact] = field(default_factory=list)
    stores: list[StoreFact] = field(default_factory=list)
    returns: list[Value] = field(default_factory=list)
    helper_hits: list[SinkHit] = field(default_factory=list)
    # Names this function's analysis looked up among the file's functions (SummaryStore).
    used_keys: set[str] = field(default_factory=set)
    # The value of every evaluated expression that carries an adapter node, by node (joined over
    # loop iterations); expressions in dead code are absent.
    values: dict[Any, Value] = field(default_factory=dict)

    def sink_hits(self, kind: str, strengths: Iterable[str] | None = (REQUEST,)) -> list[SinkHit]:
        """Sinks of ``kind`` reached by labels of ``strengths`` (None: any) not sanitized for ``kind``."""
        wanted = None if strengths is None else frozenset(strengths)
        hits: list[SinkHit] = []
        for fact in self.calls:
            if fact.local:
                continue
            for row in self.models.sinks.match(fact.callee, fact.call.method):
                if row.kind != kind or not sink_applies(row, fact):
                    continue
                for value in sink_values(row, fact):
                    labels = tuple(
                        label
                        for label in value.labels_for(kind)
                        if wanted is None or label.strength in wanted
                    )
                    if labels:
                        hits.append(SinkHit(fact.call, row, value, labels))
                        break
        for hit in self.helper_hits:
            if hit.sink.kind != kind:
                continue
            labels = tuple(label for label in hit.labels if wanted is None or label.strength in wanted)
            if labels:
                hits.append(SinkHit(hit.call, hit.sink, hit.value, labels, hit.via_helper, hit.inner))
        return hits

    def calls_to(self, names: Iterable[str] = (), methods: Iterable[str] = ()) -> list[CallFact]:
        names, methods = frozenset(names), frozenset(methods)
        return [f for f in self.calls if f.callee in names or f.call.method in methods]


def call_fact(facts: FunctionFacts, call: ir.Call) -> CallFact | None:
    """The facts about one call of the function (None in dead code)."""
    return next((fact for fact in facts.calls if fact.call is call), None)


def option_entry(holder: Value | None, key: str) -> Value | None:
    """The value of an options object's ``key``; a dotted key reads nested objects
    (``"connection.password"`` of ``{ connection: { password: ... } }``)."""
    for part in key.split("."):
        if holder is None:
            return None
        holder = holder.entry(part)
    return holder


def sink_applies(row: Row, fact: CallFact) -> bool:
    """The row's condition (``when_keyword``, ``when_option``) holds for this call."""
    keyword = row.get("when_keyword")
    if keyword is not None:
        value = fact.keywords.get(keyword)
        if value is None or (value.is_const and not value.const):
            return False
    option = row.get("when_option")
    if option is not None:
        position, key = option
        entry = option_entry(fact.argument(position), key)
        if entry is None or (entry.is_const and not entry.const):
            return False
    return True


def sink_values(row: Row, fact: CallFact) -> list[Value]:
    """The values that flow into the sink: the row's argument positions, keywords, receiver."""
    values: list[Value] = []
    positions = row.get("args")
    keywords = row.get("keywords", ())
    if positions is None and not keywords and not row.get("receiver"):
        values.extend(fact.args)
        values.extend(fact.keywords.values())
    else:
        for position in positions or ():
            if position < len(fact.args):
                values.append(fact.args[position])
        for keyword in keywords:
            if keyword in fact.keywords:
                values.append(fact.keywords[keyword])
    if row.get("receiver") and fact.receiver is not None:
        values.append(fact.receiver)
    return values


# Per sink index (one per language's models): (callee, method) -> the kinds of the rows it matches.
_SINK_KINDS_BY_NAME: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_SINK_KINDS_KEPT = 50_000  # names kept before starting over: a server's memory stays flat


class FileAnalysis:
    """The dataflow facts of the functions of one file, computed on demand and memoised."""

    def __init__(
        self,
        functions: Iterable[ir.Function],
        models: Models,
        constants: dict[str, Any] | None = None,
        resolve: Callable[[str], ir.Function | None] | None = None,
        store: SummaryStore | None = None,
        method_keys: Callable[[str], Iterable[str]] | None = None,
    ) -> None:
        """``resolve(key)``: finds a function of the file by key on demand (adapters lower lazily);
        ``functions`` are known up front. ``method_keys(name)``: the keys (``Class.name``) of the
        file's class methods called ``name`` (with ``resolve``: the adapter knows them unlowered;
        otherwise read from ``functions``). ``store``: the document's ``SummaryStore``, through which
        summaries of unchanged functions outlive this run (one per document, kept by the adapter)."""
        self.models = models
        self.functions = list(functions)
        self.by_key: dict[str, ir.Function] = {}
        for function in self.functions:
            for key in (function.key, *function.extra.get("aliases", ())):
                if key and key not in self.by_key:
                    self.by_key[key] = function
        self.constants = constants or {}
        self._resolve = resolve
        self._method_keys_of = method_keys
        self._method_keys: dict[str, tuple[str, ...]] = {}
        self._methods_by_name: dict[str, list[str]] | None = None
        # id(function) -> its call graph names with its instance calls' candidate methods (``edges``).
        self._edges: dict[int, tuple[frozenset[str], frozenset[str]]] = {}
        self._unresolved: set[str] = set()
        self._facts: dict[int, FunctionFacts] = {}
        # Closures (a function whose ``ir.enclosing`` is the function it is defined in): the outer
        # function's state where it is defined, joined over every such point.
        self._captured: dict[int, list[State]] = {}
        self._summaries: dict[int, Summary] = {}
        self._in_progress: set[int] = set()
        # Call cycles: id(function) -> the members of its cycle (() when it is in none), and while
        # a cycle is being solved, its members' summaries of the previous round (``_solve_cycle``).
        self._cycles: dict[int, tuple[ir.Function, ...]] = {}
        self._round: dict[int, Summary] = {}
        # The members each member analysed in the current round read the round summaries of.
        self._reading: list[set[int]] = []
        # Closure states captured by an analysis whose result is thrown away (a round of a cycle):
        # id(closure) -> snapshots, one dict per such analysis in progress (see ``captured``).
        self._scratch_captured: dict[int, list[State]] = {}
        self._called: frozenset[str] | None = None
        self._summary_digest: str | None = None
        self._store = store
        self._entries = store.for_run(models, self.constants) if store is not None else None
        # question -> id(function) -> its answer (``may_reach_sink``, ``may_carry``).
        self._may: dict[object, dict[int, bool]] = {}
        self._sink_kinds: dict[int, frozenset[str]] = {}  # ``_own_sink_kinds``
        # Keys whose function's summary may differ from the previous run (the rest are reused
        # without re-checking what they used): see ``SummaryStore.suspects``.
        self.suspect_keys: frozenset[str] | None = None
        self._suspects: set[int] | None = None
        if store is not None and resolve is None:  # every function known up front
            self._suspects, self.suspect_keys = store.suspects(self.by_key)

    def called_keys(self) -> frozenset[str]:
        """The keys of the file's functions that some function of the file calls (or names)."""
        if self._called is None:
            called: set[str] = set()
            for function in self.functions:
                names = _names(function)
                called.update(names[1])
                for method in names[7]:  # the methods its instance calls may run (``edges``)
                    called.update(self.method_keys(method))
            self._called = frozenset(key for key in self.by_key if key in called)
        return self._called

    def facts(self, function: ir.Function) -> FunctionFacts:
        cached = self._facts.get(id(function))
        if cached is None:
            outer = ir.enclosing(function)
            if outer is not None and id(outer) not in self._in_progress:
                self.facts(outer)  # a closure: what it captures is the state where it is defined
            # While a cycle is being solved, the facts of its members and of any closure rest on
            # the round's summaries: computed for the round, never kept.
            scratch = self._is_scratch(function)
            added = id(function) not in self._in_progress
            self._in_progress.add(id(function))
            try:
                cached = _Interpreter(self, function, scratch).run()
            finally:
                if added:
                    self._in_progress.discard(id(function))
            if not scratch:
                self._facts[id(function)] = cached
        return cached

    def _is_scratch(self, function: ir.Function) -> bool:
        return bool(self._round) and (id(function) in self._round or "outer" in function.extra)

    def capture(self, function: ir.Function, state: State, scratch: bool = False) -> None:
        """Record the state a nested function is defined in (its free variables' values there)."""
        if ir.enclosing(function) is not None:
            names = names_read(function)
            snapshot = {name: state[name] for name in names if name in state}
            if "this" in names or "self" in names:  # field paths (`this.x`) of the object it reads
                snapshot.update(
                    (key, value) for key, value in state.items() if key.startswith(("this.", "self."))
                )
            captured = self._scratch_captured if scratch else self._captured
            captured.setdefault(id(function), []).append(snapshot)

    def captured(self, function: ir.Function) -> State:
        """The joined states where ``function`` was defined. The outer function's parameter labels
        lose their position: they are its parameters, not the closure's (whose summary must not map
        them to its own arguments). A closure defined in a round of a cycle sees that round's state."""
        snapshots = self._scratch_captured.get(id(function)) or self._captured.get(id(function))
        if not snapshots:
            return {}
        joined = _join_states(snapshots) if len(snapshots) > 1 else snapshots[0]
        return {name: _without_positions(value) for name, value in (joined or {}).items()}

    def summary(self, function: ir.Function) -> Summary | None:
        """The function's summary; None for a call the file's call graph does not show that reaches
        a function being analysed (through a closure's captured function value).

        A function in a call cycle (``cycle_of``) is summarised with the rest of its cycle, as one
        unit (``_summarise_cycle``). With a store, a summary from an earlier run is reused when its
        function is the same IR object and every name its analysis looked up still resolves to the
        same function with the same summary signature; a cycle's summaries are reused together, when
        its members are the same objects and what they looked up outside it is the same.
        """
        function_id = id(function)
        cached = self._summaries.get(function_id)
        if cached is not None:
            return cached
        in_round = self._round.get(function_id)
        if in_round is not None:  # a member of the cycle being solved: the previous round's
            if self._reading:
                self._reading[-1].add(function_id)
            return in_round
        if "outer" in function.extra:
            # A closure: its summary rests on the state it captured, made afresh every run.
            if function_id in self._in_progress:
                return None
            made = _summarise(self.facts(function))
            if not self._is_scratch(function):
                self._summaries[function_id] = made
            return made
        entries = self._entries
        entry = entries.get(function_id) if entries is not None else None
        if entry is not None and entry[0] is not function:
            entry = None
        if (
            entry is not None
            and self._suspects is not None
            and function_id not in self._suspects
            and all(signature is not None and signature[1] is not None for _, signature in entry[1])
        ):
            # Nothing it could reach (nor, for a cycle, the cycle's members) changed since it was
            # made: no name it names resolves differently (``SummaryStore.suspects``).
            self._summaries[function_id] = entry[2]
            self._store.last_used[function_id] = self._store.run  # type: ignore[union-attr]
            return entry[2]
        members = self.cycle_of(function)
        if members:
            self._summarise_cycle(members)
            return self._summaries[function_id]
        if function_id in self._in_progress:
            return None
        depends_on = self.summary_names(function)
        if entry is not None and not entry[3]:
            current: list[tuple[str, object]] = []
            self._in_progress.add(function_id)
            try:
                for key, signature in entry[1]:
                    now = self._signature(key, depends_on)
                    if now != signature:
                        break
                    current.append((key, now))
            finally:
                self._in_progress.discard(function_id)
            if len(current) == len(entry[1]):
                # Keep the signatures just compared: the same objects next run compare by identity.
                entries[function_id] = (function, tuple(current), entry[2], entry[3])  # type: ignore[index]
                self._summaries[function_id] = entry[2]
                self._store.last_used[function_id] = self._store.run  # type: ignore[union-attr]
                return entry[2]
        facts = self.facts(function)
        cached = self._summaries[function_id] = _summarise(facts)
        if entries is not None:
            used = tuple((key, self._signature(key, depends_on)) for key in sorted(facts.used_keys))
            entries[function_id] = (function, used, cached, frozenset())
            self._remember(function_id, used, depends_on, self.callee_names(function))
        return cached

    def _remember(
        self,
        function_id: int,
        used: tuple[tuple[str, object], ...],
        depends_on: frozenset[str],
        names: frozenset[str],
    ) -> None:
        """Note the entry under the names it depends on (``SummaryStore.suspects``): through the
        summaries of ``depends_on`` (every one, not only those its analysis looked up: a change
        anywhere it can reach may put it in a cycle, or take it out of one), and, for every other
        name it names, on what the name resolves to."""
        store = self._store
        assert store is not None
        store.note_users(
            function_id,
            (*(key for key, _ in used if key in depends_on), *depends_on),
            names.difference(depends_on),
        )
        store.last_used[function_id] = store.run

    def cycle_of(self, function: ir.Function) -> tuple[ir.Function, ...]:
        """The functions in one call cycle with ``function`` (itself included); () when it is in none.

        The call graph is read from the IR alone: an edge for every name whose function's summary
        the function's summary can depend on (``_summary_names``: the callees of its calls and of
        its nested functions' calls, and the names they read where one of them calls a local
        variable), so it does not depend on what any analysis found, and it has every edge an
        analysis can follow (a superset: a call in dead code is an edge too, which costs a round,
        not precision). A function name passed on as a value where no variable is called is no
        edge: that summary cannot be read there. Closures are never members: their summaries rest on the state they
        capture, and calls among them keep the recursion guard. Memoised per run (Tarjan's
        algorithm assigns every function it visits its component).
        """
        known = self._cycles.get(id(function))
        if known is None:
            if "outer" in function.extra:
                return ()
            if self._kept_acyclic(function):
                self._cycles[id(function)] = ()
                return ()
            self._find_cycles(function)
            known = self._cycles[id(function)]
        return known

    def _kept_acyclic(self, function: ir.Function) -> bool:
        """Whether ``function`` is in no cycle, known from the store without a walk: it was in none
        when its entry was made and it is no suspect. Nothing it reaches then changed (a change
        anywhere it can reach makes it a suspect, ``SummaryStore.suspects``, through the names of
        ``summary_names``, which are the call graph's edges), so the graph it reaches is the same.
        An edit inside a helper that hundreds of functions reach would otherwise have each of its
        callers walk that graph again."""
        suspects = self._suspects
        if suspects is None or id(function) in suspects:
            return False
        entry = self._entries.get(id(function))  # type: ignore[union-attr]
        return entry is not None and entry[0] is function and not entry[3]

    def _graph_callees(self, function: ir.Function, memo: dict[int, list[ir.Function]]) -> list[ir.Function]:
        found = memo.get(id(function))
        if found is None:
            found = []
            seen: set[int] = set()
            for name in self.summary_names(function):
                target = self.lookup(name)
                if target is not None and id(target) not in seen and "outer" not in target.extra:
                    seen.add(id(target))
                    found.append(target)
            memo[id(function)] = found
        return found

    def _find_cycles(self, root: ir.Function) -> None:
        """Tarjan's strongly connected components of the call graph reachable from ``root``
        (iterative); functions already assigned a component in this run are complete."""
        assigned = self._cycles
        callees: dict[int, list[ir.Function]] = {}
        index: dict[int, int] = {id(root): 0}
        low: dict[int, int] = {id(root): 0}
        stack: list[ir.Function] = [root]
        on_stack: set[int] = {id(root)}
        work = [(root, iter(self._graph_callees(root, callees)))]
        while work:
            node, children = work[-1]
            node_id = id(node)
            for child in children:
                child_id = id(child)
                if child_id in assigned:
                    continue
                if child_id not in index and self._kept_acyclic(child):
                    assigned[child_id] = ()  # a component of its own, complete (``_kept_acyclic``)
                    continue
                if child_id not in index:
                    index[child_id] = low[child_id] = len(index)
                    stack.append(child)
                    on_stack.add(child_id)
                    work.append((child, iter(self._graph_callees(child, callees))))
                    break
                if child_id in on_stack and index[child_id] < low[node_id]:
                    low[node_id] = index[child_id]
            else:
                work.pop()
                if work:
                    parent_id = id(work[-1][0])
                    if low[node_id] < low[parent_id]:
                        low[parent_id] = low[node_id]
                if low[node_id] == index[node_id]:
                    members: list[ir.Function] = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(id(member))
                        members.append(member)
                        if member is node:
                            break
                    if len(members) == 1 and not any(c is node for c in callees[node_id]):
                        cycle: tuple[ir.Function, ...] = ()
                    else:
                        cycle = tuple(members)
                    for member in members:
                        assigned[id(member)] = cycle

    def _summarise_cycle(self, members: tuple[ir.Function, ...]) -> None:
        """Summarise a call cycle as one unit: reuse its members' summaries from the store when none
        of them and nothing they looked up outside the cycle changed, else solve it."""
        ids = frozenset(id(member) for member in members)
        depends_on = frozenset().union(*(self.summary_names(member) for member in members))
        entries = self._entries
        if entries is not None:
            kept = [entries.get(id(member)) for member in members]
            if all(
                entry is not None and entry[0] is member and entry[3] == ids
                for entry, member in zip(kept, members, strict=True)
            ):
                outside = kept[0][1]  # type: ignore[index]
                current = []
                for key, signature in outside:
                    now = self._signature(key, depends_on)
                    if now != signature:
                        break
                    current.append((key, now))
                if len(current) == len(outside):
                    for member, entry in zip(members, kept, strict=True):
                        entries[id(member)] = (member, tuple(current), entry[2], ids)  # type: ignore[index]
                        self._summaries[id(member)] = entry[2]  # type: ignore[index]
                        self._store.last_used[id(member)] = self._store.run  # type: ignore[union-attr]
                    return
        summaries, looked_up = self._solve_cycle(members)
        for member in members:
            self._summaries[id(member)] = summaries[id(member)]
        if entries is not None:
            outside_keys = sorted(
                key for key in looked_up if (found := self.lookup(key)) is None or id(found) not in ids
            )
            used = tuple((key, self._signature(key, depends_on)) for key in outside_keys)
            names = frozenset().union(*(self.callee_names(member) for member in members))
            for member in members:
                entries[id(member)] = (member, used, summaries[id(member)], ids)
                self._remember(id(member), used, depends_on, names)

    def _solve_cycle(self, members: tuple[ir.Function, ...]) -> tuple[dict[int, Summary], set[str]]:
        """The summaries of a cycle's members, and the names their analyses looked up.

        Every member starts from the empty summary (returns nothing, reaches no sink). A round
        analyses the members whose last analysis read a member summary that changed, each from the
        previous round's summaries (so the order of members cannot matter), until no summary
        changes: a fixed point. The first ``_CYCLE_EXACT_ROUNDS`` rounds replace summaries; later
        ones join each new summary with the last (labels only grow, constants and shapes only get
        lost), which must end; at ``_CYCLE_ROUNDS`` the last summaries stand.
        """
        current = {id(member): Summary(CLEAN, (), member.params) for member in members}
        reads: dict[int, set[int]] = {}
        looked_up: set[str] = set()
        pending = list(members)
        self._round.update(current)
        try:
            for number in range(_CYCLE_ROUNDS):
                changed: dict[int, Summary] = {}
                for member in pending:
                    facts, reads[id(member)] = self._round_facts(member)
                    looked_up |= facts.used_keys
                    made = _summarise(facts)
                    if number >= _CYCLE_EXACT_ROUNDS:
                        made = _join_summaries(current[id(member)], made)
                    if not _same_summary(made, current[id(member)]):
                        changed[id(member)] = made
                if not changed:
                    break
                current.update(changed)
                self._round.update(changed)
                pending = [member for member in members if not reads[id(member)].isdisjoint(changed)]
        finally:
            for member in members:
                self._round.pop(id(member), None)
        return current, looked_up

    def _round_facts(self, member: ir.Function) -> tuple[FunctionFacts, set[int]]:
        """A member's facts from the current round's summaries (thrown away after the round), and
        the members whose summaries it read."""
        saved = self._scratch_captured
        self._scratch_captured = {}
        self._reading.append(set())
        added = id(member) not in self._in_progress
        self._in_progress.add(id(member))
        try:
            facts = _Interpreter(self, member, scratch=True).run()
        finally:
            if added:
                self._in_progress.discard(id(member))
            read = self._reading.pop()
            self._scratch_captured = saved
        return facts, read

    def _signature(self, key: str, depends_on: frozenset[str]) -> object:
        """What a function's analysis saw of the name ``key``: whether it resolves to a function of
        the file, and, when the function's summary can depend on that one's (``depends_on``, its
        ``_summary_names``), that function's summary signature (None while in progress). A name it
        only reads needs no summary: asking for one could reach the function itself again through a
        path its call graph does not show (it is in no cycle with the function)."""
        function = self.lookup(key)
        if function is None:
            return None
        if key not in depends_on:
            return _NAMES_A_FUNCTION
        summary = self.summary(function)
        return ("local", summary.signature() if summary is not None else None)

    def may_reach_sink(self, function: ir.Function, kind: str | None = None) -> bool:
        """Whether a sink row (of ``kind``, when given) can be reached from ``function`` at all,
        decided on the IR alone: a call that some such row matches by name, in the function or in
        one it can reach (its nested functions, the same-file functions it calls or names, the
        enclosing function of a closure). Where none can be, its summary has no sinks (of that
        kind: a helper's sink keeps its row's kind) and its facts no sink hits, whatever the
        values: a question about sinks needs no analysis of it. Exact in that direction only
        (True does not mean a sink is reached)."""
        sinks = self.models.sinks
        if kind is None:
            return self._may_reach(
                function,
                "sink",
                lambda f: any(sinks.match(callee, method) for callee, method in _call_names(f)),
            )

        return self._may_reach(function, ("sink", kind), lambda f: kind in self._own_sink_kinds(f))

    def _own_sink_kinds(self, function: ir.Function) -> frozenset[str]:
        """The kinds of the sink rows the function's own calls match by name (once per function:
        every kind's question asks)."""
        kinds = self._sink_kinds.get(id(function))
        if kinds is None:
            sinks = self.models.sinks
            by_name = _SINK_KINDS_BY_NAME.get(sinks)
            if by_name is None or len(by_name) > _SINK_KINDS_KEPT:
                by_name = _SINK_KINDS_BY_NAME[sinks] = {}
            found: set[str] = set()
            for name in _call_names(function):
                named = by_name.get(name)
                if named is None:
                    # A call's (callee, method) names the same rows in every file: matched once
                    # (the glob rows are a regex each).
                    named = by_name[name] = frozenset(row.kind for row in sinks.match(*name))
                found |= named
            kinds = self._sink_kinds[id(function)] = frozenset(found)
        return kinds

    def may_carry(self, function: ir.Function, strength: str) -> bool:
        """Whether a label of ``strength`` (``weak-random``) can appear in ``function``'s facts,
        decided on the IR alone: a source row of that strength names a call, name or attribute in
        it or in a function it can reach (as for ``may_reach_sink``: labels enter a function only
        from sources, from its callees' summaries and from the enclosing function of a closure, and
        keep their strength). Where none can, no value, store or sink hit of its facts has one."""
        if strength == PARAMETER or any(
            row.get("strength", REQUEST) == strength for row in self.models.param_sources
        ):
            return True  # parameters of that strength: every function may have them
        sources = self.models.sources

        def names_a_source(f: ir.Function) -> bool:
            return any(
                row.get("strength", REQUEST) == strength
                for callee, method in _source_names(f)
                for row in sources.match(callee, method)
            )

        return self._may_reach(function, ("carry", strength), names_a_source)

    def _may_reach(self, function: ir.Function, question: object, own: Callable[[ir.Function], bool]) -> bool:
        """Whether ``own`` holds for ``function`` or a function reachable from it (memoised)."""
        memo = self._may.setdefault(question, {})
        known = memo.get(id(function))
        if known is not None:
            return known
        seen = {id(function)}
        stack = [function]
        while stack:
            current = stack.pop()
            known = memo.get(id(current))
            if known is False:
                continue  # nothing it reaches holds either
            if known or own(current):
                memo[id(function)] = True
                return True
            reached = [self.lookup(name) for name in self.callee_names(current)]
            reached.append(ir.enclosing(current))
            for target in reached:
                if target is not None and id(target) not in seen:
                    seen.add(id(target))
                    stack.append(target)
        # Nothing reachable from here holds: the same is true of each function reached.
        for key in seen:
            memo[key] = False
        return False

    def summary_names(self, function: ir.Function) -> frozenset[str]:
        """``_summary_names`` and the methods its instance calls can run (``edges``)."""
        return self.edges(function)[0]

    def callee_names(self, function: ir.Function) -> frozenset[str]:
        """``_callee_set`` and the methods its instance calls can run (``edges``)."""
        return self.edges(function)[1]

    def edges(self, function: ir.Function) -> tuple[frozenset[str], frozenset[str]]:
        """(summary names, callee names) of the function, each with the keys of every class method
        of the file that an instance call of it (``instance_methods``) can run: whichever classes a
        factory returns, the call graph and the store's dependencies have every edge such a call
        may follow (the factory's summary only picks among them). Memoised per run."""
        names = _names(function)
        if not names[7]:
            return names[3], names[1]  # no instance call: the IR's own names (most functions)
        found = self._edges.get(id(function))
        if found is None:
            candidates = frozenset(key for method in sorted(names[7]) for key in self.method_keys(method))
            found = self._edges[id(function)] = (names[3] | candidates, names[1] | candidates)
        return found

    def method_keys(self, method: str) -> tuple[str, ...]:
        """The keys (``Class.method``) of the file's class methods named ``method``."""
        found = self._method_keys.get(method)
        if found is None:
            if self._method_keys_of is not None:
                found = tuple(sorted(self._method_keys_of(method)))
            else:
                if self._methods_by_name is None:
                    self._methods_by_name = {}
                    for key, function in self.by_key.items():
                        owner = function.class_name
                        if owner and key == f"{owner}.{function.name}":
                            self._methods_by_name.setdefault(function.name, []).append(key)
                found = tuple(sorted(self._methods_by_name.get(method, ())))
            self._method_keys[method] = found
        return found

    def lookup(self, callee: str | None) -> ir.Function | None:
        if not callee:
            return None
        function = self.by_key.get(callee)
        if function is None and self._resolve is not None and callee not in self._unresolved:
            function = self._resolve(callee)
            if function is None:
                self._unresolved.add(callee)
            else:
                self.by_key[callee] = function
        return function

    def summary_key(self) -> object:
        """A digest of the summaries of the functions the file calls: changes when a helper's
        behaviour does (a function nobody in the file calls affects no other function's facts)."""
        if self._summary_digest is not None:
            return self._summary_digest
        basis = []
        for key in sorted(self.called_keys()):
            summary = self.summary(self.by_key[key])
            basis.append((key, summary))
        store = self._store
        if store is not None and store.digest is not None and _same_summaries(store.digest[0], basis):
            self._summary_digest = store.digest[1]
            return self._summary_digest
        digest = hashlib.blake2b(digest_size=16)
        for key, summary in basis:
            digest.update(repr((key, summary.signature() if summary else None)).encode())
        self._summary_digest = digest.hexdigest()
        if store is not None:
            store.digest = (basis, self._summary_digest)
        return self._summary_digest


def _same_summary(a: Summary, b: Summary) -> bool:
    """The same summary for every caller: what reaches the return, and the signature."""
    return a.returns == b.returns and a.signature() == b.signature()


def _join_summaries(old: Summary, new: Summary) -> Summary:
    """Both summaries' behaviours: the returns joined, the sinks of either."""
    sinks = {(s.param, s.kind, s.sink.origin, s.sanitized): s for s in old.sinks}
    for sink in new.sinks:
        sinks.setdefault((sink.param, sink.kind, sink.sink.origin, sink.sanitized), sink)
    return Summary(join(old.returns, new.returns) or CLEAN, tuple(sinks.values()), new.params)


def _same_summaries(old: list[tuple[str, Summary | None]], new: list[tuple[str, Summary | None]]) -> bool:
    """The same keys with the very same summary objects (reused from the store)."""
    return len(old) == len(new) and all(a[0] == b[0] and a[1] is b[1] for a, b in zip(old, new, strict=True))


def _callee_set(function: ir.Function) -> frozenset[str]:
    """The names the function's calls and name reads could resolve to another function by, memoised
    on the IR object (adapters keep the IR of unchanged code across runs)."""
    return _names(function)[1]


def _summary_names(function: ir.Function) -> frozenset[str]:
    """The names whose functions' summaries the function's summary can depend on: its call graph's
    edges (``FileAnalysis.cycle_of``), a subset of ``_callee_set`` (see ``_names``)."""
    return _names(function)[3]


def _call_names(function: ir.Function) -> frozenset[tuple[str | None, str | None]]:
    """(callee, method) of every call in the function and its nested functions and lambdas: what
    sink rows are matched by (``FunctionFacts.sink_hits``), memoised on the IR object."""
    return _names(function)[0]


def _source_names(function: ir.Function) -> frozenset[tuple[str | None, str | None]]:
    """What source rows are matched by in the function and its nested functions: (callee, method)
    of every call and (qualified name, None) of every name and attribute; memoised on the IR."""
    names = function.extra.get("dataflow.source_names")
    if names is None:
        calls, _, qualified, *_ = _names(function)
        names = function.extra["dataflow.source_names"] = calls | qualified
    return names


_Names = tuple[
    frozenset[tuple[str | None, str | None]],  # (callee, method) of every call
    frozenset[str],  # every name a call or name read could resolve to another function by
    frozenset[tuple[str | None, str | None]],  # (qualified name, None) of every name and attribute
    frozenset[str],  # the names the function's summary can depend on the summaries of
    frozenset[str],  # the names calls resolve by (their callees)
    frozenset[str],  # the names read
    bool,  # whether a call calls a local variable
    frozenset[str],  # the methods of instance calls (``instance_methods``)
]


def _names(function: ir.Function) -> _Names:
    """What the function and its nested functions (lambdas, nested definitions, theirs ...) call,
    name and read, memoised on the IR object. Each function's own code is walked once
    (``_own_names``), and a nested function's names are taken from its own entry rather than
    walked again for every function around it.

    The names a summary can depend on (``_summary_names``): every name a call resolves by, and the
    names read only where some call of the function or of a function nested in it calls a local
    variable (``cb(x)``, callee unresolved, no receiver). The interpreter reads a summary at a call
    whose callee resolves to a function of the file, or at a call of a local variable holding a
    function value; a function value enters a function's state only through a name read or a
    nested definition, and never leaves it for another function's: a parameter holds labels, a
    summary's returned value loses its function when applied (``_substitute``), and only closures
    nested in it see its state. A name that is read but never called where no variable is called
    (a callback passed on, a function stored) cannot change the summary."""
    cached = function.extra.get("dataflow.names")
    if cached is not None:
        return cached
    calls: set[tuple[str | None, str | None]] = set()
    callees: set[str] = set()
    qualified: set[tuple[str | None, str | None]] = set()
    called: set[str] = set()
    read: set[str] = set()
    calls_a_variable = False
    methods: set[str] = set()
    seen: set[int] = set()
    stack = [function]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        done = current.extra.get("dataflow.names") if current is not function else None
        if done is not None:
            calls |= done[0]
            callees |= done[1]
            qualified |= done[2]
            called |= done[4]
            read |= done[5]
            calls_a_variable = calls_a_variable or done[6]
            methods |= done[7]
            continue
        own_calls, own_callees, own_qualified, own_called, own_read, own_variable, own_methods, nested = (
            _own_names(current)
        )
        calls |= own_calls
        callees |= own_callees
        qualified |= own_qualified
        called |= own_called
        read |= own_read
        calls_a_variable = calls_a_variable or own_variable
        methods |= own_methods
        stack.extend(nested)
    summary_names = called | read if calls_a_variable else called
    cached = function.extra["dataflow.names"] = (
        frozenset(calls),
        frozenset(callees),
        frozenset(qualified),
        frozenset(summary_names),
        frozenset(called),
        frozenset(read),
        calls_a_variable,
        frozenset(methods),
    )
    return cached


def instance_methods(function: ir.Function) -> frozenset[str]:
    """The methods the function (or one nested in it) calls on what a call of a plain name returned:
    ``make().run(x)``, ``q = make(); q.run(x)`` (``q`` assigned such a call somewhere in the same
    function). Only these calls run a same-file class's method chosen by the receiver's ``classes``
    (``_Interpreter._instance_call``): decided on the IR alone, so the call graph can have an edge
    to every method they may run (``FileAnalysis.edges``) without one for every method call."""
    return _names(function)[7]


def _own_names(function: ir.Function) -> tuple[set, set, set, set, set, bool, set, list[ir.Function]]:
    """``_names`` of the function's own statements and expressions (cases included): calls,
    callees, qualified names, the names calls resolve by, the names read, whether it calls a local
    variable, the methods of its instance calls (``_names``), and the functions nested directly in
    them (not walked here)."""
    calls: set[tuple[str | None, str | None]] = set()
    callees: set[str] = set()
    qualified: set[tuple[str | None, str | None]] = set()
    called: set[str] = set()
    read: set[str] = set()
    calls_a_variable = False
    nested: list[ir.Function] = []
    methods: set[str] = set()
    instances: set[str] = set()  # locals assigned a factory call (``_instance_locals``)
    on_names: list[tuple[str, str]] = []  # (local, method) of method calls on a local
    for item in _own_items(function, nested):
        kind = type(item)
        if kind is ir.Call:
            receiver = item.receiver
            if receiver is not None and item.method:
                if type(receiver) is ir.Name:
                    on_names.append((receiver.name, item.method))
                elif _is_factory_call(receiver):
                    methods.add(item.method)
            calls.add((item.callee, item.method))
            if item.callee:
                callees.add(item.callee)
                called.add(item.callee)
            elif item.receiver is None:
                callees.add(item.method)
                calls_a_variable = calls_a_variable or bool(item.method)
        elif kind is ir.Name:
            callees.add(item.name)
            read.add(item.name)
            if item.qualname is not None:
                qualified.add((item.qualname, None))
        elif kind is ir.Attr and item.qualname is not None:
            qualified.add((item.qualname, None))
        elif kind is ir.Assign and type(item.target) is ir.Name and _is_factory_call(item.value):
            instances.add(item.target.name)
    methods.update(method for name, method in on_names if name in instances)
    function.extra["dataflow.instances"] = frozenset(instances)
    return calls, callees, qualified, called, read, calls_a_variable, methods, nested


def _is_factory_call(expr: ir.Expr) -> bool:
    """A call of a plain name (``make()``, ``new Impl()``): what it returns may be an instance of a
    same-file class (its summary's ``classes``)."""
    return type(expr) is ir.Call and expr.receiver is None and bool(expr.callee)


def _is_instance_receiver(receiver: ir.Expr, instances: frozenset[str]) -> bool:
    if type(receiver) is ir.Name:
        return receiver.name in instances
    return _is_factory_call(receiver)


def _instance_locals(function: ir.Function) -> frozenset[str]:
    """The function's locals assigned a factory call (``q = make()``), memoised on the IR object
    by ``_own_names``."""
    found = function.extra.get("dataflow.instances")
    if found is None:
        _own_names(function)
        found = function.extra["dataflow.instances"]
    return found


_NESTS_FUNCTION = (ir.FuncRef, ir.Define)


def _own_items(function: ir.Function, nested: list[ir.Function] | None = None) -> list[Any]:
    """Every statement and expression in the function, not inside its nested functions (those
    are appended to ``nested``). ``shapes.walk`` knows each node class's children: about three
    times faster than reading every slot of every node, and it is what rules walk too."""
    found = walk(function.body)
    if nested is not None:
        nests = _NESTS_FUNCTION
        nested.extend(item.function for item in found if type(item) in nests)
    return found


_STORE_MIN_LIMIT = 4096
_Entry = tuple[ir.Function, tuple[tuple[str, object], ...], Summary, frozenset[int]]


class SummaryStore:
    """Summaries of a document's functions that outlive one analysis run (an editor keeps the
    document open): the one mechanism every language adapter uses to make an edit cost the edit.

    An entry is keyed by the function's IR object, which adapters keep across runs exactly while
    the function's own text and the file facts its lowering read (imports, declared names, field
    types) are unchanged; it records every name the function's analysis looked up, whether the
    name resolved to a function of the file and that function's summary signature then.
    ``FileAnalysis.summary`` reuses an entry while all of those are the same (a name that starts or
    stops resolving, or whose function's summary changed, re-summarises it). Models or module
    constants changing clear it, and make every key suspect.

    The members of a call cycle are kept as one unit: each member's entry names the cycle's
    members (their ids) and records what the cycle looked up outside itself; they are reused
    together while the cycle has the same members and those names the same signatures.
    """

    def __init__(self) -> None:
        # id(function) -> (function, (name looked up, its signature then)..., summary, the ids of
        # the members of its call cycle or an empty set).
        self._entries: dict[int, _Entry] = {}
        self._basis: tuple[int, str] | None = None
        # The last run's ``summary_key`` and the summaries it was computed from.
        self.digest: tuple[list[tuple[str, Summary | None]], str] | None = None
        # The run each entry was last used in: entries of edited-away functions are dropped once
        # the store outgrows what the document uses, so it never grows with the number of edits.
        self.run = 0
        self.last_used: dict[int, int] = {}
        self._limit = _STORE_MIN_LIMIT
        # The previous run's functions by key, which entries used each key's summary, and which
        # only named it (depend on what it resolves to, not on its summary).
        self._by_key: dict[str, ir.Function] = {}
        self._users: dict[str, set[int]] = {}
        self._readers: dict[str, set[int]] = {}

    def kept(self) -> list[tuple[ir.Function, Summary]]:
        """Every entry's function and summary (an adapter that reuses IR across trees replaces the
        tree's handles in them when the tree goes: ``languages/detached_nodes``)."""
        return [(entry[0], entry[2]) for entry in self._entries.values()]

    def note_users(self, function_id: int, keys: Iterable[str], read: Iterable[str] = ()) -> None:
        """The entry ``function_id`` depends on the summaries of what ``keys`` name, and on what
        the names ``read`` resolve to (see ``suspects``)."""
        for key in keys:
            self._users.setdefault(key, set()).add(function_id)
        for key in read:
            self._readers.setdefault(key, set()).add(function_id)

    def suspects(self, by_key: dict[str, ir.Function]) -> tuple[set[int], frozenset[str]]:
        """The entries whose summary may have changed since the previous run, and their keys.

        A key that names another function than last run (or none, or one now) is suspect, and so
        is every entry that named it, and every entry that depends on the summary of a suspect key
        (entries are noted under every name their function's summary can depend on,
        ``FileAnalysis._remember``), and its own keys, transitively. A name an entry's function
        only reads (not in its ``_summary_names``) makes it suspect when the name starts or stops
        naming a function of the file: not when it names another function object, nor when the
        summary of the function it names may have changed (the summary cannot read it, see
        ``_names``). Any other entry named only keys that still
        name the same function, whose summary is (by the same argument) the same object, and its
        call cycle is the same: it is valid without comparing signatures. The cost follows the
        edit's reach, not the number of functions."""
        last = self._by_key
        # A closure's summary is made afresh every run (from the state it captures): never kept.
        changed = {
            key
            for key, function in by_key.items()
            if last.get(key) is not function or "outer" in function.extra
        }
        changed.update(key for key in last if key not in by_key)
        # A name that starts or stops naming a function of the file: what reading it gives changed
        # (another function object in its place is read as a function all the same).
        toggled = [key for key in changed if (key in by_key) != (key in last)]
        self._by_key = dict(by_key)
        suspects: set[int] = set()
        keys = set(changed)
        frontier = list(changed)
        reached = [function_id for key in toggled for function_id in self._readers.get(key, ())]
        while reached or frontier:
            for function_id in reached or self._users.get(frontier.pop(), ()):
                if function_id in suspects:
                    continue
                suspects.add(function_id)
                entry = self._entries.get(function_id)
                if entry is None:
                    continue
                for key in (entry[0].key, *entry[0].extra.get("aliases", ())):
                    if key and key not in keys:
                        keys.add(key)
                        frontier.append(key)
            reached = []
        return suspects, frozenset(keys)

    def for_run(self, models: Models, constants: dict[str, Any]) -> dict[int, _Entry]:
        basis = (id(models), repr(sorted(constants.items(), key=lambda item: item[0])))
        if basis != self._basis:
            self._entries = {}
            self.last_used = {}
            self.digest = None
            self._basis = basis
            self._users = {}
            # Every summary may differ now (a module constant a branch folds on changed): every key
            # is suspect (``suspects``), not only those naming new functions, or a caller's key kept
            # from the last run would show a summary of the old constants.
            self._by_key = {}
            self._readers = {}
        self.run += 1
        if len(self._entries) > self._limit:
            recent = self.run - 2  # used in the previous run: still part of the document
            for key in [key for key in self._entries if self.last_used.get(key, 0) < recent]:
                del self._entries[key]
                self.last_used.pop(key, None)
            for users in (*self._users.values(), *self._readers.values()):
                users.intersection_update(self._entries)
            self._limit = max(_STORE_MIN_LIMIT, 2 * len(self._entries))
        return self._entries


def _summarise(facts: FunctionFacts) -> Summary:
    returned: Value | None = None
    for value in facts.returns:
        returned = join(returned, value)
    sinks: list[HelperSink] = []
    for fact in facts.calls:
        if fact.local:
            continue
        for row in facts.models.sinks.match(fact.callee, fact.call.method):
            if not sink_applies(row, fact):
                continue
            for value in sink_values(row, fact):
                for label in value.labels_for(row.kind):
                    if label.strength == PARAMETER and label.param is not None:
                        sinks.append(HelperSink(label.param, row.kind, row, fact.call, label.sanitized))
    for hit in facts.helper_hits:
        for label in hit.labels:
            if label.strength == PARAMETER and label.param is not None:
                sinks.append(
                    HelperSink(label.param, hit.sink.kind, hit.sink, hit.inner or hit.call, label.sanitized)
                )
    unique = {(s.param, s.kind, s.sink.origin, s.sanitized): s for s in sinks}
    return Summary(returned if returned is not None else CLEAN, tuple(unique.values()), facts.function.params)


# ---------------------------------------------------------------------------------------- folding

_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">=", "in", "not in", "is", "is not"})
# Pure methods of constant strings, folded whatever the language calls them.
_STRING_METHODS: dict[str, Callable[..., Any]] = {
    "lower": str.lower,
    "toLowerCase": str.lower,
    "upper": str.upper,
    "toUpperCase": str.upper,
    "strip": str.strip,
    "trim": str.strip,
    "lstrip": str.lstrip,
    "rstrip": str.rstrip,
    "charAt": lambda s, i: s[i] if 0 <= i < len(s) else "",
    "startswith": str.startswith,
    "startsWith": str.startswith,
    "endswith": str.endswith,
    "endsWith": str.endswith,
    "equals": operator.eq,
    "length": len,
    "toString": str,
    "substring": lambda s, a, b=None: s[a:b],
    "replace": str.replace,
    "isEmpty": lambda s: not s,
    "contains": operator.contains,
    "includes": operator.contains,
}


def _fold_binary(op: str, left: Any, right: Any) -> Any:
    try:
        if op in ("in", "not in"):
            found = left in right
            return found if op == "in" else not found
        if op == "and":
            return left and right
        if op == "or":
            return left or right
        if op in ("is", "is not"):
            same = left is right if left is None or right is None else left == right
            return same if op == "is" else not same
        if op == "+" and isinstance(left, str) != isinstance(right, str):
            return _as_text(left) + _as_text(right)
        function = _BINARY.get(op)
        if function is None:
            return UNKNOWN
        result = function(left, right)
        if isinstance(result, str) and len(result) > 10_000:
            return UNKNOWN  # don't carry huge folded strings around
        return result
    except Exception:  # noqa: BLE001 - folding is best effort (1/0, "a" - 1 ...)
        return UNKNOWN


def _fold_string_method(method: str, text: str, args: list[Any]) -> Any:
    try:
        return _STRING_METHODS[method](text, *args)
    except Exception:  # noqa: BLE001 - folding is best effort (wrong arity, bad index ...)
        return UNKNOWN


def _as_text(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    return str(value)


def _truth(value: Value) -> bool | None:
    if not value.is_const:
        return None
    return bool(value.const)


def path_of(expr: ir.Expr) -> str | None:
    """``x``, ``self.x``, ``this.a.b``: the state key of a variable or field path."""
    if isinstance(expr, ir.Name):
        return expr.name
    if isinstance(expr, ir.Attr):
        base = path_of(expr.obj)
        return f"{base}.{expr.name}" if base is not None else None
    return None


# ---------------------------------------------------------------------------------------- interpreter


class _Frame:
    """A loop or switch: where ``break`` (and for loops ``continue``) states go."""

    __slots__ = ("breaks", "continues", "is_loop")

    def __init__(self, is_loop: bool) -> None:
        self.is_loop = is_loop
        self.breaks: list[State] = []
        self.continues: list[State] = []


def _join_states(states: Iterable[State | None]) -> State | None:
    """The states of several paths merged: a variable's values joined; a variable defined on some
    paths only keeps its labels and forgets its constant (``_one_path``).

    Most variables hold the very same ``Value`` on every path (only a few are assigned in an
    ``if``'s arms or a loop's body), and a state met twice (a ``break`` with nothing after it)
    adds nothing: ``join`` of an object with itself is that object, so both are skipped."""
    merged: State | None = None
    joined: list[State] = []
    for state in states:
        if state is None or any(state is seen for seen in joined):
            continue
        joined.append(state)
        if merged is None:
            merged = dict(state)
            continue
        for key, value in state.items():
            old = merged.get(key)
            if old is value:
                continue
            merged[key] = _one_path(value) if old is None else join(old, value)  # type: ignore[assignment]
        if len(merged) > len(state):
            for key in merged.keys() - state.keys():
                merged[key] = _one_path(merged[key])
    return merged


def _one_path(value: Value) -> Value:
    """A variable's value where it is defined on one path only: its labels, not its constant."""
    return Value(
        value.all_labels(),
        kind=value.kind,
        items=value.items,
        entries=value.entries,
        classes=value.classes,
    )


class _Interpreter:
    def __init__(self, file: FileAnalysis, function: ir.Function, scratch: bool = False) -> None:
        """``scratch``: the facts are for one round of a call cycle (closures it defines capture
        into the round's own record, ``FileAnalysis.capture``)."""
        self.file = file
        self.scratch = scratch
        self.models = file.models
        self.function = function
        self.facts = FunctionFacts(function, file.models)
        self._calls: dict[int, CallFact] = {}
        self._stores: dict[int, StoreFact] = {}
        self._frames: list[_Frame] = []

    # -- entry

    def run(self) -> FunctionFacts:
        state: State = dict(self.file.captured(self.function))
        for param in self.function.params:
            state[param.name] = self._param_value(param)
        self._block(self.function.body, state)
        self.facts.calls = list(self._calls.values())
        self.facts.stores = list(self._stores.values())
        return self.facts

    def _param_value(self, param: ir.Param) -> Value:
        if "self" in param.tags:
            return CLEAN
        labels = set()
        strength = self.models.param_strength(param.tags, param.type)
        if strength is not None:
            labels.add(Label(f"param:{param.name}", strength, param.node, path=(param.name,)))
        if param.index >= 0:
            labels.add(
                Label(f"param:{param.index}", PARAMETER, param.node, param=param.index, path=(param.name,))
            )
        return tainted(labels)

    # -- statements

    def _block(self, body: Iterable[ir.Stmt], state: State | None) -> State | None:
        statements = _STATEMENTS
        for statement in body:
            if state is None:
                return None
            run = statements.get(type(statement))
            state = run(self, statement, state) if run is not None else self._statement(statement, state)
        return state

    def _statement(self, stmt: ir.Stmt, state: State) -> State | None:
        """One statement (``_block`` dispatches by its class, ``_STATEMENTS``; an object of another
        class, such as a subclass an adapter made, is run by the first class it is an instance of)."""
        for kind, run in _STATEMENTS.items():
            if isinstance(stmt, kind):
                return run(self, stmt, state)
        return state

    def _assign_statement(self, stmt: ir.Assign, state: State) -> State | None:
        value = self._eval(stmt.value, state)
        self._assign(stmt.target, value, state)
        return state

    def _eval_statement(self, stmt: ir.Eval, state: State) -> State | None:
        self._eval(stmt.expr, state)
        return state

    def _return(self, stmt: ir.Return, state: State) -> State | None:
        if stmt.value is not None:
            self.facts.returns.append(self._eval(stmt.value, state))
        else:
            self.facts.returns.append(Value(const=None))
        return None

    def _raise(self, stmt: ir.Raise, state: State) -> State | None:
        if stmt.value is not None:
            self._eval(stmt.value, state)
        return None

    def _break(self, stmt: ir.Break, state: State) -> State | None:
        frame = self._frames[-1] if self._frames else None
        if frame is not None:
            frame.breaks.append(dict(state))
        return None

    def _continue(self, stmt: ir.Continue, state: State) -> State | None:
        frame = next((f for f in reversed(self._frames) if f.is_loop), None)
        if frame is not None:
            frame.continues.append(dict(state))
        return None

    def _define(self, stmt: ir.Define, state: State) -> State | None:
        state[stmt.function.name] = Value(function=stmt.function)
        self.file.capture(stmt.function, state, self.scratch)
        return state

    def _if(self, stmt: ir.If, state: State) -> State | None:
        truth = _truth(self._eval(stmt.test, state))
        if truth is True:
            return self._block(stmt.body, self._refine(stmt.test, dict(state), True))
        if truth is False:
            return self._block(stmt.orelse, self._refine(stmt.test, dict(state), False))
        then_state = self._block(stmt.body, self._refine(stmt.test, dict(state), True))
        else_state = self._block(stmt.orelse, self._refine(stmt.test, dict(state), False))
        return _join_states((then_state, else_state))

    def _loop(self, loop: ir.Loop, state: State) -> State | None:
        frame = _Frame(is_loop=True)
        self._frames.append(frame)
        try:
            head: State = dict(state)
            exits: list[State | None] = []
            for round_number in range(_LOOP_ROUNDS):
                truth = _truth(self._eval(loop.test, head)) if loop.test is not None else None
                if truth is False and not (loop.runs_once and round_number == 0):
                    break
                entry = self._refine(loop.test, dict(head), True) if loop.test is not None else dict(head)
                end = self._block(loop.body, entry)
                new_head = _join_states((head, end, *frame.continues))
                frame.continues.clear()
                if new_head == head:
                    break
                head = new_head if new_head is not None else head
            truth = _truth(self._eval(loop.test, head)) if loop.test is not None else None
            if truth is not True:
                leaving = self._refine(loop.test, dict(head), False) if loop.test is not None else dict(head)
                exits.append(self._block(loop.orelse, leaving) if loop.orelse else leaving)
            exits.extend(frame.breaks)
            return _join_states(exits)
        finally:
            self._frames.pop()

    def _switch(self, stmt: ir.Switch, state: State) -> State | None:
        subject = self._eval(stmt.subject, state)
        uses_break = any(case.falls_through for case in stmt.cases)
        frame = _Frame(is_loop=False)
        if uses_break:
            self._frames.append(frame)
        try:
            chosen = self._chosen_case(stmt, subject, state)
            if chosen is not None:
                current: State | None = dict(state)
                for case in stmt.cases[chosen:]:
                    current = self._block(case.body, current)
                    if current is None or not case.falls_through:
                        break
                return _join_states((current, *frame.breaks))
            ends: list[State | None] = []
            falling: State | None = None
            has_default = False
            for case in stmt.cases:
                has_default = has_default or not case.tests
                entry = _join_states((state, falling))
                end = self._block(case.body, entry)
                if case.falls_through:
                    falling = end
                else:
                    ends.append(end)
                    falling = None
            ends.append(falling)
            if not has_default:
                ends.append(state)
            return _join_states((*ends, *frame.breaks))
        finally:
            if uses_break:
                self._frames.pop()

    def _chosen_case(self, stmt: ir.Switch, subject: Value, state: State) -> int | None:
        """The arm a constant subject selects, when every test before it is constant too."""
        if not subject.is_const:
            return None
        default = None
        for index, case in enumerate(stmt.cases):
            if not case.tests:
                default = index
                continue
            for test in case.tests:
                value = self._eval(test, state)
                if not value.is_const:
                    return None
                if value.const == subject.const and type(value.const) is type(subject.const):
                    return index
        return default

    def _try(self, stmt: ir.Try, state: State) -> State | None:
        before = dict(state)
        body_end = self._block(stmt.body, dict(state))
        # A handler can start anywhere in the body: from before it or after it.
        handler_entry = _join_states((before, body_end))
        ends = [self._block(stmt.orelse, body_end) if stmt.orelse else body_end]
        for handler in stmt.handlers:
            ends.append(self._block(handler, dict(handler_entry or before)))
        end = _join_states(ends)
        if stmt.final:
            if end is None:
                self._block(stmt.final, dict(handler_entry or before))
                return None
            end = self._block(stmt.final, end)
        return end

    # -- assignment

    def _assign(self, target: ir.Expr, value: Value, state: State) -> None:
        if isinstance(target, ir.Name):
            state[target.name] = map_labels(value, lambda label: label.through(target.name))
            return
        if isinstance(target, ir.Seq):
            for position, item in enumerate(target.items):
                if value.kind == LIST and value.items is not None and position < len(value.items):
                    self._assign(item, value.items[position], state)
                else:
                    self._assign(item, tainted(value.all_labels()), state)
            return
        if isinstance(target, ir.Attr):
            obj = self._eval(target.obj, state)
            self._stores[id(target)] = StoreFact(target, obj, target.name, None, value)
            path = path_of(target)
            if path is not None:
                state[path] = value
            base = path_of(target.obj)
            if base is not None and obj.kind == MAP:
                state[base] = _map_put(obj, target.name, value)
            return
        if isinstance(target, ir.Index):
            obj = self._eval(target.obj, state)
            key = self._eval(target.key, state)
            self._stores[id(target)] = StoreFact(target, obj, None, key, value)
            base = path_of(target.obj)
            if base is not None:
                state[base] = _container_set(obj, key, value)

    # -- refinement by tests (guards)

    def _refine(self, test: ir.Expr | None, state: State, truth: bool) -> State:
        if test is None:
            return state
        if isinstance(test, ir.Unary) and test.op == "not":
            return self._refine(test.operand, state, not truth)
        if isinstance(test, ir.BinOp):
            if test.op == "and" and truth:
                return self._refine(test.right, self._refine(test.left, state, True), True)
            if test.op == "or" and not truth:
                return self._refine(test.right, self._refine(test.left, state, False), False)
            if test.op in ("==", "!=", "is") and truth == (test.op != "!="):
                for side, other in ((test.left, test.right), (test.right, test.left)):
                    path = path_of(side)
                    other_value = self._eval(other, state)
                    if path is not None and other_value.is_const:
                        state[path] = Value(const=other_value.const)
                        return state
            if test.op in ("in", "not in") and truth == (test.op == "in"):
                row = self.models.operator_guards.get("in")
                path = path_of(test.left)
                container = self._eval(test.right, state)
                if row is not None and path is not None and path in state and not container.all_labels():
                    state[path] = _sanitize(state[path], row.kinds, row.get("requires"))
            return state
        if isinstance(test, ir.Call) and truth:
            for row in self.models.guards.match(test.callee, test.method):
                checked = (
                    test.receiver
                    if row.get("checks") == "receiver"
                    else (test.args[0] if test.args else None)
                )
                if row.get("checks") == "arg0" and test.receiver is not None:
                    if self._eval(test.receiver, state).all_labels():
                        continue  # an allowlist the attacker fills is no allowlist
                path = path_of(checked) if checked is not None else None
                if path is not None and path in state:
                    state[path] = _sanitize(state[path], row.kinds, row.get("requires"))
        return state

    # -- expressions

    def _eval(self, expr: ir.Expr | None, state: State) -> Value:
        if expr is None:
            return CLEAN
        evaluate = _EXPRESSIONS.get(type(expr))
        value = evaluate(self, expr, state) if evaluate is not None else self._evaluate(expr, state)
        node = getattr(expr, "node", None)
        if node is not None:
            values = self.facts.values
            previous = values.get(node)
            values[node] = value if previous is None else (join(previous, value) or value)
        return value

    def _evaluate(self, expr: ir.Expr, state: State) -> Value:
        """One expression's value (``_eval`` dispatches by its class, ``_EXPRESSIONS``; an object
        of another class is evaluated by the first class it is an instance of, else is clean)."""
        for kind, evaluate in _EXPRESSIONS.items():
            if isinstance(expr, kind):
                return evaluate(self, expr, state)
        return CLEAN

    def _literal(self, expr: ir.Lit, state: State) -> Value:
        return Value(const=expr.value)

    def _name(self, expr: ir.Name, state: State) -> Value:
        value = state.get(expr.name)
        if value is not None:
            return value
        if expr.name in self.file.constants:
            return Value(const=self.file.constants[expr.name])
        function = self.file.lookup(expr.name)
        if function is not None:
            self.facts.used_keys.add(expr.name)
            return Value(function=function)
        return self._source_value(expr.qualname, None, expr)

    def _attribute(self, expr: ir.Attr, state: State) -> Value:
        path = path_of(expr)
        if path is not None and path in state:
            return state[path]
        obj = self._eval(expr.obj, state)
        if obj.kind == MAP and obj.entries is not None:
            entry = obj.entry(expr.name)
            if entry is not None:
                return entry
        source = self._source_value(expr.qualname, None, expr)
        if _is_private(expr.name):
            # ``model._meta``, ``obj._state``: an object's internals (the ``_name``
            # convention) are its class's own bookkeeping, not data the caller chose.
            labels = frozenset(label for label in obj.all_labels() if label.strength != PARAMETER)
            return _plus(Value(labels=labels), source)
        kinds = self.models.attribute_sanitizers.get(expr.name)
        if kinds:
            if ALL_KINDS in kinds:
                return source
            obj = map_labels(obj, lambda label: label.with_sanitized(kinds))
        return _plus(Value(labels=obj.all_labels()), source)

    def _index(self, expr: ir.Index, state: State) -> Value:
        obj = self._eval(expr.obj, state)
        key = self._eval(expr.key, state)
        return self._server_keys_dropped(_container_get(obj, key), obj, key)

    def _concat(self, expr: ir.Concat, state: State) -> Value:
        parts = [self._eval(part, state) for part in expr.parts]
        constant = UNKNOWN
        if all(part.is_const for part in parts):
            constant = "".join(_as_text(part.const) for part in parts)
        labels = union(parts).labels
        return Value(labels, constant)

    def _unary(self, expr: ir.Unary, state: State) -> Value:
        operand = self._eval(expr.operand, state)
        if expr.op == "not":
            return Value(const=not operand.const) if operand.is_const else CLEAN
        if expr.op == "-" and operand.is_const and isinstance(operand.const, (int, float)):
            return Value(const=-operand.const)
        return Value(labels=operand.all_labels())

    def _conditional(self, expr: ir.Cond, state: State) -> Value:
        truth = _truth(self._eval(expr.test, state))
        if truth is True:
            return self._eval(expr.then, self._refine(expr.test, dict(state), True))
        if truth is False:
            return self._eval(expr.orelse, self._refine(expr.test, dict(state), False))
        return (
            join(
                self._eval(expr.then, self._refine(expr.test, dict(state), True)),
                self._eval(expr.orelse, self._refine(expr.test, dict(state), False)),
            )
            or CLEAN
        )

    def _sequence(self, expr: ir.Seq, state: State) -> Value:
        items = expr.items
        if type(items) is ir.LitTable:
            # An adapter's table of numbers: its constants, made once per table.
            if items.value is None:
                items.value = Value(kind=LIST, items=tuple(Value(const=item.value) for item in items))
            return items.value
        # A literal without a node (an adapter's table of numbers) is its constant: no dispatch.
        return Value(
            kind=LIST,
            items=tuple(
                Value(const=item.value)
                if type(item) is ir.Lit and item.node is None
                else self._eval(item, state)
                for item in expr.items
            ),
        )

    def _function_value(self, expr: ir.FuncRef, state: State) -> Value:
        self.file.capture(expr.function, state, self.scratch)
        return Value(function=expr.function)

    def _opaque(self, expr: ir.Opaque, state: State) -> Value:
        return union([self._eval(part, state) for part in expr.parts])

    def _binary(self, expr: ir.BinOp, state: State) -> Value:
        left = self._eval(expr.left, state)
        if expr.op in ("and", "or"):
            truth = _truth(left)
            if expr.op == "and" and truth is False or expr.op == "or" and truth is True:
                return left
            right = self._eval(expr.right, self._refine(expr.left, dict(state), expr.op == "and"))
            if truth is not None:
                return right
            return join(left, right) or CLEAN
        right = self._eval(expr.right, state)
        if expr.op in ("in", "not in") and left.is_const and right.kind == LIST and right.items is not None:
            if all(item.is_const for item in right.items):
                found = any(item.const == left.const for item in right.items)
                return Value(const=found if expr.op == "in" else not found)
        constant = (
            _fold_binary(expr.op, left.const, right.const) if left.is_const and right.is_const else UNKNOWN
        )
        if expr.op in _COMPARISONS:
            return Value(const=constant)  # a comparison's result is a boolean: no data flows
        return Value(union([left, right]).labels, constant)

    def _map_literal(self, expr: ir.MapLit, state: State) -> Value:
        entries: dict[Any, Value] = {}
        loose: set[Label] = set()
        for key_expr, value_expr in expr.entries:
            value = self._eval(value_expr, state)
            if key_expr is None:
                if value.kind == MAP and value.entries is not None:
                    entries.update(value.entries)
                    loose |= value.labels
                else:
                    loose |= value.all_labels()
                continue
            key = self._eval(key_expr, state)
            if key.is_const:
                entries[key.const] = value
            else:
                loose |= value.all_labels()
        classes = frozenset({expr.class_name}) if expr.class_name else frozenset()
        return Value(frozenset(loose), kind=MAP, entries=tuple(entries.items()), classes=classes)

    def _server_keys_dropped(self, value: Value, mapping: Value, key: Value) -> Value:
        """``environ["CSRF_COOKIE"]``: a constant key of a mapping source that the client's request
        does not fill (a model row's ``client_keys``) reads what the server or a middleware put
        there: that source's label is dropped."""
        patterns = self.models.client_keys
        if not patterns or not key.is_const or not isinstance(key.const, str):
            return value
        server_side = {
            label.source
            for label in mapping.labels
            if label.source in patterns and not patterns[label.source].match(key.const)
        }
        if not server_side:
            return value
        return with_labels(
            value, frozenset(label for label in value.labels if label.source not in server_side)
        )

    def _source_value(self, qualname: str | None, method: str | None, expr: ir.Expr) -> Value:
        if qualname is None and method is None:
            return CLEAN
        rows = self.models.sources.match(qualname, method)
        if not rows:
            return CLEAN
        origin = getattr(expr, "node", None)
        return tainted(
            {
                Label(row.label, row.get("strength", REQUEST), origin, frozenset(row.get("safe_for", ())))
                for row in rows
            }
        )

    # -- calls

    def _call(self, call: ir.Call, state: State) -> Value:
        receiver = self._eval(call.receiver, state) if call.receiver is not None else None
        args = tuple([self._eval(arg, state) for arg in call.args])
        keywords = {name: self._eval(value, state) for name, value in call.keywords}
        result = self._call_result(call, receiver, args, keywords, state)
        if call.is_new and call.callee and "." not in call.callee:
            # ``new Impl()``: an instance of ``Impl`` (a method call on it runs ``Impl``'s method when
            # the file defines one, ``_instance_call``).
            result = Value(
                result.labels,
                result.const,
                result.kind,
                result.items,
                result.entries,
                None,
                frozenset({call.callee}),
            )
        fact = self._calls.get(id(call))
        if fact is None:
            local = self.file.lookup(call.callee) is not None
            if call.callee:
                # Whether the name resolves to a function of the file decides this fact (and the
                # summary): a helper declared later must invalidate it.
                self.facts.used_keys.add(call.callee)
            self._calls[id(call)] = CallFact(call, call.callee, receiver, args, keywords, result, local)
        else:  # a loop visits it again: merge what reaches it
            fact.receiver = join(fact.receiver, receiver) if receiver is not None else fact.receiver
            fact.args = (
                tuple(join(old, new) or CLEAN for old, new in zip(fact.args, args, strict=False))
                + args[len(fact.args) :]
            )
            for name, value in keywords.items():
                fact.keywords[name] = join(fact.keywords.get(name), value) or CLEAN
            fact.result = join(fact.result, result) or CLEAN
        return result

    def _call_result(
        self,
        call: ir.Call,
        receiver: Value | None,
        args: tuple[Value, ...],
        keywords: dict[str, Value],
        state: State,
    ) -> Value:
        models = self.models
        callee, method = call.callee, call.method
        inputs = [*args, *keywords.values()]
        source = self._source_value(callee, method, call)
        # A same-file function (or a local function value): its summary.
        function = self.file.lookup(callee)
        if function is not None:
            self.facts.used_keys.add(callee)  # type: ignore[arg-type]
        if function is None and call.receiver is None and callee is None:
            local = state.get(method)
            function = local.function if local is not None else None
        if function is not None and call.receiver is not None and models.sanitizers.match(None, method):
            # ``self.quote_value(v)`` in a class that implements a modelled sanitizer method (a
            # database backend's own quoting): the method's contract, not its body, says what it
            # returns; the body is the implementation (``"'%s'" % v.replace("'", "''")``).
            function = None
        if function is not None:
            # Itself or another member of its call cycle included (``FileAnalysis._solve_cycle``).
            summary = self.file.summary(function)
            if summary is not None:
                return _plus(self._apply_summary(call, function, summary, args, keywords), source)
        elif receiver is not None and receiver.classes:
            result = self._instance_call(call, receiver, args, keywords)
            if result is not None:
                return _plus(result, source)
        sanitizers = models.sanitizers.match(callee, method)
        if sanitizers:
            kinds = frozenset().union(*(row.kinds for row in sanitizers))
            # What is sanitized is everything flowing in: the arguments and, for a method
            # (`buf.toString('utf8')`), the receiver.
            flowing = union([*inputs, *((receiver,) if receiver is not None else ())])
            if ALL_KINDS in kinds:
                return _plus(CLEAN, source)
            return _plus(map_labels(flowing, lambda label: label.with_sanitized(kinds)), source)
        if models.neutrals.match(callee, method):
            return source
        constructor = models.constructors.match(callee, None) if call.is_new or callee else []
        if constructor:
            return _plus(_construct(constructor[0].get("op"), args), source)
        if receiver is not None and method == "get" and args and models.client_keys:
            dropped = self._server_keys_dropped(receiver, receiver, args[0])
            if dropped is not receiver:
                return _plus(union([dropped, *args[1:]]), source)  # ``environ.get("CSRF_COOKIE", default)``
        if receiver is not None:
            container_rows = models.containers.match(None, method)
            if container_rows:
                handled = self._container_call(call, container_rows[0].get("op"), receiver, args, state)
                if handled is not None:
                    return _plus(handled, source)
            if receiver.is_const and isinstance(receiver.const, str) and method in _STRING_METHODS:
                if all(arg.is_const for arg in args):
                    folded = _fold_string_method(method, receiver.const, [a.const for a in args])
                    if folded is not UNKNOWN:
                        return Value(const=folded)
        direct = (receiver is not None and (receiver.is_const or bool(receiver.all_labels()))) or bool(
            models.propagators.match(callee, method)
        )
        flowing = union(inputs)
        if not direct and flowing.labels:
            # An unmodelled function: its result depends on the arguments somehow.
            flowing = map_labels(flowing, lambda label: label.made_indirect())
        if receiver is not None:
            flowing = union([flowing, receiver])
        return _plus(flowing, source)

    def _instance_call(
        self, call: ir.Call, receiver: Value, args: tuple[Value, ...], keywords: dict[str, Value]
    ) -> Value | None:
        """``make().run(x)``, ``q = make(); q.run(x)``: the receiver is an instance of the same-file
        classes its value names (from ``new Impl()`` or a factory's summary), so the call runs their
        ``run``: each one's summary applied, the results joined (a factory picking between two
        classes may return either). None when the call is no instance call (``instance_methods``)
        or no such class has the method: an unknown call, as before."""
        function = self.function
        if not _is_instance_receiver(call.receiver, _instance_locals(function)):  # type: ignore[arg-type]
            return None
        result: Value | None = None
        for class_name in sorted(receiver.classes):
            key = f"{class_name}.{call.method}"
            method = self.file.lookup(key)
            if method is None:
                continue
            self.facts.used_keys.add(key)
            summary = self.file.summary(method)
            if summary is not None:
                # Named by its class in messages (``Shell.run``, not the method's own ``self.run``).
                result = join(result, self._apply_summary(call, method, summary, args, keywords, key))
        return result

    def _container_call(
        self, call: ir.Call, op: str, receiver: Value, args: tuple[Value, ...], state: State
    ) -> Value | None:
        """Apply a container method; None when the receiver is not a tracked container."""
        path = path_of(call.receiver) if call.receiver is not None else None
        if receiver.kind is None:
            # An untracked receiver still absorbs what is added to it (``params.add(x)``).
            if op in ("append", "insert", "put", "set", "extend") and path is not None and args:
                added = union(list(args))
                if added.labels:
                    state[path] = Value(receiver.labels | added.labels, kind=None)
            return None
        updated, result = _container_op(op, receiver, args)
        if updated is not None and path is not None:
            state[path] = updated
        return result

    def _apply_summary(
        self,
        call: ir.Call,
        function: ir.Function,
        summary: Summary,
        args: tuple[Value, ...],
        keywords: dict[str, Value],
        via: str | None = None,
    ) -> Value:
        """The summary applied to the call's arguments; ``via``: the name sink hits inside it are
        reported through (the function's key by default)."""
        by_position = {param.index: param for param in summary.params if param.index >= 0}

        def argument(position: int) -> Value:
            if position < len(args) and not call.has_spread:
                return args[position]
            param = by_position.get(position)
            if param is not None and param.name in keywords:
                return keywords[param.name]
            if call.has_spread:
                return union([*args, *keywords.values()])
            return CLEAN

        def substitute(label: Label) -> frozenset[Label]:
            if label.strength != PARAMETER or label.param is None:
                return frozenset({label})
            return frozenset(
                inner.with_sanitized(label.sanitized) for inner in argument(label.param).all_labels()
            )

        for helper_sink in summary.sinks:
            value = argument(helper_sink.param)
            labels = tuple(
                label.with_sanitized(helper_sink.sanitized)
                for label in value.labels_for(helper_sink.kind)
                if not label.with_sanitized(helper_sink.sanitized).safe_for(helper_sink.kind)
            )
            if labels:
                self.facts.helper_hits.append(
                    SinkHit(
                        call,
                        helper_sink.sink,
                        value,
                        labels,
                        via or function.key or function.name,
                        helper_sink.inner,
                    )
                )
        returned = summary.returns
        return _substitute(returned, substitute)


# The interpreter's step for each IR class, looked up by the node's exact class: one dict lookup
# per node instead of a chain of ``isinstance`` tests (an ``Opaque`` went through fourteen).
_STATEMENTS: dict[type, Callable[[_Interpreter, Any, State], State | None]] = {
    ir.Assign: _Interpreter._assign_statement,
    ir.Eval: _Interpreter._eval_statement,
    ir.Return: _Interpreter._return,
    ir.Raise: _Interpreter._raise,
    ir.If: _Interpreter._if,
    ir.Loop: _Interpreter._loop,
    ir.Switch: _Interpreter._switch,
    ir.Try: _Interpreter._try,
    ir.Break: _Interpreter._break,
    ir.Continue: _Interpreter._continue,
    ir.Define: _Interpreter._define,
}
_EXPRESSIONS: dict[type, Callable[[_Interpreter, Any, State], Value]] = {
    ir.Lit: _Interpreter._literal,
    ir.Name: _Interpreter._name,
    ir.Attr: _Interpreter._attribute,
    ir.Index: _Interpreter._index,
    ir.Call: _Interpreter._call,
    ir.Concat: _Interpreter._concat,
    ir.BinOp: _Interpreter._binary,
    ir.Unary: _Interpreter._unary,
    ir.Cond: _Interpreter._conditional,
    ir.Seq: _Interpreter._sequence,
    ir.MapLit: _Interpreter._map_literal,
    ir.FuncRef: _Interpreter._function_value,
    ir.Opaque: _Interpreter._opaque,
}


# ---------------------------------------------------------------------------------------- helpers


def _without_positions(value: Value) -> Value:
    if not any(label.param is not None for label in value.all_labels()):
        return value
    return map_labels(value, _outer_parameter)


def _outer_parameter(label: Label) -> Label:
    if label.param is None:
        return label
    return Label(
        label.source, label.strength, label.origin, label.sanitized, None, label.indirect, label.path
    )


def _plus(value: Value, extra: Value) -> Value:
    if not extra.labels:
        return value
    return Value(
        value.labels | extra.labels,
        value.const,
        value.kind,
        value.items,
        value.entries,
        value.function,
        value.classes,
    )


def _substitute(value: Value, change: Callable[[Label], frozenset[Label]]) -> Value:
    labels: set[Label] = set()
    for label in value.labels:
        labels |= change(label)
    items = tuple(_substitute(item, change) for item in value.items) if value.items is not None else None
    entries = (
        tuple((key, _substitute(entry, change)) for key, entry in value.entries)
        if value.entries is not None
        else None
    )
    return Value(frozenset(labels), value.const, value.kind, items, entries, None, value.classes)


def _sanitize(value: Value, kinds: frozenset[str], requires: str | None) -> Value:
    def change(label: Label) -> Label:
        if requires is not None and requires not in label.sanitized:
            return label
        return label.with_sanitized(kinds)

    return map_labels(value, change)


def _construct(op: str, args: tuple[Value, ...]) -> Value:
    if op == "new-list":
        if args and args[0].kind == LIST:
            return args[0]
        if args and args[0].all_labels():
            return Value(args[0].all_labels(), kind=LIST)
        return Value(kind=LIST, items=())
    if op == "new-map":
        if args and args[0].kind == MAP:
            return args[0]
        return Value(union(list(args)).labels, kind=MAP, entries=())
    # new-builder: starts with its argument's text (a capacity number adds nothing)
    first = args[0] if args else Value(const="")
    if first.is_const and not isinstance(first.const, str):
        first = Value(const="")
    return Value(first.all_labels(), first.const, kind=BUILDER)


def _container_get(obj: Value, key: Value) -> Value:
    if obj.kind == LIST and obj.items is not None and key.is_const and isinstance(key.const, int):
        if -len(obj.items) <= key.const < len(obj.items):
            return _plus(obj.items[key.const], Value(labels=obj.labels))
        return Value(labels=obj.labels)
    if obj.kind == MAP and obj.entries is not None and key.is_const:
        entry = obj.entry(key.const)
        return _plus(entry, Value(labels=obj.labels)) if entry is not None else Value(labels=obj.labels)
    if obj.is_const and isinstance(obj.const, str) and key.is_const and isinstance(key.const, int):
        try:
            return Value(const=obj.const[key.const])
        except IndexError:
            return CLEAN
    return Value(labels=obj.all_labels())


def _container_set(obj: Value, key: Value, value: Value) -> Value:
    if obj.kind == LIST and obj.items is not None and key.is_const and isinstance(key.const, int):
        if -len(obj.items) <= key.const < len(obj.items):
            items = list(obj.items)
            items[key.const] = value
            return Value(obj.labels, kind=LIST, items=tuple(items))
    if obj.kind == MAP and obj.entries is not None and key.is_const:
        return _map_put(obj, key.const, value)
    return Value(obj.all_labels() | value.all_labels(), kind=obj.kind)


def _map_put(obj: Value, key: Any, value: Value) -> Value:
    entries = dict(obj.entries or ())
    entries[key] = value
    return Value(obj.labels, kind=MAP, entries=tuple(entries.items()))


def _container_op(op: str, receiver: Value, args: tuple[Value, ...]) -> tuple[Value | None, Value]:
    """(the receiver after the call or None if unchanged, the call's result) for a tracked container."""
    kind = receiver.kind
    if kind == BUILDER:
        if op in ("append", "insert"):
            added = args[-1] if args else CLEAN
            constant = UNKNOWN
            if receiver.is_const and added.is_const and op == "append":
                constant = receiver.const + _as_text(added.const)
            updated = Value(receiver.labels | added.all_labels(), constant, kind=BUILDER)
            return updated, updated  # builders return themselves (chained appends)
        if op == "clear":
            return Value(const="", kind=BUILDER), CLEAN
        return None, Value(receiver.labels, receiver.const)  # toString and friends
    if kind == LIST:
        items = list(receiver.items) if receiver.items is not None else None
        loose = receiver.labels
        if op == "append" and args:
            if len(args) == 2 and args[0].is_const and isinstance(args[0].const, int):
                op = "insert"  # Java's add(index, element)
            elif items is not None:
                return Value(loose, kind=LIST, items=(*items, *args)), CLEAN
            else:
                return Value(loose | union(list(args)).labels, kind=LIST), CLEAN
        if op == "insert" and len(args) >= 2:
            index = args[0]
            if items is not None and index.is_const and isinstance(index.const, int):
                items.insert(index.const, args[1])
                return Value(loose, kind=LIST, items=tuple(items)), CLEAN
            return Value(receiver.all_labels() | args[1].all_labels(), kind=LIST), CLEAN
        if op == "extend" and args:
            other = args[0]
            if items is not None and other.kind == LIST and other.items is not None:
                return Value(loose | other.labels, kind=LIST, items=(*items, *other.items)), CLEAN
            return Value(receiver.all_labels() | other.all_labels(), kind=LIST), CLEAN
        if op == "shift":
            op, args = "pop", (Value(const=0),)
        if op in ("remove", "pop"):
            if items is None:
                return None, Value(labels=receiver.all_labels())
            if not args and op == "pop":
                if not items:
                    return None, Value(labels=loose)
                removed = items.pop()
                return Value(loose, kind=LIST, items=tuple(items)), removed
            which = args[0] if args else Value(const=0)
            if which.is_const and isinstance(which.const, int) and not isinstance(which.const, bool):
                if -len(items) <= which.const < len(items):
                    removed = items.pop(which.const)
                    return Value(loose, kind=LIST, items=tuple(items)), removed
            elif which.is_const:
                for position, item in enumerate(items):
                    if item.is_const and item.const == which.const:
                        items.pop(position)
                        return Value(loose, kind=LIST, items=tuple(items)), Value(const=True)
            return Value(receiver.all_labels(), kind=LIST), Value(labels=receiver.all_labels())
        if op == "get" and args:
            return None, _container_get(receiver, args[0])
        if op == "set" and len(args) >= 2:
            return _container_set(receiver, args[0], args[1]), CLEAN
        if op == "clear":
            return Value(kind=LIST, items=()), CLEAN
        return None, Value(labels=receiver.all_labels())
    if kind == MAP:
        if op in ("put", "set") and len(args) >= 2:
            return _container_set(receiver, args[0], args[1]), CLEAN
        if op == "get" and args:
            found = _container_get(receiver, args[0])
            if len(args) > 1 and receiver.entries is not None and args[0].is_const:
                if receiver.entry(args[0].const) is None:
                    found = _plus(args[1], found)  # dict.get(key, default)
            return None, found
        if op == "pop" and args:
            found = _container_get(receiver, args[0])
            if receiver.entries is not None and args[0].is_const:
                entries = tuple((k, v) for k, v in receiver.entries if k != args[0].const)
                return Value(receiver.labels, kind=MAP, entries=entries), found
            return None, found
        if op == "clear":
            return Value(kind=MAP, entries=()), CLEAN
        if op == "extend" and args:  # dict.update / putAll / Object.assign-like
            other = args[0]
            if receiver.entries is not None and other.kind == MAP and other.entries is not None:
                entries = dict(receiver.entries)
                entries.update(other.entries)
                return Value(receiver.labels | other.labels, kind=MAP, entries=tuple(entries.items())), CLEAN
            return Value(receiver.all_labels() | other.all_labels(), kind=MAP), CLEAN
        return None, Value(labels=receiver.all_labels())
    return None, Value(labels=receiver.all_labels())
