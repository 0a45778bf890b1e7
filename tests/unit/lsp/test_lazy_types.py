"""``lazy_types``: lsprotocol's types created on first use are the module's types (issue #15)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from landguard.lsp import lazy_types

SERVER = Path(__file__).resolve().parents[3] / "server"

# In a fresh interpreter (``lsprotocol.types`` is imported once per process): every public name of
# the module, each class's fields (resolved) or members, and the dict displays in their order.
DESCRIBE = r"""
import json, sys, typing
if sys.argv[1] == "lazy":
    from landguard.lsp import lazy_types
    assert lazy_types.install() is not None
import attrs, enum
import pygls.lsp.server  # noqa: F401 - the server's imports first, as it starts
from lsprotocol import types

def describe(value):
    if isinstance(value, type) and attrs.has(value):
        attrs.resolve_types(value, dict(vars(types)) | {n: getattr(types, n) for n in dir(types)}, {})
        return ["attrs", [(f.name, repr(f.type), repr(f.default)) for f in attrs.fields(value)]]
    if isinstance(value, type) and issubclass(value, enum.Enum):
        return ["enum", [(m.name, repr(m.value)) for m in value]]
    if callable(value) and getattr(value, "__module__", None) == types.__name__:
        return ["function", value.__qualname__]
    return ["value", repr(value)]

names = [n for n in dir(types) if not n.startswith("__")]
created_at_start = None
if sys.argv[1] == "lazy":
    created_at_start = len(lazy_types.created())
out = {
    "names": names,
    "created_at_start": created_at_start,
    "special": types.is_keyword_class(types.CallHierarchyIncomingCall),  # a function's globals
    "position_order": types.Position(1, 2) > types.Position(1, 1),  # a method's
    "method_get": repr(types.METHOD_TO_TYPES.get(types.TEXT_DOCUMENT_HOVER)),
    "map_len": len(types.ALL_TYPES_MAP),
    "map_keys": list(types.ALL_TYPES_MAP),
    "methods": {k: repr(v) for k, v in types.METHOD_TO_TYPES.items()},
    "each": {n: describe(getattr(types, n)) for n in names},
    "direction": types.message_direction("textDocument/didOpen"),
}
print(json.dumps(out))
"""


def _describe(mode: str, cache: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(SERVER), "LANDGUARD_CACHE_DIR": str(cache)}
    result = subprocess.run(
        [sys.executable, "-c", DESCRIBE, mode],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout)


def test_lazily_created_module_equals_the_imported_one(tmp_path):
    eager = _describe("eager", tmp_path)
    lazy = _describe("lazy", tmp_path)
    assert (
        lazy.pop("created_at_start")
        < len([kind for kind, _ in eager["each"].values() if kind == "attrs"]) / 3
    )
    eager.pop("created_at_start")
    assert lazy == eager
    assert eager["special"] is True and eager["position_order"] is True


def test_a_second_process_reads_the_plan_from_the_cache(tmp_path):
    _describe("lazy", tmp_path)
    (cached,) = (tmp_path / lazy_types.FOLDER).glob("types-*.bin")
    before = cached.stat().st_mtime_ns
    _describe("lazy", tmp_path)
    assert cached.stat().st_mtime_ns == before  # read, not planned and written again
    cached.write_bytes(b"\0" * 64)  # not ours: ignored, planned again and rewritten
    lazy = _describe("lazy", tmp_path)
    assert cached.stat().st_size > 64
    eager = _describe("eager", tmp_path)
    lazy.pop("created_at_start"), eager.pop("created_at_start")
    assert lazy == eager


SOURCE = b"""
import enum
class Colour(enum.Enum):
    RED = 1
Shade = Colour
'''A docstring under an alias.'''
def shade_of(name):
    return TABLE[name]
TABLE = {"red": Shade.RED, "again": Colour.RED, "red": Colour.RED}
"""


def _module(source: bytes) -> tuple[dict, lazy_types._Creator]:
    planned = lazy_types.plan(source, "<test>")
    assert planned is not None
    eager, lazy, displays = planned
    namespace: dict = {"__name__": "lazy_test"}
    for code in eager:
        exec(code, namespace)  # noqa: S102 - the test's own source
    return namespace, lazy_types._Creator(namespace, lazy, displays)


def test_names_are_created_when_first_named_and_functions_get_their_globals():
    namespace, creator = _module(SOURCE)
    assert "Colour" not in namespace
    shade_of = creator.create("shade_of")  # its global TABLE, TABLE's keys (the values wait)
    assert shade_of("red").name == "RED"
    assert creator.created[:2] == ["shade_of", "TABLE"]
    assert creator.create("Shade") is namespace["Colour"]  # the alias created what it names
    with pytest.raises(AttributeError):
        creator.create("missing")


def test_a_lazy_dict_evaluates_a_value_when_read_and_everything_when_read_whole():
    namespace, creator = _module(SOURCE)
    table = creator.create("TABLE")
    assert len(table) == 2 and "again" in table and "Colour" not in namespace  # keys only
    assert table.get("again").name == "RED"
    assert list(table) == ["red", "again"]  # a repeated key keeps its first place, as a display
    assert table == {"red": namespace["Colour"].RED, "again": namespace["Colour"].RED}
    import copy

    assert type(copy.copy(table)) is dict


@pytest.mark.parametrize(
    "source",
    [
        b"import attrs\nprint('side effect')\n",
        b"X = 1\nX = 2\n",
        b"from __future__ import annotations\nX = 1\n",
        b"a, b = 1, 2\n",
    ],
)
def test_a_module_of_another_shape_is_not_deferred(source):
    assert lazy_types.plan(source, "<test>") is None


def test_nothing_is_installed_once_the_module_is_imported():
    import lsprotocol.types  # noqa: F401 - the test process imports it anyway

    assert lazy_types.install() is None
