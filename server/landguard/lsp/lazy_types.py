"""``lsprotocol.types`` with each class created when something first names it (issue #15, cold start).

Importing ``lsprotocol.types`` creates its 554 attrs classes and 38 enums: ~130 ms of CPU in a fresh
process on a quiet machine, the largest single step before the server can answer ``initialize``,
and no cache can skip creating a class. A session meets about a quarter of them (pygls' imports and
hooks, a full editor's ``initialize``, documents, diagnostics, code actions). ``install()`` puts in
``sys.modules`` a ``lsprotocol.types`` whose imports run at once and whose every other top-level
statement (a class, an alias, a constant, a function) runs the first time its name is read:

- as an attribute (``types.Diagnostic``, ``from lsprotocol.types import Range``), through the
  module's ``__getattr__`` (PEP 562);
- by a statement of the module itself while it runs (a class's base or field default, an alias
  naming another): the ``NameError`` names what is missing, which is created, and the statement
  runs again (a statement that failed has bound nothing, so running it again is exact);
- by a function or method of the module when called: the globals a function's code names are
  created with the function, since a function's global lookups do not reach ``__getattr__``.

The module's dict displays (``ALL_TYPES_MAP``, ``METHOD_TO_TYPES``: pygls imports both) become
``LazyDict``: their keys at once, each value when it is read; anything that reads them whole
(iterating, ``items()``, copying, comparing, changing) first evaluates every value, in the
display's order. Forward references (``"Range"``) resolved against the module's names read them
as attributes (``converter._TypesByName``); a resolution that reads the module's dict itself
(``typing.get_type_hints`` with no namespace) would not create what it names, which is why the
converter resolves each lsprotocol class itself before cattrs sees it, and lsprotocol's own eager
pass (any other converter) reads ``ALL_TYPES_MAP.items()`` first, which creates everything.

Each statement's code is compiled from the module's source once per source text, path and
Python version and kept as ``signed_cache`` data (code objects under the per-user HMAC, as
``generated_code`` keeps attrs' code); without a usable cache folder, or when the module holds
a statement of a kind this does not know (a new lsprotocol), nothing is installed and
``lsprotocol.types`` imports as usual. ``LANDGUARD_NO_LAZY_TYPES=1`` turns it off.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from importlib.util import find_spec
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

from landguard import signed_cache

MODULE = "lsprotocol.types"
FOLDER = "lsprotocol"
_FORMAT = 1  # of the cached plan below; another value: planned again

# What the module's top level may hold besides what is bound by name: its imports (run at once)
# and docstrings under aliases (dropped). Anything else and the module imports as usual.
_EAGER = (ast.Import, ast.ImportFrom)

# (statements run at once, {name: the statement binding it}, {name: ((key, value), ...) of a dict display})
Plan = tuple[tuple[CodeType, ...], dict[str, CodeType], dict[str, tuple[tuple[CodeType, CodeType], ...]]]


def _bound_name(statement: ast.stmt) -> str | None:
    if isinstance(statement, (ast.ClassDef, ast.FunctionDef)):
        return statement.name
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        return target.id if isinstance(target, ast.Name) else None
    if isinstance(statement, ast.AnnAssign) and statement.value is not None and statement.simple:
        return statement.target.id if isinstance(statement.target, ast.Name) else None
    return None


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def plan(source: bytes, filename: str) -> Plan | None:
    """The module split into its statements, compiled; None if it holds one this cannot defer."""
    tree = ast.parse(source, filename)

    def compiled(node: ast.AST, mode: str) -> CodeType:
        # ``dont_inherit``: not this module's ``from __future__ import annotations``.
        # landguard: ignore[LG203] -- lsprotocol's own installed module, split into its statements
        return compile(node, filename, mode, dont_inherit=True)

    eager: list[CodeType] = []
    lazy: dict[str, CodeType] = {}
    displays: dict[str, tuple[tuple[CodeType, CodeType], ...]] = {}
    for statement in tree.body:
        if isinstance(statement, _EAGER):
            if isinstance(statement, ast.ImportFrom) and statement.module == "__future__":
                return None  # its flags would apply to every statement
            eager.append(compiled(ast.Module([statement], []), "exec"))
            continue
        if _is_docstring(statement):
            continue
        name = _bound_name(statement)
        if name is None or name in lazy or name in displays:
            return None  # a statement with effects of its own, or a name bound twice
        value = statement.value if isinstance(statement, (ast.Assign, ast.AnnAssign)) else None
        if isinstance(value, ast.Dict) and all(key is not None for key in value.keys):
            displays[name] = tuple(
                (compiled(ast.Expression(key), "eval"), compiled(ast.Expression(item), "eval"))
                for key, item in zip(value.keys, value.values, strict=True)
                if key is not None
            )
        else:
            lazy[name] = compiled(ast.Module([statement], []), "exec")
    return tuple(eager), lazy, displays


def _functions(code: CodeType) -> Iterator[CodeType]:
    """The code of every function ``code`` defines (methods and lambdas included)."""
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            if constant.co_flags & 0x02:  # CO_NEWLOCALS: a function's body, not a class body
                yield constant
            yield from _functions(constant)


class _Creator:
    """Runs the module's deferred statements, each once, in its namespace."""

    def __init__(self, namespace: dict[str, Any], lazy: dict[str, CodeType], displays: dict) -> None:
        self.namespace = namespace
        self.lazy = dict(lazy)
        self.displays = dict(displays)
        self.created: list[str] = []
        self.lock = threading.RLock()

    def names(self) -> set[str]:
        with self.lock:
            return set(self.namespace) | self.lazy.keys() | self.displays.keys()

    def create(self, name: str) -> Any:
        with self.lock:
            if name in self.namespace:
                return self.namespace[name]
            code = self.lazy.pop(name, None)
            if code is not None:
                try:
                    self.run(code, exec)
                except BaseException:
                    self.lazy[name] = code  # the next read fails as this one did
                    raise
                self.created.append(name)
                for function in _functions(code):
                    for global_name in function.co_names:
                        if global_name in self.lazy or global_name in self.displays:
                            self.create(global_name)
                return self.namespace[name]
            entries = self.displays.pop(name, None)
            if entries is not None:
                value = self.namespace[name] = LazyDict(self, entries)
                self.created.append(name)
                return value
        raise AttributeError(f"module {MODULE!r} has no attribute {name!r}", name=name, obj=None)

    def run(self, code: CodeType, runner: Callable[..., Any]) -> Any:
        """``exec``/``eval`` of ``code`` in the module, creating each deferred name it misses."""
        while True:
            try:
                return runner(code, self.namespace)
            except NameError as error:
                missing = error.name
                with self.lock:
                    if missing is None or (missing not in self.lazy and missing not in self.displays):
                        raise
                    self.create(missing)


