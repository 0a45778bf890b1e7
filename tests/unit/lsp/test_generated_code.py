"""The cache of attrs'/cattrs' generated code (issue #15, cold start): a second fresh process
compiles (almost) none of pygls' types and hooks, gets the same classes and hooks, and a cache
file that does not verify is ignored, never trusted."""

import json
import os
import subprocess
import sys

# A fresh process as the server starts: install, import pygls' types, build a converter and
# structure/unstructure the first messages; reports what was compiled and what came out.
PROBE = """
import json, sys
from landguard.lsp import generated_code

cache = generated_code.install()
from lsprotocol import types
from pygls.protocol import default_converter

converter = default_converter()
init = {"processId": 7, "rootUri": "file:///w", "capabilities": {"general": {"positionEncodings": ["utf-16"]},
        "textDocument": {"publishDiagnostics": {"versionSupport": True}}}}
params = converter.structure(init, types.InitializeParams)
diagnostic = types.Diagnostic(
    range=types.Range(types.Position(1, 2), types.Position(1, 5)), message="m", code="LG201", source="landguard"
)
generated_code.save()
print(json.dumps({
    "installed": cache is not None,
    "hits": cache.hits if cache else 0,
    "misses": cache.misses if cache else 0,
    "params": converter.unstructure(params),
    "diagnostic": converter.unstructure(diagnostic),
    "repr": repr(diagnostic.range),
    "equal": types.Position(1, 2) == types.Position(1, 2),
    "annotations": {k: str(v) for k, v in types.Position.__init__.__annotations__.items()},
    "hook_file": converter.get_structure_hook(types.InitializeParams).__code__.co_filename,
}))
"""


def _run(cache_dir, *, cached=True) -> dict:
    env = dict(os.environ, LANDGUARD_CACHE_DIR=str(cache_dir))
    env.pop("LANDGUARD_NO_CODE_CACHE", None)
    if not cached:
        env["LANDGUARD_NO_CODE_CACHE"] = "1"
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(result.stdout)


def _cache_files(cache_dir):
    return sorted((cache_dir / "generated-code").glob("*.bin"))


def test_a_second_start_compiles_almost_nothing_and_gets_the_same_code(tmp_path):
    first = _run(tmp_path)
    assert first["installed"]
    assert first["misses"] > 400, first["misses"]  # every class and hook compiled once
    assert len(_cache_files(tmp_path)) == 1
    second = _run(tmp_path)
    # Only sources that differ between processes (a frozen class's hash seed) are compiled again.
    assert second["misses"] <= 5, second["misses"]
    assert second["hits"] >= first["misses"] - 5
    uncached = _run(tmp_path, cached=False)
    assert not uncached["installed"]
    for key in ("params", "diagnostic", "repr", "equal", "annotations", "hook_file"):
        assert first[key] == second[key] == uncached[key], key
    assert second["equal"] is True


def test_a_tampered_or_foreign_cache_file_is_ignored_and_rewritten(tmp_path):
    _run(tmp_path)
    (path,) = _cache_files(tmp_path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # not what the per-user secret signed
    path.write_bytes(bytes(data))
    after_tampering = _run(tmp_path)
    assert after_tampering["misses"] > 400  # nothing of it was used
    assert _run(tmp_path)["misses"] <= 5  # and it was written anew
    path.write_bytes(b"\0" * 40)
    assert _run(tmp_path)["misses"] > 400


# dataclasses' generated methods (``EXECUTORS``): the engine's classes defined after install().
DATACLASS_PROBE = """
import dataclasses, json, traceback
from landguard.lsp import generated_code

cache = generated_code.install()
from landguard.engine.findings import Span

@dataclasses.dataclass(frozen=True, order=True)
class Row:
    name: str
    args: tuple = ()
    weight: int = dataclasses.field(default=3, compare=False)

try:
    Row()
except TypeError as error:
    missing = str(error)
generated_code.save()
print(json.dumps({
    "installed": cache is not None,
    "hits": cache.hits if cache else 0,
    "misses": cache.misses if cache else 0,
    "repr": repr(Row("a", (1,))),
    "order": Row("a") < Row("b"),
    "equal": Row("a", weight=1) == Row("a", weight=2),
    "hash": hash(Row("a", (1,))) == hash(Row("a", (1,))),
    "missing": missing,
    "span": repr(Span(1, 2, 3, 4)),
    "init_file": Row.__init__.__code__.co_filename,
}))
"""


def test_dataclass_methods_come_from_the_cache_and_behave_the_same(tmp_path):
    def run(cached=True):
        env = dict(os.environ, LANDGUARD_CACHE_DIR=str(tmp_path))
        env.pop("LANDGUARD_NO_CODE_CACHE", None)
        if not cached:
            env["LANDGUARD_NO_CODE_CACHE"] = "1"
        result = subprocess.run(
            [sys.executable, "-c", DATACLASS_PROBE], capture_output=True, text=True, env=env, check=True
        )
        return json.loads(result.stdout)

    first = run()
    assert first["installed"] and first["misses"] >= 8  # Row's and the findings module's methods
    second = run()
    # At most the one source attrs varies per process (a frozen class's hash seed, above).
    assert second["misses"] <= 1, second
    assert second["hits"] >= first["misses"] - 1
    uncached = run(cached=False)
    for key in ("repr", "order", "equal", "hash", "missing", "span", "init_file"):
        assert first[key] == second[key] == uncached[key], key
    assert second["init_file"] == "<string>"  # as dataclasses' own exec names it
