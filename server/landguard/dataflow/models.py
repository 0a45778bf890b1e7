"""Models as data: sources, sinks, sanitizers, guards, neutrals and containers per language.

Rows live in ``landguard/data/models/<language>*.toml`` (``python.toml``, ``python_django.toml``
…) and users add their own under ``[tool.landguard.models]`` in the same shape. Each row is
matched against the qualified names the language adapter gives calls, attributes and names
(``name = "subprocess.run"``, ``*`` globs allowed), or against a call's last name on any
receiver (``method = "execute"``).

Tables (``[[table]]`` arrays of rows):

``source``     ``name`` | ``param_tag`` | ``param_type``; ``strength`` (default ``"request"``);
               ``safe_for``: kinds the value cannot harm (``request.path`` is a local path:
               no redirect or SSRF can start from it); ``client_keys``: for a mapping source
               (a CGI/WSGI environ), a regular expression of the keys the client's request fills
               (``HTTP_*``, ``QUERY_STRING``): a constant key that does not match reads what the
               server or a middleware stored there (``request.META["CSRF_COOKIE"]``)
``sink``       ``name`` | ``method``; ``kind``; ``args`` (positions; omitted: every argument),
               ``keywords`` (names), ``receiver = true`` (the object itself);
               ``when_keyword`` (only when that keyword is given and not constant-false, e.g.
               ``shell``), ``when_option = [position, "key"]`` (an options-object argument's key;
               ``"auth.pass"``: a key of a nested object)
``sanitizer``  ``name`` | ``method`` | ``attribute`` (an attribute read: ``Path(p).name``); ``kinds``
               (sink kinds it makes safe; ``"*"``: all)
``guard``      ``name`` | ``method`` | ``op`` (``"=="``, ``"in"``); ``kinds``; ``checks``:
               ``"receiver"`` or ``"arg0"`` (what is validated when the test is true); ``requires``:
               a marker kind the value must already carry (a prefix check only counts after
               normalisation)
``neutral``    ``name`` | ``method``: the result carries no taint (``len``, ``hashCode``)
``propagator`` ``name`` | ``method``: the result carries its arguments' data as they are
               (``os.path.join``, ``String.valueOf``, ``Base64`` encoding); any other unmodelled
               call propagates too, but marks the labels ``indirect``
``container``  ``method`` (on a tracked container) and ``op``: ``append`` ``insert`` ``remove``
               ``pop`` ``get`` ``put`` ``set`` ``tostring`` ``clear`` ``extend``; or ``name`` (a
               constructor/factory) and ``op``: ``new-list`` ``new-map`` ``new-builder``
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from landguard import shipped_toml

TABLES = ("source", "sink", "sanitizer", "guard", "neutral", "propagator", "container")
_ROW_KEYS: dict[str, frozenset[str]] = {
    "source": frozenset({"name", "param_tag", "param_type", "strength", "safe_for", "client_keys", "note"}),
    "sink": frozenset(
        {"name", "method", "kind", "args", "keywords", "receiver", "when_keyword", "when_option", "note"}
    ),
    "sanitizer": frozenset({"name", "method", "attribute", "kinds", "note"}),
    "guard": frozenset({"name", "method", "op", "kinds", "checks", "requires", "note"}),
    "neutral": frozenset({"name", "method", "note"}),
    "propagator": frozenset({"name", "method", "note"}),
    "container": frozenset({"name", "method", "op", "note"}),
}
CONTAINER_OPS = frozenset(
    {"append", "insert", "remove", "pop", "shift", "get", "put", "set", "tostring", "clear", "extend"}
)
CONSTRUCTOR_OPS = frozenset({"new-list", "new-map", "new-builder"})
# Model files by language; the JavaScript family shares one set.
_LANGUAGE_FILES = {"typescript": "javascript", "tsx": "javascript"}


class ModelError(ValueError):
    """A model row is malformed; the message names the file, table and row."""


@dataclass(frozen=True, slots=True)
class Row:
    table: str
    name: str | None = None
    method: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    origin: str = ""  # "python.toml: sink #3", for messages

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    @property
    def kind(self) -> str:
        return self.data.get("kind", "")

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self.data.get("kinds", ()))

    @property
    def label(self) -> str:
        return self.name or f"*.{self.method}"


def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile("^" + ".*".join(re.escape(part) for part in pattern.split("*")) + "$")


# Answers ``RowIndex.match`` keeps per index before starting over: a file calls the same few names
# over and over, but a server's memory must stay flat over any number of distinct names.
_MATCHES_KEPT = 8192


class RowIndex:
    """Rows of one table, found by qualified name (exact or glob) or by method name.

    An index never changes after it is built (a user's rows make another ``Models``, see
    ``load_models``), so what ``match`` answered for a (name, method) is kept on the index itself:
    matching a name tries every glob row, and the interpreter asks about the same callees again
    for every call, every loop round and every table."""

    def __init__(self, rows: Iterable[Row]) -> None:
        self.by_name: dict[str, list[Row]] = {}
        self.by_method: dict[str, list[Row]] = {}
        self.globs: list[tuple[re.Pattern[str], Row]] = []
        self.rows: list[Row] = []
        for row in rows:
            self.rows.append(row)
            if row.name is not None:
                if "*" in row.name:
                    self.globs.append((_glob(row.name), row))
                else:
                    self.by_name.setdefault(row.name, []).append(row)
            elif row.method is not None:
                self.by_method.setdefault(row.method, []).append(row)
        self._matches: dict[tuple[str | None, str | None], tuple[Row, ...]] = {}

    def match(self, name: str | None, method: str | None = None) -> tuple[Row, ...]:
        """The rows matching the qualified ``name`` (exact, then globs) and then ``method``, in
        that order (the first row decides for some tables)."""
        key = (name, method)
        found = self._matches.get(key)
        if found is None:
            found = self._match(name, method)
            if len(self._matches) >= _MATCHES_KEPT:
                self._matches.clear()
            self._matches[key] = found
        return found

    def _match(self, name: str | None, method: str | None) -> tuple[Row, ...]:
        found: list[Row] = []
        if name is not None:
            found.extend(self.by_name.get(name, ()))
            for pattern, row in self.globs:
                if pattern.match(name):
                    found.append(row)
        if method is not None:
            found.extend(self.by_method.get(method, ()))
        return tuple(found)

    def __bool__(self) -> bool:
        return bool(self.rows)


class Models:
    """Every model row for one language, indexed for the interpreter."""

    def __init__(self, rows: Iterable[Row]) -> None:
        rows = list(rows)
        self.rows = tuple(rows)
        by_table = {table: [row for row in rows if row.table == table] for table in TABLES}
        self.sources = RowIndex(r for r in by_table["source"] if r.name or r.method)
        self.param_sources = [r for r in by_table["source"] if r.get("param_tag") or r.get("param_type")]
        self.sinks = RowIndex(by_table["sink"])
        self.sanitizers = RowIndex(r for r in by_table["sanitizer"] if r.name or r.method)
        self.attribute_sanitizers: dict[str, frozenset[str]] = {}
        for row in by_table["sanitizer"]:
            attribute = row.get("attribute")
            if attribute:
                kinds = self.attribute_sanitizers.get(attribute, frozenset())
                self.attribute_sanitizers[attribute] = kinds | row.kinds
        self.guards = RowIndex(r for r in by_table["guard"] if r.name or r.method)
        self.operator_guards = {r.get("op"): r for r in by_table["guard"] if r.get("op")}
        self.neutrals = RowIndex(by_table["neutral"])
        self.propagators = RowIndex(by_table["propagator"])
        self.containers = RowIndex(r for r in by_table["container"] if r.method)
        self.constructors = RowIndex(r for r in by_table["container"] if r.name)
        self.sink_kinds = frozenset(row.kind for row in by_table["sink"])
        # Mapping sources whose keys the client fills only in part: label -> those keys.
        self.client_keys: dict[str, re.Pattern[str]] = {
            row.label: re.compile(row.get("client_keys"))
            for row in by_table["source"]
            if row.get("client_keys")
        }
        # Every name or method any row mentions: a cheap prefilter for rules.
        self.sink_methods = frozenset(
            (row.method or (row.name or "").rsplit(".", 1)[-1]) for row in by_table["sink"]
        )

    def param_strength(self, tags: frozenset[str], type_name: str | None) -> str | None:
        for row in self.param_sources:
            tag = row.get("param_tag")
            wanted_type = row.get("param_type")
            if (tag and tag in tags) or (wanted_type and type_name and _glob(wanted_type).match(type_name)):
                return row.get("strength", "request")
        return None


def validate_row(table: str, raw: Any, origin: str) -> Row:
    """One row of ``table``, checked; ``ModelError`` says what is wrong and where."""
    if table not in _ROW_KEYS:
        raise ModelError(f"{origin}: unknown table [[{table}]] (expected one of {', '.join(TABLES)})")
    if not isinstance(raw, dict):
        raise ModelError(f"{origin}: a row must be a table of keys")
    unknown = set(raw) - _ROW_KEYS[table]
    if unknown:
        raise ModelError(f"{origin}: unknown key(s) {', '.join(sorted(unknown))}")
    name, method = raw.get("name"), raw.get("method")
    for key in (
        "name",
        "method",
        "attribute",
        "kind",
        "param_tag",
        "param_type",
        "strength",
        "op",
        "checks",
        "requires",
    ):
        if key in raw and not (isinstance(raw[key], str) and raw[key]):
            raise ModelError(f"{origin}: `{key}` must be a non-empty string")
    selectors = [
        key for key in ("name", "method", "attribute", "param_tag", "param_type", "op") if key in raw
    ]
    if not selectors:
        raise ModelError(f"{origin}: a row needs `name` or `method`")
    if table == "sink":
        if not raw.get("kind"):
            raise ModelError(f"{origin}: a sink needs a `kind`")
        args = raw.get("args", [])
        if not isinstance(args, list) or not all(isinstance(a, int) and a >= 0 for a in args):
            raise ModelError(f"{origin}: `args` must be a list of argument positions")
        if not isinstance(raw.get("keywords", []), list):
            raise ModelError(f"{origin}: `keywords` must be a list of names")
        option = raw.get("when_option")
        if option is not None and not (
            isinstance(option, list)
            and len(option) == 2
            and isinstance(option[0], int)
            and isinstance(option[1], str)
        ):
            raise ModelError(f'{origin}: `when_option` must be [position, "key"]')
    safe_for = raw.get("safe_for", [])
    if not isinstance(safe_for, list) or not all(isinstance(k, str) for k in safe_for):
        raise ModelError(f"{origin}: `safe_for` must be a list of sink kinds")
    if table in ("sanitizer", "guard"):
        kinds = raw.get("kinds")
        if not isinstance(kinds, list) or not kinds or not all(isinstance(k, str) for k in kinds):
            raise ModelError(f'{origin}: `kinds` must be a non-empty list of sink kinds (or ["*"])')
    if table == "guard" and raw.get("checks", "arg0") not in ("receiver", "arg0"):
        raise ModelError(f'{origin}: `checks` must be "receiver" or "arg0"')
    if table == "container":
        op = raw.get("op")
        allowed = CONSTRUCTOR_OPS if name else CONTAINER_OPS
        if op not in allowed:
            raise ModelError(f"{origin}: `op` must be one of {', '.join(sorted(allowed))}")
    return Row(table=table, name=name, method=method, data=dict(raw), origin=origin)


def rows_from_toml(document: Mapping[str, Any], origin: str) -> list[Row]:
    rows: list[Row] = []
    for table, entries in document.items():
        if not isinstance(entries, list):
            raise ModelError(f"{origin}: [[{table}]] must be an array of tables")
        for number, raw in enumerate(entries, 1):
            rows.append(validate_row(table, raw, f"{origin}: {table} #{number}"))
    return rows


def model_files(language: str) -> list[tuple[str, str]]:
    """(file name, text) of the shipped model files for ``language``."""
    base = _LANGUAGE_FILES.get(language, language)
    folder = resources.files("landguard") / "data" / "models"
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        stem = entry.name.removesuffix(".toml")
        if entry.name.endswith(".toml") and (stem == base or stem.startswith(base + "_")):
            found.append((entry.name, entry.read_text(encoding="utf-8")))
    return found


@functools.cache
def shipped_rows(language: str) -> tuple[Row, ...]:
    rows: list[Row] = []
    for file_name, text in model_files(language):
        rows.extend(rows_from_toml(shipped_toml.parse(file_name, text), file_name))
    return tuple(rows)


@functools.lru_cache(maxsize=32)
def _load(language: str, extra: tuple[Row, ...], contents: tuple[str, ...]) -> Models:
    return Models((*shipped_rows(language), *extra))


def load_models(language: str, extra: Iterable[Row] = ()) -> Models:
    """The models for ``language``: the shipped rows plus ``extra`` (the user's, from config).

    Kept per language and rows. Rows compare by table, name, method and origin only, so the cache
    key also holds what each user row says (``data``): two configurations whose ``sink #1`` names
    the same function with another ``kind`` get their own ``Models`` (and their own memoised
    ``RowIndex.match`` answers), not whichever was loaded first."""
    extra = tuple(extra)
    contents = tuple(repr(sorted(row.data.items())) for row in extra)
    return _load(_LANGUAGE_FILES.get(language, language), extra, contents)


def models_for(language: str, config: Any = None) -> Models:
    """The models for ``language`` with the user's rows from ``config.models`` (``[tool.landguard.models]``)."""
    base = _LANGUAGE_FILES.get(language, language)
    extra: tuple[Row, ...] = ()
    for configured, rows in getattr(config, "models", ()) or ():
        if configured == base:
            extra += tuple(rows)
    return load_models(base, extra)