class LazyDict(dict):
    """A dict display of the module: its keys known at once, a value evaluated when first read.

    Only single-key reads (``d[k]``, ``get``, ``in``, ``len``) leave the rest unevaluated; anything
    else evaluates every value first (in the display's order) and is then the dict's own method."""

    def __init__(self, creator: _Creator, entries: tuple[tuple[CodeType, CodeType], ...]) -> None:
        super().__init__()
        self._creator = creator
        pending: dict[Any, CodeType] = {}
        for key_code, value_code in entries:
            pending[creator.run(key_code, eval)] = value_code  # a repeated key: the last value, as a display
        self._order = list(pending)
        self._pending = pending

    def _evaluate(self, key: Any) -> Any:
        with self._creator.lock:
            code = self._pending.get(key)
            if code is None:
                return dict.__getitem__(self, key)
            value = self._creator.run(code, eval)
            dict.__setitem__(self, key, value)
            del self._pending[key]
            return value

    def _complete(self) -> None:
        with self._creator.lock:
            if not self._pending:
                return
            for key in list(self._pending):
                self._evaluate(key)
            ordered = [(key, dict.__getitem__(self, key)) for key in self._order]
            dict.clear(self)
            dict.update(self, ordered)

    def __missing__(self, key: Any) -> Any:
        if key in self._pending:
            return self._evaluate(key)
        raise KeyError(key)

    def get(self, key: Any, default: Any = None) -> Any:
        if key in self._pending:
            return self._evaluate(key)
        return dict.get(self, key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._pending or dict.__contains__(self, key)

    def __len__(self) -> int:
        return dict.__len__(self) + len(self._pending)

    def __reduce_ex__(self, protocol: Any) -> Any:  # a copy or a pickle is a plain dict
        self._complete()
        return (dict, (dict(dict.items(self)),))


def _completing(name: str) -> Callable[..., Any]:
    method = getattr(dict, name)

    def complete_first(self: LazyDict, *args: Any, **kwargs: Any) -> Any:
        self._complete()  # noqa: SLF001 - the class's own helper
        return method(self, *args, **kwargs)

    complete_first.__name__ = name
    return complete_first


for _name in (
    "__iter__", "__reversed__", "keys", "values", "items", "copy", "pop", "popitem", "setdefault",
    "update", "clear", "__setitem__", "__delitem__", "__eq__", "__ne__", "__repr__", "__or__",
    "__ror__", "__ior__",
):  # fmt: skip
    setattr(LazyDict, _name, _completing(_name))


def _cached_plan(source: bytes, filename: str) -> Plan | None:
    """The plan of this source from the cache, planned and stored if it is not there; None
    without a usable cache folder (planning costs more than creating every class)."""
    place = signed_cache.folder(FOLDER)
    if place is None:
        return None
    folder, secret = place
    path = folder / f"types-{sys.implementation.cache_tag}.bin"
    digest = hashlib.blake2b(
        b"\0".join((str(_FORMAT).encode(), sys.version.encode(), filename.encode(), source)), digest_size=16
    ).digest()
    stored = signed_cache.load(path, secret)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == digest and _is_plan(stored[1]):
        return stored[1]
    planned = plan(source, filename)
    if planned is not None:
        signed_cache.store(path, secret, (digest, planned))
    return planned


def _is_plan(value: Any) -> bool:
    if not (isinstance(value, tuple) and len(value) == 3):
        return False
    eager, lazy, displays = value
    return (
        isinstance(eager, tuple)
        and all(isinstance(code, CodeType) for code in eager)
        and isinstance(lazy, dict)
        and all(isinstance(name, str) and isinstance(code, CodeType) for name, code in lazy.items())
        and isinstance(displays, dict)
        and all(
            isinstance(name, str)
            and isinstance(entries, tuple)
            and all(isinstance(entry, tuple) and len(entry) == 2 for entry in entries)
            for name, entries in displays.items()
        )
    )


_installed: _Creator | None = None


def install() -> ModuleType | None:
    """Put the deferred ``lsprotocol.types`` in ``sys.modules``; call before anything imports it.

    Returns None, changing nothing, when it is imported already, ``LANDGUARD_NO_LAZY_TYPES`` is
    set, or there is no cache folder or known plan (see the module docstring)."""
    global _installed
    if MODULE in sys.modules or os.environ.get("LANDGUARD_NO_LAZY_TYPES"):
        return None
    spec = find_spec(MODULE)
    if spec is None or spec.origin is None:
        return None
    try:
        source = Path(spec.origin).read_bytes()
    except OSError:
        return None
    planned = _cached_plan(source, spec.origin)
    if planned is None:
        return None
    eager, lazy, displays = planned
    module = ModuleType(MODULE)
    module.__file__ = spec.origin
    module.__spec__ = spec
    module.__loader__ = spec.loader
    module.__package__ = spec.parent
    if spec.cached is not None:
        module.__cached__ = spec.cached
    namespace = module.__dict__
    for code in eager:
        exec(code, namespace)  # noqa: S102 - lsprotocol's own imports, compiled from its file
    creator = _Creator(namespace, lazy, displays)

    def __getattr__(name: str) -> Any:  # noqa: N807 - the module hook's name (PEP 562)
        return creator.create(name)

    def __dir__() -> list[str]:  # noqa: N807
        return sorted(creator.names())

    namespace["__getattr__"] = __getattr__
    namespace["__dir__"] = __dir__
    package = importlib.import_module(spec.parent)
    sys.modules[MODULE] = module
    package.types = module
    _installed = creator
    return module


def created() -> list[str] | None:
    """The deferred names created so far, in order (None if not installed): tests, benchmarks."""
    return None if _installed is None else list(_installed.created)
